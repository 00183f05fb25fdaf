"""The citizens' side, public (namespace citizens_public): the personal area (signed in: only the
person's own things) and the forms anyone may send: an accessibility report, a message to an ATS,
a rating of their experience. The anonymous ones are rate-limited."""

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from equilibri.accounts.decorators import signed_in_required
from equilibri.catalogue import selectors as catalogue_selectors
from equilibri.core import ratelimit
from equilibri.core.forms import apply_errors
from equilibri.desks import services as desks_services
from equilibri.desks.forms import SlotPickForm
from equilibri.desks.ical import appointment_ics

from . import selectors, services
from .forms import (
    AccessibilityReportForm,
    ContactForm,
    ErasureForm,
    PreferencesForm,
    RatingForm,
)
from .models import ANSWER_WITHIN, Message, Rating


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    preferences = selectors.preferences_of(user)
    upcoming, past = selectors.appointment_rows(user)
    return render(
        request,
        "citizens/home.html",
        {
            "upcoming": upcoming,
            "past": past[:10],
            "vouchers": selectors.voucher_rows(user),
            "calls": selectors.call_rows(user),
            "saved": selectors.saved_services_of(user),
            "searches": selectors.saved_searches_of(user),
            "notifications": selectors.notifications_of(user),
            "sent_messages": selectors.messages_of(user)[:10],
            "preferences_form": PreferencesForm(
                initial={"comune": preferences.comune if preferences else None},
                auto_id="prefs-%s",
            ),
            "opportunities": selectors.open_opportunities(user),
        },
    )


@signed_in_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, auto_id="prefs-%s")
    if form.is_valid():
        services.preferences_save(user=request.user, comune=form.cleaned_data["comune"])
        messages.success(request, _("Preferenze salvate."))
    else:
        for error in form.errors.get("comune", []):
            messages.error(request, str(error))
    return redirect("citizens_public:home")


def _own_appointment(request: HttpRequest, pk: int):
    appointment = selectors.own_appointment(request.user, pk)
    if appointment is None:
        raise Http404
    return appointment


@signed_in_required
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Another free slot of the same desk, through the desks' own service (new e-mail and
    calendar event, the old seat freed)."""
    appointment = _own_appointment(request, pk)
    if not appointment.holds_seat or appointment.slot.starts_at < timezone.now():
        messages.info(request, _("Questo appuntamento non si può più spostare."))
        return redirect("citizens_public:home")
    slots = selectors.free_slots_for(appointment)
    form = SlotPickForm(request.POST or None, slots=slots, auto_id="reschedule-%s")
    if request.method == "POST" and form.is_valid():
        slot = next((s for s in slots if s.pk == form.cleaned_data["slot"]), None)
        if slot is None:
            form.add_error("slot", _("Questo orario non è più disponibile: scegline un altro."))
        else:
            try:
                desks_services.appointment_reschedule(appointment=appointment, slot=slot)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Appuntamento spostato. Ti abbiamo scritto con il nuovo orario."),
                )
                return redirect("citizens_public:home")
    return render(
        request,
        "citizens/reschedule.html",
        {"appointment": appointment, "form": form, "has_slots": bool(slots)},
    )


@signed_in_required
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _own_appointment(request, pk)
    try:
        desks_services.appointment_cancel(appointment=appointment, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Appuntamento annullato. Il posto torna disponibile per altri.")
        )
    return redirect("citizens_public:home")


@signed_in_required
@require_GET
def appointment_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment as an .ics file, to add to any calendar app."""
    appointment = _own_appointment(request, pk)
    response = HttpResponse(
        appointment_ics(appointment, cancelled=not appointment.holds_seat),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="appuntamento-{appointment.pk}.ics"'
    return response


@signed_in_required
@require_POST
def service_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save or forget a published service ("save this service" on its page)."""
    service = get_object_or_404(catalogue_selectors.public_services(), pk=pk)
    if request.POST.get("action") == "forget":
        services.service_forget(user=request.user, service=service)
        messages.success(request, _("Servizio tolto dai salvati."))
    else:
        services.service_save(user=request.user, service=service)
        messages.success(request, _("Servizio salvato nella tua area personale."))
    return redirect(_next(request, service.get_absolute_url()))


@signed_in_required
def search_save(request: HttpRequest) -> HttpResponse:
    """ "Salva questa ricerca": the search page links here with its parameters (GET, a page the
    page cache may share, so no form and no token there); this page asks to confirm and the
    POST keeps it. Signed out, the sign-in comes back here with the same parameters."""
    query = request.POST.get("query", "") if request.method == "POST" else request.GET.urlencode()
    if request.method == "POST":
        try:
            services.search_save(user=request.user, query=query)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Ricerca salvata nella tua area personale."))
            return redirect(reverse("citizens_public:home") + "#ricerche")
    normalised, params = services.search_query(query)
    return render(
        request,
        "citizens/search_save.html",
        {
            "query": normalised,
            "label": services.search_label(params) if params else "",
            "search_url": reverse("catalogue_public:search") + "?" + normalised,
        },
    )


@signed_in_required
@require_POST
def search_forget(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(selectors.saved_searches_of(request.user), pk=pk)
    services.search_forget(user=request.user, saved=saved)
    messages.success(request, _("Ricerca tolta dalle salvate."))
    return redirect(reverse("citizens_public:home") + "#ricerche")


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@signed_in_required
def erasure(request: HttpRequest) -> HttpResponse:
    """A request to erase the account and its data, to the ATS's queue (a person, not a
    script, checks what the law requires the platform to keep, e.g. paid vouchers)."""
    form = ErasureForm(request.POST or None, auto_id="erasure-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                kind=Message.Kind.ERASURE,
                body=form.cleaned_data["body"],
                ats=form.cleaned_data["ats"],
                name=request.user.get_full_name(),  # type: ignore[union-attr]
                subject=_("Cancellazione dei dati"),
                user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Richiesta inviata: l'ATS ti risponderà per e-mail entro 30 giorni."),
            )
            return redirect("citizens_public:home")
    return render(request, "citizens/erasure.html", {"form": form})


def _send_to_ats(request, form, kind: str) -> Message | None:
    """The message of a valid form into its ATS's queue; None when the form shows errors."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.message_send(
            kind=kind,
            body=data["body"],
            ats=data.get("ats"),
            comune=data.get("comune"),
            name=data.get("name", ""),
            email=data.get("email", ""),
            subject=data.get("subject", ""),
            page_url=data.get("page_url", ""),
            user=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


