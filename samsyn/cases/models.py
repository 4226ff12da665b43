"""The youth, their guardians, the case, who takes part in it, and the items recorded in it.

Every personal-data item in a case has an owner organisation and a data category; the one door
`samsyn.consent.policy` decides who may read it from those two facts and the case's consents.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel
from samsyn.lib.personnummer import age_on

# No 0/O, 1/I: the anonymous code is read aloud in the beredningsgrupp.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_anonymous_code() -> str:
    return "SIG-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


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


class CaseState(models.TextChoices):
    """The lifecycle of a case; `samsyn.cases.lifecycle` says which moves are allowed."""

    REFERRED = "aktualiserad", _("Aktualiserad")
    MOTIVATION = "motivation", _("Motivationsfas")
    PREPARATION = "beredning", _("Under beredning")
    SCREENING = "bedomning", _("Bedömning")
    INFORMATION = "information", _("Information och samtycke")
    DECIDED = "beslutad", _("Beslutad")
    ACTIVE = "aktiv", _("Aktiv")
    CLOSED = "avslutad", _("Avslutad")
    FOLLOWED_UP = "efterfoljd", _("Efterföljd")
    DECLINED = "avbojd", _("Avböjd")


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
    state = models.CharField(
        _("läge"), max_length=16, choices=CaseState.choices, default=CaseState.REFERRED
    )
    state_since = models.DateTimeField(_("i läget sedan"), default=timezone.now)
    decided_on = models.DateField(_("beslutat"), null=True, blank=True)
    started_on = models.DateField(_("startat"), null=True, blank=True)
    coordinator = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_cases",
        verbose_name=_("samordnare"),
    )
    lead_contact = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_contact_cases",
        verbose_name=_("lots/kontaktperson"),
    )
    contact_police = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_police_cases",
        verbose_name=_("kontaktpolis"),
    )

    class Meta:
        ordering = ["-opened_on", "anonymous_code"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        indexes = [
            models.Index(fields=["municipality", "state"], name="case_municipality_state"),
            models.Index(fields=["state", "opened_on"], name="case_state_opened"),
        ]

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


class NoteKind(models.TextChoices):
    NOTE = "anteckning", _("Anteckning")
    POSITIVE = "positiv", _("Positiv händelse")
    INCIDENT = "incident", _("Incident")


class JournalNote(CaseItem):
    """A free-text note, the simplest item to share. Positive events are recorded as well as
    incidents (the Huddinge evaluation asked for both)."""

    kind = models.CharField(
        _("slag"), max_length=16, choices=NoteKind.choices, default=NoteKind.NOTE
    )
    occurred_on = models.DateField(_("datum"), default=date.today)
    title = models.CharField(_("rubrik"), max_length=160)
    text = models.TextField(_("anteckning"))

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")

    def __str__(self) -> str:
        return self.title


class CaseTransition(CaseItem):
    """One move of the case from one state to another: who, when and why (the timeline)."""

    from_state = models.CharField(_("från"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("till"), max_length=16, choices=CaseState.choices)
    reason = models.TextField(_("motivering"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lägesändring")
        verbose_name_plural = _("lägesändringar")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class ReferralKind(models.TextChoices):
    POLICE = "polis", _("Polisen")
    SOCIAL_SERVICES = "socialtjanst", _("Socialtjänsten")
    SCHOOL = "skola", _("Skolan")
    FIELD_WORKERS = "faltassistenter", _("Fältassistenter")
    SELF = "egen", _("Egen ansökan")
    PROBATION = "frivard", _("Frivården")
    OTHER = "annan", _("Annan")


class Referral(CaseItem):
    """The aktualisering: who referred the youth, when and why. Held by social services, which
    received it; the referrer's own copy stays in the referrer's own records."""

    kind = models.CharField(_("aktualiserad av"), max_length=16, choices=ReferralKind.choices)
    source_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("från organisation"),
    )
    source_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("från person"),
    )
    source_description = models.CharField(
        _("annan källa"),
        max_length=160,
        blank=True,
        help_text=_("Vem som aktualiserade, om det inte är någon med konto i samsyn."),
    )
    referred_on = models.DateField(_("datum"))
    reason = models.TextField(_("skäl"))
    age_at_referral = models.PositiveSmallIntegerField(_("ålder vid aktualisering"))
    age_exception_reason = models.TextField(
        _("skäl att aktualisera utanför målgruppens ålder"), blank=True
    )

    class Meta:
        ordering = ["-referred_on"]
        verbose_name = _("aktualisering")
        verbose_name_plural = _("aktualiseringar")


class Recommendation(models.TextChoices):
    PROPOSE = "foresla", _("Föreslå SIG")
    NOT_PROPOSE = "inte", _("Föreslå inte SIG")
    MORE_INFORMATION = "mer_information", _("Behöver mer information")


class PreparationRecommendation(models.Model):
    """The beredningsgrupp's recommendation on a de-identified case. It recommends; it cannot
    decide (DOMAIN.md). Written about the anonymous code only, so it is not personal data."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recommendations")
    meeting_on = models.DateField(_("beredningsgruppens möte"))
    recommendation = models.CharField(
        _("rekommendation"), max_length=16, choices=Recommendation.choices
    )
    motivation = models.TextField(
        _("motivering"),
        blank=True,
        help_text=_("Avidentifierat: skriv inget som kan peka ut ungdomen."),
    )
    recorded_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting_on", "-created_at"]
        verbose_name = _("beredningsgruppens rekommendation")
        verbose_name_plural = _("beredningsgruppens rekommendationer")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_recommendation_display()}"


