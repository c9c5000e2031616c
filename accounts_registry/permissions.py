"""What each role may do with every club account record, added to the register's roles when the app loads."""

from people.models import Role
from people.roles import role_permissions

ROLE_PERMISSIONS = {
    # The committee keeps the register of club accounts (ACC-1 to ACC-4).
    Role.Kind.COMMITTEE: role_permissions(
        ("view", "add", "change"), ("clubaccount", "custodian", "accountreview", "appointment"), "accounts_registry"
    )
    | role_permissions(("view", "change"), ("passwordrotation",), "accounts_registry")
    | role_permissions(("view",), ("moderationrecord", "advicerequest"), "accounts_registry"),
}
