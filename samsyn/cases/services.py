"""Writes for youths, guardians, cases, members and journal notes: validated, atomic, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.lifecycle import ENDED, HAD_SIG, OWN_SERVICE, refusal
from samsyn.cases.models import (
    Case,
    CaseMember,
    CaseProfile,
    CaseState,
    CaseTransition,
    Closure,
    ClosureReason,
    CrimeType,
    FollowUp,
    GroupFunction,
    Guardian,
    GuardianRole,
    InformationGiven,
    InformationPoint,
    JournalNote,
    LegalBasis,
    Measure,
    NoteKind,
    OutcomeCount,
    PreparationRecommendation,
    Recommendation,
    Referral,
    ReferralKind,
    Representation,
    Sex,
    SigDecision,
    Ternary,
    Youth,
)
from samsyn.cases.rules import (
    REFERRAL_KIND_OF,
    information_complete,
    on_preparation_group,
    opens_cases,
    refers_cases,
    require_member,
    require_runs_case,
    runs_case,
)
from samsyn.consent.models import Consent, DataCategory
from samsyn.lib import personnummer as pnr
from samsyn.lib.dates import add_months
from samsyn.lib.personnummer import age_on
from samsyn.organisations.models import District, Organisation, OrganisationKind, Person, Role
from samsyn.organisations.selectors import policy_for
from samsyn.webhooks import events as webhook_events


def audit_case(actor: Person, action: str, case: Case, target: Any, **detail: Any) -> None:
    """Record a change in a case in the audit log, tagged with the case, its youth and municipality."""
    audit_record(
        actor=actor,
        action=action,
        target=target,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail=detail,
    )


def _identity(personnummer: str, date_of_birth: date | None) -> tuple[str, date]:
    if personnummer.strip():
        try:
            parsed = pnr.parse(personnummer, today=timezone.localdate())
        except ValidationError as exc:
            raise ValidationError({"personnummer": exc.messages}) from exc
        if date_of_birth and date_of_birth != parsed.birth_date:
            raise ValidationError(
                {"date_of_birth": _("Födelsedatumet stämmer inte med personnumret.")}
            )
        return parsed.normalised, parsed.birth_date
    if date_of_birth is None:
        raise ValidationError(
            {"date_of_birth": _("Ange personnummer, eller födelsedatum om personnummer saknas.")}
        )
    return "", date_of_birth


def category_by_slug(slug: str) -> DataCategory:
    """The data category by its short name; a clear error when an administrator removed it."""
    category = DataCategory.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationError(
            _("Kategorin %(slug)s saknas. Be en administratör lägga tillbaka den.") % {"slug": slug}
        )
    return category


def _social_services_item(case: Case, actor: Person) -> dict[str, Any]:
    """Owner and category of the items social services records while running the case."""
    return {
        "case": case,
        "owner": case.owner,
        "category": category_by_slug("socialtjanst"),
        "created_by": actor,
    }


def _open_representation(
    *, actor: Person, case: Case, person: Person, function: str, has_mandate: bool = False
) -> None:
    if person.organisation is None:
        return
    Representation.objects.get_or_create(
        case=case,
        person=person,
        function=function,
        ended_on__isnull=True,
        defaults={
            "organisation": person.organisation,
            "has_mandate": has_mandate,
            "started_on": timezone.localdate(),
            "recorded_by": actor,
        },
    )


def _end_representations(*, case: Case, person: Person, function: str | None = None) -> None:
    periods = Representation.objects.filter(case=case, person=person, ended_on__isnull=True)
    if function is not None:
        periods = periods.filter(function=function)
    periods.update(ended_on=timezone.localdate())


def _social_services_for(actor: Person, owner: Organisation | None) -> Organisation:
    organisation = actor.organisation
    assert organisation is not None
    if organisation.kind == OrganisationKind.SOCIAL_SERVICES:
        return organisation
    if (
        owner is None
        or owner.kind != OrganisationKind.SOCIAL_SERVICES
        or owner.municipality_id != organisation.municipality_id
        or not owner.is_active
    ):
        raise ValidationError(
            {"owner": _("Välj den socialtjänst i din kommun som ska ta emot aktualiseringen.")}
        )
    return owner


@transaction.atomic
def case_create(
    *,
    actor: Person,
    first_name: str,
    last_name: str,
    reason: str,
    kind: str | None = None,
    referred_on: date | None = None,
    owner: Organisation | None = None,
    source_description: str = "",
    age_exception_reason: str = "",
    personnummer: str = "",
    date_of_birth: date | None = None,
    sex: str = Sex.UNKNOWN,
    district: District | None = None,
    address: str = "",
    phone: str = "",
    school: str = "",
    summary: str = "",
) -> Case:
    """Refer a youth (aktualisering): the case opens at social services, state "aktualiserad".

    Rules: any professional in the municipality may refer; a referral from outside social
    services goes to a social services organisation the referrer chooses, and the referrer
    takes part in the case (seeing it de-identified until there is consent). A youth outside the
    local target ages needs a stated reason. A coordinator who refers becomes its coordinator.
    """
    organisation = actor.organisation
    if organisation is None or not refers_cases(actor):
        raise PermissionDenied(_("Du kan inte aktualisera ärenden."))
    receiving = _social_services_for(actor, owner)
    number, born = _identity(personnummer, date_of_birth)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    referred_on = referred_on or today
    if referred_on > today:
        errors["referred_on"] = [_("Datumet kan inte ligga i framtiden.")]
    if not reason.strip():
        errors["reason"] = [_("Skriv varför ungdomen aktualiseras.")]
    if district is not None and district.municipality_id != receiving.municipality_id:
        errors["district"] = [_("Stadsdelen hör till en annan kommun.")]
    kind = kind or REFERRAL_KIND_OF.get(organisation.kind, ReferralKind.OTHER)
    if kind not in ReferralKind.values:
        errors["kind"] = [_("Välj vem som aktualiserar.")]
    age = age_on(born, referred_on)
    local = policy_for(municipality=receiving.municipality, district=district or receiving.district)
    if local is not None and not local.in_target_ages(age) and not age_exception_reason.strip():
        errors["age_exception_reason"] = [
            _(
                "Ungdomen är %(age)s år, utanför målgruppen %(low)s–%(high)s år. Skriv varför "
                "ärendet ändå ska aktualiseras."
            )
            % {"age": age, "low": local.target_age_min, "high": local.target_age_max}
        ]
    if errors:
        raise ValidationError(errors)
    youth = (
        Youth.objects.filter(municipality_id=receiving.municipality_id, personnummer=number).first()
        if number
        else None
    )
    if youth is None:
        youth = Youth(
            municipality_id=receiving.municipality_id,
            district=district or receiving.district,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            personnummer=number,
            date_of_birth=born,
            sex=sex,
            address=address.strip(),
            phone=phone.strip(),
            school=school.strip(),
        )
        youth.full_clean()
        youth.save()
    elif Case.objects.filter(youth=youth).exclude(state__in=ENDED).exists():
        raise ValidationError(
            {"personnummer": _("Ungdomen har redan ett öppet ärende i kommunen.")}
        )
    runs = receiving.pk == organisation.pk and opens_cases(actor)
    case = Case(
        youth=youth,
        municipality_id=receiving.municipality_id,
        district=youth.district,
        owner=receiving,
        summary=summary.strip(),
        opened_on=referred_on,
        coordinator=actor if runs and actor.has_role(Role.COORDINATOR) else None,
    )
    case.full_clean()
    case.save()
    CaseMember.objects.create(case=case, person=actor, added_by=actor)
    if case.coordinator is not None:
        _open_representation(
            actor=actor, case=case, person=actor, function=GroupFunction.COORDINATOR
        )
    referral = Referral(
        **_social_services_item(case, actor),
        kind=kind,
        source_organisation=organisation,
        source_person=actor,
        source_description=source_description.strip(),
        referred_on=referred_on,
        reason=reason.strip(),
        age_at_referral=age,
        age_exception_reason=age_exception_reason.strip(),
    )
    referral.full_clean()
    referral.save()
    CaseTransition.objects.create(
        **_social_services_item(case, actor),
        to_state=CaseState.REFERRED,
        reason=_("Aktualiserad av %(source)s.") % {"source": organisation.name},
    )
    audit_case(actor, Action.CREATE, case, case, state=CaseState.REFERRED, kind=kind)
    audit_case(
        actor, Action.CREATE, case, referral, age=age, outside_ages=bool(age_exception_reason)
    )
    return case


@transaction.atomic
def referral_receive(*, actor: Person, case: Case) -> Case:
    """A coordinator of the receiving social services takes an incoming referral: they join the
    case as its coordinator. Rule: only the owner organisation's coordinators and case officers."""
    if not (runs_case(actor, case) and actor.is_active):
        raise PermissionDenied(_("Bara den mottagande socialtjänsten kan ta emot ärendet."))
    if case.coordinator_id is not None:
        raise ValidationError(_("Ärendet har redan en samordnare."))
    CaseMember.objects.get_or_create(case=case, person=actor, defaults={"added_by": actor})
    case.coordinator = actor
    case.save(update_fields=["coordinator", "updated_at"])
    _open_representation(actor=actor, case=case, person=actor, function=GroupFunction.COORDINATOR)
    audit_case(actor, Action.UPDATE, case, case, coordinator=str(actor.code))
    return case


