from django.apps import AppConfig

from people import contact_consent


class ConsentsConfig(AppConfig):
    name = "consents"

    def ready(self):
        # The selectors read models, which exist only once the registry is ready.
        from .selectors import contact_consent_given

        contact_consent.source_register(contact_consent_given)
