"""Round trip: a conformant HSDS 3.0 dataset of another publisher (generated, valid against
the official schemas: several taxonomies, overnight and 24-hour slots, monthly schedules, time
zones, fractional ages, cost options with their own texts, every optional object), imported
and exported, gives back the same objects: services and organisations compared one by one as
JSON with keys and lists sorted, not counted. The official examples the same way (made
Lombard where they must be: their places are in the USA and UK)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from equilibri.catalogue.hsds import serializers as ser
from equilibri.catalogue.hsds.interchange import import_hsds, iter_full_services
from equilibri.catalogue.interchange_models import ExternalProvider, ForeignTerm
from equilibri.catalogue.models import Service
from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

from .conftest import SCHEMA_DIR, assert_valid
from .generated import dataset
from .test_lossless import canonical

pytestmark = pytest.mark.django_db

SERVICES = 300


def insubria_comuni() -> list[tuple[str, str]]:
    """Comuni of Tradate's ATS whose name no other comune has (an address names them)."""
    ats = Comune.objects.get(istat_code="012127").ats_id
    names = list(Comune.objects.values_list("name_folded", flat=True))
    unique = {n for n in names if names.count(n) == 1}
    return [
        (c.name, c.province)
        for c in Comune.objects.filter(ats_id=ats).order_by("istat_code")
        if c.name_folded in unique
    ][:40]


def round_trip(data: dict, tmp_path, by, name: str = "foreign.json") -> None:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")

    report = import_hsds(path, by=by)

    assert report.ok, [str(e) for e in report.errors][:10]
    given_services = {s["id"]: s for s in data["services"]}
    pks = list(Service.objects.filter(uuid__in=list(given_services)).values_list("pk", flat=True))
    exported = {s["id"]: s for s in iter_full_services(pks)}
    assert exported.keys() == given_services.keys()
    for sid, service in given_services.items():
        assert canonical(exported[sid]) == canonical(service), sid
    for org in data["organizations"]:
        organisation = (
            Organisation.objects.select_related("hsds_provider")
            .filter(hsds_provider__hsds_id=org["id"])
            .first()
        )
        if organisation is None:  # no service of the dataset chose it
            continue
        served = ser.organization_full(organisation)
        assert canonical(served) == canonical({**org, "services": []}), org["id"]
    # Imported again, nothing changes and nothing is created twice.
    again = import_hsds(path, by=by)
    assert again.ok and again.services.unchanged == len(given_services)
    assert again.providers == 0


def test_a_generated_foreign_dataset_comes_back_object_by_object(catalogue, tmp_path, user_of):
    data = dataset(2026, insubria_comuni(), services=SERVICES, organisations=SERVICES // 10)
    for service in data["services"]:
        assert_valid(service, "compiled/service.json")

    round_trip(data, tmp_path, user_of("operatore.insubria"))

    used_orgs = {s["organization_id"] for s in data["services"]}
    assert ExternalProvider.objects.count() == len(used_orgs)
    used_terms = {a["taxonomy_term_id"] for s in data["services"] for a in s["attributes"]}
    assert set(ForeignTerm.objects.values_list("uuid", flat=True)) >= {
        __import__("uuid").UUID(t) for t in used_terms
    }


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_generated_dataset_comes_back(catalogue, tmp_path, user_of, seed):
    data = dataset(seed, insubria_comuni(), services=5, organisations=2)
    for service in data["services"]:
        assert_valid(service, "compiled/service.json")
    round_trip(data, tmp_path, user_of("operatore.insubria"), f"seed-{seed}.json")


@pytest.mark.parametrize("example", ["service_full.json", "organization_full.json"])
def test_the_official_examples_come_back(catalogue, tmp_path, user_of, example):
    """The official examples, their places moved to Tradate (and cost options in euros): the
    rest as they are, their organisation and taxonomy foreign to us."""
    data = json.loads((SCHEMA_DIR / "examples" / example).read_text(encoding="utf-8"))
    services = data["services"] if example == "organization_full.json" else [data]
    for service in services:
        for sal in service.get("service_at_locations") or []:
            for address in sal["location"].get("addresses") or []:
                address.update(city="Tradate", state_province="VA", country="IT")
        for cost in service.get("cost_options") or []:
            cost["currency"] = "EUR"
    organisation = data if example == "organization_full.json" else data["organization"]
    organisation = {k: v for k, v in organisation.items() if k != "services"}
    for service in services:
        # Taken out of their organisation, the services name it, as a list of services does.
        service.setdefault("organization_id", organisation["id"])

    round_trip(
        {"services": services, "organizations": [organisation]},
        tmp_path,
        user_of("operatore.insubria"),
    )
