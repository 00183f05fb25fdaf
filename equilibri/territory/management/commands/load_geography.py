from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from equilibri.territory.services import ATS_CSV, COMUNI_CSV, GeographyError, geography_load


class Command(BaseCommand):
    help = "Loads Lombardy, its 8 ATS and 1,502 comuni from the reference CSV files (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--comuni", type=Path, default=COMUNI_CSV)
        parser.add_argument("--ats", type=Path, default=ATS_CSV)

    def handle(self, *args, comuni: Path, ats: Path, **options):
        try:
            result = geography_load(comuni, ats)
        except GeographyError as exc:
            raise CommandError(f"{exc}. Nothing was written.") from exc
        self.stdout.write(
            f"Geography: {result.created} comuni created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
