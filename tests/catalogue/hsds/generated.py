"""A conformant HSDS 3.0 dataset of another publisher, generated: organisations (with
identifiers, funding, programs, contacts, metadata) that the network does not have, services
with every optional object (alert, interpretation services, required documents, service
areas, funding, program, RFC 5545 schedules with overnight and 24-hour slots, monthly ones,
time zones, fractional ages, cost options with their own texts, languages, phones, contacts,
attributes of several taxonomies, metadata), and locations in the comuni given. Seeded: the
same seed gives the same dataset. Each service is valid against the official schema (the
round-trip test checks it)."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

WORDS = [
    "sostegno",
    "famiglie",
    "lavoro",
    "cura",
    "anziani",
    "bambini",
    "doposcuola",
    "consulenza",
    "orientamento",
    "mediazione",
    "sportello",
    "ascolto",
    "trasporto",
    "pasti",
    "stiro",
    "babysitting",
    "assistenza",
    "domiciliare",
    "caregiver",
    "formazione",
    "welfare",
    "aziendale",
    "conciliazione",
    "tempi",
    "città",
]
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Generator:
    def __init__(self, seed: int, comuni: list[tuple[str, str]]):
        """`comuni`: (name, province) of the comuni the locations may be in."""
        self.rng = random.Random(seed)
        self.comuni = comuni
        self.taxonomies = [self._taxonomy(i) for i in range(3)]

    # -- small values --

    def id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def words(self, low: int = 2, high: int = 6) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self) -> str:
        return self.words(4, 14).capitalize() + "."

    def email(self) -> str:
        # ASCII: an internationalised address is not an "email" to the official schema.
        word = self.rng.choice([w for w in WORDS if w.isascii()])
        return f"{word}{self.rng.randint(1, 999)}@example.org"

    def url(self) -> str:
        word = self.rng.choice([w for w in WORDS if w.isascii()])
        return f"https://example.org/{word}/{self.rng.randint(1, 9999)}"

    def day(self) -> str:
        return (date(2025, 1, 1) + timedelta(days=self.rng.randint(0, 700))).isoformat()

    def maybe(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def metadata(self, resource_id: str, resource_type: str) -> list[dict]:
        return [
            {
                "id": self.id(),
                "resource_id": resource_id,
                "resource_type": resource_type,
                "last_action_date": self.day(),
                "last_action_type": self.rng.choice(["create", "update"]),
                "field_name": self.rng.choice(["name", "description", ""]),
                "previous_value": self.words(1, 3),
                "replacement_value": self.words(1, 3),
                "updated_by": self.email(),
            }
        ]

    # -- taxonomies --

    def _taxonomy(self, i: int) -> dict:
        taxonomy = {
            "id": self.id(),
            "name": f"Tassonomia {i} {self.words(1, 2)}",
            "description": self.sentence(),
            "uri": self.url(),
            "version": f"{i}.0",
        }
        taxonomy["terms"] = [
            {
                "id": self.id(),
                "code": f"T{i}-{n}",
                "name": self.words(1, 3),
                "description": self.sentence(),
                "taxonomy": taxonomy["name"],
                "taxonomy_id": taxonomy["id"],
                "language": "ita",
            }
            for n in range(8)
        ]
        return taxonomy

    def attribute(self, link_id: str, link_type: str) -> dict:
        taxonomy = self.rng.choice(self.taxonomies)
        term = dict(self.rng.choice(taxonomy["terms"]))
        term["taxonomy_detail"] = {k: v for k, v in taxonomy.items() if k != "terms"}
        attribute = {
            "id": self.id(),
            "link_id": link_id,
            "link_type": link_type,
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "value": self.words(1, 2),
            "label": self.words(1, 2),
            "taxonomy_term": term,
        }
        return attribute

    # -- objects --

    def phone(self) -> dict:
        return {
            "id": self.id(),
            "number": f"+39 0{self.rng.randint(2, 399)} {self.rng.randint(100000, 999999)}",
            "extension": self.rng.randint(1, 999),
            "type": self.rng.choice(["voice", "fax", "text", "cell"]),
            "description": self.words(),
            "languages": [{"id": self.id(), "name": "Italiano", "code": "it", "note": ""}],
        }

    def contact(self) -> dict:
        return {
            "id": self.id(),
            "name": self.words(2, 2).title(),
            "title": self.words(1, 2),
            "department": self.words(1, 2),
            "email": self.email(),
            "phones": [self.phone()],
        }

    def organisation(self) -> dict:
        oid = self.id()
        return {
            "id": oid,
            "name": f"Ente {self.words(2, 3)} {self.rng.randint(1, 99999)}",
            "alternate_name": self.words(1, 2),
            "description": self.sentence(),
            "email": self.email(),
            "website": self.url(),
            "tax_status": "ente del terzo settore",
            "tax_id": f"GB{self.rng.randint(10**8, 10**9 - 1)}",
            "year_incorporated": self.rng.randint(1950, 2024),
            "legal_status": "cooperativa",
            "logo": self.url(),
            "uri": self.url(),
            "funding": [{"id": self.id(), "organization_id": oid, "source": self.sentence()}],
            "contacts": [self.contact()],
            "phones": [self.phone()],
            "programs": [
                {
                    "id": self.id(),
                    "organization_id": oid,
                    "name": self.words(),
                    "alternate_name": self.words(1, 2),
                    "description": self.sentence(),
                }
            ],
            "organization_identifiers": [
                {
                    "id": self.id(),
                    "organization_id": oid,
                    "identifier_scheme": "GB-COH",
                    "identifier_type": "Company number",
                    "identifier": str(self.rng.randint(10**7, 10**8 - 1)),
                }
            ],
            "attributes": [],
            "metadata": self.metadata(oid, "organization"),
        }

    def schedule(self, sid: str | None = None, location_id: str | None = None) -> dict:
        kind = self.rng.choice(["weekly", "weekly", "overnight", "allday", "monthly"])
        x: dict[str, Any] = {
            "id": self.id(),
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "timezone": self.rng.choice([0, 1, 2, -5]),
            "wkst": "MO",
            "description": self.sentence(),
            "notes": self.words(),
            "attending_type": self.rng.choice(["in person", "online", "phone"]),
        }
        if sid:
            x["service_id"] = sid
        if location_id:
            x["location_id"] = location_id
        if kind == "monthly":
            x.update(freq="MONTHLY", bymonthday=str(self.rng.randint(1, 28)), count=12)
            x["opens_at"], x["closes_at"] = "09:00", "12:00"
            return x
        days = sorted(self.rng.sample(DAYS, self.rng.randint(1, 5)), key=DAYS.index)
        x.update(freq="WEEKLY", interval=1, byday=",".join(days))
        if kind == "overnight":
            x["opens_at"], x["closes_at"] = "20:00", "08:00"
        elif kind == "allday":
            x["opens_at"], x["closes_at"] = "00:00", "00:00"
        else:
            opens = self.rng.randint(7, 14)
            x["opens_at"] = f"{opens:02d}:{self.rng.choice(['00', '30'])}"
            x["closes_at"] = f"{opens + self.rng.randint(1, 8):02d}:00"
        return x

    def location(self, org_id: str) -> dict:
        lid = self.id()
        city, province = self.rng.choice(self.comuni)
        return {
            "id": lid,
            "location_type": "physical",
            "url": self.url(),
            "organization_id": org_id,
            "name": f"Sede {self.words(1, 3)}",
            "alternate_name": self.words(1, 2),
            "description": self.sentence(),
            "transportation": self.sentence(),
            "latitude": round(45.5 + self.rng.random(), 6),
            "longitude": round(8.5 + self.rng.random(), 6),
            "external_identifier": str(self.rng.randint(1, 10**6)),
            "external_identifier_type": "catasto",
            "languages": [{"id": self.id(), "name": "Italiano", "code": "it"}],
            "addresses": [
                {
                    "id": self.id(),
                    "location_id": lid,
                    "attention": self.words(1, 2),
                    "address_1": f"Via {self.words(1, 2).title()} {self.rng.randint(1, 200)}",
                    "address_2": "",
                    "city": city,
                    "region": "Lombardia",
                    "state_province": province,
                    "postal_code": f"2{self.rng.randint(1000, 9999)}",
                    "country": "IT",
                    "address_type": "physical",
                }
            ],
            "contacts": [self.contact()],
            "accessibility": [
                {"id": self.id(), "description": self.sentence(), "details": self.words()}
            ],
            "phones": [self.phone()],
            "schedules": [self.schedule(location_id=lid)],
            "attributes": [self.attribute(lid, "location")],
            "metadata": self.metadata(lid, "location"),
        }

    def service(self, org: dict) -> dict:
        sid = self.id()
        minimum = self.rng.choice([None, 0.25, 0.5, 1, 2.75, 6])
        maximum = self.rng.choice([None, 17.5, 64, 99.9])
        location = self.location(org["id"])
        program = org["programs"][0]
        organization = {k: v for k, v in org.items()}
        last_modified = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
            seconds=self.rng.randint(0, 10**7)
        )
        service: dict[str, Any] = {
            "id": sid,
            "organization_id": org["id"],
            "program_id": program["id"],
            "name": f"Servizio {self.words(2, 5)} {self.rng.randint(1, 10**6)}",
            "alternate_name": self.words(1, 3),
            "description": self.sentence() + "\n" + self.sentence(),
            "url": self.url(),
            "email": self.email(),
            "status": self.rng.choice(STATUSES),
            "interpretation_services": self.words(),
            "application_process": self.sentence(),
            "fees_description": self.sentence(),
            "wait_time": f"{self.rng.randint(1, 30)} giorni",
            "fees": self.words(),
            "accreditations": self.words(),
            "eligibility_description": self.sentence(),
            "assured_date": self.day(),
            "assurer_email": self.email(),
            "licenses": self.words(),
            "alert": self.sentence(),
            "last_modified": last_modified.isoformat().replace("+00:00", "Z"),
            "phones": [self.phone()],
            "schedules": [self.schedule(sid) for _ in range(self.rng.randint(0, 3))],
            "service_areas": [
                {
                    "id": self.id(),
                    "service_id": sid,
                    "name": self.words(1, 2),
                    "description": self.sentence(),
                    "extent": "POLYGON((8 45, 9 45, 9 46, 8 45))",
                    "extent_type": "wkt",
                    "uri": self.url(),
                }
            ],
            "service_at_locations": [
                {
                    "id": self.id(),
                    "service_id": sid,
                    "location_id": location["id"],
                    "description": self.words(),
                    "location": location,
                }
            ],
            "languages": [
                {"id": self.id(), "name": name, "code": code, "note": self.words(1, 2)}
                for code, name in self.rng.sample(
                    [("it", "Italiano"), ("en", "Inglese"), ("ar", "Arabo"), ("uk", "Ucraino")],
                    self.rng.randint(1, 3),
                )
            ],
            "organization": organization,
            "funding": [{"id": self.id(), "service_id": sid, "source": self.sentence()}],
            "cost_options": [
                {
                    "id": self.id(),
                    "service_id": sid,
                    "valid_from": "2026-01-01",
                    "valid_to": "2026-12-31",
                    "option": self.rng.choice(["Tariffa ridotta ISEE", "Quota mensile", "free"]),
                    "currency": "EUR",
                    "amount": self.rng.choice([0, 12.5, 40, 120.75]),
                    "amount_description": self.words(),
                }
                for _ in range(self.rng.randint(0, 2))
            ],
            "program": program,
            "required_documents": [
                {
                    "id": self.id(),
                    "service_id": sid,
                    "document": self.words(2, 4),
                    "uri": self.url(),
                }
            ],
            "contacts": [self.contact()],
            "attributes": [self.attribute(sid, "service") for _ in range(self.rng.randint(1, 3))],
            "metadata": self.metadata(sid, "service"),
        }
        if minimum is not None:
            service["minimum_age"] = minimum
        if maximum is not None:
            service["maximum_age"] = maximum
        if self.maybe(0.3):  # the optional texts are sometimes absent
            for key in ("alternate_name", "alert", "licenses", "accreditations"):
                service.pop(key)
        return service


def dataset(seed: int, comuni: list[tuple[str, str]], services: int, organisations: int) -> dict:
    """`services` services of `organisations` organisations, and the taxonomies and terms
    their attributes name."""
    g = Generator(seed, comuni)
    orgs = [g.organisation() for _ in range(organisations)]
    items = [g.service(g.rng.choice(orgs)) for _ in range(services)]
    return {
        "services": items,
        "organizations": orgs,
        "taxonomies": [{k: v for k, v in t.items() if k != "terms"} for t in g.taxonomies],
        "taxonomy_terms": [term for t in g.taxonomies for term in t["terms"]],
    }
