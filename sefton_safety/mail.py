"""Mail for the whole portal: the one way a templated email is sent (under the club's name), the
SMTP backend that tells a refused message from one whose fate is unknown and marks a refused
address as failing (as a delivery report sent back later does), the one retry policy of the tasks
that send mail, and the development console backend.

Once the whole message has been handed to the mail server, a lost answer says nothing about whether
it was delivered: sending it again could deliver it twice (MSG-9). Before that point, any failure
means it was not delivered and may be tried again.
"""

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.db import DatabaseError, transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from . import bounces
from .club import club, club_sender
from .models import FailingAddress

# RFC 5321 section 4.5.3.2: a client waits up to 10 minutes for the reply to the end of the data.
FINAL_REPLY_TIMEOUT = 600


def email_send(*, template, to, subject, context, reply_to=()):
    """Sends templates/emails/<template>.txt, with its .html twin when there is one, to one address,
    from the club's name; `reply_to` where an answer should reach a person (the families' notices
    give the welfare officer's, people.selectors.welfare_reply_to)."""
    context = {"club_name": club().name, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=club_sender(),
        to=[to],
        reply_to=list(reply_to),
    )
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


class TemporarySendFailure(Exception):
    """A provider or server failed in a way worth trying again later."""


class MailRejected(smtplib.SMTPException):
    """The mail server refused the message for good (a 5xx reply): trying again cannot help."""

    def __init__(self, code, words):
        self.smtp_code, self.words = code, words
        super().__init__(f"The mail server refused it: {code} {words}")


class MailOutcomeUnknown(smtplib.SMTPException):
    """The server had the whole message but its answer never came: it may have been delivered."""

    def __init__(self, error):
        super().__init__(f"The mail server took the message but did not answer ({error}): it may have arrived.")


def _words(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class _HandOverTracking:
    """smtplib's DATA, noting the moment the message is handed over and waiting longer after it."""

    handed_over = False
    final_reply_timeout = FINAL_REPLY_TIMEOUT

    def data(self, msg):
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        quoted = smtplib._quote_periods(msg)
        if quoted[-2:] != smtplib.bCRLF:
            quoted += smtplib.bCRLF
        # From the first byte of the message on, a failure may follow a delivery.
        self.handed_over = True
        if self.sock is not None:
            self.sock.settimeout(self.final_reply_timeout)
        self.send(quoted + b"." + smtplib.bCRLF)
        return self.getreply()


class _SMTP(_HandOverTracking, smtplib.SMTP):
    pass


class _SMTPSSL(_HandOverTracking, smtplib.SMTP_SSL):
    pass


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend, one message per connection, whose failures say what they mean:
    MailRejected for a 5xx, MailOutcomeUnknown once the message was handed over, and any other
    SMTPException or OSError for a failure before that, which is safe to retry.

    `timeout` bounds each command's reply; `final_reply_timeout` the reply to the message itself."""

    def __init__(self, *args, final_reply_timeout=FINAL_REPLY_TIMEOUT, **kwargs):
        super().__init__(*args, **kwargs)
        self.final_reply_timeout = final_reply_timeout

    @property
    def connection_class(self):
        final_reply_timeout = self.final_reply_timeout
        base = _SMTPSSL if self.use_ssl else _SMTP

        class Connection(base):
            pass

        Connection.final_reply_timeout = final_reply_timeout
        return Connection

    def _close_connection(self, connection):
        # The outcome is settled before QUIT: a server slow to say goodbye changes nothing.
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            for address, (code, reply) in error.recipients.items():
                if 500 <= code < 600:
                    failing_address_record(address=address, reason=f"{code} {_words(reply)}")
            if codes and all(500 <= code < 600 for code in codes):
                words = "; ".join(
                    f"{address}: {code} {_words(reply)}" for address, (code, reply) in error.recipients.items()
                )
                raise MailRejected(codes[0], words) from error
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise MailRejected(error.smtp_code, _words(error.smtp_error)) from error
            raise
        except Exception as error:
            if getattr(self.connection, "handed_over", False):
                raise MailOutcomeUnknown(error) from error
            raise


def failing_address_record(*, address, reason, report=""):
    """A hard bounce: the address is marked as failing (sefton_safety.models.FailingAddress), whichever
    message found it out. `report` names the delivery report that said so, when one did: the same
    report again (a mail service posting it twice) changes nothing."""
    now = timezone.now()
    address = address.lower()
    with transaction.atomic():
        rows = FailingAddress.objects.filter(address=address)
        if report:
            rows = rows.exclude(last_report=report)
        # FailingAddress keeps no history: the relay's latest words and the count are the record.
        updated = rows.update(reason=reason[:500], last_failed_at=now, failures=F("failures") + 1, last_report=report)
        if not updated:
            FailingAddress.objects.get_or_create(
                address=address, defaults={"reason": reason[:500], "last_failed_at": now, "last_report": report}
            )


def delivery_report_receive(*, raw):
    """A delivery report the relay sent back after accepting a message (`raw`, the whole email as
    bytes): each address it says failed for good is marked as failing, as a refusal at the time of
    sending would have. Returns those bounces; a delay, or a message that is no report, marks none."""
    found = bounces.hard_bounces(raw)
    report = bounces.report_reference(raw)
    for bounce in found:
        failing_address_record(address=bounce.address, reason=bounce.reason, report=report)
    return found


# The one retry policy of the tasks that send mail: a passing failure of the mail server, the
# network or the database is tried again with growing pauses (5 s, 10 s, ... at most 5 minutes),
# then given up loudly; a refusal or an unknown outcome is never tried again automatically.
RETRY_BACKOFF = 5
RETRY_BACKOFF_MAX = 300
MAX_RETRIES = 6
RETRYABLE = (smtplib.SMTPException, OSError, DatabaseError, TemporarySendFailure)
NEVER_RETRIED = (MailRejected, MailOutcomeUnknown)
SEND_TASK_RETRY = {
    "autoretry_for": RETRYABLE,
    "dont_autoretry_for": NEVER_RETRIED,
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}


def send_time_limit():
    """Seconds one send may take at most: each command's reply, then the final one. A send task's
    time limit is this, and a send is taken for stuck only after it."""
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {})
    timeout = options.get("timeout") or 20
    return 6 * timeout + options.get("final_reply_timeout", FINAL_REPLY_TIMEOUT) + 30


def retry_countdown(retries):
    """The pause before retry number `retries + 1`, as SEND_TASK_RETRY would make it (no jitter)."""
    return min(RETRY_BACKOFF_MAX, RETRY_BACKOFF * 2**retries)


class ReadableConsoleBackend(ConsoleEmailBackend):
    """Development: prints each message as a person reads it, not as encoded MIME.

    Django's console backend prints the raw message, where quoted-printable turns `?t=` into `?t=3D`
    and breaks long links, so a sign-in link copied from the terminal would not work."""

    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            *([f"Cc: {', '.join(message.cc)}"] if message.cc else []),
            f"Subject: {message.subject}",
            "",
            message.body,
        ]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
