"""A desk's setup page: each of its seven actions does its one thing and says so; a refusal shows
on the form it came from (or, for a button, as a message), and nothing else changes."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from equilibri.desks.models import Desk, DeskClosure, DeskOperator, SlotTemplate

pytestmark = pytest.mark.django_db

ERBA = "Sportello conciliazione di Erba"


@pytest.fixture
def setup(login):
    desk = Desk.objects.get(name=ERBA)
    client = login("operatore.insubria")
    url = reverse("desks:desk_setup", args=[desk.pk])

    def post(action: str, **data):
        return client.post(url, {"action": action, **data})

    return desk, url, client, post


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_shows_its_four_forms(setup):
    _desk, url, client, _post = setup
    page = client.get(url)
    assert page.status_code == 200
    for name in ["hours_form", "closure_form", "template_form", "operator_form"]:
        assert not page.context[name].is_bound
    for action in ["hours", "template", "generate", "closure", "operator"]:
        assert f'name="action" value="{action}"' in page.content.decode()


def test_a_closure_is_added_and_a_bad_one_shows_on_its_form(setup):
    desk, url, _client, post = setup
    day = timezone.localdate() + timedelta(days=30)
    added = post("closure", start_date=day, end_date=day, reason="Festa patronale")
    assert added.status_code == 302 and added.url == url
    assert said(added) == ["Chiusura aggiunta: le fasce libere di quei giorni sono state tolte."]
    assert DeskClosure.objects.filter(desk=desk, reason="Festa patronale").exists()
    backwards = post("closure", start_date=day, end_date=day - timedelta(days=1), reason="X")
    assert backwards.status_code == 200
    assert backwards.context["closure_form"].errors["end_date"]
    assert not backwards.context["hours_form"].is_bound
    assert not DeskClosure.objects.filter(desk=desk, reason="X").exists()


def test_an_operator_is_added_only_with_an_account_and_removed(setup, user_of):
    desk, _url, _client, post = setup
    unknown = post("operator", email="nessuno@esempio-vero.it")
    assert unknown.status_code == 200
    assert unknown.context["operator_form"].errors["email"] == [
        "Nessun utente registrato con questo indirizzo."
    ]
    colleague = user_of("cittadina")
    added = post("operator", email=colleague.email)
    assert added.status_code == 302 and said(added)[-1] == "Operatore aggiunto."
    operator = DeskOperator.objects.get(desk=desk, user=colleague)
    removed = post("remove_operator", operator=operator.pk)
    assert removed.status_code == 302 and said(removed)[-1] == "Operatore rimosso."
    assert not DeskOperator.objects.filter(pk=operator.pk).exists()
    # Another desk's operator, or none, is not found here.
    other = DeskOperator.objects.exclude(desk=desk).first()
    assert post("remove_operator", operator=other.pk).status_code == 404
    assert post("remove_operator").status_code == 404


def test_slots_are_generated_and_a_template_deactivated(setup):
    desk, _url, _client, post = setup
    generated = post("generate")
    assert generated.status_code == 302
    assert said(generated)[0].startswith("Fasce generate: ")
    template = desk.slot_templates.filter(active=True).first()
    deactivated = post("deactivate_template", template=template.pk)
    assert deactivated.status_code == 302 and said(deactivated)[-1] == "Disponibilità disattivata."
    assert not SlotTemplate.objects.get(pk=template.pk).active
    other = SlotTemplate.objects.exclude(desk=desk).first()
    assert post("deactivate_template", template=other.pk).status_code == 404


def test_an_unknown_action_only_shows_the_page(setup):
    desk, _url, _client, post = setup
    hours = list(desk.hours.values_list("weekday", "opens", "closes"))
    page = post("everything", hours="")
    assert page.status_code == 200 and said(page) == []
    assert not page.context["hours_form"].is_bound
    assert list(desk.hours.values_list("weekday", "opens", "closes")) == hours
