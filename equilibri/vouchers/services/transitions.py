"""A state change: the application's locked row, the new state with its event, and the
e-mail to the applicant."""

from ..models import ApplicationEvent, VoucherApplication
from .notifications import notify_state


def locked(application: VoucherApplication) -> VoucherApplication:
    """The application's row, locked until the end of the transaction, with its fresh state."""
    return VoucherApplication.objects.select_for_update().get(pk=application.pk)


def change_state(application: VoucherApplication, to: str, by, note: str = "") -> None:
    before = application.state
    application.state = to
    application.save()
    ApplicationEvent.objects.create(
        application=application, from_state=before, state=to, by=by, note=note
    )
    notify_state(application, note)
