"""Sign-in, and the family, person and team pages."""

import base64
import time

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, credentials, services
from .exceptions import SignInLinkInvalid, SignInLinkNotForStaff
from .forms import OneTimeCodeForm, PasswordLinkRequestForm, SignInLinkRequestForm, StaffSignInForm
from .link_tokens import password_link_tokens
from .models import (
    FamilyMember,
    Person,
    Team,
)
from .roles import second_factor_required


def _safe_next(request, default="portal:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


# Sign-in --------------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "people/sign_in.html"
    authentication_form = StaffSignInForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def sign_in_link_request(request):
    form = SignInLinkRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        credentials.sign_in_link_request(email=form.cleaned_data["email"])
        return render(
            request,
            "people/sign_in_link_sent.html",
            {"email": form.cleaned_data["email"], "minutes": int(settings.SESAME_MAX_AGE.total_seconds() // 60)},
        )
    return render(request, "people/sign_in_link_request.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link_open(request):
    """GET only shows a button; the link is spent by the POST. Mail scanners that open every link
    in a message therefore cannot use up a guardian's single-use link."""
    token = request.POST.get("t") if request.method == "POST" else request.GET.get(settings.SESAME_TOKEN_NAME)
    try:
        user = credentials.sign_in_link_user(request=request, token=token, consume=request.method == "POST")
    except SignInLinkNotForStaff as error:
        return render(request, "people/sign_in_link_invalid.html", {"reason": str(error), "staff": True}, status=403)
    except SignInLinkInvalid as error:
        form = SignInLinkRequestForm()
        return render(request, "people/sign_in_link_invalid.html", {"reason": str(error), "form": form}, status=410)
    if request.method == "GET":
        return render(
            request, "people/sign_in_link_open.html", {"token": token, "person_user": user, "next": _safe_next(request)}
        )
    login(request, user, backend="sesame.backends.ModelBackend")
    return redirect(_safe_next(request))


def _code_refused_message(devices):
    # After each wrong code the authenticator is locked for a doubling pause (django-otp's
    # throttling), which turns guessing six digits into years of work.
    if any(not device.verify_is_allowed()[0] for device in devices):
        return (
            "That code was not accepted, and after a wrong code there is a short pause. "
            "Wait a few seconds, then enter the newest code."
        )
    return "That code does not match. Check the app shows this account, then enter the newest code."


# When the session last entered a code, and the authenticator its set-up page is showing.
SECOND_FACTOR_AT_KEY = "people_second_factor_at"
SETUP_DEVICE_KEY = "people_setup_device"
# Adding an authenticator to an account that has one needs a code entered this recently.
SECOND_FACTOR_FRESH_SECONDS = 5 * 60


def _second_factor_entered(request, device):
    django_otp.login(request, device)
    # A new session id at each step of the sign-in: an id seen before the code is worth nothing after.
    request.session.cycle_key()
    request.session[SECOND_FACTOR_AT_KEY] = time.time()


def _second_factor_fresh(request):
    entered_at = request.session.get(SECOND_FACTOR_AT_KEY)
    return (
        request.user.is_verified()
        and entered_at is not None
        and 0 <= time.time() - entered_at < SECOND_FACTOR_FRESH_SECONDS
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_device(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            _second_factor_entered(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _code_refused_message(list(devices_for_user(request.user, confirmed=True))))
    return render(request, "people/verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Sets up an authenticator: on an account with none yet, after the password; on one that has
    one, only straight after a code from it. The password alone never adds a second factor that
    would stand in for the one the account already has."""
    user = request.user
    another = user_has_device(user, confirmed=True)
    if another and not _second_factor_fresh(request):
        messages.info(request, "To add another authenticator app, first enter a code from the one you use now.")
        return redirect(f"{reverse('people:verify')}?next={reverse('people:two-factor-setup')}")
    device = credentials.second_factor_setup_device(
        user=user, pending_pk=request.session.get(SETUP_DEVICE_KEY), create=request.method == "GET"
    )
    if device is None:
        messages.info(request, "That key was replaced by a newer one. Scan this code instead.")
        return redirect("people:two-factor-setup")
    request.session[SETUP_DEVICE_KEY] = device.pk
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if credentials.second_factor_device_confirm(device=device, code=code, another_allowed=another):
            request.session.pop(SETUP_DEVICE_KEY, None)
            _second_factor_entered(request, device)
            messages.success(
                request, "Your authenticator app is set up. You will need a code from it each time you sign in."
            )
            return redirect(_safe_next(request))
        form.add_error("code", _code_refused_message([device]))
    qr_svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(
        encoding="unicode"
    )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "people/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": second_factor_required(user),
            "another": another,
            "devices": list(devices_for_user(user, confirmed=True)) if another else [],
            "next": _safe_next(request),
        },
    )


@login_required
@never_cache
@require_POST
def two_factor_remove(request):
    """Removes one of the account's authenticators, straight after a code, and never the last one of
    an account that must have one: with none left, the password alone could set up the next."""
    user = request.user
    if not _second_factor_fresh(request):
        messages.info(request, "To remove an authenticator app, first enter a code from one you use now.")
        return redirect(f"{reverse('people:verify')}?next={reverse('people:two-factor-setup')}")
    # A posted id that is not a number names no device (a 404), never a server error.
    posted = request.POST.get("device", "")
    device_pk = int(posted) if posted.isascii() and posted.isdigit() else None
    device = get_object_or_404(TOTPDevice, user=user, confirmed=True, pk=device_pk)
    others = [other for other in devices_for_user(user, confirmed=True) if other.persistent_id != device.persistent_id]
    if not others and second_factor_required(user):
        messages.error(request, "Your role needs an authenticator app. Add the new one first, then remove this one.")
        return redirect("people:two-factor-setup")
    credentials.second_factor_device_remove(device=device)
    messages.success(request, f"“{device.name}” is removed. You will get an email about the change.")
    return redirect("people:two-factor-setup" if others else "portal:home")


@require_http_methods(["GET", "POST"])
def password_link_request(request):
    form = PasswordLinkRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        credentials.password_link_request(email=form.cleaned_data["email"])
        return render(request, "people/password_link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "people/password_link_request.html", {"form": form})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Sets a staff password from an emailed link; the link dies once the password changes."""

    template_name = "people/password_set.html"
    token_generator = password_link_tokens
    success_url = reverse_lazy("people:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return super().form_valid(form)


# Pages ----------------------------------------------------------------------------------------


@login_required
def family_detail(request, pk):
    family = access.family_get_for_user(request.user, pk)
    members = family.members.select_related("person").prefetch_related("person__team_places__team")
    return render(
        request,
        "people/family_detail.html",
        {
            "family": family,
            "guardians": [m for m in members if m.kind == FamilyMember.Kind.GUARDIAN],
            "children": [m for m in members if m.kind == FamilyMember.Kind.CHILD],
        },
    )


@login_required
def person_detail(request, pk):
    try:
        person = access.person_get_for_user(request.user, pk, access.PERSON_FULL)
        full = True
    except access.PermissionDenied:
        person = access.person_get_for_user(request.user, pk, access.PERSON_BASIC)
        full = False
    return render(
        request,
        "people/person_detail.html",
        {
            "subject": person,
            "full": full,
            "teams": Team.objects.filter(team_players__person=person),
            "guardians": services.guardians_with_responsibility(person) if person.is_child() else [],
        },
    )


@login_required
def team_detail(request, pk):
    team = access.team_get_for_user(request.user, pk)
    players = Person.objects.filter(team_places__team=team).order_by("last_name", "first_name")
    staff = team.team_staff.select_related("person")
    return render(request, "people/team_detail.html", {"team": team, "players": players, "staff": staff})
