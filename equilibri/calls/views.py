"""Reserved area of the calls: definition by the ATS, applications by lead bodies and their
partners, admissibility, the committee's evaluation, ranking and decision, reporting."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required, staff_permission_required
from equilibri.accounts.roles import Role, ats_ids_for, has_role
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors
from equilibri.network.selectors import managed_ats, organisations_administered_by

from . import eligibility, exporters, pdf, selectors, services
from .forms import (
    AdmissibilityForm,
    ApplicationDocumentForm,
    ApplicationForm,
    ApplicationStartForm,
    BudgetLineForm,
    CallCreateForm,
    CallDocumentForm,
    CallForm,
    ConflictForm,
    CriterionForm,
    DecisionForm,
    ExpenseCheckForm,
    ExpenseItemForm,
    ExpenseReportForm,
    ExpenseSubmitForm,
    FAQForm,
    IntegrationRequestForm,
    IntegrationResponseForm,
    MacroAreaForm,
    PartnerInviteForm,
    PaymentForm,
    ReportCloseForm,
    RuleForm,
    ScoreForm,
)
from .models import (
    Application,
    ApplicationDocument,
    ApplicationPartner,
    BudgetLine,
    CallCriterion,
    CallRule,
    CriterionScore,
    ExpenseItem,
    ExpenseReport,
    ScoreSheet,
)


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Home ------------------------------------------------------------------------------------


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    reads = user.has_perm("calls.read")
    context = {
        "reads": reads,
        "manages": user.has_perm("calls.manage"),
        "calls": selectors.calls_read_by(user) if reads else [],
        "my_applications": selectors.applications_of(user).order_by("-created_at"),
        "invitations": selectors.partnerships_of(user).order_by("-invited_at"),
        "open_calls": selectors.open_calls(),
        "to_score": (
            selectors.applications_scored_by(user).filter(state=Application.State.ADMISSIBLE)
            if user.has_perm("calls.score")
            else []
        ),
    }
    return render(request, "calls/home.html", context)


# --- Call definition -------------------------------------------------------------------------


def _ats_scope(user) -> list[int] | None:
    return None if has_role(user, Role.SUPERUSER) else sorted(ats_ids_for(user, Role.ATS_OPERATOR))


@staff_permission_required("calls.manage")
def call_create(request: HttpRequest) -> HttpResponse:
    form = CallCreateForm(
        request.POST or None,
        ats_queryset=managed_ats(request.user),
        ats_ids=_ats_scope(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ats = data.pop("ats")
        try:
            call = services.call_create(ats=ats, by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Bando creato in preparazione: aggiungi regole, macro-aree e criteri, poi "
                    "pubblicalo."
                ),
            )
            return redirect("calls:call_detail", call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": None})


@staff_permission_required("calls.read")
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    manages = selectors.calls_managed_by(request.user).filter(pk=pk).exists()
    applications = call.applications.select_related("lead").order_by("public_id")
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "manages": manages,
            "applications": applications,
            "exports": exporters.DATASETS,
        },
    )


@staff_permission_required("calls.manage")
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)
    form = CallForm(request.POST or None, instance=call, ats_ids=[call.ats_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Bando salvato."))
            return redirect("calls:call_detail", call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


def _call_part(request, pk, form_class, service, template_key, **form_kwargs):
    call = get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            service(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Aggiunto al bando."))
            return redirect(request.path)
    return render(
        request, "calls/call_part.html", {"call": call, "form": form, "part": template_key}
    )


@staff_permission_required("calls.manage")
def call_rules(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, RuleForm, services.call_rule_add, "rules")


@require_POST
@staff_permission_required("calls.manage")
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(
        CallRule.objects.filter(call__in=selectors.calls_managed_by(request.user)), pk=pk
    )
    try:
        services.call_rule_delete(rule=rule, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Regola eliminata."))
    return redirect("calls:call_rules", rule.call_id)


@staff_permission_required("calls.manage")
def call_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, CriterionForm, services.call_criterion_add, "criteria")


@require_POST
@staff_permission_required("calls.manage")
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(
        CallCriterion.objects.filter(call__in=selectors.calls_managed_by(request.user)), pk=pk
    )
    try:
        services.call_criterion_delete(criterion=criterion, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Criterio eliminato."))
    return redirect("calls:call_criteria", criterion.call_id)


@staff_permission_required("calls.manage")
def call_areas(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, MacroAreaForm, services.call_macro_area_add, "areas")


@staff_permission_required("calls.manage")
def call_faqs(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, FAQForm, services.call_faq_add, "faqs")


@staff_permission_required("calls.manage")
def call_documents(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, CallDocumentForm, services.call_document_add, "documents")


@require_POST
@staff_permission_required("calls.manage")
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)
    try:
        services.call_publish(call=call, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("Bando pubblicato: è visibile sulla pagina pubblica dei bandi.")
        )
    return redirect("calls:call_detail", call.pk)


@staff_permission_required("calls.read")
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    manages = selectors.calls_managed_by(request.user).filter(pk=pk).exists()
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        try:
            services.call_rank(call=call, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Graduatoria calcolata."))
        return redirect("calls:call_ranking", call.pk)
    call.refresh_from_db()
    return render(
        request,
        "calls/call_ranking.html",
        {
            "call": call,
            "manages": manages,
            "ranking": selectors.ranking(call),
            "criteria": call.criteria.all(),
            "decision_form": DecisionForm()
            if manages and call.ranked_at and not call.decided_at
            else None,
        },
    )


@require_POST
@staff_permission_required("calls.manage")
def call_decide(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.call_decide(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "Atto di finanziamento registrato e pubblicato; le domande finanziate sono "
                    "ora progetti del piano."
                ),
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("calls:call_ranking", call.pk)


@staff_permission_required("calls.read")
def call_export(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    dataset = exporters.DATASETS.get(request.GET.get("dati", "domande"))
    if dataset is None:
        raise Http404
    return exporters.export_response(dataset[1](call), request.GET.get("formato", "xlsx"))


@staff_permission_required("calls.read")
def decision_annex(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    if not call.ranked_at:
        raise Http404
    response = HttpResponse(pdf.render_decision_annex(call), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="allegato-graduatoria-{call.pk}.pdf"'
    return response


# --- Applications ----------------------------------------------------------------------------


@signed_in_required
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.open_calls(), pk=pk)
    leads = organisations_administered_by(request.user)
    form = ApplicationStartForm(request.POST or None, call=call, leads=leads)
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


def _application_context(request, application: Application) -> dict:
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


@signed_in_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    context = _application_context(request, application)
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
    context = _application_context(request, application)
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
        try:
            services.partner_invite(
                application=application,
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                cofinancing=form.cleaned_data["cofinancing"] or 0,
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _("Invito inviato a %(org)s: conterà nel partenariato quando avrà confermato.")
                % {"org": form.cleaned_data["organisation"]},
            )
    else:
        messages.error(request, _("Scegli un'organizzazione dall'elenco."))
    return redirect("calls:application_edit", application.pk)


@require_POST
@signed_in_required
def partner_answer(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(selectors.partnerships_of(request.user), pk=pk)
    accept = request.POST.get("accept") == "1"
    try:
        services.partner_answer(partner=partner, by=request.user, accept=accept)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            _("Hai confermato la partecipazione.") if accept else _("Hai rifiutato l'invito."),
        )
    return redirect("calls:application_detail", partner.application_id)


@require_POST
@signed_in_required
def partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(
        ApplicationPartner.objects.filter(application__in=selectors.applications_of(request.user)),
        pk=pk,
    )
    try:
        services.partner_remove(partner=partner, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Partner tolto dalla domanda."))
    return redirect("calls:application_edit", partner.application_id)


@require_POST
@signed_in_required
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = BudgetLineForm(request.POST, call=application.call)
    if form.is_valid():
        try:
            services.budget_line_add(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Voce di budget aggiunta."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("calls:application_edit", application.pk)


@require_POST
@signed_in_required
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(
        BudgetLine.objects.filter(application__in=selectors.applications_of(request.user)), pk=pk
    )
    try:
        services.budget_line_delete(line=line, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Voce di budget eliminata."))
    return redirect("calls:application_edit", line.application_id)


@require_POST
@signed_in_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = ApplicationDocumentForm(request.POST, request.FILES, call=application.call)
    if form.is_valid():
        try:
            services.application_document_add(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Documento allegato."))
    else:
        messages.error(request, _("Scegli il documento e il file da allegare."))
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
        _error_messages(request, error)
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


# --- Admissibility ---------------------------------------------------------------------------


@staff_permission_required("calls.manage")
def admissibility(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_managed_by(request.user), pk=pk)
    items = services.checklist_items(application.call)
    initial = {
        f"item_{n}": application.admissibility_checklist.get(item, False)
        for n, item in enumerate(items)
    }
    form = AdmissibilityForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_admissibility(
                application=application,
                by=request.user,
                checklist=form.checklist(),
                admissible=form.cleaned_data["admissible"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Esito dell'istruttoria registrato."))
            return redirect("calls:call_detail", application.call_id)
    context = _application_context(request, application)
    context["form"] = form
    return render(request, "calls/admissibility.html", context)


@require_POST
@staff_permission_required("calls.manage")
def integration_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_managed_by(request.user), pk=pk)
    form = IntegrationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.application_request_integration(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Richiesta di integrazione inviata al richiedente."))
    else:
        messages.error(request, _("Scrivi la richiesta e il termine."))
    return redirect("calls:application_detail", application.pk)


@require_POST
@signed_in_required
def integration_respond(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = IntegrationResponseForm(request.POST)
    if form.is_valid():
        try:
            services.application_integrate(
                application=application, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Integrazione inviata all'ATS."))
    else:
        messages.error(request, _("Scrivi l'integrazione."))
    return redirect("calls:application_detail", application.pk)


# --- Evaluation ------------------------------------------------------------------------------


@staff_permission_required("calls.score")
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_scored_by(request.user), pk=pk)
    sheet = ScoreSheet.objects.filter(application=application, evaluator_id=request.user.pk).first()
    criteria = application.call.criteria.all()
    conflict_form = score_form = None
    if sheet is None:
        conflict_form = ConflictForm(request.POST or None)
        if request.method == "POST" and conflict_form.is_valid():
            try:
                services.conflict_declare(
                    application=application,
                    by=request.user,
                    conflict=conflict_form.cleaned_data["conflict"],
                    note=conflict_form.cleaned_data["conflict_note"],
                )
            except ValidationError as error:
                apply_errors(conflict_form, error)
            else:
                messages.success(request, _("Dichiarazione registrata."))
                return redirect("calls:evaluate", application.pk)
    elif not sheet.conflict_of_interest:
        existing = {s.criterion_id: s.value for s in CriterionScore.objects.filter(sheet=sheet)}
        score_form = ScoreForm(
            request.POST or None,
            criteria=criteria,
            initial_scores=existing,
            initial={"comment": sheet.comment},
        )
        if request.method == "POST" and score_form.is_valid():
            try:
                services.score_sheet_submit(
                    sheet=sheet,
                    by=request.user,
                    scores=score_form.scores(),
                    comment=score_form.cleaned_data["comment"],
                )
            except ValidationError as error:
                apply_errors(score_form, error)
            else:
                messages.success(request, _("Valutazione salvata."))
                return redirect("calls:home")
    context = _application_context(request, application)
    context.update(
        {
            "sheet": sheet,
            "conflict_form": conflict_form,
            "score_form": score_form,
            "criteria": criteria,
        }
    )
    return render(request, "calls/evaluate.html", context)


# --- Reporting -------------------------------------------------------------------------------


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
    if form.is_valid():
        try:
            services.expense_item_add(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Spesa aggiunta al rendiconto."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
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
    try:
        services.expense_report_submit(
            report=report, by=request.user, narrative=form.cleaned_data.get("narrative", "")
        )
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Rendiconto inviato all'ATS per la verifica."))
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
    if form.is_valid():
        try:
            services.expense_item_check(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Verifica della spesa registrata."))
    else:
        messages.error(request, _("Scegli l'esito della verifica."))
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
        _error_messages(request, error)
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
    if form.is_valid():
        try:
            services.payment_record(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Pagamento registrato."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("calls:reporting", application.pk)
