"""HSDS 3.0 import and export: HSDS JSON and the Tabular Data Package (CSV + datapackage.json).

Export writes the published catalogue. Import (`import_hsds`) reads a file, validates
everything first (the official schemas, then our rules: each physical location in a Lombard
comune, each organisation already in the network, each category a known taxonomy term), and
writes all or nothing in one transaction. Objects match on their HSDS id (`uuid`): re-importing
the same file changes nothing. The report lists every problem (file, row or object, field,
message) and the created / updated / unchanged counts.
"""

import csv
import gc
import io
import json
import logging
import os
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache, partial
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for
from equilibri.core import identifiers
from equilibri.core.audit import CREATE, UPDATE, log_bulk
from equilibri.core.text import fold
from equilibri.network.models import Organisation
from equilibri.network.selectors import managed_ats_ids
from equilibri.territory.models import Comune

from ..models import (
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    hsds_organisation_id,
)
from ..selectors import postcode_comuni
from ..services import IN_PLACE_STATES, revisions_import
from ..services import LOCATION_FIELDS as EDIT_LOCATION_FIELDS
from ..services import SCALAR_FIELDS as EDIT_SCALAR_FIELDS
from ..services import _json as edit_value
from . import reading
from . import serializers as ser

logger = logging.getLogger(__name__)

SPEC_DIR = Path(__file__).parent / "spec"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
BATCH = 2000
WRITE_BATCH = 5000
SRC = "__src"  # where an object came from: "file|row"
# The file's ids are kept as 32 lowercase hex digits from reading to writing: how SQLite stores
# a UUIDField, a form PostgreSQL's uuid accepts, and (unlike uuid.UUID objects, made and
# hashed in Python) cheap for the million ids of a large catalogue.
Hex = str
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BYDAY = {code: i for i, code in enumerate(ser.BYDAY)}
PHONE_KINDS = frozenset(Phone.Kind.values)
COST_OPTIONS = frozenset(CostOption.Option.values)
# Required string fields of the official schemas: an empty CSV cell is an empty string.
KEEP_EMPTY = {
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "country",
    "name",
    "description",
    "number",
    "identifier",
    "identifier_type",
}


# --- the report ---------------------------------------------------------------------------


@dataclass
class Issue:
    file: str
    row: str
    field: str
    message: str
    object_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "file": self.file,
            "row": self.row,
            "object_id": self.object_id,
            "field": self.field,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.file}, {self.row}" if self.row else self.file
        what = f" [{self.object_id}]" if self.object_id else ""
        fld = f" {self.field}:" if self.field else ""
        return f"{where}{what}{fld} {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Changes waiting for the moderating ATS (services; locations whose change rides in them).
    moderated: int = 0


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    by: str = ""
    errors: list[Issue] = field(default_factory=list)
    services: Counts = field(default_factory=Counts)
    locations: Counts = field(default_factory=Counts)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, src: str, fld: str, message: str, object_id: str = "") -> None:
        file, _sep, row = src.partition("|")
        self.errors.append(Issue(file, row, fld, message, object_id))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "by": self.by,
            "services": vars(self.services),
            "locations": vars(self.locations),
            "errors": [e.as_dict() for e in self.errors],
        }

    def summary(self) -> str:
        if not self.ok:
            return _("Importazione rifiutata: %(count)s errori, nulla è stato scritto.") % {
                "count": len(self.errors)
            }
        s, loc = self.services, self.locations
        values = {
            "source": self.source,
            "created": s.created,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "loc_created": loc.created,
            "loc_updated": loc.updated,
            "loc_unchanged": loc.unchanged,
        }
        if self.dry_run:
            text = _(
                "%(source)s verificato (prova, nulla scritto): servizi %(created)s nuovi, "
                "%(updated)s aggiornati, %(unchanged)s invariati; sedi %(loc_created)s nuove, "
                "%(loc_updated)s aggiornate, %(loc_unchanged)s invariate."
            )
        else:
            text = _(
                "%(source)s importato: servizi %(created)s nuovi, %(updated)s aggiornati, "
                "%(unchanged)s invariati; sedi %(loc_created)s nuove, %(loc_updated)s "
                "aggiornate, %(loc_unchanged)s invariate."
            )
        text %= values
        if s.moderated:
            text += " " + _(
                "%(count)s servizi pubblicati modificati: le modifiche attendono l'approvazione "
                "dell'ATS che li modera."
            ) % {"count": s.moderated}
        return text


class ImportRefused(Exception):
    pass


# --- reading ------------------------------------------------------------------------------


@dataclass
class Bundle:
    """Everything read from a file, as nested HSDS dicts (each with its SRC)."""

    services: list[dict] = field(default_factory=list)
    organizations: dict[str, dict] = field(default_factory=dict)
    terms: dict[str, dict] = field(default_factory=dict)


def _size_of(source: Any) -> int | None:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    size = getattr(source, "size", None)  # Django UploadedFile
    if isinstance(size, int):
        return size
    try:
        pos = source.tell()
        source.seek(0, os.SEEK_END)
        end = source.tell()
        source.seek(pos)
        return end - pos
    except (AttributeError, OSError):
        return None


def _name_of(source: Any) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return Path(getattr(source, "name", "") or "upload").name


