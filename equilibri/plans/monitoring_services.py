"""Periodic monitoring of projects: reports, indicator values, expenditure and its checks.

Every state change is one function `<entity>_<action>(*, ..., by=user)` in a transaction;
e-mails leave on commit. Reads used by the monitoring views are scoped here too
(`reports_visible_to`, `reports_filed_by`, `reports_reviewed_by`).
"""

import datetime
import math
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role, ats_ids_for, is_region_wide
from equilibri.core import audit, mail
from equilibri.core.money import format_number
from equilibri.core.uploads import check_upload
from equilibri.network.models import AllianceRole, OrganisationRole

from .models import (
    Action,
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    Project,
    SampleDraw,
    TerritorialPlan,
)
from .selectors import ATS_READERS, plans_managed_by, projects_reported_by

ReportState = MonitoringReport.State
# Days after the end of a period by which its report is due.
REPORT_DUE_DAYS = 30
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Projects whose reports can no longer be opened or changed.
CLOSED_PROJECT_STATES = {Project.State.CLOSED}
EDITABLE_STATES = {ReportState.DRAFT, ReportState.RETURNED}


# ---------------------------------------------------------------------------------------------
# Scoped reads


def reports_visible_to(user) -> QuerySet[MonitoringReport]:
    """The lead sees its projects' reports; ATS operators and committee members their ATS's;
    regional viewers and superusers all of them."""
    qs = MonitoringReport.objects.select_related("project__plan__ats", "project__alliance")
    if is_region_wide(user):
        return qs
    return qs.filter(
        Q(project__in=projects_reported_by(user).values("pk"))
        | Q(project__plan__ats_id__in=ats_ids_for(user, *ATS_READERS))
    ).distinct()


def reports_filed_by(user) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(
        project__in=projects_reported_by(user).values("pk")
    ).select_related("project__plan__ats")


def reports_reviewed_by(user) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(
        project__plan__in=plans_managed_by(user).values("pk")
    ).select_related("project__plan__ats")


def expenditures_visible_to(user) -> QuerySet[Expenditure]:
    return Expenditure.objects.filter(report__in=reports_visible_to(user).values("pk"))


def is_overdue(report: MonitoringReport, today: datetime.date | None = None) -> bool:
    return report.state == ReportState.DRAFT and report.due_date < (today or timezone.localdate())


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(state=ReportState.DRAFT, due_date__lt=today or timezone.localdate())


# ---------------------------------------------------------------------------------------------
# Periods


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def plan_periods(plan: TerritorialPlan) -> list[tuple[datetime.date, datetime.date]]:
    """The plan's monitoring periods, every `monitoring_period_months` from 1 January of its
    first year to 31 December of its last (the last period may be shorter)."""
    step = plan.monitoring_period_months
    end_of_plan = datetime.date(plan.end_year, 12, 31)
    periods = []
    start = datetime.date(plan.start_year, 1, 1)
    while start <= end_of_plan:
        following = _add_months(start, step)
        periods.append((start, min(following - datetime.timedelta(days=1), end_of_plan)))
        start = following
    return periods


def due_date_for(period_end: datetime.date) -> datetime.date:
    return period_end + datetime.timedelta(days=REPORT_DUE_DAYS)


