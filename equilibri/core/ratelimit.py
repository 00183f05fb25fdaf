"""Rate limits of anonymous writes (bookings, their links, mistake reports…), per client address
and per e-mail address.

Each scope has its limits in `settings.RATE_LIMITS`, written like allauth's own
(`ACCOUNT_RATE_LIMITS`, which covers sign-up and password resets): `"10/h/ip,4/h/email"` means at
most 10 requests an hour from one address and 4 an hour naming one e-mail. Counters are fixed
windows in Django's default cache: `cache.add` creates a window's counter and `cache.incr` counts,
both atomic on Redis and in local memory, so with `CACHE_URL` every app server shares them.

The client address is taken the way django-axes takes it for the login lockout
(`AXES_IPWARE_META_PRECEDENCE_ORDER`, `AXES_CLIENT_IP_CALLABLE`), so one setting decides it for
both; an IPv6 client counts as its /64, which one household or device gets whole. Keys hold a hash,
never the address or e-mail itself; an e-mail is counted in its one canonical form
(core/identifiers.py), however it is typed.
"""

import hashlib
import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .identifiers import normalise_email

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int
    per: str  # "ip" or "email"


def parse_rates(text: str) -> list[Rate]:
    """`"10/h/ip,4/15m/email"` → rates; a wrong setting fails loudly at the first request."""
    rates = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)/(\d*)([smhd])/(ip|email)", part)
        if match is None:
            raise ValueError(f"rate limit {part!r}: expected e.g. 10/h/ip or 4/15m/email")
        count, multiple, unit, per = match.groups()
        rates.append(Rate(int(count), int(multiple or 1) * PERIODS[unit], per))
    return rates


def rates_of(scope: str) -> list[Rate]:
    return parse_rates(settings.RATE_LIMITS[scope])


def client_address(request: HttpRequest) -> str | None:
    """The client's address as axes sees it; an IPv6 address as its /64 network."""
    raw = get_client_ip_address(request)
    try:
        address = ipaddress.ip_address(raw or "")
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


def _now() -> float:
    return time.time()  # a function of its own, so tests can move the clock


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between add and incr: a new window begins
        cache.add(key, 0, timeout=seconds + 1)
        return cache.incr(key)


def hit(scope: str, *, ip: str | None = None, email: str = "") -> int:
    """Counts one request of `scope` from `ip` naming `email`. 0 when every limit allows it,
    otherwise the seconds until the first exceeded window ends. Every counter is advanced, so
    what is refused still counts."""
    values = {"ip": ip or "", "email": normalise_email(email)}
    now = _now()
    retry_after = 0
    for rate in rates_of(scope):
        value = values[rate.per]
        if not value:
            continue
        window = int(now // rate.seconds)
        key = f"ratelimit:{scope}:{rate.per}:{rate.seconds}:{_digest(value)}:{window}"
        if _count(key, rate.seconds) > rate.count:
            retry_after = max(retry_after, int((window + 1) * rate.seconds - now) + 1)
    if retry_after:
        logger.warning("rate limit reached", extra={"scope": scope})
    return retry_after


def limit(request: HttpRequest, scope: str, *, email: str = "") -> HttpResponse | None:
    """For views: None when the request may go on, else the 429 page to return."""
    retry_after = hit(scope, ip=client_address(request), email=email)
    if not retry_after:
        return None
    return too_many_requests(request, retry_after=retry_after)


def rate_limited(scope: str, *, email_field: str | None = "email") -> Callable:
    """Decorator: a view's POSTs are limited per address and per the e-mail typed in
    `email_field` (a signed-in user's own when the form has none). GETs only read."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                email = request.POST.get(email_field, "") if email_field else ""
                if not email and request.user.is_authenticated:
                    email = request.user.email
                refused = limit(request, scope, email=email)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request: HttpRequest, retry_after: int | None = None) -> HttpResponse:
    """The 429 page: ours, and allauth's too (`handler429` in the URLconf)."""
    minutes = -(-retry_after // 60) if retry_after else None
    response = render(request, "core/too_many_requests.html", {"minutes": minutes}, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
