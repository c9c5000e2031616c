from django.apps import AppConfig


class AccountsRegistryConfig(AppConfig):
    name = "accounts_registry"
    verbose_name = "Social media accounts"

    def ready(self):
        # The permissions name the register's roles, whose models exist only once the registry is ready.
        from people.roles import role_permissions_declare

        from .permissions import ROLE_PERMISSIONS

        role_permissions_declare(ROLE_PERMISSIONS)
