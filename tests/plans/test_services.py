from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from equilibri.core.money import format_money as euro
from equilibri.network.models import Alliance, Organisation
from equilibri.plans import selectors, services
from equilibri.plans.models import ActionCategory, Project, ProjectEvent
from equilibri.territory.models import Comune

from .helpers import insubria_plan, tradate_project

pytestmark = pytest.mark.django_db

D = Decimal


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def new_project(user_of, **overrides) -> Project:
    fields = {
        "kind": Project.Kind.ALLIANCE,
        "title": "Progetto di prova",
        "alliance": Alliance.objects.get(name="Alleanza della Valcuvia"),
        "lead": Organisation.objects.get(name="Comune di Cuveglio"),
        "regional_grant": D("8000.00"),
        "cofinancing": D("2000.00"),
    }
    fields.update(overrides)
    return services.project_create(plan=insubria_plan(), by=user_of("operatore.insubria"), **fields)


# --- budget rules ----------------------------------------------------------------------------


def test_required_cofinancing_is_exact():
    # 20% of the total: C >= G * 20 / 80.
    assert services.required_cofinancing(D("80000.00"), D("20")) == D("20000.00")
    # Rounded up to the cent: 100 * 30 / 70 = 42.857... -> 42.86
    assert services.required_cofinancing(D("100.00"), D("30")) == D("42.86")
    assert services.required_cofinancing(D("100.00"), D("0")) == D("0")


def test_cofinancing_exactly_at_the_minimum_is_accepted(user_of):
    project = new_project(user_of, regional_grant=D("8000.00"), cofinancing=D("2000.00"))
    assert project.cofinancing_share == D("20.00")
    assert project.state == Project.State.PROPOSED
    assert list(project.events.values_list("state", flat=True)) == ["proposed"]


def test_cofinancing_under_the_minimum_says_how_much_to_add(user_of):
    with pytest.raises(ValidationError) as info:
        new_project(user_of, regional_grant=D("8000.00"), cofinancing=D("1999.99"))
    text = messages_of(info.value)
    assert "Il cofinanziamento è il 19,99% del budget" in text
    assert "il piano ne richiede almeno il 20%" in text
    assert "Aumenta il cofinanziamento di almeno € 0,01" in text
    assert "cofinancing" in info.value.error_dict
    assert not Project.objects.filter(title="Progetto di prova").exists()


def test_cofinancing_share_in_the_message(user_of):
    with pytest.raises(ValidationError) as info:
        new_project(user_of, regional_grant=D("9000.00"), cofinancing=D("1000.00"))
    text = messages_of(info.value)
    assert "Il cofinanziamento è il 10% del budget" in text
    assert "Aumenta il cofinanziamento di almeno € 1.250,00" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("-1.00"), "non può essere negativo"), (D("10.005"), "al massimo due cifre decimali")],
)
def test_bad_amounts_are_refused(user_of, value, expected):
    with pytest.raises(ValidationError, match=expected):
        new_project(user_of, regional_grant=value)


def test_alliance_of_another_ats_is_refused(user_of):
    with pytest.raises(ValidationError) as info:
        new_project(user_of, alliance=Alliance.objects.get(name="Alleanza Sud-Sud Est Milano"))
    assert "è di un'altra ATS" in messages_of(info.value)
    assert "alliance" in info.value.error_dict


def test_system_action_has_no_alliance_and_alliance_project_needs_one(user_of):
    with pytest.raises(ValidationError, match="lascia vuoto il campo alleanza"):
        new_project(user_of, kind=Project.Kind.SYSTEM)
    with pytest.raises(ValidationError, match="indica la sua alleanza"):
        new_project(user_of, alliance=None)
    with pytest.raises(ValidationError, match="solo per le azioni di sistema"):
        new_project(user_of, contractor=Organisation.objects.get(name="Variazioni s.r.l."))


def test_action_budgets_cannot_exceed_the_project_budget(user_of):
    user = user_of("operatore.insubria")
    project = new_project(user_of)  # budget 10.000,00
    category = ActionCategory.objects.get(slug="lavoro-flessibile")
    services.action_create(
        project=project, by=user, title="A", category=category, budget=D("6000.00")
    )
    with pytest.raises(ValidationError) as info:
        services.action_create(
            project=project, by=user, title="B", category=category, budget=D("4000.01")
        )
    text = messages_of(info.value)
    assert "supera il budget del progetto (€ 10.000,00) di € 0,01" in text
    assert "al massimo € 4.000,00" in text
    action = services.action_create(
        project=project,
        by=user,
        title="B",
        category=category,
        budget=D("4000.00"),
        comuni=Comune.objects.filter(name__in=["Cuveglio", "Cuvio"]),
    )
    assert services.actions_total(project) == D("10000.00")
    assert set(action.comuni.values_list("name", flat=True)) == {"Cuveglio", "Cuvio"}
    # Raising an action's budget is checked against the others, not against itself.
    services.action_update(action=action, by=user, budget=D("4000.00"), title="B2")
    with pytest.raises(ValidationError, match="di € 1,00"):
        services.action_update(action=action, by=user, budget=D("4001.00"))