def _path_to(obj: Any, target: dict, path: str) -> str | None:
    """The JSON path of `target` (found by identity) inside `obj`, whose path is `path`."""
    if obj is target:
        return path
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, list | dict) and key != SRC:
                found = _path_to(value, target, f"{path}.{key}" if path else key)
                if found is not None:
                    return found
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found = _path_to(item, target, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def _tag_items(items: list, src_file: str, path: str) -> None:
    """Gives each top-level object a SRC naming its JSON path. Nested objects get theirs only
    when they have an error (`Planner.src`): walking a hundred thousand services to tag every
    phone and schedule would cost more than the rest of reading."""
    for i, item in enumerate(items):
        if isinstance(item, dict):
            item.setdefault(SRC, f"{src_file}|{path}[{i}]")


def read_json(data: Any, name: str, report: ImportReport) -> Bundle:
    bundle = Bundle()
    services: list = []
    orgs: list = []
    terms: list = []
    if isinstance(data, list):
        services = data
    elif isinstance(data, dict):
        if isinstance(data.get("contents"), list):  # an API page
            services = data["contents"]
        elif "status" in data and "name" in data:  # one service
            services = [data]
        elif isinstance(data.get("services"), list) and "name" not in data:  # our export
            services = data["services"]
            orgs = data.get("organizations") or []
            terms = data.get("taxonomy_terms") or []
        elif isinstance(data.get("services"), list):  # one organization with its services
            orgs = [data]
            services = data["services"]
            for s in services:
                if isinstance(s, dict):
                    s.setdefault("organization_id", data.get("id"))
    if not services and not report.errors:
        report.error(
            f"{name}|",
            "",
            _(
                "Il file non contiene servizi HSDS: atteso un servizio, un elenco di servizi, "
                "una pagina dell'API o un'esportazione di Equilibri."
            ),
        )
    services_path = "services" if not isinstance(data, list) else ""
    _tag_items(services, name, services_path)
    _tag_items(orgs, name, "organizations")
    _tag_items(terms, name, "taxonomy_terms")
    for i, s in enumerate(services):
        if not isinstance(s, dict):
            report.error(f"{name}|services[{i}]", "", _("Atteso un oggetto servizio."))
            continue
        bundle.services.append(s)
        org = s.get("organization")
        if isinstance(org, dict) and org.get("id"):
            # It may be checked while planning another service: it carries its own SRC.
            org.setdefault(SRC, f"{name}|{services_path}[{i}].organization")
            bundle.organizations.setdefault(str(org["id"]), org)
    for org in orgs:
        if isinstance(org, dict) and org.get("id"):
            bundle.organizations[str(org["id"])] = org
    for term in terms:
        if isinstance(term, dict) and term.get("id"):
            bundle.terms[str(term["id"])] = term
    return bundle


@cache
def datapackage() -> dict[str, Any]:
    return json.loads((SPEC_DIR / "datapackage.json").read_text(encoding="utf-8"))


def _field_types() -> dict[str, dict[str, str]]:
    return {
        r["path"]: {f["name"]: f["type"] for f in r["schema"]["fields"]}
        for r in datapackage()["resources"]
    }


def _convert(value: str, kind: str) -> Any:
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return value.strip().lower() in {"true", "1", "yes"}
    return value


def _read_table(text: str, path: str, report: ImportReport) -> list[dict]:
    types = _field_types().get(path, {})
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    for line, raw in enumerate(reader, start=2):
        row: dict[str, Any] = {SRC: f"{path}|" + _("riga %(line)s") % {"line": line}}
        for key, value in raw.items():
            if key is None or value is None:
                continue
            if value == "":
                if key in KEEP_EMPTY and types.get(key, "string") == "string":
                    row[key] = ""
                continue
            try:
                row[key] = _convert(value, types.get(key, "string"))
            except ValueError:
                report.error(
                    row[SRC],
                    key,
                    _("'%(value)s' non è un valore di tipo %(type)s.")
                    % {"value": value, "type": types[key]},
                )
        rows.append(row)
    return rows


def read_tabular(files: dict[str, str], report: ImportReport) -> Bundle:
    """`files`: CSV name -> text. Rebuilds nested services from the flat tables."""
    t = {name: _read_table(text, name, report) for name, text in files.items()}
    if "services.csv" not in t:
        report.error("services.csv|", "", _("Il pacchetto non contiene services.csv."))
        return Bundle()

    def by(table: str, key: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for row in t.get(table, []):
            if row.get(key):
                out[str(row[key])].append(row)
        return out

    attributes = by("attributes.csv", "link_id")
    contact_phones = by("phones.csv", "contact_id")
    addresses = by("addresses.csv", "location_id")
    accessibility = by("accessibility.csv", "location_id")
    location_phones = by("phones.csv", "location_id")
    locations = {str(r.get("id")): r for r in t.get("locations.csv", [])}
    for loc_id, loc in locations.items():
        loc["addresses"] = addresses.get(loc_id, [])
        loc["accessibility"] = accessibility.get(loc_id, [])
        loc["phones"] = [
            p
            for p in location_phones.get(loc_id, [])
            if not p.get("service_id") and not p.get("contact_id")
        ]
        loc["attributes"] = attributes.get(loc_id, [])
    schedules_of_sal = by("schedules.csv", "service_at_location_id")
    for rows in by("schedules.csv", "id").values():
        for row in rows:
            row["attributes"] = attributes.get(str(row["id"]), [])
    sals = by("service_at_location.csv", "service_id")
    services = []
    service_phones = by("phones.csv", "service_id")
    service_schedules = by("schedules.csv", "service_id")
    languages = by("languages.csv", "service_id")
    costs = by("cost_options.csv", "service_id")
    funding = by("funding.csv", "service_id")
    contacts = by("contacts.csv", "service_id")
    for s in t["services.csv"]:
        sid = str(s.get("id", ""))
        s["phones"] = [p for p in service_phones.get(sid, []) if not p.get("contact_id")]
        s["schedules"] = [
            x for x in service_schedules.get(sid, []) if not x.get("service_at_location_id")
        ]
        s["service_at_locations"] = []
        for sal in sals.get(sid, []):
            sal_location = locations.get(str(sal.get("location_id")))
            if sal_location is None:
                report.error(
                    sal[SRC],
                    "location_id",
                    _("La sede %(id)s non è in locations.csv.") % {"id": sal.get("location_id")},
                    str(sal.get("id", "")),
                )
                continue
            sal["location"] = sal_location
            sal["schedules"] = schedules_of_sal.get(str(sal.get("id")), [])
            s["service_at_locations"].append(sal)
        s["languages"] = languages.get(sid, [])
        s["cost_options"] = costs.get(sid, [])
        s["funding"] = funding.get(sid, [])
        s["contacts"] = contacts.get(sid, [])
        for contact in s["contacts"]:
            contact["phones"] = contact_phones.get(str(contact.get("id")), [])
        s["attributes"] = attributes.get(sid, [])
        services.append(s)
    bundle = Bundle(services=services)
    identifiers = by("organization_identifiers.csv", "organization_id")
    for org in t.get("organizations.csv", []):
        org["organization_identifiers"] = identifiers.get(str(org.get("id")), [])
        bundle.organizations[str(org.get("id"))] = org
    for term in t.get("taxonomy_terms.csv", []):
        bundle.terms[str(term.get("id"))] = term
    return bundle


def read_source(source: Any, report: ImportReport) -> Bundle:
    """Reads a path (JSON file, zip package or a folder of CSVs) or an open binary file, within
    the limits of `reading` (a file over one is refused whole, nothing built from it)."""
    name = report.source
    try:
        document = reading.read(source, reading.Limits.from_settings())
        if document.tables is not None:
            return read_tabular(document.tables, report)
    except reading.Refused as refused:
        report.error(f"{refused.member or name}|", "", refused.message)
        return Bundle()
    except csv.Error as exc:  # e.g. a cell longer than the csv module's limit
        report.error(f"{name}|", "", _("Un file CSV non è leggibile: %(error)s.") % {"error": exc})
        return Bundle()
    return read_json(document.data, name, report)


# --- the import plan ----------------------------------------------------------------------

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
]
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

    def key(self) -> tuple:
        return (
            tuple(self.fields[f] for f in SERVICE_FIELDS),
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


@cache
def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class Planner:
    """Turns a Bundle into plans, recording every problem in the report."""

    def __init__(
        self,
        report: ImportReport,
        allowed_orgs: Iterable[int] | None = None,
        allowed_ats: Iterable[int] | None = None,
    ):
        """`allowed_orgs`: the organisations whose services (and locations) may be imported,
        `allowed_ats`: the ATS whose projects and plan actions they may name (None: any)."""
        self.report = report
        self.allowed_orgs = None if allowed_orgs is None else frozenset(allowed_orgs)
        self.allowed_ats = None if allowed_ats is None else frozenset(allowed_ats)
        self.service_validator = _validator("service.json")
        self.org_validator = _validator("organization_list.json")
        self.terms_by_uuid = {str(t.uuid): t for t in TaxonomyTerm.objects.all()}
        self.terms_by_code = {t.code: t for t in self.terms_by_uuid.values()}
        comuni = list(
            Comune.objects.only("pk", "istat_code", "name_folded", "province", "lat", "lon")
        )
        self.comuni_by_istat = {c.istat_code: c for c in comuni}
        self.comuni_by_name: dict[str, list[Comune]] = defaultdict(list)
        for c in comuni:
            self.comuni_by_name[c.name_folded].append(c)
        # One row per CAP and comune (a large catalogue has a million locations and a few
        # thousand CAPs); the first of each CAP is its comune.
        self.comuni_by_postcode: dict[str, int] = {}
        for postcode, comune_id, _count in postcode_comuni():
            self.comuni_by_postcode.setdefault(postcode, comune_id)
        self.comune_by_pk = {c.pk: c for c in comuni}
        orgs = list(Organisation.objects.values_list("pk", "fiscal_code", "vat_number", "name"))
        self.org_by_uuid = {str(hsds_organisation_id(pk)): pk for pk, _cf, _iva, _n in orgs}
        self.org_names = {pk: name for pk, _cf, _iva, name in orgs}
        self.org_by_tax: dict[str, int] = {}
        for pk, cf, iva, _name in orgs:
            for code in (cf, iva):
                if code:
                    self.org_by_tax[code.strip().upper()] = pk
        self.org_cache: dict[str, tuple[int | None, str]] = {}
        from equilibri.plans.models import Action, Project

        # By ATS: a service names only those of the importer's ATS (others are "unknown").
        self.project_ats = dict(Project.objects.values_list("pk", "plan__ats_id"))
        self.action_ats = dict(Action.objects.values_list("pk", "project__plan__ats_id"))
        self.url = URLValidator()
        self.email = EmailValidator()
        # Web and e-mail addresses already found valid (an organisation's repeat on every one
        # of its services; Django's validators are slow): URLs, and ("@", e-mail).
        self.good: set[str | tuple[str, str]] = set()
        self.locations: dict[Hex, LocationPlan] = {}
        self.root: dict = {}  # the service being planned
        self.seen: dict[str, dict[Hex, str]] = defaultdict(dict)
        self.owner = ""

    # -- helpers --

    def src(self, obj: dict) -> str:
        """Where obj came from: its SRC (CSV rows, top-level objects), else its JSON path in
        the service being planned."""
        if SRC in obj:
            return str(obj[SRC])
        root_src = str(self.root.get(SRC, "|"))
        file, _sep, root_path = root_src.partition("|")
        path = _path_to(self.root, obj, root_path)
        return root_src if path is None else f"{file}|{path}"

    def err(self, obj: dict, fld: str, message: str) -> None:
        self.report.error(self.src(obj), fld, message, str(obj.get("id", "")))

    def text(self, obj: dict, key: str, model: type[Model], model_field: str) -> str:
        value = obj.get(key)
        if value is None:
            return ""
        value = str(value).strip()
        limit = _max_length(model, model_field)
        if limit and len(value) > limit:
            self.err(
                obj,
                key,
                _("Testo troppo lungo (%(length)s caratteri, massimo %(limit)s).")
                % {"length": len(value), "limit": limit},
            )
        return value

    def uuid_of(self, obj: dict, kind: str) -> Hex | None:
        raw = obj.get("id")
        try:
            value = _hex(raw)
        except ValueError:
            self.err(obj, "id", _("L'id '%(id)s' non è un UUID.") % {"id": raw})
            return None
        owner = self.seen[kind].get(value)
        if owner == self.owner or (owner is not None and kind in {"phone", "schedule"}):
            # The same object repeated (e.g. a phone under a service and its location): the
            # first occurrence wins.
            return None
        if owner is not None:
            self.err(
                obj, "id", _("L'id %(id)s compare due volte nel file.") % {"id": _dashed(value)}
            )
            return None
        self.seen[kind][value] = self.owner
        return value

    def checked_url(self, obj: dict, key: str, model: type[Model], model_field: str) -> str:
        value = self.text(obj, key, model, model_field)
        if value and value not in self.good:
            try:
                self.url(value)
                self.good.add(value)
            except ValidationError:
                self.err(
                    obj, key, _("'%(value)s' non è un indirizzo web valido.") % {"value": value}
                )
        return value

    def checked_email(self, obj: dict, key: str, model: type[Model]) -> str:
        value = identifiers.normalise_email(self.text(obj, key, model, "email"))
        if value and ("@", value) not in self.good:
            try:
                self.email(value)
                self.good.add(("@", value))
            except ValidationError:
                self.err(
                    obj, key, _("'%(value)s' non è un indirizzo e-mail valido.") % {"value": value}
                )
        return value

    def date_of(self, obj: dict, key: str) -> date | None:
        raw = obj.get(key)
        if not raw:
            return None
        try:
            return date.fromisoformat(str(raw)[:10])
        except ValueError:
            self.err(obj, key, _("'%(value)s' non è una data AAAA-MM-GG.") % {"value": raw})
            return None

    def time_of(self, obj: dict, key: str) -> time | None:
        raw = str(obj.get(key) or "").strip()
        if not raw:
            self.err(obj, key, _("Manca l'orario (HH:MM)."))
            return None
        value = _clock(raw)
        if value is None:
            self.err(obj, key, _("'%(value)s' non è un orario HH:MM.") % {"value": raw})
        return value

    def reachable(self, ats_of: dict[int, int], value: str) -> int | None:
        """The pk written in `value` if it is one of `ats_of` (pk -> ATS) in an ATS the
        importer may import for; otherwise None, as for a missing one (outside the scope is
        the same as missing). At most 18 digits: int() of a longer string may raise."""
        if not (value.isdecimal() and len(value) <= 18):
            return None
        pk = int(value)
        allowed = self.allowed_ats
        if pk not in ats_of or (allowed is not None and ats_of[pk] not in allowed):
            return None
        return pk

    def attribute_code(self, attr: dict) -> str | None:
        term_id = str(attr.get("taxonomy_term_id") or "")
        if term_id in ser.PROFILE_TERM_BY_ID:
            return ser.PROFILE_TERM_BY_ID[term_id]
        term = attr.get("taxonomy_term")
        if isinstance(term, dict) and term.get("code") in ser.PROFILE_TERMS and not term_id:
            return str(term["code"])
        return None

    # -- organisations --

    def organisation(self, org_id: Any, embedded: dict | None, owner: dict) -> int | None:
        key = str(org_id or (embedded or {}).get("id") or "")
        if not key:
            self.err(owner, "organization_id", _("Manca l'organizzazione che eroga il servizio."))
            return None
        if key in self.org_cache:
            pk, message = self.org_cache[key]
            if pk is None:
                self.err(owner, "organization_id", message)
            return pk
        pk = self.org_by_uuid.get(key)
        org = embedded
        if pk is None and org is not None:
            for error in self.org_validator.iter_errors(_plain(org)):
                self.err(
                    org, _path_field(error), _("Schema HSDS: %(error)s") % {"error": error.message}
                )
            codes = [str(org.get("tax_id") or "")]
            codes += [
                str(i.get("identifier") or "") for i in org.get("organization_identifiers") or []
            ]
            for code in codes:
                pk = self.org_by_tax.get(code.strip().upper()) if code.strip() else None
                if pk:
                    break
        if pk is not None and self.allowed_orgs is not None and pk not in self.allowed_orgs:
            self.err(
                owner,
                "organization_id",
                _(
                    "L'organizzazione %(id)s non è nella rete della tua ATS: non puoi "
                    "importarne i servizi."
                )
                % {"id": key},
            )
            self.org_cache[key] = (None, self.report.errors[-1].message)
            return None
        if pk is None:
            name = (org or {}).get("name") or key
            self.err(
                owner,
                "organization_id",
                _(
                    "Organizzazione '%(name)s' non trovata nella rete: registrala prima o "
                    "indica il suo codice fiscale / partita IVA in tax_id."
                )
                % {"name": name},
            )
            self.org_cache[key] = (None, self.report.errors[-1].message)
            return None
        self.org_cache[key] = (pk, "")
        return pk

    # -- locations --

    def comune(self, loc: dict) -> Comune | None:
        for attr in loc.get("attributes") or []:
            if self.attribute_code(attr) == "istat-comune":
                code = str(attr.get("value") or "").zfill(6)
                comune = self.comuni_by_istat.get(code)
                if comune is None:
                    self.err(
                        attr, "value", _("Codice ISTAT %(code)s sconosciuto.") % {"code": code}
                    )
                return comune
        for address in loc.get("addresses") or []:
            candidates = self.comuni_by_name.get(_fold(str(address.get("city") or "")), [])
            province = str(address.get("state_province") or "").upper()
            if len(candidates) > 1 and province:
                candidates = [c for c in candidates if c.province == province]
            if len(candidates) == 1:
                return candidates[0]
            postcode = identifiers.normalise_postcode(address.get("postal_code"))
            if postcode in self.comuni_by_postcode:
                return self.comune_by_pk[self.comuni_by_postcode[postcode]]
        return None

    def location(self, loc: dict) -> Hex | None:
        try:
            lid = _hex(loc.get("id"))
        except ValueError:
            self.err(loc, "id", _("L'id '%(id)s' non è un UUID.") % {"id": loc.get("id")})
            return None
        if lid in self.locations:
            return lid
        kind = str(loc.get("location_type") or "physical")
        comune = None
        if kind == "postal":
            kind = "physical"
        url = self.checked_url(loc, "url", Location, "url")
        if kind == "physical":
            comune = self.comune(loc)
            if comune is None:
                cities = ", ".join(
                    f"{a.get('city', '')} {a.get('postal_code', '')}".strip()
                    for a in loc.get("addresses") or []
                )
                self.err(
                    loc,
                    "addresses",
                    _(
                        "Comune della sede non riconosciuto (%(where)s): serve un comune "
                        "lombardo (città e provincia, CAP noto o attributo istat-comune), "
                        "oppure location_type 'virtual' con url."
                    )
                    % {"where": cities or _("nessun indirizzo")},
                )
        elif not url:
            self.err(loc, "url", _("Una sede online (virtual) deve avere un indirizzo web."))
        address: dict = next(iter(loc.get("addresses") or []), {})
        loc_org = None
        if loc.get("organization_id"):
            loc_org = self.org_by_uuid.get(str(loc["organization_id"]))
            allowed = self.allowed_orgs
            if loc_org is not None and allowed is not None and loc_org not in allowed:
                self.err(
                    loc,
                    "organization_id",
                    _(
                        "La sede è dell'organizzazione %(id)s, che non è nella rete della tua "
                        "ATS: non puoi importarla."
                    )
                    % {"id": loc["organization_id"]},
                )
        latitude, longitude = loc.get("latitude"), loc.get("longitude")
        if (latitude is None or longitude is None) and comune is not None:
            latitude, longitude = float(comune.lat), float(comune.lon)
        accessibility = "\n".join(
            str(a.get("description") or a.get("details") or "")
            for a in loc.get("accessibility") or []
        ).strip()
        wheelchair = any(
            self.attribute_code(a) == "wheelchair-accessible"
            and str(a.get("value")).lower() == "true"
            for a in loc.get("attributes") or []
        )
        name = self.text(loc, "name", Location, "name") or (
            comune.name if comune else str(address.get("address_1") or "Sede")
        )
        fields = {
            "organisation_id": loc_org,
            "kind": kind,
            "name": name[:200],
            "description": str(loc.get("description") or ""),
            "url": url,
            "address": _join(address.get("address_1"), address.get("address_2"))[:200],
            "postal_code": (
                identifiers.normalise_postcode(address.get("postal_code"))[:5] if comune else ""
            ),
            "comune_id": comune.pk if comune else None,
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
            "transportation": str(loc.get("transportation") or ""),
            "accessibility": accessibility,
            "wheelchair_accessible": wheelchair,
        }
        owner, self.owner = self.owner, str(lid)
        phones = tuple(x for x in (self.phone(p) for p in loc.get("phones") or []) if x[0])
        self.owner = owner
        self.locations[lid] = LocationPlan(lid, fields, phones)
        return lid

    def phone(self, p: dict) -> tuple:
        pid = self.uuid_of(p, "phone")
        # In canonical form when it is a number; HSDS allows any text (the official example
        # has quotes around it), so what is not a number is kept as written, not refused.
        number = identifiers.normalise_phone(self.text(p, "number", Phone, "number"))
        if not number:
            self.err(p, "number", _("Manca il numero di telefono."))
        kind = str(p.get("type") or "voice")
        if kind not in PHONE_KINDS:
            kind = "voice"
        ext = p.get("extension")
        extension = str(int(ext)) if isinstance(ext, int | float) else str(ext or "")
        return (pid, number, extension[:10], kind, str(p.get("description") or "")[:200])

    # -- schedules --

    def schedules(self, items: list, location_uuid, out_s: list, out_c: list) -> None:
        for x in items or []:
            is_closure = any(
                self.attribute_code(a) == "closure" for a in x.get("attributes") or []
            ) or (not x.get("freq") and not x.get("opens_at") and x.get("valid_from"))
            xid = self.uuid_of(x, "schedule")
            if xid is None:
                continue
            loc = location_uuid
            if loc is None and x.get("location_id"):
                try:
                    loc = _hex(x["location_id"])
                except ValueError:
                    self.err(x, "location_id", _("location_id non è un UUID."))
            if is_closure:
                start, end = self.date_of(x, "valid_from"), self.date_of(x, "valid_to")
                if start is None:
                    self.err(x, "valid_from", _("Una chiusura deve avere la data di inizio."))
                    continue
                end = end or start
                if end < start:
                    self.err(x, "valid_to", _("La fine della chiusura precede l'inizio."))
                out_c.append((xid, loc, start, end, str(x.get("notes") or "")[:200]))
                continue
            if str(x.get("freq") or "WEEKLY").upper() != "WEEKLY":
                self.err(x, "freq", _("Sono accettati solo orari settimanali (freq WEEKLY)."))
                continue
            days = [d.strip().upper() for d in str(x.get("byday") or "").split(",") if d.strip()]
            if not days or any(d[-2:] not in BYDAY for d in days):
                self.err(
                    x, "byday", _("Indica i giorni della settimana (MO, TU, WE, TH, FR, SA, SU).")
                )
                continue
            opens, closes = self.time_of(x, "opens_at"), self.time_of(x, "closes_at")
            if opens is None or closes is None:
                continue
            if opens >= closes:
                self.err(x, "closes_at", _("L'orario di chiusura deve seguire quello di apertura."))
            valid_from, valid_to = self.date_of(x, "valid_from"), self.date_of(x, "valid_to")
            if valid_from and valid_to and valid_from > valid_to:
                self.err(x, "valid_to", _("La fine della validità precede l'inizio."))
            notes = str(x.get("notes") or "")[:200]
            for i, day in enumerate(days):
                sid = xid if i == 0 else uuid.uuid5(uuid.UUID(hex=xid), day).hex
                out_s.append(
                    (sid, loc, BYDAY[day[-2:]], opens, closes, valid_from, valid_to, notes)
                )

    # -- services --

    def service(self, s: dict) -> ServicePlan | None:
        errors_before = len(self.report.errors)
        self.root = s
        for error in self.service_validator.iter_errors(s):
            target = _walk(s, list(error.instance_path))
            self.report.error(
                self.src(target),
                _path_field(error),
                _("Schema HSDS: %(error)s") % {"error": error.message},
                str(target.get("id", "")),
            )
        if len(self.report.errors) > errors_before:
            return None
        self.owner = str(s.get("id"))
        sid = self.uuid_of(s, "service")
        name = self.text(s, "name", Service, "name")
        if not name:
            self.err(s, "name", _("Manca il nome del servizio."))
        org = s.get("organization") if isinstance(s.get("organization"), dict) else None
        org_id = s.get("organization_id") or (org or {}).get("id")
        # The organisation object may be in the bundle (our export, tabular) or embedded.
        org_pk = self.organisation(org_id, self.bundle_orgs.get(str(org_id), org), s)
        fields: dict[str, Any] = {
            "organisation_id": org_pk,
            "name": name,
            "alternate_name": self.text(s, "alternate_name", Service, "alternate_name"),
            "description": str(s.get("description") or ""),
            "status": str(s.get("status")),
            "url": self.checked_url(s, "url", Service, "url"),
            "email": self.checked_email(s, "email", Service),
            "application_process": str(s.get("application_process") or ""),
            "fees_description": str(s.get("fees_description") or s.get("fees") or ""),
            "eligibility_description": str(s.get("eligibility_description") or ""),
            "minimum_age": _age(s.get("minimum_age")),
            "maximum_age": _age(s.get("maximum_age")),
            "wait_time": self.text(s, "wait_time", Service, "wait_time"),
            "eligible_project_id": None,
            "funding_action_id": None,
        }
        if (
            fields["minimum_age"] is not None
            and fields["maximum_age"] is not None
            and fields["minimum_age"] > fields["maximum_age"]
        ):
            self.err(s, "maximum_age", _("L'età massima non può essere minore dell'età minima."))
        terms: set[int] = set()
        comuni: set[int] = set()
        for attr in s.get("attributes") or []:
            code = self.attribute_code(attr)
            value = str(attr.get("value") or "")
            if code == "eligible-comune":
                comune = self.comuni_by_istat.get(value.zfill(6))
                if comune is None:
                    self.err(
                        attr, "value", _("Codice ISTAT %(code)s sconosciuto.") % {"code": value}
                    )
                else:
                    comuni.add(comune.pk)
            elif code == "eligible-project":
                if (pk := self.reachable(self.project_ats, value)) is not None:
                    fields["eligible_project_id"] = pk
                else:
                    self.err(attr, "value", _("Progetto %(id)s sconosciuto.") % {"id": value})
            elif code == "funding-action":
                if (pk := self.reachable(self.action_ats, value)) is not None:
                    fields["funding_action_id"] = pk
                else:
                    self.err(attr, "value", _("Azione %(id)s sconosciuta.") % {"id": value})
            elif code is not None:
                continue
            elif _term_id(attr):
                term = self.term(attr)
                if term is None:
                    self.err(
                        attr,
                        "taxonomy_term_id",
                        _(
                            "Categoria %(id)s sconosciuta: usa i termini della tassonomia "
                            "Conciliazione vita-lavoro (/api/hsds/taxonomy_terms)."
                        )
                        % {"id": _term_id(attr)},
                    )
                else:
                    terms.add(term.pk)
        if not terms:
            self.err(
                s,
                "attributes",
                _(
                    "Il servizio non ha nessuna categoria della tassonomia Conciliazione "
                    "vita-lavoro."
                ),
            )
        sals: list[tuple] = []
        schedules: list = []
        closures: list = []
        self.schedules(s.get("schedules") or [], None, schedules, closures)
        for sal in s.get("service_at_locations") or []:
            sal_id = self.uuid_of(sal, "service_at_location")
            loc = sal.get("location")
            if not isinstance(loc, dict):
                self.err(sal, "location", _("Manca la sede (location)."))
                continue
            lid = self.location(loc)
            if sal_id is None or lid is None:
                continue
            if any(lid == other for _u, other, _d in sals):
                self.err(
                    sal,
                    "location_id",
                    _("La sede %(id)s compare due volte per il servizio.") % {"id": _dashed(lid)},
                )
                continue
            sals.append((sal_id, lid, str(sal.get("description") or "")))
            self.schedules(sal.get("schedules") or [], lid, schedules, closures)
        known_locations = {lid for _sal, lid, _d in sals}
        for row in schedules + closures:
            if row[1] is not None and row[1] not in known_locations:
                self.report.error(
                    str(s.get(SRC, "|")),
                    "schedules",
                    _(
                        "L'orario %(id)s riguarda la sede %(location)s, che non è tra le sedi "
                        "del servizio."
                    )
                    % {"id": _dashed(row[0]), "location": _dashed(row[1])},
                    str(sid or ""),
                )
        costs = []
        for c in s.get("cost_options") or []:
            cid = self.uuid_of(c, "cost_option")
            option = str(c.get("option") or "").strip().lower()
            amount = c.get("amount")
            description = str(c.get("amount_description") or "")
            if option not in COST_OPTIONS:
                if amount is None:
                    self.err(c, "option", _("option deve essere free, fee o voucher."))
                    continue
                description = _join(c.get("option"), description)
                option = "free" if amount == 0 else "fee"
            if c.get("currency") and str(c["currency"]).upper() != "EUR":
                self.err(c, "currency", _("Sono accettati solo importi in EUR."))
            price: Decimal | None = None
            if amount is not None:
                try:
                    price = Decimal(str(amount)).quantize(Decimal("0.01"))
                except InvalidOperation:
                    self.err(c, "amount", _("'%(value)s' non è un importo.") % {"value": amount})
                if price is not None and (price < 0 or price >= Decimal("10000000")):
                    self.err(c, "amount", _("Importo fuori intervallo."))
            if option == "fee" and price is None:
                self.err(c, "amount", _("Indica l'importo per un servizio a pagamento."))
            costs.append(
                (
                    cid,
                    option,
                    price,
                    description[:200],
                    self.date_of(c, "valid_from"),
                    self.date_of(c, "valid_to"),
                )
            )
        contacts = []
        for c in s.get("contacts") or []:
            phone = identifiers.normalise_phone(
                next((str(p.get("number") or "") for p in c.get("phones") or []), "")
            )
            contacts.append(
                (
                    self.uuid_of(c, "contact"),
                    self.text(c, "name", Contact, "name"),
                    self.text(c, "title", Contact, "title"),
                    self.text(c, "department", Contact, "department"),
                    self.checked_email(c, "email", Contact),
                    phone[:30],
                )
            )
        languages = []
        codes = set()
        for lang in s.get("languages") or []:
            code = str(lang.get("code") or "").strip().lower()
            if not code or len(code) > 3:
                self.err(lang, "code", _("Serve il codice ISO 639-1 della lingua (es. it, en)."))
                continue
            if code in codes:
                continue
            codes.add(code)
            languages.append(
                (
                    self.uuid_of(lang, "language"),
                    code,
                    (self.text(lang, "name", Language, "name") or code),
                    self.text(lang, "note", Language, "note"),
                )
            )
        phones = [self.phone(p) for p in s.get("phones") or []]
        if len(self.report.errors) > errors_before or sid is None:
            return None

        def known(rows: Iterable[tuple]) -> tuple:
            return tuple(row for row in rows if row[0] is not None)

        return ServicePlan(
            sid,
            fields,
            frozenset(terms),
            frozenset(comuni),
            known(sals),
            known(schedules),
            known(closures),
            known(phones),
            known(contacts),
            known(languages),
            known(costs),
        )

    def term(self, attr: dict) -> TaxonomyTerm | None:
        term_id = _term_id(attr)
        term = self.terms_by_uuid.get(term_id)
        if term is None:
            # A term of another taxonomy copy: match on its code.
            embedded = attr.get("taxonomy_term") or self.bundle_terms.get(term_id) or {}
            term = self.terms_by_code.get(str(embedded.get("code") or ""))
        return term

    def plan(self, bundle: Bundle) -> list[ServicePlan]:
        self.bundle_orgs = bundle.organizations
        self.bundle_terms = bundle.terms
        self.services = bundle.services
        plans = []
        for s in bundle.services:
            plan = self.service(s)
            if plan is not None:
                plans.append(plan)
        return plans

    def name_rows(self, messages: dict[Hex, str]) -> None:
        """Reports each object of the file whose id is in `messages` at its row (its first
        occurrence), for the checks made after planning against the catalogue. It walks all
        that was read, so it runs only when there is something to report."""
        done: set[Hex] = set()
        for s in self.services:
            self.root = s
            for obj in _objects(s):
                for value in _ids_of(obj):
                    if value in messages and value not in done:
                        done.add(value)
                        self.err(obj, "id", messages[value])
        for value in messages.keys() - done:  # e.g. a derived id: the file, at least
            self.report.error(f"{self.report.source}|", "id", messages[value], _dashed(value))


def _objects(obj: Any) -> Iterator[dict]:
    """Every object in `obj`, depth first."""
    if isinstance(obj, dict):
        yield obj
        for key, value in obj.items():
            if key != SRC and isinstance(value, dict | list):
                yield from _objects(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _objects(item)


def _ids_of(obj: dict) -> list[Hex]:
    """The ids the import gives the rows of `obj`: its own, and for a schedule of several
    weekdays the ids of its other days' rows (see `Planner.schedules`)."""
    try:
        first = _hex(obj.get("id"))
    except ValueError:
        return []
    days = [d.strip().upper() for d in str(obj.get("byday") or "").split(",") if d.strip()]
    return [first, *(uuid.uuid5(uuid.UUID(hex=first), day).hex for day in days[1:])]


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=4096)
def _clock(raw: str) -> time | None:
    # Opening hours repeat (a few hundred distinct ones in a whole catalogue).
    clock = raw.rstrip("Zz").split("+")[0]
    if clock.count("-"):
        clock = clock.split("-")[0]
    try:
        return time.fromisoformat(clock)
    except ValueError:
        return None


def _term_id(attr: dict) -> str:
    term = attr.get("taxonomy_term")
    embedded = term.get("id") if isinstance(term, dict) else None
    return str(attr.get("taxonomy_term_id") or embedded or "")


def _join(*parts: Any) -> str:
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip())


def _age(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        age = int(float(value))
    except (TypeError, ValueError):
        return None
    return max(0, min(age, 32767))


def _plain(obj: Any) -> Any:
    """The object without our SRC keys (the official schemas allow extra keys, but this keeps
    error messages clean)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k != SRC}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def _walk(obj: Any, path: list) -> dict:
    """The innermost dict on the path (to report the row it came from)."""
    found = obj
    for step in path:
        try:
            obj = obj[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(obj, dict):
            found = obj
    return found


def _path_field(error: Any) -> str:
    names = [str(p) for p in error.instance_path if isinstance(p, str)]
    return names[-1] if names else ""


@cache
def _validator(name: str):
    schema = json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for(schema, validate_formats=True)
    except ImportError:  # pragma: no cover - the pure-Python fallback
        import jsonschema

        return jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )


# --- comparing with what is there ---------------------------------------------------------


LOOKUP_BATCH = 5000  # ids in one IN (...): well within SQLite's and PostgreSQL's limits


def _batches(items: Iterable, size: int = LOOKUP_BATCH) -> Iterator[list]:
    """Lists of `size` items; from a generator too, each batch made as it is taken."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _sorted(rows: Iterable[tuple]) -> tuple:
    return tuple(sorted(rows, key=lambda row: row[0]))


def _group(children: dict[str, dict[int, list]], name: str, rows: Iterable[tuple]) -> None:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(_hexed(row[1:]))
    children[name] = grouped


def _rows_by_uuid(model: type[Model], uuids: list[Hex], *fields: str) -> Iterator[list]:
    """The `fields` of the rows of `model` with these uuids, in lists of at most LOOKUP_BATCH.
    PostgreSQL: one `uuid = ANY(array)` statement. An `IN` list is written into the statement
    value by value (client-side binding) and parsed so by the server: 0.8 s per 100,000 uuids
    against 0.3 s for the array, on every import, most of whose uuids are new."""
    if connection.vendor == "postgresql":
        column = (
            f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name('uuid')}"
        )
        # The column comes from the model, the uuids are a bound parameter.
        where = f"{column} = ANY(%s::uuid[])"
        matching = model._default_manager.extra(where=[where], params=[uuids])  # noqa: S610
        yield from _batches(list(matching.values_list(*fields)))
        return
    for batch in _batches(uuids):
        rows = list(model._default_manager.filter(uuid__in=batch).values_list(*fields))
        if rows:
            yield rows


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


# --- scope: what an import may touch, and what goes live ----------------------------------


@dataclass(frozen=True)
class ImportScope:
    """What an import may touch. `organisations`: those whose services and locations it may
    create, change or link to (None: every one, for superusers and system imports); `ats`: the
    ATS whose projects and plan actions its services may name (None: every one); `live`: the
    organisations whose published services it changes at once, because the importer is an
    operator of their ATS, who moderates them. Another importer's changes to published
    services wait for that ATS's approval, as a provider's edits do."""

    organisations: frozenset[int] | None
    ats: frozenset[int] | None
    live: frozenset[int]


def import_scope(by: Any) -> ImportScope:
    """The scope of an import by `by` (None: a system import)."""
    organisations = allowed_organisations(by)
    ats = None if by is None else managed_ats_ids(by)
    moderated = set() if by is None else ats_ids_for(by, Role.ATS_OPERATOR)
    live = Organisation.objects.filter(comune__ats_id__in=moderated).values_list("pk", flat=True)
    return ImportScope(
        organisations=None if organisations is None else frozenset(organisations),
        ats=None if ats is None else frozenset(ats),
        live=frozenset(live) if moderated else frozenset(),
    )


@dataclass
class Decision:
    """What the write stage does with the plans."""

    plans: list[ServicePlan]  # written in place (or left as they are)
    locations: dict[Hex, LocationPlan]  # the same
    revisions: dict[int, dict[str, Any]]  # service pk -> its proposed edit, for moderation


def _outside(model: type[Model], value: Hex) -> str:
    return _(
        "L'id %(id)s è già di un oggetto del catalogo (%(kind)s) di un'organizzazione fuori "
        "dal tuo ambito: un'importazione non può modificarlo, spostarlo né collegarlo."
    ) % {"id": _dashed(value), "kind": model._meta.verbose_name}


def _location_users(pks: list[int]) -> dict[int, list[tuple[int, str]]]:
    """(organisation, review state) of the services at each of these locations."""
    users: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for batch in _batches(pks):
        for location_id, organisation_id, state in ServiceAtLocation.objects.filter(
            location_id__in=batch
        ).values_list("location_id", "service__organisation_id", "service__review_state"):
            users[location_id].append((organisation_id, state))
    return users


def _decide(
    plans: list[ServicePlan],
    existing: dict[Hex, Existing],
    planner: Planner,
    existing_locations: dict[Hex, tuple[int, LocationPlan]],
    scope: ImportScope,
) -> Decision:
    """Checks every service and location of the file that the catalogue already has against
    the scope (its organisation, and for a location those of the services at it), then sorts
    the changes: in place, or as revisions for the moderating ATS. A refusal is reported at the
    object's row and nothing is written. Set-based: the lookups are `_existing_plans`' and
    one query per batch of locations. The other objects (schedules, phones, contacts...) are
    only ever inserted, under services and locations checked here: an id of theirs that the
    catalogue uses elsewhere is refused by its unique index, and `_clashes` names it."""
    orgs = scope.organisations
    refused: dict[Hex, str] = {}
    for p in plans:
        old = existing.get(p.uuid)
        if old is None:
            continue
        owner = old.plan.fields["organisation_id"]
        if orgs is not None and owner not in orgs:
            refused[p.uuid] = _outside(Service, p.uuid)
        elif owner != p.fields["organisation_id"]:
            refused[p.uuid] = _(
                "Il servizio %(id)s è di %(org)s: un'importazione non lo sposta a un'altra "
                "organizzazione."
            ) % {"id": _dashed(p.uuid), "org": planner.org_names.get(owner, owner)}
        elif old.listed_object and old.plan.key() != p.key():
            refused[p.uuid] = _(
                "Il servizio %(id)s è gestito automaticamente da un'altra sezione (es. lo "
                "sportello): un'importazione non lo modifica."
            ) % {"id": _dashed(p.uuid)}

    def changed(lid: Hex) -> bool:
        return existing_locations[lid][1].key() != planner.locations[lid].key()

    # With a limited scope every location the file names is checked; otherwise only the
    # changed ones matter (for moderation).
    checked = [lid for lid in existing_locations if orgs is not None or changed(lid)]
    users = _location_users([existing_locations[lid][0] for lid in checked])
    protected: set[Hex] = set()  # changed, but used by a published service not live for us
    for lid in checked:
        pk, old_location = existing_locations[lid]
        owner = old_location.fields["organisation_id"]
        if orgs is not None and (
            (owner is not None and owner not in orgs)
            or any(org not in orgs for org, _state in users[pk])
        ):
            refused[lid] = _outside(Location, lid)
        elif any(
            state not in IN_PLACE_STATES and org not in scope.live for org, state in users[pk]
        ) and changed(lid):
            protected.add(lid)

    kept: list[ServicePlan] = []
    moderated: dict[int, ServicePlan] = {}
    for p in plans:
        old = existing.get(p.uuid)
        if (
            old is not None
            and old.review_state not in IN_PLACE_STATES
            and old.plan.fields["organisation_id"] not in scope.live
            and (old.plan.key() != p.key() or any(lid in protected for _u, lid, _d in p.sals))
        ):
            moderated[old.pk] = p
        else:
            kept.append(p)
    # A changed location waits in the revisions of the services at it; approved, each is
    # applied to the locations the service has.
    carried = {lid for p in moderated.values() for _u, lid, _d in existing[p.uuid].plan.sals}
    for lid in protected - carried:
        refused[lid] = _(
            "La sede %(id)s è di un servizio pubblicato che non moderi, e il file non contiene "
            "quel servizio: la modifica della sede va importata con il servizio, e attenderà "
            "l'approvazione della sua ATS."
        ) % {"id": _dashed(lid)}
    if refused:
        planner.name_rows(refused)
        return Decision([], {}, {})
    codes = {t.pk: t.code for t in planner.terms_by_uuid.values()}
    revisions = {pk: _proposal(p, planner, codes) for pk, p in moderated.items()}
    # Until approved, the catalogue (and the search index of any service written now) keeps
    # what these locations are.
    for lid in protected:
        planner.locations[lid] = existing_locations[lid][1]
    # New locations of the revisions only are made when approved (written now, they would be
    # left at no service).
    waiting = set(protected)
    if moderated:
        used = {lid for p in kept for _u, lid, _d in p.sals}
        waiting.update(
            lid
            for p in moderated.values()
            for _u, lid, _d in p.sals
            if lid not in existing_locations and lid not in used
        )
    planner.report.services.moderated = len(moderated)
    planner.report.locations.moderated = len(waiting)
    locations = planner.locations
    if waiting:
        locations = {lid: plan for lid, plan in locations.items() if lid not in waiting}
    return Decision(kept, locations, revisions)


# An edit's location field -> the plan's.
_LOCATION_FIELD = {"comune": "comune_id"}


def _proposal(plan: ServicePlan, planner: Planner, codes: dict[int, str]) -> dict[str, Any]:
    """The plan as a provider's edit proposes it (`services.service_data`'s form): what the
    moderator compares, and applies if approved. An edit says less than HSDS: its rows have
    no ids (approved, they get new ones), phones no extension, languages no note, and opening
    hours hold for every location of the service."""
    f = plan.fields
    data: dict[str, Any] = {name: edit_value(f[name]) for name in EDIT_SCALAR_FIELDS}
    data["eligible_project"] = f["eligible_project_id"]
    data["funding_action"] = f["funding_action_id"]
    data["terms"] = sorted(codes[t] for t in plan.terms)
    data["eligible_comuni"] = sorted(plan.comuni)
    data["locations"] = [
        {
            "uuid": _dashed(lid),
            **{
                name: edit_value(planner.locations[lid].fields[_LOCATION_FIELD.get(name, name)])
                for name in EDIT_LOCATION_FIELDS
            },
        }
        for _u, lid, _d in plan.sals
    ]
    rows: dict[str, list[dict[str, Any]]] = {
        "schedules": [
            {
                "weekday": day,
                "opens_at": opens,
                "closes_at": closes,
                "valid_from": vf,
                "valid_to": vt,
                "notes": notes,
            }
            for _u, _l, day, opens, closes, vf, vt, notes in sorted(
                plan.schedules, key=itemgetter(2, 3)
            )
        ],
        "closures": [
            {"date_from": df, "date_to": dt, "reason": reason}
            for _u, _l, df, dt, reason in plan.closures
        ],
        "phones": [{"number": n, "kind": k, "description": d} for _u, n, _e, k, d in plan.phones],
        "contacts": [
            {"name": n, "title": t, "department": d, "email": e, "phone": ph}
            for _u, n, t, d, e, ph in plan.contacts
        ],
        "languages": [{"code": c, "name": n} for _u, c, n, _note in plan.languages],
        "cost_options": [
            {
                "option": o,
                "amount": a,
                "amount_description": d,
                "valid_from": vf,
                "valid_to": vt,
            }
            for _u, o, a, d, vf, vt in plan.costs
        ],
    }
    for key, items in rows.items():
        data[key] = [{k: edit_value(v) for k, v in row.items()} for row in items]
    return data


def _clashes(
    decision: Decision,
    existing: dict[Hex, Existing],
    existing_locations: dict[Hex, tuple[int, LocationPlan]],
    scope: ImportScope,
) -> dict[Hex, str]:
    """After the database refused the write (a unique index): the ids of rows the file gives
    that the catalogue already uses for another service's or location's row, each with its
    message. Looked up only on this path, so that an import never pays for it."""
    rewritten = {
        existing[p.uuid].pk
        for p in decision.plans
        if p.uuid in existing and existing[p.uuid].plan.key() != p.key()
    }
    relocated = {
        existing_locations[lid][0]
        for lid, plan in decision.locations.items()
        if lid in existing_locations and existing_locations[lid][1].key() != plan.key()
    }
    # Where the file puts each row: ("s", its service's pk) or ("l", its location's pk);
    # None for a new service or location.
    placed: dict[type[Model], dict[Hex, tuple[str, int | None]]] = defaultdict(dict)
    for p in decision.plans:
        owner = ("s", existing[p.uuid].pk if p.uuid in existing else None)
        for model, rows in (
            (ServiceAtLocation, p.sals),
            (Schedule, p.schedules),
            (Closure, p.closures),
            (Phone, p.phones),
            (Contact, p.contacts),
            (Language, p.languages),
            (CostOption, p.costs),
        ):
            for row in rows:
                placed[model][row[0]] = owner
    for lid, plan in decision.locations.items():
        location_pk = existing_locations[lid][0] if lid in existing_locations else None
        for row in plan.phones:
            placed[Phone].setdefault(row[0], ("l", location_pk))
    messages: dict[Hex, str] = {}
    for kind, ids in placed.items():
        fields = ["uuid", "service_id", "service__organisation_id"]
        if kind is Phone:
            fields += ["location_id", "location__organisation_id"]
        for batch in _rows_by_uuid(kind, list(ids), *fields):
            for row in batch:
                value, service_id, org = row[0].hex, row[1], row[2]
                # Rows of the services (locations) rewritten are deleted before the inserts.
                now_at, freed = ("s", service_id), service_id in rewritten
                if service_id is None:  # a location's phone
                    now_at, org, freed = ("l", row[3]), row[4], row[3] in relocated
                if now_at == ids[value] or freed:
                    continue
                if scope.organisations is not None and org not in scope.organisations:
                    messages[value] = _outside(kind, value)
                else:
                    messages[value] = _(
                        "L'id %(id)s è già di un altro oggetto del catalogo (%(kind)s): usa un "
                        "id nuovo."
                    ) % {"id": _dashed(value), "kind": kind._meta.verbose_name}
    return messages


# --- writing (plain SQL: the catalogue can be imported by the hundred thousand) -------------


class _Table:
    """INSERT / UPDATE of a model's rows given as {attname: value}, with Django's adapters."""

    def __init__(self, model: type[Model], now: datetime):
        ops = connection.ops
        qn = ops.quote_name
        self.model = model
        self.table = qn(model._meta.db_table)
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults: dict[str, Any] = {}
        self.adapters: dict[str, Any] = {}
        for f in self.fields:
            kind = f.get_internal_type()
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            else:
                self.defaults[f.attname] = None
            self.adapters[f.attname] = _adapter(kind, f)
        self.columns = ", ".join(qn(f.column) for f in self.fields)
        self.marks = ", ".join(["%s"] * len(self.fields))
        self.qn = qn

    def insert_new(self, rows: list[dict[str, Any]]) -> dict[Hex, int]:
        """Inserts the rows (each with its "uuid") and returns their pks by uuid. The pks are
        drawn first and written with the rows, so that nothing is looked up again afterwards
        (a hundred thousand uuids cost seconds; PostgreSQL's COPY returns nothing)."""
        if not rows:
            return {}
        pks = self._draw_pks(len(rows))
        self.insert(rows, pks)
        return {row["uuid"]: pk for row, pk in zip(rows, pks, strict=True)}

    def _draw_pks(self, count: int) -> list[int]:
        """The next `count` pks: those the column's default would give, in the same order."""
        table, column = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, count],
                )
                return sorted(pk for (pk,) in cursor.fetchall())
            # SQLite: the import's transaction began IMMEDIATE, so it holds the database's
            # write lock and no other connection can take these ids before the commit. An
            # AUTOINCREMENT key never reuses an id (sqlite_sequence keeps the highest ever
            # given, and follows the explicit ids written here).
            cursor.execute(
                f"SELECT MAX(x) FROM (SELECT MAX({self.qn(column)}) AS x FROM {self.table}"  # noqa: S608 (names from the model)
                " UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
            last = cursor.fetchone()[0] or 0
        return list(range(last + 1, last + 1 + count))

    def insert(self, rows: list[dict[str, Any]], pks: list[int] | None = None) -> None:
        """`pks`: the rows' primary keys, else the column's default."""
        columns, marks = self.columns, self.marks
        if pks is not None:
            columns = f"{self.qn(self.model._meta.pk.column)}, {columns}"
            marks = f"%s, {marks}"
        # Table and column names come from the models, quoted.
        sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608
        # A million rows for a large catalogue: the row's values in column order are picked in
        # C (dict merge, itemgetter); in Python only the columns that the rows give and that
        # have an adapter (the defaults, e.g. `now`, are adapted once).
        pick = itemgetter(*(f.attname for f in self.fields))
        given = set().union(*map(dict.keys, rows))
        defaults = {
            name: self.adapters[name](value) if value is not None and name not in given else value
            for name, value in self.defaults.items()
        }
        adapted = [
            (i, self.adapters[f.attname])
            for i, f in enumerate(self.fields)
            if self.adapters[f.attname] is not _identity and f.attname in given
        ]

        def values() -> Iterator[list[Any]]:
            for n, row in enumerate(rows):
                value = list(pick({**defaults, **row}))
                for i, adapt in adapted:
                    if value[i] is not None:
                        value[i] = adapt(value[i])
                if pks is not None:
                    value.insert(0, pks[n])
                yield value

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg's executemany sends (and, with client-side binding, formats) one
                # statement per row: COPY is many times faster. Each row is made as it is
                # written, so that the server stores it while we make the next ones.
                # (psycopg's own cursor: its errors are turned into Django's by hand.)
                copy_sql = f"COPY {self.table} ({columns}) FROM STDIN"
                with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:
                    for value in values():
                        copy.write_row(value)
                return
            for batch in _batches(values(), WRITE_BATCH):
                cursor.executemany(sql, batch)

    def update(self, names: list[str], rows: list[tuple[int, dict[str, Any]]]) -> None:
        by_name = {f.attname: f for f in self.fields}
        sets = ", ".join(f"{self.qn(by_name[n].column)} = %s" for n in names)
        sql = f"UPDATE {self.table} SET {sets} WHERE {self.qn('id')} = %s"  # noqa: S608
        values = [
            [*(self.adapters[n](row[n]) if row[n] is not None else None for n in names), pk]
            for pk, row in rows
        ]
        with connection.cursor() as cursor:
            for batch in _batches(values, WRITE_BATCH):
                cursor.executemany(sql, batch)

    def delete_where(self, column: str, ids: list[int], extra: str = "") -> None:
        with connection.cursor() as cursor:
            for batch in _batches(ids):
                marks = ", ".join(["%s"] * len(batch))
                sql = f"DELETE FROM {self.table} WHERE {self.qn(column)} IN ({marks}){extra}"  # noqa: S608
                cursor.execute(sql, batch)


def _adapter(kind: str, f: Any):
    # Dates, times and amounts repeat across rows (every service's `now`, opening hours): each
    # distinct value is adapted once per import. (UUIDs are Hex already: stored as they are.)
    ops = connection.ops
    if kind == "DateTimeField":
        return cache(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return cache(ops.adapt_datefield_value)
    if kind == "TimeField":
        return cache(ops.adapt_timefield_value)
    if kind == "DecimalField":
        return cache(lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
    return _identity


def _identity(value: Any) -> Any:
    return value


@dataclass
class Written:
    """What `_write` did, for the search index."""

    new: dict[int, ServicePlan]  # the services created, by pk
    changed: list[int]  # the pks of the services updated
    location_pk: dict[Hex, int]


def _write(
    plans: list[ServicePlan],
    existing: dict[Hex, Existing],
    locations: dict[Hex, LocationPlan],
    existing_locations: dict[Hex, tuple[int, LocationPlan]],
    report: ImportReport,
    by: Any,
) -> Written:
    now = timezone.now()
    tables: dict[type[Model], _Table] = {
        model: _Table(model, now)
        for model in (
            Location,
            Service,
            ServiceAtLocation,
            Schedule,
            Closure,
            Phone,
            Contact,
            Language,
            CostOption,
            Service.terms.through,
            Service.eligible_comuni.through,
        )
    }
    # Locations first.
    loc_pk: dict[Hex, int] = {u: pk for u, (pk, _p) in existing_locations.items()}
    new_locs, changed_locs = [], []
    for lid, plan in locations.items():
        if lid not in existing_locations:
            new_locs.append(plan)
        elif existing_locations[lid][1].key() != plan.key():
            changed_locs.append(plan)
    report.locations.created = len(new_locs)
    report.locations.updated = len(changed_locs)
    report.locations.unchanged = len(locations) - len(new_locs) - len(changed_locs)
    loc_pk.update(tables[Location].insert_new([{"uuid": p.uuid, **p.fields} for p in new_locs]))
    if changed_locs:
        tables[Location].update(LOCATION_FIELDS, [(loc_pk[p.uuid], p.fields) for p in changed_locs])
        tables[Phone].delete_where(
            "location_id",
            [loc_pk[p.uuid] for p in changed_locs],
            " AND service_id IS NULL",
        )
    rows: dict[type[Model], list[dict[str, Any]]] = defaultdict(list)
    rows[Phone] += [
        {
            "uuid": x[0],
            "location_id": loc_pk[p.uuid],
            "number": x[1],
            "extension": x[2],
            "kind": x[3],
            "description": x[4],
        }
        for p in new_locs + changed_locs
        for x in p.phones
    ]

    # Services.
    new = [p for p in plans if p.uuid not in existing]
    changed = [p for p in plans if p.uuid in existing and existing[p.uuid][1].key() != p.key()]
    report.services.created = len(new)
    report.services.updated = len(changed)
    report.services.unchanged = len(plans) - len(new) - len(changed)
    who = getattr(by, "email", "") or str(by or "sistema")
    note = f"Importato da file HSDS ({report.source}) da {who} il {now:%d/%m/%Y}."
    extra = {"moderation_note": note} if hasattr(Service, "moderation_note") else {}
    service_pk = tables[Service].insert_new(
        [
            {
                "uuid": p.uuid,
                "review_state": Service.Review.PUBLISHED.value,
                "published_at": now,
                "reviewed_at": now,
                "listed_object": "",
                **extra,
                **p.fields,
            }
            for p in new
        ]
    )
    written = Written({service_pk[p.uuid]: p for p in new}, [], loc_pk)
    if changed:
        service_pk.update({p.uuid: existing[p.uuid][0] for p in changed})
        tables[Service].update(
            [*SERVICE_FIELDS, "last_modified"],
            [(existing[p.uuid][0], {**p.fields, "last_modified": now}) for p in changed],
        )
        changed_pks = [existing[p.uuid][0] for p in changed]
        written.changed = changed_pks
        for model in (ServiceAtLocation, Schedule, Closure, Phone, Contact, Language, CostOption):
            tables[model].delete_where("service_id", changed_pks)
        tables[Service.terms.through].delete_where("service_id", changed_pks)
        tables[Service.eligible_comuni.through].delete_where("service_id", changed_pks)
    for p in new + changed:
        spk = service_pk[p.uuid]
        rows[Service.terms.through] += [{"service_id": spk, "taxonomyterm_id": t} for t in p.terms]
        rows[Service.eligible_comuni.through] += [
            {"service_id": spk, "comune_id": c} for c in p.comuni
        ]
        rows[ServiceAtLocation] += [
            {"uuid": u, "service_id": spk, "location_id": loc_pk[lid], "description": d}
            for u, lid, d in p.sals
        ]
        rows[Schedule] += [
            {
                "uuid": u,
                "service_id": spk,
                "location_id": loc_pk[lid] if lid else None,
                "weekday": day,
                "opens_at": opens,
                "closes_at": closes,
                "valid_from": vf,
                "valid_to": vt,
                "notes": notes,
            }
            for u, lid, day, opens, closes, vf, vt, notes in p.schedules
        ]
        rows[Closure] += [
            {
                "uuid": u,
                "service_id": spk,
                "location_id": loc_pk[lid] if lid else None,
                "date_from": df,
                "date_to": dt,
                "reason": reason,
            }
            for u, lid, df, dt, reason in p.closures
        ]
        rows[Phone] += [
            {"uuid": u, "service_id": spk, "number": n, "extension": e, "kind": k, "description": d}
            for u, n, e, k, d in p.phones
        ]
        rows[Contact] += [
            {
                "uuid": u,
                "service_id": spk,
                "name": n,
                "title": t,
                "department": d,
                "email": e,
                "phone": ph,
            }
            for u, n, t, d, e, ph in p.contacts
        ]
        rows[Language] += [
            {"uuid": u, "service_id": spk, "code": c, "name": n, "note": note}
            for u, c, n, note in p.languages
        ]
        rows[CostOption] += [
            {
                "uuid": u,
                "service_id": spk,
                "option": o,
                "amount": a,
                "amount_description": d,
                "valid_from": vf,
                "valid_to": vt,
            }
            for u, o, a, d, vf, vt in p.costs
        ]
    for table_model, model_rows in rows.items():
        tables[table_model].insert(model_rows)
    _audit(
        written,
        [loc_pk[p.uuid] for p in new_locs],
        [loc_pk[p.uuid] for p in changed_locs],
        report,
        by,
    )
    return written


# What an import writes besides a service's or a location's own columns: rows replaced with it,
# named in its audit entry (their own ids would add millions of ids and say nothing more).
SERVICE_PARTS = [
    "terms",
    "eligible_comuni",
    "at_locations",
    "schedules",
    "closures",
    "phones",
    "contacts",
    "languages",
    "cost_options",
]


def _audit(
    written: Written, new_locs: list[int], changed_locs: list[int], report: ImportReport, by: Any
) -> None:
    """The audit log of the write: the plain SQL fires no signal, so one entry per model and
    action (of `log_bulk`'s BULK_IDS ids each) names the rows, the importer and the file."""
    data = {"source": report.source}
    location_fields = [*LOCATION_FIELDS, "phones"]
    log_bulk(Location, new_locs, CREATE, fields=location_fields, actor=by, data=data)
    log_bulk(Location, changed_locs, UPDATE, fields=location_fields, actor=by, data=data)
    service_fields = [*SERVICE_FIELDS, *SERVICE_PARTS]
    log_bulk(Service, written.new, CREATE, fields=service_fields, actor=by, data=data)
    log_bulk(
        Service,
        written.changed,
        UPDATE,
        fields=[*service_fields, "last_modified"],
        actor=by,
        data=data,
    )


def _reindex(written: Written, planner: Planner) -> None:
    """The search index of the services written. The new ones from their plans, which hold what
    the catalogue now holds (reading a hundred thousand services back would cost as much as
    writing them)."""
    from .. import indexing

    def texts(plan: ServicePlan) -> indexing.ServiceTexts:
        f = plan.fields
        lids = sorted((lid for _u, lid, _d in plan.sals), key=written.location_pk.__getitem__)
        places = [planner.locations[lid].fields for lid in lids]
        return indexing.ServiceTexts(
            name=f["name"],
            alternate_name=f["alternate_name"],
            description=f["description"],
            organisation=planner.org_names[f["organisation_id"]],
            eligibility=f["eligibility_description"],
            application_process=f["application_process"],
            term_ids=list(plan.terms),
            places=[(loc["name"], loc["address"], loc["comune_id"]) for loc in places],
            languages=[name for _u, _code, name, _note in plan.languages],
        )

    if written.new:
        indexing.index_new_services({pk: texts(p) for pk, p in written.new.items()})
    if written.changed:
        indexing.reindex_services(written.changed)


def allowed_organisations(by: Any) -> set[int] | None:
    """The organisations whose services `by` may import: those of the ATS networks they manage
    (None: all, for superusers and for system imports with no user)."""
    if by is None:
        return None
    ats_ids = managed_ats_ids(by)
    if ats_ids is None:
        return None
    return set(Organisation.objects.filter(comune__ats_id__in=ats_ids).values_list("pk", flat=True))


# SQLite: the page cache of the connection while an import writes (KiB). The settings' 32 MB
# hold the indexes of a catalogue of about 100,000 services; past that, every insert into the
# uuid, foreign-key and search indexes goes through pages the cache no longer holds. At
# 1,000,000 services, 1 GB made the import 293 s against 323 s (docs/performance.md). The
# cache takes memory only as it fills, and is set back after the import.
IMPORT_CACHE_KIB = 1024 * 1024


@contextmanager
def _write_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def import_hsds(source: Any, *, by: Any, dry_run: bool = False) -> ImportReport:
    """Imports an HSDS file: a path (JSON file, zip of CSVs, folder of CSVs) or an open binary
    file (e.g. an upload). Validates everything, then writes all or nothing; `dry_run` only
    validates and counts. Returns the report (never raises for bad content). `by` is the staff
    user responsible (an ATS operator imports only for the organisations of their ATS network;
    a superuser or None - a system import - for any)."""
    # Millions of small objects live during an import: the cyclic garbage collector would scan
    # them again and again (nothing here makes cycles worth collecting early).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(source, by=by, dry_run=dry_run)
    finally:
        if collecting:
            gc.enable()


def _import(source: Any, *, by: Any, dry_run: bool) -> ImportReport:
    report = ImportReport(source=_name_of(source), dry_run=dry_run, by=str(by or ""))
    limit = getattr(settings, "HSDS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    size = _size_of(source)
    if size is not None and size > limit:
        report.error(
            f"{report.source}|",
            "",
            _("Il file è troppo grande (%(size)s byte; massimo %(limit)s).")
            % {"size": size, "limit": limit},
        )
        return report
    scope = import_scope(by)
    if scope.organisations is not None and not scope.organisations:
        report.error(
            f"{report.source}|", "", _("Solo gli operatori di rete ATS possono importare servizi.")
        )
        return report
    bundle = read_source(source, report)
    if not report.ok:
        return report
    planner = Planner(report, scope.organisations, scope.ats)
    plans = planner.plan(bundle)
    if not report.ok:
        return report
    existing = _existing_plans([p.uuid for p in plans])
    existing_locations = _existing_locations(list(planner.locations))
    decision = _decide(plans, existing, planner, existing_locations, scope)
    if not report.ok:
        return report
    try:
        with _write_cache(), transaction.atomic():
            written = _write(
                decision.plans, existing, decision.locations, existing_locations, report, by
            )
            if decision.revisions:
                revisions_import(proposals=decision.revisions, by=by, source=report.source)
            if dry_run:
                transaction.set_rollback(True)
            else:
                _reindex(written, planner)
    except (IntegrityError, ValueError) as exc:
        clashes = _clashes(decision, existing, existing_locations, scope)
        if clashes:
            planner.name_rows(clashes)
            return report
        # E.g. an id of the file already used by another service's schedule or phone.
        report.error(
            f"{report.source}|",
            "id",
            _(
                "Scrittura annullata, nulla è cambiato: un identificativo del file è già usato "
                "da un altro oggetto del catalogo (%(error)s)."
            )
            % {"error": exc},
        )
        return report
    if dry_run:
        return report
    report.written = True
    logger.info(
        "hsds import",
        extra={
            "source": report.source,
            "by": report.by,
            "services": vars(report.services),
            "locations": vars(report.locations),
        },
    )
    return report


# --- export -------------------------------------------------------------------------------


def _published(organisations: set[int] | None):
    services = ser.published_services()
    if organisations is not None:
        services = services.filter(organisation_id__in=organisations)
    return services


def _published_ids(organisations: set[int] | None = None) -> list[int]:
    return list(_published(organisations).order_by("pk").values_list("pk", flat=True))


def iter_full_services(ids: list[int] | None = None) -> Iterator[dict]:
    ids = _published_ids() if ids is None else ids
    parents = ser.term_parents()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        qs = ser.full_services(Service.objects.filter(pk__in=chunk)).order_by("pk")
        for s in qs:
            yield ser.service_full(s, parents)


def _organizations(organisations: set[int] | None) -> list[dict]:
    orgs = Organisation.objects.filter(
        pk__in=_published(organisations).values("organisation_id")
    ).select_related("comune")
    return [ser.organization_full(o) for o in orgs.order_by("pk")]


def _taxonomy() -> tuple[list[dict], list[dict]]:
    from .api import all_taxonomies, all_terms

    return all_taxonomies(), all_terms()


def export_json(out: IO[str], organisations: set[int] | None = None) -> int:
    """Writes the published catalogue as one HSDS JSON document (services fully nested,
    organizations, taxonomies); returns the number of services. `organisations` limits it to
    their services (an ATS operator's network, see `allowed_organisations`: so that what they
    download they can import again)."""
    taxonomies, terms = _taxonomy()
    head = {
        "hsds_version": "3.0",
        "profile": "equilibri",
        "generated_at": ser.iso_datetime(timezone.now()),
        "organizations": _organizations(organisations),
        "taxonomies": taxonomies,
        "taxonomy_terms": terms,
    }
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2])
    out.write(',\n "services": [\n')
    count = 0
    for item in iter_full_services(_published_ids(organisations)):
        if count:
            out.write(",\n")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n ]\n}\n")
    return count


