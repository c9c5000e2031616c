"""The development mail backend prints links a person can copy and open."""

import io

from django.core.mail import EmailMultiAlternatives

from sefton_safety.mail import ReadableConsoleBackend


def test_development_console_prints_the_sign_in_link_unencoded():
    stream = io.StringIO()
    url = "http://127.0.0.1:8000/sign-in/link/open/?t=" + "A" * 80
    message = EmailMultiAlternatives(
        subject="Your sign-in link", body=f"Open this link:\n\n{url}\n", to=["p@example.org"]
    )
    message.attach_alternative(f'<a href="{url}">Sign in</a>', "text/html")
    ReadableConsoleBackend(stream=stream, alias="default").send_messages([message])
    printed = stream.getvalue()
    assert url in printed
    assert "=3D" not in printed
    assert "To: p@example.org" in printed
