"""Vouchers, reserved area (namespace vouchers): the manager's schemes and review, the
employer's attestation and the payment batches."""

from functools import partial
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.audit import log_personal_data_read
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors

from . import exporters, selectors, services
from .forms import (
    ApproveForm,
    AttestForm,
    BatchForm,
    ChecklistForm,
    IntegrationForm,
    PaidForm,
    RejectForm,
    SchemeForm,
)
from .models import (
    Attachment,
    ExpenseLine,
    PaymentBatch,
    Scheme,
    VoucherApplication,
)

AppState = VoucherApplication.State


# ---------------------------------------------------------------------------------------------
# Reserved area: schemes


@staff_permission_required("vouchers.read")
def staff_scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = selectors.schemes_visible_to(request.user).order_by("-opens_on", "title")
    return render(
        request,
        "vouchers/staff/scheme_list.html",
        {
            "schemes": schemes,
            "can_create": services.actions_for_schemes(request.user).exists(),
        },
    )


@staff_permission_required("vouchers.manage")
def scheme_create(request: HttpRequest) -> HttpResponse:
    actions = services.actions_for_schemes(request.user).order_by("project__title", "title")
    form = SchemeForm(request.POST or None, actions=actions)
    return _scheme_form(request, form, None, services.scheme_create, _("Bando creato."))


@staff_permission_required("vouchers.manage")
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(selectors.schemes_managed_by(request.user), pk=pk)
    form = SchemeForm(request.POST or None, instance=Scheme.objects.get(pk=scheme.pk), actions=None)
    save = partial(services.scheme_update, scheme=scheme)
    return _scheme_form(request, form, scheme, save, _("Bando aggiornato."))


