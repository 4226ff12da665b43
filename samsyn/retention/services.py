"""Retention (gallring): the rules, legal holds, the dry-run plan and the run (decision D49).

Rules: nothing is erased that a rule says to keep, nothing in a case on legal hold, and no audit
record outside a whole sealed block whose every record is due; every erasure leaves an
`ErasureRecord` (kinds, codes, counts; never content or names) and an audit record.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action, AuditRecord, AuditSeal
from samsyn.audit.services import audit_record
from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import Case, Guardian, Youth
from samsyn.consent.models import Consent
from samsyn.lib.dates import add_months
from samsyn.meetings.models import Meeting, MeetingStatus
from samsyn.organisations.models import Municipality, Person, Role
from samsyn.organisations.services import require_administers
from samsyn.portal.models import Feedback
from samsyn.retention.models import (
    ALLOWED_ACTIONS,
    DEFAULT_RULES,
    ErasureRecord,
    LegalHold,
    RetentionAction,
    RetentionKind,
    RetentionRule,
)

logger = logging.getLogger("samsyn.retention")

JOB_NAME = "gallringsjobbet"
PSEUDONYM = "Pseudonym"
ERASED_TEXT = "–"
# Short texts that may name people; every TextField is blanked as well.
_IDENTIFYING_CHARFIELDS = {"title", "location", "source_description", "note", "revoked_by"}
# Snapshots of texts (the agreed plan's versions).
_SNAPSHOT_FIELDS = {"snapshot", "changes"}
# Portal access has no statistical value: it goes when a case is pseudonymised.
_PSEUDONYMISE_DELETES = {
    "portal.portalaccount",
    "portal.portalinvitation",
    "portal.portalnotice",
    "portal.guardianshare",
}
MEETING_NOTE_FIELDS = (
    "agenda",
    "location",
    "prep_about",
    "prep_outcome",
    "prep_who",
    "prep_topics",
    "prep_after",
    "minutes",
)
MAX_MONTHS = 1200


# --- rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRule:
    kind: str
    months: int
    action: str
    decision_reference: str
    is_default: bool

    @property
    def kind_label(self) -> str:
        return str(RetentionKind(self.kind).label)

    @property
    def action_label(self) -> str:
        return str(RetentionAction(self.action).label)


def rules_for(municipality: Municipality) -> dict[str, EffectiveRule]:
    """The rule in force per kind: the municipality's own, else the default (D49)."""
    own = {rule.kind: rule for rule in RetentionRule.objects.filter(municipality=municipality)}
    rules = {}
    for kind in RetentionKind.values:
        if kind in own:
            rule = own[kind]
            rules[kind] = EffectiveRule(
                kind, rule.months, rule.action, rule.decision_reference, is_default=False
            )
        else:
            months, action = DEFAULT_RULES[kind]
            rules[kind] = EffectiveRule(kind, months, action, "", is_default=True)
    return rules


def rule_set(
    *,
    actor: Person,
    municipality: Municipality,
    kind: str,
    months: int,
    action: str,
    decision_reference: str = "",
) -> RetentionRule:
    """Set a municipality's rule for one kind. Only its administrators (or a superuser)."""
    require_administers(actor, municipality.pk)
    errors: dict[str, list[str]] = {}
    if kind not in RetentionKind.values:
        raise ValidationError(_("Okänt slag av uppgifter."))
    if not 1 <= months <= MAX_MONTHS:
        errors["months"] = [_("Ange ett antal månader mellan 1 och %(max)s.") % {"max": MAX_MONTHS}]
    if action not in ALLOWED_ACTIONS[kind]:
        errors["action"] = [
            _("%(kind)s kan inte %(action)s. Välj gallra eller bevara.")
            % {
                "kind": RetentionKind(kind).label,
                "action": str(RetentionAction(action).label).lower()
                if action in RetentionAction.values
                else action,
            }
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule = RetentionRule.objects.filter(municipality=municipality, kind=kind).first()
        old = (rule.months, rule.action, rule.decision_reference) if rule else None
        if rule is None:
            rule = RetentionRule(municipality=municipality, kind=kind)
        rule.months = months
        rule.action = action
        rule.decision_reference = decision_reference.strip()
        rule.changed_by = actor
        rule.full_clean()
        rule.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE if old else Action.CREATE,
            target=rule,
            municipality_code=municipality.code,
            detail={
                "kind": kind,
                "old": list(old) if old else None,
                "new": [months, action, rule.decision_reference],
            },
        )
    return rule


