"""E-mail addresses in their canonical form (equilibri.core.identifiers): the field normalises
every new value; this brings the stored ones to the same form. Addresses that would become
another account's are left as they are and reported (merge those accounts by hand)."""

from django.db import migrations

import equilibri.core.identifiers
from equilibri.core.identifiers import normalise_email, normalise_stored


def forwards(apps, schema_editor):
    normalise_stored(apps, "accounts.User", {"email": normalise_email})
    # allauth's own copy of the address (it lower-cases, but knows nothing of NFKC).
    normalise_stored(apps, "account.EmailAddress", {"email": normalise_email}, unique=("email",))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=equilibri.core.identifiers.EmailField(
                max_length=254, unique=True, verbose_name="indirizzo e-mail"
            ),
        ),
        # Backwards: the canonical values are valid values of the old field, nothing to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