def test_action_comuni_must_be_in_the_plan_ats(user_of):
    project = new_project(user_of)
    with pytest.raises(ValidationError, match="non sono nel territorio"):
        services.action_create(
            project=project,
            by=user_of("operatore.insubria"),
            title="A",
            category=ActionCategory.objects.first(),
            budget=D("1"),
            comuni=Comune.objects.filter(name="Milano"),
        )


def test_project_budget_cannot_go_below_its_actions(user_of):
    project = tradate_project()
    user = user_of("operatore.insubria")
    allocated = services.actions_total(project)
    assert allocated == D("115000.00")
    with pytest.raises(ValidationError) as info:
        services.project_update(
            project=project,
            version=project.version,
            by=user,
            regional_grant=D("80000.00"),
            cofinancing=D("30000.00"),
        )
    assert "inferiore alla somma dei budget delle azioni" in messages_of(info.value)
    assert "di € 5.000,00" in messages_of(info.value)
    project.refresh_from_db()
    assert project.regional_grant == D("90000.00")
    assert project.version == 1  # the refused edit changed nothing, not even the version


# --- plans -----------------------------------------------------------------------------------


def test_plan_end_year_before_start_year_is_refused(user_of):
    plan = insubria_plan()
    with pytest.raises(ValidationError) as info:
        services.plan_update(plan=plan, by=user_of("operatore.insubria"), end_year=2019)
    assert "viene prima dell'anno di inizio" in messages_of(info.value)


def test_plan_grants_only_for_years_of_the_period(user_of):
    plan = insubria_plan()
    user = user_of("operatore.insubria")
    grant = services.plan_grant_set(plan=plan, year=2021, amount=D("111000.50"), by=user)
    assert grant.amount == D("111000.50")
    assert plan.grants.count() == 4
    with pytest.raises(ValidationError, match="scegli un anno di questo periodo"):
        services.plan_grant_set(plan=plan, year=2024, amount=D("1"), by=user)
    with pytest.raises(ValidationError, match="due cifre decimali"):
        services.plan_grant_set(plan=plan, year=2022, amount=D("1.001"), by=user)


def test_plan_create_only_for_own_ats(user_of):
    from equilibri.territory.models import ATS

    with pytest.raises(PermissionDenied):
        services.plan_create(
            ats=ATS.objects.get(code="ATS-MI"),
            by=user_of("operatore.insubria"),
            title="X",
            start_year=2024,
            end_year=2026,
        )
    plan = services.plan_create(
        ats=ATS.objects.get(code="ATS-INS"),
        by=user_of("operatore.insubria"),
        title="Piano territoriale di conciliazione",
        start_year=2024,
        end_year=2026,
        grants={2024: D("100000.00")},
    )
    assert plan.grants.get().amount == D("100000.00")


def test_other_ats_operator_cannot_change_an_insubria_project(user_of):
    project = tradate_project()
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=project, version=project.version, by=user_of("operatore.milano"), title="X"
        )
    with pytest.raises(PermissionDenied):
        services.project_approve(project=project, by=user_of("operatore.milano"))
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=project, version=project.version, by=user_of("comitato.insubria"), title="X"
        )


# --- lifecycle -------------------------------------------------------------------------------


def test_lifecycle_one_step_at_a_time(user_of):
    user = user_of("operatore.insubria")
    project = new_project(user_of)
    with pytest.raises(ValidationError) as info:
        services.project_approve(project=project, by=user)
    assert "può diventare «Approvato» solo dallo stato «Valutato»" in messages_of(info.value)
    for step, state in [
        (services.project_evaluate, "evaluated"),
        (services.project_approve, "approved"),
        (services.project_start, "in_progress"),
        (services.project_report, "reported"),
        (services.project_close, "closed"),
    ]:
        project = step(project=project, by=user, note="ok")
        assert project.state == state
    assert list(project.events.values_list("state", flat=True)) == [
        "proposed",
        "evaluated",
        "approved",
        "in_progress",
        "reported",
        "closed",
    ]
    assert ProjectEvent.objects.filter(project=project, by=user, note="ok").count() == 5
    with pytest.raises(ValidationError, match="Il progetto è «Chiuso»"):
        services.project_close(project=project, by=user)


