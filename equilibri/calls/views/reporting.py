"""Reporting of funded applications: expense reports and their items, the ATS's check, the
documents and payments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required, staff_permission_required
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors

from .. import eligibility, selectors, services
from ..forms import (
    ExpenseCheckForm,
    ExpenseItemForm,
    ExpenseReportForm,
    ExpenseSubmitForm,
    PaymentForm,
    ReportCloseForm,
)
from ..models import Application, ExpenseItem, ExpenseReport
from .common import error_messages, perform, perform_posted_form


@signed_in_required
def reporting(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    is_applicant = selectors.applications_of(request.user).filter(pk=pk).exists()
    manages = selectors.applications_managed_by(request.user).filter(pk=pk).exists()
    form = ExpenseReportForm(request.POST or None)
    if request.method == "POST":
        if not is_applicant:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.expense_report_create(
                    application=application, by=request.user, kind=form.cleaned_data["kind"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("calls:report_detail", report.pk)
    accepted, grant = services.final_grant_for(application)
    return render(
        request,
        "calls/reporting.html",
        {
            "application": application,
            "call": application.call,
            "reports": application.expense_reports.prefetch_related("items"),
            "payments": application.payments.all(),
            "is_applicant": is_applicant,
            "manages": manages,
            "form": form
            if is_applicant and application.state == Application.State.FUNDED
            else None,
            "payment_form": PaymentForm()
            if manages and application.state == Application.State.FUNDED
            else None,
            "accepted": accepted,
            "grant_now": grant,
        },
    )


@signed_in_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        selectors.reports_visible_to(request.user).prefetch_related(
            Prefetch("items", queryset=ExpenseItem.objects.select_related("budget_line"))
        ),
        pk=pk,
    )
    application = report.application
    is_applicant = selectors.applications_of(request.user).filter(pk=application.pk).exists()
    manages = selectors.applications_managed_by(request.user).filter(pk=application.pk).exists()
    draft = report.state == ExpenseReport.State.DRAFT
    submitted = report.state == ExpenseReport.State.SUBMITTED
    accepted, grant = services.final_grant_for(application)
    return render(
        request,
        "calls/report_detail.html",
        {
            "report": report,
            "application": application,
            "call": application.call,
            "is_applicant": is_applicant,
            "manages": manages,
            "item_form": ExpenseItemForm(application=application)
            if is_applicant and draft
            else None,
            "submit_form": ExpenseSubmitForm() if is_applicant and draft else None,
            "check_form": ExpenseCheckForm() if manages and submitted else None,
            "close_form": ReportCloseForm() if manages and submitted else None,
            "accepted": accepted,
            "grant_now": grant,
        },
    )


@require_POST
@signed_in_required
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ExpenseReport.objects.filter(application__in=selectors.applications_of(request.user)),
        pk=pk,
    )
    form = ExpenseItemForm(request.POST, request.FILES, application=report.application)
    perform_posted_form(
        request, form, services.expense_item_add, _("Spesa aggiunta al rendiconto."), report=report
    )
    return redirect("calls:report_detail", report.pk)


@require_POST
@signed_in_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ExpenseReport.objects.filter(application__in=selectors.applications_of(request.user)),
        pk=pk,
    )
    form = ExpenseSubmitForm(request.POST)
    form.is_valid()
    perform(
        request,
        services.expense_report_submit,
        _("Rendiconto inviato all'ATS per la verifica."),
        report=report,
        narrative=form.cleaned_data.get("narrative", ""),
    )
    return redirect("calls:report_detail", report.pk)


@require_POST
@staff_permission_required("calls.manage")
def expense_check(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ExpenseItem.objects.filter(
            report__application__in=selectors.applications_managed_by(request.user)
        ),
        pk=pk,
    )
    form = ExpenseCheckForm(request.POST)
    perform_posted_form(
        request,
        form,
        services.expense_item_check,
        _("Verifica della spesa registrata."),
        _("Scegli l'esito della verifica."),
        item=item,
    )
    return redirect("calls:report_detail", item.report_id)


@require_POST
@staff_permission_required("calls.manage")
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ExpenseReport.objects.filter(
            application__in=selectors.applications_managed_by(request.user)
        ),
        pk=pk,
    )
    form = ReportCloseForm(request.POST)
    form.is_valid()
    try:
        report = services.expense_report_check(
            report=report, by=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        application = report.application
        if application.final_grant is not None:
            messages.success(
                request,
                _("Rendiconto finale verificato: contributo rideterminato in %(grant)s.")
                % {"grant": eligibility.euro(application.final_grant)},
            )
        else:
            messages.success(request, _("Rendiconto verificato."))
    return redirect("calls:report_detail", report.pk)


@signed_in_required
def expense_document(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(selectors.expense_items_visible_to(request.user), pk=pk)
    return private_file_response(item.document)


@require_POST
@staff_permission_required("calls.manage")
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_managed_by(request.user), pk=pk)
    form = PaymentForm(request.POST)
    perform_posted_form(
        request, form, services.payment_record, _("Pagamento registrato."), application=application
    )
    return redirect("calls:reporting", application.pk)
