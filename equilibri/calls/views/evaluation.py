"""From submission to the funding act: the ATS's admissibility check and requests for
integration, the committee's scores, the ranking, the decision and its annex."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required, staff_permission_required
from equilibri.core.forms import apply_errors

from .. import pdf, selectors, services
from ..forms import (
    AdmissibilityForm,
    ConflictForm,
    DecisionForm,
    IntegrationRequestForm,
    IntegrationResponseForm,
    ScoreForm,
)
from ..models import CriterionScore, ScoreSheet
from .common import application_context, perform, perform_posted_form


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
    context = application_context(request, application)
    context["form"] = form
    return render(request, "calls/admissibility.html", context)


@require_POST
@staff_permission_required("calls.manage")
def integration_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_managed_by(request.user), pk=pk)
    form = IntegrationRequestForm(request.POST)
    perform_posted_form(
        request,
        form,
        services.application_request_integration,
        _("Richiesta di integrazione inviata al richiedente."),
        _("Scrivi la richiesta e il termine."),
        application=application,
    )
    return redirect("calls:application_detail", application.pk)


@require_POST
@signed_in_required
def integration_respond(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_of(request.user), pk=pk)
    form = IntegrationResponseForm(request.POST)
    perform_posted_form(
        request,
        form,
        services.application_integrate,
        _("Integrazione inviata all'ATS."),
        _("Scrivi l'integrazione."),
        application=application,
    )
    return redirect("calls:application_detail", application.pk)


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
    committee_scores = services.visible_scores(application, request.user)  # type: ignore[arg-type]
    context = application_context(request, application)
    context.update(
        {
            "running_mean": services.aggregate(application)[0] if committee_scores else None,
            "sheet": sheet,
            "conflict_form": conflict_form,
            "score_form": score_form,
            "criteria": criteria,
            "committee_scores": committee_scores,
            "quorum": services.quorum_state(application),
        }
    )
    return render(request, "calls/evaluate.html", context)


@staff_permission_required("calls.read")
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    manages = selectors.calls_managed_by(request.user).filter(pk=pk).exists()
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        perform(request, services.call_rank, _("Graduatoria calcolata."), call=call)
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
            "quorum": (
                [
                    services.quorum_state(application)
                    for application in selectors.awaiting_ranking(call)
                ]
                if manages and not call.ranked_at
                else []
            ),
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
    perform_posted_form(
        request,
        form,
        services.call_decide,
        _(
            "Atto di finanziamento registrato e pubblicato; le domande finanziate sono "
            "ora progetti del piano."
        ),
        call=call,
    )
    return redirect("calls:call_ranking", call.pk)


@staff_permission_required("calls.read")
def decision_annex(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    if not call.ranked_at:
        raise Http404
    response = HttpResponse(pdf.render_decision_annex(call), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="allegato-graduatoria-{call.pk}.pdf"'
    return response
