"""Payment batches and their exports, paid status and timeline, the monitoring feed, the
personal-data download and the anonymisation after the retention period."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from equilibri.vouchers import services
from equilibri.vouchers.models import PaymentBatch, Scheme, VoucherApplication

from .conftest import VALID_CF_MAN, xlsx_rows

A = VoucherApplication.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(confirmed, user_of):
    def make(**kwargs):
        application = confirmed(**kwargs)
        services.application_approve(application=application, by=user_of("alleanza.tradate"))
        application.refresh_from_db()
        return application

    return make


def test_a_batch_is_exported_and_paid(approved, user_of, login):
    first = approved(number="P-1")
    second = approved(number="P-2", cf=VALID_CF_MAN)
    client = login("alleanza.tradate")
    response = client.post(
        reverse("vouchers:batch_create", args=[first.scheme_id]), {"batch-title": "Novembre"}
    )
    batch = PaymentBatch.objects.get(title="Novembre")
    assert response["Location"] == reverse("vouchers:batch_detail", args=[batch.pk])
    csv = client.get(reverse("vouchers:batch_csv", args=[batch.pk]))
    text = csv.content.decode("utf-8-sig")
    assert "IT60X0542811101000000123456" in text and "150.00" in text
    assert text.count("\r\n") == 3  # header + two payments
    xlsx = client.get(reverse("vouchers:batch_xlsx", args=[batch.pk]))
    rows = xlsx_rows(xlsx.content)
    assert rows[1][0] == first.pk and rows[1][4] == 150
    assert (
        login("operatore.milano").get(reverse("vouchers:batch_csv", args=[batch.pk])).status_code
        == 404
    )
    today = timezone.localdate()
    paid = client.post(
        reverse("vouchers:batch_detail", args=[batch.pk]), {"paid-paid_on": today.isoformat()}
    )
    assert paid.status_code == 302
    for application in (first, second):
        application.refresh_from_db()
        assert application.state == A.PAID and application.paid_on == today
        assert application.paid_amount == Decimal("150.00")
    # The worker's status page shows "paid" and the whole timeline.
    worker = login(None)
    worker.force_login(
        first.applicant, backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    page = worker.get(
        reverse("vouchers_public:application_detail", args=[first.pk])
    ).content.decode()
    assert "Pagata" in page and "Confermata dal datore di lavoro" in page and "Inviata" in page
    with pytest.raises(ValidationError):
        services.batch_mark_paid(batch=batch, paid_on=today, by=user_of("alleanza.tradate"))


def test_an_empty_batch_and_an_invalid_iban_are_refused(make_scheme, approved, user_of):
    manager = user_of("alleanza.tradate")
    empty = make_scheme(title="Vuoto")
    with pytest.raises(ValidationError):
        services.batch_create(scheme=empty, title="Niente", by=manager)
    application = approved()
    VoucherApplication.objects.filter(pk=application.pk).update(iban="IT00BROKEN")
    with pytest.raises(ValidationError) as error:
        services.batch_create(scheme=application.scheme, title="Lotto", by=manager)
    assert "IBAN non valido" in str(error.value)


def test_paying_less_frees_the_difference_for_the_queue(make_scheme, confirmed, user_of):
    scheme = make_scheme(budget=Decimal("200.00"), title="Stretto")
    manager = user_of("alleanza.tradate")
    first = confirmed(scheme_=scheme, number="L-1")
    waiting = confirmed(scheme_=scheme, number="L-2", amount="100.00")  # 50 €
    services.application_approve(application=first, by=manager)
    services.application_approve(application=waiting, by=manager)
    # 150 + 50 = 200 fits: make the second wait by approving in a smaller budget.
    waiting.refresh_from_db()
    assert waiting.state == A.APPROVED
    third = confirmed(scheme_=scheme, number="L-3", amount="100.00")
    services.application_approve(application=third, by=manager)
    third.refresh_from_db()
    assert third.state == A.WAITING
    batch = services.batch_create(scheme=scheme, title="Lotto", by=manager)
    services.batch_mark_paid(
        batch=batch,
        paid_on=timezone.localdate(),
        by=manager,
        amounts={first.pk: Decimal("100.00")},
    )
    third.refresh_from_db()
    assert third.state == A.APPROVED
    assert Scheme.objects.get(pk=scheme.pk).reserved == Decimal("200.00")


def test_paid_vouchers_feed_the_monitoring_report(approved, user_of, action):
    from equilibri.plans.models import IndicatorValue, MonitoringReport

    today = timezone.localdate()
    report = MonitoringReport.objects.create(
        project=action.project,
        period_start=today - datetime.timedelta(days=60),
        period_end=today + datetime.timedelta(days=60),
        due_date=today + datetime.timedelta(days=90),
    )
    first = approved(number="M-1")
    approved(number="M-2", cf=VALID_CF_MAN)
    manager = user_of("alleanza.tradate")
    batch = services.batch_create(scheme=first.scheme, title="Mese", by=manager)
    services.batch_mark_paid(batch=batch, paid_on=today, by=manager)
    values = {
        v.indicator.unit: v
        for v in IndicatorValue.objects.filter(report=report).select_related("indicator")
    }
    # Demo data paid one voucher (300 €) to Giulia Bianchi five days ago, in this period too.
    assert values["vouchers"].value == Decimal("3")
    assert values["euros"].value == Decimal("600.00")
    assert values["people"].value == Decimal("3")
    assert (values["people"].women, values["people"].men) == (Decimal("2"), Decimal("1"))
    # A second refresh writes the same figures: no double entry.
    from equilibri.plans.services import indicator_feeds_refresh

    indicator_feeds_refresh(project=action.project, on=today)
    assert IndicatorValue.objects.filter(report=report).count() == len(values)
    assert IndicatorValue.objects.get(report=report, indicator__unit="vouchers").value == 3


def test_the_applicant_downloads_their_data(approved):
    from equilibri.accounts.personal_data import export_for

    application = approved()
    data = export_for(application.applicant)["vouchers"]
    assert data[0]["fiscal_code"] == application.fiscal_code
    assert data[0]["expenses"][0]["receipt_number"] == "R-1"
    assert [step["to"] for step in data[0]["timeline"]][-1] == A.APPROVED


def test_applications_are_anonymised_years_after_the_scheme_closes(approved, settings):
    application = approved()
    line = application.expenses.get()
    path = line.file.name
    storage = line.file.storage
    settings.VOUCHER_RETENTION_YEARS = 2
    scheme = application.scheme
    today = timezone.localdate()
    assert (
        services.anonymise_expired(today) == 0
        or not VoucherApplication.objects.filter(
            pk=application.pk, anonymised_at__isnull=False
        ).exists()
    )
    Scheme.objects.filter(pk=scheme.pk).update(
        opens_on=today.replace(year=today.year - 4), closes_on=today.replace(year=today.year - 3)
    )
    services.anonymise_expired(today)
    application.refresh_from_db()
    assert application.anonymised_at and application.fiscal_code == "" and application.iban == ""
    assert application.applicant is None and application.approved_amount == Decimal("150.00")
    assert application.gender == "female"  # kept for the statistics
    assert not storage.exists(path)


def test_the_retention_job_is_registered():
    from equilibri.core.periodic import jobs

    assert "anonymise_voucher_applications" in {job.name for job in jobs()}


def test_a_report_opened_after_payments_starts_with_the_fed_figures(user_of, action):
    from equilibri.plans.models import IndicatorValue, TerritorialPlan
    from equilibri.plans.monitoring_services import plan_periods, report_open

    paid_on = timezone.localdate() - datetime.timedelta(days=5)  # the demo's paid voucher
    # The demo plan may have ended: stretch it to cover the payment.
    TerritorialPlan.objects.filter(pk=action.project.plan_id).update(end_year=paid_on.year + 1)
    action.project.plan.refresh_from_db()
    start = next(s for s, e in plan_periods(action.project.plan) if s <= paid_on <= e)
    action.project.reports.filter(period_start=start).delete()
    report = report_open(project=action.project, period_start=start, by=user_of("alleanza.tradate"))
    fed = IndicatorValue.objects.get(report=report, indicator__unit="euros")
    assert fed.value >= Decimal("300.00")


def test_the_budget_and_the_anonymisation_are_logged(approved):
    from auditlog.models import LogEntry

    from equilibri.vouchers.models import ExpenseLine
    from tests.audit import bulk_entries, last_entry

    since = last_entry()
    application = approved()
    (reserved,) = bulk_entries(Scheme, LogEntry.Action.UPDATE, since)
    assert reserved.additional_data["ids"] == [application.scheme_id]
    assert Decimal(reserved.additional_data["reserved"]) == application.approved_amount

    line = application.expenses.get()
    since = last_entry()
    services.application_anonymise(application=application)
    (erased,) = bulk_entries(VoucherApplication, LogEntry.Action.UPDATE, since)
    assert erased.additional_data["ids"] == [application.pk]
    assert "fiscal_code" in erased.additional_data["fields"]
    assert erased.changes is None  # the erased values are not kept in the log
    assert application.fiscal_code not in str(erased.additional_data)
    (lines,) = bulk_entries(ExpenseLine, LogEntry.Action.UPDATE, since)
    assert lines.additional_data["ids"] == [line.pk]
