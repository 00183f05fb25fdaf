"""The search contract, on whichever engine the test database uses (SQLite FTS5 or PostgreSQL)."""

import datetime

import pytest

from equilibri.catalogue.demo import next_summer_year
from equilibri.catalogue.search import SearchQuery, search_services
from equilibri.territory.models import Comune

pytestmark = pytest.mark.django_db


def names(**kwargs) -> list[str]:
    page = search_services(SearchQuery(per_page=100, **kwargs))
    return [hit.card.name for hit in page.hits]


def tradate() -> Comune:
    return Comune.objects.get(name="Tradate")


def test_stemming_plural_finds_singular():
    assert "Centro estivo Tradate" in names(text="centri estivi")


def test_accent_folding():
    assert "Grest cittadino di Brescia" in names(text="citta")  # "città" folded? no: cittadino
    assert "Post-scuola Città Alta" in names(text="citta alta")


def test_synonyms():
    found = names(text="doposcuola")
    assert "Post-scuola alla primaria di Tradate" in found
    assert "Doposcuola Il Seme" in found
    found = names(text="post-scuola")
    assert "Doposcuola Il Seme" in found
    found = names(text="badante")
    assert "Assistenza domiciliare per anziani e persone con disabilità" in found
    assert "Registro assistenti familiari" in found
    assert "Registro assistenti familiari" in names(text="assistenza domiciliare")


def test_category_includes_sub_terms():
    found = names(category="salvatempo")
    assert "SalvaTempo: stireria sociale" in found
    assert "Maggiordomo di quartiere" in found
    assert "Centro estivo Tradate" not in found
    assert names(category="stiro-sociale") == sorted(
        ["SalvaTempo: stireria sociale", "Stireria e lavanderia in ospedale"]
    )
    assert names(category="non-esiste") == []


def test_comune_and_radius_with_distance():
    page = search_services(SearchQuery(text="centro estivo", comune=tradate(), radius_km=10))
    assert [h.card.name for h in page.hits] == ["Centro estivo Tradate"]
    assert page.hits[0].distance_km is not None and page.hits[0].distance_km < 1
    wide = names(text="centro estivo", comune=tradate(), radius_km=30)
    assert "Centro estivo Busto Arsizio" in wide
    assert "Grest cittadino di Brescia" not in wide


def test_sort_by_distance():
    page = search_services(
        SearchQuery(category="centri-estivi", comune=tradate(), sort="distance", per_page=50)
    )
    distances = [h.distance_km for h in page.hits]
    assert distances == sorted(distances)
    assert page.hits[0].card.name == "Centro estivo Tradate"


def test_age():
    found = names(category="centri-estivi", age=7)
    assert "Centro estivo Tradate" in found
    assert "Centri estivi del Sud Est Milano" in found
    found = names(category="centri-estivi", age=15)
    assert "Centro estivo Tradate" not in found


def test_open_on_a_day():
    year = next_summer_year()
    july = datetime.date(year, 7, 8)
    while july.weekday() != 2:
        july += datetime.timedelta(days=1)
    assert "Centro estivo Tradate" in names(category="centri-estivi", open_on=july)
    november = datetime.date(year, 11, 11)
    assert names(category="centri-estivi", open_on=november) == []
    sunday = datetime.date(year, 7, 5)
    while sunday.weekday() != 6:
        sunday += datetime.timedelta(days=1)
    assert "Centro estivo Tradate" not in names(category="centri-estivi", open_on=sunday)


def test_closures_exclude_the_day():
    year = next_summer_year()
    day = datetime.date(year, 8, 12)
    assert "Micronido Piccoli Passi" not in names(category="micronidi", open_on=day)
    assert "Micronido Piccoli Passi" in names(
        category="micronidi", open_on=datetime.date(year, 9, 8)
    )


def test_free_voucher_language():
    free = names(free_only=True)
    assert "Coworking – patchworking Valcuvia" in free
    assert "Centro estivo Tradate" not in free
    assert "Centro estivo Tradate" in names(voucher=True)
    assert "Social point Niguarda" in names(language="zh")
    assert "Centro estivo Tradate" not in names(language="zh")


def test_pagination_and_total():
    first = search_services(SearchQuery(per_page=5))
    second = search_services(SearchQuery(per_page=5, page=2))
    assert first.total == second.total > 30
    assert {h.card.pk for h in first.hits}.isdisjoint({h.card.pk for h in second.hits})
    beyond = search_services(SearchQuery(per_page=5, page=999))
    assert beyond.hits == [] and beyond.total == first.total


