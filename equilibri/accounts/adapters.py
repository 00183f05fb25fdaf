from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from equilibri.accounts.roles import is_staff_member
from equilibri.core import identifiers, mail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's own messages (address confirmation, password reset, security notices)
        leave like every other e-mail of the platform: through core/mail.py, on commit, by the
        task queue, never from inside the request."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)  # as allauth's own send_mail builds it
        mail.send_prepared(self.render_mail(template_prefix, email, ctx))

    def clean_email(self, email: str) -> str:
        """Sign-up and new addresses in the platform's one form of an e-mail address (allauth
        has lower-cased it; full-width letters, invisible characters… are ours), before allauth
        checks that no other account has it."""
        return identifiers.normalise_email(super().clean_email(email))

    def authenticate(self, request: HttpRequest, **credentials: Any):
        """The address typed at login in the same form as the stored ones, so it finds its
        account and axes counts its failures under one name."""
        if credentials.get("email"):
            credentials["email"] = identifiers.normalise_email(credentials["email"])
        return super().authenticate(request, **credentials)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where a sign-in lands when no safe `next` was given (allauth checks `next` first,
        for passwords and for SPID/CIE alike, and a sign-up lands here too): people who work
        in the reserved area (a role, Django staff, superuser) on its home, everyone else in
        their personal area, which is what a citizen comes for. By URL name, as accounts sits
        below citizens and cannot import it."""
        user = request.user
        if user.is_staff or user.is_superuser or is_staff_member(user):
            return super().get_login_redirect_url(request)
        return resolve_url("citizens_public:home")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """A new account (an e-mail sign-up, or a first SPID/CIE login) lands where a login
        would: allauth's default reads ACCOUNT_SIGNUP_REDIRECT_URL, the reserved home."""
        return self.get_login_redirect_url(request)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address axes takes (AXES_IPWARE_META_PRECEDENCE_ORDER): one setting decides it
        for the login lockout, allauth's rate limits and ours (core/ratelimit.py)."""
        return get_client_ip_address(request) or super().get_client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """No allauth limit on passwords: django-axes locks them (per account and address, with
        its lockout page and reset). allauth's `login_failed` limit is left to the second factor
        (second_factor.py), where it counts per account whatever the address."""

    def validation_error(self, code, *args) -> ValidationError:
        if code == "too_many_login_attempts":  # only the second factor reaches it (see above)
            minutes = int(settings.SECOND_FACTOR_COOLOFF.total_seconds() // 60)
            return ValidationError(
                _(
                    "Troppi codici errati: per proteggere l'account i codici di verifica sono "
                    "bloccati per al massimo %(minutes)d minuti, anche quello giusto. Ti abbiamo "
                    "avvisato per e-mail. Riprova più tardi."
                )
                % {"minutes": minutes},
                code=code,
            )
        return super().validation_error(code, *args)
