"""Campaigns, channels and anonymous answering: a page a section, resumed on the same device,
sent once; single-use codes, closed campaigns, tampered versions and rate limits refused clearly
with nothing saved twice; nothing about the respondent kept."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from equilibri.network.models import Organisation
from equilibri.surveys import services
from equilibri.surveys.models import (
    Answer,
    Campaign,
    Distribution,
    QuestionnaireVersion,
    Response,
    ResponseToken,
)
from equilibri.surveys.public_views import cookie_name

from .conftest import STANDARD_ANSWERS

pytestmark = pytest.mark.django_db


def landing(channel: Distribution) -> str:
    return reverse("surveys_public:landing", args=[channel.key])


def section_url(channel: Distribution, number: int | None = None) -> str:
    url = reverse("surveys_public:section", args=[channel.key])
    return f"{url}?sezione={number}" if number else url


def start(client: Client, channel: Distribution, **extra):
    version = channel.campaign.versions.first()
    return client.post(landing(channel), {"version": version.pk, **extra})


def answer_all(client: Client, channel: Distribution, answers=STANDARD_ANSWERS):
    version = channel.campaign.versions.first()
    for number, data in enumerate(answers, start=1):
        response = client.post(section_url(channel, number), {"version": version.pk, **data})
        assert response.status_code == 302, response.content.decode()[:3000]
    return client.post(reverse("surveys_public:submit", args=[channel.key]))


# --- Campaigns and channels -------------------------------------------------------------------


def test_campaign_life_cycle(campaign, user_of):
    actor = user_of("operatore.insubria")
    version = campaign.versions.first()
    today = timezone.localdate()
    new = services.campaign_create(
        ats=campaign.ats,
        title="Prova",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        versions=[version],
        actor=actor,
    )
    assert new.state == Campaign.State.DRAFT
    with pytest.raises(ValidationError):
        services.campaign_close(new, actor=actor)
    services.campaign_open(new, actor=actor)
    with pytest.raises(ValidationError):
        services.campaign_open(new, actor=actor)
    services.campaign_close(new, actor=actor)
    assert Campaign.objects.get(pk=new.pk).state == Campaign.State.CLOSED


def test_campaign_refuses_drafts_other_ats_and_bad_periods(campaign, user_of):
    actor = user_of("operatore.insubria")
    version = campaign.versions.first()
    draft = services.questionnaire_copy(version, ats=campaign.ats, actor=actor)
    today = timezone.localdate()
    kwargs = {"ats": campaign.ats, "title": "X", "starts_on": today, "actor": actor}
    with pytest.raises(ValidationError, match="bozza"):
        services.campaign_create(ends_on=today, versions=[draft], **kwargs)
    with pytest.raises(ValidationError, match="finire prima"):
        services.campaign_create(ends_on=today - timedelta(days=1), versions=[version], **kwargs)
    from equilibri.territory.models import ATS

    milano = ATS.objects.get(code="ATS-MI")
    draft = services.version_publish(draft, actor=actor)
    with pytest.raises(ValidationError, match="altra ATS"):
        services.campaign_create(
            ats=milano, title="X", starts_on=today, ends_on=today, versions=[draft], actor=actor
        )


def test_organisation_channel_needs_an_active_member_once(campaign, user_of):
    actor = user_of("operatore.insubria")
    spazio = Organisation.objects.get(name="Spazio Aperto Servizi")  # ATS Milano's network
    with pytest.raises(ValidationError, match="membro attivo"):
        services.distribution_create(
            campaign, kind=Distribution.Kind.ORGANISATION, organisation=spazio, actor=actor
        )
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    with pytest.raises(ValidationError, match="già il suo link"):
        services.distribution_create(
            campaign, kind=Distribution.Kind.ORGANISATION, organisation=arca, actor=actor
        )


# --- Answering --------------------------------------------------------------------------------


def test_standard_questionnaire_answered_page_by_page(open_channel):
    client = Client()
    page = client.get(landing(open_channel))
    assert page.status_code == 200 and "anonimo" in page.content.decode().lower()
    response = start(client, open_channel)
    assert response.status_code == 302
    cookie = client.cookies[cookie_name(open_channel)]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    in_progress = Response.objects.get(state=Response.State.IN_PROGRESS, distribution=open_channel)
    # Only the hash of the device's token is kept.
    assert in_progress.resume_hash and cookie.value not in in_progress.resume_hash
    page = client.get(section_url(open_channel))
    assert "Sezione 1 di 4" in page.content.decode()
    sent = answer_all(client, open_channel)
    assert sent.status_code == 302 and sent["Location"].endswith("/grazie/")
    done = Response.objects.get(pk=in_progress.pk)
    assert done.state == Response.State.SUBMITTED and done.resume_hash == ""
    assert done.comune.name == "Tradate" and done.gender == "donna"
    assert set(done.answers.filter(question="eta_figli").values_list("option", flat=True)) == {
        "da3a5",
        "da6a10",
    }
    assert done.answers.filter(question="ostacoli").count() == 5
    assert done.submitted_on == timezone.localdate()


def test_nothing_about_the_respondent_is_kept(open_channel):
    client = Client(REMOTE_ADDR="203.0.113.9")
    start(client, open_channel)
    answer_all(client, open_channel)
    for model in (Response, Answer, ResponseToken):
        content_type = ContentType.objects.get_for_model(model)
        assert not LogEntry.objects.filter(content_type=content_type).exists()
    assert not LogEntry.objects.filter(remote_addr="203.0.113.9").exists()
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not {"ip", "user", "created_at", "user_agent"} & field_names


def test_resumed_on_the_same_device_only(open_channel):
    first = Client()
    start(first, open_channel)
    version = open_channel.campaign.versions.first()
    first.post(section_url(open_channel, 1), {"version": version.pk, **STANDARD_ANSWERS[0]})
    same_device = Client()
    same_device.cookies[cookie_name(open_channel)] = first.cookies[cookie_name(open_channel)].value
    page = same_device.get(section_url(open_channel))
    assert "Sezione 2 di 4" in page.content.decode()
    # Going back shows what was given.
    back = same_device.get(section_url(open_channel, 1)).content.decode()
    assert re.search(r'value="donna"[^>]*checked', back)
    other = Client()
    page = other.get(section_url(open_channel))
    assert "un questionario in corso di compilazione" in page.content.decode()


def test_a_section_cannot_be_skipped_by_typing_its_address(open_channel):
    client = Client()
    start(client, open_channel)
    page = client.get(section_url(open_channel, 4))
    assert "Sezione 1 di 4" in page.content.decode()


def test_conditional_question_hidden_by_an_earlier_answer_without_javascript(open_channel):
    client = Client()
    start(client, open_channel)
    version = open_channel.campaign.versions.first()
    data = {**STANDARD_ANSWERS[0], "q_figli": "no", "q_eta_figli": ["da3a5"]}
    client.post(section_url(open_channel, 1), {"version": version.pk, **data})
    response = Response.objects.get(distribution=open_channel, state="in_progress")
    # The ages were typed with "no children": dropped, not kept.
    assert not response.answers.filter(question="eta_figli").exists()
    data = {**STANDARD_ANSWERS[2], "q_servizi_mancanti": ["nessuno"]}
    client.post(section_url(open_channel, 2), {"version": version.pk, **STANDARD_ANSWERS[1]})
    page = client.get(section_url(open_channel, 3)).content.decode()
    assert "Rispondi solo se" in page  # same-section condition: shown with its note


def test_bad_answers_refused_with_the_typed_answers_kept(open_channel):
    client = Client()
    start(client, open_channel)
    version = open_channel.campaign.versions.first()
    data = {**STANDARD_ANSWERS[0], "q_nucleo": "99", "q_genere": "nessuno"}
    page = client.post(section_url(open_channel, 1), {"version": version.pk, **data})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Controlla le risposte" in text and 'value="Tradate"' in text
    assert not Answer.objects.filter(
        response__distribution=open_channel, response__state="in_progress"
    ).exists()


def test_a_tampered_version_is_refused(open_channel):
    client = Client()
    start(client, open_channel)
    other = QuestionnaireVersion.objects.exclude(
        pk=open_channel.campaign.versions.first().pk
    ).first() or QuestionnaireVersion(pk=999999)
    page = client.post(section_url(open_channel, 1), {"version": other.pk, **STANDARD_ANSWERS[0]})
    assert page.status_code == 400
    assert not Answer.objects.filter(
        response__distribution=open_channel, response__state="in_progress"
    ).exists()
    refused = client.post(landing(open_channel), {"version": 999999})
    assert refused.status_code == 400


def test_sent_once_a_second_send_is_refused_clearly(open_channel):
    client = Client()
    start(client, open_channel)
    answer_all(client, open_channel)
    again = client.post(reverse("surveys_public:submit", args=[open_channel.key]))
    assert again.status_code == 409
    assert "già arrivate" in again.content.decode()
    assert (
        Response.objects.filter(distribution=open_channel, state="submitted").count()
        == 18 + 1  # the demo's 18 and this one
    )


def test_a_sent_response_is_not_saved_again_by_the_service(open_channel):
    response, _resume = services.response_start(
        open_channel, open_channel.campaign.versions.first()
    )
    with pytest.raises(services.ResponseRefused) as refused:
        services.response_submit(response)
    assert refused.value.code == "incomplete"


def test_single_use_codes(campaign, user_of):
    channel = campaign.distributions.get(organisation__name="L'Aquilone Coop. Soc.")
    codes = services.tokens_issue(channel, 3, actor=user_of("operatore.insubria"))
    assert len(set(codes)) == 3
    assert not ResponseToken.objects.filter(token_hash__in=codes).exists()  # hashes only
    client = Client()
    page = start(client, channel)  # no code
    assert "Il tuo codice" in page.content.decode()
    assert not Response.objects.filter(distribution=channel).exists()
    ok = start(client, channel, code=codes[0].lower())  # typed in lower case: the same code
    assert ok.status_code == 302
    again = start(Client(), channel, code=codes[0])
    assert again.status_code == 409 and "già stato usato" in again.content.decode()
    wrong = start(Client(), channel, code="NOTACODE99")
    assert "non è valido" in wrong.content.decode()
    assert Response.objects.filter(distribution=channel).count() == 1


def test_a_claimed_code_wins_once_even_when_both_start(campaign):
    channel = campaign.distributions.get(organisation__name="L'Aquilone Coop. Soc.")
    (code,) = services.tokens_issue(channel, 1, actor=None)
    version = campaign.versions.first()
    services.response_start(channel, version, code=code)
    with pytest.raises(services.ResponseRefused):
        services.response_start(channel, version, code=code)
    assert Response.objects.filter(distribution=channel).count() == 1


def test_a_closed_campaign_refuses(open_channel, user_of):
    client = Client()
    start(client, open_channel)
    services.campaign_close(open_channel.campaign, actor=user_of("operatore.insubria"))
    page = client.get(landing(open_channel))
    assert page.status_code == 410 and "non accetta più risposte" in page.content.decode()
    version = open_channel.campaign.versions.first()
    saved = client.post(
        section_url(open_channel, 1), {"version": version.pk, **STANDARD_ANSWERS[0]}
    )
    assert saved.status_code == 410
    assert (
        not Answer.objects.filter(response__distribution=open_channel, question="genere")
        .exclude(response__state="submitted")
        .exists()
    )


def test_anonymous_writes_are_rate_limited(open_channel):
    with override_settings(RATE_LIMITS={"survey_answer": "2/h/ip"}):
        client = Client()
        assert start(client, open_channel).status_code == 302
        assert start(client, open_channel).status_code == 302
        refused = start(client, open_channel)
        assert refused.status_code == 429 and refused["Retry-After"]
    assert Response.objects.filter(distribution=open_channel, state="in_progress").count() == 2


def test_help_desk_mode_is_for_operators(campaign, login):
    channel = campaign.distributions.get(kind=Distribution.Kind.HELP_DESK)
    assert Client().get(landing(channel)).status_code == 404
    operator = login("sportello.erba")
    page = operator.get(reverse("surveys:assist", args=[campaign.pk]))
    assert landing(channel) in page.content.decode()
    assert start(operator, channel).status_code == 302
    sent = answer_all(operator, channel)
    assert sent.status_code == 302
    thanks = operator.get(sent["Location"]).content.decode()
    assert "Nuova compilazione assistita" in thanks


# --- The office side ----------------------------------------------------------------------


def test_poster_is_a_pdf_with_the_link(campaign, login):
    channel = campaign.distributions.get(organisation__name="L'Arca Coop. Soc.")
    for persona in ("operatore.insubria", "hr.arca"):
        response = login(persona).get(reverse("surveys:poster", args=[channel.pk]))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


def test_codes_are_downloaded_once_as_csv(campaign, login):
    channel = campaign.distributions.get(organisation__name="L'Aquilone Coop. Soc.")
    response = login("operatore.insubria").post(
        reverse("surveys:tokens", args=[channel.pk]), {"count": "5"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 6 and channel.key in lines[1]
    assert ResponseToken.objects.filter(distribution=channel).count() == 5
    too_many = login("operatore.insubria").post(
        reverse("surveys:tokens", args=[channel.pk]), {"count": "100000"}
    )
    assert too_many.status_code == 302
    assert ResponseToken.objects.filter(distribution=channel).count() == 5


def test_operator_creates_opens_and_adds_channels(login, campaign):
    client = login("operatore.insubria")
    version = campaign.versions.first()
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:campaign_create"),
        {
            "ats": campaign.ats_id,
            "title": "Rilevazione d'autunno",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=40)).isoformat(),
            "versions": [version.pk],
        },
    )
    assert response.status_code == 302
    new = Campaign.objects.get(title="Rilevazione d'autunno")
    client.post(reverse("surveys:campaign_transition", args=[new.pk]), {"action": "open"})
    client.post(
        reverse("surveys:distribution_create", args=[new.pk]),
        {
            "kind": "organisation",
            "organisation": Organisation.objects.get(name="L'Arca Coop. Soc.").pk,
        },
    )
    new.refresh_from_db()
    assert new.state == "open" and new.distributions.count() == 1
    page = client.get(reverse("surveys:campaign_detail", args=[new.pk])).content.decode()
    assert new.distributions.get().key in page