@transaction.atomic
def guardian_add(
    *,
    actor: Person,
    case: Case,
    first_name: str,
    last_name: str,
    role: str = GuardianRole.GUARDIAN,
    personnummer: str = "",
    phone: str = "",
    address: str = "",
    has_custody: bool = True,
) -> Guardian:
    """Register a guardian or legal representative of the case's youth."""
    require_runs_case(actor, case)
    number = ""
    if personnummer.strip():
        try:
            number = pnr.parse(personnummer, today=timezone.localdate()).normalised
        except ValidationError as exc:
            raise ValidationError({"personnummer": exc.messages}) from exc
    guardian = Guardian(
        youth=case.youth,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        personnummer=number,
        phone=phone.strip(),
        address=address.strip(),
        has_custody=has_custody,
    )
    guardian.full_clean()
    guardian.save()
    audit_case(actor, Action.CREATE, case, guardian, fields=["guardian"])
    return guardian


@transaction.atomic
def member_add(*, actor: Person, case: Case, person: Person) -> CaseMember:
    """Let a professional take part in the case. Rule: same municipality, active account."""
    require_runs_case(actor, case)
    if (
        not person.is_active
        or person.organisation is None
        or person.organisation.municipality_id != case.municipality_id
    ):
        raise ValidationError({"person": _("Personen kan inte läggas till i det här ärendet.")})
    member, created = CaseMember.objects.get_or_create(
        case=case, person=person, defaults={"added_by": actor}
    )
    if created:
        audit_case(actor, Action.CREATE, case, member, member=str(person.code))
    return member


