import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from equilibri.core.periodic import jobs
from equilibri.plans import monitoring_services as services
from equilibri.plans import tasks
from equilibri.plans.models import Expenditure, MonitoringReport, Project, SampleDraw
from tests.uploads import image_bytes, pdf_bytes

from ..conftest import email_of

D = datetime.date
R = MonitoringReport.State
PDF = pdf_bytes()
PNG = image_bytes("PNG")


def fill_all(report, user, narrative="Relazione del periodo."):
    """Every indicator filled consistently (women + men = value when by gender)."""
    values = {}
    for indicator in services.report_indicators(report):
        if indicator.by_gender:
            values[indicator.pk] = services.IndicatorInput(Decimal(10), Decimal(6), Decimal(4))
        else:
            values[indicator.pk] = services.IndicatorInput(Decimal(5))
    return services.report_save(report=report, narrative=narrative, values=values, by=user)


# --- periods -----------------------------------------------------------------------------------


def test_plan_periods_are_semesters_from_the_plan_start(tradate):
    periods = services.plan_periods(tradate.plan)
    assert periods[0] == (D(2020, 1, 1), D(2020, 6, 30))
    assert periods[1] == (D(2020, 7, 1), D(2020, 12, 31))
    assert periods[-1] == (D(2023, 7, 1), D(2023, 12, 31))
    assert len(periods) == 8


def test_plan_periods_follow_the_plan_periodicity(tradate):
    tradate.plan.monitoring_period_months = 4
    periods = services.plan_periods(tradate.plan)
    assert len(periods) == 12
    assert periods[1] == (D(2020, 5, 1), D(2020, 8, 31))


def test_open_a_period(tradate, user_of):
    report = services.report_open(
        project=tradate, period_start=D(2022, 7, 1), by=user_of("alleanza.tradate")
    )
    assert report.state == R.DRAFT
    assert report.period_end == D(2022, 12, 31)
    assert report.due_date == D(2022, 12, 31) + datetime.timedelta(days=services.REPORT_DUE_DAYS)


def test_org_admin_of_the_lead_may_file(tradate, user_of):
    # The lead organisation's admins file too (projects_reported_by).
    from equilibri.network.models import OrganisationRole

    user = user_of("hr.arca")
    OrganisationRole.objects.create(user=user, organisation=tradate.lead, role="org_admin")
    report = services.report_open(project=tradate, period_start=D(2022, 7, 1), by=user)
    assert report.pk


def test_period_not_aligned_is_refused(tradate, user_of):
    with pytest.raises(ValidationError, match="non è un periodo di monitoraggio"):
        services.report_open(
            project=tradate, period_start=D(2022, 3, 1), by=user_of("alleanza.tradate")
        )


def test_future_period_is_refused(tradate, user_of, monkeypatch):
    monkeypatch.setattr(services.timezone, "localdate", lambda: D(2022, 8, 1))
    with pytest.raises(ValidationError, match="non è ancora iniziato"):
        services.report_open(
            project=tradate, period_start=D(2023, 1, 1), by=user_of("alleanza.tradate")
        )


def test_duplicate_period_is_refused(tradate, user_of):
    with pytest.raises(ValidationError, match="esiste già"):
        services.report_open(
            project=tradate, period_start=D(2022, 1, 1), by=user_of("alleanza.tradate")
        )


def test_accepted_period_is_closed(tradate, user_of):
    with pytest.raises(ValidationError, match=r"Il periodo .* è chiuso"):
        services.report_open(
            project=tradate, period_start=D(2021, 1, 1), by=user_of("alleanza.tradate")
        )


def test_closed_project_is_closed(tradate, user_of, report_of):
    Project.objects.filter(pk=tradate.pk).update(state=Project.State.CLOSED)
    tradate.refresh_from_db()
    lead = user_of("alleanza.tradate")
    with pytest.raises(ValidationError, match=r"Il periodo .* è chiuso"):
        services.report_open(project=tradate, period_start=D(2022, 7, 1), by=lead)
    draft = report_of(R.DRAFT)
    with pytest.raises(ValidationError, match="è chiuso"):
        services.report_save(report=draft, narrative="x", values={}, by=lead)


def test_periods_before_the_project_started_are_not_offered(tradate):
    starts = [start for start, _end in services.open_periods(tradate)]
    assert D(2020, 1, 1) not in starts  # the project started in September 2020
    assert D(2020, 7, 1) in starts
    assert D(2021, 1, 1) not in starts  # already reported


