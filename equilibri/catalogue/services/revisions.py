"""Pending edits of published services: the ATS operator approves or rejects them, the
provider withdraws them, and an HSDS import proposes them in bulk (`revisions_import`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role
from equilibri.core import mail
from equilibri.core.audit import CREATE, UPDATE, log_bulk

from .. import indexing
from ..models import Service, ServiceRevision
from .data import _apply_data
from .moderation import _check_moderator, _publish
from .notifications import _notify_provider
from .providers import _check_provider


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
