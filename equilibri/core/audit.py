"""The audit log (django-auditlog): changes made through `save()` and `delete()` are logged by
auditlog itself; reads of personal data and writes that bypass `save()` (queryset `update()`,
`bulk_create`, plain SQL) are logged here."""

from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.db import models

# Ids named in one entry of a bulk write: a larger write is logged as several entries of this
# many ids each (an import of a million services: a hundred entries, no id left out).
BULK_IDS = 10_000
# The actions of `log_bulk`.
CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def log_personal_data_read(
    instance: models.Model, *, actor=None, fields: Iterable[str] = (), purpose: str = ""
) -> LogEntry:
    """Records that `actor` (default: the request's user, via the audit middleware) read the
    named personal fields of `instance`, and why."""
    extra = {"fields": sorted(fields), "purpose": purpose}
    kwargs = {"action": LogEntry.Action.ACCESS, "force_log": True, "additional_data": extra}
    if actor is not None:
        kwargs["actor"] = actor
    entry = LogEntry.objects.log_create(instance, **kwargs)
    assert entry is not None  # force_log always creates one
    return entry


def log_bulk(
    model: type[models.Model],
    ids: Iterable[Any],
    action: int,
    *,
    fields: Iterable[str] = (),
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    actor: Any = None,
    data: Mapping[str, Any] | None = None,
    registry: Any = None,
) -> list[Any]:
    """Logs a write that bypassed `save()` (so auditlog saw nothing): one entry per BULK_IDS of
    the rows written, in the write's transaction, with their ids in `additional_data["ids"]`.

    `action`: CREATE, UPDATE or DELETE. `fields`: the fields written (their
    values are left out: they differ per row, or are personal data being erased); `changes`:
    field -> (old, new) when the same for every row (old None when unknown), in auditlog's own
    `changes` form. `actor`: who did it (default: the request's user, through the audit
    middleware; none for the system's jobs). `data`: anything else worth keeping (the import's
    file). `registry`: a data migration's `apps`. No ids, no entry. An entry of one id is also
    that object's, as auditlog's own are (`LogEntry.objects.get_for_object`)."""
    ids = list(dict.fromkeys(ids))
    if not ids or auditlog_disabled.get():
        return []
    registry = registry or django_apps
    entry_model = registry.get_model("auditlog", "LogEntry")
    content_type = registry.get_model("contenttypes", "ContentType").objects.get_for_model(model)
    changes = dict(changes or {})
    extra: dict[str, Any] = {"fields": sorted({*fields, *changes})}
    if data:
        extra.update(data)
    if len(ids) > BULK_IDS:
        extra["total"] = len(ids)
    plural = str(model._meta.verbose_name_plural)
    entries = []
    for start in range(0, len(ids), BULK_IDS):
        chunk = ids[start : start + BULK_IDS]
        single = chunk[0] if len(chunk) == 1 else None
        # Created one by one (a handful per write) so that auditlog's middleware context
        # gives them the request's actor and address, as it gives its own entries.
        entries.append(
            entry_model.objects.create(
                content_type=content_type,
                object_pk="" if single is None else str(single),
                object_id=single if isinstance(single, int) else None,
                object_repr=f"{len(chunk)} {plural}",
                action=action,
                changes={
                    name: [None if v is None else str(v) for v in pair]
                    for name, pair in changes.items()
                }
                or None,
                actor=actor if getattr(actor, "pk", None) else None,
                cid=get_cid(),
                additional_data={**extra, "ids": chunk},
            )
        )
    return entries
