"""Sending text messages: one interface, a real provider and a development backend.

`SMS_BACKEND` names the class. The Twilio backend calls Twilio's REST API over HTTPS; the
recording backend keeps each text in the database (RecordedText), for development and tests,
where no provider can be reached.
"""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .exceptions import MessagingError, TemporaryDeliveryFailure
from .models import RecordedText


class SmsBackend:
    def send(self, *, to, body, idempotency_key):
        """Sends one text and returns the provider's reference for it."""
        raise NotImplementedError


class RecordingBackend(SmsBackend):
    def send(self, *, to, body, idempotency_key):
        text, _ = RecordedText.objects.get_or_create(idempotency_key=idempotency_key, defaults={"to": to, "body": body})
        return f"recorded-{text.pk}"


class TwilioBackend(SmsBackend):
    """Twilio's Messages API. Failures a retry can cure (no connection, 429, 5xx) raise
    TemporaryDeliveryFailure; a refused request (4xx) or a lost answer raises MessagingError and is
    not retried, so a text is never sent twice."""

    endpoint = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def __init__(self, *, account_sid=None, auth_token=None, sender=None, timeout=15):
        self.account_sid = account_sid or settings.SMS_TWILIO_ACCOUNT_SID
        self.auth_token = auth_token or settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = sender or settings.SMS_SENDER
        self.timeout = timeout
        if not (self.account_sid and self.auth_token):
            # Refused loudly: the delivery is marked not delivered, for a person to see.
            raise MessagingError("Texts cannot be sent: SMS_TWILIO_ACCOUNT_SID and SMS_TWILIO_AUTH_TOKEN are not set.")

    def send(self, *, to, body, idempotency_key):
        data = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": body}).encode()
        url = self.endpoint.format(sid=self.account_sid)
        request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (fixed https URL)
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (fixed https URL)
                return json.loads(response.read())["sid"]
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise TemporaryDeliveryFailure(f"The text provider answered {error.code}; trying again.") from error
            raise MessagingError(f"The text provider refused the message ({error.code}).") from error
        except TimeoutError as error:
            # The provider may have taken the text before the answer was lost: never guess, never send
            # twice. The delivery goes in front of a person to check.
            raise MessagingError(
                "The text provider did not answer in time; the text may or may not have gone."
            ) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise MessagingError(
                    "The text provider did not answer in time; the text may or may not have gone."
                ) from error
            raise TemporaryDeliveryFailure(f"The text provider could not be reached: {error.reason}") from error


def get_backend():
    return import_string(settings.SMS_BACKEND)()
