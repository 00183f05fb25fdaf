"""Gender in the platform's categories (core.genders): "F"/"M" become "female"/"male", the values
the desks' contacts already use, so every statistic counts the same categories. Nothing is lost:
every stored value has its category, and the way back restores the letters."""

from django.db import migrations, models

FORWARD = {"F": "female", "M": "male"}
BACKWARD = {value: letter for letter, value in FORWARD.items()}


def _convert(mapping):
    def run(apps, schema_editor):
        VoucherApplication = apps.get_model("vouchers", "VoucherApplication")
        for old, new in mapping.items():
            VoucherApplication.objects.filter(gender=old).update(gender=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0006_employer_denied_at")]

    operations = [
        migrations.AlterField(
            model_name="voucherapplication",
            name="gender",
            field=models.CharField(
                blank=True,
                choices=[
                    ("female", "Donna"),
                    ("male", "Uomo"),
                    ("other", "Altro"),
                    ("unspecified", "Non indicato"),
                ],
                max_length=12,
                verbose_name="genere",
            ),
        ),
        # After widening (forward) and before narrowing back (backward): the values fit both ways.
        migrations.RunPython(_convert(FORWARD), _convert(BACKWARD)),
    ]
