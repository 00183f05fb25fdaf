"""What waits in the plans (the operator home's list, accounts.todo): monitoring reports sent
for validation, for the plan's ATS operators; overdue reports, for who files them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.todo import TodoItem

from .models import MonitoringReport
from .monitoring_services import overdue_q, reports_filed_by, reports_reviewed_by


def todo(user) -> list[TodoItem]:
    reports = reverse("monitoring:report_list")
    return [
        TodoItem(
            _("Rapporti di monitoraggio da validare"),
            reports_reviewed_by(user).filter(state=MonitoringReport.State.SUBMITTED).count(),
            reports,
            order=31,
        ),
        TodoItem(
            _("Rapporti di monitoraggio scaduti da inviare"),
            reports_filed_by(user).filter(overdue_q()).count(),
            reports,
            order=32,
            urgent=True,
        ),
    ]
