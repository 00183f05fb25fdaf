import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors, save_form

from . import monitoring_services as services
from .models import Expenditure, MonitoringReport, SampleDraw
from .monitoring_forms import (
    CheckForm,
    DrawForm,
    ExpenditureForm,
    ReportFilterForm,
    ReportForm,
    ReportOpenForm,
    ReturnForm,
)
from .selectors import plans_managed_by, projects_reported_by


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


@staff_permission_required("plans.read")
def report_list(request: HttpRequest) -> HttpResponse:
    reports = services.reports_visible_to(request.user).order_by(
        "project__plan__ats__name", "project__title", "-period_start"
    )
    filters = ReportFilterForm(request.GET or None)
    if filters.is_valid():
        state = filters.cleaned_data.get("stato")
        if state == "scadute":
            reports = reports.filter(services.overdue_q())
        elif state:
            reports = reports.filter(state=state)
    page = Paginator(reports, 25).get_page(request.GET.get("pagina"))
    for report in page.object_list:
        report.overdue = services.is_overdue(report)
    reporting = []
    for project in projects_reported_by(request.user).order_by("title"):
        periods = services.open_periods(project)
        reporting.append(
            {
                "project": project,
                "form": ReportOpenForm(periods=periods, prefix=f"p{project.pk}")
                if periods
                else None,
            }
        )
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "plans/monitoring_report_list.html",
        {
            "page": page,
            "filters": filters,
            "reporting": reporting,
            "query_string": query.urlencode(),
            "can_draw": plans_managed_by(request.user).exists(),
        },
    )


