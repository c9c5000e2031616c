"""The breached-password check for staff passwords, from lists shipped with the portal: no network."""

from functools import cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS


@cache
def breached_passwords():
    """zxcvbn's 30,000 most used passwords of a corpus of ten million from public breaches, with
    Django's own 20,000 (a different set of breaches): 40,101 distinct passwords, in lower case.
    Attackers try these first, on every account, so none of them protects a child's record."""
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(CommonPasswordValidator().passwords)


class BreachedPasswordValidator:
    """Refuses a password found in the breach lists, whatever its case or surrounding spaces."""

    def validate(self, password, user=None):
        if password.strip().lower() in breached_passwords():
            raise ValidationError(
                "This password appears in published lists of passwords stolen from other websites, which "
                "attackers try first. Choose another: three or four unrelated words work well.",
                code="password_breached",
            )

    def get_help_text(self):
        return "Your password cannot be one published in lists of passwords stolen from other websites."
