"""Catalogue entries kept by other apps (a help desk, "desks:<pk>"): written and removed only
through these two functions, published at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

from .. import indexing
from ..models import Location, Service
from .data import LIST_FIELDS, LOCATION_FIELDS, _apply_data, _json, service_data
from .moderation import _publish


@transaction.atomic
def listing_upsert(
    *,
    key: str,
    organisation: Organisation,
    name: str,
    description: str,
    term_codes: list[str],
    location: dict[str, Any],
    schedules: list[dict[str, Any]],
    phones: list[str],
    email: str = "",
    languages: Iterable[str] = ("it",),
    url: str = "",
) -> Service:
    """Create or update the published catalogue entry of an object of another app, e.g. a help
    desk (key "desks:<pk>"). Idempotent: the same call twice changes nothing.

    location: name, address, comune (Comune or pk), latitude, longitude (optional: the comune's),
    kind ("physical" / "virtual"), url, accessibility, transportation, wheelchair_accessible.
    schedules: weekday (0 = Monday), opens_at, closes_at ("HH:MM" or time), optional
    valid_from / valid_to / notes."""
    service = Service.objects.select_for_update().filter(listed_object=key).first()
    if service is None:
        service = Service(organisation=organisation, listed_object=key)
    service.organisation = organisation
    comune = location.get("comune")
    loc_row = {f: location.get(f) for f in LOCATION_FIELDS}
    loc_row["comune"] = comune.pk if isinstance(comune, Comune) else comune
    loc_row["kind"] = location.get("kind") or "physical"
    loc_row["name"] = location.get("name") or name
    if service.pk:
        current = service.at_locations.select_related("location").first()
        if current:
            loc_row["uuid"] = str(current.location.uuid)
    data = {
        "name": name,
        "description": description or name,
        "url": url,
        "email": email,
        "status": Service.Status.ACTIVE,
        "terms": list(term_codes),
        "locations": [loc_row],
        "schedules": [{f: _json(s.get(f)) for f in LIST_FIELDS["schedules"]} for s in schedules],
        "phones": [{"number": p, "kind": "voice"} for p in phones if p],
        "languages": [{"code": code} for code in languages if code],
    }
    if service.pk:
        data["closures"] = service_data(service)["closures"]
    _apply_data(service, data)
    if service.review_state != Service.Review.PUBLISHED:
        _publish(service)
        service.save()
    indexing.index_service(service)
    return service


@transaction.atomic
def listing_remove(*, key: str) -> None:
    """Remove the catalogue entry of an object of another app (nothing if there is none)."""
    for service in Service.objects.filter(listed_object=key):
        ids = [service.pk]
        location_ids = list(service.at_locations.values_list("location_id", flat=True))
        service.delete()
        Location.objects.filter(pk__in=location_ids, services_at__isnull=True).delete()
        indexing.reindex_services(ids)
