"""The ATS's side (namespace citizens): the queue of accessibility reports, messages and erasure
requests sent to the ATS, each answered by e-mail and closed; the ratings by page, with a chart
and its table."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.audit import log_personal_data_read
from equilibri.core.forms import apply_errors

from . import selectors, services
from .forms import AnswerForm
from .models import Message, Rating

OPEN = "aperti"


@staff_permission_required("citizens.read_messages")
def message_list(request: HttpRequest) -> HttpResponse:
    """Open messages (new, answered) by default; `stato` narrows to one state or `tutti`."""
    state = request.GET.get("stato", OPEN)
    queryset = selectors.messages_visible_to(request.user)
    if state in Message.State.values:
        queryset = queryset.filter(state=state)
    elif state != "tutti":
        state = OPEN
        queryset = queryset.exclude(state=Message.State.CLOSED)
    kind = request.GET.get("tipo", "")
    if kind in Message.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = Paginator(queryset, 30).get_page(request.GET.get("pagina"))
    return render(
        request,
        "citizens/office/message_list.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "states": Message.State.choices,
            "kinds": Message.Kind.choices,
        },
    )


@staff_permission_required("citizens.read_messages")
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(selectors.messages_visible_to(request.user), pk=pk)
    may_answer = selectors.messages_answered_by(request.user).filter(pk=pk).exists()
    form = AnswerForm(auto_id="answer-%s")
    if request.method == "POST":
        if not may_answer:
            # The Region reads; an operator of another ATS never got this far (404 above).
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "close":
                services.message_close(message=message, by=request.user)
                messages.success(request, _("Messaggio chiuso."))
                return redirect("citizens:message_detail", message.pk)
            form = AnswerForm(request.POST, auto_id="answer-%s")
            if form.is_valid():
                services.message_answer(
                    message=message, by=request.user, text=form.cleaned_data["text"]
                )
                messages.success(request, _("Risposta inviata per e-mail."))
                return redirect("citizens:message_detail", message.pk)
        except ValidationError as error:
            apply_errors(form, error)
    log_personal_data_read(
        message, fields=("name", "email", "body"), purpose="segnalazione all'ATS"
    )
    return render(
        request,
        "citizens/office/message_detail.html",
        {"message": message, "form": form, "may_answer": may_answer},
    )


@staff_permission_required("citizens.read_messages")
def ratings(request: HttpRequest) -> HttpResponse:
    rows = selectors.rating_summary(selectors.ratings_visible_to(request.user))
    chart = {
        "type": "bar",
        "horizontal": True,
        "percent": False,
        "labels": [row.label for row in rows],
        "datasets": [
            {"label": _("Valutazione media (1–5)"), "data": [row.average for row in rows]}
        ],
    }
    comments = (
        selectors.ratings_visible_to(request.user).exclude(comment="").select_related("ats")[:20]
    )
    return render(
        request,
        "citizens/office/ratings.html",
        {"rows": rows, "chart": chart, "comments": comments, "moments": Rating.Moment.choices},
    )
