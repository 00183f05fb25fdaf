"""The second factor's own attempt limit: wrong TOTP or recovery codes per account.

allauth.mfa already counts the codes tried for an account, from whatever address: before checking
a code it consumes allauth's `login_failed` rate limit under a key of the user, refuses the code
once the limit is spent, and clears the count when a code is right
(allauth/mfa/base/internal/flows.py, `check_rate_limit`). settings.ACCOUNT_RATE_LIMITS gives that
limit per key only (SECOND_FACTOR_FAILURE_LIMIT codes per SECOND_FACTOR_COOLOFF); the password
step stays with django-axes (adapters.py keeps allauth's limit off there). The count is in the
default cache, so every app server shares it when CACHE_URL is set.

This module adds what allauth does not do: the e-mail to the person when their codes are locked,
and lifting the lock when axes' attempts are reset (axes.py), so one command resets both.
"""

from collections.abc import Iterable

from allauth.core import ratelimit
from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from . import services

ACTION = "login_failed"


def _key(user_pk: object) -> str:
    # The key allauth.mfa counts the codes under (check_rate_limit); a change in allauth shows up
    # as tests/accounts/test_second_factor.py failing.
    return f"mfa-auth-user-{user_pk}"


def is_locked(request: HttpRequest, user) -> bool:
    """True when the next code of `user` would be refused without being checked."""
    return not ratelimit.consume(request, action=ACTION, key=_key(user.pk), dry_run=True)


def unlock(user_pks: Iterable[object]) -> None:
    # Per-key limits do not read the request; allauth's signature asks for one.
    request = HttpRequest()
    for pk in user_pks:
        ratelimit.clear(request, action=ACTION, key=_key(pk))


def code_failed(sender, request: HttpRequest, user, **kwargs) -> None:
    """allauth.mfa's `authentication_failed`: the wrong code that spends the limit warns the
    person (a further code is refused before it is checked, so one e-mail per lock)."""
    if is_locked(request, user):
        services.second_factor_locked_notify(user=user, ip_address=get_client_ip_address(request))