def _is_admin_of(person: Person, municipality_id: int) -> bool:
    if person.is_superuser:
        return True
    return (
        person.has_role(Role.ADMINISTRATOR)
        and person.organisation is not None
        and person.organisation.municipality_id == municipality_id
    )


# --- legal hold ------------------------------------------------------------------------------


def may_hold(person: Person, case: Case) -> bool:
    """The owner's coordinators who take part in the case, and the municipality's
    administrators, set and lift legal holds."""
    if not person.is_active:
        return False
    if _is_admin_of(person, case.municipality_id):
        return True
    return (
        person.organisation_id == case.owner_id
        and person.has_role(Role.COORDINATOR)
        and case.members.filter(person=person).exists()
    )


def hold_set(*, actor: Person, case: Case, reason: str) -> LegalHold:
    """Put a case on legal hold: nothing in it is erased until the hold is lifted."""
    if not may_hold(actor, case):
        raise PermissionDenied(_("Du får inte besluta om bevarande i ärendet."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Skriv varför ärendet ska bevaras.")]})
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
            raise ValidationError(_("Ärendet är redan undantaget från gallring."))
        hold = LegalHold.objects.create(case=case, reason=reason, held_by=actor)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=hold,
            case_code=case.code,
            municipality_code=case.municipality.code,
            detail={"legal_hold": "set"},
        )
    return hold


def hold_lift(*, actor: Person, case: Case) -> LegalHold:
    """Lift the standing legal hold on a case; the rules apply to it again from the next run."""
    if not may_hold(actor, case):
        raise PermissionDenied(_("Du får inte besluta om bevarande i ärendet."))
    with transaction.atomic():
        hold = (
            LegalHold.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()
        )
        if hold is None:
            raise ValidationError(_("Ärendet är inte undantaget från gallring."))
        hold.lifted_at = timezone.now()
        hold.lifted_by = actor
        hold.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=hold,
            case_code=case.code,
            municipality_code=case.municipality.code,
            detail={"legal_hold": "lifted"},
        )
    return hold


def _held_case_ids() -> set[int]:
    return set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("case_id", flat=True))


# --- the plan (dry run) ----------------------------------------------------------------------

DUE, HOLD, KEEP, NOT_DUE = "due", "hold", "keep", "not_due"
STATUS_LABELS = {
    DUE: "Gallras vid nästa körning",
    HOLD: "Bevaras: ärendet är undantaget från gallring",
    KEEP: "Bevaras: regeln säger bevara",
    NOT_DUE: "Bevaras: inte dags än",
}


@dataclass(frozen=True)
class PlanItem:
    kind: str
    object_type: str
    object_code: str
    case_code: str
    event_on: date
    due_on: date
    action: str
    status: str
    pk: int = 0

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def kind_label(self) -> str:
        return str(RetentionKind(self.kind).label)

    @property
    def action_label(self) -> str:
        return str(RetentionAction(self.action).label)


@dataclass
class AuditPlan:
    """Audit records of the municipality older than its rule, and what the run does to them."""

    rule: EffectiveRule
    records_due: int = 0
    records_in_erasable_blocks: int = 0
    blocks: list[int] = field(default_factory=list)


@dataclass
class RetentionPlan:
    municipality: Municipality
    today: date
    rules: dict[str, EffectiveRule]
    items: list[PlanItem]
    audit: AuditPlan

    def of(self, status: str) -> list[PlanItem]:
        return [item for item in self.items if item.status == status]

    @property
    def due(self) -> list[PlanItem]:
        return self.of(DUE)

    @property
    def kept(self) -> list[PlanItem]:
        return [item for item in self.items if item.status in (HOLD, KEEP)]

    @property
    def not_due_counts(self) -> list[tuple[str, int, date]]:
        """Per kind: how many wait, and when the first of them is due."""
        rows = []
        for kind in RetentionKind.values:
            waiting = [i for i in self.items if i.kind == kind and i.status == NOT_DUE]
            if waiting:
                rows.append(
                    (
                        str(RetentionKind(kind).label),
                        len(waiting),
                        min(i.due_on for i in waiting),
                    )
                )
        return rows


def _status(rule: EffectiveRule, due_on: date, today: date, held: bool) -> str:
    if held:
        return HOLD
    if rule.action == RetentionAction.KEEP:
        return KEEP
    return DUE if due_on <= today else NOT_DUE


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _handled_case_codes(municipality: Municipality) -> set[str]:
    return set(
        ErasureRecord.objects.filter(
            municipality=municipality, kind=RetentionKind.CASES
        ).values_list("object_code", flat=True)
    )


