from django.core.management.base import BaseCommand

from equilibri.surveys import services


class Command(BaseCommand):
    help = (
        "Publishes the standard regional questionnaire, or a new version of it when the shipped "
        "content has changed (versions already answered stay as they are). Idempotent."
    )

    def handle(self, *args, **options):
        version, created = services.standard_questionnaire_load()
        if created:
            self.stdout.write(f"Pubblicata: {version} ({len(version.parsed.questions())} domande)")
        else:
            self.stdout.write(f"Già aggiornato: {version}")
