from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.files import private_file_response
from equilibri.core.forms import apply_errors, save_form

from . import committee_services as services
from .committee_forms import (
    CriterionForm,
    DecisionForm,
    MeetingDocumentForm,
    MeetingForm,
    MemberForm,
    PriorityForm,
    ScoreSheetForm,
)
from .models import CommitteeMember, EvaluationCriterion, MeetingDocument, Priority, ScoreSheet
from .selectors import committees_visible_to, plans_managed_by, projects_visible_to


@staff_permission_required("plans.read")
def committee_home(request: HttpRequest) -> HttpResponse:
    committees = committees_visible_to(request.user).order_by("ats__name")
    if committees.count() == 1:
        return committee_detail(request, committees.get().pk)
    return render(request, "plans/committee_home.html", {"committees": committees})


@staff_permission_required("plans.read")
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(committees_visible_to(request.user), pk=pk)
    plans = services.evaluation_plans_visible_to(request.user).filter(ats_id=committee.ats_id)
    return render(
        request,
        "plans/committee_detail.html",
        {
            "committee": committee,
            "members": committee.members.select_related("organisation", "user"),
            "priorities": committee.priorities.all(),
            "meetings": committee.meetings.all(),
            "plans": plans,
            "can_manage": services.committees_managed_by(request.user)
            .filter(pk=committee.pk)
            .exists(),
        },
    )


def _form_page(request, template_title, form, back_url, *, multipart=False, status=200):
    return render(
        request,
        "plans/committee_form.html",
        {"title": template_title, "form": form, "back_url": back_url, "multipart": multipart},
        status=status,
    )


def _managed_committee(request, pk: int):
    return get_object_or_404(services.committees_managed_by(request.user), pk=pk)


def _managed_in_committee(model, request, pk: int):
    """A member or priority (`model`) of a committee the user manages; else 404."""
    return get_object_or_404(
        model.objects.filter(committee__in=services.committees_managed_by(request.user)), pk=pk
    )


def _member_page(request, committee, member):
    form = MemberForm(request.POST or None, instance=member, committee=committee)
    saved = save_form(
        request,
        form,
        lambda data: services.committee_member_save(
            committee=committee, member=member, data=data, by=request.user
        ),
    )
    if saved is not None:
        messages.success(request, _("Componente salvato."))
        return redirect("committee:detail", committee.pk)
    title = _("Modifica il componente") if member else _("Aggiungi un componente")
    return _form_page(request, title, form, _detail_url(committee.pk))


@staff_permission_required("plans.read")
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_page(request, _managed_committee(request, pk), None)


@staff_permission_required("plans.read")
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_in_committee(CommitteeMember, request, pk)
    return _member_page(request, member.committee, member)


def _detail_url(pk: int) -> str:
    return reverse("committee:detail", args=[pk])


def _priority_page(request, committee, priority):
    form = PriorityForm(request.POST or None, instance=priority)
    if priority is None:
        form.fields["order"].required = False
    if request.method == "POST":
        if "elimina" in request.POST and priority is not None:
            services.priority_delete(priority=priority, by=request.user)
            messages.success(request, _("Priorità eliminata."))
            return redirect("committee:detail", committee.pk)
        if form.is_valid():
            services.priority_save(
                committee=committee, priority=priority, data=form.cleaned_data, by=request.user
            )
            messages.success(request, _("Priorità salvata."))
            return redirect("committee:detail", committee.pk)
    title = _("Modifica la priorità") if priority else _("Aggiungi una priorità")
    return _form_page(request, title, form, _detail_url(committee.pk))


@staff_permission_required("plans.read")
def priority_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _priority_page(request, _managed_committee(request, pk), None)


@staff_permission_required("plans.read")
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = _managed_in_committee(Priority, request, pk)
    return _priority_page(request, priority.committee, priority)


