"""The court summary (yttrande): a page with the text to copy, and the same as a PDF.

Both start with `statement_case_get_for_viewer`, which answers 404 to anyone who does not run
the case; what they show comes from `statement.statement_build` (the one door).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from samsyn.cases import statement as statements
from samsyn.consent.selectors import case_header
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response


@login_required
def statement(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = statements.statement_case_get_for_viewer(viewer=viewer, code=code)
    built = statements.statement_build(viewer=viewer, case=case)
    header = case_header(viewer=viewer, case=case, identified=bool(built.youth_name))
    return render(
        request, "cases/statement.html", {"header": header, "statement": built, "text": built.text}
    )


@login_required
def statement_pdf(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = statements.statement_case_get_for_viewer(viewer=viewer, code=code)
    built = statements.statement_build(viewer=viewer, case=case)
    body = statements.statement_pdf(request=request, viewer=viewer, statement=built)
    return pdf_response(body, f"yttrande-underlag-{case.anonymous_code}.pdf", attachment=True)