@transaction.atomic
def member_remove(*, actor: Person, case: Case, person: Person) -> None:
    require_runs_case(actor, case)
    if person.pk == actor.pk:
        raise ValidationError(_("Du kan inte ta bort dig själv från ärendet."))
    deleted, _rows = CaseMember.objects.filter(case=case, person=person).delete()
    if deleted:
        audit_case(actor, Action.DELETE, case, case, member=str(person.code))


@transaction.atomic
def note_create(
    *,
    actor: Person,
    case: Case,
    category: DataCategory,
    title: str,
    text: str,
    occurred_on: date | None = None,
    also_about: Guardian | None = None,
    kind: str = NoteKind.NOTE,
) -> JournalNote:
    """Record a note owned by the actor's organisation. Rule: each organisation records only
    its own items; the category decides who else may read it."""
    require_member(actor, case)
    if actor.organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if also_about is not None and also_about.youth_id != case.youth_id:
        raise ValidationError({"also_about": _("Personen hör inte till ärendet.")})
    if not category.is_active:
        raise ValidationError({"category": _("Kategorin används inte längre.")})
    note = JournalNote(
        kind=kind,
        case=case,
        owner=actor.organisation,
        category=category,
        also_about=also_about,
        created_by=actor,
        title=title.strip(),
        text=text.strip(),
        occurred_on=occurred_on or timezone.localdate(),
    )
    note.full_clean()
    note.save()
    audit_case(actor, Action.CREATE, case, note, category=category.slug)
    return note


