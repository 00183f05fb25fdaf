from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from equilibri.core.backup import BackupError, backup_to


class Command(BaseCommand):
    help = (
        "Writes one archive with the database (SQLite copy or pg_dump custom format), every "
        "uploaded file under MEDIA_ROOT and a manifest with their SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="archive to write, .tar or .tar.gz (default: var/backups/equilibri-<time>.tar.gz)",
        )

    def handle(self, *args, path: Path | None = None, **options):
        if path is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.VAR_DIR / "backups" / f"equilibri-{stamp}.tar.gz"
        try:
            written = backup_to(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {written}")
