"""What each role may do across the whole register, and the current roles of a signed-in user.

Object-level grants (a guardian's own family, one case) come from django-guardian; these are the
grants a role carries for every object of a type.
"""

from .models import SECOND_FACTOR_ROLE_KINDS, STAFF_ROLE_KINDS, Role

_REGISTER_MODELS = ("person", "family", "familymember", "role", "team", "teamplayer", "teamstaff")


def _perms(actions, models, app="people"):
    return {f"{app}.{action}_{model}" for action in actions for model in models}


# The committee runs the register; nothing in it is deleted (roles are revoked, accounts disabled),
# except the link rows of families and teams, whose history is kept.
_COMMITTEE = (
    _perms(("view", "add", "change"), _REGISTER_MODELS)
    | _perms(("delete",), ("familymember", "teamplayer", "teamstaff"))
    | {"people.view_user", "people.change_user", "people.view_person_basic"}
)
# Welfare officers read everyone's record: they act on concerns about any child.
_WELFARE = _perms(("view",), _REGISTER_MODELS) | {"people.view_person_basic"}

_CONSENTS = _perms(
    ("view",), ("consent", "consentround", "directcontactrequest", "acceptableuseagreement", "wording"), "consents"
)
# The committee enters paper consent forms and publishes new wordings; nobody changes an answer.
_COMMITTEE |= _CONSENTS | {"consents.add_consent", "consents.add_wording", "consents.add_acceptableuseagreement"}
_WELFARE |= _CONSENTS
_MESSAGES = _perms(("view",), ("message", "delivery", "deliverylogentry", "recordedtext"), "messaging")
_COMMITTEE |= _MESSAGES | _perms(("view", "add", "change"), ("fixture",), "messaging")
_WELFARE |= _MESSAGES

# The committee keeps the register of club accounts and the training records (ACC-1 to ACC-4).
_COMMITTEE |= _perms(
    ("view", "add", "change"), ("clubaccount", "custodian", "accountreview", "appointment"), "accounts_registry"
)
_COMMITTEE |= _perms(("view", "change"), ("passwordrotation",), "accounts_registry")
_COMMITTEE |= _perms(("view",), ("moderationrecord", "advicerequest"), "accounts_registry")
_COMMITTEE |= _perms(("view", "add", "change"), ("trainingrecord",))

# VOL-1 to VOL-4: checks, phones and who holds them, and the policy's versions and acknowledgements.
_COMMITTEE |= _perms(("view", "add", "change"), ("criminalrecordscheck", "clubphone", "phoneholding"), "compliance")
_COMMITTEE |= _perms(("view",), ("policyversion", "policyacknowledgement"), "compliance")
# Who imported and exported the register, and when.
_COMMITTEE |= _perms(("view",), ("registerimport", "exportlogentry"), "spreadsheets")

ROLE_PERMISSIONS = {
    Role.Kind.COMMITTEE: frozenset(_COMMITTEE),
    Role.Kind.WELFARE_OFFICER: frozenset(_WELFARE),
    Role.Kind.DEPUTY_WELFARE_OFFICER: frozenset(_WELFARE),
}


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
