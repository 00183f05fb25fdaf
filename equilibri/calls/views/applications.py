"""An application by its lead body (or person) and partners: start, edit, the live eligibility
check, partners, budget lines, documents, submission and receipt."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required
from equilibri.accounts.selectors import verified_identity_of
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors
from equilibri.network.selectors import organisations_administered_by

from .. import eligibility, pdf, selectors, services
from ..forms import (
    ApplicationDocumentForm,
    ApplicationForm,
    ApplicationStartForm,
    BudgetLineForm,
    IntegrationRequestForm,
    IntegrationResponseForm,
    PartnerInviteForm,
)
from ..models import Application, ApplicationDocument, ApplicationPartner
from .common import application_context, error_messages, perform, perform_posted_form


@signed_in_required
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.open_calls(), pk=pk)
    leads = organisations_administered_by(request.user)
    form = ApplicationStartForm(
        request.POST or None, call=call, leads=leads, identity=verified_identity_of(request.user)
    )
    if not call.for_individuals and not leads.exists():
        messages.warning(
            request,
            _(
                "Per presentare una domanda a questo bando devi amministrare l'organizzazione "
                "capofila: registrala prima nell'area riservata."
            ),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_create(
                call=call,
                by=request.user,
                lead=data.get("lead"),
                title=data["title"],
                **({"applicant_name": data["applicant_name"]} if call.for_individuals else {}),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Domanda %(id)s creata in bozza: completala e inviala entro la chiusura.")
                % {"id": application.public_id},
            )
            return redirect("calls:application_edit", application.pk)
    return render(request, "calls/application_start.html", {"call": call, "form": form})


@signed_in_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    context = application_context(request, application)
    if context["is_applicant"] and application.integration_request:
        context["integration_form"] = IntegrationResponseForm()
        context["document_form"] = ApplicationDocumentForm(call=application.call)
    if context["manages"] and application.state == Application.State.SUBMITTED:
        context["integration_request_form"] = IntegrationRequestForm()
    return render(request, "calls/application_detail.html", context)


@signed_in_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    if not application.is_editable:
        return redirect("calls:application_detail", application.pk)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in (
                "title",
                "summary",
                "requested_grant",
                "applicant_name",
                "lead_operating_office_in_lombardy",
            )
            if name in form.fields
        }
        try:
            services.application_update(
                application=application, by=request.user, declarations=form.declarations(), **fields
            )
            for area, text in form.area_texts():
                services.application_area_set(
                    application=application, macro_area=area, description=text, by=request.user
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Bozza salvata."))
            return redirect("calls:application_edit", application.pk)
    application.refresh_from_db()
    context = application_context(request, application)
    context.update(
        {
            "form": form,
            "partner_form": PartnerInviteForm(organisations=_partner_choices(application))
            if not application.call.for_individuals
            else None,
            "line_form": BudgetLineForm(call=application.call),
            "document_form": ApplicationDocumentForm(call=application.call),
        }
    )
    return render(request, "calls/application_edit.html", context)


def _partner_choices(application: Application):
    from equilibri.network.models import Organisation

    taken = [application.lead_id, *application.partners.values_list("organisation_id", flat=True)]
    return (
        Organisation.objects.select_related("comune")
        .filter(comune__ats_id=application.call.ats_id)
        .exclude(pk__in=[t for t in taken if t])
        .order_by("name")
    )


@signed_in_required
def application_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The live eligibility panel (HTMX fragment; a full page without JavaScript). A POST checks
    the values being typed without saving them."""
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    if request.method == "POST" and application.is_editable:
        form = ApplicationForm(request.POST, instance=application)
        if form.is_valid():
            application = form.save(commit=False)
            application.declarations = form.declarations()
    problems = eligibility.check(application)
    template = "calls/_eligibility.html" if request.htmx else "calls/application_check.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"application": application, "problems": problems, "call": application.call},
    )


@require_POST
@signed_in_required
def partner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = PartnerInviteForm(request.POST, organisations=_partner_choices(application))
    if form.is_valid():
        perform(
            request,
            services.partner_invite,
            _("Invito inviato a %(org)s: conterà nel partenariato quando avrà confermato.")
            % {"org": form.cleaned_data["organisation"]},
            application=application,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            cofinancing=form.cleaned_data["cofinancing"] or 0,
        )
    else:
        messages.error(request, _("Scegli un'organizzazione dall'elenco."))
    return redirect("calls:application_edit", application.pk)


@require_POST
@signed_in_required
def partner_answer(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(selectors.partnerships_of(request.user), pk=pk)
    accept = request.POST.get("accept") == "1"
    perform(
        request,
        services.partner_answer,
        _("Hai confermato la partecipazione.") if accept else _("Hai rifiutato l'invito."),
        partner=partner,
        accept=accept,
    )
    return redirect("calls:application_detail", partner.application_id)


@require_POST
@signed_in_required
def partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(
        ApplicationPartner.objects.filter(application__in=selectors.applications_of(request.user)),
        pk=pk,
    )
    perform(request, services.partner_remove, _("Partner tolto dalla domanda."), partner=partner)
    return redirect("calls:application_edit", partner.application_id)


@require_POST
@signed_in_required
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = BudgetLineForm(request.POST, call=application.call)
    perform_posted_form(
        request,
        form,
        services.budget_line_add,
        _("Voce di budget aggiunta."),
        application=application,
    )
    return redirect("calls:application_edit", application.pk)


@require_POST
@signed_in_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = ApplicationDocumentForm(request.POST, request.FILES, call=application.call)
    perform_posted_form(
        request,
        form,
        services.application_document_add,
        _("Documento allegato."),
        _("Scegli il documento e il file da allegare."),
        application=application,
    )
    target = "calls:application_edit" if application.is_editable else "calls:application_detail"
    return redirect(target, application.pk)


@signed_in_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(
        ApplicationDocument.objects.filter(
            application__in=selectors.applications_visible_to(request.user)
        ),
        pk=pk,
    )
    return private_file_response(document.file)


@require_POST
@signed_in_required
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    try:
        services.application_submit(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, _("La domanda non è stata inviata:"))
        error_messages(request, error)
        return redirect("calls:application_edit", application.pk)
    messages.success(
        request,
        _("Domanda %(id)s inviata. Scarica la ricevuta in PDF.") % {"id": application.public_id},
    )
    return redirect("calls:application_detail", application.pk)


@signed_in_required
def application_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    if not application.submitted_at:
        raise Http404
    response = HttpResponse(pdf.render_receipt(application), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ricevuta-domanda-{application.public_id}.pdf"'
    )
    return response
