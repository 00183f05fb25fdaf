"""Comparing with what is there: the catalogue's current state of the services and locations
that the file names, as plans (plain value queries, in batches).
"""

from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import NamedTuple

from ...models import (
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
from .plans import LOCATION_FIELDS, SERVICE_FIELDS, Hex, LocationPlan, ServicePlan, _hexed, _sorted
from .sql import _rows_by_uuid


def _group(children: dict[str, dict[int, list]], name: str, rows: Iterable[tuple]) -> None:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(_hexed(row[1:]))
    children[name] = grouped


class Existing(NamedTuple):
    """A service of the catalogue with one of the file's ids."""

    pk: int
    plan: ServicePlan  # its current state
    review_state: str
    listed_object: str  # kept by another app (help desks): changed only there


def _existing_plans(uuids: list[Hex]) -> dict[Hex, Existing]:
    """The catalogue's current state of these services, as plans (plain value queries)."""
    out: dict[Hex, Existing] = {}
    fields = ("pk", "uuid", "review_state", "listed_object", *SERVICE_FIELDS)
    for rows in _rows_by_uuid(Service, uuids, *fields):
        pks = [row[0] for row in rows]
        children: dict[str, dict[int, list]] = {}
        group = partial(_group, children)
        group(
            "terms",
            Service.terms.through.objects.filter(service_id__in=pks).values_list(
                "service_id", "taxonomyterm_id"
            ),
        )
        group(
            "comuni",
            Service.eligible_comuni.through.objects.filter(service_id__in=pks).values_list(
                "service_id", "comune_id"
            ),
        )
        group(
            "sals",
            ServiceAtLocation.objects.filter(service_id__in=pks).values_list(
                "service_id", "uuid", "location__uuid", "description"
            ),
        )
        group(
            "schedules",
            Schedule.objects.filter(service_id__in=pks).values_list(
                "service_id",
                "uuid",
                "location__uuid",
                "weekday",
                "opens_at",
                "closes_at",
                "valid_from",
                "valid_to",
                "notes",
            ),
        )
        group(
            "closures",
            Closure.objects.filter(service_id__in=pks).values_list(
                "service_id", "uuid", "location__uuid", "date_from", "date_to", "reason"
            ),
        )
        group(
            "phones",
            Phone.objects.filter(service_id__in=pks).values_list(
                "service_id", "uuid", "number", "extension", "kind", "description"
            ),
        )
        group(
            "contacts",
            Contact.objects.filter(service_id__in=pks).values_list(
                "service_id", "uuid", "name", "title", "department", "email", "phone"
            ),
        )
        group(
            "languages",
            Language.objects.filter(service_id__in=pks).values_list(
                "service_id", "uuid", "code", "name", "note"
            ),
        )
        group(
            "costs",
            CostOption.objects.filter(service_id__in=pks).values_list(
                "service_id",
                "uuid",
                "option",
                "amount",
                "amount_description",
                "valid_from",
                "valid_to",
            ),
        )
        for row in rows:
            pk, service_uuid = row[0], row[1].hex
            out[service_uuid] = Existing(
                pk,
                ServicePlan(
                    service_uuid,
                    dict(zip(SERVICE_FIELDS, row[4:], strict=True)),
                    frozenset(t for (t,) in children["terms"].get(pk, [])),
                    frozenset(c for (c,) in children["comuni"].get(pk, [])),
                    *(
                        _sorted(children[name].get(pk, []))
                        for name in (
                            "sals",
                            "schedules",
                            "closures",
                            "phones",
                            "contacts",
                            "languages",
                            "costs",
                        )
                    ),
                ),
                row[2],
                row[3],
            )
    return out


def _existing_locations(uuids: list[Hex]) -> dict[Hex, tuple[int, LocationPlan]]:
    out = {}
    for rows in _rows_by_uuid(Location, uuids, "pk", "uuid", *LOCATION_FIELDS):
        phones: dict[int, list] = defaultdict(list)
        for row in Phone.objects.filter(
            location_id__in=[r[0] for r in rows], service__isnull=True
        ).values_list("location_id", "uuid", "number", "extension", "kind", "description"):
            phones[row[0]].append(_hexed(row[1:]))
        for row in rows:
            out[row[1].hex] = (
                row[0],
                LocationPlan(
                    row[1].hex,
                    dict(zip(LOCATION_FIELDS, row[2:], strict=True)),
                    _sorted(phones.get(row[0], [])),
                ),
            )
    return out
