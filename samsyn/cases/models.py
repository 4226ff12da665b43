"""The youth, their guardians, the case, who takes part in it, and the items recorded in it.

Every personal-data item in a case has an owner organisation and a data category; the one door
`samsyn.consent.policy` decides who may read it from those two facts and the case's consents.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel
from samsyn.lib.personnummer import age_on

# No 0/O, 1/I: the anonymous code is read aloud in the beredningsgrupp.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_anonymous_code() -> str:
    return "SIG-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


class Sex(models.TextChoices):
    FEMALE = "flicka", _("Flicka/kvinna")
    MALE = "pojke", _("Pojke/man")
    OTHER = "annat", _("Annat")
    UNKNOWN = "okant", _("Uppgift saknas")


class Youth(TimestampedModel):
    """The young person: the data subject whose consent (or guardians' consent) governs."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="youths"
    )
    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="youths",
        verbose_name=_("stadsdel/område"),
    )
    first_name = models.CharField(_("förnamn"), max_length=80)
    last_name = models.CharField(_("efternamn"), max_length=80)
    personnummer = models.CharField(
        _("personnummer eller samordningsnummer"), max_length=12, blank=True
    )
    date_of_birth = models.DateField(_("födelsedatum"))
    sex = models.CharField(_("kön"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    school = models.CharField(_("skola"), max_length=160, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("ungdom")
        verbose_name_plural = _("ungdomar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personnummer"],
                condition=~models.Q(personnummer=""),
                name="youth_personnummer_unique_per_municipality",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: date | None = None) -> int:
        return age_on(self.date_of_birth, on or date.today())


class GuardianRole(models.TextChoices):
    GUARDIAN = "vardnadshavare", _("Vårdnadshavare")
    LEGAL_REPRESENTATIVE = "foretradare", _("Legal företrädare")


class Guardian(TimestampedModel):
    """A guardian (vårdnadshavare) or legal representative: can give and withdraw consent."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="guardians")
    role = models.CharField(
        _("roll"), max_length=16, choices=GuardianRole.choices, default=GuardianRole.GUARDIAN
    )
    first_name = models.CharField(_("förnamn"), max_length=80)
    last_name = models.CharField(_("efternamn"), max_length=80)
    personnummer = models.CharField(_("personnummer"), max_length=12, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    has_custody = models.BooleanField(
        _("har vårdnaden"),
        default=True,
        help_text=_("Alla som har vårdnaden måste samtycka för ett barn under 18 år."),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("vårdnadshavare")
        verbose_name_plural = _("vårdnadshavare")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Case(TimestampedModel):
    """One youth's SIG, run by the owner organisation (social services)."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="cases")
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="cases"
    )
    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("ansvarig organisation"),
    )
    anonymous_code = models.CharField(
        _("avidentifierad kod"), max_length=12, unique=True, default=new_anonymous_code
    )
    summary = models.TextField(
        _("avidentifierad sammanfattning"),
        blank=True,
        help_text=_(
            "Det beredningsgruppen får veta innan samtycke finns. Skriv inget som kan peka ut "
            "ungdomen: inga namn, adresser, skolor eller unika händelser."
        ),
    )
    opened_on = models.DateField(_("öppnat"), default=date.today)
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "anonymous_code"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")

    def __str__(self) -> str:
        return self.anonymous_code


class CaseMember(models.Model):
    """A person who takes part in the case. Nobody else sees it, whatever their role."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="case_memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.person} i {self.case}"


class CaseItem(TimestampedModel):
    """Base of every personal-data item in a case: owned by one organisation, in one category."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="%(class)ss")
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ägare"),
    )
    category = models.ForeignKey(
        "consent.DataCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kategori"),
    )
    also_about = models.ForeignKey(
        Guardian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rör också"),
        help_text=_("Om uppgiften också handlar om en vårdnadshavare krävs även dennes samtycke."),
    )
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class JournalNote(CaseItem):
    """A free-text note, the simplest item to share."""

    occurred_on = models.DateField(_("datum"), default=date.today)
    title = models.CharField(_("rubrik"), max_length=160)
    text = models.TextField(_("anteckning"))

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")

    def __str__(self) -> str:
        return self.title
