"""The surveys' office side: questionnaires, campaigns and their channels (links, QR posters,
single-use codes), help-desk mode, and the results."""

import csv
import io
import re

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required, staff_required
from equilibri.core.mail import absolute_reverse
from equilibri.core.pdf import render_pdf
from equilibri.network import selectors as network_selectors

from . import results as survey_results
from . import rules, selectors, services
from .forms import CampaignForm, DistributionForm, TokensForm
from .models import Campaign, Distribution, QuestionnaireVersion


def _campaign_form(request: HttpRequest, data=None, **kwargs) -> CampaignForm:
    ats_choices = network_selectors.managed_ats(request.user)
    return CampaignForm(
        data,
        ats_choices=ats_choices,
        versions=selectors.versions_visible_to(request.user).filter(
            state=QuestionnaireVersion.State.PUBLISHED
        ),
        **kwargs,
    )


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not rules.can_see_campaigns(request.user):
        raise PermissionDenied
    return render(
        request,
        "surveys/office/campaign_list.html",
        {
            "campaigns": selectors.campaigns_visible_to(request.user).order_by("-starts_on"),
            "manages": request.user.has_perm("surveys.manage"),
        },
    )


@staff_permission_required("surveys.manage")
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.versions_visible_to(request.user).order_by(
        "questionnaire__title", "-number"
    )
    return render(request, "surveys/office/questionnaire_list.html", {"versions": versions})


@staff_permission_required("surveys.manage")
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=pk)
    return render(
        request,
        "surveys/office/version_detail.html",
        {
            "version": version,
            "definition": version.parsed,
            "ats_choices": network_selectors.managed_ats(request.user),
        },
    )


