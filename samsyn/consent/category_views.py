"""The shared list of data categories: read by every administrator, changed by superusers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.consent import services
from samsyn.consent.models import DataCategory
from samsyn.lib.http import AuthedHttpRequest


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Vilka uppgifter kategorin omfattar, med vanliga ord."),
    )
    sort_order = forms.IntegerField(label=gettext_lazy("Ordning"), min_value=0, max_value=999)
    is_active = forms.BooleanField(label=gettext_lazy("I bruk"), required=False, initial=True)


def _require_superuser(request: AuthedHttpRequest) -> None:
    if not request.user.is_superuser:
        raise Http404


def _page(
    request: AuthedHttpRequest, form: CategoryForm, editing: DataCategory | None = None
) -> HttpResponse:
    return render(
        request,
        "consent/categories.html",
        {"categories": DataCategory.objects.all(), "form": form, "editing": editing},
    )


def _save(request: AuthedHttpRequest, form: CategoryForm, category: DataCategory | None) -> bool:
    try:
        services.category_save(actor=request.user, category=category, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    messages.success(request, _("Kategorin är sparad."))
    return True


@login_required
def category_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_superuser(request)
    form = CategoryForm(request.POST or None, initial={"sort_order": 100})
    if request.method == "POST" and form.is_valid() and _save(request, form, None):
        return redirect("categories:list")
    return _page(request, form)


@login_required
def category_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    _require_superuser(request)
    category = DataCategory.objects.filter(slug=slug).first()
    if category is None:
        raise Http404
    initial = {
        "name": category.name,
        "description": category.description,
        "sort_order": category.sort_order,
        "is_active": category.is_active,
    }
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, category):
        return redirect("categories:list")
    return _page(request, form, category)
