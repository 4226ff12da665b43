"""Import pages: the three kinds, a template per kind, upload -> preview (or every problem) ->
confirm. The municipality's administrator and social services coordinators only; 404 for
everyone else (`selectors.import_require`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.imports import checks, selectors, services
from samsyn.lib import tabular
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.models import Municipality, Organisation, Person

SIGNING_SALT = "samsyn.imports.preview"
SIGNED_FOR_SECONDS = 3600
PREVIEW_ROWS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV eller Excel)"),
        help_text=gettext_lazy(
            "Högst 5 MB och 5 000 rader. CSV med semikolon eller komma, eller .xlsx."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    owner = forms.ChoiceField(
        label=gettext_lazy("Ansvarig socialtjänst"),
        help_text=gettext_lazy("Ärendena ägs av den här organisationen."),
    )

    def __init__(self, *args: object, owners: list[Organisation] | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [(str(o.code), o.name) for o in owners]  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


def _kind(slug: str) -> checks.Kind:
    spec = checks.KINDS.get(slug)
    if spec is None:
        raise Http404
    return spec


def _bound(municipality: Municipality, viewer: Person, spec: checks.Kind) -> dict[str, str]:
    return {"m": str(municipality.code), "p": str(viewer.code), "k": spec.slug}


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    municipality, _owners = selectors.import_require(viewer=request.user)
    return render(
        request,
        "imports/index.html",
        {"municipality": municipality, "kinds": list(checks.KINDS.values())},
    )


@login_required
def template(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    """An empty file with the kind's headers, as Excel in Sweden opens it (BOM, semicolons)."""
    selectors.import_require(viewer=request.user)
    spec = _kind(kind)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="samsyn-{spec.slug}.csv"'
    response.write("\ufeff" + ";".join(c.header for c in spec.columns) + "\r\n")
    return response


def _check_upload(
    data: bytes, spec: checks.Kind, municipality: Municipality, owner: Organisation | None
) -> tuple[list[checks.Record], checks.Checked]:
    table = tabular.read_table(data, max_bytes=checks.MAX_BYTES, max_rows=checks.MAX_ROWS)
    checked = checks.Checked(spec)
    if not table.header:
        checked.problems = table.problems
        return [], checked
    missing = checks.header_problems(spec, table.header)
    if missing:
        checked.problems = missing
        return [], checked
    records = checks.records_of(spec, table.header, table.rows)
    if not records and not table.problems:
        checked.problems = [
            tabular.Problem(None, "", _("Filen har inga rader med uppgifter under rubrikerna."))
        ]
        return [], checked
    checked = checks.check(kind=spec, municipality=municipality, owner=owner, records=records)
    if table.problems:
        checked.problems.extend(table.problems)
        checked.rows = []
    return records, checked


@login_required
def upload(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    municipality, owners = selectors.import_require(viewer=request.user)
    spec = _kind(kind)
    context: dict[str, object] = {
        "municipality": municipality,
        "kind": spec,
        "max_rows": checks.MAX_ROWS,
        "preview_rows": PREVIEW_ROWS,
    }
    bound = _bound(municipality, request.user, spec)
    if request.method == "POST" and "payload" in request.POST:
        confirm = ConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValidationError(_("Förhandsgranskningen saknas. Ladda upp filen igen."))
            payload = tabular.unsign(
                confirm.cleaned_data["payload"],
                salt=SIGNING_SALT,
                max_age=SIGNED_FOR_SECONDS,
                bound=bound,
            )
            owner = next((o for o in owners if str(o.code) == payload["o"]), None)
            result = services.import_run(
                actor=request.user,
                kind=spec.slug,
                municipality=municipality,
                owner=owner,
                records=[(int(line), dict(values)) for line, values in payload["r"]],
            )
        except services.ImportStale as stale:
            messages.error(request, stale.messages[0])
            context.update(problems=stale.problems, form=UploadForm(owners=_owners(spec, owners)))
            return render(request, "imports/upload.html", context)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("imports:upload", kind=spec.slug)
        messages.success(
            request,
            _(
                "Filen är inläst. Nya ungdomar: %(youths)s, ungdomar som redan fanns: "
                "%(known)s, nya ärenden: %(cases)s."
            )
            % {
                "youths": result.youths_created,
                "known": result.youths_known,
                "cases": result.cases_created,
            },
        )
        return redirect("imports:index")

    form = UploadForm(request.POST or None, request.FILES or None, owners=_owners(spec, owners))
    if request.method == "POST" and form.is_valid():
        owner = None
        if spec.needs_owner:
            owner = next(o for o in owners if str(o.code) == form.cleaned_data["owner"])
        data = form.cleaned_data["file"].read(checks.MAX_BYTES + 1)
        records, checked = _check_upload(data, spec, municipality, owner)
        if checked.problems:
            context["problems"] = checked.problems
        else:
            context["checked"] = checked
            context["confirm"] = ConfirmForm(
                initial={
                    "payload": tabular.sign(
                        {"o": str(owner.code) if owner else "", "r": records},
                        salt=SIGNING_SALT,
                        bound=bound,
                    )
                }
            )
    context["form"] = form
    return render(request, "imports/upload.html", context)


def _owners(spec: checks.Kind, owners: list[Organisation]) -> list[Organisation] | None:
    return owners if spec.needs_owner else None
