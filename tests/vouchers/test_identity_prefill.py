"""The voucher application takes the applicant's names and fiscal number from a verified
identity (SPID, CIE): shown in the form, not editable, saved whatever is posted."""

import pytest
from django.utils import timezone

from equilibri.accounts.models import VerifiedIdentity
from equilibri.vouchers import public_views, services

CF = "RSSMRA80A41F205B"


@pytest.mark.django_db
def test_the_personal_form_takes_name_and_fiscal_number_from_the_identity(scheme, worker):
    user = worker()
    VerifiedIdentity.objects.create(
        user=user,
        fiscal_number=CF,
        first_name="Maria",
        last_name="Rossi",
        provider="cie",
        verified_at=timezone.now(),
    )
    application = services.application_start(scheme=scheme, by=user)
    form = public_views._personal_form(application)
    assert form["fiscal_code"].value() == CF
    assert form.fields["fiscal_code"].disabled and form.fields["first_name"].disabled
    posted = public_views._personal_form(
        application, {"first_name": "Altra", "last_name": "Persona", "fiscal_code": "X"}
    )
    posted.is_valid()
    assert posted.cleaned_data["fiscal_code"] == CF
    assert (posted.cleaned_data["first_name"], posted.cleaned_data["last_name"]) == (
        "Maria",
        "Rossi",
    )


@pytest.mark.django_db
def test_without_identity_the_fields_are_typed(scheme, worker):
    application = services.application_start(scheme=scheme, by=worker())
    form = public_views._personal_form(application)
    assert not form.fields["fiscal_code"].disabled
