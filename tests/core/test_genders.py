"""One set of gender categories for the platform: the desks' contacts, the voucher applications
and the monitoring's beneficiaries record the same values, and the vouchers' old letters are
carried over by their migration without loss."""

import importlib

import pytest
from django.apps import apps

from equilibri.core.genders import Gender, from_fiscal_code
from equilibri.desks.models import Contact
from equilibri.vouchers.models import VoucherApplication

migration = importlib.import_module("equilibri.vouchers.migrations.0007_gender_categories")


def test_every_app_that_records_gender_uses_the_core_categories():
    from equilibri.plans.models import IndicatorValue

    expected = Gender.choices
    assert Contact._meta.get_field("gender").choices == expected
    assert VoucherApplication._meta.get_field("gender").choices == expected
    # Monitoring counts people in every category, one field each.
    fields = {f.name for f in IndicatorValue._meta.get_fields()}
    assert {"women", "men", "other_gender", "gender_unspecified"} <= fields
    assert len(expected) == 4


def test_the_fiscal_code_letter_maps_to_a_category():
    assert from_fiscal_code("F") == Gender.FEMALE
    assert from_fiscal_code("m") == Gender.MALE
    assert from_fiscal_code("") == ""


@pytest.mark.django_db
def test_the_vouchers_migration_keeps_every_gender_both_ways():
    ids = list(VoucherApplication.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert len(ids) == 3
    VoucherApplication.objects.filter(pk=ids[0]).update(gender="F")
    VoucherApplication.objects.filter(pk=ids[1]).update(gender="M")
    VoucherApplication.objects.filter(pk=ids[2]).update(gender="")
    migration._convert(migration.FORWARD)(apps, None)
    genders = dict(VoucherApplication.objects.filter(pk__in=ids).values_list("pk", "gender"))
    assert [genders[i] for i in ids] == ["female", "male", ""]
    migration._convert(migration.BACKWARD)(apps, None)
    genders = dict(VoucherApplication.objects.filter(pk__in=ids).values_list("pk", "gender"))
    assert [genders[i] for i in ids] == ["F", "M", ""]


@pytest.mark.django_db
def test_the_demo_voucher_applications_are_in_the_new_categories():
    stored = set(VoucherApplication.objects.values_list("gender", flat=True))
    assert stored <= {Gender.FEMALE, Gender.MALE, ""}
