"""The regional eligible areas for actions (DGR 2398/2019): reference data, managed afterwards
by ATS operators."""

from django.db import migrations

CATEGORIES = [
    ("caregiver", "Sostegno ai caregiver di anziani e persone con disabilità"),
    ("pre-post-scuola", "Pre e post scuola, periodi di chiusura scolastica e centri estivi"),
    ("salvatempo", "Servizi salvatempo"),
    ("tempo-libero-minori", "Tempo libero dei minori"),
    ("tempi-commercio-artigianato", "Tempi per commercio e artigianato"),
    ("lavoro-flessibile", "Lavoro flessibile, smart working e coworking"),
    ("welfare-pmi", "Formazione e consulenza alle PMI sul welfare aziendale"),
    ("voucher", "Voucher e contributi"),
    ("comunicazione", "Comunicazione e sensibilizzazione"),
    ("azioni-di-rete", "Azioni di rete e di sistema"),
    ("prima-infanzia", "Servizi per la prima infanzia"),
    ("assistenza-ospedaliera", "Assistenza ospedaliera diurna e notturna"),
]


def add(apps, schema_editor):
    ActionCategory = apps.get_model("plans", "ActionCategory")
    for order, (slug, name) in enumerate(CATEGORIES):
        ActionCategory.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
