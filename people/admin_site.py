"""The committee's admin site: open to current committee members who have entered their code."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from sefton_safety.club import club

from .models import Role
from .roles import holds_role
from .selectors import person_for_user

# The libraries' own apps, named in the club's words on the admin's index and its sidebar.
APP_NAMES = {
    "auth": "Groups (unused: roles say who may do what)",
    "axes": "Sign-in attempts and lockouts",
    "otp_totp": "Authenticator apps",
}

# Every change made in the admin records the person who made it; a superuser made at the command
# line has no person in the register, so their change is refused rather than left unsigned.
NO_REGISTER_RECORD = (
    "Nothing was changed: your sign-in account has no person in the club's register, and every change "
    "here records who made it. Sign in as a committee member to make it."
)


def admin_person(request):
    """The person in the register behind an admin change, or None once the signed-in account has
    been told that nothing was changed."""
    person = person_for_user(request.user)
    if person is None:
        messages.error(request, NO_REGISTER_RECORD)
    return person


class SignedChangeMixin:
    """For a model admin whose every save records the person who made it: a post from an account
    with no person in the register is refused before anything is saved, so no change is half made."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and admin_person(request) is None:
            return redirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)


class CommitteeAdminSite(admin.AdminSite):
    site_title = "Sefton Safety"
    index_title = "Club administration"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
        return apps

    def each_context(self, request):
        # The club's name as the committee last set it, not as it was when the process started.
        return {**super().each_context(request), "site_header": f"{club().name}: committee administration"}

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        if not user.is_verified():
            return False
        return user.is_superuser or holds_role(user, Role.Kind.COMMITTEE)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole portal, with lockout and the second factor.
        if request.user.is_authenticated:
            return redirect("portal:home")
        return redirect_to_login(request.GET.get("next", request.path), "people:login")
