"""The needs inventory (behovsinventering): the coverage page for styrgrupp/analytiker (their
own municipality) and national coordinators (every municipality, read only), and the import
(styrgrupp/analytiker of the municipality only). 404 for everyone else (`selectors`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.followup import needs as inventory
from samsyn.followup import selectors
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.models import Role


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV)"),
        help_text=gettext_lazy("Högst 1 MB. Semikolon- eller kommaavgränsad."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )
    source = forms.CharField(
        label=gettext_lazy("Källa"),
        max_length=200,
        help_text=gettext_lazy(
            "Varifrån siffrorna kommer, t.ex. ”Polisens lägesbild 2024” eller "
            "”Socialtjänstens kartläggning”. Gäller rader som saknar egen källa."
        ),
    )


class ConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


@login_required
def needs(request: AuthedHttpRequest) -> HttpResponse:
    scope, choices = selectors.report_scope(
        viewer=request.user, municipality=request.GET.get("kommun", "")
    )
    coverage = inventory.needs_coverage(scope=scope)
    may_import = request.user.has_role(Role.STEERING) and request.user.organisation is not None
    return render(
        request,
        "followup/needs.html",
        {"coverage": coverage, "choices": choices, "may_import": may_import},
    )


@login_required
def needs_import(request: AuthedHttpRequest) -> HttpResponse:
    municipality = selectors.report_municipality(viewer=request.user)
    districts = selectors.districts_of(municipality)
    context: dict[str, object] = {
        "municipality": municipality,
        "max_rows": inventory.MAX_ROWS,
        "example_district": districts[0].name if districts else "",
    }
    if request.method == "POST" and "payload" in request.POST:
        confirm = ConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValidationError(_("Förhandsgranskningen saknas. Ladda upp filen igen."))
            rows = inventory.needs_unsign(
                token=confirm.cleaned_data["payload"],
                municipality=municipality,
                viewer=request.user,
            )
            result = inventory.needs_import(
                actor=request.user, municipality=municipality, rows=rows
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("followup:needs_import")
        messages.success(
            request,
            _(
                "Behovsinventeringen är inläst. Nya: %(created)s, ersatta: %(replaced)s, "
                "oförändrade: %(same)s."
            )
            % {"created": result.created, "replaced": result.replaced, "same": result.unchanged},
        )
        return redirect("followup:needs")

    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(inventory.MAX_BYTES + 1)
        rows, problems = inventory.needs_parse(
            data=data, municipality=municipality, default_source=form.cleaned_data["source"]
        )
        if problems:
            context["problems"] = problems
        else:
            preview = inventory.needs_preview(municipality=municipality, rows=rows)
            adds = sum(1 for p in preview if p.adds)
            changes = sum(1 for p in preview if p.changes)
            context.update(
                preview=preview, adds=adds, changes=changes, same=len(preview) - adds - changes
            )
            context["confirm"] = ConfirmForm(
                initial={
                    "payload": inventory.needs_sign(
                        municipality=municipality, viewer=request.user, rows=rows
                    )
                }
            )
    context["form"] = form
    return render(request, "followup/needs_import.html", context)