def test_committee_member_may_mark_evaluated_only_in_their_ats(user_of):
    project = new_project(user_of)
    with pytest.raises(PermissionDenied):
        services.project_evaluate(project=project, by=user_of("comitato.brescia"))
    project = services.project_evaluate(project=project, by=user_of("comitato.insubria"))
    assert project.state == "evaluated"
    with pytest.raises(PermissionDenied):
        services.project_approve(project=project, by=user_of("comitato.insubria"))


# --- optimistic concurrency ------------------------------------------------------------------


def test_stale_edit_is_refused_and_overwrites_nothing(user_of):
    user = user_of("operatore.insubria")
    project = tradate_project()
    loaded = project.version
    first = services.project_update(project=project, version=loaded, by=user, title="Primo")
    assert first.version == loaded + 1
    with pytest.raises(ValidationError) as info:
        services.project_update(project=project, version=loaded, by=user, title="Secondo")
    assert info.value.code == "stale"
    assert "modificato da un altro utente" in messages_of(info.value)
    project.refresh_from_db()
    assert project.title == "Primo"
    assert project.version == loaded + 1


def test_the_version_is_claimed_with_a_conditional_update(user_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = tradate_project()
    with CaptureQueriesContext(connection) as queries:
        services.project_update(
            project=project, version=project.version, by=user_of("operatore.insubria"), title="T"
        )
    claims = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "version" in q["sql"].split("WHERE", 1)[-1]
    ]
    assert claims, "project_update must claim the version with UPDATE ... WHERE version = %s"


# --- the plan's money ------------------------------------------------------------------------


def test_projects_never_draw_more_than_the_plan_grants(user_of):
    """The Insubria plan's grants total €630,000; its projects (and the funded call) draw less:
    a project for more than what is left is refused, with the remaining amount in the message."""
    plan = insubria_plan()
    money = selectors.plan_money(plan)
    assert money.remaining > 0
    with pytest.raises(ValidationError) as info:
        new_project(user_of, regional_grant=money.remaining + D("0.01"), cofinancing=D("500000"))
    assert info.value.error_dict["regional_grant"][0].code == "plan_budget"
    assert f"restano {euro(money.remaining)}" in messages_of(info.value)
    assert selectors.plan_money(plan) == money  # nothing written
    # Exactly what is left is accepted, and then nothing is.
    project = new_project(user_of, regional_grant=money.remaining, cofinancing=D("500000"))
    assert selectors.plan_money(plan).remaining == 0
    with pytest.raises(ValidationError, match="restano € 0,00"):
        new_project(user_of, regional_grant=D("1.00"))
    # Growing an existing project is refused too; lowering one frees money.
    user = user_of("operatore.insubria")
    other = tradate_project()
    # What is left for a project being edited is its own grant (the others use the rest).
    with pytest.raises(ValidationError, match=f"restano {euro(other.regional_grant)}"):
        services.project_update(
            project=other,
            version=other.version,
            by=user,
            regional_grant=other.regional_grant + 1,
            cofinancing=other.cofinancing + 1,
        )
    services.project_update(
        project=project, version=project.version, by=user, regional_grant=D("0.00")
    )
    assert selectors.plan_money(plan).remaining == money.remaining


def test_a_plan_grant_cannot_drop_below_what_the_projects_draw(user_of):
    plan = insubria_plan()
    user = user_of("operatore.insubria")
    money = selectors.plan_money(plan)
    new_project(user_of, regional_grant=money.remaining, cofinancing=D("500000"))
    grant = plan.grants.get(year=2023)
    with pytest.raises(ValidationError) as info:
        services.plan_grant_set(plan=plan, year=2023, amount=grant.amount - 1, by=user)
    assert info.value.error_dict["amount"][0].code == "plan_budget"
    assert f"scrivi almeno {euro(grant.amount)}" in messages_of(info.value)
    with pytest.raises(ValidationError, match="riduci prima il contributo regionale"):
        services.plan_grant_delete(grant=grant, by=user)
    assert plan.grants.get(year=2023).amount == grant.amount
    # A larger grant is always accepted.
    services.plan_grant_set(plan=plan, year=2023, amount=grant.amount + 1, by=user)


def test_a_plan_allocated_beyond_its_grants_before_the_check_can_be_brought_back(user_of):
    """Data older than the check: lowering a grant is accepted even while still over."""
    plan = insubria_plan()
    user = user_of("operatore.insubria")
    project = tradate_project()
    Project.objects.filter(pk=project.pk).update(regional_grant=D("900000.00"))
    project.refresh_from_db()
    assert selectors.plan_money(plan).remaining < 0
    updated = services.project_update(
        project=project,
        version=project.version,
        by=user,
        regional_grant=D("800000.00"),
        cofinancing=D("800000.00"),
    )
    assert updated.regional_grant == D("800000.00")
