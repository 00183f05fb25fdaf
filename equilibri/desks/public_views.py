"""Public pages of the help desks: find the nearest, the desk's page, booking (with or without an
account), the signed confirm / cancel / reschedule links, the FAQ, the collective agreements,
and the citizen's own appointments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import signed_in_required
from equilibri.core import ratelimit
from equilibri.core.forms import apply_errors

from . import selectors, services
from .forms import (
    AgreementSearchForm,
    BookingForm,
    FaqSearchForm,
    NearestDeskForm,
    SlotPickForm,
)
from .models import Appointment, CollectiveAgreement, Slot

DEFAULT_RADIUS_KM = 25


def nearest(request: HttpRequest) -> HttpResponse:
    """Public: the help desks nearest to a comune."""
    form = NearestDeskForm(request.GET or None, auto_id="desk-%s")
    results = None
    if form.is_valid():
        radius = form.cleaned_data["raggio"] or DEFAULT_RADIUS_KM
        results = selectors.desks_near(form.cleaned_data["comune"], radius)
    return render(request, "desks/nearest.html", {"form": form, "results": results})


def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_object_or_404(selectors.public_desks(), pk=pk)
    today = timezone.localdate()
    slots = list(selectors.bookable_slots(desk)[:6])
    return render(
        request,
        "desks/desk_detail.html",
        {
            "desk": desk,
            "hours": desk.hours.all(),
            "closures": desk.closures.filter(end_date__gte=today),
            "next_slots": slots,
        },
    )


def _slot_of(desk, pk) -> Slot | None:
    return Slot.objects.filter(desk=desk, pk=pk).select_related("desk").first()


@ratelimit.rate_limited("desk_booking")
def book(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_object_or_404(selectors.public_desks(), pk=pk)
    slots = list(selectors.bookable_slots(desk))
    user = request.user if request.user.is_authenticated else None
    initial = {"slot": request.GET.get("slot")} if request.method == "GET" else None
    form = BookingForm(
        request.POST or None, initial=initial, slots=slots, user=user, auto_id="booking-%s"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slot = _slot_of(desk, data["slot"])
        if slot is None:
            form.add_error("slot", _("Questo orario non è più disponibile: scegline un altro."))
        else:
            try:
                appointment = services.appointment_book(
                    slot=slot,
                    name=data["name"],
                    email=data.get("email", ""),
                    phone=data["phone"],
                    topic=data["topic"],
                    need=data["need"],
                    user=user,
                    requester_ip=ratelimit.client_address(request),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if appointment.state == Appointment.State.BOOKED:
                    messages.success(
                        request,
                        _(
                            "Appuntamento confermato. Ti abbiamo scritto a %(email)s con "
                            "l'appuntamento da aggiungere al calendario."
                        )
                        % {"email": appointment.email},
                    )
                    return redirect("desks_public:my_appointments")
                messages.success(
                    request,
                    _(
                        "Quasi fatto: ti abbiamo scritto a %(email)s. Apri il link nel messaggio "
                        "entro %(hours)s ore per confermare la prenotazione."
                    )
                    % {"email": appointment.email, "hours": services.confirm_hours()},
                )
                return redirect("desks_public:desk_detail", pk=desk.pk)
    return render(
        request, "desks/book.html", {"desk": desk, "form": form, "has_slots": bool(slots)}
    )


def _link_error(request: HttpRequest, error: services.LinkError) -> HttpResponse:
    return render(
        request,
        "desks/link_error.html",
        {"forged": error.forged},
        status=400 if error.forged else 410,
    )


def _link_limit(request: HttpRequest, appointment: Appointment) -> HttpResponse | None:
    """The signed links' POSTs count per address and per the appointment's e-mail: a
    reschedule of an unconfirmed booking sends the confirmation e-mail again."""
    if request.method != "POST":
        return None
    return ratelimit.limit(request, "desk_link", email=appointment.email)


def _open_link(request: HttpRequest, token: str, purpose: str) -> Appointment | HttpResponse:
    """The appointment a signed link is about, or the page that refuses the link: forged,
    retired by a reschedule, or posted too often."""
    try:
        appointment = services.appointment_from_token(token, purpose)
    except services.LinkError as error:
        return _link_error(request, error)
    if (refused := _link_limit(request, appointment)) is not None:
        return refused
    return appointment


def _open_seat_link(request: HttpRequest, token: str, purpose: str) -> Appointment | HttpResponse:
    """As `_open_link`, for a link that acts on the seat (cancel, reschedule): once the
    appointment holds none, the page says the link's job is already done."""
    appointment = _open_link(request, token, purpose)
    if isinstance(appointment, HttpResponse) or appointment.holds_seat:
        return appointment
    return _used(request, appointment)


