"""Writing, sealing and verifying the audit log."""

from __future__ import annotations

import hashlib
import logging
import struct
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord, AuditSeal
from samsyn.lib.request_context import current_request_context

if TYPE_CHECKING:
    from samsyn.organisations.models import Person

logger = logging.getLogger("samsyn.audit")

GENESIS_HASH = "0" * 64
_INDEX_ENTRY = struct.Struct(">q8s")


def audit_record(**kwargs: Any) -> AuditRecord:
    """Append one event. Call it inside the transaction of the change it records.

    Rule: `detail` carries field names, codes and reasons, never the personal data itself.
    """
    record = audit_build(**kwargs)
    record.save(force_insert=True)
    return record


def audit_bulk(records: list[AuditRecord]) -> None:
    """Append many events in one insert (a page that decides many items at once)."""
    if records:
        AuditRecord.objects.bulk_create(records)


def audit_build(
    *,
    actor: Person | None,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_code: str = "",
    case_code: UUID | None = None,
    subject_code: UUID | None = None,
    basis: str = "",
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
    municipality_code: UUID | None = None,
) -> AuditRecord:
    """An unsaved audit record with its hash; `audit_record` and `audit_bulk` store it."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_code = object_code or str(getattr(target, "code", target.pk))
    context = current_request_context()
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    if municipality_code is None and target is not None:
        municipality_code = _municipality_code_of(target)
    record = AuditRecord(
        at=timezone.now(),
        action=action,
        actor_code=getattr(actor, "code", None),
        actor_username=actor.get_username() if actor is not None else actor_username[:150],
        organisation_code=organisation.code if organisation is not None else None,
        municipality_code=municipality_code
        or (organisation.municipality.code if organisation is not None else None),
        object_type=object_type,
        object_code=object_code,
        case_code=case_code,
        subject_code=subject_code,
        basis=basis[:255],
        detail=detail or {},
        request_id=context.request_id if context else "",
        ip_address=context.ip_address if context else None,
    )
    record.row_hash = record.compute_hash()
    return record


def _municipality_code_of(target: models.Model) -> UUID | None:
    """The municipality an object belongs to, so that its administrators find the event."""
    for path in ("municipality", "organisation.municipality", "district.municipality"):
        value: Any = target
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if (
            value is not None
            and hasattr(value, "code")
            and value._meta.model_name == "municipality"
        ):
            return value.code
    if target._meta.model_name == "municipality":
        return getattr(target, "code", None)
    return None


def _index_entry(record_id: int, row_hash: str) -> bytes:
    return _INDEX_ENTRY.pack(record_id, bytes.fromhex(row_hash)[:8])


def _seal_hash(*, number: int, previous_hash: str, records: list[tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{number}:{previous_hash}:".encode())
    for record_id, row_hash in records:
        digest.update(f"{record_id}:{row_hash};".encode())
    return digest.hexdigest()


def audit_seal(*, grace: timedelta | None = None, max_blocks: int | None = None) -> int:
    """Seal every complete block of records older than the grace period; returns blocks made.

    Rule: only the sealer serialises (on the seal number's unique constraint), never the
    writers. The grace period lets transactions that took an id earlier commit first.
    """
    if grace is None:
        grace = timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS)
    block_size = settings.AUDIT_SEAL_BLOCK_SIZE
    made = 0
    while max_blocks is None or made < max_blocks:
        cutoff = timezone.now() - grace
        last = AuditSeal.objects.order_by("-number").first()
        after_id = last.last_record_id if last else 0
        rows = list(
            AuditRecord.objects.filter(id__gt=after_id)
            .order_by("id")
            .values_list("id", "row_hash", "at")[:block_size]
        )
        # A block ends at the first record still inside the grace period.
        ready = []
        for record_id, row_hash, at in rows:
            if at > cutoff:
                break
            ready.append((record_id, row_hash))
        if not ready:
            break
        number = (last.number + 1) if last else 1
        previous_hash = last.seal_hash if last else GENESIS_HASH
        seal = AuditSeal(
            number=number,
            first_record_id=ready[0][0],
            last_record_id=ready[-1][0],
            record_count=len(ready),
            record_index=b"".join(_index_entry(i, h) for i, h in ready),
            previous_hash=previous_hash,
            seal_hash=_seal_hash(number=number, previous_hash=previous_hash, records=ready),
        )
        try:
            with transaction.atomic():
                seal.save(force_insert=True)
        except IntegrityError:
            continue  # another sealer took this number; start again from its seal
        # The seal hash also goes to the log stream, kept outside this database.
        logger.info(
            "audit block sealed",
            extra={"seal_number": number, "seal_hash": seal.seal_hash, "records": len(ready)},
        )
        made += 1
        if len(ready) < len(rows) or len(rows) < block_size:
            break  # the rest is inside the grace period, or there is no more
    return made


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    records_checked: int
    blocks_checked: int
    unsealed: int
    broken_record_id: int | None = None
    broken_seal_number: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Check every record's own hash and every seal's chain; report the first break found."""
    records_checked = 0
    seals = list(AuditSeal.objects.order_by("number"))
    previous_hash = GENESIS_HASH
    expected_number = 1
    last_sealed_id = 0
    for seal in seals:
        if seal.number != expected_number:
            return _broken(records_checked, seal, None, "a seal is missing before this one")
        if seal.previous_hash != previous_hash:
            return _broken(records_checked, seal, None, "the chain to the previous seal is broken")
        if seal.erased_at is not None:
            # Erased by retention: only the chain links can be checked, and the range must be
            # empty (D49).
            leftover = (
                AuditRecord.objects.filter(id__gt=last_sealed_id, id__lte=seal.last_record_id)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
            if leftover is not None:
                return _broken(records_checked, seal, leftover, "record in an erased block")
            previous_hash = seal.seal_hash
            expected_number += 1
            last_sealed_id = seal.last_record_id
            continue
        index = bytes(seal.record_index)
        indexed = [
            _INDEX_ENTRY.unpack_from(index, offset)
            for offset in range(0, len(index), _INDEX_ENTRY.size)
        ]
        records = list(
            AuditRecord.objects.filter(id__gt=last_sealed_id, id__lte=seal.last_record_id).order_by(
                "id"
            )
        )
        stored_ids = {record.id for record in records}
        for position, record in enumerate(records):
            records_checked += 1
            if record.compute_hash() != record.row_hash:
                return _broken(records_checked, seal, record.id, "content differs from its hash")
            if position >= len(indexed) or indexed[position][0] != record.id:
                missing = next((i for i, _ in indexed if i not in stored_ids), None)
                if missing is not None and (missing < record.id):
                    return _broken(records_checked, seal, missing, "record was deleted")
                return _broken(records_checked, seal, record.id, "record was inserted afterwards")
            if indexed[position][1] != bytes.fromhex(record.row_hash)[:8]:
                return _broken(records_checked, seal, record.id, "hash differs from the sealed one")
        if len(records) < len(indexed):
            missing = next(i for i, _ in indexed if i not in stored_ids)
            return _broken(records_checked, seal, missing, "record was deleted")
        pairs = [(record.id, record.row_hash) for record in records]
        if (
            _seal_hash(number=seal.number, previous_hash=seal.previous_hash, records=pairs)
            != seal.seal_hash
        ):
            return _broken(records_checked, seal, None, "seal hash does not match its records")
        previous_hash = seal.seal_hash
        expected_number += 1
        last_sealed_id = seal.last_record_id
    unsealed = 0
    for record in (
        AuditRecord.objects.filter(id__gt=last_sealed_id).order_by("id").iterator(chunk_size=2000)
    ):
        records_checked += 1
        unsealed += 1
        if record.compute_hash() != record.row_hash:
            return VerifyResult(
                ok=False,
                records_checked=records_checked,
                blocks_checked=len(seals),
                unsealed=unsealed,
                broken_record_id=record.id,
                reason="content differs from its hash",
            )
    return VerifyResult(
        ok=True, records_checked=records_checked, blocks_checked=len(seals), unsealed=unsealed
    )


def _broken(checked: int, seal: AuditSeal, record_id: int | None, reason: str) -> VerifyResult:
    return VerifyResult(
        ok=False,
        records_checked=checked,
        blocks_checked=seal.number,
        unsealed=0,
        broken_record_id=record_id,
        broken_seal_number=seal.number,
        reason=reason,
    )