def test_another_alliance_cannot_open_the_report(tradate, user_of):
    with pytest.raises(PermissionDenied):
        services.report_open(
            project=tradate, period_start=D(2022, 7, 1), by=user_of("alleanza.sudestmilano")
        )


# --- values and completeness --------------------------------------------------------------------


def test_women_and_men_must_make_the_value(report_of, user_of):
    report = report_of(R.DRAFT)
    gendered = next(i for i in services.report_indicators(report) if i.by_gender)
    bad = {gendered.pk: services.IndicatorInput(Decimal(10), Decimal(6), Decimal(3))}
    with pytest.raises(ValidationError, match=r"donne \(6\), uomini \(3\).* devono fare"):
        services.report_save(
            report=report, narrative="", values=bad, by=user_of("alleanza.tradate")
        )
    missing = {gendered.pk: services.IndicatorInput(Decimal(10))}
    with pytest.raises(ValidationError, match="indica quante sono le donne"):
        services.report_save(
            report=report, narrative="", values=missing, by=user_of("alleanza.tradate")
        )
    good = {gendered.pk: services.IndicatorInput(Decimal(10), Decimal(6), Decimal(4))}
    services.report_save(report=report, narrative="", values=good, by=user_of("alleanza.tradate"))
    value = report.values.get(indicator=gendered)
    assert (value.value, value.women, value.men) == (10, 6, 4)
    assert (value.other_gender, value.gender_unspecified) == (0, 0)
    # The platform's other categories (core.genders), as the desks record them: people who did
    # not say their gender are counted, not forced into women or men.
    four = {
        gendered.pk: services.IndicatorInput(
            Decimal(10), Decimal(5), Decimal(3), Decimal(1), Decimal(1)
        )
    }
    services.report_save(report=report, narrative="", values=four, by=user_of("alleanza.tradate"))
    value.refresh_from_db()
    assert (value.women, value.men, value.other_gender, value.gender_unspecified) == (5, 3, 1, 1)
    over = {
        gendered.pk: services.IndicatorInput(
            Decimal(10), Decimal(5), Decimal(3), Decimal(1), Decimal(2)
        )
    }
    with pytest.raises(ValidationError, match=r"genere non indicato \(2\)"):
        services.report_save(
            report=report, narrative="", values=over, by=user_of("alleanza.tradate")
        )


def test_submit_lists_what_is_missing_and_keeps_the_draft(report_of, user_of):
    report = report_of(R.DRAFT)
    lead = user_of("alleanza.tradate")
    first = services.report_indicators(report).first()
    services.report_save(
        report=report,
        narrative="",
        values={first.pk: services.IndicatorInput(Decimal(1), Decimal(1), Decimal(0))}
        if first.by_gender
        else {first.pk: services.IndicatorInput(Decimal(1))},
        by=lead,
    )
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=lead)
    text = " ".join(error.value.messages)
    assert "Manca" in text
    assert "relazione descrittiva" in text
    second = services.report_indicators(report)[1]
    assert f"«{second.name}»" in text
    # A header, then every indicator but the filled one, then the narrative.
    assert len(error.value.messages) == 1 + (services.report_indicators(report).count() - 1) + 1
    report.refresh_from_db()
    assert report.state == R.DRAFT
    assert report.values.count() == 1  # the draft is kept


def test_submit_accept_flow_with_emails(report_of, user_of, django_capture_on_commit_callbacks):
    report = report_of(R.DRAFT)
    lead, operator = user_of("alleanza.tradate"), user_of("operatore.insubria")
    fill_all(report, lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=lead)
    report.refresh_from_db()
    assert report.state == R.SUBMITTED and report.submitted_by == lead
    assert [m.to for m in mail.outbox] == [[email_of("operatore.insubria")]]
    assert "da validare" in mail.outbox[0].subject
    # Not editable while waiting.
    with pytest.raises(ValidationError, match="già stata inviata"):
        services.report_save(report=report, narrative="x", values={}, by=lead)
    # Another ATS's operator cannot validate it.
    with pytest.raises(PermissionDenied):
        services.report_accept(report=report, by=user_of("operatore.milano"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report=report, by=operator)
    report.refresh_from_db()
    assert report.state == R.ACCEPTED and report.reviewed_by == operator
    assert mail.outbox[0].to == [email_of("alleanza.tradate")]
    assert "validata" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="è chiuso"):
        services.report_save(report=report, narrative="x", values={}, by=lead)


