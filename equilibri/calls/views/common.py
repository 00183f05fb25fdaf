"""What the reserved views share: a service run as the signed-in user with its outcome as a
message, form errors as messages, and the application's page context."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .. import eligibility, selectors
from ..models import Application

ResultT = TypeVar("ResultT")


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def form_error_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """The errors of a form posted from another page, shown there as messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def perform(
    request: HttpRequest, action: Callable[..., ResultT], success: str, /, **kwargs: Any
) -> ResultT | None:
    """Runs a service as the signed-in user: its refusal becomes error messages, its success the
    message `success`. Returns what the service returns, or None when it refused."""
    try:
        result = action(by=request.user, **kwargs)
    except ValidationError as error:
        error_messages(request, error)
        return None
    messages.success(request, success)
    return result


def perform_posted_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[..., Any],
    success: str,
    invalid: str | None = None,
    /,
    **kwargs: Any,
) -> None:
    """A form posted from another page, which the view then redirects back to: when valid, the
    service runs on its cleaned data and `kwargs` (see perform); otherwise the hint `invalid`,
    or without one the form's own errors, show as messages."""
    if form.is_valid():
        perform(request, action, success, **kwargs, **form.cleaned_data)
    elif invalid is not None:
        messages.error(request, invalid)
    else:
        form_error_messages(request, form)


def application_context(request, application: Application) -> dict:
    user = request.user
    is_applicant = selectors.applications_of(user).filter(pk=application.pk).exists()
    manages = selectors.applications_managed_by(user).filter(pk=application.pk).exists()
    return {
        "application": application,
        "call": application.call,
        "is_applicant": is_applicant,
        "manages": manages,
        "problems": eligibility.check(application) if application.is_editable else [],
        "partners": application.partners.select_related("organisation__comune"),
        "my_partner_rows": selectors.partnerships_of(user).filter(application=application),
        "lines": application.budget_lines.select_related("macro_area"),
        "areas": application.areas.select_related("macro_area"),
        "documents": application.documents.all(),
        "events": application.events.select_related("by"),
        "max_grant": eligibility.max_grant(application.call, application.total_cost),
    }
