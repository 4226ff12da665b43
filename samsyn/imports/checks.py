"""The three kinds of import file (youths, referrals, historic cases): their columns and the
check of every row, all read-only.

A file is read by `samsyn.lib.tabular` into records (line, column -> text); `check` turns the
records into rows ready to import and lists every problem as (line, column, reason). The same
`check` runs again inside the import's transaction on the records signed at the preview, so a
row that has become a conflict since (a youth added, a case opened, a district renamed) stops
the whole import.

Headers are Swedish, the same in every language of the interface: they are a file format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import (
    Case,
    ClosureReason,
    Measure,
    Period,
    ReferralKind,
    Sex,
    Youth,
)
from samsyn.lib import personnummer as pnr
from samsyn.lib.personnummer import age_on
from samsyn.lib.tabular import Problem
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
)
from samsyn.organisations.selectors import policy_for

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COUNT = 10_000
YOUTHS, REFERRALS, HISTORIC = "ungdomar", "aktualiseringar", "historik"


@dataclass(frozen=True)
class Column:
    """One column of a file: its header, whether a value is required, what it holds."""

    header: str
    required: bool
    help: Promise | str
    example: str = ""


@dataclass(frozen=True)
class Kind:
    slug: str
    title: Promise | str
    lead: Promise | str
    columns: tuple[Column, ...]

    @property
    def needs_owner(self) -> bool:
        """Referrals and cases are owned by a social services organisation (D16)."""
        return self.slug != YOUTHS

    @property
    def required(self) -> list[str]:
        return [c.header for c in self.columns if c.required]


_IDENTITY = (
    Column(
        "personnummer",
        True,
        gettext_lazy("Personnummer eller samordningsnummer, ÅÅÅÅMMDD-NNNN."),
        "20100521-1234",
    ),
    Column("förnamn", True, gettext_lazy("Högst 80 tecken."), "Adam"),
    Column("efternamn", True, gettext_lazy("Högst 80 tecken."), "Andersson"),
    Column(
        "kön", False, gettext_lazy("flicka, pojke, annat eller tomt (uppgift saknas)."), "pojke"
    ),
    Column(
        "stadsdel",
        False,
        gettext_lazy("Stadsdelens namn som i samsyn, eller tomt."),
    ),
)
_REFERRAL = (
    Column(
        "aktualiseringsdatum", True, gettext_lazy("ÅÅÅÅ-MM-DD, inte i framtiden."), "2024-03-05"
    ),
    Column(
        "aktualiserad av",
        True,
        gettext_lazy(
            "polisen, socialtjänsten, skolan, fältassistenter, egen ansökan, frivården eller annan."
        ),
        "polisen",
    ),
    Column(
        "från organisation",
        False,
        gettext_lazy("Namnet på en organisation i kommunen som i samsyn, eller tomt."),
    ),
    Column("skäl", True, gettext_lazy("Varför ungdomen aktualiserades."), ""),
    Column(
        "skäl utanför åldern",
        False,
        gettext_lazy("Krävs när ungdomen är utanför målgruppens ålder enligt lokala riktlinjer."),
    ),
)


def _count_header(measure: str, period: str) -> str:
    with translation.override("sv"):
        return f"{Measure(measure).label} {Period(period).label}".lower()


_COUNTS = tuple(
    Column(_count_header(measure, period), False, gettext_lazy("Antal, ett heltal från 0."))
    for measure in Measure
    for period in Period
)


KINDS: dict[str, Kind] = {
    YOUTHS: Kind(
        YOUTHS,
        gettext_lazy("Ungdomar"),
        gettext_lazy(
            "Ungdomar med personnummer, namn och kontaktuppgifter. Ungdomar som redan finns med "
            "samma namn hoppas över."
        ),
        (
            *_IDENTITY,
            Column("adress", False, gettext_lazy("Högst 200 tecken.")),
            Column("telefon", False, gettext_lazy("Högst 40 tecken.")),
            Column("skola", False, gettext_lazy("Högst 160 tecken.")),
        ),
    ),
    REFERRALS: Kind(
        REFERRALS,
        gettext_lazy("Aktualiseringar"),
        gettext_lazy(
            "Nya aktualiseringar. Varje rad blir ett ärende som aktualiserat hos den socialtjänst "
            "du väljer, som inkommande aktualisering tills en samordnare tar emot det."
        ),
        (*_IDENTITY, *_REFERRAL),
    ),
    HISTORIC: Kind(
        HISTORIC,
        gettext_lazy("Historiska ärenden"),
        gettext_lazy(
            "Avslutade ärenden från ett tidigare journalsystem, för uppföljningen. Varje rad blir "
            "ett avslutat ärende med datum, avslutsskäl och antal före, under och efter."
        ),
        (
            *_IDENTITY,
            *_REFERRAL,
            Column("beslutsdatum", False, gettext_lazy("ÅÅÅÅ-MM-DD, beslut om SIG.")),
            Column("startdatum", False, gettext_lazy("ÅÅÅÅ-MM-DD, när SIG startade.")),
            Column("avslutsdatum", True, gettext_lazy("ÅÅÅÅ-MM-DD."), "2025-01-31"),
            Column(
                "avslutsskäl",
                True,
                gettext_lazy(
                    "mål uppfyllda, annan insats, placerad, flyttat, samtycke återkallat, "
                    "avböjt, åldersgräns eller annat."
                ),
                "mål uppfyllda",
            ),
            Column("sammanfattning", False, gettext_lazy("Sammanfattning vid avslut.")),
            *_COUNTS,
        ),
    ),
}


# --- values ------------------------------------------------------------------------------------


def _choices(choices: Sequence[tuple[str, Promise | str]], extra: dict[str, str]) -> dict[str, str]:
    """Accepted text (lower case) -> stored value: the value, the Swedish label and its parts."""
    accepted: dict[str, str] = {}
    with translation.override("sv"):
        for value, label in choices:
            accepted[value.casefold()] = value
            text = str(label).casefold()
            accepted[text] = value
            for part in text.split("/"):
                accepted.setdefault(part.strip(), value)
    for text, value in extra.items():
        accepted[text] = value
    return accepted


SEXES = _choices(Sex.choices, {"okänt": Sex.UNKNOWN, "k": Sex.FEMALE, "m": Sex.MALE})
REFERRAL_KINDS = _choices(
    ReferralKind.choices,
    {
        "skola": ReferralKind.SCHOOL,
        "socialtjänst": ReferralKind.SOCIAL_SERVICES,
        "fältassistenterna": ReferralKind.FIELD_WORKERS,
        "frivård": ReferralKind.PROBATION,
    },
)
CLOSURE_REASONS = _choices(
    ClosureReason.choices,
    {
        "mål uppfyllda": ClosureReason.GOALS_MET,
        "annan insats": ClosureReason.OTHER_INTERVENTION,
        "placerad": ClosureReason.PLACED,
        "samtycke återkallat": ClosureReason.CONSENT_WITHDRAWN,
        "avböjt": ClosureReason.DECLINED,
        "åldersgräns": ClosureReason.AGED_OUT,
    },
)

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[ T][\d:.]+)?$")


@dataclass
class Row:
    """One checked row, ready to import."""

    line: int
    personnummer: str
    birth_date: date
    first_name: str
    last_name: str
    sex: str
    district: District | None
    address: str = ""
    phone: str = ""
    school: str = ""
    referred_on: date | None = None
    referral_kind: str = ""
    source_organisation: Organisation | None = None
    reason: str = ""
    age_exception_reason: str = ""
    decided_on: date | None = None
    started_on: date | None = None
    closed_on: date | None = None
    closure_reason: str = ""
    summary: str = ""
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    known_youth: Youth | None = None  # the youth already in samsyn, by personnummer

    @property
    def age(self) -> int:
        assert self.referred_on is not None
        return age_on(self.birth_date, self.referred_on)


@dataclass
class Checked:
    """Every problem in the file, and the rows when there are none."""

    kind: Kind
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def new_youths(self) -> int:
        """Distinct youths the import adds to samsyn."""
        return len({r.personnummer for r in self.rows if r.known_youth is None})

    @property
    def known_youths(self) -> int:
        """Distinct youths already in samsyn (skipped, or the new cases are theirs)."""
        return len({r.personnummer for r in self.rows if r.known_youth is not None})

    @property
    def cases(self) -> int:
        return 0 if self.kind.slug == YOUTHS else len(self.rows)


Record = tuple[int, dict[str, str]]
Report = Callable[[str, str], None]  # (column, reason)
Text = Callable[[str, int], str]  # (column, longest) -> the trimmed value


def header_problems(kind: Kind, header: list[str]) -> list[Problem]:
    """One problem per missing required column, on line 1."""
    names = {h.strip().lstrip("\ufeff").lower() for h in header}
    return [
        Problem(
            1,
            column,
            _("Kolumnen ”%(column)s” saknas. Hämta mallen för att se vilka rubriker som behövs.")
            % {"column": column},
        )
        for column in kind.required
        if column not in names
    ]


class _Context:
    """What every row is checked against, read once per file."""

    def __init__(
        self, kind: Kind, municipality: Municipality, owner: Organisation | None, numbers: set[str]
    ) -> None:
        self.kind = kind
        self.municipality = municipality
        self.owner = owner
        self.today = timezone.localdate()
        self.districts = {
            d.name.strip().casefold(): d
            for d in District.objects.filter(municipality=municipality).order_by("name")
        }
        self.organisations = {
            o.name.strip().casefold(): o
            for o in Organisation.objects.filter(municipality=municipality, is_active=True)
        }
        self.youths = {
            y.personnummer: y
            for y in Youth.objects.filter(
                municipality=municipality, personnummer__in=numbers
            ).select_related("district")
        }
        ids = [y.pk for y in self.youths.values()]
        self.open_cases = set(
            Case.objects.filter(youth_id__in=ids)
            .exclude(state__in=ENDED)
            .values_list("youth_id", flat=True)
        )
        self.opened = set(
            Case.objects.filter(youth_id__in=ids).values_list("youth_id", "opened_on")
        )
        self._policies: dict[int | None, LocalPolicy | None] = {}

    def policy(self, district: District | None) -> LocalPolicy | None:
        key = district.pk if district is not None else None
        if key not in self._policies:
            self._policies[key] = policy_for(municipality=self.municipality, district=district)
        return self._policies[key]


def _normalised_numbers(records: list[Record], today: date) -> set[str]:
    numbers = set()
    for _line, values in records:
        try:
            numbers.add(pnr.parse(values.get("personnummer", ""), today=today).normalised)
        except ValidationError:
            continue  # reported by the row's own check
    return numbers


def check(
    *, kind: Kind, municipality: Municipality, owner: Organisation | None, records: list[Record]
) -> Checked:
    """Every row of the file checked against the municipality's districts, organisations,
    youths, cases and local policy; a constant number of queries plus one per district's policy.

    Rules: required values present; personnummer valid (check digit); dates real and not in the
    future, in order (referral, decision, start, closure); districts and organisations the
    municipality's own; values among the allowed choices; a youth once per file (a case once per
    youth and referral date for historic cases); a youth already in samsyn under another name, an
    open case for a new referral, or a historic case already imported is a conflict; a referral
    outside the local target ages needs a stated reason (as `case_create`)."""
    today = timezone.localdate()
    context = _Context(kind, municipality, owner, _normalised_numbers(records, today))
    checked = Checked(kind)
    seen: dict[object, int] = {}
    for line, values in records:
        row = _check_row(context, line, values, checked.problems, seen)
        if row is not None:
            checked.rows.append(row)
    if checked.problems:
        checked.rows = []
    return checked


def _check_row(
    context: _Context,
    line: int,
    values: dict[str, str],
    problems: list[Problem],
    seen: dict[object, int],
) -> Row | None:
    kind = context.kind
    before = len(problems)

    def problem(column: str, reason: str) -> None:
        problems.append(Problem(line, column, reason))

    def text(column: str, limit: int) -> str:
        value = values.get(column, "").strip()
        if len(value) > limit:
            problem(column, _("Högst %(limit)s tecken.") % {"limit": limit})
        return value

    for column in kind.columns:
        if column.required and not values.get(column.header, "").strip():
            problem(column.header, _("Värde saknas i ”%(column)s”.") % {"column": column.header})

    number, birth = "", None
    raw = values.get("personnummer", "").strip()
    if raw:
        try:
            parsed = pnr.parse(raw, today=context.today)
        except ValidationError as exc:
            problem("personnummer", " ".join(exc.messages))
        else:
            number, birth = parsed.normalised, parsed.birth_date
    first_name = text("förnamn", 80)
    last_name = text("efternamn", 80)
    sex = _choice(values, "kön", SEXES, problem) or Sex.UNKNOWN
    district = _district(context, values, problem)
    row = Row(
        line=line,
        personnummer=number,
        birth_date=birth or context.today,
        first_name=first_name,
        last_name=last_name,
        sex=sex,
        district=district,
    )
    known = context.youths.get(number) if number else None
    if known is not None and (
        known.first_name.casefold() != first_name.casefold()
        or known.last_name.casefold() != last_name.casefold()
    ):
        problem(
            "personnummer",
            _(
                "Personnumret finns redan i samsyn med ett annat namn. Kontrollera personnumret "
                "och namnet."
            ),
        )
    row.known_youth = known

    if kind.slug == YOUTHS:
        row.address = text("adress", 200)
        row.phone = text("telefon", 40)
        row.school = text("skola", 160)
        key: object = number
    else:
        _referral(context, values, row, problem, text)
        key = number if kind.slug == REFERRALS else (number, row.referred_on)
        if kind.slug == HISTORIC:
            _historic(context, values, row, problem, text)
    if number and key in seen:
        problem(
            "personnummer",
            _("Samma ungdom finns redan på rad %(line)s.") % {"line": seen[key]}
            if kind.slug != HISTORIC
            else _("Samma ungdom och aktualiseringsdatum finns redan på rad %(line)s.")
            % {"line": seen[key]},
        )
    elif number:
        seen[key] = line
    return row if len(problems) == before else None


def _choice(values: dict[str, str], column: str, accepted: dict[str, str], problem: Report) -> str:
    value = values.get(column, "").strip()
    if not value:
        return ""
    found = accepted.get(value.casefold())
    if found is None:
        problem(
            column,
            _("”%(value)s” är inget tillåtet värde i ”%(column)s”. Se mallen för tillåtna värden.")
            % {"value": value, "column": column},
        )
        return ""
    return found


def _district(context: _Context, values: dict[str, str], problem: Report) -> District | None:
    name = values.get("stadsdel", "").strip()
    if not name:
        return None
    district = context.districts.get(name.casefold())
    if district is None:
        known = ", ".join(d.name for d in context.districts.values()) or "–"
        problem(
            "stadsdel",
            _("”%(name)s” är ingen stadsdel i %(municipality)s. Stadsdelarna är: %(known)s.")
            % {"name": name, "municipality": context.municipality.name, "known": known},
        )
    return district


def _date(values: dict[str, str], column: str, today: date, problem: Report) -> date | None:
    value = values.get(column, "").strip()
    if not value:
        return None
    match = _DATE.match(value)
    day = None
    if match:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            day = None
    if day is None:
        problem(
            column,
            _("”%(value)s” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2024-03-05.")
            % {"value": value},
        )
        return None
    if day > today:
        problem(column, _("Datumet kan inte ligga i framtiden."))
        return None
    return day


def _referral(
    context: _Context, values: dict[str, str], row: Row, problem: Report, text: Text
) -> None:
    row.referred_on = _date(values, "aktualiseringsdatum", context.today, problem)
    row.referral_kind = _choice(values, "aktualiserad av", REFERRAL_KINDS, problem)
    name = values.get("från organisation", "").strip()
    if name:
        row.source_organisation = context.organisations.get(name.casefold())
        if row.source_organisation is None:
            problem(
                "från organisation",
                _("”%(name)s” är ingen aktiv organisation i %(municipality)s i samsyn.")
                % {"name": name, "municipality": context.municipality.name},
            )
    row.reason = text("skäl", 4000)
    row.age_exception_reason = text("skäl utanför åldern", 4000)
    if not row.personnummer or row.referred_on is None:
        return
    if row.referred_on < row.birth_date:
        problem("aktualiseringsdatum", _("Datumet ligger före ungdomens födelsedatum."))
        return
    known = row.known_youth
    if context.kind.slug == REFERRALS and known is not None and known.pk in context.open_cases:
        problem("personnummer", _("Ungdomen har redan ett öppet ärende i kommunen."))
    if (
        context.kind.slug == HISTORIC
        and known is not None
        and (known.pk, row.referred_on) in context.opened
    ):
        problem(
            "aktualiseringsdatum",
            _("Ungdomen har redan ett ärende från samma datum i samsyn: filen är redan inläst."),
        )
    district = row.district
    if known is not None:
        district = known.district
    elif district is None and context.owner is not None:
        district = context.owner.district
    local = context.policy(district)
    if local is not None and not local.in_target_ages(row.age) and not row.age_exception_reason:
        problem(
            "skäl utanför åldern",
            _(
                "Ungdomen var %(age)s år, utanför målgruppen %(low)s–%(high)s år. Skriv varför "
                "ärendet ändå aktualiserades."
            )
            % {"age": row.age, "low": local.target_age_min, "high": local.target_age_max},
        )


def _historic(
    context: _Context, values: dict[str, str], row: Row, problem: Report, text: Text
) -> None:
    row.decided_on = _date(values, "beslutsdatum", context.today, problem)
    row.started_on = _date(values, "startdatum", context.today, problem)
    row.closed_on = _date(values, "avslutsdatum", context.today, problem)
    row.closure_reason = _choice(values, "avslutsskäl", CLOSURE_REASONS, problem)
    row.summary = text("sammanfattning", 4000)
    order = [
        ("aktualiseringsdatum", row.referred_on),
        ("beslutsdatum", row.decided_on),
        ("startdatum", row.started_on),
        ("avslutsdatum", row.closed_on),
    ]
    present = [(column, day) for column, day in order if day is not None]
    for (earlier, first), (later, second) in pairwise(present):
        if second < first:
            problem(
                later,
                _("”%(later)s” kan inte ligga före ”%(earlier)s”.")
                % {"later": later, "earlier": earlier},
            )
    for measure in Measure:
        for period in Period:
            header = _count_header(measure, period)
            value = "".join(values.get(header, "").split())
            if not value:
                continue
            if not value.isdigit() or int(value) > MAX_COUNT:
                problem(
                    header,
                    _("”%(value)s” är inget antal. Skriv ett heltal från 0 till %(max)s.")
                    % {"value": value, "max": MAX_COUNT},
                )
                continue
            row.counts[(measure.value, period.value)] = int(value)


def records_of(kind: Kind, header: list[str], rows: list[tuple[int, list[str]]]) -> list[Record]:
    """The rows as (line, column -> text), only the kind's columns, only non-empty values."""
    from samsyn.lib.tabular import cell, header_positions

    position = header_positions(header, {c.header: (c.header,) for c in kind.columns})
    records: list[Record] = []
    for line, cells in rows:
        values = {c: cell(cells, position, c) for c in position}
        records.append((line, {c: v for c, v in values.items() if v}))
    return records