def _lock(case: Case) -> None:
    """Lock the case's row for the transaction and refresh the caller's instance, so two
    moves cannot cross and the caller sees the state that was checked."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    case.refresh_from_db()


def _move(actor: Person, case: Case, to_state: str, reason: str) -> CaseTransition:
    """Move the case; the caller has checked the move's own conditions."""
    refused = refusal(case.state, to_state)
    if refused:
        raise ValidationError({"to_state": refused})
    transition = CaseTransition(
        **_social_services_item(case, actor),
        from_state=case.state,
        to_state=to_state,
        reason=reason.strip(),
    )
    transition.full_clean()
    transition.save()
    from_state = case.state
    case.state = to_state
    case.state_since = timezone.now()
    if to_state in ENDED and case.closed_on is None:
        case.closed_on = timezone.localdate()
    if to_state in ENDED:
        Representation.objects.filter(case=case, ended_on__isnull=True).update(
            ended_on=case.closed_on
        )
    case.save()
    audit_case(actor, Action.UPDATE, case, case, state_from=from_state, state_to=to_state)
    webhook_events.case_state_changed(
        case=case, from_state=from_state, to_state=to_state, at=case.state_since
    )
    return transition


def _latest_recommendation(case: Case) -> PreparationRecommendation | None:
    return case.recommendations.order_by("-meeting_on", "-created_at").first()


def _gate(case: Case, to_state: str) -> dict[str, list[str]]:
    """The conditions of entering a state, as errors (empty when they are met)."""
    from samsyn.assessments.models import RiskAssessment

    errors: list[str] = []
    if to_state == CaseState.MOTIVATION:
        local = policy_for(municipality=case.municipality, district=case.district)
        if local is None or not local.motivation_phase:
            errors.append(_("Er kommun eller stadsdel använder ingen motivationsfas."))
    elif to_state == CaseState.PREPARATION and not case.summary.strip():
        errors.append(
            _("Skriv en avidentifierad sammanfattning innan ärendet tas upp i beredningsgruppen.")
        )
    elif to_state == CaseState.SCREENING:
        latest = _latest_recommendation(case)
        if latest is None or latest.recommendation != Recommendation.PROPOSE:
            errors.append(_("Beredningsgruppen har inte föreslagit en social insatsgrupp."))
    elif to_state == CaseState.INFORMATION:
        if not RiskAssessment.objects.filter(case=case).exists():
            errors.append(_("Gör en risk- och skyddsbedömning innan ungdomen informeras."))
    elif to_state == CaseState.ACTIVE and case.coordinator_id is None:
        errors.append(_("Utse en samordnare innan ärendet blir aktivt."))
    return {"to_state": errors} if errors else {}


@transaction.atomic
def case_transition(*, actor: Person, case: Case, to_state: str, reason: str) -> CaseTransition:
    """Move the case to another state, with the reason. Rule: the coordinator or case officer
    of the owner organisation moves it, only along `lifecycle.ALLOWED`, only when the target
    state's conditions are met; decisions, closures and follow-ups have their own services."""
    require_runs_case(actor, case)
    _lock(case)
    if to_state not in CaseState.values:
        raise ValidationError({"to_state": _("Okänt läge.")})
    if to_state in OWN_SERVICE:
        raise ValidationError(
            {"to_state": _("Använd formuläret för beslut, avslut eller uppföljning.")}
        )
    refused = refusal(case.state, to_state)
    if refused:
        raise ValidationError({"to_state": refused})
    errors = _gate(case, to_state)
    if not reason.strip():
        errors["reason"] = [_("Skriv varför ärendet byter läge.")]
    if errors:
        raise ValidationError(errors)
    if to_state == CaseState.ACTIVE:
        case.started_on = timezone.localdate()
    return _move(actor, case, to_state, reason)


@transaction.atomic
def recommendation_record(
    *, actor: Person, case: Case, meeting_on: date, recommendation: str, motivation: str = ""
) -> PreparationRecommendation:
    """The beredningsgrupp's recommendation on a case under preparation. Rule: a manager or
    coordinator in the case's municipality records it; it recommends and never moves the case."""
    if not on_preparation_group(actor, case):
        raise PermissionDenied(_("Bara beredningsgruppen lämnar rekommendationer."))
    if case.state not in (CaseState.PREPARATION, CaseState.MOTIVATION):
        raise ValidationError(_("Ärendet ligger inte på beredningsgruppens dagordning."))
    if meeting_on > timezone.localdate():
        raise ValidationError({"meeting_on": _("Mötet kan inte ligga i framtiden.")})
    entry = PreparationRecommendation(
        case=case,
        meeting_on=meeting_on,
        recommendation=recommendation,
        motivation=motivation.strip(),
        recorded_by=actor,
    )
    entry.full_clean()
    entry.save()
    audit_case(actor, Action.CREATE, case, entry, recommendation=recommendation)
    return entry


