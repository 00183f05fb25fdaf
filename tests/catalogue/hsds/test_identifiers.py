"""The HSDS import stores e-mails, phones and CAPs in the same canonical form as the forms
(equilibri.core.identifiers), so a file that spells them oddly changes nothing the second time
and the CAP still finds its comune."""

import uuid

import pytest

from equilibri.catalogue.hsds.interchange import import_hsds
from equilibri.catalogue.models import Contact, Location, Phone, Service

from .test_interchange import exported_json, forget, write

pytestmark = pytest.mark.django_db


def test_imported_identifiers_are_stored_in_canonical_form(catalogue, tmp_path, user_of):
    data = exported_json()
    camp = next(s for s in data["services"] if s["id"] == str(catalogue.camp.uuid))
    camp["email"] = "Estate@Example.ORG"  # the schema's e-mail format allows only ASCII
    camp["phones"][0]["number"] = "0331\u00a012 34 56"
    camp["contacts"][0]["email"] = "Anna@EXAMPLE.org"
    camp["contacts"][0]["phones"] = [{"id": str(uuid.uuid4()), "number": "333-123 4567"}]
    place = camp["service_at_locations"][0]["location"]
    place["phones"][0]["number"] = "0039 (0331) 000 001"
    place["addresses"][0]["postal_code"] = "２１０ ４９"
    path = write(tmp_path, "catalogo.json", data)
    forget(catalogue)  # created by the import (changes to published services may be moderated)

    report = import_hsds(path, by=user_of("admin"))
    assert report.ok, [str(e) for e in report.errors]

    service = Service.objects.get(uuid=catalogue.camp.uuid)
    assert service.email == "estate@example.org"
    assert list(Phone.objects.filter(service=service).values_list("number", flat=True)) == [
        "+390331123456"
    ]
    contact = Contact.objects.get(service=service)
    assert (contact.email, contact.phone) == ("anna@example.org", "+393331234567")
    location = Location.objects.get(uuid=place["id"])
    assert location.postal_code == "21049"
    assert location.comune.name == "Tradate"
    assert list(location.phones.values_list("number", flat=True)) == ["+390331000001"]

    again = import_hsds(path, by=user_of("admin"))
    assert again.ok
    assert (again.services.created, again.services.updated) == (0, 0)
    assert (again.locations.created, again.locations.updated) == (0, 0)
