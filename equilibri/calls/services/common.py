"""What every stage of a call shares: refusals naming a form field, the access checks of the
ATS's operators and of the applicant, validated saves, the application's timeline and uploads."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _

from equilibri.core import uploads
from equilibri.core.uploads import CheckedUpload

from ..models import Application, ApplicationEvent, Call
from ..selectors import applications_of, calls_managed_by

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

ModelT = TypeVar("ModelT", bound=models.Model)


def field_error(field: str | None, message: str, code: str = "invalid") -> ValidationError:
    """A refusal the form shows beside `field` (or above the form, without one)."""
    if field:
        return ValidationError({field: [ValidationError(message, code=code)]})
    return ValidationError(message, code=code)


def reject_unknown_fields(fields: dict, allowed: set[str] | tuple[str, ...]) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


def save_valid(instance: ModelT) -> ModelT:
    """Saves a new row after the model's own validation (field limits, choices)."""
    instance.full_clean()
    instance.save()
    return instance


def record_event(application: Application, by, note: str = "") -> None:
    """One line in the application's timeline, in the state it has just reached."""
    ApplicationEvent.objects.create(
        application=application, state=application.state, by=by, note=note
    )


def require_call_manager(by, call: Call) -> None:
    if by is None or not calls_managed_by(by).filter(pk=call.pk).exists():
        raise PermissionDenied(_("Solo gli operatori dell'ATS del bando possono modificarlo."))


def require_application_manager(by, application: Application) -> None:
    require_call_manager(by, application.call)


def require_applicant(by, application: Application) -> Application:
    if by is None or not (
        by.is_superuser or applications_of(by).filter(pk=application.pk).exists()
    ):
        raise PermissionDenied(_("Solo chi presenta la domanda può modificarla."))
    return application


def require_draft(application: Application) -> None:
    if application.state != Application.State.DRAFT:
        raise ValidationError(
            _("La domanda è «%(state)s»: si modifica solo finché è in bozza.")
            % {"state": application.get_state_display()},
            code="not_draft",
        )


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The document to store, checked by its content (equilibri.core.uploads: a clean PDF, or a
    JPEG / PNG re-encoded), or an error on the form's file field."""
    try:
        return uploads.check_upload(upload, max_bytes=MAX_UPLOAD_BYTES)
    except ValidationError as error:
        raise field_error("file", error.messages[0], code=error.code or "invalid") from error
