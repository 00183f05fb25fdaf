"""Who a SPID/CIE login is, and whether it may enter: allauth's social account adapter.

A login through the gateway names a person by the verified fiscal number, never by the e-mail
address the gateway reports. So:

- the account that already holds that fiscal number is the one signed in (linked on the first
  SPID or CIE login, never duplicated);
- a fiscal number that belongs to another account than the one the login would enter, or an
  account whose verified fiscal number is another: refused, nothing linked or merged;
- claims without a valid Italian fiscal number: refused;
- a new person whose e-mail address already has an account (signed up with a password): refused
  with the way to link SPID/CIE from that account's profile, never linked on the address alone;
- staff accounts keep e-mail, password and the second factor: refused here;
- an ID token whose nonce is not the one of this login's request: refused.

Every refusal, and every error allauth meets on the way (unknown state, a code the gateway does
not exchange, a wrong issuer, an invalid ID token, a gateway down), answers with a page that
says what happened and what to do, writes nothing but an IdentityLogin row saying why, and logs.
"""

import hmac

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from requests import RequestException

from . import selectors, services
from .identity import PROVIDER_LABELS, ClaimError, Identity, claims_of, identity_from_claims
from .models import User
from .oidc import IssuerMismatch
from .roles import is_staff_member


def _messages() -> dict[str, str]:
    return {
        "bad_state": _(
            "La richiesta di accesso non è stata riconosciuta: è scaduta, è già stata usata o "
            "non è partita da questa pagina. Nessun accesso è stato fatto: riprova dall'inizio."
        ),
        "nonce_mismatch": _(
            "La risposta del gestore dell'identità non corrisponde alla richiesta partita da "
            "qui. Nessun accesso è stato fatto: riprova dall'inizio."
        ),
        "wrong_issuer": _(
            "Il servizio di accesso non si è presentato come quello configurato per Equilibri. "
            "Nessun accesso è stato fatto: riprova più tardi o entra con e-mail e password."
        ),
        "token_refused": _(
            "Il gestore dell'identità non ha confermato l'accesso (il codice di autorizzazione "
            "è scaduto o è già stato usato). Nessun accesso è stato fatto: riprova dall'inizio."
        ),
        "invalid_id_token": _(
            "L'attestazione di identità ricevuta non è valida (firma, scadenza o destinatario). "
            "Nessun accesso è stato fatto: riprova dall'inizio."
        ),
        "gateway_unreachable": _(
            "Il servizio di accesso con identità digitale non risponde. Riprova tra qualche "
            "minuto o entra con e-mail e password."
        ),
        "gateway_error": _(
            "Il gestore dell'identità ha risposto con un errore. Nessun accesso è stato fatto: "
            "riprova dall'inizio."
        ),
        "fiscal_number_taken": _(
            "Il codice fiscale di questa identità appartiene a un altro account di Equilibri. "
            "Nessun dato è stato collegato o unito: entra con quell'account, oppure scrivi "
            "all'assistenza se pensi che sia un errore."
        ),
        "identity_mismatch": _(
            "Questo account è già collegato a un'identità digitale con un altro codice "
            "fiscale. Nessun dato è stato collegato o unito."
        ),
        "email_in_use": _(
            "Esiste già un account con l'indirizzo e-mail di questa identità. Entra con e-mail "
            "e password e collega SPID o CIE dalla pagina «Profilo e sicurezza»: così i tuoi "
            "dati restano in un solo account."
        ),
        "staff_account": _(
            "Gli account dello staff entrano con e-mail, password e codice di verifica, non con "
            "SPID o CIE."
        ),
    }


def refusal_response(request: HttpRequest, provider_id: str, reason: str, message: str = ""):
    return render(
        request,
        "accounts/identity_refused.html",
        {
            "message": message or _messages().get(reason) or _messages()["gateway_error"],
            "provider_label": PROVIDER_LABELS.get(provider_id, provider_id.upper()),
            "reason": reason,
        },
        status=403,
    )


def _refuse(
    request: HttpRequest,
    provider_id: str,
    reason: str,
    *,
    message: str = "",
    identity: Identity | None = None,
    user: User | None = None,
):
    services.identity_refusal_record(
        provider=provider_id,
        reason=reason,
        ip_address=get_client_ip_address(request),
        fiscal_number=identity.fiscal_number if identity else "",
        level=identity.level if identity else None,
        user=user,
    )
    raise ImmediateHttpResponse(refusal_response(request, provider_id, reason, message))


