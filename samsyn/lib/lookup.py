"""Finding one object by its public code, for the access helpers."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_by_code_or_404(queryset: QuerySet[M], code: Any) -> M:
    """The object with this code among those the viewer may reach; 404 otherwise, also for a
    malformed code, so that nobody learns whether something outside their reach exists."""
    try:
        return queryset.get(code=code)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
