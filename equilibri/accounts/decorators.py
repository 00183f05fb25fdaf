from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import is_staff_member
from .selectors import has_totp


def mfa_missing(user) -> bool:
    """Staff roles must have TOTP two-factor authentication active."""
    return is_staff_member(user) and not has_totp(user)


def redirect_to_mfa_setup(request):
    messages.warning(
        request,
        _(
            "Il tuo ruolo richiede la verifica in due passaggi: attivala con un'app di "
            "autenticazione per entrare nell'area riservata (per sicurezza ti chiederemo di "
            "nuovo la password)."
        ),
    )
    return redirect("mfa_activate_totp")


def signed_in_required(view):
    """Signed in (otherwise to the login page and back), and with two-factor authentication
    active when the person's role requires it (every staff role; a citizen needs none). The
    one decorator for pages that need an account."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if mfa_missing(request.user):
            return redirect_to_mfa_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """signed_in_required, and holding a staff role (403 without)."""

    @signed_in_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_permission_required(permission: str):
    """staff_required, plus a `rules` permission (e.g. "plans.read"); 403 without it."""

    def decorator(view):
        @staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
