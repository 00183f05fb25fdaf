"""Results with small-cell suppression: no figure under 5 respondents and none that can be
worked out from the others; an organisation sees its own aggregate only above the threshold;
free texts only for the ATS's operators."""

import random

import pytest
from django.urls import reverse

from equilibri.network.models import Organisation
from equilibri.surveys import demo, services
from equilibri.surveys import results as R
from equilibri.surveys.models import Distribution

pytestmark = pytest.mark.django_db


# --- The rule ---------------------------------------------------------------------------------


def test_a_small_cell_and_its_complement_are_hidden():
    values = {"a": 10, "b": 3, "c": 7, "total": 20}
    hidden = R.suppress(values, [("total", ["a", "b", "c"])])
    # b is small; alone it would be total - a - c: the smallest other cell (c) goes too.
    assert hidden == {"b", "c"}


def test_hidden_cells_adding_up_to_a_small_group_hide_one_more():
    values = {"a": 1, "b": 2, "c": 30, "d": 40, "total": 73}
    hidden = R.suppress(values, [("total", ["a", "b", "c", "d"])])
    assert {"a", "b", "c"} <= hidden and "d" not in hidden


def test_zero_is_shown_and_never_hides_a_figure():
    values = {"a": 0, "b": 2, "c": 9, "total": 11}
    hidden = R.suppress(values, [("total", ["a", "b", "c"])])
    assert hidden == {"b", "c"}


def test_the_total_goes_when_no_other_cell_can():
    values = {"a": 3, "b": 0, "total": 3}
    assert R.suppress(values, [("total", ["a", "b"])]) == {"a", "total"}


def test_rows_and_columns_are_both_protected():
    # Two comuni by two options, with margins.
    v = {
        ("x", "p"): 2, ("x", "q"): 8, ("tx"): 10,
        ("y", "p"): 6, ("y", "q"): 9, ("ty"): 15,
        ("op"): 8, ("oq"): 17, "all": 25,
    }  # fmt: skip
    lines = [
        ("tx", [("x", "p"), ("x", "q")]),
        ("ty", [("y", "p"), ("y", "q")]),
        ("op", [("x", "p"), ("y", "p")]),
        ("oq", [("x", "q"), ("y", "q")]),
        ("all", ["tx", "ty"]),
        ("all", ["op", "oq"]),
    ]
    hidden = R.suppress(v, lines)
    for total, cells in lines:
        unknown = [c for c in [total, *cells] if c in hidden]
        assert len(unknown) != 1, (total, cells, hidden)
    assert ("x", "p") in hidden


def _figures(table) -> list[int]:
    cells = [c for _label, row, total in table.rows for c in (*row, total)]
    return [c for c in [*cells, *table.totals, table.grand_total] if c is not None]


def _check_no_small_figure(tables):
    for table in tables:
        if isinstance(table, dict):
            assert table["count"] is None or table["count"] == 0 or table["count"] >= R.THRESHOLD
            continue
        for figure in _figures(table):
            assert figure == 0 or figure >= R.THRESHOLD, (table.title, figure)


@pytest.mark.parametrize("by", [None, *R.BREAKDOWNS])
def test_demo_results_publish_no_figure_under_the_threshold(campaign, by):
    version = campaign.versions.first()
    responses = R.submitted(campaign, version)
    tables = R.question_tables(responses, version, by)
    tables += [R.breakdown_table(responses, kind, version) for kind in R.BREAKDOWNS]
    _check_no_small_figure(tables)


def test_a_comune_with_few_respondents_is_suppressed(campaign):
    version = campaign.versions.first()
    table = R.breakdown_table(R.submitted(campaign, version), "comune", version)
    rows = dict((label, cells[0]) for label, cells, _t in table.rows)
    assert rows["Erba"] is None  # fewer than 5 answers from Erba
    # ... and a second comune with it, so the total does not give Erba away.
    assert sum(1 for value in rows.values() if value is None) >= 2
    assert table.totals[0] == R.submitted(campaign, version).count()


# --- Pages -----------------------------------------------------------------------------------


def test_results_page_shows_tables_and_charts(campaign, login):
    page = login("comitato.insubria").get(
        reverse("surveys:results", args=[campaign.pk]) + "?per=comune"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="table-breakdown-comune"' in text and 'data-chart="chart-q-genere"' in text
    assert "n.d." in text


def test_organisation_sees_its_aggregate_only_above_the_threshold(campaign, login, user_of):
    client = login("hr.arca")
    url = reverse("surveys:organisation_results", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="respondents"' in page.content.decode()
    # A second organisation of the same admin, with 3 answers only.
    aquilone = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    from equilibri.network.models import OrganisationRole

    OrganisationRole.objects.create(
        user=user_of("hr.arca"), organisation=aquilone, role="org_admin"
    )
    channel = campaign.distributions.get(organisation=aquilone)
    version = campaign.versions.first()
    rng = random.Random(1)
    for _n in range(3):
        (code,) = services.tokens_issue(channel, 1, actor=None)
        response, _resume = services.response_start(channel, version, code=code)
        for index, rows in enumerate(demo.synthetic_rows(version.parsed, rng, ["012127"])):
            services.response_save_section(response, index, rows)
        services.response_submit(response)
    page = login("hr.arca").get(f"{url}?organizzazione={aquilone.pk}")
    text = page.content.decode()
    assert 'id="below-threshold"' in text and 'id="respondents"' not in text
    assert "<table" not in text


def test_free_texts_only_for_the_atss_operators(campaign, login):
    url = reverse("surveys:free_text", args=[campaign.pk])
    page = login("operatore.insubria").get(url)
    assert page.status_code == 200
    texts = page.context["questions"][0][1]
    assert texts == sorted(texts)
    assert login("comitato.insubria").get(url).status_code == 403
    assert login("admin").get(url).status_code == 404


def test_help_desk_channel_has_no_poster(campaign, login):
    channel = campaign.distributions.get(kind=Distribution.Kind.HELP_DESK)
    assert (
        login("operatore.insubria").get(reverse("surveys:poster", args=[channel.pk])).status_code
        == 404
    )
