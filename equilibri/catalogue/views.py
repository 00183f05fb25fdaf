"""Reserved area of the catalogue (/area-riservata/servizi/): providers create and edit their
services (drafts, submit, pending edits, "still correct"); ATS operators moderate (queue,
approve / reject with a note, field-by-field diff of edits) and handle mistake reports."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.roles import Role, has_role
from equilibri.core.forms import apply_errors

from . import selectors, services
from .forms import NoteForm, ServiceEditor
from .models import MistakeReport, Service, ServiceRevision
from .report_forms import REPORT_ACTIONS


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _pending_revision(service: Service) -> ServiceRevision | None:
    return service.revisions.filter(state=ServiceRevision.State.SUBMITTED).first()


@staff_permission_required("services.work")
def index(request: HttpRequest) -> HttpResponse:
    own = None
    if has_role(request.user, Role.PROVIDER_OPERATOR, Role.SUPERUSER):
        own = Paginator(selectors.services_edited_by(request.user).order_by("name"), 25).get_page(
            request.GET.get("pagina")
        )
    queue = None
    reports = None
    if request.user.has_perm("services.moderate"):
        queue = {
            "services": selectors.services_moderated_by(request.user)
            .filter(review_state=Service.Review.SUBMITTED)
            .count(),
            "revisions": selectors.revisions_moderated_by(request.user)
            .filter(state=ServiceRevision.State.SUBMITTED)
            .count(),
            "stale": selectors.services_moderated_by(request.user)
            .filter(review_state=Service.Review.STALE)
            .count(),
        }
        reports = (
            selectors.mistake_reports_handled_by(request.user)
            .filter(handled_at__isnull=True)
            .count()
        )
    return render(
        request,
        "services/reserved/index.html",
        {"page": own, "queue": queue, "open_reports": reports},
    )


@staff_permission_required("services.edit")
def create(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.provider_organisations(request.user).order_by("name")[:200])
    if not organisations:
        raise PermissionDenied
    org_id = request.POST.get("organisation") or request.GET.get("organisation")
    organisation = next((o for o in organisations if str(o.pk) == str(org_id)), organisations[0])
    editor = ServiceEditor(
        request.POST if request.method == "POST" else None,
        initial={"status": "active", "languages": [{"code": "it"}]},
    )
    if request.method == "POST" and editor.is_valid():
        try:
            service = services.service_create(
                organisation=organisation, data=editor.data(), by=request.user
            )
        except ValidationError as error:
            for message in _errors(error):
                editor.main.add_error(None, message)
        else:
            messages.success(
                request,
                _("Bozza salvata. Quando è completa, inviala in revisione all'operatore ATS."),
            )
            return redirect("catalogue:detail", pk=service.pk)
    return render(
        request,
        "services/reserved/edit.html",
        {
            "editor": editor,
            "organisations": organisations,
            "organisation": organisation,
            "service": None,
        },
    )


@staff_permission_required("services.work")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.services_visible_to(request.user), pk=pk)
    can_edit = selectors.services_edited_by(request.user).filter(pk=pk).exists()
    can_moderate = selectors.services_moderated_by(request.user).filter(pk=pk).exists() and (
        request.user.has_perm("services.moderate")
    )
    return render(
        request,
        "services/reserved/detail.html",
        {
            "service": service,
            "pending": _pending_revision(service),
            "revisions": service.revisions.select_related("submitted_by", "reviewed_by")[:10],
            "can_edit": can_edit,
            "can_moderate": can_moderate,
            "diff": services.data_diff({}, services.service_data(service)),
            "note_form": NoteForm(auto_id="moderation-%s"),
        },
    )


@staff_permission_required("services.edit")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.services_edited_by(request.user), pk=pk)
    pending = _pending_revision(service)
    initial = pending.data if pending else services.service_data(service)
    editor = ServiceEditor(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and editor.is_valid():
        try:
            revision = services.service_save(service=service, data=editor.data(), by=request.user)
        except ValidationError as error:
            for message in _errors(error):
                editor.main.add_error(None, message)
        else:
            if revision is None:
                messages.success(request, _("Modifiche salvate."))
            else:
                messages.success(
                    request,
                    _(
                        "Modifica inviata: il servizio pubblicato resta com'è finché "
                        "l'operatore ATS non la approva."
                    ),
                )
            return redirect("catalogue:detail", pk=service.pk)
    return render(
        request,
        "services/reserved/edit.html",
        {
            "editor": editor,
            "service": service,
            "pending": pending,
            "organisation": service.organisation,
        },
    )


def _act(request: HttpRequest, fn, success: str, target: str, **kwargs) -> HttpResponse:
    try:
        fn(by=request.user, **kwargs)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(target)


def _act_on_edited(request: HttpRequest, pk: int, fn, success: str) -> HttpResponse:
    """`fn` on a service the user edits, back to its page with `success` or the refusal."""
    service = get_object_or_404(selectors.services_edited_by(request.user), pk=pk)
    return _act(request, fn, success, service.get_reserved_url(), service=service)


@require_POST
@staff_permission_required("services.edit")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_edited(
        request, pk, services.service_submit, _("Servizio inviato in revisione all'operatore ATS.")
    )


@require_POST
@staff_permission_required("services.edit")
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_edited(
        request, pk, services.service_confirm, _("Grazie: i dati risultano confermati oggi.")
    )


@require_POST
@staff_permission_required("services.edit")
def revision_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(
        ServiceRevision.objects.filter(
            service__in=selectors.services_edited_by(request.user)
        ).select_related("service"),
        pk=pk,
    )
    return _act(
        request,
        services.revision_withdraw,
        _("Modifica ritirata."),
        revision.service.get_reserved_url(),
        revision=revision,
    )


# --- Moderation ---------------------------------------------------------------------------------


@staff_permission_required("services.moderate")
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "services/reserved/queue.html",
        {
            "submitted": selectors.services_moderated_by(request.user)
            .filter(review_state=Service.Review.SUBMITTED)
            .order_by("last_modified"),
            "revisions": selectors.revisions_moderated_by(request.user)
            .filter(state=ServiceRevision.State.SUBMITTED)
            .order_by("submitted_at"),
            "stale": selectors.services_moderated_by(request.user)
            .filter(review_state__in=[Service.Review.STALE, Service.Review.HIDDEN])
            .order_by("stale_since"),
        },
    )


@staff_permission_required("services.moderate")
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new service waiting for its first publication: approve or send back with a note."""
    service = get_object_or_404(selectors.services_moderated_by(request.user), pk=pk)
    form = NoteForm(request.POST or None, auto_id="moderation-%s")
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        fn = {
            "approve": services.service_approve,
            "reject": services.service_reject,
            "hide": services.service_hide,
        }.get(decision or "")
        if fn is None:
            form.add_error(None, _("Scegli se approvare o respingere."))
        else:
            try:
                fn(service=service, note=form.cleaned_data["note"], by=request.user)
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    {
                        "approve": _("Servizio pubblicato."),
                        "reject": _("Servizio rimandato all'ente con la tua nota."),
                        "hide": _("Servizio nascosto dal catalogo pubblico."),
                    }[decision or ""],
                )
                return redirect("catalogue:queue")
    return render(
        request,
        "services/reserved/moderate.html",
        {
            "service": service,
            "diff": services.data_diff({}, services.service_data(service)),
            "form": form,
        },
    )


