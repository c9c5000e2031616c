from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Club register"
    default = True

    def ready(self):
        from . import signals  # noqa: F401


class CommitteeAdminConfig(admin_apps.AdminConfig):
    """The Django admin, opened to current committee members with a verified second factor."""

    default = False
    default_site = "people.admin_site.CommitteeAdminSite"