def retention_plan(*, municipality: Municipality, today: date) -> RetentionPlan:
    """The dry-run report: what is due, what is kept and why (hold, rule says keep, not yet)."""
    rules = rules_for(municipality)
    held = _held_case_ids()
    items: list[PlanItem] = []

    case_rule = rules[RetentionKind.CASES]
    handled = _handled_case_codes(municipality)
    erased_with_case: set[int] = set()
    cases = Case.objects.filter(municipality=municipality, state__in=ENDED).order_by(
        "closed_on", "pk"
    )
    for case in cases:
        if case.anonymous_code in handled:
            continue
        event_on = max(case.closed_on or date.min, _local_date(case.state_since))
        due_on = add_months(event_on, case_rule.months)
        status = _status(case_rule, due_on, today, case.pk in held)
        if status == DUE and case_rule.action == RetentionAction.ERASE:
            erased_with_case.add(case.pk)
        items.append(
            PlanItem(
                RetentionKind.CASES,
                "cases.case",
                case.anonymous_code,
                case.anonymous_code,
                event_on,
                due_on,
                case_rule.action,
                status,
                case.pk,
            )
        )

    consent_rule = rules[RetentionKind.CONSENTS]
    consents = (
        Consent.objects.filter(case__municipality=municipality)
        .filter(Q(revoked_at__isnull=False) | Q(valid_until__lt=today))
        .exclude(case_id__in=erased_with_case)
        .select_related("case")
        .order_by("given_on", "pk")
    )
    for consent in consents:
        ended = [consent.valid_until] if consent.valid_until is not None else []
        if consent.revoked_at is not None:
            ended.append(_local_date(consent.revoked_at))
        event_on = min(ended)
        due_on = add_months(event_on, consent_rule.months)
        items.append(
            PlanItem(
                RetentionKind.CONSENTS,
                "consent.consent",
                consent.number,
                consent.case.anonymous_code,
                event_on,
                due_on,
                consent_rule.action,
                _status(consent_rule, due_on, today, consent.case_id in held),
                consent.pk,
            )
        )

    meeting_rule = rules[RetentionKind.MEETING_NOTES]
    has_notes = Q()
    for name in MEETING_NOTE_FIELDS:
        has_notes |= ~Q(**{name: ""})
    meetings = (
        Meeting.objects.filter(case__municipality=municipality)
        .filter(status__in=[MeetingStatus.HELD, MeetingStatus.CANCELLED])
        .filter(has_notes)
        .exclude(case_id__in=erased_with_case)
        .select_related("case")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        event_on = meeting.held_on or _local_date(meeting.starts_at)
        due_on = add_months(event_on, meeting_rule.months)
        items.append(
            PlanItem(
                RetentionKind.MEETING_NOTES,
                "meetings.meeting",
                f"{meeting.case.anonymous_code} {event_on:%Y-%m-%d}",
                meeting.case.anonymous_code,
                event_on,
                due_on,
                meeting_rule.action,
                _status(meeting_rule, due_on, today, meeting.case_id in held),
                meeting.pk,
            )
        )

    return RetentionPlan(
        municipality=municipality,
        today=today,
        rules=rules,
        items=items,
        audit=_audit_plan(municipality, rules[RetentionKind.AUDIT], today),
    )


# --- audit blocks ----------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _audit_cutoffs(today: date) -> tuple[dict[UUID | None, datetime | None], datetime]:
    """Per municipality code: records written before this moment are due (None: keep).
    Records with no municipality follow the default rule."""
    months, action = DEFAULT_RULES[RetentionKind.AUDIT]
    default = _start_of(add_months(today, -months)) if action != RetentionAction.KEEP else None
    cutoffs: dict[UUID | None, datetime | None] = {None: default}
    for municipality in Municipality.objects.all():
        rule = rules_for(municipality)[RetentionKind.AUDIT]
        cutoffs[municipality.code] = (
            None
            if rule.action == RetentionAction.KEEP
            else _start_of(add_months(today, -rule.months))
        )
    return cutoffs, default or _start_of(today)


def erasable_blocks(*, today: date) -> list[tuple[AuditSeal, int]]:
    """Sealed, not yet erased blocks whose every record is due under its own municipality's
    rule and mentions no case on legal hold; with the last record id of the block before."""
    cutoffs, default = _audit_cutoffs(today)
    known = [c for c in cutoffs.values() if c is not None]
    if not known:
        return []
    latest_cutoff = max(known)
    limit = AuditRecord.objects.filter(at__lt=latest_cutoff).aggregate(top=Max("id"))["top"]
    if limit is None:
        return []
    held_codes = list(
        Case.objects.filter(legal_holds__lifted_at__isnull=True).values_list("code", flat=True)
    )
    previous_last = 0
    blocks = []
    for seal in AuditSeal.objects.order_by("number").defer("record_index"):
        lower = previous_last
        previous_last = seal.last_record_id
        if seal.erased_at is not None:
            continue
        if seal.last_record_id > limit:
            break
        in_block = AuditRecord.objects.filter(id__gt=lower, id__lte=seal.last_record_id)
        due = True
        for row in in_block.values("municipality_code").annotate(latest=Max("at")).order_by():
            cutoff = cutoffs.get(row["municipality_code"], default)
            if cutoff is None or row["latest"] >= cutoff:
                due = False
                break
        if due and held_codes and in_block.filter(case_code__in=held_codes).exists():
            due = False
        if due:
            blocks.append((seal, lower))
    return blocks


def _audit_plan(municipality: Municipality, rule: EffectiveRule, today: date) -> AuditPlan:
    plan = AuditPlan(rule=rule)
    if rule.action == RetentionAction.KEEP:
        return plan
    cutoff = _start_of(add_months(today, -rule.months))
    mine = AuditRecord.objects.filter(municipality_code=municipality.code)
    plan.records_due = mine.filter(at__lt=cutoff).count()
    for seal, lower in erasable_blocks(today=today):
        plan.blocks.append(seal.number)
        plan.records_in_erasable_blocks += mine.filter(
            id__gt=lower, id__lte=seal.last_record_id
        ).count()
    return plan


def _erase_audit_blocks(*, today: date, run_by: str) -> tuple[int, int]:
    """Delete the records of every erasable block and mark its seal erased; one transaction
    per block. Returns (blocks, records)."""
    blocks = records = 0
    municipalities = {m.code: m for m in Municipality.objects.all()}
    for seal, lower in erasable_blocks(today=today):
        try:
            with transaction.atomic():
                _allow_audit_erasure()
                in_block = AuditRecord.objects.filter(id__gt=lower, id__lte=seal.last_record_id)
                per_municipality = list(
                    in_block.values("municipality_code")
                    .annotate(n=models.Count("id"), latest=Max("at"))
                    .order_by()
                )
                deleted, _by_model = in_block.delete()
                AuditSeal.objects.filter(pk=seal.pk, erased_at__isnull=True).update(
                    erased_at=timezone.now()
                )
                rules_cache: dict[UUID | None, EffectiveRule] = {}
                for row in per_municipality:
                    municipality = municipalities.get(row["municipality_code"])
                    if municipality is not None:
                        rule = rules_cache.setdefault(
                            municipality.code, rules_for(municipality)[RetentionKind.AUDIT]
                        )
                        months, reference = rule.months, rule.decision_reference
                    else:
                        months, reference = DEFAULT_RULES[RetentionKind.AUDIT][0], ""
                    ErasureRecord.objects.create(
                        municipality=municipality,
                        kind=RetentionKind.AUDIT,
                        action=RetentionAction.ERASE,
                        months=months,
                        decision_reference=reference,
                        object_type="audit.auditseal",
                        object_code=str(seal.number),
                        event_on=_local_date(row["latest"]),
                        counts={"audit.auditrecord": row["n"]},
                        run_by=run_by,
                    )
                audit_record(
                    actor=None,
                    actor_username=run_by,
                    action=Action.DELETE,
                    object_type="audit.auditseal",
                    object_code=str(seal.number),
                    basis="gallring",
                    detail={"records": deleted, "first": lower + 1, "last": seal.last_record_id},
                )
        except DatabaseError:
            # The application role may not delete audit records (docs/operations.md): the
            # audit part of the run needs the owner role. Cases and the rest are done.
            logger.exception("retention: audit blocks not erased (run gallra as the owner role)")
            break
        blocks += 1
        records += deleted
    return blocks, records


def _allow_audit_erasure() -> None:
    """Let the append-only trigger pass this transaction's deletes (audit migration 0003)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('samsyn.retention', 'on', true)")


# --- erasing and pseudonymising --------------------------------------------------------------


def _purge(model: type[models.Model], pks: list[Any], counts: Counter[str]) -> None:
    """Delete these rows and everything that must go before them (PROTECT), in order.

    Rule: a nullable protected reference from elsewhere is cleared, not followed, so that
    records kept by their own rules (feedback) lose only the link.
    """
    if not pks:
        return
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            continue
        on_delete = rel.field.remote_field.on_delete
        if on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        related = rel.related_model._base_manager.filter(  # type: ignore[union-attr]
            **{f"{rel.field.name}__in": pks}
        )
        if rel.field.null:
            related.update(**{rel.field.name: None})
        else:
            _purge(rel.related_model, list(related.values_list("pk", flat=True)), counts)  # type: ignore[arg-type]
    rows = model._base_manager.filter(pk__in=pks)
    _drop_files(model, rows)
    _deleted, per_model = rows.delete()
    counts.update({label.lower(): n for label, n in per_model.items() if n})


def _drop_files(model: type[models.Model], rows: models.QuerySet[Any]) -> None:
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for file_field in file_fields:
        names = [n for n in rows.values_list(file_field.attname, flat=True) if n]
        storage: Any = file_field.storage
        for name in names:
            transaction.on_commit(partial(storage.delete, name))


def _case_rows(case: Case) -> list[tuple[type[models.Model], list[Any]]]:
    """Every row that belongs to the case: through its required references, recursively."""
    found: list[tuple[type[models.Model], list[Any]]] = []

    def walk(model: type[models.Model], pks: list[Any]) -> None:
        for rel in model._meta.related_objects:
            if rel.many_to_many or rel.field.null:
                continue
            related_model: Any = rel.related_model
            child = list(
                related_model._base_manager.filter(**{f"{rel.field.name}__in": pks}).values_list(
                    "pk", flat=True
                )
            )
            if child:
                found.append((related_model, child))
                walk(related_model, child)

    walk(Case, [case.pk])
    return found


def _blank_texts(model: type[models.Model], pks: list[Any]) -> int:
    """Blank the free texts and files of these rows; keep codes, choices, dates and counts."""
    changes: dict[str, Any] = {}
    rows = model._base_manager.filter(pk__in=pks)
    for f in model._meta.concrete_fields:
        if f.primary_key or f.unique or f.choices:
            continue
        if isinstance(f, models.FileField):
            _drop_files(model, rows)
            changes[f.attname] = ""
        elif isinstance(f, models.TextField) or (
            isinstance(f, models.CharField) and f.name in _IDENTIFYING_CHARFIELDS
        ):
            # Empty stays empty; anything written becomes a dash (some checks want it set).
            changes[f.attname] = models.Case(
                models.When(**{f.attname: ""}, then=models.Value("")),
                default=models.Value(ERASED_TEXT),
                output_field=f,
            )
        elif isinstance(f, models.JSONField) and f.name in _SNAPSHOT_FIELDS:
            changes[f.attname] = f.get_default()
    if not changes:
        return 0
    return rows.update(**changes)


def _only_remaining_case(youth_id: int, case: Case, handled: set[str]) -> bool:
    """The youth's identity may go only when no other case of theirs still needs it."""
    others = Case.objects.filter(youth_id=youth_id).exclude(pk=case.pk)
    return not others.exclude(anonymous_code__in=handled).exists()


def _detach_feedback(case: Case, counts: Counter[str]) -> None:
    """Feedback has its own process (D30): it stays, but no longer says who sent it."""
    detached = Feedback.objects.filter(case=case).update(
        anonymous=True, case=None, account=None, sender_kind=""
    )
    if detached:
        counts["portal.feedback"] += detached


def _pseudonymise_case(case: Case, handled: set[str], counts: Counter[str]) -> None:
    _detach_feedback(case, counts)
    for model, pks in _case_rows(case):
        label = model._meta.label_lower
        if label in _PSEUDONYMISE_DELETES:
            _purge(model, pks, counts)
            continue
        changed = _blank_texts(model, pks)
        if changed:
            counts[label] += changed
    Case.objects.filter(pk=case.pk).update(summary="")
    counts["cases.case"] += 1
    if _only_remaining_case(case.youth_id, case, handled):
        counts["cases.youth"] += Youth.objects.filter(pk=case.youth_id).update(
            first_name=PSEUDONYM,
            last_name=case.anonymous_code,
            personnummer="",
            address="",
            phone="",
            school="",
        )
        counts["cases.guardian"] += Guardian.objects.filter(youth_id=case.youth_id).update(
            first_name=PSEUDONYM,
            last_name=case.anonymous_code,
            personnummer="",
            address="",
            phone="",
        )


def _erase_case(case: Case, handled: set[str], counts: Counter[str]) -> None:
    youth_id = case.youth_id
    _detach_feedback(case, counts)
    _purge(Case, [case.pk], counts)
    if not Case.objects.filter(youth_id=youth_id).exists():
        _purge(Youth, [youth_id], counts)


@dataclass
class RunResult:
    plan: RetentionPlan
    dry_run: bool
    done: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    audit_blocks: int = 0
    audit_records: int = 0


def retention_run(
    *,
    municipality: Municipality,
    today: date,
    dry_run: bool = True,
    actor: Person | None = None,
    with_audit: bool = True,
) -> RunResult:
    """Carry out the plan (unless `dry_run`): one transaction per case, consent, meeting and
    audit block, each with its ErasureRecord and audit record. A dry run changes nothing."""
    plan = retention_plan(municipality=municipality, today=today)
    result = RunResult(plan=plan, dry_run=dry_run)
    if dry_run:
        return result
    run_by = actor.get_username() if actor is not None else JOB_NAME
    handled = _handled_case_codes(municipality)
    for item in plan.due:
        rule = plan.rules[item.kind]
        counts: Counter[str] = Counter()
        try:
            with transaction.atomic():
                if not _still_due(item):
                    continue
                if item.kind == RetentionKind.CASES:
                    case = Case.objects.select_for_update().get(pk=item.pk)
                    if rule.action == RetentionAction.ERASE:
                        _erase_case(case, handled, counts)
                    else:
                        _pseudonymise_case(case, handled, counts)
                    handled.add(case.anonymous_code)
                elif item.kind == RetentionKind.CONSENTS:
                    _purge(Consent, [item.pk], counts)
                else:
                    counts["meetings.meeting"] += Meeting.objects.filter(pk=item.pk).update(
                        **{name: "" for name in MEETING_NOTE_FIELDS}
                    )
                _written(item, rule, municipality, counts, actor, run_by)
        except (models.ProtectedError, models.RestrictedError) as exc:
            logger.error("retention: %s %s not erased: %s", item.kind, item.object_code, exc)
            result.failed.append(f"{item.kind_label} {item.object_code}")
            continue
        result.done[item.kind] += 1
    if with_audit:
        result.audit_blocks, result.audit_records = _erase_audit_blocks(today=today, run_by=run_by)
    return result


def _still_due(item: PlanItem) -> bool:
    """A hold set since the plan was made wins."""
    case_id = item.pk if item.kind == RetentionKind.CASES else None
    if case_id is None:
        model: Any = Consent if item.kind == RetentionKind.CONSENTS else Meeting
        case_id = model.objects.filter(pk=item.pk).values_list("case_id", flat=True).first()
        if case_id is None:
            return False  # already gone with its case
    return not LegalHold.objects.filter(case_id=case_id, lifted_at__isnull=True).exists()


def _written(
    item: PlanItem,
    rule: EffectiveRule,
    municipality: Municipality,
    counts: Counter[str],
    actor: Person | None,
    run_by: str,
) -> None:
    ErasureRecord.objects.create(
        municipality=municipality,
        kind=item.kind,
        action=rule.action,
        months=rule.months,
        decision_reference=rule.decision_reference,
        object_type=item.object_type,
        object_code=item.object_code,
        event_on=item.event_on,
        counts=dict(sorted(counts.items())),
        run_by=run_by,
    )
    audit_record(
        actor=actor,
        actor_username=run_by,
        action=Action.DELETE if rule.action == RetentionAction.ERASE else Action.UPDATE,
        object_type=item.object_type,
        object_code=item.object_code,
        municipality_code=municipality.code,
        basis="gallring",
        detail={"retention": rule.action, "kind": item.kind, "counts": dict(counts)},
    )


def retention_run_all(*, today: date, dry_run: bool = True) -> list[RunResult]:
    """Every municipality, then the audit blocks once (the scheduled job)."""
    results = [
        retention_run(municipality=m, today=today, dry_run=dry_run, with_audit=False)
        for m in Municipality.objects.order_by("name")
    ]
    if not dry_run and results:
        results[-1].audit_blocks, results[-1].audit_records = _erase_audit_blocks(
            today=today, run_by=JOB_NAME
        )
    return results
