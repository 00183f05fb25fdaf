"""The standard regional questionnaire, published as the default of every installation.

Why a data migration (and the `load_standard_questionnaire` command, which does the same): a new
installation offers the questionnaire at once, demo data or not. `install_standard` uses only the
managers, so it runs with the historical models; later changes to the shipped content become new
versions through the command."""

from django.db import migrations


def install(apps, schema_editor):
    from equilibri.surveys.services.questionnaires import install_standard

    install_standard(
        apps.get_model("surveys", "Questionnaire"), apps.get_model("surveys", "QuestionnaireVersion")
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