def _done(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """The appointment after the link did its job (the message says which)."""
    return render(request, "desks/appointment.html", {"appointment": appointment, "done": True})


def _used(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """A link whose job is already done: say what happened, with the way forward."""
    return render(request, "desks/link_used.html", {"appointment": appointment}, status=410)


# The signed links' pages show someone's appointment without a sign-in: no cache may keep them.
@never_cache
def appointment_confirm(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _open_link(request, token, "confirm")
    if isinstance(appointment, HttpResponse):
        return appointment
    if appointment.state != Appointment.State.PENDING:
        if appointment.state == Appointment.State.BOOKED:
            messages.info(request, _("La prenotazione era già confermata."))
            return _done(request, appointment)
        return _used(request, appointment)
    if request.method == "POST":
        services.appointment_confirm(appointment=appointment)
        appointment.refresh_from_db()
        messages.success(
            request,
            _(
                "Prenotazione confermata. Ti abbiamo inviato l'appuntamento da aggiungere al "
                "calendario."
            ),
        )
        return _done(request, appointment)
    return render(
        request,
        "desks/appointment.html",
        {"appointment": appointment, "action": "confirm"},
    )


@never_cache
def appointment_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _open_seat_link(request, token, "cancel")
    if isinstance(appointment, HttpResponse):
        return appointment
    if request.method == "POST":
        try:
            services.appointment_cancel(appointment=appointment)
        except ValidationError:
            appointment.refresh_from_db()
            return _used(request, appointment)
        appointment.refresh_from_db()
        messages.success(
            request, _("Appuntamento annullato. Il posto torna disponibile per altri.")
        )
        return _done(request, appointment)
    return render(
        request, "desks/appointment.html", {"appointment": appointment, "action": "cancel"}
    )


@never_cache
def appointment_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _open_seat_link(request, token, "reschedule")
    if isinstance(appointment, HttpResponse):
        return appointment
    slots = [s for s in selectors.bookable_slots(appointment.desk) if s.pk != appointment.slot_id]
    form = SlotPickForm(request.POST or None, slots=slots, auto_id="reschedule-%s")
    if request.method == "POST" and form.is_valid():
        slot = _slot_of(appointment.desk, form.cleaned_data["slot"])
        if slot is None:
            form.add_error("slot", _("Questo orario non è più disponibile: scegline un altro."))
        else:
            try:
                appointment = services.appointment_reschedule(appointment=appointment, slot=slot)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Appuntamento spostato. Ti abbiamo scritto con il nuovo orario e i "
                        "nuovi link."
                    ),
                )
                return _done(request, appointment)
    return render(
        request,
        "desks/appointment.html",
        {"appointment": appointment, "action": "reschedule", "form": form},
    )


def faq(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None, auto_id="faq-%s")
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "desks/faq.html",
        {"form": form, "articles": selectors.faq_articles(query), "query": query},
    )


def agreements(request: HttpRequest) -> HttpResponse:
    form = AgreementSearchForm(request.GET or None, auto_id="agreements-%s")
    data = form.cleaned_data if form.is_valid() else {}
    results = selectors.search_agreements(
        data.get("q", ""), data.get("tipo", ""), provision=data.get("misura", "")
    )
    page = Paginator(results, 20).get_page(request.GET.get("pagina"))
    return render(request, "desks/agreements.html", {"form": form, "page": page})


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(CollectiveAgreement.objects.select_related("organisation"), pk=pk)
    return render(request, "desks/agreement_detail.html", {"agreement": agreement})


@signed_in_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    appointments = selectors.appointments_of_citizen(request.user)
    now = timezone.now()
    return render(
        request,
        "desks/my_appointments.html",
        {
            "upcoming": [a for a in appointments if a.slot.starts_at >= now and a.holds_seat],
            "past": [a for a in appointments if not (a.slot.starts_at >= now and a.holds_seat)],
        },
    )


@signed_in_required
@require_POST
def my_appointment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(selectors.appointments_of_citizen(request.user), pk=pk)
    services.appointment_forget(appointment=appointment, user=request.user)
    messages.success(request, _("Appuntamento cancellato, con i tuoi dati."))
    return redirect("desks_public:my_appointments")