def test_return_needs_a_comment_then_the_lead_resubmits(
    report_of, user_of, django_capture_on_commit_callbacks
):
    report = report_of(R.SUBMITTED)
    lead, operator = user_of("alleanza.tradate"), user_of("operatore.insubria")
    with pytest.raises(ValidationError, match="Scrivi le osservazioni"):
        services.report_return(report=report, comment="  ", by=operator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=report, comment="Manca la fattura di ottobre.", by=operator)
    report.refresh_from_db()
    assert report.state == R.RETURNED
    assert report.review_comment == "Manca la fattura di ottobre."
    assert mail.outbox[0].to == [email_of("alleanza.tradate")]
    assert "Manca la fattura di ottobre." in mail.outbox[0].body
    services.report_save(report=report, narrative="Corretta.", values={}, by=lead)
    services.report_submit(report=report, by=lead)
    report.refresh_from_db()
    assert report.state == R.SUBMITTED


def test_accept_needs_every_document_checked(report_of, user_of):
    report = report_of(R.SUBMITTED)
    operator = user_of("operatore.insubria")
    with pytest.raises(ValidationError, match="Verifica prima tutte le spese con documento"):
        services.report_accept(report=report, by=operator)
    documented = report.expenditures.get(self_declared=False)
    with pytest.raises(ValidationError, match="Spiega perché"):
        services.expenditure_check(
            expenditure=documented, state=Expenditure.Check.REJECTED, note="", by=operator
        )
    services.expenditure_check(
        expenditure=documented, state=Expenditure.Check.ACCEPTED, note="Conforme", by=operator
    )
    services.report_accept(report=report, by=operator)
    assert MonitoringReport.objects.get(pk=report.pk).state == R.ACCEPTED


def test_self_declarations_are_checked_only_when_sampled(report_of, user_of):
    report = report_of(R.SUBMITTED)
    declared = report.expenditures.filter(self_declared=True, draws__isnull=True).first()
    if declared is None:
        declared = Expenditure.objects.create(
            report=report,
            action=report.project.actions.first(),
            description="x",
            amount=Decimal(10),
            self_declared=True,
        )
    with pytest.raises(ValidationError, match="solo se estratte"):
        services.expenditure_check(
            expenditure=declared,
            state=Expenditure.Check.ACCEPTED,
            note="",
            by=user_of("operatore.insubria"),
        )


# --- documents ------------------------------------------------------------------------------