class InformationPoint(models.IntegerChoices):
    """The six things a youth must be told before consent (Socialstyrelsen's guidance)."""

    WHAT = 1, _("Vad en social insatsgrupp är och vad den syftar till")
    WHY = 2, _("Varför ungdomen erbjuds en social insatsgrupp")
    VOLUNTARY = (
        3,
        _(
            "Att det är frivilligt, vilka alternativen är och att socialtjänstens ansvar att "
            "erbjuda stöd finns kvar om ungdomen säger nej"
        ),
    )
    CONSENT = 4, _("Vad samtycke till att dela uppgifter innebär, och att det kan återkallas")
    PLANNING = 5, _("Att ungdomen ska vara med och planera")
    INFORMED = 6, _("Att ungdomen ska få relevant information under hela tiden")


class InformationGiven(CaseItem):
    """That the youth was told one of the six points: when and by whom."""

    point = models.PositiveSmallIntegerField(_("punkt"), choices=InformationPoint.choices)
    informed_on = models.DateField(_("datum"))
    informed_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("informerad av"),
    )
    note = models.CharField(_("kommentar"), max_length=300, blank=True)

    class Meta:
        ordering = ["point", "-informed_on"]
        verbose_name = _("given information")
        verbose_name_plural = _("given information")


class LegalBasis(models.TextChoices):
    GRANTED = "bistand", _("Biståndsbedömd insats")
    COURT_SANCTION = "ungdomskontrakt", _("Del av påföljd (ungdomskontrakt)")


class SigDecision(CaseItem):
    """Social services' decision on the SIG. Every other actor decides only its own
    interventions, so there is one per case."""

    legal_basis = models.CharField(_("grund"), max_length=16, choices=LegalBasis.choices)
    decided_on = models.DateField(_("beslutsdatum"))
    reference = models.CharField(_("diarienummer"), max_length=60)
    decision_maker = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beslutsfattare"),
    )
    misconduct_rules = models.TextField(
        _("regler för misskötsel"),
        blank=True,
        help_text=_("Krävs när insatsen ingår i ett ungdomskontrakt: vad räknas som misskötsel?"),
    )

    class Meta:
        verbose_name = _("beslut om SIG")
        verbose_name_plural = _("beslut om SIG")
        constraints = [models.UniqueConstraint(fields=["case"], name="one_decision_per_case")]


class GroupFunction(models.TextChoices):
    COORDINATOR = "samordnare", _("Samordnare")
    LEAD_CONTACT = "lots", _("Lots/kontaktperson")
    CONTACT_POLICE = "kontaktpolis", _("Kontaktpolis")
    REPRESENTATIVE = "representant", _("Representant")


