"""The committee's admin site: open to current committee members who have entered their code."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from .models import Role
from .roles import holds_role


class CommitteeAdminSite(admin.AdminSite):
    site_title = "Sefton Safety"
    index_title = "Club register"

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
