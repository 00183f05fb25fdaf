"""Fiscal codes, IBANs, phones and providers' tax ids in their canonical form
(equilibri.core.identifiers): the fields normalise every new value; this brings the stored ones
to the same form, so the family's yearly cap counts every application of the same code. The
receipts' keys are computed again from the canonical provider and number: a receipt claimed
twice under two spellings is reported, not changed (the reviewer decides)."""

from django.db import migrations

import equilibri.core.identifiers
from equilibri.core.identifiers import (
    normalise_iban,
    normalise_phone,
    normalise_stored,
    normalise_tax_code,
)


def forwards(apps, schema_editor):
    normalise_stored(
        apps,
        "vouchers.VoucherApplication",
        {"fiscal_code": normalise_tax_code, "phone": normalise_phone, "iban": normalise_iban},
    )
    normalise_stored(apps, "vouchers.ExpenseLine", {"provider_tax_id": normalise_tax_code})
    normalise_stored(apps, "vouchers.Payment", {"iban": normalise_iban})
    _receipt_keys(apps)


def _receipt_keys(apps):
    from equilibri.vouchers.services import receipt_key

    ExpenseLine = apps.get_model("vouchers", "ExpenseLine")
    rows = list(
        ExpenseLine.objects.exclude(receipt_key__startswith="anon:")
        .order_by("pk")
        .values_list("pk", "provider_tax_id", "receipt_number", "receipt_key")
    )
    taken = {key: pk for pk, _tax_id, _number, key in rows}
    for pk, tax_id, number, key in rows:
        canonical = receipt_key(tax_id, number)
        if canonical == key:
            continue
        if canonical in taken:
            print(
                f"vouchers.ExpenseLine.receipt_key: row {pk} is the same receipt as row "
                f"{taken[canonical]} ({canonical}); left unchanged, check both applications"
            )
            continue
        ExpenseLine.objects.filter(pk=pk).update(receipt_key=canonical)
        del taken[key]
        taken[canonical] = pk


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0002_money_in_cents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="expenseline",
            name="provider_tax_id",
            field=equilibri.core.identifiers.TaxCodeField(
                max_length=16, verbose_name="partita IVA o codice fiscale del fornitore"
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="iban",
            field=equilibri.core.identifiers.IbanField(max_length=34, verbose_name="IBAN"),
        ),
        migrations.AlterField(
            model_name="voucherapplication",
            name="fiscal_code",
            field=equilibri.core.identifiers.TaxCodeField(
                blank=True, max_length=16, verbose_name="codice fiscale"
            ),
        ),
        migrations.AlterField(
            model_name="voucherapplication",
            name="iban",
            field=equilibri.core.identifiers.IbanField(
                blank=True, max_length=34, verbose_name="IBAN per il rimborso"
            ),
        ),
        migrations.AlterField(
            model_name="voucherapplication",
            name="phone",
            field=equilibri.core.identifiers.PhoneField(
                blank=True, max_length=30, verbose_name="telefono"
            ),
        ),
        # Backwards: the canonical values are valid values of the old fields, nothing to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
