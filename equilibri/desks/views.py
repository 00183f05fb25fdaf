"""Reserved area of the help desks: agenda, contact log, to-do list, knowledge base, agreements,
desks and their slot templates, statistics."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.models import User
from equilibri.accounts.roles import Role, ats_ids_for, has_role
from equilibri.core.audit import log_personal_data_read
from equilibri.core.charts import Series, bar_chart_svg
from equilibri.core.exporters import Exporter, export_response
from equilibri.core.forms import apply_errors
from equilibri.network.models import Organisation

from . import selectors, services
from .forms import (
    AgendaForm,
    AgreementForm,
    ArticleForm,
    ClosureForm,
    ContactForm,
    DeskForm,
    HoursForm,
    OperatorAddForm,
    SlotTemplateForm,
    StatsForm,
    voucher_scheme_choices,
)
from .models import Appointment, CollectiveAgreement, DeskOperator, KnowledgeArticle, Referral

# --- Agenda ---------------------------------------------------------------------------------


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
    return redirect(f"{_url('desks:agenda')}?giorno={day}")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- Contact log ----------------------------------------------------------------------------


@staff_permission_required("desks.operate")
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = selectors.contacts_visible_to(request.user).prefetch_related("needs")
    desk_id = request.GET.get("sportello", "")
    if desk_id.isdigit():
        contacts = contacts.filter(desk_id=int(desk_id))
    page = Paginator(contacts, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "desks/office/contact_list.html",
        {"page": page, "desks": selectors.desks_for_office(request.user), "desk_id": desk_id},
    )


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
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
        try:
            contact = services.contact_log(
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
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Contatto registrato."))
            return redirect("desks:contact_detail", pk=contact.pk)
    return render(
        request,
        "desks/office/contact_form.html",
        {"form": form, "appointment": appointment},
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


# --- Knowledge base -------------------------------------------------------------------------


@staff_permission_required("desks.read_knowledge")
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    articles = selectors.search_articles(KnowledgeArticle.objects.all(), query)
    if request.headers.get("HX-Request"):
        return render(
            request, "desks/office/_article_results.html", {"articles": articles[:8], "q": query}
        )
    page = Paginator(articles, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "desks/office/article_list.html",
        {"page": page, "q": query, "today": timezone.localdate()},
    )


@staff_permission_required("desks.read_knowledge")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle.objects.select_related("owner"), pk=pk)
    return render(
        request,
        "desks/office/article_detail.html",
        {"article": article, "versions": article.versions.select_related("edited_by")},
    )


@staff_permission_required("desks.edit_knowledge")
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, auto_id="article-%s")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"note", "version"}}
        try:
            article = services.article_create(by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Scheda creata."))
            return redirect("desks:article_detail", pk=article.pk)
    return render(request, "desks/office/article_form.html", {"form": form})


@staff_permission_required("desks.edit_knowledge")
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle, pk=pk)
    form = ArticleForm(
        request.POST or None,
        instance=KnowledgeArticle.objects.get(pk=pk),
        initial={"version": article.version},
        auto_id="article-%s",
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"note", "version"}}
        try:
            services.article_update(
                article=article,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Nuova versione salvata."))
            return redirect("desks:article_detail", pk=article.pk)
    return render(request, "desks/office/article_form.html", {"form": form, "article": article})


# --- Collective agreements ------------------------------------------------------------------


@staff_permission_required("desks.read_knowledge")
def agreement_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.search_agreements(query), 25).get_page(request.GET.get("pagina"))
    return render(request, "desks/office/agreement_list.html", {"page": page, "q": query})


@staff_permission_required("desks.edit_knowledge")
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _agreement_form(request, None)


@staff_permission_required("desks.edit_knowledge")
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _agreement_form(request, get_object_or_404(CollectiveAgreement, pk=pk))


def _agreement_form(request: HttpRequest, agreement: CollectiveAgreement | None) -> HttpResponse:
    form = AgreementForm(request.POST or None, instance=agreement, auto_id="agreement-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Contratto salvato."))
            return redirect("desks:agreement_list")
    return render(
        request, "desks/office/agreement_form.html", {"form": form, "agreement": agreement}
    )


# --- Desks ----------------------------------------------------------------------------------


def _organisations_for(user):
    organisations = Organisation.objects.order_by("name")
    if has_role(user, Role.SUPERUSER):
        return organisations
    ats_ids = ats_ids_for(user, Role.ATS_OPERATOR, Role.DESK_OPERATOR)
    return organisations.filter(comune__ats_id__in=ats_ids)


def _check_comune(request: HttpRequest, comune) -> None:
    if has_role(request.user, Role.SUPERUSER):
        return
    if comune.ats_id not in ats_ids_for(request.user, Role.ATS_OPERATOR, Role.DESK_OPERATOR):
        raise ValidationError({"comune": _("Il comune è fuori dalla tua ATS.")})


@staff_permission_required("desks.manage")
def desk_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "desks/office/desk_list.html",
        {
            "desks": selectors.desks_managed_by(request.user),
            "creates": has_role(request.user, Role.ATS_OPERATOR, Role.SUPERUSER),
        },
    )


@staff_permission_required("desks.manage")
def desk_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.ATS_OPERATOR, Role.SUPERUSER):
        raise PermissionDenied
    return _desk_form(request, None)


@staff_permission_required("desks.manage")
def desk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _desk_form(request, get_object_or_404(selectors.desks_managed_by(request.user), pk=pk))


def _desk_form(request: HttpRequest, desk) -> HttpResponse:
    form = DeskForm(
        request.POST or None,
        instance=desk,
        organisations=_organisations_for(request.user),
        auto_id="desk-%s",
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            _check_comune(request, fields["comune"])
            saved = services.desk_save(
                desk=desk if desk else None,
                by=request.user,
                ats=fields["comune"].ats,
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Sportello salvato."))
            return redirect("desks:desk_setup", pk=saved.pk)
    return render(request, "desks/office/desk_form.html", {"form": form, "desk": desk})


@staff_permission_required("desks.manage")
def desk_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """Hours, closures, operators and slot templates of one desk."""
    desk = get_object_or_404(selectors.desks_managed_by(request.user), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    hours_text = "\n".join(
        f"{h.get_weekday_display()} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in desk.hours.all()
    )
    hours_form = HoursForm(
        request.POST if action == "hours" else None,
        initial={"hours": hours_text},
        auto_id="hours-%s",
    )
    closure_form = ClosureForm(request.POST if action == "closure" else None, auto_id="closure-%s")
    template_form = SlotTemplateForm(
        request.POST if action == "template" else None, desk=desk, auto_id="template-%s"
    )
    operator_form = OperatorAddForm(
        request.POST if action == "operator" else None, auto_id="operator-%s"
    )
    try:
        if action == "hours" and hours_form.is_valid():
            services.desk_set_hours(
                desk=desk, hours=hours_form.cleaned_data["hours"], by=request.user
            )
            messages.success(request, _("Orari salvati."))
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "closure" and closure_form.is_valid():
            services.desk_add_closure(desk=desk, by=request.user, **closure_form.cleaned_data)
            messages.success(
                request, _("Chiusura aggiunta: le fasce libere di quei giorni sono state tolte.")
            )
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "template" and template_form.is_valid():
            services.slot_template_create(desk=desk, by=request.user, **template_form.cleaned_data)
            messages.success(request, _("Disponibilità aggiunta e fasce generate."))
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "operator" and operator_form.is_valid():
            user = User.objects.filter(email__iexact=operator_form.cleaned_data["email"]).first()
            if user is None:
                raise ValidationError(
                    {"email": _("Nessun utente registrato con questo indirizzo.")}
                )
            services.desk_add_operator(desk=desk, user=user, by=request.user)
            messages.success(request, _("Operatore aggiunto."))
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "generate":
            count = services.slots_generate(desk=desk)
            messages.success(request, _("Fasce generate: %(count)s.") % {"count": count})
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "deactivate_template":
            template = get_object_or_404(desk.slot_templates, pk=request.POST.get("template"))
            services.slot_template_deactivate(template=template, by=request.user)
            messages.success(request, _("Disponibilità disattivata."))
            return redirect("desks:desk_setup", pk=desk.pk)
        if action == "remove_operator":
            operator = get_object_or_404(DeskOperator, desk=desk, pk=request.POST.get("operator"))
            services.desk_remove_operator(operator=operator, by=request.user)
            messages.success(request, _("Operatore rimosso."))
            return redirect("desks:desk_setup", pk=desk.pk)
    except ValidationError as error:
        form = {
            "hours": hours_form,
            "closure": closure_form,
            "template": template_form,
            "operator": operator_form,
        }.get(action or "")
        if form is not None:
            apply_errors(form, error)
        else:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "desks/office/desk_setup.html",
        {
            "desk": desk,
            "hours_form": hours_form,
            "closure_form": closure_form,
            "template_form": template_form,
            "operator_form": operator_form,
            "templates": desk.slot_templates.filter(active=True).select_related("operator"),
            "operators": desk.operators.select_related("user"),
            "closures": desk.closures.filter(end_date__gte=timezone.localdate()),
            "upcoming_slots": desk.slots.filter(starts_at__gte=timezone.now()).count(),
        },
    )


# --- Statistics -----------------------------------------------------------------------------


def _stats_for(request: HttpRequest):
    desks = selectors.desks_for_stats(request.user)
    form = StatsForm(request.GET or None, desks=desks, auto_id="stats-%s")
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    date_to = data.get("al") or today
    date_from = data.get("dal") or (date_to - timedelta(days=89))
    stats = selectors.desk_stats(
        request.user, date_from=date_from, date_to=date_to, desk=data.get("sportello")
    )
    return form, stats


def _stat_titles() -> dict[str, str]:
    return {
        "by_desk": _("Contatti per sportello"),
        "by_month": _("Contatti per mese"),
        "by_need": _("Contatti per bisogno"),
        "by_channel": _("Contatti per canale"),
        "by_gender": _("Contatti per genere"),
        "by_age": _("Contatti per fascia d'età"),
        "referrals": _("Invii per tipo"),
        "referral_targets": _("Enti e servizi a cui si invia più spesso"),
    }


@staff_permission_required("desks.stats")
def stats(request: HttpRequest) -> HttpResponse:
    form, data = _stats_for(request)
    sections = []
    for key, title in _stat_titles().items():
        rows = getattr(data, key)
        chart = (
            bar_chart_svg(
                title,
                [label for label, _n in rows],
                [Series(_("Numero"), [n for _label, n in rows])],
                decimals=0,
            )
            if rows
            else None
        )
        sections.append({"key": key, "title": title, "rows": rows, "chart": chart})
    return render(
        request,
        "desks/office/stats.html",
        {"form": form, "stats": data, "sections": sections, "query": request.GET.urlencode()},
    )


@staff_permission_required("desks.stats")
def stats_export(request: HttpRequest) -> HttpResponse:
    _form, data = _stats_for(request)
    titles = _stat_titles()

    def rows():
        yield [_("Periodo"), f"{data.date_from:%d/%m/%Y}–{data.date_to:%d/%m/%Y}", None]
        yield [_("Contatti"), _("Totale"), data.contacts]
        for key, title in titles.items():
            for label, count in getattr(data, key):
                yield [title, label, count]
        yield [_("Appuntamenti"), _("Totale"), data.appointments]
        yield [_("Appuntamenti"), _("Svolti"), data.attended]
        yield [_("Appuntamenti"), _("Assenti"), data.no_shows]
        yield [_("Appuntamenti"), _("Annullati"), data.cancelled]
        yield [_("Appuntamenti"), _("Attesa media (giorni)"), data.average_wait_days]
        yield [_("Appuntamenti"), _("Assenze sul totale (%)"), data.no_show_rate]

    exporter = Exporter(
        name="statistiche-sportelli",
        title=_("Statistiche sportelli"),
        headers=[_("Tabella"), _("Voce"), _("Numero")],
        rows=rows,
    )
    return export_response(request, exporter, request.GET.get("formato", "xlsx"))
