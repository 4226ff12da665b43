"""Sign-in in two steps (password, then one-time code), enrolment and the account page."""

from __future__ import annotations

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts import services
from samsyn.accounts.forms import EnrolmentForm, LoginForm, OneTimeCodeForm
from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.models import Person


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else (another host, or a bare word that redirect()
    # would try to reverse as a view name) goes to the start page.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:start")


def _with_next(view_name: str, request: HttpRequest) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': _safe_next(request)})}"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return _with_next("accounts:verify", self.request)


@login_required
def verify(request: AuthedHttpRequest) -> HttpResponse:
    person = request.user
    if person.is_verified():
        return redirect(_safe_next(request))
    if not services.has_confirmed_totp(person=person):
        return redirect(_with_next("accounts:enrol", request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # Six digits go to the authenticator, anything else to the recovery codes, so that a
        # recovery code never counts as a failed TOTP attempt (which would throttle it).
        device: TOTPDevice | StaticDevice | None
        if token.isdigit() and len(token) == 6:
            device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
        else:
            device = StaticDevice.objects.filter(user=person, confirmed=True).first()
        allowed = device.verify_is_allowed()[0] if device else True
        if device is not None and device.verify_token(token):
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                audit_record(actor=person, action=Action.RECOVERY_CODE_USED, target=person)
                messages.warning(
                    request,
                    _(
                        "Du loggade in med en reservkod. Du har %(left)s kvar. "
                        "Skapa nya under Mitt konto."
                    )
                    % {"left": device.token_set.count()},
                )
            else:
                audit_record(actor=person, action=Action.SECOND_FACTOR_OK, target=person)
            return redirect(_safe_next(request))
        audit_record(actor=person, action=Action.SECOND_FACTOR_FAILED, target=person)
        if not allowed:
            form.add_error(
                "token",
                _(
                    "För många felaktiga koder i rad. Vänta några sekunder och skriv "
                    "sedan den kod som visas i appen."
                ),
            )
        else:
            form.add_error(
                "token",
                _(
                    "Koden stämmer inte. Skriv den kod som visas i appen just nu, "
                    "och kontrollera att telefonens klocka går rätt."
                ),
            )
    return render(request, "accounts/verify.html", {"form": form, "next": _safe_next(request)})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
def enrol(request: AuthedHttpRequest) -> HttpResponse:
    person = request.user
    if services.has_confirmed_totp(person=person):
        return redirect(_with_next("accounts:verify", request))
    device = services.totp_device_for_enrolment(person=person)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrolment_confirm(
            person=person,
            device=device,
            token=form.cleaned_data["token"],
        )
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request), "first_time": True},
            )
        form.add_error(
            "token",
            _("Koden stämmer inte. Skanna QR-koden igen eller skriv in nyckeln för hand."),
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            # The SVG is produced by qrcode from our own URI: it holds no user input.
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": _safe_next(request),
        },
    )


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    person = request.user
    recovery = StaticDevice.objects.filter(user=person).first()
    return render(
        request,
        "accounts/account.html",
        {
            "person": person,
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "totp_enrolled": services.has_confirmed_totp(person=person),
        },
    )


@login_required
@require_POST
def recovery_codes_new(request: AuthedHttpRequest) -> HttpResponse:
    codes = services.recovery_codes_replace(person=request.user, actor=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:account"), "first_time": False},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Du är utloggad."))
    return HttpResponseRedirect(reverse("accounts:login"))


@login_required
@require_POST
def logout_everywhere(request: AuthedHttpRequest) -> HttpResponse:
    services.sessions_end_everywhere(person=request.user, actor=request.user)
    logout(request)
    messages.info(request, _("Du är utloggad på alla enheter."))
    return HttpResponseRedirect(reverse("accounts:login"))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        person = self.request.user
        assert isinstance(person, Person)
        audit_record(
            actor=person,
            action=Action.UPDATE,
            target=person,
            detail={"fields": ["password"]},
        )
        messages.success(self.request, _("Ditt lösenord är bytt."))
        return response
