"""Optimistic locking for forms that rewrite shared text (decision D53).

A form carries a fingerprint of the content its writer saw (`seen`). The service, holding the
row lock, compares it with a fingerprint of what is stored now: when they differ, somebody
else saved in between, and the save is refused with `EditConflict` instead of overwriting
their work silently. The fingerprint is of the content, not of a timestamp, so it does not
depend on clocks, and it is independent of the viewer's language.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def fingerprint(content: Any) -> str:
    """A short, stable digest of JSON-like content (what a form's writer saw)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class EditConflict(ValidationError):
    """The content changed after the writer read it. `current` is the fingerprint of what is
    stored now: a form that shows the conflict carries it, so that saving again (having seen
    the other person's change) goes through."""

    def __init__(self, message: StrOrPromise, *, field: str | None, current: str) -> None:
        super().__init__({field: [message]} if field else message)
        self.current = current


def check_seen(seen: str | None, current: str, *, message: StrOrPromise, field: str | None) -> None:
    """Refuse the save when the writer saw other content than is stored now. No `seen` (a
    client without the field) means no check."""
    if seen and seen != current:
        raise EditConflict(message, field=field, current=current)
