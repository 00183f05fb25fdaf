"""The contact log (searched by person, exported) and the to-do list of follow-ups."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.models import User
from equilibri.core import audit
from equilibri.core.audit import log_personal_data_read
from equilibri.core.exporters import Exporter, export_response
from equilibri.core.forms import save_form

from .. import selectors, services
from ..forms import ContactForm, voucher_scheme_choices
from ..models import Appointment, Contact, Referral


def _contacts_asked(request: HttpRequest) -> tuple[QuerySet[Contact], str, str]:
    """The contacts the user may read, of the desk and the person asked (`sportello`, `q`)."""
    contacts = (
        selectors.contacts_visible_to(request.user)
        .select_related("appointment")
        .prefetch_related("needs")
    )
    desk_id = request.GET.get("sportello", "")[:12]
    if desk_id.isdigit():
        contacts = contacts.filter(desk_id=int(desk_id))
    query = request.GET.get("q", "")[:100].strip()
    return selectors.contacts_of_person(contacts, query), desk_id, query


@staff_permission_required("desks.operate")
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts, desk_id, query = _contacts_asked(request)
    page = Paginator(contacts, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "desks/office/contact_list.html",
        {
            "page": page,
            "desks": selectors.desks_for_office(request.user),
            "desk_id": desk_id,
            "q": query,
            "query": request.GET.urlencode(),
        },
    )


@staff_permission_required("desks.operate")
def contact_export(request: HttpRequest) -> HttpResponse:
    """The contacts listed (same desk and person) as a spreadsheet; the export is a read of
    their personal data, logged like opening each one."""
    contacts, _desk_id, _query = _contacts_asked(request)
    contacts = contacts.prefetch_related("referrals")
    audit.log_bulk(
        Contact,
        contacts.values_list("pk", flat=True),
        LogEntry.Action.ACCESS,
        fields=["citizen_name", "citizen_email", "answer", "employer_text"],
        actor=request.user,
        data={"purpose": "contact log export"},
    )

    def rows():
        for contact in contacts.iterator(chunk_size=500):
            yield [
                contact.contacted_at,
                contact.desk.name,
                contact.get_channel_display(),
                contact.citizen_name,
                contact.citizen_email,
                contact.get_gender_display(),
                contact.get_age_band_display(),
                "; ".join(need.name for need in contact.needs.all()),
                "; ".join(referral.label for referral in contact.referrals.all()),
                contact.answer,
                contact.follow_up_due,
            ]

    exporter = Exporter(
        name="contatti-sportelli",
        title=_("Registro dei contatti"),
        headers=[
            _("Data e ora"),
            _("Sportello"),
            _("Canale"),
            _("Nome"),
            _("E-mail"),
            _("Genere"),
            _("Fascia d'età"),
            _("Bisogni"),
            _("Invii"),
            _("Risposta data"),
            _("Ricontattare entro"),
        ],
        rows=rows,
    )
    return export_response(request, exporter, request.GET.get("formato", "xlsx"))


@staff_permission_required("desks.operate")
def contact_create(request: HttpRequest) -> HttpResponse:
    desks = selectors.desks_for_office(request.user)
    own = selectors.operated_desk_ids(request.user)
    appointment = None
    appointment_id = request.GET.get("appuntamento") or request.POST.get("appuntamento")
    if appointment_id and str(appointment_id).isdigit():
        appointment = get_object_or_404(
            selectors.appointments_visible_to(request.user), pk=int(appointment_id)
        )
    initial: dict[str, Any] = {
        "contacted_at": timezone.localtime().replace(second=0, microsecond=0),
        "desk": appointment.desk_id if appointment else next(iter(sorted(own)), None),
        "channel": appointment.slot.channel if appointment else "in_person",
    }
    if appointment:
        initial.update(citizen_name=appointment.name, citizen_email=appointment.email)
        if appointment.need_id:
            initial["needs"] = [appointment.need_id]
    form = ContactForm(request.POST or None, initial=initial, desks=desks, auto_id="contact-%s")
    contact = save_form(
        request, form, lambda data: _log_contact(request, data, appointment=appointment)
    )
    if contact is not None:
        messages.success(request, _("Contatto registrato."))
        return redirect("desks:contact_detail", pk=contact.pk)
    return render(
        request,
        "desks/office/contact_form.html",
        {"form": form, "appointment": appointment},
    )


def _log_contact(
    request: HttpRequest, data: dict[str, Any], *, appointment: Appointment | None
) -> Contact:
    """The contact form's cleaned data to the contact log: referrals from the three lists, the
    citizen's account when their address has one."""
    referrals = [
        services.ReferralInput(
            Referral.Kind.SERVICE, f"{s.name} — {s.organisation.name}", service_id=s.pk
        )
        for s in data["referral_services"]
    ]
    schemes = dict(voucher_scheme_choices())
    referrals += [
        services.ReferralInput(Referral.Kind.VOUCHER_SCHEME, schemes[pk], reference_id=int(pk))
        for pk in data["referral_schemes"]
    ]
    referrals += [
        services.ReferralInput(Referral.Kind.OTHER_BODY, line)
        for line in data["referral_other"].splitlines()
        if line.strip()
    ]
    citizen = None
    if data["citizen_email"]:
        citizen = User.objects.filter(email__iexact=data["citizen_email"]).first()
    return services.contact_log(
        desk=data["desk"],
        by=request.user,
        contacted_at=data["contacted_at"],
        channel=data["channel"],
        needs=list(data["needs"]),
        answer=data["answer"],
        gender=data["gender"],
        age_band=data["age_band"],
        citizen=citizen,
        citizen_name=data["citizen_name"],
        citizen_email=data["citizen_email"],
        employer_organisation=data["employer_organisation"],
        employer_text=data["employer_text"],
        notes=data["notes"],
        articles=list(data["articles"]),
        referrals=referrals,
        follow_up_due=data["follow_up_due"],
        appointment=appointment,
    )


@staff_permission_required("desks.operate")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(selectors.contacts_visible_to(request.user), pk=pk)
    log_personal_data_read(
        contact,
        actor=request.user,
        fields=["citizen_name", "citizen_email", "notes", "answer", "employer_text"],
        purpose="contact log",
    )
    return render(
        request,
        "desks/office/contact_detail.html",
        {
            "contact": contact,
            "needs": contact.needs.all(),
            "articles": contact.articles.all(),
            "referrals": contact.referrals.select_related("service"),
        },
    )


@staff_permission_required("desks.operate")
@require_POST
def contact_follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(selectors.contacts_visible_to(request.user), pk=pk)
    try:
        services.contact_follow_up_done(contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Ricontatto segnato come fatto."))
    return redirect("desks:todo")


@staff_permission_required("desks.operate")
def todo(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "desks/office/todo.html",
        {"follow_ups": selectors.follow_ups_for(request.user), "today": timezone.localdate()},
    )
