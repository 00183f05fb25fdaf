"""Reading an HSDS file into nested HSDS dicts (a `Bundle`): JSON as it comes, or the Tabular
Data Package's CSVs put back together; each object remembers where it came from (SRC).
"""

import csv
import io
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .. import reading
from .report import ImportReport

SPEC_DIR = Path(__file__).parent.parent / "spec"
SRC = "__src"  # where an object came from: "file|row"
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


@dataclass
class Bundle:
    """Everything read from a file, as nested HSDS dicts (each with its SRC)."""

    services: list[dict] = field(default_factory=list)
    organizations: dict[str, dict] = field(default_factory=dict)
    terms: dict[str, dict] = field(default_factory=dict)
    # Whether the services are the objects as given (JSON), to be kept whole; the CSVs put back
    # together have the tables' keys and empty cells, not what the publisher wrote.
    as_given: bool = True


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


# The HSDS objects a file may hold alone (organizations.json, taxonomy_terms.json ...), each
# told by its file's name or by the fields only it has (the official schemas' required ones
# first: a service has `status`, a location `location_type`).
OBJECT_FILES = (
    "services",
    "organizations",
    "taxonomies",
    "taxonomy_terms",
    "locations",
    "service_at_locations",
)
_TELLING_FIELDS = (
    ("services", ("status",)),
    ("locations", ("location_type",)),
    ("service_at_locations", ("service_id", "location_id")),
    ("taxonomy_terms", ("code", "taxonomy", "taxonomy_id", "parent_id", "term_uri")),
    ("taxonomies", ("version",)),
)


def object_kind(items: list, name: str) -> str:
    """Which HSDS object the list holds: by the file's name, else by its first object's
    fields (an object with a name and nothing telling is an organization)."""
    stem = Path(name).stem.lower().replace("-", "_")
    if stem in OBJECT_FILES:
        return stem
    first = next((item for item in items if isinstance(item, dict)), {})
    for kind, fields in _TELLING_FIELDS:
        if kind == "service_at_locations":
            if all(f in first for f in fields) and "status" not in first:
                return kind
        elif any(f in first for f in fields):
            return kind
    # An organization has a name (the schema requires it); anything else is left to the
    # services' checks, which say what a service needs.
    return "organizations" if "name" in first else "services"


def read_json(data: Any, name: str, report: ImportReport) -> Bundle:
    bundle = Bundle()
    services: list = []
    orgs: list = []
    terms: list = []
    others: dict[str, int] = {}
    if isinstance(data, dict) and not _is_bundle(data):
        data = [data] if object_kind([data], name) != "services" else data
    if isinstance(data, list):
        kind = object_kind(data, name)
        if kind == "services":
            services = data
        elif kind == "organizations":
            orgs = data
            services = _services_of(data)
        elif kind == "taxonomy_terms":
            terms = data
        if kind != "services":
            others[kind] = len(data)
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
            services = _services_of(orgs)
    # Organisations alone are imported (those the network lacks become providers); terms or
    # taxonomies alone say nothing the catalogue keeps without the services that carry them.
    if not services and orgs and set(others) == {"organizations"}:
        pass
    elif not services and others and not report.errors:
        report.error(
            f"{name}|",
            "",
            _(
                "Il file contiene %(count)s oggetti HSDS '%(kind)s' e nessun servizio: "
                "importali insieme ai servizi che li usano (un elenco di servizi completi, "
                "un'esportazione o il pacchetto tabellare)."
            )
            % {"count": sum(others.values()), "kind": ", ".join(others)},
        )
    elif not services and not report.errors:
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


def _is_bundle(data: dict) -> bool:
    """An API page, a service, our export or an organization with its services."""
    return (
        isinstance(data.get("contents"), list)
        or ("status" in data and "name" in data)
        or isinstance(data.get("services"), list)
    )


def _services_of(orgs: list) -> list:
    """The services nested in organizations (organization_full), each told its organization."""
    services = []
    for org in orgs:
        if isinstance(org, dict) and isinstance(org.get("services"), list):
            for s in org["services"]:
                if isinstance(s, dict):
                    s.setdefault("organization_id", org.get("id"))
                services.append(s)
    return services


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
    bundle = Bundle(services=services, as_given=False)
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
