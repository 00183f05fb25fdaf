"""The one way the office's forms are saved: a service call on the cleaned data, its refusal
shown on the form."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from equilibri.core.forms import apply_errors

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