@staff_permission_required("plans.read")
@require_POST
def report_open(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_object_or_404(projects_reported_by(request.user), pk=project_pk)
    try:
        value = request.POST.get(f"p{project.pk}-period_start") or request.POST.get("period_start")
        start = datetime.date.fromisoformat(value or "")
        report = services.report_open(project=project, period_start=start, by=request.user)
    except ValueError:
        messages.error(request, _("Scegli un periodo dall'elenco."))
        return redirect("monitoring:report_list")
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("monitoring:report_list")
    messages.success(request, _("Relazione aperta: compilala e inviala entro la scadenza."))
    return redirect("monitoring:report_edit", report.pk)


@staff_permission_required("plans.read")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(services.reports_visible_to(request.user), pk=pk)
    return render(request, "plans/monitoring_report_detail.html", _report_context(request, report))


def _report_context(request, report: MonitoringReport) -> dict:
    values = {v.indicator_id: v for v in report.values.all()}
    indicators = [(i, values.get(i.pk)) for i in services.report_indicators(report)]
    expenditures = list(report.expenditures.select_related("action").prefetch_related("draws"))
    return {
        "report": report,
        "indicators": indicators,
        "expenditures": expenditures,
        "total": sum((e.amount for e in expenditures), 0),
        "overdue": services.is_overdue(report),
        "period": services.period_label(report.period_start, report.period_end),
        "can_edit": report.state in services.EDITABLE_STATES
        and services.reports_filed_by(request.user).filter(pk=report.pk).exists(),
        "can_review": services.reports_reviewed_by(request.user).filter(pk=report.pk).exists(),
        "missing": services.report_missing(report),
    }


@staff_permission_required("plans.read")
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(services.reports_filed_by(request.user), pk=pk)
    if report.state not in services.EDITABLE_STATES:
        messages.info(request, _("La relazione non è modificabile nel suo stato attuale."))
        return redirect("monitoring:report_detail", report.pk)
    indicators = services.report_indicators(report)
    form = ReportForm(request.POST or None, report=report, indicators=indicators)
    if request.method == "POST" and _save_draft(request, report, form):
        if "invia" not in request.POST:
            messages.success(request, _("Bozza salvata."))
            return redirect("monitoring:report_edit", report.pk)
        try:
            services.report_submit(report=report, by=request.user)
        except ValidationError as error:
            # The draft is saved; say what is missing.
            apply_errors(form, error)
        else:
            messages.success(request, _("Relazione inviata all'ATS per la validazione."))
            return redirect("monitoring:report_detail", report.pk)
    context = _report_context(request, report)
    context.update({"form": form, "expenditure_form": ExpenditureForm(report=report)})
    return render(request, "plans/monitoring_report_edit.html", context)


def _save_draft(request: HttpRequest, report: MonitoringReport, form: ReportForm) -> bool:
    """The narrative and indicator values of a posted report form saved as the draft; False
    (the errors on the form) when the form is not valid or the service refuses it."""
    if not form.is_valid():
        return False
    try:
        services.report_save(
            report=report,
            narrative=form.cleaned_data["narrative"],
            values=form.values(),
            by=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@staff_permission_required("plans.read")
@require_POST
def expenditure_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(services.reports_filed_by(request.user), pk=pk)
    indicators = services.report_indicators(report)
    # The page posts the draft with the expenditure (one form): what was typed is saved first.
    # A post without the draft's fields (an older page) adds the expenditure alone.
    has_draft = "narrative" in request.POST and report.state in services.EDITABLE_STATES
    report_form = ReportForm(
        request.POST if has_draft else None, report=report, indicators=indicators
    )
    form = ExpenditureForm(request.POST, request.FILES, report=report)
    added = None
    if not has_draft or _save_draft(request, report, report_form):
        added = save_form(
            request,
            form,
            lambda data: services.expenditure_add(
                report=report,
                action=data["action"],
                description=data["description"],
                amount=data["amount"],
                document=data.get("document"),
                self_declared=data["self_declared"],
                by=request.user,
            ),
        )
    if added is not None:
        messages.success(
            request, _("Bozza salvata e spesa aggiunta." if has_draft else "Spesa aggiunta.")
        )
        return redirect("monitoring:report_edit", report.pk)
    if report.state not in services.EDITABLE_STATES:
        return redirect("monitoring:report_detail", report.pk)
    context = _report_context(request, report)
    context.update({"form": report_form, "expenditure_form": form})
    return render(request, "plans/monitoring_report_edit.html", context, status=400)


@staff_permission_required("plans.read")
@require_POST
def expenditure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = get_object_or_404(
        Expenditure.objects.filter(report__in=services.reports_filed_by(request.user)), pk=pk
    )
    try:
        services.expenditure_remove(expenditure=expenditure, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Spesa eliminata."))
    return redirect("monitoring:report_edit", expenditure.report_id)


@staff_permission_required("plans.read")
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(services.reports_reviewed_by(request.user), pk=pk)
    return_form = ReturnForm(request.POST if "rinvia" in request.POST else None)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if "valida" in request.POST:
                services.report_accept(report=report, by=request.user)
                messages.success(request, _("Relazione validata. Il capofila riceve un'e-mail."))
                return redirect("monitoring:report_detail", report.pk)
            if "rinvia" in request.POST and return_form.is_valid():
                services.report_return(
                    report=report, comment=return_form.cleaned_data["comment"], by=request.user
                )
                messages.success(request, _("Relazione rinviata al capofila con le osservazioni."))
                return redirect("monitoring:report_detail", report.pk)
        except ValidationError as error:
            errors = _errors(error)
    context = _report_context(request, report)
    context.update(
        {
            "return_form": return_form,
            "review_errors": errors,
            "check_form": CheckForm(),
        }
    )
    return render(
        request,
        "plans/monitoring_report_review.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@staff_permission_required("plans.read")
@require_POST
def expenditure_check(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = get_object_or_404(
        Expenditure.objects.filter(report__in=services.reports_reviewed_by(request.user)), pk=pk
    )
    form = CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli l'esito della verifica."))
    else:
        try:
            services.expenditure_check(
                expenditure=expenditure,
                state=form.cleaned_data["check_state"],
                note=form.cleaned_data["check_note"],
                by=request.user,
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Verifica registrata."))
    return redirect("monitoring:report_review", expenditure.report_id)


@staff_permission_required("plans.read")
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """An expenditure's document, only within the user's scope (never served as static)."""
    expenditure = get_object_or_404(services.expenditures_visible_to(request.user), pk=pk)
    return private_file_response(expenditure.document)


@staff_permission_required("plans.manage")
def draw_list(request: HttpRequest) -> HttpResponse:
    plans = plans_managed_by(request.user)
    form = DrawForm(request.POST or None, plans=plans)
    draw = save_form(
        request,
        form,
        lambda data: services.sample_draw(plan=data["plan"], share=data["share"], by=request.user),
    )
    if draw is not None:
        messages.success(
            request,
            _("Estrazione eseguita: %(n)s autodichiarazioni da verificare.")
            % {"n": draw.sampled.count()},
        )
        return redirect("monitoring:draw_detail", draw.pk)
    draws = SampleDraw.objects.filter(plan__in=plans).select_related("plan__ats", "drawn_by")
    populations = {plan.pk: services.sample_population(plan).count() for plan in plans}
    return render(
        request,
        "plans/monitoring_draw_list.html",
        {
            "form": form,
            "draws": draws,
            "plans": [(plan, populations[plan.pk]) for plan in plans],
        },
    )


@staff_permission_required("plans.manage")
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(
        SampleDraw.objects.filter(plan__in=plans_managed_by(request.user)).select_related(
            "plan__ats", "drawn_by"
        ),
        pk=pk,
    )
    sampled = draw.sampled.select_related("report__project", "action").order_by("pk")
    return render(
        request,
        "plans/monitoring_draw_detail.html",
        {
            "draw": draw,
            "sampled": sampled,
            "population": draw.population.count(),
            "reproducible": services.draw_is_reproducible(draw),
            "check_form": CheckForm(),
        },
    )
