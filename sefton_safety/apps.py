from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SeftonSafetyConfig(AppConfig):
    """The shared kernel as an app, for its commands and its post-migrate hook."""

    name = "sefton_safety"
    verbose_name = "Sefton Safety"

    def ready(self):
        from .database_roles import grant_after_migrate
        from .retention import store_after_migrate

        post_migrate.connect(grant_after_migrate)
        post_migrate.connect(store_after_migrate)
