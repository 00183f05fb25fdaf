"""What an import may touch and what goes live: the importer's `ImportScope`, the check of the
file's services and locations that the catalogue already has against it, the changes that wait
for the moderating ATS as revisions, and the ids the database refused.
"""

from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for
from equilibri.network.models import Organisation
from equilibri.network.selectors import managed_ats_ids

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
from ...services import IN_PLACE_STATES
from ...services import LOCATION_FIELDS as EDIT_LOCATION_FIELDS
from ...services import SCALAR_FIELDS as EDIT_SCALAR_FIELDS
from ...services import _json as edit_value
from .compare import Existing
from .planner import Planner
from .plans import Hex, LocationPlan, ServicePlan, _dashed
from .sql import _batches, _rows_by_uuid


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


def allowed_organisations(by: Any) -> set[int] | None:
    """The organisations whose services `by` may import: those of the ATS networks they manage
    (None: all, for superusers and for system imports with no user)."""
    if by is None:
        return None
    ats_ids = managed_ats_ids(by)
    if ats_ids is None:
        return None
    return set(Organisation.objects.filter(comune__ats_id__in=ats_ids).values_list("pk", flat=True))


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
    partial: bool = False,
) -> Decision:
    """Checks every service and location of the file that the catalogue already has against
    the scope (its organisation, and for a location those of the services at it), then sorts
    the changes: in place, or as revisions for the moderating ATS. A refusal is reported at the
    object's row and nothing is written. Set-based: the lookups are `_existing_plans`' and
    one query per batch of locations. `partial` ("import what is valid"): the refused
    services and locations, and the services at refused locations, are left out (and
    reported); the rest goes on. The other objects (schedules, phones, contacts...) are
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
        elif old.listed_object and p.differs(old.plan):
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
            and (p.differs(old.plan) or any(lid in protected for _u, lid, _d in p.sals))
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
        if not partial:
            return Decision([], {}, {})

        def valid(p: ServicePlan) -> bool:
            return p.uuid not in refused and not any(lid in refused for _u, lid, _d in p.sals)

        kept = [p for p in kept if valid(p)]
        moderated = {pk: p for pk, p in moderated.items() if valid(p)}
        used = {lid for p in [*kept, *moderated.values()] for _u, lid, _d in p.sals}
        planner.locations = {lid: v for lid, v in planner.locations.items() if lid in used}
        protected &= used
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
        if p.uuid in existing and p.differs(existing[p.uuid].plan)
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
