from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from equilibri.plans import committee_services as services
from equilibri.plans.models import (
    CommitteeMember,
    EvaluationCriterion,
    Project,
    ScoreSheet,
    TerritorialPlan,
)


def full_marks(plan, value=10):
    return {c.pk: Decimal(value) for c in plan.criteria.all()}


def test_demo_committees(insubria):
    assert 5 <= insubria.members.count() <= 6
    assert insubria.members.filter(user__email="comitato.insubria@demo.equilibri.it").exists()
    assert CommitteeMember.objects.filter(
        committee__ats__code="ATS-BS", user__email="comitato.brescia@demo.equilibri.it"
    ).exists()
    assert insubria.priorities.count() >= 3
    assert insubria.meetings.count() == 2
    assert [c.name for c in EvaluationCriterion.objects.filter(plan__ats__code="ATS-INS")] == [
        "Coerenza con i bisogni",
        "Partenariato",
        "Sostenibilità",
        "Innovazione",
        "Impatto sulle imprese",
    ]


def test_demo_loader_is_idempotent(insubria):
    from equilibri.plans import demo_committee

    before = (insubria.members.count(), ScoreSheet.objects.count(), insubria.meetings.count())
    demo_committee.load()
    assert (insubria.members.count(), ScoreSheet.objects.count(), insubria.meetings.count()) == (
        before
    )


def test_ranking_arithmetic_with_demo_sheets(proposal):
    # Two valid sheets: [8, 7, 6, 7, 5] and [9, 8, 7, 6, 6]; one conflicted (abstention).
    # 30*8.5/10 + 25*7.5/10 + 20*6.5/10 + 15*6.5/10 + 10*5.5/10 = 72.5 out of 100.
    row = next(r for r in services.ranking(proposal.plan) if r.project == proposal)
    assert row.score == Decimal("72.50")
    assert row.sheets == 2
    assert row.abstentions == 1


def test_member_scores_and_ranking_updates(proposal, user_of):
    sheet = services.score_sheet_submit(
        project=proposal,
        conflict_of_interest=False,
        scores=full_marks(proposal.plan),
        comment="Ottima proposta.",
        by=user_of("comitato.insubria"),
    )
    assert sheet.scores.count() == 5 and sheet.submitted_at
    row = next(r for r in services.ranking(proposal.plan) if r.project == proposal)
    # Means: 27/3, 25/3, 23/3, 23/3, 21/3 of 10, weights 30, 25, 20, 15, 10 (total 100).
    expected = (
        Decimal(30 * 27 + 25 * 25 + 20 * 23 + 15 * 23 + 10 * 21) / Decimal(30) / Decimal(100) * 100
    ).quantize(Decimal("0.01"))
    assert row.score == expected == Decimal("81.67")
    assert row.sheets == 3
    # One sheet per member.
    with pytest.raises(ValidationError, match="già inviato"):
        services.score_sheet_submit(
            project=proposal,
            conflict_of_interest=False,
            scores=full_marks(proposal.plan),
            by=user_of("comitato.insubria"),
        )


@pytest.mark.parametrize("value", ["11", "-1", "10.01"])
def test_scores_out_of_bounds_are_refused(proposal, user_of, value):
    scores = full_marks(proposal.plan, 5)
    first = proposal.plan.criteria.first()
    scores[first.pk] = Decimal(value)
    with pytest.raises(ValidationError) as error:
        services.score_sheet_submit(
            project=proposal,
            conflict_of_interest=False,
            scores=scores,
            by=user_of("comitato.insubria"),
        )
    assert (
        "Il punteggio per «Coerenza con i bisogni» deve essere tra 0 e 10" in error.value.messages
    )
    assert not ScoreSheet.objects.filter(
        project=proposal, member__user=user_of("comitato.insubria")
    ).exists()


def test_missing_score_is_refused(proposal, user_of):
    scores = full_marks(proposal.plan)
    scores.pop(proposal.plan.criteria.last().pk)
    with pytest.raises(ValidationError, match="Manca il punteggio per «Impatto sulle imprese»"):
        services.score_sheet_submit(
            project=proposal,
            conflict_of_interest=False,
            scores=scores,
            by=user_of("comitato.insubria"),
        )


def test_conflict_of_interest_is_an_abstention(proposal, user_of):
    with pytest.raises(ValidationError, match="motivo del conflitto"):
        services.score_sheet_submit(
            project=proposal, conflict_of_interest=True, by=user_of("comitato.insubria")
        )
    sheet = services.score_sheet_submit(
        project=proposal,
        conflict_of_interest=True,
        conflict_note="Socia dell'ente capofila.",
        scores=full_marks(proposal.plan),  # ignored
        by=user_of("comitato.insubria"),
    )
    assert sheet.scores.count() == 0
    row = next(r for r in services.ranking(proposal.plan) if r.project == proposal)
    assert row.score == Decimal("72.50")  # unchanged
    assert row.abstentions == 2


