"""Values every page needs: the club's name and colour, demo mode, the signed-in person's roles and menu."""

from functools import partial

from django.conf import settings

from people.roles import current_role_kinds
from sefton_safety.club import club_for_display

from .navigation import menu_for


def club(request):
    user = getattr(request, "user", None)
    current = club_for_display()
    return {
        "club_name": current.name,
        "club_colour": current.colour,
        "club_emergency_phone": current.emergency_phone,
        "demo_mode": settings.DEMO_MODE,
        "role_kinds": current_role_kinds(user) if user is not None else frozenset(),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60,
        # Read only by a page that draws the menu: the template calls it.
        "menu": partial(menu_for, request),
    }
