from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from equilibri.core.backup import BackupError, restore_from


class Command(BaseCommand):
    help = "Replaces the whole database with a backup made by the backup command."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm: everything written since the backup is lost",
        )

    def handle(self, *args, path: Path, yes: bool = False, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces every row written since the backup. "
                "Stop the web server and worker, then run again with --yes."
            )
        try:
            restore_from(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Database restored from {path}")
