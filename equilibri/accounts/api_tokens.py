"""Tokens for machine clients of the JSON API, without a table of their own.

A token is the user's primary key signed with a `TimestampSigner` whose salt is derived from the
user's password hash: changing the password revokes every token issued before. Tokens expire
after `API_TOKEN_MAX_AGE` (a timedelta setting; default 365 days). The API's scope is the token's
user's scope, exactly as in the reserved area.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from equilibri.core.api import MAX_ID

from .decorators import mfa_missing
from .roles import is_staff_member

DEFAULT_MAX_AGE = timedelta(days=365)
_SALT = "equilibri.accounts.api_token"


class InvalidToken(Exception):
    """The token is malformed, forged, revoked or expired (the message says which)."""


def max_age() -> timedelta:
    return getattr(settings, "API_TOKEN_MAX_AGE", DEFAULT_MAX_AGE)


def _signer(user) -> signing.TimestampSigner:
    # Derived from the password hash: a new password means a new salt, so old tokens fail.
    fingerprint = salted_hmac(_SALT, user.password or "", algorithm="sha256").hexdigest()[:32]
    return signing.TimestampSigner(salt=f"{_SALT}.{fingerprint}")


def issue_token(user) -> str:
    """A new token for the user: shown once, never stored."""
    return _signer(user).sign(str(user.pk))


def user_for_token(token: str, *, age: timedelta | None = None):
    """The active staff user the token belongs to; raises InvalidToken otherwise."""
    token = token.strip()
    user_pk, sep, _rest = token.partition(":")
    # ASCII digits only ("²".isdigit() is true but int() refuses it), within the database's ids
    # (the length first: int() refuses more than 4,300 digits).
    digits = sep and user_pk.isascii() and user_pk.isdigit() and len(user_pk) <= 19
    if not digits or int(user_pk) > MAX_ID:
        raise InvalidToken(_("Token non valido: generane uno nuovo dall'area riservata."))
    user = get_user_model().objects.filter(pk=int(user_pk), is_active=True).first()
    if user is None:
        raise InvalidToken(_("Token non valido: generane uno nuovo dall'area riservata."))
    try:
        value = _signer(user).unsign(token, max_age=age or max_age())
    except signing.SignatureExpired as exc:
        raise InvalidToken(
            _("Token scaduto: generane uno nuovo dall'area riservata (Cruscotto, accesso API).")
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidToken(
            _(
                "Token non valido o revocato (i token decadono al cambio della password): "
                "generane uno nuovo dall'area riservata."
            )
        ) from exc
    if value != str(user.pk):
        raise InvalidToken(_("Token non valido: generane uno nuovo dall'area riservata."))
    if not is_staff_member(user):
        raise InvalidToken(_("Il titolare del token non ha più un ruolo nell'area riservata."))
    if mfa_missing(user):
        raise InvalidToken(
            _("Il titolare del token deve attivare la verifica in due passaggi per usare l'API.")
        )
    return user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; missing, invalid or expired → 401 with a clear message."""

    def __call__(self, request):
        value = request.headers.get(self.header, "")
        scheme, _sep, token = value.partition(" ")
        if not value:
            raise AuthenticationError(
                message=_(
                    "Autenticazione richiesta: invia l'intestazione "
                    "'Authorization: Bearer <token>'."
                )
            )
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise AuthenticationError(
                message=_("Intestazione Authorization non valida: usa 'Bearer <token>'.")
            )
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        try:
            user = user_for_token(token)
        except InvalidToken as exc:
            raise AuthenticationError(message=str(exc)) from exc
        request.user = user
        return user
