from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Policy and compliance"

    def ready(self):
        # The permissions name the register's roles, whose models exist only once the registry is ready.
        from people.roles import role_permissions_declare

        from .permissions import ROLE_PERMISSIONS

        role_permissions_declare(ROLE_PERMISSIONS)
