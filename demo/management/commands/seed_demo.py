"""Loads the fictional demo club that `make run` serves (built in demo/), and prints how to sign in to it."""

import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import club as demo
from demo.accounts import DemoAccounts
from demo.compliance import DemoCompliance
from demo.consents import DemoConsents
from demo.incidents import DemoIncidents
from demo.messages import DemoMessages
from people.models import User, club_today
from sefton_safety.exceptions import DomainError


class Command(BaseCommand):
    help = "Loads a fictional demo club (only with SEFTON_DEMO=true) and prints the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo club even though SEFTON_DEMO is not set."
        )

    def handle(self, *args, force=False, **options):
        if not (settings.DEMO_MODE or force):
            raise CommandError(
                "seed_demo loads fictional people into the register, so it only runs when SEFTON_DEMO=true "
                "(or with --force). Refusing to touch what may be a real club's database."
            )
        if User.objects.filter(email__iexact=demo.COMMITTEE_EMAIL).exists():
            self.stdout.write(f"The demo club is already loaded ({demo.COMMITTEE_EMAIL} exists): nothing changed.")
        else:
            try:
                with transaction.atomic():
                    club = demo.DemoClub(club_today())
                    club.build()
                    compliance = DemoCompliance(club)
                    compliance.phones()
                    consents = DemoConsents(club)
                    consents.build()
                    messages = DemoMessages(club, consents)
                    messages.build()
                    incidents = DemoIncidents(club)
                    incidents.build()
                    accounts = DemoAccounts(club)
                    accounts.build()
                    compliance.build()
            except DomainError as error:
                raise CommandError(f"The demo club could not be loaded, and nothing was written: {error}") from error
            self.stdout.write(self.style.SUCCESS(club.summary()))
            self.stdout.write(self.style.SUCCESS(consents.summary()))
            self.stdout.write(self.style.SUCCESS(messages.summary()))
            self.stdout.write(self.style.SUCCESS(incidents.summary()))
            self.stdout.write(self.style.SUCCESS(accounts.summary()))
            self.stdout.write(self.style.SUCCESS(compliance.summary()))
        self.print_logins()

    def print_logins(self):
        devices = {
            device.user.email: device
            for device in TOTPDevice.objects.filter(
                user__email__in=demo.TOTP_KEYS, name=demo.TOTP_DEVICE_NAME, confirmed=True
            ).select_related("user")
        }
        rows = []
        for login in demo.DEMO_LOGINS:
            if not login.password:
                how = "emailed sign-in link"
            elif login.email in devices:
                key = base64.b32encode(devices[login.email].bin_key).decode()
                how = f"password + authenticator, key {key}"
            else:
                how = "password"
            rows.append((login.email, login.description, how))
        email_width = max(len(row[0]) for row in rows)
        role_width = max(len(row[1]) for row in rows)
        line = "-" * 100
        write = self.stdout.write
        write(line)
        write(f"{settings.CLUB_NAME} demo: {settings.SITE_URL}{reverse('people:login')}")
        write(f'Staff password: {demo.DEMO_PASSWORD}   (every "password" account below)')
        write("")
        write(f"  {'Sign in as':<{email_width}}  {'Role':<{role_width}}  How")
        for email, description, how in rows:
            write(f"  {email:<{email_width}}  {description:<{role_width}}  {how}")
        write("")
        write("Current code for an authenticator account: make code EMAIL=committee@example.org")
        write(
            f"Parents: open {settings.SITE_URL}{reverse('people:link-request')}, enter {demo.PARENT_EMAIL}; "
            "the email with the link is printed in this terminal by the worker."
        )
        write(line)
