"""Reserved area of the territorial network: organisations, membership, agreements, alliances."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import (
    signed_in_required,
    staff_permission_required,
    staff_required,
)
from equilibri.accounts.roles import Role, has_role
from equilibri.core.forms import save_form

from . import selectors, services
from .forms import (
    AgreementForm,
    AllianceForm,
    AlliancePartnerForm,
    ApproveForm,
    MembershipRequestForm,
    OrganisationForm,
    RejectForm,
    WithdrawForm,
)
from .models import AgreementDocument, AlliancePartner, Membership

# --- Organisations --------------------------------------------------------------------------


@staff_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_visible_to(request.user)
    page = Paginator(organisations, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "network/organisation_list.html",
        {"page": page, "manages": request.user.has_perm("network.manage")},
    )


@staff_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Outside the user's scope is a 404, the same as missing.
    organisation = get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)
    administers = selectors.organisations_administered_by(request.user).filter(pk=pk).exists()
    memberships = selectors.memberships_visible_to(request.user).filter(organisation=organisation)
    has_open = memberships.filter(
        state__in=[Membership.State.REQUESTED, Membership.State.ACTIVE]
    ).exists()
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "administers": administers,
            "memberships": memberships,
            "can_request": administers and not has_open,
        },
    )


@signed_in_required
def organisation_register(request: HttpRequest) -> HttpResponse:
    """Any signed-in user registers an organisation and becomes its organisation admin."""
    form = OrganisationForm(request.POST or None)
    organisation = save_form(
        request, form, lambda data: services.organisation_register(by=request.user, **data)
    )
    if organisation is not None:
        messages.success(
            request,
            _(
                "%(name)s è registrata e tu ne sei l'amministratore. Ora puoi chiedere di "
                "aderire alla rete della tua ATS."
            )
            % {"name": organisation.name},
        )
        return redirect("network:organisation_detail", organisation.pk)
    return render(request, "network/organisation_form.html", {"form": form, "organisation": None})


@staff_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_administered_by(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.organisation_update(
            organisation=organisation, by=request.user, **data
        ),
    )
    if saved is not None:
        messages.success(request, _("Dati dell'organizzazione salvati."))
        return redirect("network:organisation_detail", organisation.pk)
    return render(
        request, "network/organisation_form.html", {"form": form, "organisation": organisation}
    )


# --- Membership -----------------------------------------------------------------------------


@staff_required
def membership_request(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_administered_by(request.user), pk=pk)
    ats = organisation.comune.ats
    regulation = selectors.current_agreement(ats.pk, AgreementDocument.Kind.REGULATION)
    agreement = selectors.current_agreement(ats.pk, AgreementDocument.Kind.PARTNERSHIP)
    initial = {
        "regulation": regulation.pk if regulation else 0,
        "agreement": agreement.pk if agreement else 0,
    }
    form = MembershipRequestForm(request.POST or None, initial=initial)

    def send(data):
        read = AgreementDocument.objects.in_bulk([data["regulation"], data["agreement"]])
        return services.membership_request(
            organisation=organisation,
            regulation=read.get(data["regulation"]),
            agreement=read.get(data["agreement"]),
            by=request.user,
        )

    membership = save_form(request, form, send)
    if membership is not None:
        messages.success(
            request,
            _("Richiesta inviata: %(ats)s la esaminerà e riceverai una e-mail.")
            % {"ats": ats.name},
        )
        return redirect("network:membership_detail", membership.pk)
    open_membership = (
        Membership.objects.filter(
            organisation=organisation,
            ats=ats,
            state__in=[Membership.State.REQUESTED, Membership.State.ACTIVE],
        )
        .order_by("-requested_at")
        .first()
    )
    return render(
        request,
        "network/membership_request.html",
        {
            "open_membership": open_membership,
            "organisation": organisation,
            "ats": ats,
            "regulation": regulation,
            "agreement": agreement,
            "form": form,
        },
    )


@staff_permission_required("network.manage")
def membership_queue(request: HttpRequest) -> HttpResponse:
    """The ATS operator's queue: requests waiting for a decision, then the other memberships."""
    memberships = selectors.memberships_managed_by(request.user)
    state = request.GET.get("stato", Membership.State.REQUESTED)
    if state not in Membership.State.values and state != "tutte":
        state = Membership.State.REQUESTED
    if state != "tutte":
        memberships = memberships.filter(state=state)
    page = Paginator(memberships.order_by("requested_at", "pk"), 25).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "network/membership_queue.html",
        {
            "page": page,
            "state": state,
            "states": Membership.State.choices,
            "query_string": f"stato={state}",
        },
    )


