"""What the committee may read of the register's imports and exports, added to its role when the app loads."""

from people.models import Role
from people.roles import role_permissions

ROLE_PERMISSIONS = {
    # Who imported and exported the register, and when.
    Role.Kind.COMMITTEE: role_permissions(("view",), ("registerimport", "exportlogentry"), "spreadsheets"),
}
