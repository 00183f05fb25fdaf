"""The catalogue's additions to 0001, in one step:

- the moderation note of a service;
- the conciliazione taxonomy: the 9 top-level categories of `categories.py` (same codes) and
  their sub-terms; HSDS ids are deterministic (uuid5), the same on every installation;
- the full-text index, per database vendor (see services/search.py). SQLite: the FTS5 table
  `services_fts` (rowid = service id; stemmed, accent-folded text written by search.py).
  PostgreSQL: `services_search` with a `tsvector` built with the `italian` configuration over
  unaccent(), and its GIN index (no foreign key: test flushes truncate the Django tables alone;
  rows of deleted services are removed by search.py and never match a join).
"""

import uuid

from django.db import migrations, models

NAMESPACE = uuid.UUID("6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10")

TAXONOMY = (
    "Conciliazione vita-lavoro",
    "Servizi di conciliazione dei tempi di vita e di lavoro delle reti territoriali delle ATS "
    "lombarde.",
)

# (code, name, parent code or None, description)
TERMS = [
    ("prima-infanzia", "Prima infanzia 0-3 anni", None, "Servizi per bambini da 0 a 3 anni."),
    ("nidi", "Asili nido", "prima-infanzia", ""),
    ("micronidi", "Micronidi", "prima-infanzia", ""),
    ("spazio-gioco", "Spazi gioco e centri per la prima infanzia", "prima-infanzia", ""),
    ("pre-post-scuola", "Pre e post scuola", None, "Accoglienza prima e dopo l'orario scolastico."),
    ("pre-scuola", "Pre-scuola", "pre-post-scuola", ""),
    ("post-scuola", "Post-scuola e doposcuola", "pre-post-scuola", ""),
    ("centri-estivi", "Centri estivi", None, "Centri estivi e attività nei periodi di vacanza."),
    ("centri-vacanza", "Centri nelle vacanze scolastiche", "centri-estivi", ""),
    (
        "assistenza-domiciliare",
        "Assistenza a domicilio per anziani e disabili",
        None,
        "Assistenza domiciliare, badanti e aiuto ai familiari che curano.",
    ),
    ("assistenza-anziani", "Assistenza domiciliare anziani", "assistenza-domiciliare", ""),
    ("assistenza-disabili", "Assistenza domiciliare disabili", "assistenza-domiciliare", ""),
    (
        "assistenza-ospedaliera",
        "Assistenza in ospedale, di giorno e di notte",
        None,
        "Assistenza ai familiari ricoverati.",
    ),
    (
        "assistenza-ospedaliera-diurna",
        "Assistenza ospedaliera diurna",
        "assistenza-ospedaliera",
        "",
    ),
    (
        "assistenza-ospedaliera-notturna",
        "Assistenza ospedaliera notturna",
        "assistenza-ospedaliera",
        "",
    ),
    ("salvatempo", "Servizi salvatempo", None, "Servizi che fanno risparmiare tempo."),
    ("stiro-sociale", "Stireria sociale", "salvatempo", ""),
    ("maggiordomo-aziendale", "Maggiordomo aziendale", "salvatempo", ""),
    ("commissioni", "Disbrigo commissioni", "salvatempo", ""),
    ("coworking", "Coworking e lavoro agile", None, "Spazi di lavoro condivisi."),
    ("postazioni-coworking", "Postazioni di coworking", "coworking", ""),
    (
        "welfare-aziendale",
        "Welfare e smart working per le imprese",
        None,
        "Consulenza alle imprese su welfare aziendale e lavoro agile.",
    ),
    ("consulenza-welfare", "Consulenza sul welfare aziendale", "welfare-aziendale", ""),
    ("consulenza-smart-working", "Consulenza sullo smart working", "welfare-aziendale", ""),
    ("sportelli", "Sportelli e consulenza", None, "Sportelli di orientamento e consulenza."),
    ("sportelli-conciliazione", "Sportelli conciliazione", "sportelli", ""),
    ("counselling", "Counselling e supporto alle famiglie", "sportelli", ""),
]


def seed(apps, schema_editor):
    Taxonomy = apps.get_model("services", "Taxonomy")
    TaxonomyTerm = apps.get_model("services", "TaxonomyTerm")
    taxonomy, _ = Taxonomy.objects.update_or_create(
        uuid=uuid.uuid5(NAMESPACE, "taxonomy:conciliazione"),
        defaults={"name": TAXONOMY[0], "description": TAXONOMY[1], "version": "1.0"},
    )
    by_code = {}
    for position, (code, name, parent, description) in enumerate(TERMS):
        by_code[code], _ = TaxonomyTerm.objects.update_or_create(
            code=code,
            defaults={
                "uuid": uuid.uuid5(NAMESPACE, f"taxonomy_term:{code}"),
                "taxonomy": taxonomy,
                "name": name,
                "description": description,
                "parent": by_code[parent] if parent else None,
                "position": position,
            },
        )


def unseed(apps, schema_editor):
    TaxonomyTerm = apps.get_model("services", "TaxonomyTerm")
    Taxonomy = apps.get_model("services", "Taxonomy")
    TaxonomyTerm.objects.filter(parent__isnull=False).delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()


SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS services_fts USING fts5(name, body, "
    "tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS services_fts"]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TABLE IF NOT EXISTS services_search ("
    " service_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS services_search_document_gin"
    " ON services_search USING gin (document)",
]
PG_DOWN = ["DROP TABLE IF EXISTS services_search"]


def search_index_forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = PG_UP if vendor == "postgresql" else SQLITE_UP if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


def search_index_backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = PG_DOWN if vendor == "postgresql" else SQLITE_DOWN if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="moderation_note",
            field=models.TextField(
                blank=True,
                help_text="L'ultima nota dell'operatore ATS che ha esaminato il servizio.",
                verbose_name="nota della revisione",
            ),
        ),
        migrations.RunPython(seed, unseed),
        migrations.RunPython(search_index_forwards, search_index_backwards),
    ]