def _membership_page(request, membership, *, approve_form=None, reject_form=None, status=200):
    managed = selectors.memberships_managed_by(request.user).filter(pk=membership.pk).exists()
    administers = (
        selectors.organisations_administered_by(request.user)
        .filter(pk=membership.organisation_id)
        .exists()
    )
    requested = membership.state == Membership.State.REQUESTED
    return render(
        request,
        "network/membership_detail.html",
        {
            "membership": membership,
            "events": membership.events.select_related("by"),
            "can_decide": managed and requested,
            "can_withdraw": administers and membership.state == Membership.State.ACTIVE,
            "approve_form": approve_form or ApproveForm(auto_id="approve-%s"),
            "reject_form": reject_form or RejectForm(auto_id="reject-%s"),
            "withdraw_form": WithdrawForm(auto_id="withdraw-%s"),
        },
        status=status,
    )


@staff_required
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    return _membership_page(request, membership)


# A manager's decision on a request: its form, the service it calls with the form's data, and
# the message naming the organisation.
_DECISIONS = {
    "approve": (
        ApproveForm,
        lambda membership, data, by: services.membership_approve(
            membership=membership, note=data["note"], by=by
        ),
        gettext_lazy("Adesione di %(org)s approvata."),
    ),
    "reject": (
        RejectForm,
        lambda membership, data, by: services.membership_reject(
            membership=membership, reason=data["reason"], by=by
        ),
        gettext_lazy("Richiesta di %(org)s respinta."),
    ),
}


def _membership_decide(request, pk: int, decision: str) -> HttpResponse:
    """Approves or rejects a request the user manages: on success back to the queue, else the
    membership's page with this decision's form and its errors."""
    membership = get_object_or_404(selectors.memberships_managed_by(request.user), pk=pk)
    form_class, decide, success = _DECISIONS[decision]
    form = form_class(request.POST, auto_id=f"{decision}-%s")
    if save_form(request, form, lambda data: decide(membership, data, request.user)) is not None:
        messages.success(request, success % {"org": membership.organisation.name})
        return redirect("network:membership_queue")
    return _membership_page(request, membership, **{f"{decision}_form": form})


@staff_required
@require_POST
def membership_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_decide(request, pk, "approve")


@staff_required
@require_POST
def membership_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_decide(request, pk, "reject")


@staff_required
@require_POST
def membership_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    if (
        not selectors.organisations_administered_by(request.user)
        .filter(pk=membership.organisation_id)
        .exists()
    ):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.membership_withdraw(membership=membership, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Adesione alla rete ritirata."))
    return redirect("network:membership_detail", membership.pk)


# --- Agreements -----------------------------------------------------------------------------


@staff_permission_required("network.manage")
def agreement_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.agreements_managed_by(request.user).filter(alliance__isnull=True)
    page = Paginator(documents.order_by("ats__name", "kind", "-version"), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "network/agreement_list.html", {"page": page})


def _agreement_publish(request, form, alliance=None) -> AgreementDocument | None:
    """Publishes the form's agreement: an alliance's, or else the ATS's document of the kind the
    form names (None while the form is not posted, not valid or refused)."""

    def publish(data):
        return services.agreement_publish(
            ats=alliance.ats if alliance else data["ats"],
            alliance=alliance,
            kind=AgreementDocument.Kind.ALLIANCE if alliance else data["kind"],
            title=data["title"],
            text=data["text"],
            file=data["file"],
            by=request.user,
        )

    return save_form(request, form, publish)


@staff_permission_required("network.manage")
def agreement_publish(request: HttpRequest) -> HttpResponse:
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        ats_queryset=selectors.managed_ats(request.user),
    )
    document = _agreement_publish(request, form)
    if document is not None:
        messages.success(
            request,
            _("Pubblicata la versione %(version)s di «%(title)s».")
            % {"version": document.version, "title": document.title},
        )
        return redirect("network:agreement_list")
    return render(request, "network/agreement_form.html", {"form": form, "alliance": None})


# --- Alliances ------------------------------------------------------------------------------


