"""allauth's openid_connect provider, as a relying party of a SPID/CIE gateway needs it.

allauth runs the authorization code flow with PKCE and checks the ID token (issuer, audience,
expiry). What it does not do, and this module adds:

- a `nonce` in every authorization request, kept in the login's state and compared with the
  ID token's by the adapter (identity_adapter.py: a token minted for another request is refused);
- the issuer the gateway's discovery document declares must be the one configured (OIDC_*_ISSUER):
  a misconfigured or impostor gateway is refused before any token is read;
- the ID token's signature is always verified, also when it came over the back channel;
- `private_key_jwt` client authentication (RFC 7523), which SPID/CIE federations ask for, when
  OIDC_*_PRIVATE_KEY_FILE is set instead of a client secret;
- a gateway that cannot be reached is a refused login with a message, not a server error.

settings.SOCIALACCOUNT_PROVIDERS names GatewayProvider as the openid_connect provider class.
"""

import secrets
import time
import uuid
from pathlib import Path

import jwt
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from requests import RequestException


class IssuerMismatch(OAuth2Error):
    """The gateway's discovery document declares another issuer than the configured one."""


CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# How long a client assertion is valid: it is sent at once, so a minute covers clock skew.
CLIENT_ASSERTION_SECONDS = 60


def client_assertion(*, client_id: str, audience: str, key_pem: bytes, key_id: str = "") -> str:
    """The signed JWT that authenticates the client at the token endpoint (private_key_jwt,
    OpenID Connect Core 9): RS256 with an RSA key, ES256 with an EC key."""
    key = load_pem_private_key(key_pem, password=None)
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + CLIENT_ASSERTION_SECONDS,
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)  # type: ignore[arg-type]


class GatewayClient(OAuth2Client):
    private_key_file = ""
    private_key_id = ""

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        extra = dict(extra_data or {})
        if self.private_key_file:
            # No secret is sent (allauth drops empty fields): the assertion stands for it.
            self.consumer_secret = ""
            extra["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            extra["client_assertion"] = client_assertion(
                client_id=self.consumer_key,
                audience=self.access_token_url,
                key_pem=Path(self.private_key_file).read_bytes(),
                key_id=self.private_key_id,
            )
        return super().get_access_token(code, pkce_code_verifier, extra)


class GatewayAdapter(OpenIDConnectOAuth2Adapter):
    client_class = GatewayClient

    @property
    def openid_config(self):
        config = super().openid_config
        expected = self.get_provider().app.settings.get("issuer", "")
        declared = str(config.get("issuer", ""))
        if expected and declared.rstrip("/") != expected.rstrip("/"):
            raise IssuerMismatch(f"issuer mismatch: configured {expected!r}, declared {declared!r}")
        return config

    @property
    def basic_auth(self):
        if self.get_provider().app.settings.get("private_key_file"):
            return False
        return super().basic_auth

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.private_key_file = app.settings.get("private_key_file") or ""
        client.private_key_id = app.settings.get("private_key_id") or ""
        return client

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("no id_token in the token response")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app, id_token: str) -> dict:
        # Verified against the gateway's keys even over the back channel: the gateway is a
        # proxy in front of many identity providers, and a signature costs one cached fetch.
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class GatewayProvider(OpenIDConnectProvider):
    # allauth finds the provider's URLs through its package: the stock openid_connect ones.
    package = "allauth.socialaccount.providers.openid_connect"
    oauth2_adapter_class = GatewayAdapter

    def serialize(self) -> dict:
        # allauth keeps a pending sign-up (e.g. no e-mail from the gateway) under the class id
        # "openid_connect" and the client id, which SPID and CIE at one gateway share: name the
        # app by its provider_id instead, so it is found again.
        return {"id": self.app.provider_id, "app.client_id": self.app.client_id}

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()  # always, whatever the settings say

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        try:
            # The nonce goes in the stashed state too (kwargs), where the adapter finds it.
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except (RequestException, ValueError, OAuth2Error) as e:
            # The discovery document could not be read (the gateway is down or is not one), or
            # it names another issuer.
            return render_authentication_error(request, self, exception=e)