@staff_permission_required("services.moderate")
def revision_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An edit of a published service: the field-by-field diff, approve or reject."""
    revision = get_object_or_404(selectors.revisions_moderated_by(request.user), pk=pk)
    form = NoteForm(request.POST or None, auto_id="moderation-%s")
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.revision_approve(
                    revision=revision, note=form.cleaned_data["note"], by=request.user
                )
                messages.success(request, _("Modifica approvata e pubblicata."))
            elif decision == "reject":
                services.revision_reject(
                    revision=revision, note=form.cleaned_data["note"], by=request.user
                )
                messages.success(request, _("Modifica respinta: l'ente riceverà la tua nota."))
            else:
                raise ValidationError(_("Scegli se approvare o respingere."))
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            return redirect("catalogue:queue")
    diff = services.data_diff(services.service_data(revision.service), revision.data)
    return render(
        request,
        "services/reserved/revision.html",
        {"revision": revision, "service": revision.service, "diff": diff, "form": form},
    )


@staff_permission_required("services.moderate")
def reports(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("stato") == "tutte"
    qs = selectors.mistake_reports_handled_by(request.user)
    if not show_all:
        qs = qs.filter(state__in=[MistakeReport.State.NEW, MistakeReport.State.FORWARDED])
    page = Paginator(qs.order_by("-created_at"), 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "services/reserved/reports.html",
        {"page": page, "show_all": show_all, "query_string": "stato=tutte" if show_all else ""},
    )


# What each action of a report's page runs, with its message on success.
_REPORT_SERVICES: dict[str, tuple[Callable[..., object], str]] = {
    "note": (services.mistake_report_note, _("Nota aggiunta.")),
    "reply": (services.mistake_report_reply, _("Risposta inviata a chi ha segnalato.")),
    "forward": (services.mistake_report_forward, _("Segnalazione inoltrata all'ente.")),
    "state": (services.mistake_report_set_state, _("Stato della segnalazione aggiornato.")),
}


@staff_permission_required("services.moderate")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A mistake report with its history; its forms reply, forward, note and change state."""
    report: MistakeReport = get_object_or_404(
        selectors.mistake_reports_handled_by(request.user), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == action else None, prefix=name)
        for name, form_class in REPORT_ACTIONS.items()
    }
    if action in forms and forms[action].is_valid():
        service, success = _REPORT_SERVICES[action]
        try:
            service(report=report, by=request.user, **forms[action].cleaned_data)
        except ValidationError as error:
            apply_errors(forms[action], error)
        else:
            messages.success(request, success)
            return redirect("catalogue:report_detail", report.pk)
    elif request.method == "POST" and action not in forms:
        messages.error(request, _("Scegli che cosa fare della segnalazione."))
    return render(
        request,
        "services/reserved/report_detail.html",
        {"report": report, "entries": report.entries.select_related("by"), "forms": forms},
    )
