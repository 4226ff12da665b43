"""Being built (issue 8): every view answers 404 until its part lands."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    raise Http404
