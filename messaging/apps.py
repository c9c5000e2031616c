from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .office_hours import OfficeHours


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messages and fixtures"

    def ready(self):
        # The permissions name the register's roles, whose models exist only once the registry is ready.
        from people.roles import role_permissions_declare

        from .permissions import ROLE_PERMISSIONS

        role_permissions_declare(ROLE_PERMISSIONS)
        checks.register(check_office_hours, checks.Tags.compatibility)
        checks.register(check_routing_choices, checks.Tags.compatibility)


def check_office_hours(app_configs=None, **kwargs):
    """A mistyped office-hours setting stops the portal at start-up, not the first night a message waits."""
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


ROUTING_CHOICES = {
    "MESSAGING_TEXT_COPIES_TO": ("TEXT_COPIES_TO", ("lead_welfare_officer", "deputies", "guardians")),
    "MESSAGING_ADULT_REPLIES_TO": ("ADULT_REPLIES_TO", ("author", "welfare_officers")),
}


def check_routing_choices(app_configs=None, **kwargs):
    """Whom text copies and adults' replies go to (MSG-2, MSG-8): a mistyped choice stops the portal
    at start-up rather than sending a child's copy or a parent's words to the wrong person."""
    errors = []
    for setting, (variable, choices) in ROUTING_CHOICES.items():
        value = getattr(settings, setting)
        if value not in choices:
            errors.append(
                checks.Error(
                    f"{variable} is {value!r}.",
                    hint=f"Set {variable} to one of: {', '.join(choices)}.",
                    id="messaging.E002",
                )
            )
    return errors
