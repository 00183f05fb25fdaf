"""The second factor has its own attempt limit: wrong codes per account, whatever the address."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.test import Client

from equilibri.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

from ..conftest import email_of

pytestmark = pytest.mark.django_db

PERSONA = "operatore.brescia"
LOCKED = "Troppi codici errati"


def right_code() -> str:
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


def wrong_code() -> str:
    return format_hotp_value((int(right_code()) + 1) % 1_000_000)


def past_the_password(ip: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(
        "/account/login/", {"login": email_of(PERSONA), "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/account/2fa/authenticate/"
    return client


def enter(client: Client, code: str):
    return client.post("/account/2fa/authenticate/", {"code": code})


def signed_in(client: Client) -> bool:
    return client.get("/area-riservata/").status_code == 200


def spend_the_limit(settings, client: Client) -> None:
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        response = enter(client, wrong_code())
        assert response.status_code == 200 and LOCKED not in response.content.decode()


def test_wrong_codes_lock_the_second_factor_even_for_the_right_code(settings):
    client = past_the_password()
    spend_the_limit(settings, client)
    response = enter(client, right_code())
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    # Starting again with the password does not start a new count.
    again = past_the_password()
    assert LOCKED in enter(again, right_code()).content.decode()
    assert not signed_in(again)


def test_recovery_codes_count_and_are_locked_too(settings, user_of):
    user = user_of(PERSONA)
    recovery = RecoveryCodes.activate(user)
    valid = recovery.get_unused_codes()[0]
    client = past_the_password()
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        enter(client, "12345678")  # a wrong recovery code
    assert LOCKED in enter(client, valid).content.decode()
    assert not signed_in(client)
    # The code was not checked, so it was not spent.
    assert (
        valid
        in RecoveryCodes(Authenticator.objects.get(pk=recovery.instance.pk)).get_unused_codes()
    )


def test_the_count_is_per_account_across_addresses(settings):
    for i in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        response = enter(past_the_password(f"10.0.1.{i}"), wrong_code())
        assert LOCKED not in response.content.decode()
    fresh_address = past_the_password("192.0.2.7")
    assert LOCKED in enter(fresh_address, right_code()).content.decode()
    assert not signed_in(fresh_address)


def test_the_person_is_emailed_once_when_the_lock_starts(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client = past_the_password("198.51.100.23")
        for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT - 1):
            enter(client, wrong_code())
        assert mail.outbox == []
        enter(client, wrong_code())
        enter(client, right_code())  # refused without being checked: no second e-mail
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email_of(PERSONA)]
    assert "password corretta" in message.body and "198.51.100.23" in message.body
    assert "/account/password/reset/" in message.body


@pytest.mark.parametrize(
    "reset",
    [
        pytest.param(lambda: call_command("axes_reset_username", email_of(PERSONA)), id="user"),
        pytest.param(lambda: call_command("axes_reset"), id="all"),
        pytest.param(lambda: call_command("axes_reset_ip", "10.0.0.1"), id="address"),
    ],
)
def test_axes_reset_lifts_the_lock(settings, reset):
    client = past_the_password("10.0.0.1")
    # A wrong password first, so the address has an axes record for the address reset.
    Client(REMOTE_ADDR="10.0.0.1").post(
        "/account/login/", {"login": email_of(PERSONA), "password": "sbagliata"}
    )
    spend_the_limit(settings, client)
    assert LOCKED in enter(client, right_code()).content.decode()
    reset()
    response = enter(client, right_code())
    assert response.status_code == 302
    assert signed_in(client)


def test_a_right_code_clears_the_count(settings):
    client = past_the_password()
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT - 1):
        enter(client, wrong_code())
    assert enter(client, right_code()).status_code == 302
    other = past_the_password("10.0.0.9")
    response = enter(other, wrong_code())
    assert LOCKED not in response.content.decode()


def test_passwords_stay_with_axes_per_account_and_address(settings):
    # allauth's own limit would lock the account for everyone after failures from many
    # addresses; axes locks only the address that failed.
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        Client(REMOTE_ADDR=f"10.0.2.{i}").post(
            "/account/login/", {"login": email_of(PERSONA), "password": "sbagliata"}
        )
    past_the_password("192.0.2.99")