def is_staff_account(user: "User | AnonymousUser") -> bool:
    return bool(user.is_staff or user.is_superuser or is_staff_member(user))


def _nonce_matches(sociallogin: SocialLogin) -> bool:
    expected = (sociallogin.state or {}).get("nonce")
    received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
    return bool(
        isinstance(expected, str)
        and isinstance(received, str)
        and hmac.compare_digest(expected.encode(), received.encode())
    )


class IdentityAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider_id = sociallogin.account.provider
        if not _nonce_matches(sociallogin):
            _refuse(request, provider_id, "nonce_mismatch")
        try:
            identity = identity_from_claims(provider_id, claims_of(sociallogin.account.extra_data))
        except ClaimError as e:
            _refuse(request, provider_id, e.code, message=e.message)
        owner = selectors.identity_owner(identity.fiscal_number)
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if connecting:
            target = request.user if request.user.is_authenticated else None
        elif sociallogin.is_existing:
            target = sociallogin.user
        else:
            target = owner
        if owner is not None and target is not None and owner.pk != target.pk:
            _refuse(request, provider_id, "fiscal_number_taken", identity=identity, user=target)
        if target is not None:
            verified = selectors.verified_identity_of(target)
            if verified and verified.fiscal_number != identity.fiscal_number:
                _refuse(request, provider_id, "identity_mismatch", identity=identity, user=target)
            if is_staff_account(target):
                _refuse(request, provider_id, "staff_account", identity=identity, user=target)
            if not connecting and not sociallogin.is_existing:
                # The account of this fiscal number, first time through this gateway: link it.
                sociallogin.connect(request, target)
        elif identity.email and User.objects.filter(email=identity.email).exists():
            _refuse(request, provider_id, "email_in_use", identity=identity)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        provider_id = provider.app.provider_id if provider.app else provider.id
        if error == AuthError.CANCELLED:
            services.identity_refusal_record(
                provider=provider_id,
                reason="cancelled",
                ip_address=get_client_ip_address(request),
            )
            return  # allauth's "login cancelled" page
        if exception is None and error == AuthError.UNKNOWN and "state_id" in (extra_context or {}):
            reason = "bad_state"
        elif isinstance(exception, IssuerMismatch):
            reason = "wrong_issuer"
        elif isinstance(exception, RequestException | ValueError):
            reason = "gateway_unreachable"
        elif isinstance(exception, OAuth2Error) and "access token" in str(exception):
            reason = "token_refused"
        elif isinstance(exception, OAuth2Error) and "id_token" in str(exception):
            reason = "invalid_id_token"
        else:
            reason = "gateway_error"
        _refuse(request, provider_id, reason)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # a person verified by SPID or CIE may always have an account


def identity_of(sociallogin: SocialLogin) -> Identity | None:
    """The identity of an accepted gateway login (pre_social_login already refused any other)."""
    if sociallogin.account.provider not in PROVIDER_LABELS:
        return None
    return identity_from_claims(
        sociallogin.account.provider, claims_of(sociallogin.account.extra_data)
    )


def logged_in(sender, request: HttpRequest, user: User, sociallogin=None, **kwargs) -> None:
    """allauth's `user_logged_in` (after every login stage, the second factor included): a login
    through the gateway is recorded with its level and verifies the account's identity."""
    identity = identity_of(sociallogin) if sociallogin is not None else None
    if identity is not None:
        services.identity_login_record(
            user=user, identity=identity, ip_address=get_client_ip_address(request)
        )


def account_connected(sender, request: HttpRequest, sociallogin: SocialLogin, **kwargs) -> None:
    """allauth's `social_account_added`: SPID or CIE linked from the profile of an account
    signed in with its password verifies that account's identity (a login's own linking is
    recorded by `logged_in`)."""
    if sociallogin.state.get("process") != AuthProcess.CONNECT:
        return
    identity = identity_of(sociallogin)
    if identity is not None:
        services.identity_verify(user=sociallogin.user, identity=identity)
