"""Writing the plans: locations, then services and the rows that belong to them, in plain SQL
(`sql._Table`), one audit entry per model and action, and the search index of what was
written.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from equilibri.core.audit import CREATE, UPDATE, log_bulk

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
from .compare import Existing
from .planner import Planner
from .plans import LOCATION_FIELDS, SERVICE_FIELDS, Hex, LocationPlan, ServicePlan
from .report import ImportReport
from .sql import _Table


@dataclass
class Written:
    """What `_write` did, for the search index."""

    new: dict[int, ServicePlan]  # the services created, by pk
    changed: list[int]  # the pks of the services updated
    location_pk: dict[Hex, int]
    # The terms of other taxonomies of the services created or updated, by pk.
    foreign: dict[int, frozenset[Hex]] = field(default_factory=dict)


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
    changed = [p for p in plans if p.uuid in existing and p.differs(existing[p.uuid][1])]
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
        written.foreign[spk] = p.foreign
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
    from ... import indexing

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
