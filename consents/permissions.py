"""What each role may do with every consent record, added to the register's roles when the app loads."""

from people.models import Role
from people.roles import role_permissions

_READ = role_permissions(
    ("view",), ("consent", "consentround", "directcontactrequest", "acceptableuseagreement", "wording"), "consents"
)

ROLE_PERMISSIONS = {
    # The committee enters paper consent forms and publishes new wordings; nobody changes an answer.
    Role.Kind.COMMITTEE: _READ
    | {"consents.add_consent", "consents.add_wording", "consents.add_acceptableuseagreement"},
    Role.Kind.WELFARE_OFFICER: _READ,
    Role.Kind.DEPUTY_WELFARE_OFFICER: _READ,
}
