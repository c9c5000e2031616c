"""What each role may do with every compliance record, added to the register's roles when the app loads."""

from people.models import Role
from people.roles import role_permissions

ROLE_PERMISSIONS = {
    # VOL-1 to VOL-4: checks, phones and who holds them, and the policy's versions and acknowledgements.
    Role.Kind.COMMITTEE: role_permissions(
        ("view", "add", "change"), ("criminalrecordscheck", "clubphone", "phoneholding"), "compliance"
    )
    | role_permissions(("view",), ("policyversion", "policyacknowledgement"), "compliance"),
}
