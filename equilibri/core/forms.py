"""Form helpers shared by every app's views."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: each message on the field it names when
    the form has that field, otherwise at the top of the form (never a 500 for a field the
    form does not show)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