def test_document_type_is_sniffed_from_content(report_of, user_of, media_root):
    report = report_of(R.DRAFT)
    lead = user_of("alleanza.tradate")
    action = report.project.actions.first()

    def add(upload, **kwargs):
        return services.expenditure_add(
            report=report,
            action=action,
            description="Fattura",
            amount=Decimal("100.50"),
            document=upload,
            self_declared=False,
            by=lead,
            **kwargs,
        )

    with pytest.raises(ValidationError, match="PDF, un JPEG o un PNG"):
        add(SimpleUploadedFile("fattura.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(ValidationError, match="10 MB"):
        add(SimpleUploadedFile("grande.pdf", PDF + b"0" * (10 * 1024 * 1024)))
    png = add(SimpleUploadedFile("scontrino.pdf", PNG))  # the name does not matter
    assert png.document.name.startswith(f"expenditure/{report.project_id}/{report.pk}/")
    assert (media_root / png.document.name).exists()
    pdf = add(SimpleUploadedFile("fattura.pdf", PDF, content_type="image/png"))
    assert pdf.amount == Decimal("100.50")


def test_expenditure_needs_a_document_or_a_self_declaration(report_of, user_of):
    report = report_of(R.DRAFT)
    kwargs = {
        "report": report,
        "action": report.project.actions.first(),
        "description": "Spesa",
        "amount": Decimal(10),
        "by": user_of("alleanza.tradate"),
    }
    with pytest.raises(ValidationError, match="segna l'autodichiarazione"):
        services.expenditure_add(document=None, self_declared=False, **kwargs)
    with pytest.raises(ValidationError, match="non entrambi"):
        services.expenditure_add(
            document=SimpleUploadedFile("a.pdf", PDF), self_declared=True, **kwargs
        )
    declared = services.expenditure_add(document=None, self_declared=True, **kwargs)
    assert declared.self_declared and not declared.document


# --- sample draws ---------------------------------------------------------------------------


def _self_declarations(report, n):
    action = report.project.actions.first()
    return [
        Expenditure.objects.create(
            report=report,
            action=action,
            description=f"Autodichiarazione {i}",
            amount=Decimal(10 + i),
            self_declared=True,
        ).pk
        for i in range(n)
    ]


def test_sample_is_reproducible_from_the_seed(report_of, user_of, tradate):
    _self_declarations(report_of(R.SUBMITTED), 20)
    operator = user_of("operatore.insubria")
    population = list(services.sample_population(tradate.plan).values_list("pk", flat=True))
    draw = services.sample_draw(plan=tradate.plan, share=Decimal("25"), by=operator, seed=123456)
    sampled = sorted(draw.sampled.values_list("pk", flat=True))
    assert len(sampled) == services.sample_size(len(population), Decimal("25"))
    assert sorted(draw.population.values_list("pk", flat=True)) == population
    assert sampled == services.sample_of(population, Decimal("25"), 123456)
    assert services.sample_of(list(reversed(population)), Decimal("25"), 123456) == sampled
    assert services.draw_is_reproducible(draw)
    assert draw.drawn_by == operator and draw.seed == 123456
    # Another seed gives (almost surely) another sample; sampled ones leave the population.
    assert services.sample_of(population, Decimal("25"), 654321) != sampled
    assert not set(sampled) & set(
        services.sample_population(tradate.plan).values_list("pk", flat=True)
    )


def test_sample_seed_is_drawn_and_stored(report_of, user_of, tradate):
    _self_declarations(report_of(R.SUBMITTED), 5)
    draw = services.sample_draw(
        plan=tradate.plan, share=Decimal("10"), by=user_of("operatore.insubria")
    )
    assert draw.seed > 0
    assert draw.sampled.count() == 1  # at least one, rounded up
    assert services.draw_is_reproducible(SampleDraw.objects.get(pk=draw.pk))


def test_sample_scope_and_bounds(tradate, user_of, report_of):
    _self_declarations(report_of(R.SUBMITTED), 3)
    with pytest.raises(PermissionDenied):
        services.sample_draw(plan=tradate.plan, share=Decimal(10), by=user_of("operatore.milano"))
    with pytest.raises(ValidationError, match="tra 0 e 100"):
        services.sample_draw(plan=tradate.plan, share=Decimal(0), by=user_of("operatore.insubria"))


def test_sampled_self_declaration_outcome_is_recorded(report_of, user_of, tradate):
    _self_declarations(report_of(R.SUBMITTED), 4)
    operator = user_of("operatore.insubria")
    draw = services.sample_draw(plan=tradate.plan, share=Decimal(50), by=operator, seed=7)
    picked = draw.sampled.first()
    services.expenditure_check(
        expenditure=picked, state=Expenditure.Check.REJECTED, note="Ricevuta assente", by=operator
    )
    picked.refresh_from_db()
    assert picked.check_state == Expenditure.Check.REJECTED
    assert picked.check_note == "Ricevuta assente"


# --- overdue reminders ----------------------------------------------------------------------


def test_overdue_reports_are_notified_once(report_of, django_capture_on_commit_callbacks):
    draft = report_of(R.DRAFT)
    assert services.is_overdue(draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.notify_overdue_reports.call()
    assert sent >= 1
    draft.refresh_from_db()
    assert draft.overdue_notified_at is not None
    to_tradate = [m for m in mail.outbox if email_of("alleanza.tradate") in m.to]
    assert len(to_tradate) == 1
    assert "scaduta" in to_tradate[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue_reports() == 0
    assert mail.outbox == []


def test_submitted_reports_are_not_overdue(report_of):
    submitted = report_of(R.SUBMITTED)
    assert not services.is_overdue(submitted, today=D(2030, 1, 1))
    assert (
        MonitoringReport.objects.filter(services.overdue_q()).filter(pk=submitted.pk).count() == 0
    )


def test_register_periodic_jobs():
    services.register_periodic_jobs()
    assert "notify_overdue_reports" in {job.name for job in jobs()}


def test_demo_reports_of_tradate(tradate):
    reports = {r.period_start: r for r in tradate.reports.all()}
    assert reports[D(2021, 1, 1)].state == R.ACCEPTED
    assert reports[D(2021, 7, 1)].state == R.SUBMITTED
    assert reports[D(2022, 1, 1)].state == R.DRAFT
    assert services.is_overdue(reports[D(2022, 1, 1)])
    assert SampleDraw.objects.filter(plan=tradate.plan).exists()