def _scheme_form(request, form: SchemeForm, scheme: Scheme | None, save, done) -> HttpResponse:
    """The scheme's form, saved on POST by `save` (scheme_create, or scheme_update of `scheme`)
    with the form's data; refused values are shown on their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("vouchers:scheme_detail", saved.pk)
    return render(request, "vouchers/staff/scheme_form.html", {"form": form, "scheme": scheme})


@staff_permission_required("vouchers.read")
def staff_scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(selectors.schemes_visible_to(request.user), pk=pk)
    state = request.GET.get("stato", "")
    applications = selectors.applications_reviewed_by(request.user).filter(scheme=scheme)
    if state in AppState.values:
        applications = applications.filter(state=state)
    page = Paginator(applications.order_by("submitted_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "vouchers/staff/scheme_detail.html",
        {
            "scheme": scheme,
            "page": page,
            "state": state,
            "states": [
                (value, label) for value, label in AppState.choices if value != AppState.DRAFT
            ],
            "counts": selectors.scheme_counts(scheme),
            "waiting": selectors.waiting_queue(scheme),
            "batches": scheme.batches.all(),
            "manages": services.is_manager(request.user, scheme),
            "batch_form": BatchForm(),
            "payment_warnings": services.payment_warnings(scheme, services.ready_to_pay(scheme)),
        },
    )


# ---------------------------------------------------------------------------------------------
# Reserved area: review


def _documents(application: VoucherApplication) -> list[tuple[str, str, str, str]]:
    docs = [
        (
            f"expense-{line.pk}",
            _("Ricevuta %(number)s (%(provider)s)")
            % {"number": line.receipt_number, "provider": line.provider_name},
            line.check_state,
            line.check_note,
        )
        for line in application.expenses.all()
    ]
    docs += [
        (f"attachment-{a.pk}", a.name, a.check_state, a.check_note)
        for a in application.attachments.all()
    ]
    return docs


@staff_permission_required("vouchers.read")
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_reviewed_by(request.user), pk=pk)
    log_personal_data_read(
        application,
        actor=request.user,
        fields=["first_name", "last_name", "fiscal_code", "iban", "expenses", "family"],
        purpose="istruttoria della domanda di voucher",
    )
    context = _review_context(request, application)
    return render(request, "vouchers/staff/application_review.html", context)


def _review_context(request, application: VoucherApplication, **forms) -> dict:
    manages = services.is_manager(request.user, application.scheme)
    return {
        "application": application,
        "events": application.events.select_related("by"),
        "expenses": application.expenses.all(),
        "attachments": application.attachments.all(),
        "family": application.family.all(),
        "figures": services.application_figures(application),
        "manages": manages,
        "checklist_form": forms.get("checklist_form")
        or ChecklistForm(documents=_documents(application)),
        "integration_form": forms.get("integration_form") or IntegrationForm(),
        "approve_form": forms.get("approve_form")
        or ApproveForm(initial={"amount": application.requested_amount}),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "can_approve": application.state == AppState.EMPLOYER_CONFIRMED,
        "unchecked": services.documents_unchecked(application)
        if application.state == AppState.EMPLOYER_CONFIRMED
        else [],
        "can_integrate": application.state in (AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED),
        "can_reject": application.state in services.REJECTABLE,
    }


def _managed_application(request, pk: int) -> VoucherApplication:
    application = get_object_or_404(selectors.applications_reviewed_by(request.user), pk=pk)
    if not services.is_manager(request.user, application.scheme):
        raise PermissionDenied
    return application


def _review_action(request, pk, form_class, form_name, decide, success):
    """A manager's decision on the application: `decide` is a service taking the application,
    the manager and the form's data; a refused decision is shown back on its form."""
    application = _managed_application(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            decide(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("vouchers:application_review", application.pk)
    application.refresh_from_db()
    return render(
        request,
        "vouchers/staff/application_review.html",
        _review_context(request, application, **{form_name: form}),
    )


@staff_permission_required("vouchers.manage")
@require_POST
def application_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = ChecklistForm(request.POST, documents=_documents(application))
    if form.is_valid():
        try:
            services.documents_check(application=application, checks=form.checks(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Verifica dei documenti registrata."))
            return redirect("vouchers:application_review", application.pk)
    return render(
        request,
        "vouchers/staff/application_review.html",
        _review_context(request, application, checklist_form=form),
    )


@staff_permission_required("vouchers.manage")
@require_POST
def application_integration(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_action(
        request,
        pk,
        IntegrationForm,
        "integration_form",
        services.application_request_integration,
        _("Integrazione richiesta: la domanda torna a chi l'ha presentata."),
    )


@staff_permission_required("vouchers.manage")
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def approve(*, application, by, amount, reason, override_reason):
        result = services.application_approve(
            application=application,
            by=by,
            amount=amount,
            reason=reason,
            override_reason=override_reason,
        )
        if result.state == AppState.WAITING:
            messages.warning(
                request,
                _("Budget esaurito: la domanda è in attesa e sarà approvata appena si libera."),
            )

    done = _("Decisione registrata.")
    return _review_action(request, pk, ApproveForm, "approve_form", approve, done)


@staff_permission_required("vouchers.manage")
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_action(
        request,
        pk,
        RejectForm,
        "reject_form",
        services.application_reject,
        _("Domanda respinta."),
    )


@staff_permission_required("vouchers.read")
def staff_receipt(request: HttpRequest, pk: int) -> FileResponse:
    return _reviewed_file(request, ExpenseLine, pk, field="receipt", purpose="ricevuta")


@staff_permission_required("vouchers.read")
def staff_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return _reviewed_file(request, Attachment, pk, field="document", purpose="documento")


_Stored = TypeVar("_Stored", ExpenseLine, Attachment)


def _reviewed_file(
    request, model: type[_Stored], pk: int, *, field: str, purpose: str
) -> FileResponse:
    """The file of a receipt or document of an application the user reviews; the reading is
    logged, as every reading of an applicant's personal data."""
    readable = selectors.applications_reviewed_by(request.user)
    item = get_object_or_404(model.objects.filter(application__in=readable), pk=pk)
    log_personal_data_read(item.application, actor=request.user, fields=[field], purpose=purpose)
    return private_file_response(item.file)


# ---------------------------------------------------------------------------------------------
# Reserved area: employer attestation


@staff_permission_required("vouchers.attest")
def attestation_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_attested_by(request.user).order_by("-submitted_at", "-pk")
    pending = [
        a for a in applications if a.state == AppState.SUBMITTED and not a.employer_confirmed_at
    ]
    # Only the attestation's own status: the employer has no business with the outcome.
    done = [(a, services.attestation_status(a)) for a in applications if a not in pending]
    return render(
        request, "vouchers/staff/attestation_list.html", {"pending": pending, "done": done[:50]}
    )


@staff_permission_required("vouchers.attest")
def attestation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_attested_by(request.user), pk=pk)
    log_personal_data_read(
        application,
        actor=request.user,
        fields=["first_name", "last_name", "fiscal_code"],
        purpose="attestazione del rapporto di lavoro",
    )
    form = AttestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_attest(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Risposta registrata: grazie."))
            return redirect("vouchers:attestation_list")
    pending = application.state == AppState.SUBMITTED and not application.employer_confirmed_at
    return render(
        request,
        "vouchers/staff/attestation_detail.html",
        {
            "application": application,
            "form": form,
            "pending": pending,
            "status": services.attestation_status(application),
        },
    )


# ---------------------------------------------------------------------------------------------
# Reserved area: payments


@staff_permission_required("vouchers.manage")
@require_POST
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(selectors.schemes_managed_by(request.user), pk=pk)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = services.batch_create(scheme=scheme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Lotto di pagamento creato."))
            return redirect("vouchers:batch_detail", batch.pk)
    else:
        messages.error(request, _("Dai un titolo al lotto."))
    return redirect("vouchers:scheme_detail", scheme.pk)


@staff_permission_required("vouchers.read")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(
        selectors.batches_visible_to(request.user).prefetch_related(
            Prefetch("payments__application")
        ),
        pk=pk,
    )
    manages = services.is_manager(request.user, batch.scheme)
    form = PaidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.batch_mark_paid(batch=batch, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Lotto segnato come pagato."))
                return redirect("vouchers:batch_detail", batch.pk)
    return render(
        request,
        "vouchers/staff/batch_detail.html",
        {
            "batch": batch,
            "payments": batch.payments.select_related("application"),
            "form": form,
            "manages": manages and batch.state == PaymentBatch.State.OPEN,
            "warnings": services.payment_warnings(
                batch.scheme, [payment.application for payment in batch.payments.all()]
            ),
        },
    )


@staff_permission_required("vouchers.read")
def batch_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch = get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)
    return exporters.batch_response(request, batch, fmt)


@staff_permission_required("vouchers.read")
def batch_sepa(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)
    try:
        return exporters.batch_sepa_response(batch)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("vouchers:batch_detail", batch.pk)
