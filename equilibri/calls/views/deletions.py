"""Deleting a part of a call's configuration, or a line of one's own draft budget: a GET shows
what is about to go (or why it can no longer go) with a confirmation form; only the POST of
that form deletes. No JavaScript needed."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import signed_in_required, staff_permission_required
from equilibri.core.forms import apply_errors

from .. import eligibility, selectors, services
from ..forms import change_reason_field
from ..models import BudgetLine, CallCriterion, CallDocument, CallFAQ, CallMacroArea, CallRule


class ConfirmForm(forms.Form):
    def __init__(self, *args, needs_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_reason:
            self.fields["reason"] = change_reason_field()


def confirm_delete(
    request: HttpRequest,
    *,
    part: models.Model,
    name: str,
    service: Callable[..., Any],
    argument: str,
    back: str,
    refusal: str | None,
    needs_reason: bool = False,
) -> HttpResponse:
    # Bound on every POST: the confirmation carries no data unless a reason is asked for.
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, needs_reason=needs_reason
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            service(by=request.user, **{argument: part}, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("«%(name)s» eliminato.") % {"name": name})
            return redirect(back)
    return render(
        request,
        "calls/confirm_delete.html",
        {"name": name, "form": form, "back": back, "refusal": refusal},
    )


def _call_part(request: HttpRequest, model: type[models.Model], pk: int) -> Any:
    return get_object_or_404(
        model.objects.filter(call__in=selectors.calls_managed_by(request.user)),  # type: ignore[attr-defined]
        pk=pk,
    )


def _confirm_call_part(
    request: HttpRequest, part: Any, name: str, service, argument: str, page: str, **kwargs
) -> HttpResponse:
    return confirm_delete(
        request,
        part=part,
        name=name,
        service=service,
        argument=argument,
        back=reverse(page, args=[part.call_id]),
        refusal=services.delete_refusal(part),
        **kwargs,
    )


@staff_permission_required("calls.manage")
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _call_part(request, CallRule, pk)
    return _confirm_call_part(
        request,
        rule,
        eligibility.describe(rule),
        services.call_rule_delete,
        "rule",
        "calls:call_rules",
        needs_reason=rule.call.is_published,
    )


@staff_permission_required("calls.manage")
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _call_part(request, CallCriterion, pk)
    return _confirm_call_part(
        request,
        criterion,
        criterion.name,
        services.call_criterion_delete,
        "criterion",
        "calls:call_criteria",
    )


@staff_permission_required("calls.manage")
def macro_area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = _call_part(request, CallMacroArea, pk)
    return _confirm_call_part(
        request, area, area.name, services.call_macro_area_delete, "area", "calls:call_areas"
    )


@staff_permission_required("calls.manage")
def faq_delete(request: HttpRequest, pk: int) -> HttpResponse:
    faq = _call_part(request, CallFAQ, pk)
    return _confirm_call_part(
        request, faq, faq.question, services.call_faq_delete, "faq", "calls:call_faqs"
    )


@staff_permission_required("calls.manage")
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _call_part(request, CallDocument, pk)
    return _confirm_call_part(
        request,
        document,
        document.title,
        services.call_document_delete,
        "document",
        "calls:call_documents",
    )


@signed_in_required
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(
        BudgetLine.objects.filter(application__in=selectors.applications_of(request.user)), pk=pk
    )
    refusal = (
        None
        if line.application.is_editable
        else _("La domanda è stata inviata: le voci di budget non si eliminano più.")
    )
    return confirm_delete(
        request,
        part=line,
        name=line.description,
        service=services.budget_line_delete,
        argument="line",
        back=reverse("calls:application_edit", args=[line.application_id]),
        refusal=refusal,
    )
