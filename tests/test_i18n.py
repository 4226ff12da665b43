"""The English catalogue is complete: no entry left empty or fuzzy, and it is compiled."""

from __future__ import annotations

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "samsyn" / "locale" / "en" / "LC_MESSAGES"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_every_english_entry_is_translated_and_not_fuzzy():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries = _entries(text)[1:]  # the first is the header
    assert len(entries) > 300
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.M)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]
    assert untranslated == []
    assert not [e for e in entries if re.search(r"^#,.*fuzzy", e, re.M)]


def test_the_compiled_catalogue_holds_every_entry_of_its_source():
    import gettext

    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    keys = {k[0] if isinstance(k, tuple) else k for k in compiled._catalog}  # type: ignore[attr-defined]
    keys.discard("")
    source = _entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))[1:]
    assert len(keys) == len(source), "run `make messages` to recompile the catalogue"