@transaction.atomic
def information_record(
    *,
    actor: Person,
    case: Case,
    points: list[int],
    informed_on: date,
    informed_by: Person,
    note: str = "",
) -> list[InformationGiven]:
    """Record that the youth was told some of the six points, when and by whom."""
    require_runs_case(actor, case)
    errors: dict[str, list[str]] = {}
    if not points:
        errors["points"] = [_("Kryssa i minst en punkt.")]
    elif any(p not in InformationPoint.values for p in points):
        errors["points"] = [_("Okänd punkt.")]
    if informed_on > timezone.localdate():
        errors["informed_on"] = [_("Datumet kan inte ligga i framtiden.")]
    if not CaseMember.objects.filter(case=case, person=informed_by).exists():
        errors["informed_by"] = [_("Den som informerade måste delta i ärendet.")]
    if case.state in ENDED:
        errors["points"] = [_("Ärendet är avslutat.")]
    if errors:
        raise ValidationError(errors)
    given = []
    for point in sorted(set(points)):
        item = InformationGiven(
            **_social_services_item(case, actor),
            point=point,
            informed_on=informed_on,
            informed_by=informed_by,
            note=note.strip(),
        )
        item.full_clean()
        item.save()
        given.append(item)
    audit_case(actor, Action.CREATE, case, case, information_points=sorted(set(points)))
    return given


@transaction.atomic
def decision_record(
    *,
    actor: Person,
    case: Case,
    legal_basis: str,
    decided_on: date,
    reference: str,
    decision_maker: Person,
    misconduct_rules: str = "",
) -> SigDecision:
    """Social services' decision on the SIG; the case becomes "beslutad".

    Rules: only in "information och samtycke"; the youth has had all six points; at least one
    live consent; the decision-maker is a case officer or manager of the owner organisation; a
    court sanction (ungdomskontrakt) states what counts as misconduct.
    """
    require_runs_case(actor, case)
    _lock(case)
    refused = refusal(case.state, CaseState.DECIDED)
    if refused:
        raise ValidationError(refused)
    errors: dict[str, list[str]] = {}
    if not information_complete(case):
        errors.setdefault("__all__", []).append(
            _("Ungdomen har inte fått information om alla sex punkter.")
        )
    today = timezone.localdate()
    if not any(c.is_live(decided_on) for c in Consent.objects.filter(case=case)):
        errors.setdefault("__all__", []).append(
            _("Det fanns inget gällande samtycke i ärendet på beslutsdagen.")
        )
    if decided_on > today:
        errors["decided_on"] = [_("Beslutsdatumet kan inte ligga i framtiden.")]
    if decision_maker.organisation_id != case.owner_id or not (
        decision_maker.has_role(Role.CASE_OFFICER) or decision_maker.has_role(Role.MANAGER)
    ):
        errors["decision_maker"] = [
            _("Beslutsfattaren ska vara handläggare eller chef i den ansvariga socialtjänsten.")
        ]
    if legal_basis == LegalBasis.COURT_SANCTION and not misconduct_rules.strip():
        errors["misconduct_rules"] = [
            _("Skriv vad som räknas som misskötsel när insatsen ingår i ett ungdomskontrakt.")
        ]
    if errors:
        raise ValidationError(errors)
    decision = SigDecision(
        **_social_services_item(case, actor),
        legal_basis=legal_basis,
        decided_on=decided_on,
        reference=reference.strip(),
        decision_maker=decision_maker,
        misconduct_rules=misconduct_rules.strip(),
    )
    decision.full_clean()
    decision.save()
    case.decided_on = decided_on
    audit_case(actor, Action.CREATE, case, decision, legal_basis=legal_basis)
    _move(
        actor,
        case,
        CaseState.DECIDED,
        _("Beslut %(day)s, %(reference)s (%(basis)s).")
        % {
            "day": decided_on.isoformat(),
            "reference": decision.reference,
            "basis": str(LegalBasis(legal_basis).label).lower(),
        },
    )
    return decision


