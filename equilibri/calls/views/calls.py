"""The calls' home page and a call's definition by its ATS's operators: the call, its rules,
criteria, macro-areas, FAQ and documents, its publication and its data exports."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required, staff_permission_required
from equilibri.accounts.roles import Role, ats_ids_for, has_role
from equilibri.core.forms import save_form
from equilibri.network.selectors import managed_ats

from .. import exporters, selectors, services
from ..forms import (
    CallCreateForm,
    CallDocumentForm,
    CallForm,
    CriterionForm,
    FAQForm,
    MacroAreaForm,
    RuleForm,
)
from ..models import Application
from .common import perform


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


def _ats_scope(user) -> list[int] | None:
    return None if has_role(user, Role.SUPERUSER) else sorted(ats_ids_for(user, Role.ATS_OPERATOR))


@staff_permission_required("calls.manage")
def call_create(request: HttpRequest) -> HttpResponse:
    form = CallCreateForm(
        request.POST or None,
        ats_queryset=managed_ats(request.user),
        ats_ids=_ats_scope(request.user),
    )
    call = save_form(request, form, lambda data: services.call_create(by=request.user, **data))
    if call is not None:
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
    if save_form(
        request, form, lambda data: services.call_update(call=call, by=request.user, **data)
    ):
        messages.success(request, _("Bando salvato."))
        return redirect("calls:call_detail", call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


def _call_part(request, pk, form_class, service, template_key, *, with_call=False):
    call = get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)
    form_kwargs = {"call": call} if with_call else {}
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    if save_form(request, form, lambda data: service(call=call, by=request.user, **data)):
        messages.success(request, _("Aggiunto al bando."))
        return redirect(request.path)
    return render(
        request, "calls/call_part.html", {"call": call, "form": form, "part": template_key}
    )


@staff_permission_required("calls.manage")
def call_rules(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, RuleForm, services.call_rule_add, "rules", with_call=True)


@staff_permission_required("calls.manage")
def call_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_part(request, pk, CriterionForm, services.call_criterion_add, "criteria")


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
    perform(
        request,
        services.call_publish,
        _("Bando pubblicato: è visibile sulla pagina pubblica dei bandi."),
        call=call,
    )
    return redirect("calls:call_detail", call.pk)


@staff_permission_required("calls.read")
def call_export(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_read_by(request.user), pk=pk)
    dataset = exporters.DATASETS.get(request.GET.get("dati", "domande"))
    if dataset is None:
        raise Http404
    return exporters.export_response(dataset[1](call), request.GET.get("formato", "xlsx"))
