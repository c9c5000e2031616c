"""What each role may do with every message and fixture, added to the register's roles when the app loads."""

from people.models import Role
from people.roles import role_permissions

_READ = role_permissions(("view",), ("message", "delivery", "deliverylogentry", "recordedtext"), "messaging")

ROLE_PERMISSIONS = {
    Role.Kind.COMMITTEE: _READ | role_permissions(("view", "add", "change"), ("fixture",), "messaging"),
    Role.Kind.WELFARE_OFFICER: _READ,
    Role.Kind.DEPUTY_WELFARE_OFFICER: _READ,
}
