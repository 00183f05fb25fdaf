from pathlib import Path

from django.core.management.base import BaseCommand

from equilibri.catalogue.hsds.interchange import export_json, export_tabular


class Command(BaseCommand):
    help = (
        "Exports the published catalogue as Open Referral HSDS 3.0: one JSON document "
        "(--format json, the default) or a zipped Tabular Data Package (--format tabular)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write (.json or .zip).")
        parser.add_argument("--format", choices=["json", "tabular"], default=None)

    def handle(self, *args, **options):
        path = Path(options["path"])
        fmt = options["format"] or ("tabular" if path.suffix == ".zip" else "json")
        if fmt == "json":
            with path.open("w", encoding="utf-8") as out:
                count = export_json(out)
        else:
            with path.open("wb") as out_bytes:
                count = export_tabular(out_bytes)
        if options["verbosity"]:
            self.stdout.write(f"{count} servizi esportati in {path} ({fmt}).")
