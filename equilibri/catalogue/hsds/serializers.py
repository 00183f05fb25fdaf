"""Catalogue objects as HSDS 3.0 JSON (dicts ready for json.dumps), following our profile.

Empty values are left out rather than sent as null: the official schemas type most fields as
plain strings or numbers. Objects with no row of their own (addresses, accessibility, profile
attributes, organisation phones and identifiers) get deterministic ids derived from their owner.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import Prefetch, QuerySet

from equilibri.network.models import Organisation

# Registers ExternalProvider, whose row organisations are read with (`_provider_source`).
from .. import interchange_models  # noqa: F401
from ..models import (
    HSDS_NAMESPACE,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    hsds_organisation_id,
)
from ..search import PUBLIC_REVIEW_STATES, PUBLIC_STATUSES
from . import lossless

BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ORG_KIND_LABELS = dict(Organisation.Kind.choices)

# The profile's own taxonomy: the terms that qualify our extension attributes. They are not
# database rows; their ids are fixed.
PROFILE_TAXONOMY_ID = uuid.uuid5(HSDS_NAMESPACE, "taxonomy:equilibri-profile")
PROFILE_TERMS = {
    "istat-comune": "Codice ISTAT del comune della sede",
    "eligible-comune": "Riservato ai residenti del comune (codice ISTAT)",
    "eligible-project": "Riservato ai dipendenti dei partner del progetto (id del progetto)",
    "funding-action": "Azione del piano territoriale che finanzia il servizio (id dell'azione)",
    "wheelchair-accessible": "Sede accessibile in sedia a rotelle",
    "closure": "Chiusura: giorni in cui il servizio è chiuso",
}
PROFILE_TERM_IDS = {
    code: uuid.uuid5(HSDS_NAMESPACE, f"profile-term:{code}") for code in PROFILE_TERMS
}
PROFILE_TERM_BY_ID = {str(v): k for k, v in PROFILE_TERM_IDS.items()}


def derived_id(owner: uuid.UUID | str, what: str) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{owner}:{what}"))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def money(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- taxonomy -------------------------------------------------------------------------------


def profile_taxonomy() -> dict[str, Any]:
    return {
        "id": str(PROFILE_TAXONOMY_ID),
        "name": "Equilibri - attributi del profilo",
        "description": (
            "Termini che qualificano gli attributi del profilo HSDS di Equilibri "
            "(il valore dell'attributo porta il dato)."
        ),
        "version": "1",
    }


def taxonomy(t: Taxonomy) -> dict[str, Any]:
    return _clean(
        {
            "id": str(t.uuid),
            "name": t.name,
            "description": t.description or t.name,
            "uri": t.uri,
            "version": t.version,
        }
    )


def profile_terms() -> list[dict[str, Any]]:
    return [
        {
            "id": str(PROFILE_TERM_IDS[code]),
            "code": code,
            "name": name,
            "description": name,
            "taxonomy": "Equilibri - attributi del profilo",
            "taxonomy_id": str(PROFILE_TAXONOMY_ID),
            "language": "it",
        }
        for code, name in PROFILE_TERMS.items()
    ]


def taxonomy_term(term: TaxonomyTerm, parents: dict[int, uuid.UUID] | None = None) -> dict:
    """`parents` maps term pk -> uuid, to avoid a query for parent_id."""
    parent_id = None
    if term.parent_id:
        parent_id = parents[term.parent_id] if parents else term.parent.uuid  # type: ignore[union-attr]
    return _clean(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(parent_id) if parent_id else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy.uuid),
            "language": term.language,
        }
    )


def _attribute(owner: uuid.UUID, link_type: str, code: str, value: str) -> dict[str, Any]:
    return {
        "id": derived_id(owner, f"attribute:{code}:{value}"),
        "link_id": str(owner),
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": str(PROFILE_TERM_IDS[code]),
        "value": value,
    }


# --- organizations --------------------------------------------------------------------------


def _provider_source(org: Organisation) -> dict[str, Any] | None:
    """The HSDS object of an organisation an import created (`ExternalProvider`), as given,
    when the caller loaded it (select_related("hsds_provider"), as the organisation endpoints
    and the export do); None for the network's own, and never a query of its own (a service
    list embeds its organisation in every row)."""
    state = getattr(org, "_state", None)
    provider = state.fields_cache.get("hsds_provider") if state is not None else None
    source = getattr(provider, "hsds_source", None)
    return source if isinstance(source, dict) else None


# The organisation's nested objects: organization_list leaves them out.
ORG_NESTED = frozenset(
    {
        "funding",
        "contacts",
        "phones",
        "locations",
        "programs",
        "organization_identifiers",
        "attributes",
        "metadata",
        "services",
    }
)


def organization_list(org: Organisation) -> dict[str, Any]:
    source = _provider_source(org)
    if source is not None:
        return {k: v for k, v in source.items() if k not in ORG_NESTED}
    return _clean(
        {
            "id": str(hsds_organisation_id(org.pk)),
            "name": org.name,
            "description": org.description or org.name,
            "email": org.email,
            "website": org.website,
            "tax_id": org.fiscal_code or org.vat_number,
            "legal_status": str(ORG_KIND_LABELS.get(org.kind, "")),
        }
    )


def organization_full(org: Organisation, services: Iterable[dict] = ()) -> dict[str, Any]:
    source = _provider_source(org)
    if source is not None:
        return {**source, "services": list(services)}
    oid = hsds_organisation_id(org.pk)
    data = organization_list(org)
    identifiers = []
    for scheme, kind, value in (
        ("IT-CF", "codice fiscale", org.fiscal_code),
        ("IT-IVA", "partita IVA", org.vat_number),
    ):
        if value:
            identifiers.append(
                {
                    "id": derived_id(oid, f"identifier:{scheme}"),
                    "organization_id": str(oid),
                    "identifier_scheme": scheme,
                    "identifier_type": kind,
                    "identifier": value,
                }
            )
    phones = []
    if org.phone:
        phones.append(
            {"id": derived_id(oid, "phone"), "organization_id": str(oid), "number": org.phone}
        )
    data.update(
        _clean(
            {
                "organization_identifiers": identifiers,
                "phones": phones,
                "attributes": [
                    _attribute(oid, "organization", "istat-comune", org.comune.istat_code)
                ]
                if org.comune_id
                else [],
            }
        )
    )
    data["services"] = list(services)
    return data


# --- locations ------------------------------------------------------------------------------


def location(loc: Location) -> dict[str, Any]:
    lid = loc.uuid
    addresses = []
    attributes = []
    comune = loc.comune if loc.comune_id else None
    if comune is not None:
        addresses.append(
            {
                "id": derived_id(lid, "address"),
                "location_id": str(lid),
                "address_1": loc.address,
                "city": comune.name,
                "region": "Lombardia",
                "state_province": comune.province,
                "postal_code": loc.postal_code,
                "country": "IT",
                "address_type": "physical",
            }
        )
        attributes.append(_attribute(lid, "location", "istat-comune", comune.istat_code))
    if loc.wheelchair_accessible:
        attributes.append(_attribute(lid, "location", "wheelchair-accessible", "true"))
    accessibility = []
    if loc.accessibility:
        accessibility.append(
            {
                "id": derived_id(lid, "accessibility"),
                "location_id": str(lid),
                "description": loc.accessibility,
            }
        )
    return _clean(
        {
            "id": str(lid),
            "location_type": loc.kind,
            "url": loc.url,
            "organization_id": str(hsds_organisation_id(loc.organisation_id))
            if loc.organisation_id
            else None,
            "name": loc.name,
            "description": loc.description,
            "transportation": loc.transportation,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": addresses,
            "accessibility": accessibility,
            "phones": [phone(p, location_uuid=lid) for p in loc.phones.all()],
            "attributes": attributes,
        }
    )


def phone(p, *, service_uuid=None, location_uuid=None) -> dict[str, Any]:
    return _clean(
        {
            "id": str(p.uuid),
            "service_id": str(service_uuid) if service_uuid else None,
            "location_id": str(location_uuid) if location_uuid else None,
            "number": p.number,
            "extension": int(p.extension) if p.extension.isdigit() else None,
            "type": p.kind,
            "description": p.description,
        }
    )


# --- schedules ------------------------------------------------------------------------------


def schedule(s: Schedule, service_uuid: uuid.UUID, location_uuid=None) -> dict[str, Any]:
    return _clean(
        {
            "id": str(s.uuid),
            "service_id": str(service_uuid),
            "location_id": str(location_uuid) if location_uuid else None,
            "valid_from": iso_date(s.valid_from),
            "valid_to": iso_date(s.valid_to),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": BYDAY[s.weekday],
            "opens_at": hhmm(s.opens_at),
            "closes_at": hhmm(s.closes_at),
            "description": f"{s.get_weekday_display()} {hhmm(s.opens_at)}-{hhmm(s.closes_at)}",
            "notes": s.notes,
        }
    )


def closure(c, service_uuid: uuid.UUID, location_uuid=None) -> dict[str, Any]:
    return _clean(
        {
            "id": str(c.uuid),
            "service_id": str(service_uuid),
            "location_id": str(location_uuid) if location_uuid else None,
            "valid_from": iso_date(c.date_from),
            "valid_to": iso_date(c.date_to),
            "description": f"Chiuso dal {c.date_from:%d/%m/%Y} al {c.date_to:%d/%m/%Y}",
            "notes": c.reason,
            "attributes": [_attribute(c.uuid, "schedule", "closure", "closed")],
        }
    )


# --- services -------------------------------------------------------------------------------


def service_list(s: Service, *, minimal: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(s.uuid),
        "name": s.name,
        "status": s.status,
        "last_modified": iso_datetime(s.last_modified),
    }
    if minimal:
        return data
    data.update(
        {
            "organization_id": str(hsds_organisation_id(s.organisation_id)),
            "alternate_name": s.alternate_name,
            "description": s.description,
            "url": s.url,
            "email": s.email,
            "application_process": s.application_process,
            "fees_description": s.fees_description,
            "wait_time": s.wait_time,
            "eligibility_description": s.eligibility_description,
            "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age,
            "assured_date": iso_date(s.reviewed_at.date()) if s.reviewed_at else None,
            "organization": organization_list(s.organisation),
        }
    )
    return _clean(data)


def _term_attribute(service_uuid, term: TaxonomyTerm, parents: dict[int, uuid.UUID]) -> dict:
    return {
        "id": derived_id(service_uuid, f"term:{term.uuid}"),
        "link_id": str(service_uuid),
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": str(term.uuid),
        "value": term.code,
        "taxonomy_term": taxonomy_term(term, parents),
    }


def service_full(s: Service, parents: dict[int, uuid.UUID]) -> dict[str, Any]:
    """`s` must come from `full_services()` (everything prefetched)."""
    sid = s.uuid
    data = service_list(s)
    general_schedules = [schedule(x, sid) for x in s.schedules.all() if not x.location_id]
    general_schedules += [closure(c, sid) for c in s.closures.all() if not c.location_id]
    attributes = [_term_attribute(sid, t, parents) for t in s.terms.all()]
    attributes += [
        _attribute(sid, "service", "eligible-comune", c.istat_code) for c in s.eligible_comuni.all()
    ]
    if s.eligible_project_id:
        attributes.append(
            _attribute(sid, "service", "eligible-project", str(s.eligible_project_id))
        )
    funding = []
    if s.funding_action_id:
        attributes.append(_attribute(sid, "service", "funding-action", str(s.funding_action_id)))
        action: Any = s.funding_action
        funding.append(
            {
                "id": derived_id(sid, f"funding:{s.funding_action_id}"),
                "service_id": str(sid),
                "source": f"{action.project.plan.title} - {action.project.title} - {action.title}",
            }
        )
    data.update(
        {
            "phones": [phone(p, service_uuid=sid) for p in s.phones.all()],
            "schedules": general_schedules,
            "service_at_locations": [service_at_location(sal, s) for sal in s.at_locations.all()],
            "languages": [
                _clean(
                    {
                        "id": str(lang.uuid),
                        "service_id": str(sid),
                        "name": lang.name,
                        "code": lang.code,
                        "note": lang.note,
                    }
                )
                for lang in s.languages.all()
            ],
            "funding": funding,
            "cost_options": [
                _clean(
                    {
                        "id": str(c.uuid),
                        "service_id": str(sid),
                        "valid_from": iso_date(c.valid_from),
                        "valid_to": iso_date(c.valid_to),
                        "option": c.option,
                        "currency": "EUR",
                        "amount": money(c.amount),
                        "amount_description": c.amount_description,
                    }
                )
                for c in s.cost_options.all()
            ],
            "contacts": [
                _clean(
                    {
                        "id": str(c.uuid),
                        "service_id": str(sid),
                        "name": c.name,
                        "title": c.title,
                        "department": c.department,
                        "email": c.email,
                        "phones": [
                            {
                                "id": derived_id(c.uuid, "phone"),
                                "contact_id": str(c.uuid),
                                "number": c.phone,
                            }
                        ]
                        if c.phone
                        else [],
                    }
                )
                for c in s.contacts.all()
            ],
            "attributes": attributes,
        }
    )
    return lossless.as_given(s, {k: v for k, v in data.items() if v not in (None, "")})


def service_at_location(sal: ServiceAtLocation, s: Service, *, full: bool = True) -> dict:
    loc = sal.location
    data: dict[str, Any] = {
        "id": str(sal.uuid),
        "service_id": str(s.uuid),
        "location_id": str(loc.uuid),
        "description": sal.description,
        "location": location(loc),
    }
    if full:
        data["schedules"] = [
            schedule(x, s.uuid, loc.uuid) for x in s.schedules.all() if x.location_id == loc.pk
        ] + [closure(c, s.uuid, loc.uuid) for c in s.closures.all() if c.location_id == loc.pk]
    return _clean(data)


# --- querysets ------------------------------------------------------------------------------


def published_services() -> QuerySet[Service]:
    """The public catalogue: the same services the public search shows."""
    return Service.objects.filter(review_state__in=PUBLIC_REVIEW_STATES, status__in=PUBLIC_STATUSES)


def list_services(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.select_related("organisation")


# The list form's columns, for the search engine's statement to return with each row of the page
# (`search.raw_search_sql(query, list_columns())`): a text or distance search, the API's most
# common request, then needs no second query and no model instances.
_LIST_SERVICE = (
    "uuid",
    "name",
    "status",
    "last_modified",
    "organisation_id",
    "alternate_name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "wait_time",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "reviewed_at",
)
_LIST_ORGANISATION = (
    "id",
    "name",
    "description",
    "email",
    "website",
    "fiscal_code",
    "vat_number",
    "kind",
)


def list_columns() -> str:
    """`s` is the service, `o` its organisation; `service_list_from_row` reads them in order."""
    return ", ".join([*(f"s.{c}" for c in _LIST_SERVICE), *(f"o.{c}" for c in _LIST_ORGANISATION)])


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives the stored UTC time without its zone; PostgreSQL an aware datetime.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def service_list_from_row(values: Sequence[Any]) -> dict[str, Any]:
    """`service_list` of a row of `list_columns`, as the database driver returns it."""
    n = len(_LIST_SERVICE)
    service = SimpleNamespace(**dict(zip(_LIST_SERVICE, values[:n], strict=True)))
    service.organisation = SimpleNamespace(**dict(zip(_LIST_ORGANISATION, values[n:], strict=True)))
    service.organisation.pk = service.organisation.id
    raw_uuid = service.uuid
    service.uuid = raw_uuid if isinstance(raw_uuid, uuid.UUID) else uuid.UUID(str(raw_uuid))
    service.last_modified = _aware(service.last_modified)
    service.reviewed_at = _aware(service.reviewed_at)
    # service_list and organization_list read attributes only: plain values stand in for the
    # model instances.
    return service_list(cast(Service, service))


def full_services(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.select_related(
        "organisation",
        "funding_action__project__plan",
    ).prefetch_related(
        "phones",
        "schedules",
        "closures",
        # The location joined, not prefetched: a prefetch of the locations of a few thousand
        # services is a chain of conditions that SQLite refuses ("Expression tree is too
        # large") once a batch has about a thousand locations.
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__comune").prefetch_related(
                "location__phones"
            ),
        ),
        "languages",
        "cost_options",
        "contacts",
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        "eligible_comuni",
    )


def term_parents() -> dict[int, uuid.UUID]:
    return dict(TaxonomyTerm.objects.values_list("pk", "uuid"))
