from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from equilibri.core.backup import BackupError, backup_to


class Command(BaseCommand):
    help = "Writes a consistent backup of the database (SQLite file or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="file to write (default: var/backups/equilibri-<time>.<ext>)",
        )

    def handle(self, *args, path: Path | None = None, **options):
        if path is None:
            ext = "sqlite3" if connection.vendor == "sqlite" else "dump"
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.VAR_DIR / "backups" / f"equilibri-{stamp}.{ext}"
        try:
            written = backup_to(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {written}")