@staff_permission_required("network.read")
def alliance_list(request: HttpRequest) -> HttpResponse:
    alliances = selectors.alliances_visible_to(request.user).order_by("ats__name", "name")
    page = Paginator(alliances, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "network/alliance_list.html",
        {
            "page": page,
            "led": selectors.alliances_led_by(request.user),
            "manages": request.user.has_perm("network.manage"),
        },
    )


@staff_permission_required("network.manage")
def alliance_create(request: HttpRequest) -> HttpResponse:
    form = AllianceForm(request.POST or None, ats_queryset=selectors.managed_ats(request.user))
    alliance = save_form(
        request, form, lambda data: services.alliance_create(by=request.user, **data)
    )
    if alliance is not None:
        messages.success(request, _("Alleanza creata: ora aggiungi i partner."))
        return redirect("network:alliance_detail", alliance.pk)
    return render(request, "network/alliance_form.html", {"form": form, "alliance": None})


@staff_permission_required("network.read")
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_object_or_404(selectors.alliances_visible_to(request.user), pk=pk)
    manages = selectors.alliances_managed_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "network/alliance_detail.html",
        {
            "alliance": alliance,
            "partners": alliance.partners.select_related("organisation__comune"),
            "documents": alliance.agreements.all(),
            "comuni": selectors.alliance_comuni(alliance),
            "manages": manages,
            "leads": has_role(request.user, Role.ALLIANCE_LEAD)
            and selectors.alliances_led_by(request.user).filter(pk=pk).exists(),
        },
    )


@staff_permission_required("network.manage")
def alliance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_object_or_404(selectors.alliances_managed_by(request.user), pk=pk)
    form = AllianceForm(
        request.POST or None,
        alliance=alliance,
        initial={
            "name": alliance.name,
            "lead": alliance.lead_id,
            "description": alliance.description,
            "comuni": list(alliance.comuni.all()),
            "period_start": alliance.period_start,
            "period_end": alliance.period_end,
        },
    )
    saved = save_form(
        request,
        form,
        lambda data: services.alliance_update(alliance=alliance, by=request.user, **data),
    )
    if saved is not None:
        messages.success(request, _("Alleanza salvata."))
        return redirect("network:alliance_detail", alliance.pk)
    return render(request, "network/alliance_form.html", {"form": form, "alliance": alliance})


@staff_permission_required("network.manage")
def alliance_partner_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Adds a partner, or changes an existing partner's role and contribution."""
    alliance = get_object_or_404(selectors.alliances_managed_by(request.user), pk=pk)
    instance = None
    partner_id = request.GET.get("partner")
    if partner_id and partner_id.isdigit():
        instance = alliance.partners.filter(pk=int(partner_id)).first()
    form = AlliancePartnerForm(request.POST or None, instance=instance, alliance=alliance)
    partner = save_form(
        request,
        form,
        lambda data: services.alliance_partner_set(alliance=alliance, by=request.user, **data),
    )
    if partner is not None:
        messages.success(
            request,
            _("Partner salvato: %(org)s.") % {"org": form.cleaned_data["organisation"].name},
        )
        return redirect("network:alliance_detail", alliance.pk)
    return render(
        request,
        "network/alliance_partner_form.html",
        {"form": form, "alliance": alliance, "partner": instance},
    )


@staff_permission_required("network.manage")
@require_POST
def alliance_partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(
        AlliancePartner.objects.select_related("organisation").filter(
            alliance__in=selectors.alliances_managed_by(request.user)
        ),
        pk=pk,
    )
    alliance_id = partner.alliance_id
    services.alliance_partner_remove(partner=partner, by=request.user)
    messages.success(
        request, _("%(org)s non è più partner dell'alleanza.") % {"org": partner.organisation.name}
    )
    return redirect("network:alliance_detail", alliance_id)


@staff_permission_required("network.manage")
def alliance_agreement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_object_or_404(selectors.alliances_managed_by(request.user), pk=pk)
    form = AgreementForm(request.POST or None, request.FILES or None, alliance=alliance)
    document = _agreement_publish(request, form, alliance)
    if document is not None:
        messages.success(
            request,
            _("Pubblicata la versione %(version)s dell'accordo.") % {"version": document.version},
        )
        return redirect("network:alliance_detail", alliance.pk)
    return render(request, "network/agreement_form.html", {"form": form, "alliance": alliance})
