from collections.abc import Iterable

from allauth.mfa.models import Authenticator

from .models import IdentityLogin, StaffRole, User, VerifiedIdentity
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


def identity_owner(fiscal_number: str) -> User | None:
    """The account whose verified identity has this fiscal number, if any."""
    verified = VerifiedIdentity.objects.filter(fiscal_number=fiscal_number).select_related("user")
    found = verified.first()
    return found.user if found else None


def verified_identity_of(user) -> VerifiedIdentity | None:
    """The account's verified identity (SPID, CIE), or None: the forms that ask for a fiscal
    number and a name take them from here when there is one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return VerifiedIdentity.objects.filter(user=user).first()


def last_identity_login(user) -> IdentityLogin | None:
    return (
        IdentityLogin.objects.filter(user=user, outcome=IdentityLogin.Outcome.ACCEPTED)
        .order_by("-created_at")
        .first()
    )


def identity_export(user) -> dict:
    verified = verified_identity_of(user)
    return {
        "verified_identity": (
            {
                "fiscal_number": verified.fiscal_number,
                "first_name": verified.first_name,
                "last_name": verified.last_name,
                "birth_date": verified.birth_date.isoformat() if verified.birth_date else None,
                "provider": verified.provider,
                "verified_at": verified.verified_at.isoformat(),
            }
            if verified
            else None
        ),
        "identity_logins": [
            {
                "provider": login.provider,
                "level": login.level,
                "outcome": login.outcome,
                "reason": login.reason,
                "ip_address": login.ip_address,
                "at": login.created_at.isoformat(),
            }
            for login in IdentityLogin.objects.filter(user=user)
        ],
    }
