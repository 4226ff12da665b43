"""Network meetings (nätverksmöten), pre-meetings (förmöten) and smaller meetings.

A meeting is a `CaseItem` in the category "Åtgärdsplan och mötesanteckningar", owned by the
organisation that convenes it (social services): its agenda, preparation and minutes are read
only through `samsyn.consent.policy`. Without consent a member sees when it is and who comes
from which organisation, de-identified.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import CaseItem


class MeetingKind(models.TextChoices):
    NETWORK = "natverksmote", _("Nätverksmöte")
    PREMEETING = "formote", _("Förmöte (bara yrkesverksamma)")
    SMALL = "mindre", _("Mindre möte (känsliga ämnen)")


class MeetingStatus(models.TextChoices):
    PLANNED = "planerat", _("Planerat")
    INVITED = "kallat", _("Kallelse skickad")
    HELD = "genomfort", _("Genomfört")
    CANCELLED = "installt", _("Inställt")


class Meeting(CaseItem):
    kind = models.CharField(
        _("slag"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.NETWORK
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    starts_at = models.DateTimeField(_("börjar"), db_index=True)
    ends_at = models.DateTimeField(_("slutar"))
    location = models.CharField(_("plats"), max_length=200, blank=True)
    agenda = models.TextField(_("dagordning"), blank=True)
    premeeting_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="premeetings",
        verbose_name=_("förmöte till"),
    )
    invitation_sent_at = models.DateTimeField(_("kallelse skickad"), null=True, blank=True)
    # The youth's preparation (seed 000: they asked to know what a meeting is for).
    prep_about = models.TextField(_("vad mötet handlar om"), blank=True)
    prep_outcome = models.TextField(_("vad vi hoppas att mötet leder till"), blank=True)
    prep_who = models.TextField(_("vilka som kommer"), blank=True)
    prep_topics = models.TextField(_("vilka frågor som tas upp"), blank=True)
    prep_after = models.TextField(_("vad som händer efteråt"), blank=True)
    youth_prepared_on = models.DateField(_("ungdomen förberedd"), null=True, blank=True)
    minutes = models.TextField(_("minnesanteckningar"), blank=True)
    held_on = models.DateField(_("hölls"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    """Who is invited to and who came to a meeting: a professional (person, organisation), the
    youth, or a guardian. Recorded per meeting, so continuity of representatives shows."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_youth = models.BooleanField(_("ungdomen"), default=False)
    attended = models.BooleanField(_("närvarade"), null=True, blank=True)

    class Meta:
        verbose_name = _("deltagare på möte")
        verbose_name_plural = _("deltagare på möten")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(person__isnull=False),
                name="attendance_person_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "guardian"],
                condition=models.Q(guardian__isnull=False),
                name="attendance_guardian_once",
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=models.Q(is_youth=True), name="attendance_youth_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id or self.guardian_id or 'ungdomen'}"
