"""Development mail backend: prints each message as a person reads it, not as encoded MIME.

Django's console backend prints the raw message, where quoted-printable turns `?t=` into `?t=3D`
and breaks long links, so a sign-in link copied from the terminal would not work.
"""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
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
