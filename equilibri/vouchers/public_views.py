"""Vouchers, public side (namespace vouchers_public): the published schemes, and the
worker's own applications (signed in, no staff role needed)."""

from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required
from equilibri.accounts.selectors import verified_identity_of
from equilibri.core.categories import CATEGORY_LABELS
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors
from equilibri.territory.models import Comune

from . import selectors, services
from .forms import (
    AttachmentForm,
    ExpenseForm,
    FamilyForm,
    PersonalForm,
)
from .models import (
    Attachment,
    ExpenseLine,
    FamilyMember,
    Scheme,
    VoucherApplication,
)

AppState = VoucherApplication.State


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# ---------------------------------------------------------------------------------------------
# Public: schemes


def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = selectors.public_schemes().order_by("-opens_on", "title")
    return render(
        request,
        "vouchers/scheme_list.html",
        {"schemes": schemes, "today": timezone.localdate()},
    )


def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(selectors.public_schemes(), pk=pk)
    return render(
        request,
        "vouchers/scheme_detail.html",
        {
            "scheme": scheme,
            "is_open": services.scheme_is_open(scheme),
            "employers": selectors.eligible_employers(scheme),
            "categories": _category_labels(scheme),
        },
    )


def _category_labels(scheme: Scheme) -> list[str]:
    return [str(CATEGORY_LABELS.get(slug, slug)) for slug in scheme.categories or []]


# ---------------------------------------------------------------------------------------------
# The worker's applications


@signed_in_required
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(selectors.public_schemes(), pk=pk)
    if request.method == "POST":
        try:
            application = services.application_start(scheme=scheme, by=request.user)
        except ValidationError as error:
            _flash(request, error)
            return redirect("vouchers_public:scheme_detail", scheme.pk)
        return redirect("vouchers_public:application_edit", application.pk)
    return render(
        request,
        "vouchers/application_start.html",
        {"scheme": scheme, "is_open": services.scheme_is_open(scheme)},
    )


@signed_in_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_of(request.user).order_by("-created_at")
    # Each with its headline figure, labelled by what it means in the application's state.
    rows = [
        (application, services.application_figures(application)[-1]) for application in applications
    ]
    return render(request, "vouchers/my_applications.html", {"rows": rows})


def _own(request, pk: int) -> VoucherApplication:
    return get_object_or_404(selectors.applications_of(request.user), pk=pk)


@signed_in_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    return render(
        request,
        "vouchers/application_detail.html",
        {
            "application": application,
            "events": application.events.select_related("by"),
            "expenses": application.expenses.all(),
            "editable": application.state in services.EDITABLE,
            "figures": services.application_figures(application),
        },
    )


def _personal_form(application: VoucherApplication, data=None) -> PersonalForm:
    """The personal-data form; bound to a copy, so a refused value never touches the draft."""
    scheme = application.scheme
    if scheme.comuni.exists():
        comuni = scheme.comuni.order_by("name")
    else:
        comuni = Comune.objects.filter(ats_id=scheme.action.project.plan.ats_id).order_by("name")
    return PersonalForm(
        data,
        instance=VoucherApplication.objects.get(pk=application.pk),
        employers=selectors.eligible_employers(scheme),
        comuni=comuni,
        declarations=scheme.declaration_list(),
        identity=verified_identity_of(application.applicant),
    )


def _edit_context(application: VoucherApplication, **forms) -> dict:
    scheme = application.scheme
    context = {
        "application": application,
        "scheme": scheme,
        "personal_form": forms.get("personal_form") or _personal_form(application),
        "family_form": forms.get("family_form") or FamilyForm(),
        "expense_form": forms.get("expense_form") or ExpenseForm(categories=scheme.categories),
        "attachment_form": forms.get("attachment_form")
        or AttachmentForm(documents=scheme.document_list()),
        "family": application.family.all(),
        "expenses": application.expenses.all(),
        "attachments": application.attachments.all(),
        "amount": services.application_amount(application),
        "missing": services.application_missing(application),
        "max_mb": round(services.max_upload_bytes() / 1024 / 1024, 1),
    }
    return context


def _editable_own(request, pk: int) -> VoucherApplication:
    application = _own(request, pk)
    if application.state not in services.EDITABLE:
        messages.info(request, _("La domanda è stata inviata: qui ne vedi lo stato."))
        raise _Redirect(application)
    return application


