import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.core import mail
from equilibri.territory.models import ATS

from .identity import Identity
from .models import IdentityLogin, StaffRole, User, VerifiedIdentity
from .roles import Role, forget_grants

logger = logging.getLogger(__name__)


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])  # audited by auditlog
    return user


@transaction.atomic
def identity_verify(*, user: User, identity: Identity) -> VerifiedIdentity:
    """The identity the gateway asserted becomes the account's: its fiscal number (the same one
    at every later login: the adapter refuses another), names and date of birth as asserted,
    which the account's own names follow. The unique fiscal number keeps two accounts from ever
    holding one person."""
    verified, _created = VerifiedIdentity.objects.update_or_create(
        user=user,
        defaults={
            "fiscal_number": identity.fiscal_number,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "birth_date": identity.birth_date,
            "provider": identity.provider,
            "verified_at": timezone.now(),
        },
    )
    names = {"first_name": identity.first_name, "last_name": identity.last_name}
    changed = [field for field, value in names.items() if value and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, names[field])
    if changed:
        user.save(update_fields=changed)  # audited by auditlog
    return verified


@transaction.atomic
def identity_login_record(
    *, user: User, identity: Identity, ip_address: str | None
) -> IdentityLogin:
    """An accepted sign-in through the gateway: the identity verified again, the login kept
    with its level of assurance."""
    identity_verify(user=user, identity=identity)
    logger.info(
        "identity login accepted",
        extra={"user_id": user.pk, "provider": identity.provider, "level": identity.level},
    )
    return IdentityLogin.objects.create(
        user=user,
        provider=identity.provider,
        level=identity.level,
        outcome=IdentityLogin.Outcome.ACCEPTED,
        fiscal_number=identity.fiscal_number,
        ip_address=ip_address,
    )


def identity_refusal_record(
    *,
    provider: str,
    reason: str,
    ip_address: str | None,
    fiscal_number: str = "",
    level: int | None = None,
    user: User | None = None,
) -> IdentityLogin:
    """A sign-in through the gateway turned away: nothing else is written, this row says who
    tried (the fiscal number when the gateway gave one), how and why."""
    logger.warning(
        "identity login refused",
        extra={"provider": provider, "reason": reason, "user_id": getattr(user, "pk", None)},
    )
    return IdentityLogin.objects.create(
        user=user,
        provider=provider[:20],
        level=level,
        outcome=IdentityLogin.Outcome.REFUSED,
        reason=reason[:40],
        fiscal_number=fiscal_number[:16],
        ip_address=ip_address,
    )


@transaction.atomic
def staff_role_grant(*, user: User, role: Role, ats: ATS | None) -> StaffRole:
    staff_role, _ = StaffRole.objects.get_or_create(user=user, role=role, ats=ats)
    forget_grants(user)
    return staff_role


def second_factor_locked_notify(*, user: User, ip_address: str | None) -> None:
    """Tell the person that someone who knows their password failed the second factor until it
    locked."""
    logger.warning("second factor locked", extra={"user_id": user.pk, "ip_address": ip_address})
    mail.send(
        user,
        "accounts/mail/second_factor_locked",
        {
            "site": settings.SITE_NAME,
            "when": date_format(timezone.localtime(), "j F Y, H:i"),
            "email": user.email,
            "count": settings.SECOND_FACTOR_FAILURE_LIMIT,
            "ip": ip_address or _("sconosciuto"),
            "minutes": int(settings.SECOND_FACTOR_COOLOFF.total_seconds() // 60),
            "url": mail.absolute_reverse("account_reset_password"),
        },
    )