def test_only_members_of_that_committee_score(proposal, user_of):
    for persona in ("operatore.insubria", "comitato.brescia", "regione"):
        with pytest.raises(PermissionDenied):
            services.score_sheet_submit(
                project=proposal,
                conflict_of_interest=False,
                scores=full_marks(proposal.plan),
                by=user_of(persona),
            )


def test_inactive_member_cannot_score(proposal, user_of):
    CommitteeMember.objects.filter(user=user_of("comitato.insubria")).update(active=False)
    with pytest.raises(PermissionDenied):
        services.score_sheet_submit(
            project=proposal, conflict_of_interest=False, scores={}, by=user_of("comitato.insubria")
        )


def test_only_proposals_are_scored(user_of):
    project = Project.objects.get(title="Ancora... ELAVOROEFAMIGLIA")
    with pytest.raises(ValidationError, match="solo i progetti proposti"):
        services.score_sheet_submit(
            project=project, conflict_of_interest=False, scores={}, by=user_of("comitato.insubria")
        )


def test_ties_are_broken_by_title(proposal, user_of):
    twin = Project.objects.create(
        plan=proposal.plan,
        title="Altra proposta",
        alliance=proposal.alliance,
        lead=proposal.lead,
        state=Project.State.PROPOSED,
    )
    for sheet in ScoreSheet.objects.filter(project=proposal).prefetch_related("scores"):
        copy = ScoreSheet.objects.create(
            project=twin,
            member=sheet.member,
            conflict_of_interest=sheet.conflict_of_interest,
            conflict_note=sheet.conflict_note,
            submitted_at=sheet.submitted_at,
        )
        for score in sheet.scores.all():
            copy.scores.create(criterion=score.criterion, value=score.value)
    rows = services.ranking(proposal.plan)
    assert [r.project.title for r in rows[:2]] == ["Altra proposta", proposal.title]
    assert rows[0].score == rows[1].score
    assert [r.position for r in rows[:2]] == [1, 2]


def test_ranking_orders_by_score(proposal, user_of):
    low = Project.objects.create(
        plan=proposal.plan,
        title="AAA proposta debole",
        alliance=proposal.alliance,
        lead=proposal.lead,
        state=Project.State.EVALUATED,
    )
    services.score_sheet_submit(
        project=low,
        conflict_of_interest=False,
        scores=full_marks(proposal.plan, 2),
        by=user_of("comitato.insubria"),
    )
    rows = services.ranking(proposal.plan)
    assert [r.project for r in rows] == [proposal, low]
    assert rows[1].score == Decimal("20.00")


def _plan(code):
    return TerritorialPlan.objects.get(ats__code=code, start_year=2020)


def test_criteria_rules(user_of):
    plan = _plan("ATS-BS")
    operator = user_of("operatore.brescia")
    with pytest.raises(ValidationError, match="maggiore di zero"):
        services.criterion_add(
            plan=plan, name="Peso nullo", weight=Decimal(0), max_score=10, by=operator
        )
    with pytest.raises(ValidationError, match="almeno 1"):
        services.criterion_add(plan=plan, name="Zero", weight=Decimal(1), max_score=0, by=operator)
    criterion = services.criterion_add(
        plan=plan, name="Coerenza", weight=Decimal("40"), max_score=5, by=operator
    )
    assert criterion.pk
    with pytest.raises(ValidationError, match="già un criterio"):
        services.criterion_add(
            plan=plan, name="coerenza", weight=Decimal(1), max_score=5, by=operator
        )
    with pytest.raises(PermissionDenied):
        services.criterion_add(
            plan=plan,
            name="Altro",
            weight=Decimal(1),
            max_score=5,
            by=user_of("operatore.insubria"),
        )
    services.criterion_delete(criterion=criterion, by=operator)


def test_criteria_are_frozen_once_scoring_started(user_of):
    with pytest.raises(ValidationError, match="già iniziate"):
        services.criterion_add(
            plan=_plan("ATS-INS"),
            name="Nuovo",
            weight=Decimal(5),
            max_score=10,
            by=user_of("operatore.insubria"),
        )


def test_committee_management_is_scoped(insubria, user_of):
    from equilibri.network.models import Organisation

    organisation = Organisation.objects.get(name="CSV Insubria")
    member = services.committee_member_save(
        committee=insubria,
        data={
            "full_name": "Nuovo Componente",
            "organisation": organisation,
            "role": "",
            "active": True,
        },
        by=user_of("operatore.insubria"),
    )
    assert member.committee == insubria
    with pytest.raises(PermissionDenied):
        services.committee_member_save(
            committee=insubria,
            data={"full_name": "Intruso", "organisation": organisation},
            by=user_of("operatore.milano"),
        )
    with pytest.raises(PermissionDenied):
        services.priority_save(
            committee=insubria, data={"title": "X"}, by=user_of("comitato.insubria")
        )
    priority = services.priority_save(
        committee=insubria, data={"title": "Nuova priorità"}, by=user_of("operatore.insubria")
    )
    assert priority.order == insubria.priorities.count()