class _Redirect(Exception):
    def __init__(self, application):
        self.application = application


def _catch_redirect(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as stop:
            return redirect("vouchers_public:application_detail", stop.application.pk)

    return wrapper


def _draft_change(view):
    """A POST that changes the user's own draft: signed in, and sent to the application's page
    once the draft is no longer editable."""
    return signed_in_required(_catch_redirect(require_POST(view)))


def _add_to_draft(request, application, form, form_name, add, *, done, refused=None):
    """A family member, receipt or document added to the user's draft by `add` (a service taking
    the form's data); a refused one is shown back on its form, in the edit page."""
    if form.is_valid():
        try:
            add(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("vouchers_public:application_edit", application.pk)
    if refused:
        messages.error(request, refused)
    return render(
        request, "vouchers/application_edit.html", _edit_context(application, **{form_name: form})
    )


def _remove_from_draft(request, application_id: int, remove, *, done) -> HttpResponse:
    """Runs `remove` once the draft is known to be still editable (else back to its page)."""
    application = _editable_own(request, application_id)
    remove()
    messages.success(request, done)
    return redirect("vouchers_public:application_edit", application.pk)


@signed_in_required
@_catch_redirect
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_own(request, pk)
    if request.method == "POST":
        form = _personal_form(application, request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                services.application_update(application=application, by=request.user, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Dati salvati."))
                return redirect("vouchers_public:application_edit", application.pk)
        application.refresh_from_db()
        return render(
            request,
            "vouchers/application_edit.html",
            _edit_context(application, personal_form=form),
        )
    return render(request, "vouchers/application_edit.html", _edit_context(application))


@_draft_change
def family_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_own(request, pk)
    form = FamilyForm(request.POST)
    return _add_to_draft(
        request,
        application,
        form,
        "family_form",
        services.family_member_add,
        done=_("Familiare aggiunto."),
    )


@_draft_change
def family_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_part(request, FamilyMember, pk)
    return _remove_from_draft(
        request,
        member.application_id,
        lambda: services.family_member_remove(member=member, by=request.user),
        done=_("Familiare tolto."),
    )


@_draft_change
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_own(request, pk)
    form = ExpenseForm(request.POST, request.FILES, categories=application.scheme.categories)
    return _add_to_draft(
        request,
        application,
        form,
        "expense_form",
        services.expense_add,
        done=_("Spesa aggiunta con la sua ricevuta."),
        refused=_("La spesa non è stata aggiunta: correggi i campi segnalati."),
    )


@_draft_change
def expense_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = _own_part(request, ExpenseLine, pk)
    return _remove_from_draft(
        request,
        line.application_id,
        lambda: services.expense_remove(line=line, by=request.user),
        done=_("Spesa tolta."),
    )


@_draft_change
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_own(request, pk)
    form = AttachmentForm(request.POST, request.FILES, documents=application.scheme.document_list())
    return _add_to_draft(
        request,
        application,
        form,
        "attachment_form",
        services.attachment_add,
        done=_("Documento allegato."),
    )


@_draft_change
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _own_part(request, Attachment, pk)
    return _remove_from_draft(
        request,
        attachment.application_id,
        lambda: services.attachment_remove(attachment=attachment, by=request.user),
        done=_("Documento tolto."),
    )


@_draft_change
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_own(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except ValidationError as error:
        _flash(request, error)
        return redirect("vouchers_public:application_edit", application.pk)
    messages.success(
        request,
        _("Domanda inviata: riceverai un'e-mail a ogni cambio di stato."),
    )
    return redirect("vouchers_public:application_detail", application.pk)


_Part = TypeVar("_Part", FamilyMember, ExpenseLine, Attachment)


def _own_part(request, model: type[_Part], pk: int) -> _Part:
    """A family member, receipt or document of one of the user's own applications (else 404)."""
    mine = selectors.applications_of(request.user)
    return get_object_or_404(model.objects.filter(application__in=mine), pk=pk)


@signed_in_required
def own_receipt(request: HttpRequest, pk: int) -> FileResponse:
    return private_file_response(_own_part(request, ExpenseLine, pk).file)


@signed_in_required
def own_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return private_file_response(_own_part(request, Attachment, pk).file)
