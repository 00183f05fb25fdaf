from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from equilibri.core import demo


class Command(BaseCommand):
    help = "Loads the demo data from the source documents (idempotent). Needs DEMO=1."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="do not print the demo accounts"
        )

    def handle(self, *args, quiet_accounts: bool = False, **options):
        if not settings.DEMO:
            raise CommandError(
                "Demo accounts have public passwords: set DEMO=1 to load them, "
                "and never on a production instance."
            )
        with transaction.atomic():
            for _order, name, loader in demo.loaders():
                loader()
                self.stdout.write(f"Demo data: {name} loaded.")
        if not quiet_accounts:
            self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {demo.DEMO_PASSWORD})")
        for account in sorted(demo.accounts.values(), key=lambda a: (a.role, a.email)):
            mark = "  [2FA]" if account.two_factor else ""
            self.stdout.write(f"  {account.email:<42} {account.role:<36} {account.scope}{mark}")
        self.stdout.write(
            f"\nAccounts marked [2FA] ask for a code: add the secret {demo.DEMO_TOTP_SECRET} to an "
            "authenticator app, or print the current code with "
            "`.venv/bin/python -m equilibri demo_totp`."
        )
