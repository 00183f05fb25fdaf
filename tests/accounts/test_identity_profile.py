"""A verified identity (SPID, CIE) on the profile: shown, never edited by hand."""

import pytest
from django.urls import reverse
from django.utils import timezone

from equilibri.accounts.models import User, VerifiedIdentity

pytestmark = pytest.mark.django_db
CF = "RSSMRA80A41F205B"


@pytest.fixture
def verified(client):
    user = User.objects.create_user("maria@example.org", "una-password-lunga")
    VerifiedIdentity.objects.create(
        user=user,
        fiscal_number=CF,
        first_name="Maria",
        last_name="Rossi",
        provider="spid",
        verified_at=timezone.now(),
    )
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return user


def test_the_profile_shows_the_verified_fiscal_number_read_only(client, verified):
    page = client.get(reverse("accounts:profile")).content.decode()
    assert CF in page
    assert "data-verified-identity" in page
    assert page.count("disabled") >= 3  # fiscal number, first and last name


def test_posting_other_names_or_fiscal_number_changes_nothing(client, verified):
    answer = client.post(
        reverse("accounts:profile"),
        {"first_name": "Altro", "last_name": "Nome", "fiscal_number": "BNCLCU85M10F205R"},
    )
    assert answer.status_code == 302
    verified.refresh_from_db()
    assert (verified.first_name, verified.last_name) == ("Maria", "Rossi")
    assert verified.verified_identity.fiscal_number == CF


def test_without_identity_the_names_stay_editable(client):
    user = User.objects.create_user("luca@example.org", "una-password-lunga")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Codice fiscale" not in page
    client.post(reverse("accounts:profile"), {"first_name": "Luca", "last_name": "Bianchi"})
    user.refresh_from_db()
    assert user.get_full_name() == "Luca Bianchi"
