"""Abstract bases shared by the apps."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Creation and change times, and a public `code` so that URLs never show primary keys."""

    code = models.UUIDField(_("kod"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        abstract = True
