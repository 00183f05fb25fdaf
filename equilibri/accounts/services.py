import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
    locked; sent once the transaction commits, like every e-mail of the platform."""
    logger.warning("second factor locked", extra={"user_id": user.pk, "ip_address": ip_address})
    minutes = int(settings.SECOND_FACTOR_COOLOFF.total_seconds() // 60)
    subject = _("%(site)s: codici di verifica errati sul tuo account") % {
        "site": settings.SITE_NAME
    }
    body = _(
        "Il %(when)s qualcuno ha inserito la password corretta del tuo account %(email)s, ma poi "
        "ha sbagliato %(count)d volte il codice della verifica in due passaggi (indirizzo di "
        "provenienza: %(ip)s). Per proteggerti, i codici sono bloccati per %(minutes)d minuti.\n\n"
        "Se eri tu, attendi e riprova. Se non eri tu, la tua password è nota ad altri: "
        "reimpostala subito da %(url)s e avvisa l'assistenza."
    ) % {
        "when": date_format(timezone.localtime(), "j F Y, H:i"),
        "email": user.email,
        "count": settings.SECOND_FACTOR_FAILURE_LIMIT,
        "ip": ip_address or _("sconosciuto"),
        "minutes": minutes,
        "url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
    }
    recipients = [user.email]
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
