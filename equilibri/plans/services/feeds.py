"""Indicator feeds: apps that record what an action delivered (e.g. vouchers paid) feed its
monitoring indicators, so the lead never types those figures again (no double entry).
A feed is `(action, period_start, period_end) -> dict | None` with the keys "vouchers",
"euros", "people", "women", "men" (Decimal); None when the action has nothing to feed."""

from decimal import Decimal

from django.db import transaction

from ..models import Action, Indicator, IndicatorValue, MonitoringReport, Project

_indicator_feeds: list = []


def register_indicator_feed(feed) -> None:
    if feed not in _indicator_feeds:
        _indicator_feeds.append(feed)


def _fed_values(action: Action, start, end) -> dict | None:
    merged: dict | None = None
    for feed in _indicator_feeds:
        values = feed(action, start, end)
        if values is None:
            continue
        merged = merged or {}
        for key, value in values.items():
            merged[key] = merged.get(key, Decimal("0")) + value
    return merged


@transaction.atomic
def indicator_feeds_apply(*, report) -> int:
    """Writes the fed figures into the report's values for the indicators measured in vouchers,
    euros and people (by gender when the indicator is) of every action with a feed. Only while
    the lead can still edit the report (draft or returned); returns how many values it wrote."""
    if report.state not in (MonitoringReport.State.DRAFT, MonitoringReport.State.RETURNED):
        return 0
    written = 0
    unit_keys: dict[str, str] = {
        Indicator.Unit.VOUCHERS: "vouchers",
        Indicator.Unit.EUROS: "euros",
        Indicator.Unit.PEOPLE: "people",
    }
    for action in Action.objects.filter(project_id=report.project_id):
        values = _fed_values(action, report.period_start, report.period_end)
        if values is None:
            continue
        for indicator in action.indicators.filter(unit__in=list(unit_keys)):
            key = unit_keys[indicator.unit]
            gendered = indicator.by_gender and indicator.unit == Indicator.Unit.PEOPLE
            IndicatorValue.objects.update_or_create(
                report=report,
                indicator=indicator,
                defaults={
                    "value": values.get(key, Decimal("0")),
                    "women": values.get("women") if gendered else None,
                    "men": values.get("men") if gendered else None,
                    # A feed that counts only women and men has none of the others.
                    "other_gender": values.get("other_gender", Decimal(0)) if gendered else None,
                    "gender_unspecified": (
                        values.get("gender_unspecified", Decimal(0)) if gendered else None
                    ),
                },
            )
            written += 1
    return written


def indicator_feeds_refresh(*, project: Project, on) -> int:
    """Refreshes the fed values of the project's editable reports whose period includes `on`."""
    written = 0
    for report in project.reports.filter(period_start__lte=on, period_end__gte=on):
        written += indicator_feeds_apply(report=report)
    return written
