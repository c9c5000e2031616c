"""Prints the current authenticator code of a demo account, so the demo needs no phone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.models import User


class Command(BaseCommand):
    help = "Prints the current six-digit code of a demo account's authenticator (only with SEFTON_DEMO=true)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The account's sign-in email, for example committee@example.org.")

    def handle(self, *args, email, **options):
        # Printing codes from the server turns the second factor into a second copy of the first,
        # so this never runs outside the demo, whatever flag is given.
        if not settings.DEMO_MODE:
            raise CommandError(
                "demo_totp only runs when SEFTON_DEMO=true: a real account's code never leaves its owner's device."
            )
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account signs in with {email}. The demo accounts are listed by seed_demo.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{user.email} has no confirmed authenticator, so there is no code to show.")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