@staff_permission_required("plans.read")
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _managed_committee(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(
                committee=committee, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Seduta registrata."))
            return redirect("committee:meeting_detail", meeting.pk)
    return _form_page(request, _("Nuova seduta"), form, _detail_url(committee.pk))


@staff_permission_required("plans.read")
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(services.meetings_managed_by(request.user), pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(
                committee=meeting.committee,
                meeting=meeting,
                data=form.cleaned_data,
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Seduta aggiornata."))
            return redirect("committee:meeting_detail", meeting.pk)
    return _form_page(
        request,
        _("Modifica la seduta: ordine del giorno e verbale"),
        form,
        reverse("committee:meeting_detail", args=[meeting.pk]),
    )


@staff_permission_required("plans.read")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        services.meetings_visible_to(request.user).select_related("committee__ats"), pk=pk
    )
    can_manage = services.meetings_managed_by(request.user).filter(pk=meeting.pk).exists()
    document_form = MeetingDocumentForm()
    decision_form = DecisionForm(committee=meeting.committee)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        status = 400
        try:
            if "allegato" in request.POST:
                document_form = MeetingDocumentForm(request.POST, request.FILES)
                if document_form.is_valid():
                    services.meeting_document_add(
                        meeting=meeting,
                        title=document_form.cleaned_data["title"],
                        file=document_form.cleaned_data["file"],
                        by=request.user,
                    )
                    messages.success(request, _("Allegato caricato."))
                    return redirect("committee:meeting_detail", meeting.pk)
            elif "decisione" in request.POST:
                decision_form = DecisionForm(request.POST, committee=meeting.committee)
                if decision_form.is_valid():
                    services.decision_add(
                        meeting=meeting,
                        text=decision_form.cleaned_data["text"],
                        project=decision_form.cleaned_data["project"],
                        by=request.user,
                    )
                    messages.success(request, _("Decisione registrata."))
                    return redirect("committee:meeting_detail", meeting.pk)
        except ValidationError as error:
            form = document_form if "allegato" in request.POST else decision_form
            apply_errors(form, error)
    return render(
        request,
        "plans/committee_meeting_detail.html",
        {
            "meeting": meeting,
            "documents": meeting.documents.all(),
            "decisions": meeting.decisions.select_related("project"),
            "can_manage": can_manage,
            "document_form": document_form,
            "decision_form": decision_form,
        },
        status=status,
    )


@staff_permission_required("plans.read")
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(
        MeetingDocument.objects.filter(meeting__in=services.meetings_visible_to(request.user)),
        pk=pk,
    )
    return private_file_response(document.file)


@staff_permission_required("plans.read")
def evaluation(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """A plan's criteria, its proposals with the member's own sheets, and the ranking."""
    plan = get_object_or_404(services.evaluation_plans_visible_to(request.user), pk=plan_pk)
    can_manage = plans_managed_by(request.user).filter(pk=plan.pk).exists()
    member = services.membership_of(request.user, plan.ats_id)
    form = CriterionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                services.criterion_add(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Criterio aggiunto."))
                return redirect("committee:evaluation", plan.pk)
    proposals = list(services.proposals_of(plan))
    own = {}
    if member:
        own = {
            s.project_id: s for s in ScoreSheet.objects.filter(member=member, project__in=proposals)
        }
    criteria = list(plan.criteria.all())
    return render(
        request,
        "plans/committee_evaluation.html",
        {
            "plan": plan,
            "criteria": criteria,
            "total_weight": sum(c.weight for c in criteria),
            "proposals": [(p, own.get(p.pk)) for p in proposals],
            "member": member,
            "ranking": services.ranking(plan),
            "can_manage": can_manage,
            "form": form,
        },
        status=status,
    )


@staff_permission_required("plans.read")
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(
        EvaluationCriterion.objects.filter(plan__in=plans_managed_by(request.user)), pk=pk
    )
    try:
        services.criterion_delete(criterion=criterion, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Criterio eliminato."))
    return redirect("committee:evaluation", criterion.plan_id)


@staff_permission_required("plans.score")
def score_sheet(request: HttpRequest, project_pk: int) -> HttpResponse:
    """The member's own sheet for a proposal: conflict of interest first, then the scores."""
    project = get_object_or_404(
        projects_visible_to(request.user).filter(state__in=services.EVALUATED_STATES),
        pk=project_pk,
    )
    member = services.membership_of(request.user, project.plan.ats_id)
    if member is None:
        raise Http404
    sheet = ScoreSheet.objects.filter(project=project, member=member).first()
    criteria = list(project.plan.criteria.all())
    form = ScoreSheetForm(request.POST or None, criteria=criteria)
    submitted = sheet is not None and sheet.submitted_at is not None
    if request.method == "POST" and not submitted and form.is_valid():
        try:
            services.score_sheet_submit(
                project=project,
                conflict_of_interest=form.cleaned_data["conflict_of_interest"],
                conflict_note=form.cleaned_data["conflict_note"],
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Scheda di valutazione inviata."))
            return redirect("committee:evaluation", project.plan_id)
    return render(
        request,
        "plans/committee_score_sheet.html",
        {
            "project": project,
            "member": member,
            "sheet": sheet if submitted else None,
            "scores": sheet.scores.select_related("criterion") if submitted and sheet else [],
            "form": form,
            "criteria": criteria,
        },
        status=400 if request.method == "POST" and not submitted else 200,
    )