def period_label(start: datetime.date, end: datetime.date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"


def open_periods(project: Project, today: datetime.date | None = None) -> list[tuple]:
    """Periods already begun that have no report yet: the ones the lead may open."""
    today = today or timezone.localdate()
    if project.state in CLOSED_PROJECT_STATES:
        return []
    taken = set(project.reports.values_list("period_start", flat=True))
    return [
        p
        for p in plan_periods(project.plan)
        if p[0] <= today and p[0] not in taken and _within_project(project, p[1])
    ]


def _within_project(project: Project, period_end: datetime.date) -> bool:
    return project.start_date is None or period_end >= project.start_date


# ---------------------------------------------------------------------------------------------
# E-mail


def _emails(users: Iterable) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def lead_emails(project: Project) -> list[str]:
    users = []
    if project.alliance_id is not None:
        roles = AllianceRole.objects.filter(alliance_id=project.alliance_id).select_related("user")
        users += [r.user for r in roles]
    users += [
        r.user
        for r in OrganisationRole.objects.filter(
            organisation_id=project.lead_id, role=Role.ORG_ADMIN
        ).select_related("user")
    ]
    return _emails(users)


def ats_operator_emails(ats_id: int) -> list[str]:
    roles = StaffRole.objects.filter(role=Role.ATS_OPERATOR, ats_id=ats_id).select_related("user")
    return _emails(r.user for r in roles)


def _mail_about(report: MonitoringReport, template: str, recipients: list[str], **extra) -> None:
    mail.send(
        recipients,
        f"plans/mail/{template}",
        {
            "project": report.project.title,
            "period": period_label(report.period_start, report.period_end),
            "report_id": report.pk,
            **extra,
        },
    )


# ---------------------------------------------------------------------------------------------
# Reports


def _closed_message(project: Project, start: datetime.date, end: datetime.date) -> str:
    return _(
        "Il periodo %(period)s del progetto «%(project)s» è chiuso: non si può modificare."
    ) % {
        "period": period_label(start, end),
        "project": project.title,
    }


def _require_filer(report_or_project, by) -> None:
    project = getattr(report_or_project, "project", report_or_project)
    if not projects_reported_by(by).filter(pk=project.pk).exists():
        raise PermissionDenied


def _require_reviewer(plan_id: int, by) -> None:
    if not plans_managed_by(by).filter(pk=plan_id).exists():
        raise PermissionDenied


@transaction.atomic
def report_open(*, project: Project, period_start: datetime.date, by) -> MonitoringReport:
    """Create the draft report of a period for the project's lead."""
    _require_filer(project, by)
    periods = dict(plan_periods(project.plan))
    if period_start not in periods:
        raise ValidationError(
            _(
                "Il periodo che inizia il %(day)s non è un periodo di monitoraggio del piano: "
                "scegli uno dei periodi di %(months)s mesi proposti."
            )
            % {
                "day": date_format(period_start, "SHORT_DATE_FORMAT"),
                "months": project.plan.monitoring_period_months,
            }
        )
    period_end = periods[period_start]
    if not _within_project(project, period_end):
        raise ValidationError(
            _("Il periodo %(period)s finisce prima dell'avvio del progetto.")
            % {"period": period_label(period_start, period_end)}
        )
    if period_start > timezone.localdate():
        raise ValidationError(
            _("Il periodo %(period)s non è ancora iniziato: la relazione si apre dal suo inizio.")
            % {"period": period_label(period_start, period_end)}
        )
    existing = project.reports.filter(period_start=period_start).first()
    if project.state in CLOSED_PROJECT_STATES or (
        existing and existing.state == ReportState.ACCEPTED
    ):
        raise ValidationError(_closed_message(project, period_start, period_end))
    if existing:
        raise ValidationError(
            _("La relazione del periodo %(period)s esiste già: aprila dall'elenco.")
            % {"period": period_label(period_start, period_end)}
        )
    report = MonitoringReport.objects.create(
        project=project,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date_for(period_end),
    )
    # Figures another app already measures (vouchers paid in the period) come in by themselves.
    from .services import indicator_feeds_apply

    indicator_feeds_apply(report=report)
    return report


def _require_editable(report: MonitoringReport) -> None:
    if report.project.state in CLOSED_PROJECT_STATES or report.state == ReportState.ACCEPTED:
        raise ValidationError(
            _closed_message(report.project, report.period_start, report.period_end)
        )
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("La relazione è già stata inviata: attendi la validazione dell'ATS per modificarla.")
        )


def report_indicators(report: MonitoringReport) -> QuerySet[Indicator]:
    return Indicator.objects.filter(action__project_id=report.project_id).select_related("action")


@dataclass
class IndicatorInput:
    value: Decimal | None
    women: Decimal | None = None
    men: Decimal | None = None
    # The other categories of core.genders: optional, nothing written counts as 0.
    other_gender: Decimal | None = None
    gender_unspecified: Decimal | None = None


def _check_value(indicator: Indicator, data: IndicatorInput) -> None:
    for number in (data.value, data.women, data.men, data.other_gender, data.gender_unspecified):
        if number is not None and number < 0:
            raise ValidationError(
                _("Il valore di «%(name)s» non può essere negativo.") % {"name": indicator.name}
            )
    if indicator.by_gender and data.value is not None:
        if data.women is None or data.men is None:
            raise ValidationError(
                _("Per «%(name)s» indica quante sono le donne e quanti gli uomini.")
                % {"name": indicator.name}
            )
        other = data.other_gender or Decimal(0)
        unspecified = data.gender_unspecified or Decimal(0)
        if data.women + data.men + other + unspecified != data.value:
            raise ValidationError(
                _(
                    "Per «%(name)s» donne (%(women)s), uomini (%(men)s), altro genere "
                    "(%(other)s) e genere non indicato (%(unspecified)s) devono fare il valore "
                    "totale (%(value)s)."
                )
                % {
                    "name": indicator.name,
                    "women": format_number(data.women),
                    "men": format_number(data.men),
                    "other": format_number(other),
                    "unspecified": format_number(unspecified),
                    "value": format_number(data.value),
                }
            )