@staff_permission_required("surveys.manage")
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=pk)
    if version.questionnaire.ats_id is None and not request.user.is_superuser:
        raise Http404  # the regional questionnaires are published by the platform
    try:
        services.version_publish(version, actor=request.user)
        messages.success(request, _("Versione pubblicata: ora si può usare nelle campagne."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:version_detail", pk=version.pk)


@staff_permission_required("surveys.manage")
@require_POST
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=pk)
    ats_choices = network_selectors.managed_ats(request.user)
    chosen = request.POST.get("ats", "")
    if re.fullmatch(r"[0-9]{1,9}", chosen):
        ats = ats_choices.filter(pk=int(chosen)).first()
    else:  # one ATS: no choice to make
        ats = ats_choices.first() if ats_choices.count() == 1 else None
    if ats is None:
        messages.error(request, _("Scegli l'ATS del nuovo questionario."))
        return redirect("surveys:version_detail", pk=version.pk)
    copy = services.questionnaire_copy(version, ats=ats, actor=request.user)
    messages.success(request, _("Copia creata come bozza."))
    return redirect("surveys:version_detail", pk=copy.pk)


@staff_permission_required("surveys.manage")
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = _campaign_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                ats=data["ats"],
                title=data["title"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                versions=data["versions"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/office/campaign_form.html", {"form": form})


@staff_permission_required("surveys.manage")
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_managed_by(request.user), pk=pk)
    initial = {
        "ats": campaign.ats,
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "versions": list(campaign.versions.all()),
    }
    form = _campaign_form(request, request.POST or None, initial=initial)
    form.fields["ats"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_update(
                campaign,
                title=data["title"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                versions=data["versions"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(
        request, "surveys/office/campaign_form.html", {"form": form, "campaign": campaign}
    )


def _links(distributions) -> list[dict]:
    return [
        {
            "distribution": d,
            "url": absolute_reverse("surveys_public:landing", d.key),
        }
        for d in distributions
    ]


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not rules.can_see_campaigns(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    manages = selectors.campaigns_managed_by(request.user).filter(pk=pk).exists()
    distributions = campaign.distributions.select_related("organisation").order_by("kind", "pk")
    org_ids = selectors.organisation_ids_for_results(request.user)
    own = [
        d
        for d in distributions
        if d.organisation_id and (org_ids is None or d.organisation_id in org_ids)
    ]
    shown = list(distributions)
    if not manages:
        shown = [d for d in shown if d.kind == Distribution.Kind.OPEN] + own
    return render(
        request,
        "surveys/office/campaign_detail.html",
        {
            "campaign": campaign,
            "manages": manages,
            "links": _links(shown),
            "own_organisations": own,
            "distribution_form": DistributionForm(
                organisations=network_selectors.public_members_filtered(ats=campaign.ats),
                auto_id="channel-%s",
            )
            if manages
            else None,
            "tokens_form": TokensForm(auto_id="tokens-%s"),
            "reads_results": selectors.campaigns_with_results_for(request.user)
            .filter(pk=pk)
            .exists(),
            "reads_free_text": selectors.campaigns_with_free_text_for(request.user)
            .filter(pk=pk)
            .exists(),
            "assists": selectors.campaigns_assisted_by(request.user).filter(pk=pk).exists()
            and request.user.has_perm("surveys.assist"),
            "respondents": survey_results.submitted(campaign).count() if manages else None,
            "threshold": survey_results.THRESHOLD,
        },
    )


@staff_permission_required("surveys.manage")
@require_POST
def campaign_transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_managed_by(request.user), pk=pk)
    action = {"open": services.campaign_open, "close": services.campaign_close}.get(
        request.POST.get("action", "")
    )
    if action is None:
        return HttpResponse(_("Azione sconosciuta."), status=400, content_type="text/plain")
    try:
        action(campaign, actor=request.user)
        messages.success(request, _("Stato della campagna aggiornato."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@staff_permission_required("surveys.manage")
@require_POST
def distribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_managed_by(request.user), pk=pk)
    form = DistributionForm(
        request.POST, organisations=network_selectors.public_members_filtered(ats=campaign.ats)
    )
    if form.is_valid():
        try:
            services.distribution_create(
                campaign,
                kind=form.cleaned_data["kind"],
                organisation=form.cleaned_data["organisation"],
                single_use=form.cleaned_data["single_use"],
                actor=request.user,
            )
            messages.success(request, _("Canale aggiunto."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("surveys:campaign_detail", pk=campaign.pk)


def _managed_distribution(request: HttpRequest, pk: int) -> Distribution:
    """A channel of a campaign the user manages, or of their own organisation (its poster)."""
    qs = Distribution.objects.select_related("campaign__ats", "organisation")
    managed = qs.filter(campaign__in=selectors.campaigns_managed_by(request.user), pk=pk).first()
    if managed is not None:
        return managed
    org_ids = selectors.organisation_ids_for_results(request.user) or set()
    own = qs.filter(pk=pk, organisation_id__in=org_ids).first()
    if own is None:
        raise Http404
    return own


@staff_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR poster of a channel (organisation or open link), A4, to print and hang up."""
    if not (
        request.user.has_perm("surveys.manage")
        or request.user.has_perm("surveys.organisation_results")
    ):
        raise PermissionDenied
    distribution = _managed_distribution(request, pk)
    if distribution.kind == Distribution.Kind.HELP_DESK:
        raise Http404  # not a public link
    url = absolute_reverse("surveys_public:landing", distribution.key)
    qr = segno.make(url, error="m")
    pdf = render_pdf(
        "surveys/office/poster_pdf.html",
        {
            "distribution": distribution,
            "campaign": distribution.campaign,
            "url": url,
            "qr_svg": qr.svg_data_uri(scale=10, border=2),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="manifesto-{distribution.pk}.pdf"'
    return response


@staff_permission_required("surveys.manage")
@require_POST
def tokens(request: HttpRequest, pk: int) -> HttpResponse:
    """New single-use codes as a CSV (code and link), shown this once: only hashes are kept."""
    distribution = get_object_or_404(
        Distribution.objects.filter(campaign__in=selectors.campaigns_managed_by(request.user)),
        pk=pk,
    )
    form = TokensForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("surveys:campaign_detail", pk=distribution.campaign_id)
    try:
        codes = services.tokens_issue(distribution, form.cleaned_data["count"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:campaign_detail", pk=distribution.campaign_id)
    url = absolute_reverse("surveys_public:landing", distribution.key)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Codice"), _("Indirizzo del questionario")])
    for code in codes:
        writer.writerow([code, url])
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="codici-{distribution.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@staff_permission_required("surveys.assist")
def assist(request: HttpRequest, pk: int) -> HttpResponse:
    """Help-desk mode: the campaign's help-desk channel, to fill in with a person."""
    campaign = get_object_or_404(selectors.campaigns_assisted_by(request.user), pk=pk)
    channel = campaign.distributions.filter(kind=Distribution.Kind.HELP_DESK).first()
    return render(
        request,
        "surveys/office/assist.html",
        {"campaign": campaign, "channel": channel, "refusal": services.refusal_of(campaign)},
    )


# --- Results --------------------------------------------------------------------------------


def _version_of(request: HttpRequest, campaign: Campaign) -> QuestionnaireVersion:
    versions = list(campaign.versions.select_related("questionnaire").order_by("pk"))
    if not versions:
        raise Http404
    wanted = request.GET.get("questionario", "")
    return next((v for v in versions if str(v.pk) == wanted), versions[0])


def _by(request: HttpRequest) -> str | None:
    by = request.GET.get("per", "")
    return by if by in survey_results.BREAKDOWNS else None


def _results_page(request, campaign, responses, version, *, organisation=None) -> HttpResponse:
    by = _by(request)
    total = responses.count()
    below = total < survey_results.THRESHOLD
    breakdowns = []
    tables: list = []
    if not below:
        kinds = [
            k
            for k in survey_results.BREAKDOWNS
            if organisation is None or k not in ("size", "sector")
        ]
        breakdowns = [survey_results.breakdown_table(responses, k, version) for k in kinds]
        tables = survey_results.question_tables(responses, version, by)
    return render(
        request,
        "surveys/office/results.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "version": version,
            "versions": campaign.versions.order_by("pk"),
            "total": total if not below else None,
            "below": below,
            "threshold": survey_results.THRESHOLD,
            "breakdowns": breakdowns,
            "tables": tables,
            "by": by,
            "breakdown_choices": [
                (k, v)
                for k, v in survey_results.BREAKDOWNS.items()
                if organisation is None or k not in ("size", "sector")
            ],
        },
        status=200,
    )


@staff_permission_required("surveys.results")
def results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_with_results_for(request.user), pk=pk)
    version = _version_of(request, campaign)
    return _results_page(request, campaign, survey_results.submitted(campaign, version), version)


@staff_permission_required("surveys.free_text")
def free_text(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_with_free_text_for(request.user), pk=pk)
    version = _version_of(request, campaign)
    responses = survey_results.submitted(campaign, version)
    return render(
        request,
        "surveys/office/free_text.html",
        {
            "campaign": campaign,
            "version": version,
            "questions": survey_results.free_texts(responses, version),
        },
    )


@staff_permission_required("surveys.organisation_results")
def organisation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's own employees' aggregate (its channel's responses), only from the
    threshold up: below it the page says so and shows no figure. `?organizzazione=` chooses
    among the user's organisations with a channel in the campaign (by default the first)."""
    org_ids = selectors.organisation_ids_for_results(request.user)
    channels = Distribution.objects.select_related("campaign__ats", "organisation").filter(
        campaign_id=pk, organisation__isnull=False
    )
    if org_ids is not None:
        channels = channels.filter(organisation_id__in=org_ids)
    wanted = request.GET.get("organizzazione", "")
    if re.fullmatch(r"[0-9]{1,12}", wanted):
        channels = channels.filter(organisation_id=int(wanted))
    distribution = channels.order_by("organisation__name").first()
    if distribution is None:
        raise Http404
    campaign = distribution.campaign
    version = _version_of(request, campaign)
    responses = survey_results.submitted(campaign, version).filter(
        organisation_id=distribution.organisation_id or 0
    )
    return _results_page(
        request, campaign, responses, version, organisation=distribution.organisation
    )