class Representation(models.Model):
    """Who represented which organisation in the operational group, from when to when.
    Nothing is deleted: a change of representative ends one period and starts another, so
    continuity can be reported (one youth met five different police officers)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="representations")
    person = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    function = models.CharField(_("uppdrag"), max_length=16, choices=GroupFunction.choices)
    has_mandate = models.BooleanField(_("mandat att fatta beslut"), default=False)
    started_on = models.DateField(_("från"))
    ended_on = models.DateField(_("till"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "started_on", "pk"]
        verbose_name = _("representant")
        verbose_name_plural = _("representanter")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "function"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_representation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_function_display()})"


class Ternary(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")
    UNKNOWN = "okant", _("Uppgift saknas")


class CrimeType(models.TextChoices):
    THEFT = "stold", _("Stöld och snatteri")
    ROBBERY = "ran", _("Rån")
    VEHICLE = "fordon", _("Tillgrepp av fortskaffningsmedel")
    ASSAULT = "misshandel", _("Misshandel")
    THREAT = "hot", _("Olaga hot")
    DRUGS = "narkotika", _("Narkotikabrott")
    DAMAGE = "skadegorelse", _("Skadegörelse")
    WEAPONS = "vapen", _("Vapenbrott")
    AUTHORITY = "myndighet", _("Brott mot tjänsteman")
    FRAUD = "bedrageri", _("Bedrägeri")
    SEXUAL = "sexualbrott", _("Sexualbrott")
    OTHER = "annat", _("Annat")


class CaseProfile(CaseItem):
    """The baseline variables the Huddinge evaluators had to collect by hand, as data."""

    area = models.CharField(_("bostadsområde"), max_length=120, blank=True)
    parents_separated = models.CharField(
        _("separerade föräldrar"), max_length=8, choices=Ternary.choices, default=Ternary.UNKNOWN
    )
    earlier_interventions = models.CharField(
        _("tidigare insatser från socialtjänsten"),
        max_length=8,
        choices=Ternary.choices,
        default=Ternary.UNKNOWN,
    )
    earlier_interventions_text = models.TextField(_("vilka tidigare insatser"), blank=True)
    substance_use = models.CharField(
        _("missbruk"), max_length=8, choices=Ternary.choices, default=Ternary.UNKNOWN
    )
    main_drug = models.CharField(_("huvuddrog"), max_length=80, blank=True)
    crime_types = models.JSONField(_("brottstyper"), default=list, blank=True)
    prior_conviction = models.CharField(
        _("tidigare dom"), max_length=8, choices=Ternary.choices, default=Ternary.UNKNOWN
    )
    waived_prosecution = models.CharField(
        _("åtalsunderlåtelse"), max_length=8, choices=Ternary.choices, default=Ternary.UNKNOWN
    )

    class Meta:
        verbose_name = _("bakgrundsuppgifter")
        verbose_name_plural = _("bakgrundsuppgifter")
        constraints = [models.UniqueConstraint(fields=["case"], name="one_profile_per_case")]


class Period(models.TextChoices):
    BEFORE = "fore", _("Före")
    DURING = "under", _("Under")
    AFTER = "efter", _("Efter")


class Measure(models.TextChoices):
    POLICE_REPORTS = "polisanmalningar", _("Polisanmälningar")
    CONCERN_REPORTS = "orosanmalningar", _("Orosanmälningar")
    CONVICTIONS = "brottsdomar", _("Brottsdomar")


class OutcomeCount(CaseItem):
    """How many police reports, concern reports or convictions in a period (before, during,
    after the SIG). Each is owned by the organisation that counted it."""

    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    measure = models.CharField(_("mått"), max_length=20, choices=Measure.choices)
    count = models.PositiveIntegerField(_("antal"))
    period_start = models.DateField(_("från"), null=True, blank=True)
    period_end = models.DateField(_("till"), null=True, blank=True)

    class Meta:
        ordering = ["measure", "period"]
        verbose_name = _("antal")
        verbose_name_plural = _("antal")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "owner", "period", "measure"], name="one_count_per_period"
            )
        ]


class ClosureReason(models.TextChoices):
    GOALS_MET = "mal_uppfyllda", _("Målen är uppfyllda")
    OTHER_INTERVENTION = "annan_insats", _("Annan insats behövs")
    PLACED = "placerad", _("Placerad utanför hemmet")
    MOVED = "flyttat", _("Flyttat")
    CONSENT_WITHDRAWN = "samtycke_aterkallat", _("Samtycket återkallat")
    DECLINED = "avbojt", _("Ungdomen tackade nej")
    AGED_OUT = "aldersgrans", _("Över målgruppens ålder")
    OTHER = "annat", _("Annat")


class Closure(CaseItem):
    """How and why the SIG ended, with the closing summary; follow-ups are scheduled from it."""

    closed_on = models.DateField(_("avslutsdatum"))
    reason = models.CharField(_("skäl"), max_length=24, choices=ClosureReason.choices)
    summary = models.TextField(_("sammanfattning vid avslut"))
    evaluation_offered_on = models.DateField(_("erbjuden att utvärdera"), null=True, blank=True)

    class Meta:
        verbose_name = _("avslut")
        verbose_name_plural = _("avslut")
        constraints = [models.UniqueConstraint(fields=["case"], name="one_closure_per_case")]


class FollowUp(CaseItem):
    """A follow-up after closure (by default 6 and 12 months; local policy)."""

    months_after = models.PositiveSmallIntegerField(_("månader efter avslut"))
    due_on = models.DateField(_("ska göras senast"), db_index=True)
    done_on = models.DateField(_("gjord"), null=True, blank=True)
    done_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    situation = models.TextField(_("hur det går för ungdomen"), blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("uppföljning efter avslut")
        verbose_name_plural = _("uppföljningar efter avslut")
        constraints = [
            models.UniqueConstraint(fields=["case", "months_after"], name="one_followup_per_month")
        ]