@transaction.atomic
def group_assign(
    *,
    actor: Person,
    case: Case,
    coordinator: Person | None,
    lead_contact: Person | None,
    contact_police: Person | None,
) -> Case:
    """Name the coordinator, the lead contact (lots) and the contact police officer. A change
    ends the previous person's period, so continuity can be reported. They join the case."""
    require_runs_case(actor, case)
    errors: dict[str, list[str]] = {}
    for field, person in (
        ("coordinator", coordinator),
        ("lead_contact", lead_contact),
        ("contact_police", contact_police),
    ):
        if person is not None and (
            not person.is_active
            or person.organisation is None
            or person.organisation.municipality_id != case.municipality_id
        ):
            errors[field] = [_("Personen kan inte få uppdrag i det här ärendet.")]
    if coordinator is not None and not runs_case(coordinator, case):
        errors["coordinator"] = [
            _("Samordnaren ska vara samordnare eller handläggare i den ansvariga socialtjänsten.")
        ]
    if contact_police is not None and (
        contact_police.organisation is None
        or contact_police.organisation.kind != OrganisationKind.POLICE
    ):
        errors["contact_police"] = [_("Kontaktpolisen ska arbeta hos polisen.")]
    if errors:
        raise ValidationError(errors)
    changes = {}
    for field, function, person in (
        ("coordinator", GroupFunction.COORDINATOR, coordinator),
        ("lead_contact", GroupFunction.LEAD_CONTACT, lead_contact),
        ("contact_police", GroupFunction.CONTACT_POLICE, contact_police),
    ):
        previous = getattr(case, f"{field}_id")
        new = person.pk if person is not None else None
        if previous == new:
            continue
        if previous is not None:
            Representation.objects.filter(
                case=case, person_id=previous, function=function, ended_on__isnull=True
            ).update(ended_on=timezone.localdate())
        if person is not None:
            CaseMember.objects.get_or_create(case=case, person=person, defaults={"added_by": actor})
            _open_representation(actor=actor, case=case, person=person, function=function)
        setattr(case, field, person)
        changes[field] = str(person.code) if person else None
    if changes:
        case.save(update_fields=[*changes, "updated_at"])
        audit_case(actor, Action.UPDATE, case, case, **changes)
    return case


@transaction.atomic
def mandate_set(*, actor: Person, case: Case, person: Person, has_mandate: bool) -> None:
    """Record whether a member may decide for their organisation at meetings."""
    require_runs_case(actor, case)
    require_member(person, case)
    open_periods = Representation.objects.filter(case=case, person=person, ended_on__isnull=True)
    if not open_periods.exists():
        _open_representation(
            actor=actor,
            case=case,
            person=person,
            function=GroupFunction.REPRESENTATIVE,
            has_mandate=has_mandate,
        )
    else:
        open_periods.update(has_mandate=has_mandate)
    audit_case(actor, Action.UPDATE, case, case, member=str(person.code), has_mandate=has_mandate)


@transaction.atomic
def profile_save(*, actor: Person, case: Case, **fields: Any) -> CaseProfile:
    """Record the baseline variables (Huddinge list); one per case, updated in place."""
    require_runs_case(actor, case)
    unknown = [c for c in fields.get("crime_types", []) if c not in CrimeType.values]
    if unknown:
        raise ValidationError({"crime_types": _("Okänd brottstyp.")})
    profile = CaseProfile.objects.filter(case=case).first() or CaseProfile(
        **_social_services_item(case, actor)
    )
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if profile.substance_use != Ternary.YES:
        profile.main_drug = ""
    profile.full_clean()
    profile.save()
    audit_case(actor, Action.UPDATE, case, profile, fields=sorted(fields))
    return profile


MEASURE_CATEGORY = {
    Measure.POLICE_REPORTS: "polis",
    Measure.CONVICTIONS: "polis",
    Measure.CONCERN_REPORTS: "socialtjanst",
}


