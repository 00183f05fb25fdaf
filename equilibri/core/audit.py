"""Reads of personal data are logged, like changes, in the audit log."""

from collections.abc import Iterable

from auditlog.models import LogEntry
from django.db import models


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
