"""The moderation diff compares values, not rows: phones and languages saved again with the same
values (new rows, another order, the form's shorter rows) are not changes; a real change is."""

import pytest
from django.test import Client
from django.urls import reverse

from equilibri.catalogue import services as catalogue
from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.models import Language, Phone, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service() -> Service:
    service = Service.objects.get(uuid=demo_uuid("tradate-post-scuola"))
    Phone.objects.filter(service=service).delete()
    Language.objects.filter(service=service).delete()
    Phone.objects.create(service=service, number="+390331123456", description="Mattina")
    Phone.objects.create(service=service, number="+39333111222", kind=Phone.Kind.CELL)
    Language.objects.create(service=service, code="it", name="Italiano")
    Language.objects.create(service=service, code="en", name="English")
    return service


def _diff(service, data) -> dict:
    return {row.label: row for row in catalogue.data_diff(catalogue.service_data(service), data)}


def test_rows_recreated_with_equal_values_are_no_change(service):
    data = catalogue.service_data(service)
    # As the edit form posts them: no phone kind for a voice line, the number as typed, the
    # languages by code only and in another order.
    data["phones"] = [
        {"number": "0331 123456", "description": "Mattina"},
        {"number": "+39333111222", "kind": "cell", "description": ""},
    ]
    data["languages"] = [{"code": "EN"}, {"code": "it"}]
    diff = _diff(service, data)
    assert not diff["Telefoni"].changed
    assert not diff["Lingue"].changed
    assert not any(row.changed for row in diff.values())


def test_a_revision_that_recreates_equal_rows_shows_no_phone_or_language_change(service, user_of):
    data = catalogue.service_data(service)
    data["name"] = "Post-scuola di Tradate, nuovo nome"
    data["phones"] = list(reversed(data["phones"]))
    data["languages"] = [{"code": row["code"]} for row in data["languages"]]
    revision = catalogue.service_save(service=service, data=data, by=user_of("ente.aquilone"))
    assert revision is not None
    diff = _diff(service, revision.data)
    assert diff["nome del servizio"].changed
    assert not diff["Telefoni"].changed and not diff["Lingue"].changed
    client = Client()
    client.force_login(user_of("operatore.insubria"))
    page = client.get(reverse("catalogue:revision_review", args=[revision.pk])).content.decode()
    assert page.count("table-warning") == 1  # the name only


def test_a_changed_phone_or_language_is_a_change(service):
    data = catalogue.service_data(service)
    data["phones"][0]["number"] = "+390331654321"
    data["languages"] = [{"code": "it"}]
    diff = _diff(service, data)
    assert diff["Telefoni"].changed and "+390331654321" in diff["Telefoni"].after
    assert diff["Lingue"].changed and "English" not in diff["Lingue"].after
