"""Catalogue text is data, never markup: a service, its organisation, categories, places and
comune named with HTML, template syntax, entities and bidirectional marks are shown as that
text, escaped, on the search results (Jinja2) and on the service page (Django templates), and
both pages still render."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.indexing import reindex_services
from equilibri.catalogue.models import (
    Closure,
    Contact,
    CostOption,
    Location,
    Phone,
    Service,
    TaxonomyTerm,
)
from equilibri.network.models import Organisation
from equilibri.plans.models import Project
from equilibri.territory.models import Comune

pytestmark = pytest.mark.django_db

# Markup, template syntax of both engines, an entity, and right-to-left override and mark; short
# enough, with its field's tag, for the shortest of the fields (a comune's name, 100).
HOSTILE = (
    '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    '{{ 7*7 }}{% now "Y" %}&amp;\u202eevil\u202c\u200f'
)
# A word of its own, so the search finds this service alone.
WORD = "zanzibarico"


def hostile(field: str) -> str:
    text = f"{field[:5].upper()}:{HOSTILE}"
    assert len(text) <= 100
    return text


def assert_escaped(body: str, fields: list[str]) -> None:
    """No hostile markup became markup, and each field's whole text reads back as written."""
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "\u202eevil" in html.unescape(body)
    # Template syntax is shown, not run (7*7 would be 49; `now` a year).
    text = html.unescape(body)
    for field in fields:
        assert hostile(field) in text, field
    # Escaped as markup: the tag's angle brackets and the attribute's quote are entities.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert re.search(r"(&quot;|&#34;)&gt;&lt;img src=x onerror=alert\(2\)&gt;", body)
    assert "&amp;amp;" in body


@pytest.fixture
def service() -> Service:
    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    project = Project.objects.first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(title=hostile("project"))
    Service.objects.filter(pk=service.pk).update(
        name=hostile("name"),
        alternate_name=hostile("alternate"),
        description=f"{WORD} {hostile('description')}",
        application_process=hostile("process"),
        fees_description=hostile("fees"),
        eligibility_description=hostile("eligibility"),
        wait_time=hostile("wait"),
        minimum_age=None,
        maximum_age=None,
        eligible_project=project,
    )
    Organisation.objects.filter(pk=service.organisation_id).update(name=hostile("organisation"))
    TaxonomyTerm.objects.filter(services=service).update(name=hostile("term"))
    CostOption.objects.filter(service=service).update(
        option="paid", amount=None, amount_description=hostile("cost")
    )
    location = Location.objects.filter(services_at__service=service).first()
    assert location is not None
    Location.objects.filter(pk=location.pk).update(
        name=hostile("place"),
        address=hostile("address"),
        accessibility=hostile("accessibility"),
        transportation=hostile("transport"),
    )
    comune = Comune.objects.get(pk=location.comune_id)
    Comune.objects.filter(pk=comune.pk).update(name=hostile("comune"))
    service.eligible_comuni.set([comune])
    Phone.objects.create(service=service, number="0331 000000", description=hostile("phone"))
    Contact.objects.create(service=service, name=hostile("contact"), title=hostile("role"))
    today = datetime.date.today()
    Closure.objects.create(
        service=service,
        date_from=today,
        date_to=today + datetime.timedelta(days=3),
        reason=hostile("closure"),
    )
    reindex_services([service.pk])
    service.refresh_from_db()
    return service


def test_hostile_text_is_escaped_on_the_results(client, service):
    comune = service.eligible_comuni.get()
    for params in ({"q": WORD}, {"q": WORD, "comune": comune.istat_code, "vista": "mappa"}):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(reverse("catalogue_public:search"), params, **headers)
            assert response.status_code == 200
            body = response.content.decode()
            assert "1 servizio trovato" in body, params
            assert_escaped(
                body,
                ["name", "organisation", "term", "address", "comune", "cost", "eligibility"],
            )


def test_hostile_text_is_escaped_on_the_service_page(client, service):
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    assert_escaped(
        response.content.decode(),
        [
            "name",
            "alternate",
            "description",
            "process",
            "fees",
            "eligibility",
            "wait",
            "organisation",
            "term",
            "cost",
            "place",
            "address",
            "accessibility",
            "transport",
            "comune",
            "phone",
            "contact",
            "role",
            "closure",
            "project",
        ],
    )
