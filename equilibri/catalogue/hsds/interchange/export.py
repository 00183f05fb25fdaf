"""Export of the published catalogue: one HSDS JSON document, or the zipped Tabular Data
Package (a CSV per HSDS object and datapackage.json).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils import timezone

from equilibri.network.models import Organisation

from ...models import Service
from .. import serializers as ser
from .read import datapackage

BATCH = 2000


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
    ).select_related("comune", "hsds_provider")
    return [ser.organization_full(o) for o in orgs.order_by("pk")]


def _taxonomy() -> tuple[list[dict], list[dict]]:
    from ..api import all_taxonomies, all_terms

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
