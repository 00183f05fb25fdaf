import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from equilibri.catalogue.hsds.interchange import import_hsds
from equilibri.core.identifiers import normalise_email


class Command(BaseCommand):
    help = (
        "Imports Open Referral HSDS 3.0 services (JSON, a zipped Tabular Data Package or a folder "
        "of CSV files). Everything is validated first; all or nothing is written; re-importing "
        "the same file changes nothing. --by names the ATS operator (or superuser) responsible."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--by", required=True, help="E-mail of the importing staff user.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count only.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Import what is valid and report each record left out (default: all or nothing).",
        )
        parser.add_argument("--report", help="Also write the report as JSON to this file.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} non esiste.")
        user = get_user_model().objects.filter(email=normalise_email(options["by"])).first()
        if user is None:
            raise CommandError(f"Nessun utente con e-mail {options['by']}.")
        report = import_hsds(path, by=user, dry_run=options["dry_run"], partial=options["partial"])
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        for issue in report.errors:
            self.stderr.write(str(issue))
        for issue in report.refused:
            self.stderr.write(f"{issue} (non importato)")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
