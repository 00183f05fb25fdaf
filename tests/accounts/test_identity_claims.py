"""Claim mapping of the identity gateway (accounts/identity.py) and the private_key_jwt client
assertion (accounts/oidc.py): no database, no provider."""

import datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from equilibri.accounts.identity import (
    ClaimError,
    claims_of,
    fiscal_number_from_claim,
    identity_from_claims,
    level_from_acr,
)
from equilibri.accounts.oidc import CLIENT_ASSERTION_TYPE, GatewayClient, client_assertion

CF = "RSSMRA80A41F205B"


@pytest.mark.parametrize(
    "claim",
    [
        f"TINIT-{CF}",
        f"tinit-{CF.lower()}",
        f" TINIT-{CF} ",
        CF,
        f"TINIT{CF}",
        "ＴＩＮＩＴ－" + CF,  # full-width, as a copy from a PDF may give it
    ],
)
def test_fiscal_number_forms_give_the_bare_codice_fiscale(claim):
    assert fiscal_number_from_claim(claim) == CF


@pytest.mark.parametrize(
    ("claim", "code"),
    [
        (None, "missing_fiscal_number"),
        ("", "missing_fiscal_number"),
        (12345, "missing_fiscal_number"),
        ("TINIT-RSSMRA80A41F205X", "invalid_fiscal_number"),  # wrong control character
        ("TINIT-NOTACODE", "invalid_fiscal_number"),
        ("TINES-12345678Z", "foreign_fiscal_number"),
    ],
)
def test_bad_fiscal_numbers_are_refused_with_their_reason(claim, code):
    with pytest.raises(ClaimError) as error:
        fiscal_number_from_claim(claim)
    assert error.value.code == code
    assert error.value.message


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        ("https://www.spid.gov.it/SpidL1", 1),
        ("https://www.spid.gov.it/SpidL2", 2),
        ("https://www.spid.gov.it/SpidL3/", 3),
        ("http://eidas.europa.eu/LoA/substantial", 2),
        ("http://eidas.europa.eu/LoA/high", 3),
        ("urn:something:else", None),
        (None, None),
        (["https://www.spid.gov.it/SpidL2"], None),
    ],
)
def test_level_from_acr(acr, level):
    assert level_from_acr(acr) == level


def test_identity_from_standard_and_spid_claim_names():
    identity = identity_from_claims(
        "cie",
        {
            "fiscalNumber": f"TINIT-{CF}",
            "given_name": " Maria ",
            "familyName": "Rossi",
            "email": "Maria.Rossi@Example.org",
            "dateOfBirth": "1980-01-01",
            "acr": "https://www.spid.gov.it/SpidL3",
        },
    )
    assert identity.fiscal_number == CF
    assert (identity.first_name, identity.last_name) == ("Maria", "Rossi")
    assert identity.email == "maria.rossi@example.org"
    assert identity.birth_date == datetime.date(1980, 1, 1)
    assert (identity.provider, identity.level) == ("cie", 3)


def test_an_odd_birth_date_is_kept_unknown_not_refused():
    identity = identity_from_claims("spid", {"fiscalNumber": CF, "birthdate": "01/01/1980"})
    assert identity.birth_date is None
    assert identity.email == ""


def test_the_id_token_acr_wins_over_the_userinfo():
    extra = {
        "id_token": {"acr": "https://www.spid.gov.it/SpidL2", "fiscalNumber": "x"},
        "userinfo": {"acr": "https://www.spid.gov.it/SpidL3", "fiscalNumber": f"TINIT-{CF}"},
    }
    claims = claims_of(extra)
    assert claims["acr"].endswith("SpidL2")
    assert claims["fiscalNumber"] == f"TINIT-{CF}"


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_client_assertion_is_signed_for_the_token_endpoint(kind):
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        algorithm = "RS256"
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        algorithm = "ES256"
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = client_assertion(
        client_id="rp", audience="https://gw.example/token", key_pem=pem, key_id="k1"
    )
    assert jwt.get_unverified_header(token)["kid"] == "k1"
    claims = jwt.decode(
        token, key.public_key(), algorithms=[algorithm], audience="https://gw.example/token"
    )
    assert claims["iss"] == claims["sub"] == "rp"
    assert claims["exp"] - claims["iat"] <= 60


def test_private_key_jwt_client_sends_the_assertion_and_no_secret(tmp_path, monkeypatch):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "rp.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    sent = {}

    def fake_super(self, code, pkce_code_verifier=None, extra_data=None):
        sent.update(extra_data, secret=self.consumer_secret, verifier=pkce_code_verifier)
        return {"access_token": "t"}

    monkeypatch.setattr(
        "allauth.socialaccount.providers.oauth2.client.OAuth2Client.get_access_token", fake_super
    )
    client = GatewayClient(None, "rp", "a-secret", "POST", "https://gw.example/token", "cb")
    client.private_key_file = str(key_file)
    client.get_access_token("code", pkce_code_verifier="v")
    assert sent["secret"] == ""
    assert sent["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    assert sent["verifier"] == "v"
    jwt.decode(
        sent["client_assertion"],
        key.public_key(),
        algorithms=["RS256"],
        audience="https://gw.example/token",
    )


def test_a_provider_is_configured_from_its_environment_variables(monkeypatch):
    from equilibri.settings import _oidc_app

    assert _oidc_app("spid", "SPID") is None  # no issuer: off
    monkeypatch.setenv("OIDC_SPID_ISSUER", "https://gw.example/oidc/")
    with pytest.raises(ValueError, match="OIDC_SPID_CLIENT_ID"):
        _oidc_app("spid", "SPID")
    monkeypatch.setenv("OIDC_SPID_CLIENT_ID", "rp")
    with pytest.raises(ValueError, match="PRIVATE_KEY_FILE"):
        _oidc_app("spid", "SPID")
    monkeypatch.setenv("OIDC_SPID_PRIVATE_KEY_FILE", "/etc/equilibri/rp.pem")
    monkeypatch.setenv("OIDC_SPID_ACR_VALUES", "https://www.spid.gov.it/SpidL2")
    app = _oidc_app("spid", "SPID")
    assert app["settings"]["issuer"] == "https://gw.example/oidc"
    assert app["settings"]["token_auth_method"] == "private_key_jwt"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["auth_params"] == {"acr_values": "https://www.spid.gov.it/SpidL2"}
