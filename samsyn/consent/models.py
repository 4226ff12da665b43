"""Data categories and consents: which organisation may release which data to whom, until when.

A consent is never edited after it is recorded: a renewal is a new consent that points to the
one it renews, and a revocation is recorded on the consent with who, when and how. Nothing is
deleted, so the history shows what was allowed at any moment.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel


class DataCategory(models.Model):
    """A kind of personal data (configurable list). `identifying` marks identity and contact."""

    slug = models.SlugField(_("kortnamn"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=120, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    identifying = models.BooleanField(
        _("identifierande"),
        default=False,
        help_text=_("Uppgifter som pekar ut ungdomen: namn, personnummer, adress, telefon, skola."),
    )
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("uppgiftskategori")
        verbose_name_plural = _("uppgiftskategorier")

    def __str__(self) -> str:
        return self.name


class ConsentForm(models.TextChoices):
    WRITTEN = "skriftligt", _("Skriftligt")
    ORAL = "muntligt", _("Muntligt")


class AgeRule(models.TextChoices):
    GUARDIANS = "guardians", _("Vårdnadshavarna samtycker")
    GUARDIANS_AND_YOUTH = "guardians_and_youth", _("Vårdnadshavarna och ungdomen samtycker")
    YOUTH = "youth", _("Ungdomen samtycker själv")


class GiverRole(models.TextChoices):
    YOUTH = "ungdom", _("Ungdomen")
    GUARDIAN = "vardnadshavare", _("Vårdnadshavare")
    LEGAL_REPRESENTATIVE = "foretradare", _("Legal företrädare")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self) -> ConsentQuerySet:
        """Consents that still stand as given: not revoked, not replaced by a renewal (the
        ones whose end date someone must be reminded of)."""
        return self.filter(revoked_at__isnull=True, renewals__isnull=True)


class Consent(TimestampedModel):
    """One consent to release one organisation's data about a case's youth.

    Rule: it covers only the named categories, only to the named recipients, only while it is
    live (given, not yet ended, not revoked).
    """

    objects = ConsentQuerySet.as_manager()

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="consents", verbose_name=_("ärende")
    )
    releasing_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_obtained",
        verbose_name=_("utlämnande organisation"),
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="consents", verbose_name=_("uppgifter som omfattas")
    )
    recipients = models.ManyToManyField(
        "organisations.Organisation",
        related_name="consents_received",
        verbose_name=_("mottagare"),
    )
    also_about = models.ForeignKey(
        "cases.Guardian",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_about",
        verbose_name=_("omfattar också uppgifter om"),
        help_text=_("När uppgifterna rör både ungdomen och en vårdnadshavare måste båda samtycka."),
    )
    form = models.CharField(_("form"), max_length=16, choices=ConsentForm.choices)
    document = models.FileField(_("inskannat samtycke"), upload_to="samtycken/%Y/", blank=True)
    oral_note = models.TextField(_("anteckning om muntligt samtycke"), blank=True)
    given_on = models.DateField(_("lämnat den"))
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)
    age_at_consent = models.PositiveSmallIntegerField(_("ungdomens ålder när samtycket gavs"))
    age_rule = models.CharField(_("åldersregel"), max_length=24, choices=AgeRule.choices)
    maturity_assessment = models.TextField(_("mognadsbedömning"), blank=True)
    recorded_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("förnyar"),
    )
    remains_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remainders",
        verbose_name=_("det som kvarstår av"),
        help_text=_(
            "När samtycket tas tillbaka för bara några mottagare återkallas det, och det som "
            "kvarstår blir ett nytt samtycke med samma givare, datum och uppgifter."
        ),
    )
    revoked_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    revoked_by = models.CharField(_("återkallat av"), max_length=160, blank=True)
    revocation_how = models.TextField(_("hur återkallelsen gjordes"), blank=True)
    revocation_recorded_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallelse registrerad av"),
    )

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_by=""),
                name="consent_revocation_says_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Samtycke')} {self.number}"

    @property
    def number(self) -> str:
        """A short reference people can say on the phone: #A1B2C3."""
        return f"#{self.code.hex[:6].upper()}"

    def is_live(self, on: date) -> bool:
        return (
            self.revoked_at is None
            and self.given_on <= on
            and (self.valid_until is None or on <= self.valid_until)
        )


class ConsentGiver(models.Model):
    """Who gave a consent: the youth, a guardian or a legal representative."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="givers")
    role = models.CharField(_("roll"), max_length=16, choices=GiverRole.choices)
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("samtyckesgivare")
        verbose_name_plural = _("samtyckesgivare")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="ungdom", guardian__isnull=True)
                | (~Q(role="ungdom") & Q(guardian__isnull=False)),
                name="consent_giver_is_youth_or_a_guardian",
            ),
            models.UniqueConstraint(
                fields=["consent", "guardian"], name="consent_giver_once_per_guardian"
            ),
            models.UniqueConstraint(
                fields=["consent"], condition=Q(role="ungdom"), name="consent_giver_youth_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.guardian) if self.guardian_id else str(GiverRole.YOUTH.label)
