"""A service's content as one plain dict ("data": its fields, categories, eligibility and the
lists of locations, schedules, closures, phones, contacts, languages and cost options), read
from the models (`service_data`) and written over them, validated first (`_apply_data`): the
form every edit, revision and import of a service travels in."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from equilibri.core.audit import CREATE, log_bulk
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
)

SCALAR_FIELDS = [
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
]
REF_FIELDS = ["eligible_project", "funding_action"]
LOCATION_FIELDS = [
    "kind",
    "name",
    "description",
    "url",
    "address",
    "postal_code",
    "comune",
    "latitude",
    "longitude",
    "transportation",
    "accessibility",
    "wheelchair_accessible",
]
LIST_FIELDS = {
    "schedules": ["weekday", "opens_at", "closes_at", "valid_from", "valid_to", "notes"],
    "closures": ["date_from", "date_to", "reason"],
    "phones": ["number", "kind", "description"],
    "contacts": ["name", "title", "department", "email", "phone"],
    "languages": ["code", "name"],
    "cost_options": ["option", "amount", "amount_description", "valid_from", "valid_to"],
}
# The model of each list of LIST_FIELDS.
LIST_MODELS: dict[str, Any] = {
    "schedules": Schedule,
    "closures": Closure,
    "phones": Phone,
    "contacts": Contact,
    "languages": Language,
    "cost_options": CostOption,
}
# A change to a service in these states is written in place; in the others (published, stale,
# hidden: what the public sees, or saw) it waits as a revision for the ATS operator. The same
# rule for a provider's edit (`service_save`) and an HSDS import (`revisions_import`).
IN_PLACE_STATES = (Service.Review.DRAFT, Service.Review.SUBMITTED)
LANGUAGE_NAMES = {
    "it": "Italiano",
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "de": "Deutsch",
    "ar": "العربية",
    "zh": "中文",
    "ro": "Română",
    "uk": "Українська",
    "sq": "Shqip",
    "pt": "Português",
    "ru": "Русский",
}


def _json(value: Any) -> Any:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def service_data(service: Service) -> dict[str, Any]:
    """The service's content as a plain JSON-able dict (what revisions store)."""
    data: dict[str, Any] = {f: _json(getattr(service, f)) for f in SCALAR_FIELDS}
    data["eligible_project"] = service.eligible_project_id
    data["funding_action"] = service.funding_action_id
    data["terms"] = sorted(service.terms.values_list("code", flat=True))
    data["eligible_comuni"] = sorted(service.eligible_comuni.values_list("id", flat=True))
    data["locations"] = [
        {
            "uuid": str(sal.location.uuid),
            **{
                f: (sal.location.comune_id if f == "comune" else _json(getattr(sal.location, f)))
                for f in LOCATION_FIELDS
            },
        }
        for sal in service.at_locations.select_related("location").order_by("id")
    ]
    related = {
        "schedules": service.schedules.order_by("weekday", "opens_at", "id"),
        "closures": service.closures.order_by("date_from", "id"),
        "phones": service.phones.order_by("id"),
        "contacts": service.contacts.order_by("id"),
        "languages": service.languages.order_by("id"),
        "cost_options": service.cost_options.order_by("id"),
    }
    for key, rows in related.items():
        data[key] = [{f: _json(getattr(row, f)) for f in LIST_FIELDS[key]} for row in rows]
    return data


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _parse_time(value: Any) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    return datetime.time.fromisoformat(str(value))


def _parse_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("Importo non valido: %(value)s.") % {"value": value}) from exc


PARSERS: dict[str, Callable[[Any], Any]] = {
    "valid_from": _parse_date,
    "valid_to": _parse_date,
    "date_from": _parse_date,
    "date_to": _parse_date,
    "opens_at": _parse_time,
    "closes_at": _parse_time,
    "amount": _parse_decimal,
}


def with_defaults(key: str, row: dict[str, Any]) -> dict[str, Any]:
    """A list row as it will be stored: what the form leaves out takes the model's default (a
    phone is a voice line), a language its code in lower case and its name. The moderation diff
    compares rows through this, so a row saved again unchanged is not a change."""
    model = LIST_MODELS[key]
    row = dict(row)
    for name, value in list(row.items()):
        model_field = model._meta.get_field(name)
        if value in (None, "") and model_field.has_default():
            row[name] = model_field.get_default()
    if key == "languages":
        row["code"] = str(row.get("code") or "").lower()
        row["name"] = row.get("name") or LANGUAGE_NAMES.get(row["code"], row["code"])
    return row


