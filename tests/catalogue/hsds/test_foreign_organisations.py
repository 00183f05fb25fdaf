"""Organisations the network does not have: an import creates them as providers that are not
network members, in a comune of the importer's ATS, and keeps their HSDS id and object, so
that the export and the API give them back as given."""

import copy
import io
import json

import pytest

from equilibri.catalogue.hsds.interchange import export_json, import_hsds
from equilibri.catalogue.interchange_models import ExternalProvider
from equilibri.catalogue.models import Service, TaxonomyTerm
from equilibri.network.models import Membership, Organisation

from .conftest import SCHEMA_DIR
from .test_lossless import canonical

pytestmark = pytest.mark.django_db

EXAMPLES = SCHEMA_DIR / "examples"


def foreign_service() -> dict:
    """The official example with its location in Tradate and a category of ours; its
    organisation is the example's own, unknown to the network."""
    service = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    for sal in service["service_at_locations"]:
        for address in sal["location"]["addresses"]:
            address.update(city="Tradate", state_province="VA", postal_code="21049", country="IT")
    for cost in service["cost_options"]:
        cost["currency"] = "EUR"
    term = TaxonomyTerm.objects.order_by("pk").first()
    service["attributes"] = [
        {
            "id": "0f4b1bb8-3c3a-4d6c-9d35-5e0c7c1c2f01",
            "link_type": "category",
            "link_entity": "service",
            "taxonomy_term_id": str(term.uuid),
            "value": term.code,
        }
    ]
    return service


def write(tmp_path, data, name="services.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_foreign_organisation_is_created_as_a_provider_outside_the_network(
    catalogue, tmp_path, user_of, client
):
    service = foreign_service()
    org_id = service["organization"]["id"]
    path = write(tmp_path, [service])

    report = import_hsds(path, by=user_of("operatore.insubria"))

    assert report.ok, [str(e) for e in report.errors]
    assert report.providers == 1
    provider = ExternalProvider.objects.select_related("organisation__comune__ats").get(
        hsds_id=org_id
    )
    org = provider.organisation
    assert org.name == "Example Organization Inc."
    assert org.comune.name == "Tradate"  # the comune of its service's location
    assert provider.ats.code == org.comune.ats.code
    assert not Membership.objects.filter(organisation=org).exists()
    assert not org.roles.exists() if hasattr(org, "roles") else True
    assert Service.objects.get(uuid=service["id"]).organisation == org

    # Exported, the organisation is the one the file gave, with its id.
    out = io.StringIO()
    export_json(out)
    exported = json.loads(out.getvalue())
    organisations = {o["id"]: o for o in exported["organizations"]}
    given = {k: v for k, v in service["organization"].items() if k != "services"}
    assert canonical({**given, "services": []}) == canonical(organisations[org_id])
    # The API answers to the publisher's id.
    answer = client.get(f"/api/hsds/organizations/{org_id}")
    assert answer.status_code == 200
    assert answer.json()["id"] == org_id and answer.json()["name"] == given["name"]

    # Imported again, nothing is created twice.
    again = import_hsds(path, by=user_of("operatore.insubria"))
    assert again.ok and again.providers == 0 and again.services.unchanged == 1
    assert Organisation.objects.filter(name="Example Organization Inc.").count() == 1


def test_a_dry_run_creates_no_organisation(catalogue, tmp_path, user_of):
    report = import_hsds(write(tmp_path, [foreign_service()]), by=user_of("admin"), dry_run=True)

    assert report.ok and report.providers == 1
    assert not ExternalProvider.objects.exists()
    assert not Organisation.objects.filter(name="Example Organization Inc.").exists()


def test_an_organisation_of_the_network_is_matched_by_tax_id(catalogue, tmp_path, user_of):
    service = foreign_service()
    catalogue.spazio.fiscal_code = "80012345678"
    catalogue.spazio.save()
    service["organization"]["tax_id"] = "IT 80012345678"

    report = import_hsds(write(tmp_path, [service]), by=user_of("admin"))

    assert report.ok, [str(e) for e in report.errors]
    assert report.providers == 0
    assert Service.objects.get(uuid=service["id"]).organisation == catalogue.spazio


def test_an_organisations_file_alone_creates_its_providers(catalogue, tmp_path, user_of):
    org = copy.deepcopy(foreign_service()["organization"])
    org.pop("services", None)
    org["locations"] = []
    path = write(tmp_path, [org], "organizations.json")

    report = import_hsds(path, by=user_of("operatore.insubria"))

    assert report.ok, [str(e) for e in report.errors]
    provider = ExternalProvider.objects.get(hsds_id=org["id"])
    # No location: the seat of the importer's ATS.
    assert provider.organisation.comune.ats == provider.ats


def test_a_provider_without_id_or_name_is_refused_with_a_message(catalogue, tmp_path, user_of):
    service = foreign_service()
    service["organization"]["id"] = "not-a-uuid"
    service["organization_id"] = "not-a-uuid"

    report = import_hsds(write(tmp_path, [service]), by=user_of("admin"))

    assert not report.ok
    assert any("UUID" in e.message for e in report.errors), [str(e) for e in report.errors]
    assert not ExternalProvider.objects.exists()
