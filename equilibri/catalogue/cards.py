"""What a search result card shows, fetched by the engine statement itself.

The search page is the platform's busiest: asking the database again for each result's
organisation, categories, places, hours, closures, costs and eligible comuni (seven more queries,
each with its model instances) cost more than the full-text match at p50. So the engine statement
returns, for the rows of the page only, one column per list as JSON (`json_group_array` on
SQLite, `json_agg` on PostgreSQL), and the page is built from plain values with no further query.
The detail page and the HSDS API keep using the models."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from django.urls import reverse


class CardLocation(NamedTuple):
    id: int
    kind: str
    address: str
    comune_name: str | None
    latitude: float | None
    longitude: float | None


class CardSchedule(NamedTuple):
    """The attributes of `Schedule` that `opening.py` reads."""

    weekday: int
    opens_at: datetime.time
    closes_at: datetime.time
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class CardClosure(NamedTuple):
    date_from: datetime.date
    date_to: datetime.date
    location_id: int | None


class CardCost(NamedTuple):
    """The attributes of `CostOption` that `services/includes/costs.html` reads."""

    option: str
    amount: Decimal | None
    amount_description: str


@dataclass
class Card:
    """A result: the attributes of `Service` that the card templates read, as plain values."""

    id: int
    uuid: UUID
    name: str
    organisation_name: str
    minimum_age: int | None
    maximum_age: int | None
    eligible_project_id: int | None
    eligibility_description: str
    terms: list[str]
    locations: list[CardLocation]
    schedules: list[CardSchedule]
    closures: list[CardClosure]
    costs: list[CardCost]
    eligible_comuni: list[str]  # as str(Comune): "Tradate (VA)"

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return reverse("catalogue_public:detail", args=[str(self.uuid)])


def _json_list(vendor: str, exprs: list[str], source: str, order: str) -> str:
    """A JSON array of rows (each an array of `exprs`) from `source`, in `order`, as text."""
    if vendor == "postgresql":
        return (
            f"(SELECT COALESCE(json_agg(json_build_array({', '.join(exprs)}) ORDER BY {order}),"  # noqa: S608 (constant SQL)
            f" '[]'::json)::text FROM {source})"
        )
    # SQLite aggregates in the order of the rows it is given: an ordered subquery.
    aliased = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    names = ", ".join(f"c{i}" for i in range(len(exprs)))
    return (
        f"(SELECT json_group_array(json_array({names})) FROM"  # noqa: S608 (constant SQL)
        f" (SELECT {aliased} FROM {source} ORDER BY {order}))"
    )


def card_columns(vendor: str) -> str:
    """The card's columns, for a statement where `s` is the service and `o` its organisation.
    `card_from_row` reads them in this order."""
    lists = [
        _json_list(
            vendor,
            ["t.name"],
            "services_service_terms st JOIN services_taxonomyterm t ON t.id = st.taxonomyterm_id"
            " WHERE st.service_id = s.id",
            "t.position, t.name",
        ),
        _json_list(
            vendor,
            ["l.id", "l.kind", "l.address", "c.name", "l.latitude", "l.longitude"],
            "services_serviceatlocation sal JOIN services_location l ON l.id = sal.location_id"
            " LEFT JOIN territory_comune c ON c.id = l.comune_id WHERE sal.service_id = s.id",
            "sal.id",
        ),
        _json_list(
            vendor,
            ["sc.weekday", "sc.opens_at", "sc.closes_at", "sc.valid_from", "sc.valid_to"],
            "services_schedule sc WHERE sc.service_id = s.id",
            "sc.weekday, sc.opens_at, sc.id",
        ),
        _json_list(
            vendor,
            ["cl.date_from", "cl.date_to", "cl.location_id"],
            "services_closure cl WHERE cl.service_id = s.id",
            "cl.date_from, cl.id",
        ),
        _json_list(
            vendor,
            ["co.option", "co.amount", "co.amount_description"],
            "services_costoption co WHERE co.service_id = s.id",
            "co.id",
        ),
        _json_list(
            vendor,
            ["c.name", "c.province"],
            "services_service_eligible_comuni ec JOIN territory_comune c ON c.id = ec.comune_id"
            " WHERE ec.service_id = s.id",
            "c.name, c.id",
        ),
    ]
    return ", ".join(
        [
            "s.uuid",
            "s.name",
            "o.name",
            "s.minimum_age",
            "s.maximum_age",
            "s.eligible_project_id",
            "s.eligibility_description",
            *lists,
        ]
    )


CARD_COLUMNS = 13  # how many columns `card_columns` adds


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def _amount(value: Any) -> Decimal | None:
    # A Decimal from _DECODER, or a float from PostgreSQL's json: two places either way.
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# Amounts as Decimal (SQLite gives 12.5 for 12.50). One decoder for every column: json.loads with
# parse_float builds a new decoder on each call, six times per card.
_DECODER = json.JSONDecoder(parse_float=Decimal)


def _rows(text: Any) -> list:
    if not text:
        return []
    return _DECODER.decode(text) if isinstance(text, str) else text


def card_from_row(service_id: int, values: tuple | list) -> Card:
    """A `Card` from the columns of `card_columns` (JSON text on both engines)."""
    uuid, name, org_name, min_age, max_age, project_id, eligibility, *lists = values
    terms, locations, schedules, closures, costs, comuni = (_rows(v) for v in lists)
    return Card(
        id=service_id,
        uuid=uuid if isinstance(uuid, UUID) else UUID(str(uuid)),
        name=name,
        organisation_name=org_name or "",
        minimum_age=min_age,
        maximum_age=max_age,
        eligible_project_id=project_id,
        eligibility_description=eligibility or "",
        terms=[t[0] for t in terms],
        locations=[
            CardLocation(
                int(i),
                kind,
                address or "",
                comune,
                float(lat) if lat is not None else None,
                float(lon) if lon is not None else None,
            )
            for i, kind, address, comune, lat, lon in locations
        ],
        schedules=[
            CardSchedule(int(day), _time(opens), _time(closes), _date(start), _date(end))
            for day, opens, closes, start, end in schedules
        ],
        closures=[
            CardClosure(_date(start), _date(end), loc)  # type: ignore[arg-type]
            for start, end, loc in closures
        ],
        costs=[CardCost(option, _amount(amount), desc or "") for option, amount, desc in costs],
        eligible_comuni=[f"{comune} ({province})" for comune, province in comuni],
    )
