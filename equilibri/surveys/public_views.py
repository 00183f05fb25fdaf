"""Answering a survey, without an account: the channel's page, one section a page with the
progress, the send and the thanks. Works without JavaScript.

The respondent's device keeps a resume token in a cookie (the response holds only its hash), so
closing the page and coming back on the same device continues where it stopped. Nothing about
the respondent is stored: no account, no address (the rate limit counts hashed addresses in the
cache only), no time finer than the day. Help-desk channels answer only operators of their ATS:
they fill the questionnaire in with a person at the desk."""

import re
from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from equilibri.core import ratelimit

from . import selectors, services
from .answering import SectionForm, stored_values
from .forms import StartForm
from .models import Distribution, Response

RATE_SCOPE = "survey_answer"


def cookie_name(distribution: Distribution) -> str:
    return f"questionario_{distribution.key}"


def _distribution(request: HttpRequest, key: str) -> Distribution:
    distribution = selectors.distribution_by_key(key)
    if distribution is None:
        raise Http404
    if distribution.kind == Distribution.Kind.HELP_DESK:
        # Not a public link: an operator of the campaign's ATS fills it in with a person.
        assisted = selectors.campaigns_assisted_by(request.user)
        if not request.user.is_authenticated or not request.user.has_perm("surveys.assist"):
            raise Http404
        if not assisted.filter(pk=distribution.campaign_id).exists():
            raise Http404
    return distribution


def _current(request: HttpRequest, distribution: Distribution) -> Response | None:
    return services.response_resume(
        distribution, request.COOKIES.get(cookie_name(distribution), "")
    )


def _refused(request: HttpRequest, distribution: Distribution, refusal, status: int = 200):
    return render(
        request,
        "surveys/public/refused.html",
        {"distribution": distribution, "campaign": distribution.campaign, "refusal": refusal},
        status=status,
    )


def _forget(response: HttpResponse, distribution: Distribution) -> HttpResponse:
    response.delete_cookie(cookie_name(distribution), samesite="Lax")
    return response


def _section_redirect(key: str, number: int) -> HttpResponse:
    return redirect(f"{reverse('surveys_public:section', args=[key])}?sezione={number}")


def _nothing_in_progress(request: HttpRequest, distribution: Distribution, status: int = 200):
    """No response in progress on this device (never started, already sent, another device):
    a page saying so, with the way to start; nothing is saved."""
    return render(
        request,
        "surveys/public/nothing_in_progress.html",
        {"distribution": distribution, "campaign": distribution.campaign, "sent": status == 409},
        status=status,
    )


def _start_form(distribution: Distribution, version_pk: int, data=None) -> StartForm:
    return StartForm(
        data,
        needs_code=distribution.single_use,
        initial={"version": version_pk},
        auto_id=f"v{version_pk}-%s",
    )


