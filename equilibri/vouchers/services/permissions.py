"""Who may act: the scheme's managers, the applicant on their own draft while it is
editable."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Scheme, VoucherApplication

AppState = VoucherApplication.State
EDITABLE = (AppState.DRAFT, AppState.INTEGRATION_REQUESTED)


def is_manager(user, scheme: Scheme) -> bool:
    return selectors.schemes_managed_by(user).filter(pk=scheme.pk).exists()


def require_manager(scheme: Scheme, by) -> None:
    if not is_manager(by, scheme):
        raise PermissionDenied


def require_applicant(application: VoucherApplication, by) -> None:
    if application.applicant_id is None or application.applicant_id != by.pk:
        raise PermissionDenied


def require_editable(application: VoucherApplication) -> None:
    """On the stored state (the caller's copy may be older)."""
    state = VoucherApplication.objects.filter(pk=application.pk).values_list("state", flat=True)
    if state.first() not in EDITABLE:
        raise ValidationError(_("La domanda è già stata inviata: non si può più modificare."))
