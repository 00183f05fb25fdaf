"""Fiscal codes, VAT numbers, e-mail addresses and phones of organisations in their canonical
form (equilibri.core.identifiers): the fields normalise every new value; this brings the stored
ones to the same form."""

from django.db import migrations

import equilibri.core.identifiers
from equilibri.core.identifiers import (
    normalise_email,
    normalise_phone,
    normalise_stored,
    normalise_tax_code,
)


def forwards(apps, schema_editor):
    normalise_stored(
        apps,
        "network.Organisation",
        {
            "fiscal_code": normalise_tax_code,
            "vat_number": normalise_tax_code,
            "email": normalise_email,
            "phone": normalise_phone,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_money_in_cents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="e-mail"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="fiscal_code",
            field=equilibri.core.identifiers.TaxCodeField(
                blank=True,
                max_length=16,
                validators=[equilibri.core.identifiers.validate_organisation_fiscal_code],
                verbose_name="codice fiscale",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="phone",
            field=equilibri.core.identifiers.PhoneField(
                blank=True, max_length=30, verbose_name="telefono"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="vat_number",
            field=equilibri.core.identifiers.TaxCodeField(
                blank=True,
                max_length=11,
                validators=[equilibri.core.identifiers.validate_vat_number],
                verbose_name="partita IVA",
            ),
        ),
        # Backwards: the canonical values are valid values of the old fields, nothing to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
