"""Input field types of the API that accept exactly what the OpenAPI document says.

pydantic's lax mode reads a number, or a string of digits, as Unix time: `?fran=0` would be
1 January 1970 and `"starts_at": 20260302` a moment in August 1970, where the document promises
an ISO 8601 `date` or `date-time` (schemathesis found it, see docs/api.md#fuzzing). Routers use
these for dates and times they *read* (query parameters and bodies); output fields stay plain
`date`/`datetime`."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not _DATE.fullmatch(value):
        raise ValueError("not a date as YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("not a date as YYYY-MM-DD")
    return value


def _iso_date_time(value: Any) -> Any:
    if isinstance(value, str) and not _DATE_TIME.match(value):
        raise ValueError("not a date and time in ISO 8601")
    if not isinstance(value, str | datetime):
        raise ValueError("not a date and time in ISO 8601")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_date_time)]
