"""Values every page needs: the club's name, demo mode, and the signed-in person's roles."""

from django.conf import settings

from people.roles import current_role_kinds


def club(request):
    user = getattr(request, "user", None)
    return {
        "club_name": settings.CLUB_NAME,
        "demo_mode": settings.DEMO_MODE,
        "role_kinds": current_role_kinds(user) if user is not None else frozenset(),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60,
    }
