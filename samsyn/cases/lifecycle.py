"""The case's lifecycle as an explicit state machine: which moves exist, and what each needs.

    aktualiserad → (motivationsfas) → under beredning → bedömning → information och samtycke
    → beslutad → aktiv → avslutad → efterföljd;  avböjd from any state before the SIG is active.

Some moves have their own service because they record something at the same time: a decision
(`decision_record`), a closure (`case_close`) and the last follow-up (`followup_record`). The rest
go through `case_transition`. Every move writes a `CaseTransition` (who, when, why) and an audit
entry; a move that is not allowed is refused with a Swedish message and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from samsyn.cases.models import CaseState as S

ALLOWED: dict[str, tuple[str, ...]] = {
    S.REFERRED: (S.PREPARATION, S.MOTIVATION, S.DECLINED, S.CLOSED),
    S.MOTIVATION: (S.PREPARATION, S.SCREENING, S.DECLINED, S.CLOSED),
    S.PREPARATION: (S.SCREENING, S.MOTIVATION, S.DECLINED, S.CLOSED),
    S.SCREENING: (S.INFORMATION, S.DECLINED, S.CLOSED),
    S.INFORMATION: (S.DECIDED, S.DECLINED, S.CLOSED),
    S.DECIDED: (S.ACTIVE, S.DECLINED, S.CLOSED),
    S.ACTIVE: (S.CLOSED,),
    S.CLOSED: (S.FOLLOWED_UP,),
    S.FOLLOWED_UP: (),
    S.DECLINED: (),
}

# Moves that record something else at the same time have their own service.
OWN_SERVICE = {S.DECIDED, S.CLOSED, S.FOLLOWED_UP}

# Before the decision, nobody may record a consent until the youth has had all six points.
BEFORE_DECISION = {S.REFERRED, S.MOTIVATION, S.PREPARATION, S.SCREENING, S.INFORMATION}

# States in which the case is over (a new case may be opened for the youth).
ENDED = {S.CLOSED, S.FOLLOWED_UP, S.DECLINED}

# States in which a SIG has been granted: closing from them schedules follow-ups.
HAD_SIG = {S.DECIDED, S.ACTIVE}


def refusal(from_state: str, to_state: str) -> str | None:
    """Why the move is not allowed at all, in Swedish; None when it is."""
    if to_state not in ALLOWED.get(from_state, ()):
        return _("Ett ärende som är %(current)s kan inte bli %(target)s.") % {
            "current": str(S(from_state).label).lower(),
            "target": str(S(to_state).label).lower(),
        }
    return None


def next_states(state: str) -> tuple[str, ...]:
    """The moves offered on the case page through `case_transition`."""
    return tuple(s for s in ALLOWED.get(state, ()) if s not in OWN_SERVICE)


MAIN_PATH = (
    S.REFERRED,
    S.PREPARATION,
    S.SCREENING,
    S.INFORMATION,
    S.DECIDED,
    S.ACTIVE,
    S.CLOSED,
    S.FOLLOWED_UP,
)


def steps_for(state: str) -> list[tuple[str, str]]:
    """The steps shown on the case page: the main path, with the side states only when the
    case is in them."""
    steps = list(MAIN_PATH)
    if state == S.MOTIVATION:
        steps.insert(1, S.MOTIVATION)
    if state == S.DECLINED:
        steps.append(S.DECLINED)
    return [(s, str(S(s).label)) for s in steps]