def _row_kwargs(key: str, row: dict[str, Any]) -> dict[str, Any]:
    kwargs = {}
    for f in LIST_FIELDS[key]:
        value = row.get(f)
        if f in PARSERS:
            value = PARSERS[f](value)
        elif value is None and f not in {"weekday"}:
            value = ""
        kwargs[f] = value
    return kwargs


def _check(instance, exclude: Iterable[str] = (), label: str = "") -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        messages = []
        for field, errors in exc.message_dict.items():
            name = (
                str(instance._meta.get_field(field).verbose_name)
                if field != "__all__" and field in {f.name for f in instance._meta.fields}
                else ""
            )
            for error in errors:
                messages.append(f"{label}{name + ': ' if name else ''}{error}")
        raise ValidationError(messages) from exc


def _apply_data(service: Service, data: dict[str, Any]) -> None:
    """Write `data` over the live service (validated first: all or nothing)."""
    for f in SCALAR_FIELDS:
        if f in data:
            value = data[f]
            if value is None and f not in {"minimum_age", "maximum_age"}:
                value = ""
            setattr(service, f, value)
    for f in REF_FIELDS:
        if f in data:
            setattr(service, f"{f}_id", data[f] or None)
    _check(service, exclude=["organisation", "terms", "eligible_comuni"])
    codes = list(data.get("terms") or [])
    terms = list(TaxonomyTerm.objects.filter(code__in=codes))
    if not terms:
        raise ValidationError(_("Scegli almeno una categoria del servizio."))
    if len(terms) != len(set(codes)):
        raise ValidationError(_("Una delle categorie indicate non esiste."))
    comuni = list(Comune.objects.filter(pk__in=data.get("eligible_comuni") or []))

    # Locations: update those whose uuid we know, create the others, drop the rest.
    existing = (
        {
            str(sal.location.uuid): sal.location
            for sal in service.at_locations.select_related("location")
        }
        if service.pk
        else {}
    )
    locations: list[Location] = []
    for n, row in enumerate(data.get("locations") or [], start=1):
        loc = existing.get(str(row.get("uuid") or "")) or Location(
            organisation_id=service.organisation_id
        )
        for f in LOCATION_FIELDS:
            value = row.get(f)
            if f == "comune":
                loc.comune_id = value or None
            elif f in {"latitude", "longitude"}:
                setattr(loc, f, float(value) if value not in (None, "") else None)
            elif f == "wheelchair_accessible":
                loc.wheelchair_accessible = bool(value)
            else:
                setattr(loc, f, value or ("physical" if f == "kind" else ""))
        if loc.kind == Location.Kind.PHYSICAL and loc.comune_id and loc.latitude is None:
            comune = Comune.objects.get(pk=loc.comune_id)
            loc.latitude, loc.longitude = float(comune.lat), float(comune.lon)
        _check(loc, exclude=["organisation"], label=_("Sede %(n)s: ") % {"n": n})
        locations.append(loc)
    rows: dict[str, list] = {}
    models_by_key = LIST_MODELS
    labels = {
        "schedules": _("Orario"),
        "closures": _("Chiusura"),
        "phones": _("Telefono"),
        "contacts": _("Referente"),
        "languages": _("Lingua"),
        "cost_options": _("Costo"),
    }
    for key, model in models_by_key.items():
        rows[key] = []
        for n, row in enumerate(data.get(key) or [], start=1):
            kwargs = with_defaults(key, _row_kwargs(key, row))
            obj = model(service=service, **kwargs)
            _check(obj, exclude=["service", "location"], label=f"{labels[key]} {n}: ")
            rows[key].append(obj)
    codes_seen = [lang.code for lang in rows["languages"]]
    if len(codes_seen) != len(set(codes_seen)):
        raise ValidationError(_("Una lingua è indicata due volte."))

    service.save()
    service.terms.set(terms)
    service.eligible_comuni.set(comuni)
    keep = []
    for loc in locations:
        loc.save()
        ServiceAtLocation.objects.get_or_create(service=service, location=loc)
        keep.append(loc.pk)
    for sal in service.at_locations.exclude(location_id__in=keep).select_related("location"):
        location = sal.location
        sal.delete()
        if not location.services_at.exists():
            location.delete()
    for key, model in models_by_key.items():
        model.objects.filter(service=service).delete()
        # One audit entry per list rather than one save (and catalogue version bump) per row.
        created = model.objects.bulk_create(rows[key])
        log_bulk(model, [row.pk for row in created], CREATE, fields=LIST_FIELDS[key])
