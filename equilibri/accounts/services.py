import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.core import mail
from equilibri.territory.models import ATS

from .models import StaffRole, User
from .roles import Role, forget_grants

logger = logging.getLogger(__name__)


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])  # audited by auditlog
    return user


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
