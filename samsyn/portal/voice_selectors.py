"""Reads for feedback and the evaluation."""

from __future__ import annotations

from samsyn.cases.models import Closure
from samsyn.portal.models import EvaluationReceipt, PortalAccount


def evaluation_due(*, account: PortalAccount) -> bool:
    """The youth was offered the evaluation at closure and has not answered it yet.
    Only the youth evaluates (seed 000: "every youth is offered to evaluate")."""
    if not account.is_youth:
        return False
    offered = Closure.objects.filter(case_id=account.case_id, evaluation_offered_on__isnull=False)
    return (
        offered.exists() and not EvaluationReceipt.objects.filter(case_id=account.case_id).exists()
    )
