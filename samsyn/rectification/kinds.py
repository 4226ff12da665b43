"""The kinds of item that can be corrected and restricted from the pages, by the slug their
URLs use: the items people write in their own words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import CaseItem, JournalNote, Referral
from samsyn.meetings.models import Meeting
from samsyn.plans.models import Activity, SubGoal


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    model: type[CaseItem]
    fields: tuple[str, ...]  # the free-text fields a correction may change
    page: str  # the URL name of the page that shows the item

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def field_label(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        return str(getattr(field, "verbose_name", name)).capitalize()

    def page_url(self, case_code: Any, item: Any) -> str:
        if self.page == "meetings:detail":
            return reverse(self.page, kwargs={"code": case_code, "meeting_code": item.code})
        return reverse(self.page, kwargs={"code": case_code})


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("anteckning", _("Journalanteckning"), JournalNote, ("title", "text"), "cases:detail"),
        Kind(
            "aktualisering",
            _("Aktualisering"),
            Referral,
            ("reason", "age_exception_reason"),
            "cases:lifecycle",
        ),
        Kind("delmal", _("Delmål"), SubGoal, ("goal", "youth_words"), "plans:plan"),
        Kind("aktivitet", _("Aktivitet"), Activity, ("description",), "plans:plan"),
        Kind("mote", _("Möte"), Meeting, ("agenda", "minutes"), "meetings:detail"),
    )
}
BY_OBJECT_TYPE: dict[str, Kind] = {kind.object_type: kind for kind in KINDS.values()}
