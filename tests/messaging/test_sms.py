"""The text-message interface: the recording backend keeps each text once; the Twilio backend
refuses clearly when it is not configured, so a delivery is never silently dropped."""

import pytest

from messaging.exceptions import MessagingError
from messaging.models import RecordedText
from messaging.sms import RecordingBackend, TwilioBackend


@pytest.mark.django_db
def test_msg9_the_recording_backend_keeps_a_text_once_per_idempotency_key():
    backend = RecordingBackend()
    first = backend.send(to="07700 900123", body="Training at 10", idempotency_key="k1")
    again = backend.send(to="07700 900123", body="Training at 10", idempotency_key="k1")
    assert first == again and RecordedText.objects.count() == 1


def test_msg9_an_unconfigured_provider_refuses_with_the_variables_to_set(settings):
    settings.SMS_TWILIO_ACCOUNT_SID = ""
    settings.SMS_TWILIO_AUTH_TOKEN = ""
    with pytest.raises(MessagingError, match="SMS_TWILIO_ACCOUNT_SID"):
        TwilioBackend()
