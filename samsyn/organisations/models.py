"""Municipalities, districts, organisations (secrecy domains), people, roles and local policy."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel


class Municipality(TimestampedModel):
    """A kommun: the tenant. Data never crosses between municipalities without a consent."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    municipality_number = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        help_text=_("Fyra siffror enligt SCB, t.ex. 0180 för Stockholm."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality_number__regex=r"^[0-9]{4}$"),
                name="municipality_number_four_digits",
            )
        ]

    def __str__(self) -> str:
        return self.name


class District(TimestampedModel):
    """A stadsdel or område of a municipality, with its own SIG."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=120)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("stadsdel/område")
        verbose_name_plural = _("stadsdelar/områden")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class OrganisationKind(models.TextChoices):
    SOCIAL_SERVICES = "socialtjanst", _("Socialtjänst")
    POLICE = "polis", _("Polis")
    SCHOOL = "skola", _("Skola")
    LEISURE = "fritid", _("Fritid")
    CAMHS = "bup", _("BUP")
    MARIA_UNGDOM = "maria_ungdom", _("Maria Ungdom")
    FIELD_WORKERS = "faltassistenter", _("Fältassistenter")
    PROBATION = "frivard", _("Frivården")
    SIS = "sis", _("SiS")
    EMPLOYMENT = "arbetsformedling", _("Arbetsförmedlingen")
    OTHER = "annan", _("Annan")


class Organisation(TimestampedModel):
    """An authority or an independent branch of one: each is its own secrecy domain.

    Sekretess applies between organisations, so every personal-data item will be owned by
    exactly one of these and crosses to another only under consent.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("kommun"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        verbose_name=_("stadsdel/område"),
        help_text=_("Välj ”Hela kommunen” om organisationen verkar i hela kommunen."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="branches",
        null=True,
        blank=True,
        verbose_name=_("del av myndighet"),
        help_text=_("Om detta är en självständig del (gren) av en annan myndighet."),
    )
    kind = models.CharField(_("slag"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("namn"), max_length=160)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.district is not None and self.district.municipality_id != self.municipality_id:
            errors["district"] = _("Stadsdelen hör till en annan kommun.")
        if self.parent is not None:
            if self.parent_id == self.pk:
                errors["parent"] = _("En organisation kan inte vara del av sig själv.")
            elif self.parent.municipality_id != self.municipality_id:
                errors["parent"] = _("Myndigheten hör till en annan kommun.")
            elif self.parent.parent_id is not None:
                errors["parent"] = _("Välj myndigheten, inte en av dess delar.")
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    COORDINATOR = "samordnare", _("Samordnare")
    CASE_OFFICER = "handlaggare", _("Handläggare")
    ACTOR_REPRESENTATIVE = "aktorsrepresentant", _("Aktörsrepresentant")
    MANAGER = "chef", _("Chef/beredningsgrupp")
    STEERING = "styrgrupp", _("Styrgrupp/analytiker")
    NATIONAL = "nationell", _("Nationell samordnare")
    ADMINISTRATOR = "administrator", _("Administratör")


ROLE_DESCRIPTIONS: dict[str, Any] = {
    Role.COORDINATOR: _("Samordnar ungdomens SIG: aktualisering, möten, åtgärdsplan och avslut."),
    Role.CASE_OFFICER: _("Utreder och beslutar om SIG som biståndsbedömd insats."),
    Role.ACTOR_REPRESENTATIVE: _("Företräder sin myndighet i gruppen kring en ungdom."),
    Role.MANAGER: _("Diskuterar aktualiserade ungdomar avidentifierat och ger rekommendationer."),
    Role.STEERING: _("Läser verksamhetsuppföljning utan personuppgifter."),
    Role.NATIONAL: _("Läser uppföljningen för alla kommuner tillsammans, utan personuppgifter."),
    Role.ADMINISTRATOR: _("Hanterar organisationer, personer, lokala riktlinjer och loggsökning."),
}


class PersonManager(UserManager["Person"]):
    def get_by_natural_key(self, username: str | None) -> Person:
        # Usernames are matched case-insensitively, as people type them differently.
        return self.get(username__iexact=username)


class Person(AbstractUser):
    """A staff member: belongs to one organisation and holds one or more roles."""

    code = models.UUIDField(_("kod"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(  # type: ignore[assignment]
        _("e-postadress"), unique=True, blank=True, null=True
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("titel"), max_length=120, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    # Rotated to end every session of the person at once ("logga ut överallt").
    session_generation = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = PersonManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.email == "":
            self.email = None
        others = Person.objects.exclude(pk=self.pk)
        if self.username and others.filter(username__iexact=self.username).exists():
            raise ValidationError({"username": _("Användarnamnet är upptaget.")})
        if self.email and others.filter(email__iexact=self.email).exists():
            raise ValidationError({"email": _("E-postadressen används redan av en annan person.")})

    @property
    def roles(self) -> list[str]:
        """The person's role codes, cached on the instance (prefetch `role_assignments`)."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = sorted(a.role for a in self.role_assignments.all())
            self._roles_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def is_verified(self) -> bool:
        """Replaced per request by django-otp's middleware; unverified without it."""
        return False

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]

    @property
    def municipality_id(self) -> int | None:
        return self.organisation.municipality_id if self.organisation is not None else None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "samsyn.organisations.Person.session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RoleAssignment(models.Model):
    """One role held by one person; a person may hold several (e.g. samordnare and chef)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class Instrument(TimestampedModel):
    """A screening or assessment instrument that a municipality may choose to use."""

    short_name = models.CharField(_("kortnamn"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=160)
    description = models.TextField(_("beskrivning"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("från ålder"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("till ålder"), null=True, blank=True)
    scale_min = models.DecimalField(
        _("skalans lägsta värde"), max_digits=6, decimal_places=1, default=0
    )
    scale_max = models.DecimalField(
        _("skalans högsta värde"), max_digits=6, decimal_places=1, default=10
    )
    higher_is_risk = models.BooleanField(
        _("högre värde betyder större risk"),
        default=True,
        help_text=_("Avmarkera om ett högre värde betyder mer skydd eller bättre läge."),
    )
    is_active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("bedömningsinstrument")
        verbose_name_plural = _("bedömningsinstrument")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="instrument_scale_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.short_name


class InstrumentDomain(models.Model):
    """One domain (område) of an instrument, scored on the instrument's scale. Retired, never
    deleted, once a measurement uses it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(_("område"), max_length=160)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)
    is_active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("område")
        verbose_name_plural = _("områden")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "name"], name="instrument_domain_unique")
        ]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = [
    (0, _("måndag")),
    (1, _("tisdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
]


def default_followup_months() -> list[int]:
    return [6, 12]


class LocalPolicy(TimestampedModel):
    """The local rules of a municipality, or of one district when it differs.

    A district without its own row follows its municipality's policy: see `policy_for`.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="policies", verbose_name=_("kommun")
    )
    district = models.OneToOneField(
        District,
        on_delete=models.PROTECT,
        related_name="policy",
        null=True,
        blank=True,
        verbose_name=_("stadsdel/område"),
    )
    target_age_min = models.PositiveSmallIntegerField(
        _("målgrupp från ålder"), default=13, validators=[MaxValueValidator(30)]
    )
    target_age_max = models.PositiveSmallIntegerField(
        _("målgrupp till och med ålder"), default=20, validators=[MaxValueValidator(30)]
    )
    meeting_cadence_weeks = models.PositiveSmallIntegerField(
        _("nätverksmöte minst var n:e vecka"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    premeeting = models.BooleanField(_("förmöte före varje nätverksmöte"), default=False)
    meeting_weekday = models.PositiveSmallIntegerField(
        _("fast veckodag för nätverksmöten"),
        choices=WEEKDAYS,
        null=True,
        blank=True,
        help_text=_("Lämna tomt om mötena inte har en fast veckodag."),
    )
    meeting_time = models.TimeField(_("fast tid för nätverksmöten"), null=True, blank=True)
    meeting_length_minutes = models.PositiveSmallIntegerField(
        _("mötets längd (minuter)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    motivation_phase = models.BooleanField(
        _("motivationsfas före inskrivning"),
        default=False,
        help_text=_("Till exempel för unga vuxna som lämnar anstalt."),
    )
    followup_months = models.JSONField(
        _("uppföljning efter avslut (månader)"),
        default=default_followup_months,
        blank=True,
        help_text=_("Till exempel 6 och 12 månader efter avslut."),
    )
    consent_validity_months = models.PositiveSmallIntegerField(
        _("samtycke gäller i månader"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    consent_guardians_only_below_age = models.PositiveSmallIntegerField(
        _("endast vårdnadshavare samtycker under ålder"),
        default=15,
        validators=[MaxValueValidator(18)],
    )
    consent_youth_alone_from_age = models.PositiveSmallIntegerField(
        _("ungdomen samtycker ensam från ålder"),
        default=18,
        validators=[MaxValueValidator(18)],
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="policies", verbose_name=_("instrument som används")
    )
    required_actor_kinds = models.JSONField(_("aktörer som måste ingå"), default=list, blank=True)
    sig_cost_per_youth_year = models.PositiveIntegerField(
        _("kostnad för SIG per ungdom och år (kr)"), default=900_000
    )
    placement_cost_per_year = models.PositiveIntegerField(
        _("kostnad för placering per år (kr)"), default=2_726_000
    )
    feedback_recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mottagare av synpunkter från portalen"),
        help_text=_(
            "En person utanför ungdomarnas grupper som tar emot synpunkter och klagomål från "
            "ungdomar och vårdnadshavare. Ingår personen i en ungdoms grupp går synpunkten i "
            "stället till mottagaren i kommunens gemensamma riktlinjer."
        ),
    )

    class Meta:
        verbose_name = _("lokala riktlinjer")
        verbose_name_plural = _("lokala riktlinjer")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(district__isnull=True),
                name="one_municipal_policy",
            ),
            models.CheckConstraint(
                condition=Q(target_age_min__lte=models.F("target_age_max")),
                name="policy_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    consent_guardians_only_below_age__lte=models.F("consent_youth_alone_from_age")
                ),
                name="policy_consent_ages_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.district) if self.district_id else str(self.municipality)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.target_age_min > self.target_age_max:
            errors["target_age_max"] = _("Den övre åldersgränsen får inte vara lägre än den nedre.")
        if self.consent_guardians_only_below_age > self.consent_youth_alone_from_age:
            errors["consent_youth_alone_from_age"] = _(
                "Åldern då ungdomen samtycker ensam kan inte vara lägre än åldern då "
                "ungdomen börjar samtycka tillsammans med vårdnadshavarna."
            )
        unknown = [k for k in self.required_actor_kinds if k not in OrganisationKind.values]
        if unknown:
            errors["required_actor_kinds"] = _("Okänt slag av aktör: %s") % ", ".join(unknown)
        months = self.followup_months
        if not isinstance(months, list) or any(
            not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 60 for m in months
        ):
            errors["followup_months"] = _("Ange hela månader mellan 1 och 60.")
        if self.district is not None and self.district.municipality_id != self.municipality_id:
            errors["district"] = _("Stadsdelen hör till en annan kommun.")
        if errors:
            raise ValidationError(errors)

    def in_target_ages(self, age: int) -> bool:
        return self.target_age_min <= age <= self.target_age_max

    def consent_rule_for_age(self, age: int) -> str:
        """Who gives consent for a person of this age: guardians, guardians and youth, or youth."""
        if age < self.consent_guardians_only_below_age:
            return "guardians"
        if age < self.consent_youth_alone_from_age:
            return "guardians_and_youth"
        return "youth"


class CrimeCost(models.Model):
    """What one crime of a kind costs society, for the cost calculator (local figures)."""

    policy = models.ForeignKey(LocalPolicy, on_delete=models.CASCADE, related_name="crime_costs")
    crime_type = models.CharField(_("brottstyp"), max_length=120)
    amount_sek = models.PositiveIntegerField(_("kostnad per brott (kr)"))

    class Meta:
        ordering = ["crime_type"]
        verbose_name = _("kostnad per brott")
        verbose_name_plural = _("kostnader per brott")
        constraints = [
            models.UniqueConstraint(fields=["policy", "crime_type"], name="crime_cost_unique_type")
        ]

    def __str__(self) -> str:
        return f"{self.crime_type}: {self.amount_sek} kr"
