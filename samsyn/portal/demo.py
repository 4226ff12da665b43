"""Demo portal accounts: the first demo youth (Adam, 16, active for seven months) and his
mother can sign in to the portal at /ung/ without an invitation round trip. Adam has sent
feedback (answered by the municipality's feedback recipient) and someone has sent an anonymous
one; the youths whose SIG has ended have answered the evaluation.

Everything is made the way real use makes it (invitations redeemed, the portal's services).
Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test.utils import override_settings

from samsyn.cases.demo import demo_case
from samsyn.cases.models import Case, Closure, Guardian
from samsyn.organisations.demo import DEMO_PASSWORD
from samsyn.organisations.models import Person
from samsyn.portal import account_services as access
from samsyn.portal import voice_services as voice
from samsyn.portal.models import (
    AccountKind,
    EvaluationReceipt,
    Feedback,
    PortalAccount,
    PortalNotice,
)

DEMO_PIN = "2580"


@dataclass(frozen=True)
class DemoPortalLogin:
    username: str
    who: str


# Answers 1–5 to: understood, took part, listened to, trusted the coordinator; what was good,
# what should change. Used in turn for the youths whose SIG has ended.
EVALUATIONS = [
    (5, 4, 5, 5, "Att alla satt i samma rum och att jag fick säga vad jag tyckte.", ""),
    (4, 3, 4, 5, "Min samordnare ringde alltid tillbaka.", "Mötena var för långa."),
    (3, 2, 3, 4, "", "Jag ville vara med mer när planen skrevs."),
    (5, 5, 4, 4, "Boxningen och att skolan hjälpte mig ikapp.", "Färre vuxna på mötena."),
    (
        4,
        4,
        None,
        3,
        "Att jag visste när det skulle sluta.",
        "Polisen borde prata med mig, inte om mig.",
    ),
    (2, 3, 2, 3, "", "Jag förstod inte i början vad SIG var."),
    (5, 4, 4, 5, "Att jag fick hjälp att hitta ett jobb.", ""),
    (4, 5, 5, 4, "Att min mamma också fick stöd.", "Mötena borde vara efter skolan."),
]
NAMED_FEEDBACK = (
    "Mötena är alltid mitt på skoldagen, så jag missar lektioner. Kan vi ha dem efter kl. 15?"
)
NAMED_ABOUT = "Tiden för mötena"
ANSWER = (
    "Tack för att du säger till! Jag har pratat med din samordnare: från och med nästa möte "
    "träffas ni kl. 15.30. Hör av dig igen om något inte blir bra."
)
ANONYMOUS_FEEDBACK = (
    "På mötena pratar de vuxna mest med varandra. Jag vill att de frågar mig vad jag tycker."
)


def seed_portal() -> list[DemoPortalLogin]:
    case = demo_case(1)
    coordinator = case.coordinator
    if coordinator is None:  # the demo case always has one; a changed seeder must keep it
        raise RuntimeError("demo case 1 has no coordinator")
    mother = Guardian.objects.filter(youth=case.youth, first_name="Hodan").first()
    wanted: list[tuple[str, str, Guardian | None, str]] = [
        ("ung.adam", AccountKind.YOUTH, None, "Adam (ungdomen, 16 år)"),
    ]
    if mother is not None:
        wanted.append(("vh.hodan", AccountKind.GUARDIAN, mother, "Hodan (Adams mamma)"))
    logins = []
    for username, kind, guardian, who in wanted:
        _account(coordinator, case, username, kind, guardian)
        logins.append(DemoPortalLogin(username=username, who=who))
    # The demo's own feedback would e-mail the recipient: nobody needs those messages.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed_feedback(case)
        _seed_evaluations(coordinator)
    return logins


def _account(
    coordinator: Person, case: Case, username: str, kind: str, guardian: Guardian | None
) -> PortalAccount:
    """The demo account `username`, made as a real one is: invited, then redeemed."""
    account = PortalAccount.objects.filter(username=username).first()
    if account is not None:
        return account
    _invitation, code = access.invitation_create(
        actor=coordinator, case=case, kind=kind, guardian=guardian
    )
    return access.invitation_redeem(
        code=code,
        username=username,
        password=DEMO_PASSWORD,
        password_again=DEMO_PASSWORD,
        pin=DEMO_PIN,
        pin_again=DEMO_PIN,
        ip=None,
    )


def _seed_feedback(case: Case) -> None:
    adam = PortalAccount.objects.get(username="ung.adam")
    recipient = voice.feedback_recipient_for(case=case)
    if not Feedback.objects.filter(account=adam).exists():
        feedback = voice.feedback_submit(account=adam, text=NAMED_FEEDBACK, about=NAMED_ABOUT)
        voice.feedback_respond(actor=recipient, feedback=feedback, response=ANSWER)
    if not Feedback.objects.filter(municipality=case.municipality, anonymous=True).exists():
        voice.feedback_submit(account=adam, text=ANONYMOUS_FEEDBACK, anonymous=True)


def _seed_evaluations(coordinator: Person) -> None:
    """Each demo youth whose SIG ended (evaluation offered) answers through the portal."""
    closures = Closure.objects.filter(
        case__municipality=coordinator.municipality_id, evaluation_offered_on__isnull=False
    ).select_related("case")
    answered = set(EvaluationReceipt.objects.values_list("case_id", flat=True))
    for index, closure in enumerate(closures.order_by("closed_on", "pk")):
        case = closure.case
        if case.pk in answered or case.coordinator is None:
            continue
        username = f"ung.{case.anonymous_code.lower()}"
        account = _account(case.coordinator, case, username, AccountKind.YOUTH, None)
        # In the story these accounts were made long ago: their notices are already read.
        for notice in PortalNotice.objects.filter(case=case, read_at__isnull=True):
            access.notice_mark_read(actor=case.coordinator, notice=notice)
        understood, took_part, listened, trusted, good, change = EVALUATIONS[
            index % len(EVALUATIONS)
        ]
        voice.evaluation_submit(
            account=account,
            understood=understood,
            took_part=took_part,
            listened_to=listened,
            trusted_coordinator=trusted,
            good=good,
            change=change,
        )
