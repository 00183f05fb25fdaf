from collections.abc import Iterable

from allauth.mfa.models import Authenticator

from .models import StaffRole
from .roles import Grant, Role


def staff_role_grants(user) -> Iterable[Grant]:
    for staff_role in StaffRole.objects.filter(user=user).select_related("ats"):
        label = staff_role.ats.name if staff_role.ats else "Regione Lombardia"
        yield Grant(Role(staff_role.role), staff_role.ats_id, label)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def account_export(user) -> dict:
    from .roles import grants_of

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": [{"role": g.role.value, "scope": g.scope_label} for g in grants_of(user)],
    }
