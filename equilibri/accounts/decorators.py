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


def staff_required(view):
    """Signed in, holding a staff role, with two-factor authentication active."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        if mfa_missing(request.user):
            return redirect_to_mfa_setup(request)
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
