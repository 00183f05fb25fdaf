"""A small catalogue of our own (independent of the demo data) and the official HSDS schemas."""

import json
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "schema"


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name in {"openapi.json", "datapackage.json"}:
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(name: str) -> Draft202012Validator:
    """A validator for an official schema: `compiled/service.json`, `taxonomy.json`..."""
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


_VALIDATORS: dict[str, Draft202012Validator] = {}


def assert_valid(instance, name: str) -> None:
    if name not in _VALIDATORS:
        _VALIDATORS[name] = validator(name)
    errors = sorted(_VALIDATORS[name].iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


PAGE_KEYS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def assert_page(data: dict, item_schema: str) -> None:
    assert list(data) == PAGE_KEYS
    assert data["size"] == len(data["contents"])
    assert data["empty"] == (not data["contents"])
    for item in data["contents"]:
        assert_valid(item, item_schema)


@pytest.fixture
def api():
    return Client(HTTP_HOST="localhost")


@dataclass
class Catalogue:
    camp: object  # Tradate summer camp: physical location, summer schedule, fee + voucher
    ironing: object  # Tradate social ironing: free, eligible comuni, closure
    online: object  # Milano online counselling: virtual location
    draft: object  # not published: never visible
    aquilone: object
    spazio: object
    tradate_location: object


def _term(code):
    from equilibri.catalogue.models import TaxonomyTerm

    return TaxonomyTerm.objects.get(code=code)


def make_catalogue() -> Catalogue:
    from equilibri.catalogue.models import (
        Closure,
        Contact,
        CostOption,
        Language,
        Location,
        Phone,
        Schedule,
        Service,
        ServiceAtLocation,
    )
    from equilibri.network.models import Organisation
    from equilibri.territory.models import Comune

    tradate = Comune.objects.get(istat_code="012127")
    milano = Comune.objects.get(istat_code="015146")
    venegono = Comune.objects.get(name="Venegono Superiore")
    aquilone = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    spazio = Organisation.objects.get(name="Spazio Aperto Servizi")
    published = Service.Review.PUBLISHED
    camp = Service.objects.create(
        organisation=aquilone,
        name="Zeta centro estivo HSDS Tradate",
        description="Centro estivo per bambini dai 6 agli 11 anni, con mensa e piscina.",
        review_state=published,
        minimum_age=6,
        maximum_age=11,
        url="https://example.org/centro-estivo",
        email="estate@example.org",
        application_process="Iscrizione online entro maggio.",
    )
    camp.terms.add(_term("centri-estivi"))
    loc = Location.objects.create(
        organisation=aquilone,
        name="Scuola primaria Battisti",
        address="Via Battisti 1",
        postal_code="21049",
        comune=tradate,
        latitude=45.7155,
        longitude=8.9190,
        accessibility="Ingresso senza gradini.",
        wheelchair_accessible=True,
    )
    ServiceAtLocation.objects.create(service=camp, location=loc, description="Sede principale")
    Phone.objects.create(location=loc, number="0331 000001")
    for day in range(5):
        Schedule.objects.create(
            service=camp,
            location=loc,
            weekday=day,
            opens_at=time(8),
            closes_at=time(17, 30),
            valid_from=date(2026, 6, 15),
            valid_to=date(2026, 8, 28),
        )
    CostOption.objects.create(
        service=camp, option="fee", amount=Decimal("85.50"), amount_description="a settimana"
    )
    CostOption.objects.create(service=camp, option="voucher")
    Phone.objects.create(service=camp, number="0331 123456", extension="12")
    Contact.objects.create(service=camp, name="Anna Rossi", email="anna@example.org", phone="333")
    Language.objects.create(service=camp, code="it", name="italiano")
    Language.objects.create(service=camp, code="en", name="inglese")

    ironing = Service.objects.create(
        organisation=aquilone,
        name="Zeta stireria sociale HSDS",
        description="Stiro sociale salvatempo per le famiglie che lavorano.",
        review_state=published,
    )
    ironing.terms.add(_term("stiro-sociale"))
    ironing.eligible_comuni.add(tradate, venegono)
    loc2 = Location.objects.create(
        organisation=aquilone, name="Laboratorio", postal_code="21049", comune=tradate
    )
    ServiceAtLocation.objects.create(service=ironing, location=loc2)
    Schedule.objects.create(service=ironing, weekday=2, opens_at=time(9), closes_at=time(12))
    Closure.objects.create(
        service=ironing, date_from=date(2026, 8, 10), date_to=date(2026, 8, 21), reason="Ferie"
    )
    CostOption.objects.create(service=ironing, option="free")

    online = Service.objects.create(
        organisation=spazio,
        name="Zeta consulenza online HSDS",
        description="Consulenza sullo smart working a distanza per le imprese.",
        review_state=published,
    )
    online.terms.add(_term("consulenza-smart-working"))
    web = Location.objects.create(
        organisation=spazio, kind="virtual", name="Online", url="https://example.org/online"
    )
    ServiceAtLocation.objects.create(service=online, location=web)
    loc3 = Location.objects.create(
        organisation=spazio,
        name="Sede Milano",
        postal_code="20121",
        comune=milano,
        latitude=float(milano.lat),
        longitude=float(milano.lon),
    )
    ServiceAtLocation.objects.create(service=online, location=loc3)

    draft = Service.objects.create(
        organisation=aquilone,
        name="Zeta bozza HSDS centro estivo",
        description="Non pubblicato.",
        review_state=Service.Review.DRAFT,
    )
    draft.terms.add(_term("centri-estivi"))
    ServiceAtLocation.objects.create(service=draft, location=loc)
    _reindex([camp.pk, ironing.pk, online.pk, draft.pk])
    return Catalogue(camp, ironing, online, draft, aquilone, spazio, loc)


def _reindex(ids):
    try:
        from equilibri.catalogue.indexing import reindex_services
    except ImportError:
        return
    reindex_services(ids)


@pytest.fixture
def catalogue(db) -> Catalogue:
    return make_catalogue()
