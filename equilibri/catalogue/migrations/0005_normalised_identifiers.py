"""E-mail addresses, phones and CAPs of the catalogue in their canonical form
(equilibri.core.identifiers): the fields and the HSDS import normalise every new value; this
brings the stored ones to the same form."""

from django.db import migrations

import equilibri.core.identifiers
from equilibri.core.identifiers import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_stored,
)


def forwards(apps, schema_editor):
    normalise_stored(apps, "services.Service", {"email": normalise_email})
    normalise_stored(apps, "services.Location", {"postal_code": normalise_postcode})
    normalise_stored(apps, "services.Phone", {"number": normalise_phone})
    normalise_stored(apps, "services.Contact", {"email": normalise_email, "phone": normalise_phone})
    normalise_stored(apps, "services.MistakeReport", {"email": normalise_email})


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0004_drop_page_cache_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="e-mail"
            ),
        ),
        migrations.AlterField(
            model_name="contact",
            name="phone",
            field=equilibri.core.identifiers.PhoneField(
                blank=True, max_length=30, verbose_name="telefono"
            ),
        ),
        migrations.AlterField(
            model_name="location",
            name="postal_code",
            field=equilibri.core.identifiers.PostcodeField(
                blank=True, max_length=5, verbose_name="CAP"
            ),
        ),
        migrations.AlterField(
            model_name="mistakereport",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="la tua e-mail (facoltativa)"
            ),
        ),
        migrations.AlterField(
            model_name="phone",
            name="number",
            field=equilibri.core.identifiers.PhoneField(max_length=30, verbose_name="numero"),
        ),
        migrations.AlterField(
            model_name="service",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="e-mail"
            ),
        ),
        # Backwards: the canonical values are valid values of the old fields, nothing to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
