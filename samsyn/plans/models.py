"""The action plan (åtgärdsplan) and the interventions (insatser) of a case.

Every item is a `CaseItem`: owned by one organisation, in one data category, read only through
`samsyn.consent.policy`. The plan and its sub-goals belong to the category "Åtgärdsplan och
mötesanteckningar"; an intervention belongs to the category of the organisation that decided it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samsyn.cases.models import CaseItem


class LifeDomain(models.TextChoices):
    SCHOOL = "skola", _("Skola/sysselsättning")
    HEALTH = "halsa", _("Hälsa")
    LEISURE = "fritid", pgettext_lazy("livsområde", "Fritid")
    CRIME = "kriminalitet", _("Kriminalitet")
    FRIENDS = "kamrater", _("Kamrater")
    FAMILY = "familj", _("Familj")
    HOUSING = "boende", _("Boende")
    ECONOMY = "ekonomi", _("Ekonomi")
    SUBSTANCES = "missbruk", _("Missbruk")
    OTHER = "ovrigt", _("Övrigt")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "ej_paborjat", _("Ej påbörjat")
    IN_PROGRESS = "pagar", _("Pågår")
    ACHIEVED = "uppnatt", _("Uppnått")
    PARTLY = "delvis", _("Delvis uppnått")
    NOT_ACHIEVED = "ej_uppnatt", _("Ej uppnått")


class ActionPlan(CaseItem):
    """The plan: a long-term goal in the youth's own words. One per case; every agreed version
    is kept as a `PlanVersion`."""

    long_term_goal = models.TextField(_("långsiktigt mål, med ungdomens egna ord"))
    version = models.PositiveIntegerField(_("senast överenskomna version"), default=0)

    class Meta:
        verbose_name = _("åtgärdsplan")
        verbose_name_plural = _("åtgärdsplaner")
        constraints = [models.UniqueConstraint(fields=["case"], name="one_plan_per_case")]

    def __str__(self) -> str:
        return f"{self.case}: {self.long_term_goal[:40]}"


class PlanVersion(models.Model):
    """An agreed plan as it stood, and what changed since the previous version."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    agreed_on = models.DateField(_("överenskommen"))
    agreed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("planen"), default=dict)
    changes = models.JSONField(_("ändringar"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class SubGoal(CaseItem):
    """A sub-goal in one life domain, with its status. Removed goals are kept, inactive."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="subgoals")
    domain = models.CharField(_("livsområde"), max_length=16, choices=LifeDomain.choices)
    goal = models.TextField(_("delmål"))
    youth_words = models.TextField(
        _("med ungdomens ord"), blank=True, help_text=_("Så som ungdomen själv säger det.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("ingår i planen"), default=True)

    class Meta:
        ordering = ["sort_order", "created_at"]
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")

    def __str__(self) -> str:
        return self.goal[:60]


class Activity(CaseItem):
    """Who (person and organisation) does what, by when, and when it is followed up. A decision
    at a network meeting becomes an activity pointing to that meeting."""

    subgoal = models.ForeignKey(
        SubGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("delmål"),
    )
    description = models.TextField(_("vad ska göras"))
    responsible_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vem"),
    )
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    youth_does = models.BooleanField(_("ungdomen gör det själv"), default=False)
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    follow_up_on = models.DateField(_("följs upp"), null=True, blank=True)
    done_on = models.DateField(_("klart"), null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("beslutad på möte"),
    )

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")

    def __str__(self) -> str:
        return self.description[:60]


class GoalReview(CaseItem):
    """A follow-up of one sub-goal: its status then, and why (usually at a network meeting)."""

    subgoal = models.ForeignKey(SubGoal, on_delete=models.PROTECT, related_name="reviews")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    reviewed_on = models.DateField(_("uppföljt"))
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        verbose_name = _("uppföljning av delmål")
        verbose_name_plural = _("uppföljningar av delmål")


class InterventionKind(models.Model):
    """A kind of intervention (MST, FFT, ART…): one shared list, retired rather than deleted."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("slag av insats")
        verbose_name_plural = _("slag av insatser")

    def __str__(self) -> str:
        return self.name


class InterventionStatus(models.TextChoices):
    PLANNED = "planerad", _("Planerad")
    ONGOING = "pagar", _("Pågår")
    ENDED = "avslutad", _("Avslutad")
    CANCELLED = "avbruten", _("Avbruten")


class Intervention(CaseItem):
    """An intervention decided by one organisation, which alone records and changes it."""

    kind = models.ForeignKey(
        InterventionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("insats")
    )
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("slut"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
