"""The employer's attestation of the employment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import selectors
from ..models import VoucherApplication
from .checks import field_error
from .transitions import change_state, locked

AppState = VoucherApplication.State


@transaction.atomic
def application_attest(
    *, application: VoucherApplication, confirmed: bool, note: str = "", by
) -> VoucherApplication:
    """The employer's organisation admin confirms (or denies) the employment."""
    if not selectors.applications_attested_by(by).filter(pk=application.pk).exists():
        raise PermissionDenied
    application = locked(application)
    if application.state != AppState.SUBMITTED or application.employer_confirmed_at:
        raise ValidationError(_("Questa domanda non attende la conferma del datore di lavoro."))
    if confirmed:
        application.employer_confirmed_at = timezone.now()
        change_state(application, AppState.EMPLOYER_CONFIRMED, by, note)
    else:
        if not note.strip():
            raise field_error("note", _("Spiega perché il rapporto di lavoro non è confermato."))
        application.employer_denied_at = timezone.now()
        application.decision_reason = _(
            "Il datore di lavoro non conferma il rapporto di lavoro: %(note)s"
        ) % {"note": note.strip()}
        change_state(application, AppState.REJECTED, by, application.decision_reason)
    return application


def attestation_status(application: VoucherApplication) -> str:
    """What the employer sees of an application: only where its own attestation stands, never
    the application's outcome (approved, paid, rejected) nor its amounts."""
    if application.employer_confirmed_at:
        answer, when = (
            _("Rapporto di lavoro confermato il %(date)s"),
            application.employer_confirmed_at,
        )
    elif application.employer_denied_at:
        answer, when = (
            _("Rapporto di lavoro non confermato il %(date)s"),
            application.employer_denied_at,
        )
    elif application.state == AppState.SUBMITTED:
        return _("Da confermare")
    else:
        return _("Non più da confermare")
    return answer % {"date": date_format(timezone.localtime(when), "SHORT_DATE_FORMAT")}
