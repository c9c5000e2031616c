"""The committee's admin site: open to current committee members who have entered their code."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from sefton_safety.club import club

from .models import Role
from .roles import holds_role

# The libraries' own apps, named in the club's words on the admin's index and its sidebar.
APP_NAMES = {
    "auth": "Groups (unused: roles say who may do what)",
    "axes": "Sign-in attempts and lockouts",
    "otp_totp": "Authenticator apps",
}


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
