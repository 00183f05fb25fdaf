"""What the import means to write: a `ServicePlan` per service and a `LocationPlan` per
location, in the form compared with the catalogue's rows; and the form of the file's ids (Hex).
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# The file's ids are kept as 32 lowercase hex digits from reading to writing: how SQLite stores
# a UUIDField, a form PostgreSQL's uuid accepts, and (unlike uuid.UUID objects, made and
# hashed in Python) cheap for the million ids of a large catalogue.
Hex = str
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


SERVICE_FIELDS = [
    "organisation_id",
    "name",
    "alternate_name",
    "description",
    "status",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "wait_time",
    "eligible_project_id",
    "funding_action_id",
    # The service as given (see Service.hsds_source): compared in `ServicePlan.differs`.
    "hsds_source",
]
COMPARED_FIELDS = SERVICE_FIELDS[:-1]
LOCATION_FIELDS = [
    "organisation_id",
    "kind",
    "name",
    "description",
    "url",
    "address",
    "postal_code",
    "comune_id",
    "latitude",
    "longitude",
    "transportation",
    "accessibility",
    "wheelchair_accessible",
]


@dataclass
class ServicePlan:
    uuid: Hex
    fields: dict[str, Any]
    terms: frozenset[int]
    comuni: frozenset[int]
    sals: tuple  # (uuid, location uuid, description)
    schedules: tuple  # (uuid, location uuid|None, weekday, opens, closes, from, to, notes)
    closures: tuple  # (uuid, location uuid|None, date_from, date_to, reason)
    phones: tuple  # (uuid, number, extension, kind, description)
    contacts: tuple  # (uuid, name, title, department, email, phone)
    languages: tuple  # (uuid, code, name, note)
    costs: tuple  # (uuid, option, amount, amount_description, valid_from, valid_to)
    # The terms of other taxonomies the service carries (`ForeignTerm`), as Hex ids. Not in
    # the key: they are in the HSDS object as given, which `differs` compares.
    foreign: frozenset[Hex] = field(default=frozenset(), kw_only=True)

    def key(self) -> tuple:
        return (
            tuple(self.fields[f] for f in COMPARED_FIELDS),
            self.terms,
            self.comuni,
            *(
                _sorted(x)
                for x in (
                    self.sals,
                    self.schedules,
                    self.closures,
                    self.phones,
                    self.contacts,
                    self.languages,
                    self.costs,
                )
            ),
        )

    def differs(self, old: "ServicePlan") -> bool:
        """Whether the plan changes the service `old` plans: a column or row of ours, or the
        HSDS object it was imported with. A service made in the catalogue has none: its own
        export imported again changes nothing."""
        if old.key() != self.key():
            return True
        source = old.fields["hsds_source"]
        return source is not None and source != self.fields["hsds_source"]


@dataclass
class LocationPlan:
    uuid: Hex
    fields: dict[str, Any]
    phones: tuple  # (uuid, number, extension, kind, description)

    def key(self) -> tuple:
        return (tuple(self.fields[f] for f in LOCATION_FIELDS), _sorted(self.phones))


def _hex(raw: Any) -> Hex:
    """An HSDS id as 32 hex digits; ValueError if it is no UUID. The canonical form (what
    exports write) is rewritten without parsing; any other form uuid.UUID accepts gives the
    same digits."""
    if isinstance(raw, str) and _CANONICAL_UUID.fullmatch(raw):
        return raw.replace("-", "")
    return uuid.UUID(str(raw)).hex


def _dashed(value: Hex) -> str:
    """An id as messages show it (the canonical form)."""
    return str(uuid.UUID(hex=value))


def _hexed(row: Iterable[Any]) -> tuple:
    """A row read from the catalogue with its uuids (uuid.UUID objects) as Hex, like the file's."""
    return tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row)


def _sorted(rows: Iterable[tuple]) -> tuple:
    return tuple(sorted(rows, key=lambda row: row[0]))
