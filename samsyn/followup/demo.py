"""Demo needs inventory: invented counts of youths in the target group for the demo
municipalities (Stockholm as a whole and its two demo districts, Växjö as a whole), for last
year and this year, imported by each municipality's demo styrgrupp through the import service.

Adds to `samsyn.organisations.demo` (run `seed_demo` first). Idempotent: a municipality that
already has a needs inventory is left as it is.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from samsyn.followup.models import NeedsCount
from samsyn.followup.needs import NeedsRow, needs_import
from samsyn.organisations.models import District, Municipality, Person

POLICE = "Polisen: ungdomar misstänkta för brott (demo, påhittade siffror)"
WHOLE = "Hela kommunen"
SOCIAL = "Socialtjänsten: ungdomar aktuella för utredning (demo, påhittade siffror)"

# (municipality number, importer, district or None, source, count last year, count this year)
NEEDS = [
    ("0180", "styrgrupp", None, POLICE, 410, 395),
    ("0180", "styrgrupp", "Rinkeby-Kista", SOCIAL, 64, 58),
    ("0180", "styrgrupp", "Skärholmen", SOCIAL, 41, 44),
    ("0780", "styrgrupp.vaxjo", None, SOCIAL, 52, 47),
]


@transaction.atomic
def seed_needs(*, today: date | None = None) -> int:
    """Import the demo counts; the number of counts added (0 when they were there already)."""
    year = (today or timezone.localdate()).year
    added = 0
    for number in dict.fromkeys(n[0] for n in NEEDS):
        municipality = Municipality.objects.filter(municipality_number=number).first()
        if municipality is None or NeedsCount.objects.filter(municipality=municipality).exists():
            continue
        lines = [n for n in NEEDS if n[0] == number]
        importer = Person.objects.get(username=lines[0][1])
        districts = {d.name: d for d in District.objects.filter(municipality=municipality)}
        rows: list[NeedsRow] = []
        for _number, _who, district_name, source, last_year, this_year in lines:
            district = districts[district_name] if district_name else None
            for offset, count in ((1, last_year), (0, this_year)):
                rows.append(
                    NeedsRow(
                        line=len(rows) + 2,
                        year=year - offset,
                        district_id=district.pk if district else None,
                        area=district.name if district else WHOLE,
                        count=count,
                        source=source,
                    )
                )
        added += needs_import(actor=importer, municipality=municipality, rows=rows).created
    return added