@transaction.atomic
def outcome_count_save(
    *,
    actor: Person,
    case: Case,
    period: str,
    measure: str,
    count: int,
    period_start: date | None = None,
    period_end: date | None = None,
) -> OutcomeCount:
    """Record how many police reports, concern reports or convictions the actor's organisation
    counted in a period. Each organisation owns its own counts."""
    require_member(actor, case)
    if actor.organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if measure not in Measure.values:
        raise ValidationError({"measure": _("Välj vad som räknas.")})
    if period_start and period_end and period_start > period_end:
        raise ValidationError({"period_end": _("Perioden kan inte sluta innan den börjar.")})
    item = OutcomeCount.objects.filter(
        case=case, owner=actor.organisation, period=period, measure=measure
    ).first() or OutcomeCount(
        case=case,
        owner=actor.organisation,
        category=category_by_slug(MEASURE_CATEGORY[Measure(measure)]),
        created_by=actor,
        period=period,
        measure=measure,
    )
    item.count = count
    item.period_start = period_start
    item.period_end = period_end
    item.full_clean()
    item.save()
    audit_case(actor, Action.UPDATE, case, item, period=period, measure=measure)
    return item


@transaction.atomic
def case_close(*, actor: Person, case: Case, closed_on: date, reason: str, summary: str) -> Closure:
    """Close the case with a reason and a summary. When a SIG had been granted, the follow-ups
    of local policy (6 and 12 months by default) are scheduled and the youth is offered to
    evaluate the SIG."""
    require_runs_case(actor, case)
    _lock(case)
    refused = refusal(case.state, CaseState.CLOSED)
    if refused:
        raise ValidationError(refused)
    errors: dict[str, list[str]] = {}
    if closed_on > timezone.localdate():
        errors["closed_on"] = [_("Avslutsdatumet kan inte ligga i framtiden.")]
    if closed_on < case.opened_on:
        errors["closed_on"] = [_("Ärendet kan inte avslutas innan det öppnades.")]
    if not summary.strip():
        errors["summary"] = [_("Skriv en sammanfattning av hur det har gått.")]
    if errors:
        raise ValidationError(errors)
    had_sig = case.state in HAD_SIG
    closure = Closure(
        **_social_services_item(case, actor),
        closed_on=closed_on,
        reason=reason,
        summary=summary.strip(),
        evaluation_offered_on=closed_on if had_sig else None,
    )
    closure.full_clean()
    closure.save()
    if had_sig:
        local = policy_for(municipality=case.municipality, district=case.district)
        months = local.followup_months if local is not None else [6, 12]
        for n in sorted(set(months)):
            FollowUp.objects.create(
                **_social_services_item(case, actor),
                months_after=n,
                due_on=add_months(closed_on, n),
            )
    audit_case(actor, Action.CREATE, case, closure, reason=reason)
    case.closed_on = closed_on
    _move(actor, case, CaseState.CLOSED, str(ClosureReason(reason).label))
    return closure


@transaction.atomic
def followup_record(
    *, actor: Person, case: Case, followup: FollowUp, done_on: date, situation: str
) -> FollowUp:
    """Record a follow-up after closure; when the last one is done the case is "efterföljd"."""
    require_runs_case(actor, case)
    _lock(case)
    if followup.case_id != case.pk:
        raise ValidationError(_("Uppföljningen hör inte till ärendet."))
    if followup.done_on is not None:
        raise ValidationError(_("Uppföljningen är redan gjord."))
    errors: dict[str, list[str]] = {}
    if done_on > timezone.localdate():
        errors["done_on"] = [_("Datumet kan inte ligga i framtiden.")]
    if case.closed_on and done_on < case.closed_on:
        errors["done_on"] = [_("Uppföljningen kan inte göras före avslutet.")]
    if not situation.strip():
        errors["situation"] = [_("Skriv hur det går för ungdomen.")]
    if errors:
        raise ValidationError(errors)
    followup.done_on = done_on
    followup.done_by = actor
    followup.situation = situation.strip()
    followup.full_clean()
    followup.save()
    audit_case(actor, Action.UPDATE, case, followup, months_after=followup.months_after)
    if not FollowUp.objects.filter(case=case, done_on__isnull=True).exists():
        _move(actor, case, CaseState.FOLLOWED_UP, _("Alla uppföljningar efter avslut är gjorda."))
    return followup
