"""What the orchestrator and the simulated people share: file names passed through the
environment, the marker every write carries, the exact text of each write, and TOTP.

Plain Python only: the locustfile imports this under gevent, the orchestrator under Django.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import time

# Environment of the locust subprocess.
ACCOUNTS_ENV = "LOAD_ACCOUNTS"  # JSON written by the orchestrator (load.accounts)
EVENTS_ENV = "LOAD_EVENTS"  # JSON lines written by the locustfile, read by load.verify
RUN_ID_ENV = "LOAD_RUN_ID"  # 8 hex digits, in every marker of the run

# The mix: locust spreads the users over the two classes by these weights (100 -> 60 + 40).
STAFF_WEIGHT = 3
YOUTH_WEIGHT = 2

# Every HTTP request gives up after this long (a hung request is an error, not a stall).
REQUEST_TIMEOUT_S = 60.0

# The kinds of write, and the tables that hold them (for the report).
NOTE = "note"
FEEDBACK = "feedback"
WRITE_KINDS = {
    NOTE: "journal note (cases_journalnote)",
    FEEDBACK: "portal feedback (portal_feedback)",
}

MARKER_RE = re.compile(r"LOAD-[0-9a-f]{8}-[sy]\d{3}-\d{5}")


def marker(run_id: str, user: str, seq: int) -> str:
    """`LOAD-<run>-<user>-<n>`: unique per write, so a stored row names its request."""
    return f"LOAD-{run_id}-{user}-{seq:05d}"


def run_prefix(run_id: str) -> str:
    return f"LOAD-{run_id}-"


# The exact content of each write: a stored row that differs is a partial record.
def note_title(mark: str) -> str:
    return f"Lasttest {mark}"


def note_text(mark: str) -> str:
    return f"Anteckning skriven av lasttestet. Markör: {mark}. Inget annat i den här texten."


def feedback_text(mark: str) -> str:
    return f"Synpunkt skickad av lasttestet. Markör: {mark}."


FEEDBACK_ABOUT = "Lasttest"


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 with SHA-1, as django-otp's TOTPDevice computes it (t0 = 0, no drift)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
