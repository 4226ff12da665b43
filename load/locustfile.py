"""The simulated people of `python -m load`: staff and youths, run by locust (gevent).

Started by the orchestrator (`load.run`) as `locust -f load/locustfile.py --headless …` with
the accounts it made (`LOAD_ACCOUNTS`), the run id (`LOAD_RUN_ID`) and the file to log every
request and write to (`LOAD_EVENTS`, JSON lines). Never imports Django or samsyn: gevent
patches this process, not the orchestrator's.

Staff sign in with password and TOTP and write a journal note (through the case page's form),
then read the start page, the work list, their cases, plans, meeting lists and meetings, and
write more notes. Youths and guardians sign in to the portal (/ung/) and send feedback, then
read its pages and sometimes send more. Every request is made without following redirects and
checked for the one answer that means success (200 for a page, 302 to the right place for a
form), so anything else is an error. Every write carries a unique marker; the log says when it was sent and what came back, and the
orchestrator counts the stored rows afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager
from locust.exception import CatchResponseError

from load.scenario import (
    ACCOUNTS_ENV,
    EVENTS_ENV,
    FEEDBACK,
    FEEDBACK_ABOUT,
    NOTE,
    REQUEST_TIMEOUT_S,
    RUN_ID_ENV,
    STAFF_WEIGHT,
    YOUTH_WEIGHT,
    feedback_text,
    marker,
    note_text,
    note_title,
    totp,
)

ACCOUNTS: dict[str, Any] = json.loads(Path(os.environ[ACCOUNTS_ENV]).read_text())
RUN_ID = os.environ[RUN_ID_ENV]
_EVENTS = Path(os.environ[EVENTS_ENV]).open("a", buffering=1, encoding="utf-8")  # noqa: SIM115

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PORTAL_MEETING = re.compile(rf"/ung/moten/({UUID})/")
FORM_ERROR = re.compile(r'<li><a href="#id_[^"]+">([^<]+)</a>: ([^<]+)</li>')


def log(**record: Any) -> None:
    """One JSON line; a line is written whole (greenlets do not switch inside write())."""
    _EVENTS.write(json.dumps(record, ensure_ascii=False) + "\n")


def describe(error: BaseException) -> str:
    """`ConnectionError / ProtocolError / RemoteDisconnected`: the chain of causes, by name."""
    if isinstance(error, CatchResponseError):
        return str(error)
    names = [type(error).__name__]
    inner: Any = error
    for _ in range(6):
        following = next(
            (a for a in getattr(inner, "args", ()) if isinstance(a, BaseException)), None
        )
        following = following or getattr(inner, "reason", None)
        if not isinstance(following, BaseException):
            break
        names.append(type(following).__name__)
        inner = following
    return " / ".join(names)


@events.request.add_listener
def _on_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    context: dict[str, Any] | None = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_kwargs: Any,
) -> None:
    started = start_time if start_time is not None else time.time() - response_time / 1000
    log(
        type="request",
        name=name,
        method=request_type,
        t0=round(started, 4),
        t1=round(started + response_time / 1000, 4),
        ms=round(response_time, 2),
        status=int(getattr(response, "status_code", 0) or 0),
        ok=exception is None,
        error=None if exception is None else describe(exception),
        user=(context or {}).get("user"),
    )


@events.user_error.add_listener
def _on_user_error(user_instance: Any, exception: BaseException, tb: Any, **_kwargs: Any) -> None:
    """A bug in this file (or an answer it did not expect): counted against the run."""
    log(
        type="user_error",
        t0=round(time.time(), 4),
        user=getattr(user_instance, "label", "?"),
        error=f"{type(exception).__name__}: {exception}",
    )


class Person(HttpUser):
    """What staff and youths share: checked requests, CSRF tokens and writes with markers."""

    abstract = True
    label = "?"
    account: dict[str, Any]
    seq = 0
    signed_in = False

    def sign_in(self) -> None:
        raise NotImplementedError

    def ready(self) -> bool:
        """Signed in, or signing in again now (after a sign-in that failed)."""
        if not self.signed_in:
            self.sign_in()
        return self.signed_in

    def context(self) -> dict[str, Any]:
        return {"user": self.label}

    def call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        data: dict[str, str] | None = None,
        expect: int = 200,
        location: str | None = None,
        form: bool = False,
    ) -> tuple[bool, ResponseContextManager]:
        """One request; success only with the expected status (and redirect target, and for a
        `form` page a CSRF token in it)."""
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.error is not None:
                response.failure(describe(response.error))
                return False, response
            if response.status_code != expect:
                where = response.headers.get("Location", "")
                response.failure(f"HTTP {response.status_code}" + (f" -> {where}" if where else ""))
                return False, response
            if location is not None and not response.headers.get("Location", "").startswith(
                location
            ):
                response.failure(f"redirected to {response.headers.get('Location', '')!r}")
                return False, response
            if form and CSRF.search(response.text) is None:
                response.failure("no CSRF token in the form")
                return False, response
            response.success()
            return True, response

    def form_token(self, path: str, name: str) -> str | None:
        ok, response = self.call("GET", path, name, form=True)
        found = CSRF.search(response.text) if ok else None
        return found.group(1) if found else None

    def write(
        self,
        kind: str,
        form_page: str,
        page_name: str,
        post_to: str,
        data: dict[str, str],
        case: str | None = None,
    ) -> None:
        """GET the form, POST it with a new marker, follow the redirect: one write. The log
        says whose it is and where it goes, for checking the stored row."""
        token = self.form_token(form_page, page_name)
        if token is None:
            return
        self.seq += 1
        mark = marker(RUN_ID, self.label, self.seq)
        started = time.time()
        log(
            type="attempt",
            kind=kind,
            marker=mark,
            t0=round(started, 4),
            user=self.label,
            account=self.account["username"],
            case=case,
        )
        fields = {key: value.replace("{marker}", mark) for key, value in data.items()}
        ok, response = self.call(
            "POST",
            post_to,
            f"{page_name}: POST",
            data={"csrfmiddlewaretoken": token, **fields},
            expect=302,
            location=form_page,
        )
        status = int(response.status_code or 0)
        reason = None
        if ok:
            outcome = "ack"
        elif status and status < 500:
            outcome = "refused"  # the server answered, and said no: nothing may be stored
            found = FORM_ERROR.search(response.text or "")
            reason = f"{found.group(1)}: {found.group(2)}" if found else None
        else:
            outcome = "error"  # no answer or a 5xx: stored or not, both are allowed
        log(
            type="write",
            kind=kind,
            marker=mark,
            t0=round(started, 4),
            t1=round(time.time(), 4),
            status=status,
            outcome=outcome,
            reason=reason,
            user=self.label,
        )
        if ok:
            self.call("GET", form_page, page_name)


class Staff(Person):
    """A case officer, police officer or school counsellor with three cases."""

    weight = STAFF_WEIGHT
    wait_time = between(3, 8)
    numbers = itertools.count()

    def on_start(self) -> None:
        number = next(Staff.numbers)
        self.account = ACCOUNTS["staff"][number % len(ACCOUNTS["staff"])]
        self.label = f"s{number:03d}"
        self.seq = 0
        self.meetings_by_case: dict[str, list[str]] = {}
        self.signed_in = False
        self.sign_in()
        self.journal_note()  # every run writes, however short

    def sign_in(self) -> None:
        """Password, then the current TOTP code; tried again after a failure."""
        code_sent = False
        for attempt in range(3):
            if code_sent:
                # A code the server took but whose answer was lost is spent: wait for the next.
                time.sleep(31 - time.time() % 30)
            elif attempt:
                time.sleep(5)
            code_sent = False
            token = self.form_token("/konto/logga-in/", "staff: sign-in page")
            if token is None:
                continue
            ok, _response = self.call(
                "POST",
                "/konto/logga-in/",
                "staff: sign-in page: POST",
                data={
                    "csrfmiddlewaretoken": token,
                    "username": self.account["username"],
                    "password": ACCOUNTS["password"],
                },
                expect=302,
                location="/konto/verifiera/",
            )
            if not ok:
                continue
            token = self.form_token("/konto/verifiera/?next=/", "staff: one-time code page")
            if token is None:
                continue
            code_sent = True
            ok, _response = self.call(
                "POST",
                "/konto/verifiera/",
                "staff: one-time code page: POST",
                data={
                    "csrfmiddlewaretoken": token,
                    "token": totp(self.account["totp_key"]),
                    "next": "/",
                },
                expect=302,
                location="/",
            )
            if ok:
                self.signed_in = True
                return

    def case(self) -> str:
        return str(secrets.choice(self.account["cases"]))

    @task(2)
    def start_page(self) -> None:
        if self.ready():
            self.call("GET", "/", "staff: start page")

    @task(3)
    def work_list(self) -> None:
        if self.ready():
            self.call("GET", "/arenden/", "staff: work list")

    @task(5)
    def case_page(self) -> None:
        if self.ready():
            self.call("GET", f"/arenden/{self.case()}/", "staff: case page")

    @task(2)
    def plan_page(self) -> None:
        if self.ready():
            self.call("GET", f"/arenden/{self.case()}/plan/", "staff: plan page")

    @task(2)
    def meetings(self) -> None:
        if not self.ready():
            return
        code = self.case()
        ok, response = self.call("GET", f"/arenden/{code}/moten/", "staff: meeting list")
        if ok:
            self.meetings_by_case[code] = re.findall(
                rf"/arenden/{code}/moten/({UUID})/", response.text
            )
        if self.meetings_by_case.get(code):
            meeting = secrets.choice(self.meetings_by_case[code])
            self.call("GET", f"/arenden/{code}/moten/{meeting}/", "staff: meeting page")

    @task(3)
    def journal_note(self) -> None:
        if not self.ready():
            return
        code = self.case()
        self.write(
            NOTE,
            f"/arenden/{code}/",
            "staff: case page",
            f"/arenden/{code}/anteckningar/",
            {  # the case page's note form, prefix "ant"
                "ant-category": self.account["category"],
                "ant-kind": "anteckning",
                "ant-title": note_title("{marker}"),
                "ant-text": note_text("{marker}"),
                "ant-occurred_on": "",
                "ant-also_about": "",
            },
            case=code,
        )


class Youth(Person):
    """A youth or guardian in the portal: reads it and sometimes sends feedback."""

    weight = YOUTH_WEIGHT
    wait_time = between(4, 10)
    numbers = itertools.count()

    def on_start(self) -> None:
        number = next(Youth.numbers)
        self.account = ACCOUNTS["youths"][number % len(ACCOUNTS["youths"])]
        self.label = f"y{number:03d}"
        self.seq = 0
        self.meeting_codes: list[str] = []
        self.signed_in = False
        self.sign_in()
        self.feedback()

    def sign_in(self) -> None:
        for attempt in range(3):
            if attempt:
                time.sleep(5)
            token = self.form_token("/ung/logga-in/", "portal: sign-in page")
            if token is None:
                continue
            ok, _response = self.call(
                "POST",
                "/ung/logga-in/",
                "portal: sign-in page: POST",
                data={
                    "csrfmiddlewaretoken": token,
                    "username": self.account["username"],
                    "password": ACCOUNTS["password"],
                    "next": "/ung/",
                },
                expect=302,
                location="/ung/",
            )
            if ok:
                self.signed_in = True
                return

    @task(3)
    def start_page(self) -> None:
        if self.ready():
            self.call("GET", "/ung/", "portal: start page")

    @task(3)
    def plan(self) -> None:
        if self.ready():
            self.call("GET", "/ung/plan/", "portal: plan")

    @task(2)
    def meetings(self) -> None:
        if not self.ready():
            return
        ok, response = self.call("GET", "/ung/moten/", "portal: meetings")
        if ok:
            self.meeting_codes = PORTAL_MEETING.findall(response.text)
        if self.meeting_codes:
            code = secrets.choice(self.meeting_codes)
            self.call("GET", f"/ung/moten/{code}/", "portal: meeting")

    @task(1)
    def consents(self) -> None:
        if self.ready():
            self.call("GET", "/ung/samtycken/", "portal: consents")

    @task(1)
    def who_has_seen(self) -> None:
        if self.ready():
            self.call("GET", "/ung/vem-har-sett/", "portal: who has seen my data")

    @task(1)
    def about(self) -> None:
        if self.ready():
            self.call("GET", "/ung/om-sig/", "portal: what is a SIG")

    @task(1)
    def feedback(self) -> None:
        if not self.ready():
            return
        self.write(
            FEEDBACK,
            "/ung/tyck-till/",
            "portal: feedback",
            "/ung/tyck-till/",
            {"text": feedback_text("{marker}"), "about": FEEDBACK_ABOUT},
        )
