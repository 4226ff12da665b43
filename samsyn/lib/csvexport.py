"""Streaming CSV downloads that open correctly in Swedish Excel."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from django.http import StreamingHttpResponse
from django.utils import timezone

T = TypeVar("T")


class _Echo:
    """A file-like object whose `write` hands the line back, so csv can stream."""

    def write(self, value: str) -> str:
        return value


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items, so names can be looked up per chunk."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    # A byte order mark, so that Excel opens the Swedish characters correctly.
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_download(
    *, header: Sequence[Any], rows: Iterable[Sequence[Any]], name: str
) -> StreamingHttpResponse:
    """A CSV attachment `<name>-<YYYYMMDD-HHMM>.csv` (semicolons, UTF-8 with BOM), streamed."""
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
