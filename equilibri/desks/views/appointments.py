"""The agenda of the desks' appointments, by day or week, and how each one went."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required

from .. import selectors, services
from ..forms import AgendaForm
from ..meetings import meeting_link
from ..models import Appointment


@staff_permission_required("desks.operate")
def agenda(request: HttpRequest) -> HttpResponse:
    desks = selectors.desks_for_office(request.user)
    form = AgendaForm(request.GET or None, desks=desks, auto_id="agenda-%s")
    data = form.cleaned_data if form.is_valid() else {}
    day = data.get("giorno") or timezone.localdate()
    week = data.get("vista") == "settimana"
    first = day - timedelta(days=day.weekday()) if week else day
    last = first + timedelta(days=6 if week else 0)
    desk = data.get("sportello")
    tz = timezone.get_default_timezone()
    appointments = selectors.appointments_visible_to(request.user).filter(
        slot__starts_at__gte=datetime.combine(first, datetime.min.time(), tz),
        slot__starts_at__lt=datetime.combine(last + timedelta(days=1), datetime.min.time(), tz),
    )
    if desk is None:
        own = selectors.operated_desk_ids(request.user)
        appointments = appointments.filter(desk_id__in=own)
    else:
        appointments = appointments.filter(desk=desk)
    appointments = appointments.exclude(state=Appointment.State.CANCELLED).order_by(
        "slot__starts_at", "pk"
    )
    days: dict = {}
    for appointment in appointments:
        appointment.meeting = meeting_link(appointment)  # type: ignore[attr-defined]
        days.setdefault(timezone.localtime(appointment.slot.starts_at).date(), []).append(
            appointment
        )
    step = timedelta(days=7 if week else 1)
    base = {"vista": "settimana" if week else "giorno"}
    if desk:
        base["sportello"] = desk.pk
    return render(
        request,
        "desks/office/agenda.html",
        {
            "form": form,
            "days": sorted(days.items()),
            "first": first,
            "last": last,
            "week": week,
            "previous": {**base, "giorno": (first - step).isoformat()},
            "next": {**base, "giorno": (first + step).isoformat()},
            "now": timezone.now(),
            "follow_ups": selectors.follow_ups_for(request.user).count(),
        },
    )


@staff_permission_required("desks.operate")
@require_POST
def appointment_mark(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(selectors.appointments_visible_to(request.user), pk=pk)
    try:
        services.appointment_mark(
            appointment=appointment, state=request.POST.get("state", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Appuntamento aggiornato."))
    day = timezone.localtime(appointment.slot.starts_at).date().isoformat()
    return redirect(f"{reverse('desks:agenda')}?giorno={day}")
