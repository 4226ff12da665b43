"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

Accepted input: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and YYMMDD+NNNN (the plus
marks someone aged 100 or more). A samordningsnummer adds 60 to the day. The last digit is a
Luhn check digit over the ten digits YYMMDDNNN. Stored normalised as twelve digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


def display(normalised: str) -> str:
    """YYYYMMDD-NNNN for a stored twelve-digit number; anything else unchanged."""
    return f"{normalised[:8]}-{normalised[8:]}" if len(normalised) == 12 else normalised


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@dataclass(frozen=True)
class Personnummer:
    normalised: str  # twelve digits
    birth_date: date
    coordination: bool

    def __str__(self) -> str:
        return display(self.normalised)


def parse(value: str, *, today: date | None = None) -> Personnummer:
    """Parse and validate; raises ValidationError with a Swedish message."""
    raw = re.sub(r"\s", "", value or "")
    match = _PATTERN.match(raw)
    if not match:
        raise ValidationError(
            _("Skriv personnumret som ÅÅÅÅMMDD-NNNN, t.ex. 20100521-1234."), code="format"
        )
    century, year, month, day, separator, serial, check = match.groups()
    if not luhn_ok(f"{year}{month}{day}{serial}{check}"):
        raise ValidationError(
            _("Personnumret stämmer inte (kontrollsiffran är fel). Kontrollera siffrorna."),
            code="checksum",
        )
    day_number = int(day)
    coordination = day_number > 60
    if coordination:
        day_number -= 60
    today = today or date.today()
    if century is None:
        # Without a century: the latest century that does not put the birth in the future,
        # one more back for the "+" of the hundred-year-olds.
        full = int(f"{today.year // 100}{year}")
        try:
            if date(full, int(month), day_number) > today:
                full -= 100
        except ValueError:
            if full > today.year:
                full -= 100
        if separator == "+":
            full -= 100
    else:
        full = int(f"{century}{year}")
    try:
        birth = date(full, int(month), day_number)
    except ValueError as exc:
        raise ValidationError(
            _("Personnumret innehåller ett datum som inte finns."), code="date"
        ) from exc
    if birth > today:
        raise ValidationError(_("Personnumret anger ett födelsedatum i framtiden."), code="future")
    return Personnummer(
        normalised=f"{full:04d}{month}{day}{serial}{check}",
        birth_date=birth,
        coordination=coordination,
    )


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
