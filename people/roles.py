"""What each role may do across the whole register, and the current roles of a signed-in user.

Object-level grants (a guardian's own family, one case) come from django-guardian; these are the
grants a role carries for every object of a type.
"""

from .models import SECOND_FACTOR_ROLE_KINDS, STAFF_ROLE_KINDS, Role

_REGISTER_MODELS = ("person", "family", "familymember", "role", "team", "teamplayer", "teamstaff")


def role_permissions(actions, models, app):
    """Codenames such as `people.view_family`: each action on each model of one app."""
    return {f"{app}.{action}_{model}" for action in actions for model in models}


# The committee runs the register; nothing in it is deleted (roles are revoked, accounts disabled),
# except the link rows of families and teams, whose history is kept. It keeps the training records
# too (ACC-1 to ACC-4, VOL-2).
_COMMITTEE = (
    role_permissions(("view", "add", "change"), _REGISTER_MODELS + ("trainingrecord",), "people")
    | role_permissions(("delete",), ("familymember", "teamplayer", "teamstaff"), "people")
    | {"people.view_user", "people.change_user", "people.view_person_basic"}
)
# Welfare officers read everyone's record: they act on concerns about any child.
_WELFARE = role_permissions(("view",), _REGISTER_MODELS, "people") | {"people.view_person_basic"}

# Each app above the register adds what the roles may do with its own models when it loads
# (role_permissions_declare, from its AppConfig.ready), so this module names no other app's models.
ROLE_PERMISSIONS = {
    Role.Kind.COMMITTEE: frozenset(_COMMITTEE),
    Role.Kind.WELFARE_OFFICER: frozenset(_WELFARE),
    Role.Kind.DEPUTY_WELFARE_OFFICER: frozenset(_WELFARE),
}


def role_permissions_declare(grants):
    """Adds an app's {role kind: permission codenames} to what each role carries."""
    for kind, granted in grants.items():
        ROLE_PERMISSIONS[kind] = ROLE_PERMISSIONS.get(kind, frozenset()) | frozenset(granted)


def current_roles(user):
    """The user's current Role rows, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_current_roles_cache", None)
    if cached is None:
        cached = list(Role.objects.current().filter(person__user=user).order_by("kind"))
        user._current_roles_cache = cached
    return cached


def current_role_kinds(user):
    return frozenset(role.kind for role in current_roles(user))


def holds_role(user, *kinds):
    return bool(current_role_kinds(user) & set(kinds))


def is_staff_member(user):
    return user.is_superuser or bool(current_role_kinds(user) & STAFF_ROLE_KINDS)


def second_factor_required(user):
    """Committee members, welfare officers and superusers cannot work without a second factor."""
    return user.is_superuser or bool(current_role_kinds(user) & SECOND_FACTOR_ROLE_KINDS)


def permissions_for_role_kinds(kinds):
    granted = set()
    for kind in kinds:
        granted |= ROLE_PERMISSIONS.get(kind, frozenset())
    return granted
