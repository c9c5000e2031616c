from django.apps import AppConfig
from django.core import checks


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        checks.register(check_office_hours, checks.Tags.compatibility)


def check_office_hours(app_configs=None, **kwargs):
    """A mistyped office-hours setting stops the portal at start-up, not the first night a message waits."""
    from django.conf import settings

    from .rules import OfficeHours

    try:
        OfficeHours.from_setting(settings.MESSAGING_OFFICE_HOURS)
    except ValueError as error:
        return [
            checks.Error(
                f"MESSAGING_OFFICE_HOURS: {error}",
                hint="Set OFFICE_HOURS_WEEKDAYS and OFFICE_HOURS_WEEKENDS like 09:00-20:00.",
                id="messaging.E001",
            )
        ]
    return []
