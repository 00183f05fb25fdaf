"""Phones and e-mail addresses in their canonical form (equilibri.core.identifiers): the fields
normalise every new value; this brings the stored ones to the same form."""

from django.db import migrations

import equilibri.core.identifiers
from equilibri.core.identifiers import normalise_email, normalise_phone, normalise_stored


def forwards(apps, schema_editor):
    contact = {"email": normalise_email, "phone": normalise_phone}
    normalise_stored(apps, "desks.Desk", contact)
    normalise_stored(apps, "desks.Appointment", contact)
    normalise_stored(apps, "desks.Contact", {"citizen_email": normalise_email})


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0003_appointment_requester"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="email",
            field=equilibri.core.identifiers.EmailField(max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="phone",
            field=equilibri.core.identifiers.PhoneField(
                blank=True, max_length=30, verbose_name="telefono"
            ),
        ),
        migrations.AlterField(
            model_name="contact",
            name="citizen_email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="e-mail del cittadino"
            ),
        ),
        migrations.AlterField(
            model_name="desk",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                blank=True, max_length=254, verbose_name="e-mail"
            ),
        ),
        migrations.AlterField(
            model_name="desk",
            name="phone",
            field=equilibri.core.identifiers.PhoneField(
                blank=True, max_length=30, verbose_name="telefono"
            ),
        ),
        # Backwards: the canonical values are valid values of the old fields, nothing to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