@transaction.atomic
def report_save(
    *,
    report: MonitoringReport,
    narrative: str,
    values: dict[int, IndicatorInput],
    by,
) -> MonitoringReport:
    """Save the draft: the narrative and the indicator values (an empty value removes it)."""
    _require_filer(report, by)
    _require_editable(report)
    indicators = {i.pk: i for i in report_indicators(report)}
    errors = []
    for indicator_id, data in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise ValidationError(_("Indicatore non previsto dal progetto."))
        try:
            _check_value(indicator, data)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    for indicator_id, data in values.items():
        if data.value is None:
            IndicatorValue.objects.filter(report=report, indicator_id=indicator_id).delete()
            continue
        by_gender = indicators[indicator_id].by_gender
        IndicatorValue.objects.update_or_create(
            report=report,
            indicator_id=indicator_id,
            defaults={
                "value": data.value,
                "women": data.women if by_gender else None,
                "men": data.men if by_gender else None,
                "other_gender": (data.other_gender or Decimal(0)) if by_gender else None,
                "gender_unspecified": (
                    (data.gender_unspecified or Decimal(0)) if by_gender else None
                ),
            },
        )
    report.narrative = narrative
    report.save(update_fields=["narrative"])
    return report


@transaction.atomic
def expenditure_add(
    *,
    report: MonitoringReport,
    action: Action,
    description: str,
    amount: Decimal,
    document: UploadedFile | None,
    self_declared: bool,
    by,
) -> Expenditure:
    _require_filer(report, by)
    _require_editable(report)
    if action.project_id != report.project_id:
        raise ValidationError(_("La voce di budget non appartiene al progetto."))
    if amount is None or amount <= 0:
        raise ValidationError(_("L'importo della spesa deve essere maggiore di zero."))
    if document is not None and self_declared:
        raise ValidationError(
            _("Allega il documento oppure dichiara la spesa con autodichiarazione, non entrambi.")
        )
    if document is None and not self_declared:
        raise ValidationError(
            _("Allega il documento di spesa (PDF, JPEG o PNG) o segna l'autodichiarazione.")
        )
    checked = check_upload(document, max_bytes=MAX_DOCUMENT_BYTES) if document else None
    expenditure = Expenditure(
        report=report,
        action=action,
        description=description,
        amount=amount,
        self_declared=self_declared,
    )
    if checked is not None:
        expenditure.document.save(checked.name, checked, save=False)
    expenditure.save()
    return expenditure


@transaction.atomic
def expenditure_remove(*, expenditure: Expenditure, by) -> None:
    _require_filer(expenditure.report, by)
    _require_editable(expenditure.report)
    document = expenditure.document.name
    expenditure.delete()
    if document:
        storage = expenditure.document.storage
        transaction.on_commit(lambda: storage.delete(document))


def report_missing(report: MonitoringReport) -> list[str]:
    """What the report still lacks before it can be sent, in plain words."""
    missing = []
    filled = set(report.values.values_list("indicator_id", flat=True))
    for indicator in report_indicators(report):
        if indicator.pk not in filled:
            missing.append(
                _("il valore dell'indicatore «%(name)s» (azione «%(action)s»)")
                % {"name": indicator.name, "action": indicator.action.title}
            )
    if not report.narrative.strip():
        missing.append(_("la relazione descrittiva del periodo"))
    return missing


