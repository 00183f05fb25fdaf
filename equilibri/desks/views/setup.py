"""One desk's setup page: hours, closures and patron saint's feast, slot templates and
operators."""

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.models import User
from equilibri.accounts.roles import Role, ats_ids_for, has_role
from equilibri.core.forms import save_form

from .. import selectors, services
from ..forms import ClosureForm, HoursForm, OperatorAddForm, PatronDayForm, SlotTemplateForm
from ..models import Desk, DeskOperator, PatronDay

# The setup page shows four forms and three buttons, each posting its `action`. One function an
# action: it takes the desk and the form's cleaned data (the POST itself for a button), calls the
# service and says what it did.

SetupAction = Callable[[HttpRequest, Desk, Mapping[str, Any]], str]


def _set_hours(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    services.desk_set_hours(desk=desk, hours=data["hours"], by=request.user)
    return _("Orari salvati.")


def _closes_whole_ats(request: HttpRequest, desk: Desk) -> bool:
    return has_role(request.user, Role.SUPERUSER) or desk.ats_id in ats_ids_for(
        request.user, Role.ATS_OPERATOR
    )


def _add_closure(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    period = {name: data[name] for name in ("start_date", "end_date", "reason")}
    if data.get("whole_ats") and _closes_whole_ats(request, desk):
        closures, cancelled = services.ats_add_closure(ats=desk.ats, by=request.user, **period)
        done = _("Chiusura aggiunta a %(count)s sportelli dell'ATS.") % {"count": len(closures)}
    else:
        _closure, cancelled = services.desk_add_closure(desk=desk, by=request.user, **period)
        done = _("Chiusura aggiunta: le fasce libere di quei giorni sono state tolte.")
    if cancelled:
        done += " " + _(
            "Appuntamenti annullati: %(count)s; ogni persona ha ricevuto un'e-mail per "
            "prenotare un altro orario."
        ) % {"count": len(cancelled)}
    return done


def _set_patron_day(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    services.patron_day_save(
        desk=desk, month=data["month"], day=data["day"], saint=data["saint"], by=request.user
    )
    return _("Festa patronale salvata: lo sportello è chiuso in quel giorno ogni anno.")


def _add_template(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    services.slot_template_create(desk=desk, by=request.user, **data)
    return _("Disponibilità aggiunta e fasce generate.")


def _add_operator(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    user = User.objects.filter(email__iexact=data["email"]).first()
    if user is None:
        raise ValidationError({"email": _("Nessun utente registrato con questo indirizzo.")})
    services.desk_add_operator(desk=desk, user=user, by=request.user)
    return _("Operatore aggiunto.")


def _generate_slots(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    count = services.slots_generate(desk=desk)
    return _("Fasce generate: %(count)s.") % {"count": count}


def _deactivate_template(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    template = get_object_or_404(desk.slot_templates, pk=data.get("template"))
    services.slot_template_deactivate(template=template, by=request.user)
    return _("Disponibilità disattivata.")


def _remove_operator(request: HttpRequest, desk: Desk, data: Mapping[str, Any]) -> str:
    operator = get_object_or_404(DeskOperator, desk=desk, pk=data.get("operator"))
    services.desk_remove_operator(operator=operator, by=request.user)
    return _("Operatore rimosso.")


# The actions with a form on the page: a refusal shows on that form.
SETUP_FORM_ACTIONS: dict[str, SetupAction] = {
    "hours": _set_hours,
    "closure": _add_closure,
    "patron": _set_patron_day,
    "template": _add_template,
    "operator": _add_operator,
}
# The buttons: a refusal is a message at the top of the page.
SETUP_BUTTON_ACTIONS: dict[str, SetupAction] = {
    "generate": _generate_slots,
    "deactivate_template": _deactivate_template,
    "remove_operator": _remove_operator,
}


def _setup_forms(request: HttpRequest, desk: Desk, action: str) -> dict[str, BaseForm]:
    """The page's forms by their action; only the one posted is bound to the POST."""

    def posted(name: str):
        return request.POST if action == name else None

    hours_text = "\n".join(
        f"{h.get_weekday_display()} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in desk.hours.all()
    )
    return {
        "hours": HoursForm(posted("hours"), initial={"hours": hours_text}, auto_id="hours-%s"),
        "closure": ClosureForm(
            posted("closure"), whole_ats=_closes_whole_ats(request, desk), auto_id="closure-%s"
        ),
        "patron": PatronDayForm(
            posted("patron"), initial=_patron_initial(desk), auto_id="patron-%s"
        ),
        "template": SlotTemplateForm(posted("template"), desk=desk, auto_id="template-%s"),
        "operator": OperatorAddForm(posted("operator"), auto_id="operator-%s"),
    }


def _patron_initial(desk: Desk) -> dict[str, Any]:
    patron = PatronDay.objects.filter(comune_id=desk.comune_id).first()
    return {"day": patron.day, "month": patron.month, "saint": patron.saint} if patron else {}


@staff_permission_required("desks.manage")
def desk_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """Hours, closures, operators and slot templates of one desk."""
    desk = get_object_or_404(selectors.desks_managed_by(request.user), pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _setup_forms(request, desk, action)
    if action in SETUP_FORM_ACTIONS:
        run = SETUP_FORM_ACTIONS[action]
        done = save_form(request, forms[action], lambda data: run(request, desk, data))
    elif action in SETUP_BUTTON_ACTIONS:
        try:
            done = SETUP_BUTTON_ACTIONS[action](request, desk, request.POST)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            done = None
    else:
        done = None
    if done is not None:
        messages.success(request, done)
        return redirect("desks:desk_setup", pk=desk.pk)
    return render(
        request,
        "desks/office/desk_setup.html",
        {
            "desk": desk,
            **{f"{name}_form": form for name, form in forms.items()},
            "templates": desk.slot_templates.filter(active=True).select_related("operator"),
            "operators": desk.operators.select_related("user"),
            "closures": desk.closures.filter(end_date__gte=timezone.localdate()),
            "holidays": dict(
                sorted(
                    services.closed_days(
                        desk, timezone.localdate(), timezone.localdate() + timedelta(days=92)
                    ).items()
                )
            ),
            "upcoming_slots": desk.slots.filter(starts_at__gte=timezone.now()).count(),
        },
    )
