"""Accessibility reports and messages to an ATS (anonymous allowed, rate-limited, routed by
comune or chosen ATS), the ATS's queue (new → answered → closed), and the ratings."""

import json

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from equilibri.citizens.models import Message, Rating
from equilibri.territory.models import ATS, Comune

pytestmark = pytest.mark.django_db

REPORT = reverse("citizens_public:accessibility_report")
CONTACT = reverse("citizens_public:contact")


def insubria() -> ATS:
    return Comune.objects.get(name="Tradate").ats


def milano() -> ATS:
    return Comune.objects.get(name="Milano").ats


def report(client, **data):
    values = {"comune": "Tradate", "body": "Il menu non si apre da tastiera.", **data}
    return client.post(REPORT, values)


def test_accessibility_statement_links_the_form(client):
    page = client.get(reverse("core:accessibility")).content.decode()
    assert REPORT in page
    assert "Difensore civico per il digitale" in page


def test_anonymous_report_is_acknowledged_and_routed_by_comune(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, email="Maria.Rossi@Posta.it ", page_url="/servizi/")
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.kind == Message.Kind.ACCESSIBILITY
    assert message.ats == insubria()
    assert message.state == Message.State.NEW
    assert message.email == "maria.rossi@posta.it"  # one form of the address
    page = response.content.decode()
    assert "AgID" in page and str(message.pk) in page
    acknowledgement = [m for m in mail.outbox if "maria.rossi@posta.it" in m.to]
    assert acknowledgement and "30 giorni" in acknowledgement[0].body
    operators = [m for m in mail.outbox if "operatore.insubria@demo.equilibri.it" in m.to]
    assert operators


def test_contact_goes_to_the_chosen_ats(client):
    response = client.post(
        CONTACT, {"ats": milano().pk, "subject": "Voucher", "body": "Come faccio domanda?"}
    )
    assert response.status_code == 200
    assert Message.objects.get().ats == milano()


@pytest.mark.parametrize(
    "data",
    [
        {"comune": "", "ats": ""},  # nowhere to send it
        {"comune": "Atlantide"},  # not a comune
        {"body": ""},
        {"body": "x" * 5001},
        {"ats": "999999999999999999999"},
        {"email": "not-an-address"},
    ],
)
def test_bad_input_is_a_clear_message_and_nothing_saved(client, data):
    response = report(client, **data)
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content
    assert not Message.objects.exists()


@override_settings(RATE_LIMITS={"citizen_message": "2/h/ip", "citizen_rating": "30/h/ip"})
def test_reports_are_rate_limited(client):
    assert report(client).status_code == 200
    assert report(client).status_code == 200
    refused = report(client)
    assert refused.status_code == 429
    assert Message.objects.count() == 2


def test_queue_is_scoped_to_the_operators_ats(client, login):
    report(client)
    message = Message.objects.get()
    detail = reverse("citizens:message_detail", args=[message.pk])
    insubria_operator = login("operatore.insubria")
    assert message.body in insubria_operator.get(reverse("citizens:message_list")).content.decode()
    assert insubria_operator.get(detail).status_code == 200
    milano_operator = login("operatore.milano")
    assert milano_operator.get(detail).status_code == 404
    assert milano_operator.post(detail, {"action": "close"}).status_code == 404
    assert login("regione").get(detail).status_code == 200
    assert login("regione").post(detail, {"action": "close"}).status_code == 403
    assert login("cittadina").get(detail).status_code == 403
    message.refresh_from_db()
    assert message.state == Message.State.NEW


def test_answer_then_close(client, login, django_capture_on_commit_callbacks):
    report(client, email="maria.rossi@posta.it")
    message = Message.objects.get()
    detail = reverse("citizens:message_detail", args=[message.pk])
    operator = login("operatore.insubria")
    assert operator.post(detail, {"action": "answer", "text": ""}).status_code == 200
    message.refresh_from_db()
    assert message.state == Message.State.NEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(detail, {"action": "answer", "text": "Corretto, grazie."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == Message.State.ANSWERED
    answer = next(m for m in mail.outbox if "maria.rossi@posta.it" in m.to)
    assert "Corretto, grazie." in answer.body and "AgID" in answer.body
    operator.post(detail, {"action": "close"})
    message.refresh_from_db()
    assert message.state == Message.State.CLOSED
    # A closed message takes no answer.
    operator.post(detail, {"action": "answer", "text": "Ancora"})
    message.refresh_from_db()
    assert message.answer == "Corretto, grazie."
    closed = operator.get(reverse("citizens:message_list")).content.decode()
    assert message.body not in closed  # open ones by default
    assert (
        message.body
        in operator.get(reverse("citizens:message_list") + "?stato=tutti").content.decode()
    )


def test_rating_is_recorded_and_shown_to_the_ats(client, login):
    response = client.post(
        reverse("citizens_public:rate"),
        {
            "moment": "booking",
            "score": "4",
            "comment": "Gentili",
            "ats": insubria().pk,
            "next": "/sportelli/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/sportelli/"
    client.post(reverse("citizens_public:rate"), {"moment": "search", "score": "2"})
    assert (
        client.post(reverse("citizens_public:rate"), {"moment": "search", "score": "9"}).status_code
        == 200
    )
    assert (
        client.post(
            reverse("citizens_public:rate"),
            {"moment": "search", "score": "3", "next": "https://evil.example/"},
        )["Location"]
        == "/"
    )
    assert Rating.objects.count() == 3
    page = login("operatore.insubria").get(reverse("citizens:ratings"))
    assert page.status_code == 200
    chart = json.loads(page.context["chart"] and json.dumps(page.context["chart"]))
    averages = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert averages[str(Rating.Moment.BOOKING.label)] == 4.0
    # The search ratings with no ATS are the Region's, not Insubria's.
    assert averages[str(Rating.Moment.SEARCH.label)] is None
    assert "Gentili" in page.content.decode()
    assert b'id="chart-data-ratings"' in page.content
    assert b"<table" in page.content
    region = login("regione").get(reverse("citizens:ratings"))
    region_chart = region.context["chart"]
    assert (
        dict(zip(region_chart["labels"], region_chart["datasets"][0]["data"], strict=True))[
            str(Rating.Moment.SEARCH.label)
        ]
        == 2.5
    )


def test_rating_forms_after_booking_decision_and_search(client, login):
    search = client.get(reverse("catalogue_public:search")).content.decode()
    assert reverse("citizens_public:rate") + "?momento=search" in search
    form = client.get(reverse("citizens_public:rate") + "?momento=search")
    assert form.status_code == 200