def _with_cookie(answer: HttpResponse, distribution: Distribution, resume: str) -> HttpResponse:
    days_left = (distribution.campaign.ends_on - timezone.localdate()).days + 2
    answer.set_cookie(
        cookie_name(distribution),
        resume,
        max_age=int(timedelta(days=max(days_left, 1)).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.HTTPS,
    )
    return answer


@never_cache
@ratelimit.rate_limited(RATE_SCOPE, email_field=None)
def landing(request: HttpRequest, key: str) -> HttpResponse:
    distribution = _distribution(request, key)
    campaign = distribution.campaign
    refusal = services.refusal_of(campaign)
    if refusal is not None:
        status = 410 if refusal.code == "closed" else 200
        return _refused(request, distribution, refusal, status=status)
    versions = list(campaign.versions.select_related("questionnaire").order_by("pk"))
    forms = {v.pk: _start_form(distribution, v.pk) for v in versions}
    error, status = None, 200
    if request.method == "POST":
        posted = request.POST.get("version", "")
        chosen = next((v for v in versions if str(v.pk) == posted), None)
        if chosen is None:
            # A tampered or stale form: no version of this campaign is named.
            error = services.ResponseRefused(
                _("Questo questionario non fa parte della rilevazione."), code="version"
            )
            status = 400
        else:
            form = _start_form(distribution, chosen.pk, request.POST)
            forms[chosen.pk] = form
            if form.is_valid():
                try:
                    _response, resume = services.response_start(
                        distribution,
                        chosen,
                        code=form.cleaned_data.get("code", ""),
                        language=get_language() or "it",
                    )
                except services.ResponseRefused as refused:
                    error = refused
                    status = 409 if refused.code == "token_used" else 200
                else:
                    answer = _section_redirect(distribution.key, 1)
                    return _with_cookie(answer, distribution, resume)
    return render(
        request,
        "surveys/public/landing.html",
        {
            "distribution": distribution,
            "campaign": campaign,
            "entries": [(v, forms[v.pk]) for v in versions],
            "current": _current(request, distribution),
            "error": error,
        },
        status=status,
    )


@never_cache
@ratelimit.rate_limited(RATE_SCOPE, email_field=None)
def section(request: HttpRequest, key: str) -> HttpResponse:
    """One section a page; `?sezione=N` (1-based) goes back to an answered one, by default the
    next to answer."""
    distribution = _distribution(request, key)
    response = _current(request, distribution)
    if response is None:
        return _nothing_in_progress(request, distribution)
    refusal = services.refusal_of(distribution.campaign)
    if refusal is not None:
        return _refused(request, distribution, refusal, status=410)
    definition = response.version.parsed
    total = len(definition.sections)
    following = min(total, response.section + 1)
    asked = request.GET.get("sezione", "")
    # Beyond the next one to answer (or not a number): the next one to answer.
    number = int(asked) if re.fullmatch(r"[0-9]{1,3}", asked) else following
    if not 1 <= number <= following:
        number = following
    index = number - 1
    answers = list(response.answers.all())
    values = stored_values(answers)
    own = {q.key for q in definition.sections[index].questions}
    prior = {k: v for k, v in values.items() if k not in own}
    initial = {k: v for k, v in values.items() if k in own}
    data = request.POST if request.method == "POST" else None
    form = SectionForm(
        response.version, index, prior, data, initial_values=initial, auto_id="id_%s"
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_save_section(response, index, form.answer_rows())
            except services.ResponseRefused as refused:
                return _refused(request, distribution, refused, status=409)
            if number < total:
                return _section_redirect(key, number + 1)
            return redirect("surveys_public:submit", key=key)
        status = 400 if "version" in form.errors else 200
    return render(
        request,
        "surveys/public/section.html",
        {
            "distribution": distribution,
            "campaign": distribution.campaign,
            "definition": definition,
            "section": definition.sections[index],
            "form": form,
            "number": number,
            "total": total,
            "percent": round(100 * index / total),
            "previous": number - 1 if number > 1 else None,
        },
        status=status,
    )


@never_cache
@ratelimit.rate_limited(RATE_SCOPE, email_field=None)
def submit(request: HttpRequest, key: str) -> HttpResponse:
    distribution = _distribution(request, key)
    response = _current(request, distribution)
    if response is None:
        # A second send from the same page (a double click, a resent form) finds nothing left
        # to send: the first one went through, and nothing is saved again.
        return _nothing_in_progress(
            request, distribution, status=409 if request.method == "POST" else 200
        )
    total = len(response.version.parsed.sections)
    if response.section < total:
        return _section_redirect(key, response.section + 1)
    error = None
    if request.method == "POST":
        try:
            services.response_submit(response)
        except services.ResponseRefused as refused:
            if refused.code == "incomplete":
                error = refused
            else:
                return _forget(_refused(request, distribution, refused, status=409), distribution)
        else:
            return _forget(redirect("surveys_public:thanks", key=key), distribution)
    return render(
        request,
        "surveys/public/submit.html",
        {
            "distribution": distribution,
            "campaign": distribution.campaign,
            "total": total,
            "error": error,
        },
    )


def thanks(request: HttpRequest, key: str) -> HttpResponse:
    distribution = _distribution(request, key)
    return render(
        request,
        "surveys/public/thanks.html",
        {
            "distribution": distribution,
            "campaign": distribution.campaign,
            "help_desk": distribution.kind == Distribution.Kind.HELP_DESK,
            "again_url": reverse("surveys_public:landing", args=[key]),
        },
    )
