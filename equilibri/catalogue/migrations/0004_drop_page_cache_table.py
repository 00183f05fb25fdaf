"""The page cache moved from a database table to files (settings.CACHES["pages"])."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_catalogue_version"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS equilibri_page_cache", migrations.RunSQL.noop),
    ]
