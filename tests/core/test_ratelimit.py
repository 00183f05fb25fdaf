"""The rate limiter of anonymous writes (equilibri/core/ratelimit.py), its 429 page, and every
anonymous write behind a limit: mistake reports here, sign-up and password resets through
allauth's own limits (the desks' in tests/desks/test_limits.py)."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from equilibri.accounts.models import User
from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.models import MistakeReport, Service
from equilibri.core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, at a fixed instant inside a window, moved by hand."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


def test_rates_are_parsed_and_a_wrong_one_fails_loudly():
    assert ratelimit.parse_rates("10/h/ip, 4/15m/email") == [
        ratelimit.Rate(10, 3600, "ip"),
        ratelimit.Rate(4, 900, "email"),
    ]
    with pytest.raises(ValueError, match="expected"):
        ratelimit.parse_rates("10 per hour")


def test_every_scope_and_allauth_limit_in_settings_is_valid():
    for scope in settings.RATE_LIMITS:
        assert ratelimit.rates_of(scope)
    assert settings.ACCOUNT_RATE_LIMITS["signup"]


@override_settings(RATE_LIMITS={"test": "2/h/ip,3/h/email"})
def test_address_and_e_mail_are_counted_independently(clock):
    assert ratelimit.hit("test", ip="192.0.2.1", email="a@posta.it") == 0
    assert ratelimit.hit("test", ip="192.0.2.1", email="b@posta.it") == 0
    refused = ratelimit.hit("test", ip="192.0.2.1", email="c@posta.it")  # third from one address
    assert 0 < refused <= 3601
    assert ratelimit.hit("test", ip="192.0.2.2", email="a@posta.it") == 0
    assert ratelimit.hit("test", ip="192.0.2.3", email="A@POSTA.IT ") == 0
    assert ratelimit.hit("test", ip="192.0.2.4", email="Ａ@posta.it") != 0  # fourth for a@
    assert ratelimit.hit("test", ip="192.0.2.5", email="d@posta.it") == 0
    # A new window starts from zero.
    clock["t"] += 3600
    assert ratelimit.hit("test", ip="192.0.2.1", email="a@posta.it") == 0


def test_an_ipv6_client_counts_as_its_64(rf):
    one = rf.post("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert ratelimit.client_address(one) == ratelimit.client_address(other) == "2001:db8:1:2::"
    assert ratelimit.client_address(rf.post("/", REMOTE_ADDR="192.0.2.8")) == "192.0.2.8"


def test_the_429_page_is_clear_and_translated(client, rf):
    request = rf.get("/")
    request.user = User()
    response = ratelimit.too_many_requests(request, retry_after=90)
    body = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    assert "no-store" in response["Cache-Control"]
    assert "Troppe richieste" in body and "Riprova tra 2 minuti." in body
    with translation.override("en"):
        english = ratelimit.too_many_requests(request, retry_after=30).content.decode()
    assert "Too many requests" in english and "Try again in 1 minute." in english


@override_settings(RATE_LIMITS={"mistake_report": "2/h/ip,1/h/email"})
def test_mistake_reports_are_limited(client, django_capture_on_commit_callbacks):
    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    url = reverse("catalogue_public:report_mistake", args=[service.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"message": "Orario cambiato", "email": ""}).status_code == 302
        assert client.post(url, {"message": "Anche il telefono", "email": ""}).status_code == 302
        response = client.post(url, {"message": "E l'indirizzo", "email": ""})
    assert response.status_code == 429
    assert MistakeReport.objects.filter(service=service).count() == 2
    assert len(mail.outbox) == 2
    # Per e-mail, from any address.
    other = Client(REMOTE_ADDR="198.51.100.20")
    third = Client(REMOTE_ADDR="198.51.100.21")
    assert other.post(url, {"message": "x", "email": "io@posta.it"}).status_code == 302
    assert third.post(url, {"message": "y", "email": "io@posta.it"}).status_code == 429
    assert MistakeReport.objects.filter(service=service).count() == 3


def signup(client, email):
    return client.post(
        "/account/signup/",
        {
            "email": email,
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )


@override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"})
def test_signup_is_limited_by_allauth_with_our_page():
    for n in range(2):
        assert signup(Client(), f"iscritta{n}@posta.it").status_code == 302
    response = signup(Client(), "iscritta2@posta.it")
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert not User.objects.filter(email="iscritta2@posta.it").exists()


@override_settings(
    ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "reset_password": "20/h/ip,1/h/key"}
)
def test_password_reset_requests_are_limited_per_e_mail(django_capture_on_commit_callbacks):
    url = reverse("account_reset_password")
    email = "cittadina@demo.equilibri.it"
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves on commit
        assert Client(REMOTE_ADDR="198.51.100.30").post(url, {"email": email}).status_code == 302
        response = Client(REMOTE_ADDR="198.51.100.31").post(url, {"email": email})
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert len(mail.outbox) == 1


def test_behind_a_proxy_the_forwarded_address_is_the_client(rf, settings):
    """With the proxy's header first in AXES_IPWARE_META_PRECEDENCE_ORDER (docs/deployment.md),
    each client behind the proxy counts alone instead of all sharing the proxy's address; by
    default a client-sent header is ignored, so nobody names their own address."""
    request = rf.post("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert ratelimit.client_address(request) == "10.0.0.2"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert ratelimit.client_address(request) == "203.0.113.7"
