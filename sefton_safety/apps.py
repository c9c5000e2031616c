from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SeftonSafetyConfig(AppConfig):
    """The shared kernel as an app: its commands, its post-migrate hook, the club's settings."""

    name = "sefton_safety"
    verbose_name = "Sefton Safety"

    def ready(self):
        from celery.signals import task_prerun
        from django.test.signals import setting_changed

        from .club import club_forget_on_setting_changed, club_time_zone_activate
        from .database_roles import grant_after_migrate
        from .retention import store_after_migrate

        post_migrate.connect(grant_after_migrate)
        post_migrate.connect(store_after_migrate)
        setting_changed.connect(club_forget_on_setting_changed)
        # The worker's tasks run in club time too.
        task_prerun.connect(club_time_zone_activate, weak=False)
