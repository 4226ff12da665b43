"""Checks of uploaded files' contents, beyond their first bytes (issue 11).

- A scanned consent that is a PDF must be a plain document: no JavaScript, no actions that
  launch programs, submit or import data, no embedded files, multimedia or XFA forms, and no
  password. A scanner never makes those; a hostile file would run them in whoever opens it.
- An .xlsx file is a zip archive: it is refused before any part is unpacked when its parts
  would unpack to more than `MAX_XLSX_UNPACKED_BYTES` (a zip bomb), or when it has an absurd
  number of parts. The sizes checked are those the archive declares; Python's zip reader
  never returns more than a part declares, so a lying archive cannot get past them.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any

MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_PARTS = 1000

# Keys and action types that make a PDF do something when it is opened or clicked.
_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
    "/Launch",
}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/RichMediaExecute",
    "/GoToE",
}
_MAX_PDF_OBJECTS = 100_000


class UnsafeFile(ValueError):
    """The file may not be stored; the message says why, in the active language."""


def check_pdf(file: IO[bytes]) -> None:
    """Refuse a PDF with active content, a password, or that cannot be read as a PDF."""
    from django.utils.translation import gettext as _
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import IndirectObject

    unreadable = _("Filen går inte att läsa som PDF. Skanna blanketten igen och spara som PDF.")
    position = file.tell()
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise UnsafeFile(
                _("PDF-filen är lösenordsskyddad. Ladda upp en skanning utan lösenord.")
            )
        numbers = _object_numbers(reader)
        if len(numbers) > _MAX_PDF_OBJECTS:
            raise UnsafeFile(unreadable)
        for number, generation in numbers:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if _is_active(obj):
                raise UnsafeFile(
                    _(
                        "PDF-filen innehåller skript, inbäddade filer eller annat som körs när "
                        "den öppnas, och kan inte sparas. Skanna den underskrivna blanketten "
                        "på nytt och ladda upp skanningen."
                    )
                )
    except UnsafeFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise UnsafeFile(unreadable) from exc
    finally:
        file.seek(position)


def _object_numbers(reader: Any) -> list[tuple[int, int]]:
    """Every object the file's cross-reference tables name, in object streams too."""
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    return sorted(numbers)


def _is_active(obj: Any, depth: int = 0) -> bool:
    """True when the object, or a dictionary or array written inside it (not a reference to
    another object: those are checked on their own), makes the file do something."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if depth > 64:
        return True  # nothing a scanner writes is nested this deep
    if isinstance(obj, DictionaryObject):
        if _ACTIVE_KEYS & set(obj.keys()):
            return True
        kind = obj.get("/S")
        if (
            kind is not None
            and not isinstance(kind, IndirectObject)
            and str(kind) in _ACTIVE_ACTIONS
        ):
            return True
        children: Any = obj.values()
    elif isinstance(obj, ArrayObject):
        children = obj
    else:
        return False
    return any(
        _is_active(child, depth + 1)
        for child in children
        if isinstance(child, DictionaryObject | ArrayObject)
    )


def check_xlsx(data: bytes) -> None:
    """Refuse an .xlsx archive that would unpack to too much (before unpacking anything)."""
    from django.utils.translation import gettext as _

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says it cannot read it as Excel
    if len(parts) > MAX_XLSX_PARTS or sum(p.file_size for p in parts) > MAX_XLSX_UNPACKED_BYTES:
        raise UnsafeFile(
            _(
                "Excel-filen packas upp till mer än 50 MB och läses inte. Spara bara bladet "
                "med uppgifterna, eller spara som CSV, och försök igen."
            )
        )
