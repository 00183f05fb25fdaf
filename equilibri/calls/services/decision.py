"""The funding act: funds go down the ranking until the budget ends (the last one is funded in
part if the call allows it); funded applications become projects of the call's territorial
plan."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.plans import selectors as plan_selectors
from equilibri.plans import services as plan_services
from equilibri.plans.models import Project

from ..eligibility import euro
from ..models import Application, ApplicationPartner, Call
from .common import field_error, record_event, require_call_manager
from .notifications import applicant_emails, send_mail
from .quorum import require_quorum


def _create_project(application: Application, by) -> Project:
    """The funded application becomes a project of the call's plan, with its partners, budget
    and one action per macro-area (its budget lines)."""
    call = application.call
    plan = call.plan
    if plan is None:
        raise ValidationError(
            _("Indica nel bando il piano territoriale in cui creare i progetti finanziati."),
            code="no_plan",
        )
    total = application.total_cost
    granted = application.granted or Decimal(0)
    start = call.decision_date or timezone.localdate()
    project = plan_services.project_create(
        plan=plan,
        by=by,
        kind=Project.Kind.CALL,
        title=application.title[:300],
        lead=application.lead,
        summary=(
            _("Domanda %(id)s al bando «%(call)s» (%(act)s).")
            % {
                "id": application.public_id,
                "call": call.title,
                "act": call.decision_number,
            }
            + ("\n\n" + application.summary if application.summary else "")
        ),
        regional_grant=granted,
        cofinancing=max(total - granted, Decimal(0)),
        start_date=start,
        end_date=start + datetime.timedelta(days=round(call.project_months * 30.44)),
        partners=[
            (p.organisation, p.role or _("Partner"))
            for p in application.partners.filter(state=ApplicationPartner.State.CONFIRMED)
        ],
    )
    by_area: dict[int | None, Decimal] = {}
    for line in application.budget_lines.all():
        by_area[line.macro_area_id] = by_area.get(line.macro_area_id, Decimal(0)) + line.amount
    from equilibri.plans.models import ActionCategory

    fallback = ActionCategory.objects.order_by("order").first()
    areas = {a.pk: a for a in call.macro_areas.all()}
    descriptions = {a.macro_area_id: a.description for a in application.areas.all()}
    for area_id, amount in by_area.items():
        area = areas.get(area_id) if area_id is not None else None
        category = (area.category if area and area.category_id else None) or fallback
        if category is None:
            continue
        plan_services.action_create(
            project=project,
            by=by,
            title=(area.name if area else _("Altre attività"))[:300],
            category=category,
            description=descriptions.get(area_id, "") if area_id is not None else "",
            budget=amount,
        )
    plan_services.project_evaluate(project=project, by=by, note=call.title)
    plan_services.project_approve(
        project=project, by=by, note=f"{call.decision_number} {call.decision_date or ''}".strip()
    )
    return project


def _allocate(call: Call, ranked: list[Application]) -> dict[int, Decimal]:
    """Application id → its grant, down the ranking until the call's budget ends (the last one
    in part if the call allows it); excluded and unfunded applications are not in it."""
    remaining = call.budget
    grants: dict[int, Decimal] = {}
    for application in ranked:
        if application.excluded_reason:
            continue
        requested = application.requested_grant
        if requested <= remaining:
            grants[application.pk] = requested
            remaining -= requested
        elif call.partial_last and remaining > 0:
            grants[application.pk] = remaining
            remaining = Decimal(0)
    return grants


def _require_plan_money(call: Call, total: Decimal) -> None:
    """The funded applications become projects of the call's plan, which draw its regional
    money: refused as a whole, before anything is recorded, when the plan has not that much left
    (each project's creation checks it again under the plan's lock)."""
    assert call.plan is not None  # call_decide refuses a call without a plan before this
    money = plan_selectors.plan_money(plan_services.lock_plan(call.plan))
    if total <= money.remaining:
        return
    raise field_error(
        None,
        _(
            "I finanziamenti della graduatoria sono %(total)s, ma il piano «%(plan)s» ha ancora "
            "%(remaining)s di contributi regionali da assegnare ai progetti. Aumenta i "
            "contributi del piano o riduci il budget del bando, poi registra di nuovo l'atto."
        )
        % {
            "total": euro(total),
            "plan": call.plan,
            "remaining": euro(max(money.remaining, Decimal(0))),
        },
        code="plan_budget",
    )


@transaction.atomic
def call_decide(
    *, call: Call, by, act_number: str, act_date: datetime.date, create_projects: bool = True
) -> list[Application]:
    """Records the funding act and allocates the budget down the ranking."""
    require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).select_related("plan").get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(_("L'atto di finanziamento è già registrato."), code="decided")
    if not call.ranked_at:
        raise ValidationError(
            _("Calcola prima la graduatoria: l'atto di finanziamento la approva."),
            code="not_ranked",
        )
    # The ranking checked the quorum; checked again, as the committee may have changed since.
    require_quorum(call, list(call.applications.filter(state=Application.State.SCORED)))
    if not act_number.strip():
        raise field_error("act_number", _("Indica il numero dell'atto (delibera o decreto)."))
    if call.plan is None:
        raise field_error(
            None,
            _("Indica nel bando il piano territoriale in cui creare i progetti finanziati."),
            code="no_plan",
        )
    call.decision_number = act_number
    call.decision_date = act_date
    call.decided_at = timezone.now()
    call.save(update_fields=["decision_number", "decision_date", "decided_at"])
    ranked = list(call.applications.filter(state=Application.State.SCORED).order_by("rank"))
    grants = _allocate(call, ranked)
    if create_projects:
        # Only applications with a lead organisation become projects (see below).
        leads = {a.pk for a in ranked if a.lead_id}
        _require_plan_money(call, sum((g for pk, g in grants.items() if pk in leads), Decimal(0)))
    for application in ranked:
        requested = application.requested_grant
        granted = grants.get(application.pk)
        note = ""
        if application.excluded_reason:
            application.state = Application.State.NOT_FUNDED
            note = application.excluded_reason
        elif granted is None:
            application.state = Application.State.NOT_FUNDED
            note = _("Ammessa ma non finanziata per esaurimento dei fondi.")
        else:
            application.state, application.granted = Application.State.FUNDED, granted
            if granted < requested:
                note = _("Finanziata in parte: %(amount)s su %(requested)s richiesti.") % {
                    "amount": euro(granted),
                    "requested": euro(requested),
                }
        if application.state == Application.State.FUNDED:
            end = act_date + datetime.timedelta(days=round(call.project_months * 30.44))
            application.report_due = end + datetime.timedelta(days=call.report_days)
        application.save(update_fields=["state", "granted", "report_due"])
        record_event(application, by, note)
        if (
            application.state == Application.State.FUNDED
            and create_projects
            and application.lead_id
        ):
            application.project = _create_project(application, by)
            application.save(update_fields=["project"])
        send_mail(
            applicant_emails(application),
            "decision",
            call=call.title,
            act=act_number,
            date=date_format(act_date, "SHORT_DATE_FORMAT"),
            id=application.public_id,
            state=application.get_state_display().lower(),
            note=note,
        )
    return ranked
