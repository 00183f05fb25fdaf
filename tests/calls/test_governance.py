"""Governance of calls and committees: a published call's changes are versioned, need a reason,
only widen the window and reach every applicant and partner; the committee's quorum and the
hidden scores; deletes of a call's configuration confirmed first and refused once in use."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from equilibri.accounts.models import StaffRole, User
from equilibri.accounts.roles import Role
from equilibri.calls import services
from equilibri.calls.models import Application, Call, CallChange, CallCriterion, CallFAQ, CallRule
from equilibri.network.models import OrganisationRole

from .conftest import org

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Changes to a published call ---------------------------------------------------------------


def test_a_published_deadline_cannot_move_earlier(open_call, user_of):
    operator = user_of("operatore.insubria")
    with pytest.raises(ValidationError) as error:
        services.call_update(
            call=open_call,
            by=operator,
            reason="Errore",
            closes_at=open_call.closes_at - datetime.timedelta(days=1),
        )
    assert "si può solo posticipare" in messages_of(error.value)
    with pytest.raises(ValidationError) as error:
        services.call_update(
            call=open_call,
            by=operator,
            opens_at=open_call.opens_at + datetime.timedelta(hours=1),
            reason="Errore",
        )
    assert "si può solo anticipare" in messages_of(error.value)
    assert not CallChange.objects.filter(call=open_call).exists()


def test_a_change_to_a_published_call_needs_a_reason(open_call, user_of):
    with pytest.raises(ValidationError) as error:
        services.call_update(
            call=open_call,
            by=user_of("operatore.insubria"),
            closes_at=open_call.closes_at + datetime.timedelta(days=5),
        )
    assert "scrivi il motivo" in messages_of(error.value)


def test_an_extension_is_kept_and_emailed_to_applicants_and_partners(
    open_call, ready_application, user_of, django_capture_on_commit_callbacks
):
    operator = user_of("operatore.insubria")
    old_close = open_call.closes_at
    partner = ready_application.partners.first()
    OrganisationRole.objects.create(
        organisation=partner.organisation,
        user=User.objects.create_user(email="admin.partner@example.org", password="x"),
        role=Role.ORG_ADMIN,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update(
            call=open_call,
            by=operator,
            reason="Proroga per la festività",
            closes_at=old_close + datetime.timedelta(days=7),
            title=open_call.title,  # unchanged: not in the record
        )
    change = CallChange.objects.get(call=open_call)
    assert change.by == operator and change.reason == "Proroga per la festività"
    (row,) = change.rows
    assert row[0] == "chiusura delle domande" and row[1] != row[2]
    recipients = {address for message in mail.outbox for address in message.to}
    assert "hr.arca@demo.equilibri.it" in recipients
    assert "admin.partner@example.org" in recipients
    assert all("Proroga per la festività" in message.body for message in mail.outbox)
    # One e-mail per application or partner: nobody reads another applicant's address.
    assert all(len(message.to) <= 3 for message in mail.outbox)


def test_a_call_in_preparation_changes_without_record(open_call, user_of):
    open_call.state = open_call.State.DRAFT
    open_call.save()
    services.call_update(
        call=open_call,
        by=user_of("operatore.insubria"),
        closes_at=open_call.closes_at - datetime.timedelta(days=1),
    )
    assert not CallChange.objects.filter(call=open_call).exists()


def test_adding_a_rule_to_a_published_call_is_recorded(open_call, user_of):
    operator = user_of("operatore.insubria")
    with pytest.raises(ValidationError):
        services.call_rule_add(call=open_call, by=operator, kind="max_members", number=9)
    services.call_rule_add(
        call=open_call, by=operator, kind="max_members", number=9, reason="Chiarimento"
    )
    change = CallChange.objects.get(call=open_call)
    assert "9" in change.after["regola del bando"] and change.before["regola del bando"] == ""


def test_the_call_pages_show_the_change_history(open_call, login):
    operator = User.objects.get(email="operatore.insubria@demo.equilibri.it")
    client = login("operatore.insubria")
    response = client.post(
        reverse("calls:call_edit", args=[open_call.pk]),
        {
            **{
                name: value
                for name, value in _form_data(open_call).items()
                if name not in ("closes_at", "reason")
            },
            "closes_at": (open_call.closes_at + datetime.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "reason": "Proroga richiesta dai comuni",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CallChange.objects.get(call=open_call).by == operator
    for url in (
        reverse("calls:call_detail", args=[open_call.pk]),
        reverse("calls_public:call_detail", args=[open_call.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Proroga richiesta dai comuni" in page


def _form_data(call) -> dict:
    from equilibri.calls.forms import CallForm

    form = CallForm(instance=call, ats_ids=[call.ats_id])
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if hasattr(value, "strftime"):
            value = (
                value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
                if isinstance(value, datetime.datetime)
                else value.isoformat()
            )
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return data


# --- Quorum and hidden scores -----------------------------------------------------------------


def _second_member() -> User:
    user = User.objects.create_user(email="secondo.comitato@example.org", password="x")
    user.first_name, user.last_name = "Marco", "Secondi"
    user.save()
    StaffRole.objects.create(
        user=user,
        role=Role.COMMITTEE_MEMBER,
        ats=StaffRole.objects.filter(
            role=Role.COMMITTEE_MEMBER, user__email="comitato.insubria@demo.equilibri.it"
        )
        .first()
        .ats,
    )
    return user


def _admissible(application, user_of):
    services.application_submit(application=application, by=user_of("hr.arca"))
    return services.application_admissibility(
        application=application,
        by=user_of("operatore.insubria"),
        checklist=dict.fromkeys(services.checklist_items(application.call), True),
        admissible=True,
    )


def _score(application, member, values=(20, 20, 20, 15)):
    sheet = services.conflict_declare(application=application, by=member, conflict=False)
    criteria = list(application.call.criteria.all())
    return services.score_sheet_submit(
        sheet=sheet,
        by=member,
        scores={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
    )


def test_ranking_below_quorum_is_refused_naming_who_has_not_scored(ready_application, user_of):
    _second_member()
    application = _admissible(ready_application, user_of)
    _score(application, user_of("comitato.insubria"))
    operator = user_of("operatore.insubria")
    with pytest.raises(ValidationError) as error:
        services.call_rank(call=application.call, by=operator)
    text = messages_of(error.value)
    assert "quorum" in text and "1 valutazioni su 2" in text and "Marco Secondi" in text
    # A quorum of one member is enough.
    call = application.call
    call.quorum = 1
    call.save()
    services.call_rank(call=call, by=operator)
    # The funding act checks it again: a stricter quorum set meanwhile refuses it.
    Call.objects.filter(pk=call.pk).update(quorum=2)
    with pytest.raises(ValidationError) as error:
        services.call_decide(
            call=call, by=operator, act_number="Delibera 1", act_date=datetime.date(2026, 1, 1)
        )
    assert "Marco Secondi" in messages_of(error.value)
    assert not call.applications.filter(state=Application.State.FUNDED).exists()


def test_a_member_in_conflict_does_not_count_towards_all_members(ready_application, user_of):
    second = _second_member()
    application = _admissible(ready_application, user_of)
    services.conflict_declare(application=application, by=second, conflict=True, note="Socio")
    _score(application, user_of("comitato.insubria"))
    services.call_rank(call=application.call, by=user_of("operatore.insubria"))


def test_other_scores_hidden_until_the_member_has_scored(ready_application, user_of, login):
    second = _second_member()
    application = _admissible(ready_application, user_of)
    _score(application, second, values=(10, 10, 10, 10))
    member = user_of("comitato.insubria")
    assert services.visible_scores(application, member) is None
    client = login("comitato.insubria")
    url = reverse("calls:evaluate", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Marco Secondi" not in page and "Media provvisoria" not in page
    _score(application, member)
    totals = {row.evaluator: row.total for row in services.visible_scores(application, member)}
    assert totals["Marco Secondi"] == Decimal(40)
    page = client.get(url).content.decode()
    assert "Marco Secondi" in page and "Media provvisoria" in page


# --- Deletes: confirmation, refusal once in use -------------------------------------------------


def test_a_delete_asks_for_confirmation_and_only_post_deletes(open_call, login):
    faq = CallFAQ.objects.create(call=open_call, question="Quesito?", answer="Sì.")
    client = login("operatore.insubria")
    url = reverse("calls:faq_delete", args=[faq.pk])
    page = client.get(url).content.decode()
    assert "Conferma l&#x27;eliminazione" in page or "Conferma l'eliminazione" in page
    assert 'method="post"' in page and "Quesito?" in page
    assert CallFAQ.objects.filter(pk=faq.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not CallFAQ.objects.filter(pk=faq.pk).exists()


def test_a_scored_criterion_cannot_be_deleted(ready_application, user_of, login):
    application = _admissible(ready_application, user_of)
    _score(application, user_of("comitato.insubria"))
    criterion = application.call.criteria.first()
    client = login("operatore.insubria")
    url = reverse("calls:criterion_delete", args=[criterion.pk])
    page = client.get(url).content.decode()
    assert "ha già dei punteggi" in page and "Sì, elimina" not in page
    response = client.post(url)
    assert "ha già dei punteggi" in response.content.decode()
    assert CallCriterion.objects.filter(pk=criterion.pk).exists()


def test_a_rule_of_a_published_call_needs_a_reason_to_go(open_call, user_of, login):
    rule = open_call.rules.first()
    client = login("operatore.insubria")
    url = reverse("calls:rule_delete", args=[rule.pk])
    assert "Motivo della modifica" in client.get(url).content.decode()
    client.post(url)
    assert CallRule.objects.filter(pk=rule.pk).exists()
    assert client.post(url, {"reason": "Requisito superato"}).status_code == 302
    assert not CallRule.objects.filter(pk=rule.pk).exists()
    assert CallChange.objects.get(call=open_call).reason == "Requisito superato"


def test_a_macro_area_in_use_cannot_be_deleted(ready_application, user_of):
    area = ready_application.call.macro_areas.first()
    with pytest.raises(ValidationError) as error:
        services.call_macro_area_delete(area=area, by=user_of("operatore.insubria"))
    assert "non si può eliminare" in messages_of(error.value)


def test_a_budget_line_of_a_submitted_application_cannot_be_deleted(
    ready_application, user_of, login
):
    line = ready_application.budget_lines.first()
    client = login("hr.arca")
    url = reverse("calls:budget_line_delete", args=[line.pk])
    assert "Sì, elimina" in client.get(url).content.decode()
    _admissible(ready_application, user_of)
    assert "non si eliminano più" in client.get(url).content.decode()
    client.post(url)
    assert ready_application.budget_lines.filter(pk=line.pk).exists()
    assert org("L'Arca Coop. Soc.")  # the lead is unchanged


def test_a_form_posting_the_deadline_back_to_the_minute_is_no_change(open_call, user_of):
    """The form shows dates to the minute: posting one back unchanged moves nothing."""
    truncated = open_call.closes_at.replace(second=0, microsecond=0)
    assert truncated <= open_call.closes_at
    services.call_update(
        call=open_call, by=user_of("operatore.insubria"), closes_at=truncated, reason=""
    )
    open_call.refresh_from_db()
    assert not CallChange.objects.filter(call=open_call).exists()
