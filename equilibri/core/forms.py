"""Form helpers shared by every app's views."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: each message on the field it names when
    the form has that field, otherwise at the top of the form (never a 500 for a field the
    form does not show)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


Saved = TypeVar("Saved")


def save_form(
    request: HttpRequest, form: BaseForm, save: Callable[[dict[str, Any]], Saved]
) -> Saved | None:
    """What `save` (a service call on the cleaned data) returns for a valid POSTed form; None
    while the form is not posted or not valid, or when the service refuses it: its
    ValidationError then shows on the form, which the page renders again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return None