def test_only_published():
    # The demo's only ludoteca is a draft ("ludoteca" also finds play spaces: the vocabulary).
    found = names(text="ludoteca")
    assert "Ludoteca del sabato" not in found
    assert not any("ludoteca" in name.lower() for name in found)


def test_garbage_text():
    for text in ['"', "AND OR NOT", "(((", "*", "a:b", "NEAR(x y)", "-", "ü" * 300, "'; drop"]:
        names(text=text)


def test_raw_statement_is_what_search_runs():
    from django.db import connection

    from equilibri.catalogue.search import raw_search_sql

    query = SearchQuery(text="centro estivo", comune=tradate(), radius_km=50, per_page=5)
    sql, params = raw_search_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    assert ids == [h.card.pk for h in search_services(query).hits]
    assert ids


def test_organisation_and_modified_after():
    from django.utils import timezone

    from equilibri.network.models import Organisation

    org = Organisation.objects.get(name="Spazio Aperto Servizi")
    found = names(organisation_id=org.pk)
    assert found and "Centro estivo Tradate" not in found
    assert names(modified_after=timezone.now() + datetime.timedelta(days=1)) == []
    assert names(modified_after=timezone.now() - datetime.timedelta(days=1))


def test_radius_is_capped_and_hits_carry_their_nearest_location():
    page = search_services(SearchQuery(comune=tradate(), radius_km=10_000, per_page=100))
    assert all(h.distance_km is not None and h.distance_km <= 100.5 for h in page.hits)
    assert all(h.location is not None for h in page.hits)


def test_cards_carry_what_the_models_say():
    """The result cards come from the engine statement itself (JSON columns on both engines):
    every value must be the model's, with the same types and order."""
    from decimal import Decimal

    from django.utils import timezone

    from equilibri.catalogue.models import Service
    from equilibri.catalogue.opening import next_opening, opening_of, timetable, timetable_of

    page = search_services(SearchQuery(per_page=100))
    assert len(page.hits) > 20
    services = Service.objects.in_bulk([h.card.pk for h in page.hits])
    now = timezone.localtime()
    checked_amounts = 0
    for hit in page.hits:
        card, s = hit.card, services[hit.card.pk]
        assert (card.uuid, card.name, card.organisation_name) == (
            s.uuid,
            s.name,
            s.organisation.name,
        )
        assert card.get_absolute_url() == s.get_absolute_url()
        assert (card.minimum_age, card.maximum_age) == (s.minimum_age, s.maximum_age)
        assert card.eligible_project_id == s.eligible_project_id
        assert card.eligibility_description == s.eligibility_description
        assert card.terms == [t.name for t in s.terms.order_by("position", "name")]
        assert card.eligible_comuni == [str(c) for c in s.eligible_comuni.order_by("name", "id")]
        assert [loc.id for loc in card.locations] == list(
            s.at_locations.order_by("id").values_list("location_id", flat=True)
        )
        assert [(c.option, c.amount, c.amount_description) for c in card.costs] == [
            (c.option, c.amount, c.amount_description) for c in s.cost_options.order_by("id")
        ]
        checked_amounts += sum(isinstance(c.amount, Decimal) for c in card.costs)
        schedules = list(s.schedules.order_by("weekday", "opens_at", "id"))
        assert [tuple(c) for c in card.schedules] == [
            (x.weekday, x.opens_at, x.closes_at, x.valid_from, x.valid_to) for x in schedules
        ]
        assert [tuple(c) for c in card.closures] == [
            (x.date_from, x.date_to, x.location_id) for x in s.closures.order_by("date_from", "id")
        ]
        assert opening_of(card.schedules, card.closures, now) == next_opening(s, now)
        assert timetable_of(card.schedules) == timetable(s)
    assert checked_amounts > 0


def test_cards_keep_the_engine_order():
    """The statement that adds the cards orders the page again: same services, same order."""
    from django.db import connection

    from equilibri.catalogue.cards import card_columns
    from equilibri.catalogue.search import raw_search_sql

    for query in (
        SearchQuery(text="centro estivo", comune=tradate(), radius_km=50, per_page=5),
        SearchQuery(text="servizi", per_page=7, page=2),
        SearchQuery(comune=tradate(), radius_km=30, sort="distance", per_page=6),
        SearchQuery(category="salvatempo", per_page=4),
    ):
        with connection.cursor() as cursor:
            cursor.execute(*raw_search_sql(query))
            plain = [row[0] for row in cursor.fetchall()]
            cursor.execute(*raw_search_sql(query, card_columns(connection.vendor)))
            with_cards = [row[0] for row in cursor.fetchall()]
        assert plain and with_cards == plain
        assert [h.card.pk for h in search_services(query).hits] == plain
