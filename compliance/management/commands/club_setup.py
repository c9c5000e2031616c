"""Prints the one-time address of a new club's set-up page (compliance.setup)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from compliance import setup


class Command(BaseCommand):
    help = "Print the address of the set-up page, while the register has no committee member."

    def handle(self, *args, **options):
        if not setup.setup_open():
            self.stdout.write("This club is already set up: its committee members sign in as usual.")
            return
        url = f"{settings.SITE_URL}{reverse('compliance:club-setup')}?token={setup.setup_token_make()}"
        self.stdout.write("Open this address to set up the club (it works for a day, and only until set-up is done):")
        self.stdout.write(self.style.SUCCESS(url))
