from allauth.mfa.models import Authenticator
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from equilibri.core import identifiers

from . import second_factor


def username_from_request(request, credentials) -> str | None:
    """allauth signs in with `login` (the e-mail); axes needs it to lock per account."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    # The same form as the stored address: another spelling is not another counter.
    return identifiers.normalise_email(value) if value else None


class AxesHandler(AxesDatabaseHandler):
    """Axes' reset (`axes_reset`, `axes_reset_username`, `axes_reset_ip`…, `axes.utils.reset`)
    also lifts the second factor's lock of the accounts it names, so one reset, one place."""

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        # Only accounts with a second factor have a count to clear.
        users = get_user_model().objects.filter(pk__in=Authenticator.objects.values("user_id"))
        if username:
            users = users.filter(email__iexact=username)
        elif ip_address:
            # The second factor counts per account: an address's reset lifts the accounts that
            # failed from it.
            names = AccessAttempt.objects.filter(ip_address=ip_address).values("username")
            users = users.filter(email__in=names)
        second_factor.unlock(users.values_list("pk", flat=True))
        return super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
