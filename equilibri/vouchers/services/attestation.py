"""The employer's attestation of the employment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
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
        application.decision_reason = _(
            "Il datore di lavoro non conferma il rapporto di lavoro: %(note)s"
        ) % {"note": note.strip()}
        change_state(application, AppState.REJECTED, by, application.decision_reason)
    return application
