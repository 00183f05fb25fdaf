from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from equilibri.core.backup import BackupError, restore_from


class Command(BaseCommand):
    help = (
        "Replaces the database and the uploaded files with a backup made by the backup command, "
        "after checking every file of the archive against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm: everything written or uploaded since the backup is lost",
        )

    def handle(self, *args, path: Path, yes: bool = False, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces every row written and every file uploaded since the backup. "
                "Stop the web server and worker, then run again with --yes."
            )
        try:
            restored = restore_from(path)
        except BackupError as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        if restored.manifest is None:
            self.stdout.write(
                f"Database restored from {path}, a database-only backup: "
                "the uploaded files were left as they are."
            )
        else:
            self.stdout.write(
                f"Database and {restored.media_files} uploaded files restored from {path} "
                f"(made {restored.manifest['created_at']})."
            )
        if restored.missing_migrations:
            self.stdout.write(
                "The restored database lacks migrations of this version: "
                "run `python -m equilibri migrate`."
            )