def _resources() -> list[dict]:
    return datapackage()["resources"]


def flatten(services: Iterable[dict], organizations: list[dict], taxonomies, terms):
    """Yields (csv name, row dict) for every object of the nested services."""
    for org in organizations:
        yield "organizations.csv", org
        for ident in org.get("organization_identifiers", []):
            yield "organization_identifiers.csv", ident
        for p in org.get("phones", []):
            yield "phones.csv", p
        for a in org.get("attributes", []):
            yield "attributes.csv", a
    for t in taxonomies:
        yield "taxonomies.csv", t
    for t in terms:
        yield "taxonomy_terms.csv", t
    seen_locations: set[str] = set()
    for s in services:
        yield "services.csv", s
        for p in s.get("phones", []):
            yield "phones.csv", p
        for x in s.get("schedules", []):
            yield "schedules.csv", x
            for a in x.get("attributes", []):
                yield "attributes.csv", a
        for name in ("languages", "funding", "cost_options"):
            for item in s.get(name, []):
                yield f"{name}.csv", item
        for c in s.get("contacts", []):
            yield "contacts.csv", c
            for p in c.get("phones", []):
                yield "phones.csv", p
        for a in s.get("attributes", []):
            yield "attributes.csv", a
        for sal in s.get("service_at_locations", []):
            yield "service_at_location.csv", sal
            for x in sal.get("schedules", []):
                yield "schedules.csv", {**x, "service_at_location_id": sal["id"]}
                for a in x.get("attributes", []):
                    yield "attributes.csv", a
            loc = sal["location"]
            if loc["id"] in seen_locations:
                continue
            seen_locations.add(loc["id"])
            yield "locations.csv", loc
            for address in loc.get("addresses", []):
                yield "addresses.csv", address
            for acc in loc.get("accessibility", []):
                yield "accessibility.csv", acc
            for p in loc.get("phones", []):
                yield "phones.csv", p
            for a in loc.get("attributes", []):
                yield "attributes.csv", a


def _cell(value: Any) -> str:
    if value is None or isinstance(value, list | dict):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_tabular(out: IO[bytes], organisations: set[int] | None = None) -> int:
    """Writes the published catalogue as a zipped Tabular Data Package: one CSV per HSDS
    object (columns as the official datapackage.json) and datapackage.json. `organisations`
    as in `export_json`."""
    resources = _resources()
    columns = {r["path"]: [f["name"] for f in r["schema"]["fields"]] for r in resources}
    buffers = {path: io.StringIO() for path in columns}
    writers = {}
    for path, cols in columns.items():
        writer = csv.writer(buffers[path], lineterminator="\n")
        writer.writerow(cols)
        writers[path] = writer
    taxonomies, terms = _taxonomy()
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for item in iter_full_services(_published_ids(organisations)):
            count += 1
            yield item

    for path, row in flatten(counted(), _organizations(organisations), taxonomies, terms):
        writers[path].writerow([_cell(row.get(c)) for c in columns[path]])
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, buffer in buffers.items():
            zf.writestr(path, buffer.getvalue())
        zf.writestr("datapackage.json", json.dumps(datapackage(), ensure_ascii=False, indent=2))
    return count
