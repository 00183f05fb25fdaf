"""Changes to a published call (its window, its rules): each is kept as a `CallChange` (who,
when, before and after, the reason) and e-mailed to every applicant and invited partner.

RULES: a change to a published call needs a reason; the window can only grow (applications may
close later and open earlier, never the reverse), so nobody who planned on the published dates
loses time."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.core.mail import absolute_reverse

from ..models import Application, ApplicationPartner, Call, CallChange
from .common import field_error
from .notifications import applicant_emails, org_admin_emails, send_mail


def display_value(instance: models.Model, name: str) -> str:
    """A field's value as the call page shows it (dates in Rome's time, choices by label)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return "—"
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def field_label(name: str) -> str:
    return str(getattr(Call._meta.get_field(name), "verbose_name", name))


def require_reason(call: Call, reason: str, field: str = "reason") -> str:
    """The reason of a change, which a published call's change cannot go without."""
    reason = (reason or "").strip()
    if call.is_published and not reason:
        raise field_error(
            field,
            _(
                "Il bando è pubblicato: scrivi il motivo della modifica, che sarà comunicato ai "
                "richiedenti e ai partner invitati."
            ),
            code="reason_required",
        )
    return reason


def check_window_extends(old: Call, new: Call) -> None:
    """A published call's window may only grow."""
    if not old.is_published:
        return
    if new.closes_at < old.closes_at:
        raise field_error(
            "closes_at",
            _(
                "Il bando è pubblicato: la chiusura delle domande si può solo posticipare (ora è "
                "%(date)s)."
            )
            % {"date": display_value(old, "closes_at")},
            code="deadline_earlier",
        )
    if new.opens_at > old.opens_at:
        raise field_error(
            "opens_at",
            _("Il bando è pubblicato: l'apertura delle domande si può solo anticipare."),
            code="opening_later",
        )


def record_change(
    *, call: Call, by, reason: str, before: dict[str, str], after: dict[str, str]
) -> CallChange | None:
    """Keeps the change of a published call and tells every applicant (one e-mail per
    application, drafts included) and every invited partner (its administrators). Nothing is
    kept for a call in preparation, or when nothing changed."""
    if not call.is_published or before == after:
        return None
    change = CallChange.objects.create(call=call, by=by, reason=reason, before=before, after=after)
    lines = "\n".join(f"- {name}: {old} → {new}" for name, old, new in change.rows)
    context: dict[str, Any] = {
        "call": call.title,
        "reason": reason,
        "lines": lines,
        "url": absolute_reverse("calls_public:call_detail", call.pk),
    }
    for application in Application.objects.filter(call=call).select_related("applicant"):
        send_mail(applicant_emails(application), "call_changed", **context)
    partners = (
        ApplicationPartner.objects.filter(application__call=call)
        .exclude(state=ApplicationPartner.State.DECLINED)
        .select_related("organisation")
    )
    organisations = {partner.organisation_id: partner.organisation for partner in partners}
    for organisation in organisations.values():
        send_mail(org_admin_emails(organisation), "call_changed", **context)
    return change
