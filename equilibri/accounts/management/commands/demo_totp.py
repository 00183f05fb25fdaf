import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from equilibri.core.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Prints the current two-factor code of the demo staff accounts (DEMO=1 only)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Only for demo instances (DEMO=1).")
        counter = int(time.time()) // 30
        remaining = 30 - int(time.time()) % 30
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {remaining} more seconds)")
