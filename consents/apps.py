from django.apps import AppConfig

from people import contact_consent


class ConsentsConfig(AppConfig):
    name = "consents"
    verbose_name = "Consents and agreements"

    def ready(self):
        # The selectors and permissions read the register's models, which exist only once the
        # registry is ready.
        from people.roles import role_permissions_declare

        from .permissions import ROLE_PERMISSIONS
        from .selectors import contact_consent_given

        contact_consent.source_register(contact_consent_given)
        role_permissions_declare(ROLE_PERMISSIONS)