@transaction.atomic
def report_submit(*, report: MonitoringReport, by) -> MonitoringReport:
    _require_filer(report, by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_editable(report)
    missing = report_missing(report)
    if missing:
        raise ValidationError(
            [_("La relazione non è completa. Manca:")] + [f"– {item}" for item in missing]
        )
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by
    report.save(update_fields=["state", "submitted_at", "submitted_by"])
    project = report.project
    _mail_about(
        report,
        "report_submitted",
        ats_operator_emails(project.plan.ats_id),
        lead=project.lead.name,
    )
    return report


def _require_submitted(report: MonitoringReport) -> None:
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Si possono validare o rinviare solo le relazioni inviate."))


@transaction.atomic
def report_accept(*, report: MonitoringReport, by) -> MonitoringReport:
    _require_reviewer(report.project.plan_id, by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_submitted(report)
    pending = report.expenditures.filter(self_declared=False, check_state=Expenditure.Check.PENDING)
    if pending.exists():
        raise ValidationError(
            [_("Verifica prima tutte le spese con documento. Da verificare:")]
            + [f"– {e.description} ({e.amount} €)" for e in pending]
        )
    report.state = ReportState.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.review_comment = ""
    report.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment"])
    _mail_about(report, "report_validated", lead_emails(report.project))
    return report


@transaction.atomic
def report_return(*, report: MonitoringReport, comment: str, by) -> MonitoringReport:
    _require_reviewer(report.project.plan_id, by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_submitted(report)
    if not comment.strip():
        raise ValidationError(_("Scrivi le osservazioni: spiegano al capofila cosa correggere."))
    report.state = ReportState.RETURNED
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.review_comment = comment.strip()
    report.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment"])
    _mail_about(
        report, "report_returned", lead_emails(report.project), comment=report.review_comment
    )
    return report


# ---------------------------------------------------------------------------------------------
# Expenditure checks and the random sample of self-declarations


@transaction.atomic
def expenditure_check(*, expenditure: Expenditure, state: str, note: str, by) -> Expenditure:
    """Record the ATS's check of one expenditure: every one with a document, and the
    self-declarations drawn in a sample."""
    _require_reviewer(expenditure.report.project.plan_id, by)
    if expenditure.report.state not in {ReportState.SUBMITTED, ReportState.ACCEPTED}:
        raise ValidationError(_("Si verificano le spese delle relazioni inviate."))
    if state not in {Expenditure.Check.ACCEPTED, Expenditure.Check.REJECTED}:
        raise ValidationError(_("Scegli se la spesa è ammessa o non ammessa."))
    if expenditure.self_declared and not expenditure.draws.exists():
        raise ValidationError(
            _("Le autodichiarazioni si verificano solo se estratte nel campione.")
        )
    if state == Expenditure.Check.REJECTED and not note.strip():
        raise ValidationError(_("Spiega perché la spesa non è ammessa."))
    expenditure.check_state = state
    expenditure.check_note = note.strip()
    expenditure.save(update_fields=["check_state", "check_note"])
    return expenditure


def sample_population(plan: TerritorialPlan) -> QuerySet[Expenditure]:
    """Self-declarations of the plan's sent or validated reports not sampled before."""
    return (
        Expenditure.objects.filter(
            report__project__plan=plan,
            report__state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED],
            self_declared=True,
        )
        .exclude(draws__isnull=False)
        .order_by("pk")
    )


def sample_size(population: int, share: Decimal) -> int:
    """At least one when there is anything to draw; rounded up."""
    if population == 0 or share <= 0:
        return 0
    return min(population, max(1, math.ceil(Decimal(population) * share / 100)))


def sample_of(population_pks: Sequence[int], share: Decimal, seed: int) -> list[int]:
    """The sampled pks: the same population (ordered by pk), share and seed give the same
    sample, so anyone can check a draw."""
    ordered = sorted(population_pks)
    rng = random.Random(seed)  # noqa: S311 - reproducible by design, the seed is secret-drawn
    return sorted(rng.sample(ordered, sample_size(len(ordered), share)))


@transaction.atomic
def sample_draw(
    *, plan: TerritorialPlan, share: Decimal, by, seed: int | None = None
) -> SampleDraw:
    _require_reviewer(plan.pk, by)
    if share is None or not Decimal("0") < share <= Decimal("100"):
        raise ValidationError(_("La quota da campionare deve essere tra 0 e 100 per cento."))
    population = list(sample_population(plan).values_list("pk", flat=True))
    if not population:
        raise ValidationError(
            _("Non ci sono autodichiarazioni da campionare nelle relazioni inviate del piano.")
        )
    if seed is None:
        seed = secrets.randbits(62)
    draw = SampleDraw.objects.create(plan=plan, seed=seed, share=share, drawn_by=by)
    draw.population.set(population)
    draw.sampled.set(sample_of(population, share, seed))
    return draw


def draw_is_reproducible(draw: SampleDraw) -> bool:
    population = list(draw.population.values_list("pk", flat=True))
    sampled = sorted(draw.sampled.values_list("pk", flat=True))
    return sample_of(population, draw.share, draw.seed) == sampled


# ---------------------------------------------------------------------------------------------
# Overdue reminders


def notify_overdue_reports(today: datetime.date | None = None) -> int:
    """E-mail the lead once for each report not sent by its due date."""
    sent = 0
    overdue = MonitoringReport.objects.filter(overdue_q(today), overdue_notified_at__isnull=True)
    for report in overdue.select_related("project__plan"):
        with transaction.atomic():
            now = timezone.now()
            claimed = MonitoringReport.objects.filter(
                pk=report.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            audit.log_bulk(
                MonitoringReport,
                [report.pk],
                audit.UPDATE,
                changes={"overdue_notified_at": (None, now)},
            )
            _mail_about(
                report,
                "report_overdue",
                lead_emails(report.project),
                due=date_format(report.due_date, "SHORT_DATE_FORMAT"),
            )
            sent += 1
    return sent


def register_periodic_jobs() -> None:
    """Call from PlansConfig.ready(): the daily overdue-report reminder."""
    from equilibri.core.periodic import PeriodicJob, register_job

    from . import tasks

    register_job(
        PeriodicJob(
            "notify_overdue_reports",
            datetime.timedelta(days=1),
            tasks.notify_overdue_reports.enqueue,
        )
    )
