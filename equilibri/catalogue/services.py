"""The catalogue's state changes: every change is one function here.

A service's content travels as one plain dict ("data": its fields, categories, eligibility and
the lists of locations, schedules, closures, phones, contacts, languages and cost options; see
`service_data`). Drafts are edited in place; an edit of a published service becomes a pending
`ServiceRevision` that the ATS operator approves (then it is applied) or rejects.

Business rules (each refused with a ValidationError naming what to change):
- provider operators create and edit the services of their own organisations; listings kept by
  another app (help desks, `listed_object`) are changed only through `listing_upsert`;
- lifecycle: draft → submitted → published | back to draft with the operator's note;
  published → stale (not confirmed for SERVICE_REVIEW_MONTHS) → hidden after
  SERVICE_STALE_GRACE_DAYS; "confirm still correct" or an approved edit publishes it again;
- one pending edit per service (a new save replaces it);
- only the ATS operators of the organisation's ATS moderate.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role
from equilibri.core import mail
from equilibri.core.audit import CREATE, UPDATE, log_bulk
from equilibri.network.models import Organisation, OrganisationRole
from equilibri.territory.models import Comune

from . import indexing, selectors
from .models import (
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    MistakeReport,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceRevision,
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


# --- Data <-> models ---------------------------------------------------------------------------


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
    models_by_key: dict[str, Any] = {
        "schedules": Schedule,
        "closures": Closure,
        "phones": Phone,
        "contacts": Contact,
        "languages": Language,
        "cost_options": CostOption,
    }
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
            kwargs = _row_kwargs(key, row)
            for name, value in list(kwargs.items()):
                model_field = model._meta.get_field(name)
                if value in (None, "") and model_field.has_default():
                    kwargs[name] = model_field.get_default()
            if key == "languages":
                kwargs["code"] = str(kwargs["code"]).lower()
                kwargs["name"] = kwargs["name"] or LANGUAGE_NAMES.get(
                    kwargs["code"], kwargs["code"]
                )
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


# --- Notifications -------------------------------------------------------------------------


def provider_emails(service: Service) -> list[str]:
    emails = list(
        OrganisationRole.objects.filter(
            organisation_id=service.organisation_id, role=Role.PROVIDER_OPERATOR
        ).values_list("user__email", flat=True)
    )
    return emails or [e for e in (service.email, service.organisation.email) if e][:1]


def ats_operator_emails(service: Service) -> list[str]:
    return list(
        StaffRole.objects.filter(
            role=Role.ATS_OPERATOR, ats_id=service.organisation.comune.ats_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


# --- Provider: create, edit, submit, confirm -------------------------------------------------


def _check_provider(service_or_org: Service | Organisation, by) -> None:
    org_id = (
        service_or_org.organisation_id if isinstance(service_or_org, Service) else service_or_org.pk
    )
    if not selectors.provider_organisations(by).filter(pk=org_id).exists():
        raise PermissionDenied
    if isinstance(service_or_org, Service) and service_or_org.listed_object:
        raise ValidationError(
            _("Questa scheda è gestita automaticamente da un'altra sezione (es. lo sportello).")
        )


@transaction.atomic
def service_create(*, organisation: Organisation, data: dict[str, Any], by) -> Service:
    """A new draft service of the organisation."""
    _check_provider(organisation, by)
    service = Service(organisation=organisation, review_state=Service.Review.DRAFT)
    _apply_data(service, data)
    return service


@transaction.atomic
def service_save(*, service: Service, data: dict[str, Any], by) -> ServiceRevision | None:
    """Drafts (and services waiting for their first review) change in place. A published,
    stale or hidden service keeps its public content: the edit becomes a pending revision
    (replacing any previous pending one) that the ATS operator reviews."""
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state in IN_PLACE_STATES:
        _apply_data(service, data)
        return None
    # Validate the proposal now, without touching the live service.
    sid = transaction.savepoint()
    try:
        _apply_data(service, data)
    finally:
        transaction.savepoint_rollback(sid)
    service.refresh_from_db()
    # At most one pending revision: saved, so that the audit log has its change of state.
    for pending in ServiceRevision.objects.filter(
        service=service, state=ServiceRevision.State.SUBMITTED
    ):
        pending.state = ServiceRevision.State.WITHDRAWN
        pending.reviewed_at = timezone.now()
        pending.save(update_fields=["state", "reviewed_at"])
    revision = ServiceRevision.objects.create(service=service, data=data, submitted_by=by)
    _notify_moderators(service, "moderation_edit", revision_id=revision.pk)
    return revision


def _notify_moderators(service: Service, template: str, **context) -> None:
    mail.send(
        ats_operator_emails(service),
        f"services/mail/{template}",
        {"org": service.organisation.name, "name": service.name, **context},
    )


def _notify_provider(service: Service, template: str, **context) -> None:
    mail.send(
        provider_emails(service),
        f"services/mail/{template}",
        {"name": service.name, "service_id": service.pk, "service_uuid": service.uuid, **context},
    )


@transaction.atomic
def service_submit(*, service: Service, by) -> Service:
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.DRAFT:
        raise ValidationError(
            _("Solo una bozza può essere inviata in revisione (stato: %(state)s).")
            % {"state": service.get_review_state_display()}
        )
    service.review_state = Service.Review.SUBMITTED
    service.save(update_fields=["review_state", "last_modified"])
    _notify_moderators(service, "moderation_new", service_id=service.pk)
    return service


@transaction.atomic
def service_confirm(*, service: Service, by) -> Service:
    """The provider confirms the data are still correct: the review clock restarts and a stale
    (or hidden for staleness) service is public again."""
    _check_provider(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state in (Service.Review.DRAFT, Service.Review.SUBMITTED):
        raise ValidationError(
            _("Il servizio non è ancora pubblicato: non c'è nulla da confermare.")
        )
    if service.review_state == Service.Review.HIDDEN and not service.stale_since:
        raise ValidationError(
            _("Il servizio è stato nascosto dall'operatore ATS: proponi una modifica.")
        )
    service.reviewed_at = timezone.now()
    service.stale_since = None
    service.review_state = Service.Review.PUBLISHED
    service.save(update_fields=["reviewed_at", "stale_since", "review_state", "last_modified"])
    indexing.index_service(service)
    return service


# --- ATS operator: moderation ----------------------------------------------------------------


def _check_moderator(service: Service, by) -> None:
    if not selectors.services_moderated_by(by).filter(pk=service.pk).exists():
        raise PermissionDenied


def _publish(service: Service) -> None:
    now = timezone.now()
    service.review_state = Service.Review.PUBLISHED
    service.published_at = service.published_at or now
    service.reviewed_at = now
    service.stale_since = None


@transaction.atomic
def service_approve(*, service: Service, note: str = "", by) -> Service:
    _check_moderator(service, by)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.SUBMITTED:
        raise ValidationError(
            _("Il servizio non è in attesa di revisione (stato: %(state)s): ricarica la pagina.")
            % {"state": service.get_review_state_display()}
        )
    _publish(service)
    service.moderation_note = (note or "").strip()
    service.save()
    indexing.index_service(service)
    _notify_provider(service, "published", note=service.moderation_note)
    return service


@transaction.atomic
def service_reject(*, service: Service, note: str, by) -> Service:
    _check_moderator(service, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Scrivi che cosa va corretto: l'ente lo riceverà.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.review_state != Service.Review.SUBMITTED:
        raise ValidationError(
            _("Il servizio non è in attesa di revisione (stato: %(state)s): ricarica la pagina.")
            % {"state": service.get_review_state_display()}
        )
    service.review_state = Service.Review.DRAFT
    service.moderation_note = note
    service.save(update_fields=["review_state", "moderation_note", "last_modified"])
    _notify_provider(service, "rejected", note=note)
    return service


@transaction.atomic
def service_hide(*, service: Service, note: str, by) -> Service:
    """The ATS operator takes a service off the public catalogue."""
    _check_moderator(service, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Scrivi il motivo: l'ente lo riceverà.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.review_state = Service.Review.HIDDEN
    service.stale_since = None
    service.moderation_note = note
    service.save(update_fields=["review_state", "stale_since", "moderation_note", "last_modified"])
    indexing.index_service(service)
    _notify_provider(service, "hidden", note=note)
    return service


def _pending(revision: ServiceRevision) -> ServiceRevision:
    locked = ServiceRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.state != ServiceRevision.State.SUBMITTED:
        raise ValidationError(
            _("La modifica è già stata decisa (stato: %(state)s): ricarica la pagina.")
            % {"state": locked.get_state_display()}
        )
    return locked


@transaction.atomic
def revision_approve(*, revision: ServiceRevision, note: str = "", by) -> Service:
    _check_moderator(revision.service, by)
    revision = _pending(revision)
    service = Service.objects.select_for_update().get(pk=revision.service_id)
    _apply_data(service, revision.data)
    _publish(service)
    service.moderation_note = (note or "").strip()
    service.save()
    revision.state = ServiceRevision.State.APPROVED
    revision.reviewed_by = by
    revision.reviewed_at = timezone.now()
    revision.note = service.moderation_note
    revision.save()
    indexing.index_service(service)
    _notify_provider(service, "revision_approved")
    return service


@transaction.atomic
def revision_reject(*, revision: ServiceRevision, note: str, by) -> ServiceRevision:
    _check_moderator(revision.service, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Scrivi che cosa va corretto: l'ente lo riceverà.")})
    revision = _pending(revision)
    revision.state = ServiceRevision.State.REJECTED
    revision.reviewed_by = by
    revision.reviewed_at = timezone.now()
    revision.note = note
    revision.save()
    _notify_provider(revision.service, "revision_rejected", note=note)
    return revision


@transaction.atomic
def revision_withdraw(*, revision: ServiceRevision, by) -> ServiceRevision:
    _check_provider(revision.service, by)
    revision = _pending(revision)
    revision.state = ServiceRevision.State.WITHDRAWN
    revision.reviewed_at = timezone.now()
    revision.save()
    return revision


IMPORT_BATCH = 5000  # services in one IN (...)


@transaction.atomic
def revisions_import(*, proposals: dict[int, dict[str, Any]], by, source: str) -> int:
    """Changes of an HSDS import to services in a moderated state (published, stale, hidden)
    by someone who is not the ATS operator moderating them (a superuser, a system import):
    pending revisions, as a provider's edit makes (`service_save`), each replacing the pending
    one of its service, unless that one already proposes the same (the same file again
    changes nothing). `proposals`: service pk -> data in `service_data`'s form. The
    operators of each ATS get one e-mail for all of theirs. Returns how many were made.
    Set-based (a query per batch of services): an import may carry thousands."""
    ids = list(proposals)
    batches = [ids[i : i + IMPORT_BATCH] for i in range(0, len(ids), IMPORT_BATCH)]
    pending = ServiceRevision.objects.filter(state=ServiceRevision.State.SUBMITTED)
    already = {
        service_id
        for batch in batches
        for service_id, data in pending.filter(service_id__in=batch).values_list(
            "service_id", "data"
        )
        if data == proposals[service_id]
    }
    fresh = [pk for pk in ids if pk not in already]
    if not fresh:
        return 0
    now = timezone.now()
    fresh_batches = [fresh[i : i + IMPORT_BATCH] for i in range(0, len(fresh), IMPORT_BATCH)]
    withdrawn: list[int] = []
    for batch in fresh_batches:
        replaced = list(pending.filter(service_id__in=batch).values_list("pk", flat=True))
        ServiceRevision.objects.filter(pk__in=replaced).update(
            state=ServiceRevision.State.WITHDRAWN, reviewed_at=now
        )
        withdrawn += replaced
    submitter = by if getattr(by, "pk", None) else None
    created = ServiceRevision.objects.bulk_create(
        (
            ServiceRevision(service_id=pk, data=proposals[pk], submitted_by=submitter)
            for pk in fresh
        ),
        batch_size=1000,
    )
    data = {"source": source}
    withdrawal = {"state": (ServiceRevision.State.SUBMITTED, ServiceRevision.State.WITHDRAWN)}
    log_bulk(
        ServiceRevision,
        withdrawn,
        UPDATE,
        changes=withdrawal,
        fields=["reviewed_at"],
        actor=by,
        data=data,
    )
    log_bulk(
        ServiceRevision,
        [revision.pk for revision in created],
        CREATE,
        fields=["service", "data", "submitted_by"],
        actor=by,
        data=data,
    )
    per_ats: dict[int, int] = {}
    for batch in fresh_batches:
        for ats_id in Service.objects.filter(pk__in=batch).values_list(
            "organisation__comune__ats_id", flat=True
        ):
            per_ats[ats_id] = per_ats.get(ats_id, 0) + 1
    operators: dict[int, list[str]] = {}
    for ats_id, email in StaffRole.objects.filter(
        role=Role.ATS_OPERATOR, ats_id__in=per_ats, user__is_active=True
    ).values_list("ats_id", "user__email"):
        operators.setdefault(ats_id, []).append(email)
    who = getattr(by, "email", "") or _("il sistema")
    for ats_id, count in per_ats.items():
        mail.send(
            operators.get(ats_id, []),
            "services/mail/imported_changes",
            {"source": source, "who": who, "count": count},
        )
    return len(fresh)


# --- Field-by-field diff ---------------------------------------------------------------------


@dataclass
class DiffRow:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _describe_row(key: str, row: dict[str, Any]) -> str:
    if key == "locations":
        comune = Comune.objects.filter(pk=row["comune"]).first() if row.get("comune") else None
        parts = [row.get("name"), row.get("address"), comune.name if comune else row.get("url")]
        if row.get("accessibility"):
            parts.append(row["accessibility"])
        return " — ".join(str(p) for p in parts if p)
    if key == "schedules":
        day = str(Schedule.Weekday(int(row["weekday"])).label)
        text = f"{day} {row.get('opens_at')}-{row.get('closes_at')}"
        if row.get("valid_from") or row.get("valid_to"):
            text += f" ({row.get('valid_from') or '…'} → {row.get('valid_to') or '…'})"
        return text
    if key == "cost_options":
        text = str(CostOption.Option(row["option"]).label)
        if row.get("amount"):
            text += f" € {row['amount']}"
        if row.get("amount_description"):
            text += f" ({row['amount_description']})"
        return text
    if key == "phones" and row.get("kind") in Phone.Kind.values:
        row = {**row, "kind": Phone.Kind(row["kind"]).label}  # "Voce", not the HSDS code "voice"
    return " — ".join(str(row.get(f)) for f in LIST_FIELDS[key] if row.get(f) not in (None, ""))


def data_diff(before: dict[str, Any], after: dict[str, Any]) -> list[DiffRow]:
    """Every field of the service, before and after, as text (changed rows flagged)."""
    rows: list[DiffRow] = []

    def label(name: str) -> str:
        return str(getattr(Service._meta.get_field(name), "verbose_name", name))

    for f in SCALAR_FIELDS:
        b, a = before.get(f), after.get(f)
        if f == "status":
            b = Service.Status(b).label if b else ""
            a = Service.Status(a).label if a else ""
        rows.append(DiffRow(label(f), "" if b is None else str(b), "" if a is None else str(a)))
    names = dict(TaxonomyTerm.objects.values_list("code", "name"))
    rows.append(
        DiffRow(
            label("terms"),
            ", ".join(names.get(c, c) for c in before.get("terms") or []),
            ", ".join(names.get(c, c) for c in after.get("terms") or []),
        )
    )
    comuni = dict(
        Comune.objects.filter(
            pk__in=[*(before.get("eligible_comuni") or []), *(after.get("eligible_comuni") or [])]
        ).values_list("pk", "name")
    )
    rows.append(
        DiffRow(
            label("eligible_comuni"),
            ", ".join(comuni.get(c, str(c)) for c in before.get("eligible_comuni") or []),
            ", ".join(comuni.get(c, str(c)) for c in after.get("eligible_comuni") or []),
        )
    )
    list_labels = {
        "locations": _("Sedi"),
        "schedules": _("Orari"),
        "closures": _("Chiusure"),
        "phones": _("Telefoni"),
        "contacts": _("Referenti"),
        "languages": _("Lingue"),
        "cost_options": _("Costi"),
    }
    for key, text in list_labels.items():
        b_rows = [_describe_row(key, r) for r in before.get(key) or []]
        a_rows = [_describe_row(key, r) for r in after.get(key) or []]
        rows.append(DiffRow(str(text), "\n".join(b_rows), "\n".join(a_rows)))
    return rows


# --- Stale services ---------------------------------------------------------------------------


def _months_ago(now: datetime.datetime, months: int) -> datetime.datetime:
    return now - datetime.timedelta(days=round(months * 30.44))


@transaction.atomic
def services_flag_stale(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Flag published services not confirmed for SERVICE_REVIEW_MONTHS (e-mailing their
    provider) and hide stale ones after SERVICE_STALE_GRACE_DAYS. Returns (flagged, hidden)."""
    now = now or timezone.now()
    months = int(getattr(settings, "SERVICE_REVIEW_MONTHS", 6))
    grace = int(getattr(settings, "SERVICE_STALE_GRACE_DAYS", 30))
    limit = _months_ago(now, months)
    flagged = 0
    to_flag = (
        Service.objects.select_for_update()
        .filter(review_state=Service.Review.PUBLISHED, listed_object="")
        .exclude(reviewed_at__gte=limit)
        .exclude(reviewed_at__isnull=True, published_at__gte=limit)
        .select_related("organisation")
    )
    for service in to_flag:
        service.review_state = Service.Review.STALE
        service.stale_since = now
        service.save(update_fields=["review_state", "stale_since"])
        flagged += 1
        hide_on = (now + datetime.timedelta(days=grace)).date()
        _notify_provider(service, "stale", months=months, date=hide_on.strftime("%d/%m/%Y"))
    hidden_ids = list(
        Service.objects.filter(
            review_state=Service.Review.STALE,
            stale_since__lte=now - datetime.timedelta(days=grace),
        ).values_list("pk", flat=True)
    )
    if hidden_ids:
        Service.objects.filter(pk__in=hidden_ids).update(review_state=Service.Review.HIDDEN)
        # The system's job: no actor.
        log_bulk(
            Service,
            hidden_ids,
            UPDATE,
            changes={"review_state": (Service.Review.STALE, Service.Review.HIDDEN)},
        )
    indexing.reindex_services(hidden_ids) if hidden_ids else None
    return flagged, len(hidden_ids)


# --- Mistake reports --------------------------------------------------------------------------


@transaction.atomic
def mistake_report_create(*, service: Service, message: str, email: str = "", by=None):
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Scrivi che cosa non è corretto.")})
    report = MistakeReport.objects.create(service=service, message=message[:2000], email=email)
    mail.send(
        ats_operator_emails(service),
        "services/mail/mistake_report",
        {"name": service.name, "message": report.message, "email": email},
        reply_to=email or None,
    )
    return report


@transaction.atomic
def mistake_report_handle(*, report: MistakeReport, by) -> MistakeReport:
    if not selectors.mistake_reports_handled_by(by).filter(pk=report.pk).exists():
        raise PermissionDenied
    report.handled_at = timezone.now()
    report.handled_by = by
    report.save(update_fields=["handled_at", "handled_by"])
    return report


# --- Listings kept by other apps (help desks) -------------------------------------------------


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