@ratelimit.rate_limited("citizen_message")
def accessibility_report(request: HttpRequest) -> HttpResponse:
    """AgID's feedback mechanism: report an accessibility barrier; answered within 30 days,
    then the Difensore civico per il digitale (AgID)."""
    initial = {"page_url": request.GET.get("pagina", "")[:500]}
    form = AccessibilityReportForm(request.POST or None, initial=initial, auto_id="a11y-%s")
    if request.method == "POST":
        message = _send_to_ats(request, form, Message.Kind.ACCESSIBILITY)
        if message is not None:
            return render(request, "citizens/message_sent.html", {"sent": message})
    return render(
        request, "citizens/accessibility_report.html", {"form": form, "days": ANSWER_WITHIN.days}
    )


@ratelimit.rate_limited("citizen_message")
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, auto_id="contact-%s")
    if request.method == "POST":
        message = _send_to_ats(request, form, Message.Kind.CONTACT)
        if message is not None:
            return render(request, "citizens/message_sent.html", {"sent": message})
    return render(request, "citizens/contact.html", {"form": form})


@ratelimit.rate_limited("citizen_rating", email_field=None)
def rate(request: HttpRequest) -> HttpResponse:
    """ "Valuta la tua esperienza": one question (1 to 5) and an optional comment. The inline
    forms of the pages post here; GET shows the form alone (e.g. from the search page)."""
    moment = request.POST.get("moment") or request.GET.get("momento") or Rating.Moment.SEARCH
    if moment not in Rating.Moment.values:
        moment = Rating.Moment.SEARCH
    form = RatingForm(
        request.POST or None,
        initial={"moment": moment, "next": request.GET.get("next", "")[:500]},
        auto_id="rating-%s",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ats = data.get("ats") or selectors.ats_of(request.user)
        services.rating_record(
            moment=data["moment"], score=data["score"], comment=data["comment"], ats=ats
        )
        messages.success(request, _("Grazie: la tua valutazione ci aiuta a migliorare."))
        return redirect(_next(request, "/"))
    return render(
        request,
        "citizens/rate.html",
        {"form": form, "moment_label": Rating.Moment(moment).label},
    )


# ---------------------------------------------------------------------------------------------
# The installable web app: manifest, service worker, offline page.

# Pages the service worker keeps for offline reading: the person's own, each time they are
# opened online (and the saved services' pages the personal area names).
OFFLINE_PAGES = ("citizens_public:home", "desks_public:my_appointments")
# The shell: what the offline page needs to look like the site.
SHELL_ASSETS = (
    "vendor/bootstrap-italia/css/fonts.css",
    "vendor/bootstrap-italia/css/bootstrap-italia.min.css",
    "equilibri/css/app.css",
    "equilibri/img/favicon.svg",
    "equilibri/img/logo.svg",
    "vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "citizens/pwa.js",
    "citizens/icons/icon-192.png",
)


def manifest(request: HttpRequest) -> HttpResponse:
    """The Web App Manifest: "add to home screen" opens the personal area, standalone."""
    data = {
        "name": _("Equilibri — Conciliazione vita-lavoro in Lombardia"),
        "short_name": "Equilibri",
        "description": _(
            "I servizi, gli sportelli, i voucher e i bandi per conciliare vita e lavoro, e la "
            "tua area personale."
        ),
        "lang": get_language() or "it",
        "dir": "ltr",
        "id": reverse("citizens_public:home"),
        "start_url": reverse("citizens_public:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0066cc",
        "icons": [
            {
                "src": static(f"citizens/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("citizens/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
        "shortcuts": [
            {
                "name": _("I miei appuntamenti"),
                "url": reverse("citizens_public:home") + "#appuntamenti",
            },
            {"name": _("Cerca un servizio"), "url": reverse("catalogue_public:search")},
            {"name": _("Sportelli"), "url": reverse("desks_public:nearest")},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, default=str),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, a template so that it names the static files by their hashed
    names; its version changes with them, which replaces the old shell."""
    shell = [reverse("citizens_public:offline"), *(static(path) for path in SHELL_ASSETS)]
    pages = [reverse(name) for name in OFFLINE_PAGES]
    version = hashlib.sha256(json.dumps([shell, pages]).encode()).hexdigest()[:12]
    response = render(
        request,
        "citizens/sw.js",
        {
            # Our own addresses only, as JSON: nothing a visitor typed.
            "config": json.dumps(
                {
                    "version": version,
                    "shell": shell,
                    "pages": pages,
                    "offline": reverse("citizens_public:offline"),
                    "logout": reverse("account_logout"),
                    "static": settings.STATIC_URL,
                }
            )
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker at most daily anyway; no cache may keep an old one.
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it has not kept, when there is no connection."""
    return render(request, "citizens/offline.html")
