"""What the search understands in the citizen's words: soft AND ranking, places, ages, months,
weekdays, cost and language as filters (with chips), typos, the vocabulary files, bad input.
On whichever engine the test database uses (SQLite FTS5 or PostgreSQL)."""

from pathlib import Path

import pytest
from django.utils import translation

from equilibri.catalogue import spelling
from equilibri.catalogue.lexicon import VocabularyError, lexicon, load_lexicon
from equilibri.catalogue.models import Service
from equilibri.catalogue.query import understand
from equilibri.catalogue.search import SearchQuery, search_services


def page(text: str, **kwargs):
    spelling.forget()
    return search_services(SearchQuery(text=text, per_page=50, **kwargs))


def names(text: str, **kwargs) -> list[str]:
    return [hit.card.name for hit in page(text, **kwargs).hits]


# --- The vocabulary files ---------------------------------------------------------------------


@pytest.mark.django_db
def test_vocabulary_files_load_with_acronyms_concepts_and_english():
    meanings = lexicon("it").meanings
    assert ("centro", "estivo") in meanings[("cre",)]
    assert ("anziani",) in meanings[("papa", "anziano")]
    assert ("post", "scuola") in meanings[("doposcuola",)]
    # English words are the English site's only.
    assert ("after", "school") not in meanings
    assert ("doposcuola",) in lexicon("en").meanings[("after", "school")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[group]\nterms = 1", "not valid TOML"),
        ('[[group]]\nterms = ["solo"]', "at least two phrases"),
        ('[[group]]\nterms = ["di", "nido"]', "no searchable word"),
        ("[expand]\ncre = 3", "list of non-empty strings"),
        ('[synonyms]\na = ["b"]', "unknown sections"),
    ],
)
def test_a_bad_vocabulary_file_is_a_clear_error(tmp_path: Path, content: str, message: str):
    path = tmp_path / "vocabulary-xx.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError, match=message) as error:
        load_lexicon([path])
    assert str(path) in str(error.value)


# --- Understanding (word rules; places need the comuni) ----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, place",
    [
        ("doposcuola a Cantù", "Cantù"),
        ("asilo vicino a Sesto San Giovanni", "Sesto San Giovanni"),
        ("co-working dalle parti di Luino", "Luino"),
        ("doposcuola Lecco", "Lecco"),
        ("nido a Cassano d'Adda", "Cassano d'Adda"),
        ("doposcuola in provincia di Varese", "Varese"),
    ],
)
def test_places_with_articles_and_prepositions(text: str, place: str):
    understood = understand(text)
    assert understood.place is not None and understood.place.name == place
    assert place.split()[0].lower() not in understood.text
    assert [c.kind for c in understood.chips] == ["place"]
    assert place.split()[0] not in understood.chips[0].query_without


@pytest.mark.django_db
def test_a_comune_that_is_a_common_word_needs_a_strong_lead():
    assert understand("taglio erba").place is None
    assert understand("vicino a Erba").place.name == "Erba"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, age, left",
    [
        ("centro estivo 6 anni", 6, "centro estivo"),
        ("nido per 18 mesi", 1, "nido"),
        ("neonato", 0, ""),
        ("campo per un bimbo di 4 anni", 4, "campo"),
        ("doposcuola per mio figlio di 9 anni", 9, "doposcuola"),
        ("nido per un neonato", 0, "nido"),
        ("after school for a 7 years old", 7, "after school"),
        ("after school for my son of 8 years", 8, "after school"),
        # Whose age it is, without an age: the words stay search words.
        ("ludoteca per bambini", None, "ludoteca per bambini"),
        ("per la scuola 6 anni", 6, "per la scuola"),
    ],
)
def test_ages(text: str, age: int | None, left: str):
    understood = understand(text)
    assert understood.age == age
    assert understood.text == left


@pytest.mark.django_db
def test_months_weekdays_cost_and_language_become_filters():
    understood = understand("centro estivo a giugno aperto sabato gratis in inglese")
    assert (understood.month, understood.weekday, understood.free, understood.language) == (
        6,
        5,
        True,
        "en",
    )
    assert understood.text == "centro estivo"
    assert [c.kind for c in understood.chips] == ["month", "weekday", "free", "language"]
    assert understood.chips[-1].query_without == "centro estivo a giugno aperto sabato gratis"
    # A language named without a lead is a topic ("corso di inglese"), not a filter.
    assert understand("corso di inglese").language is None


# --- The search -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_soft_and_all_concepts_first_then_those_missing_one():
    found = names("stireria sociale")
    assert found[0] == "SalvaTempo: stireria sociale"
    assert "Stireria e lavanderia in ospedale" in found[1:]
    # A word no service has does not empty the page.
    assert "SalvaTempo: stireria sociale" in names("stireria zzyzzyva")


@pytest.mark.django_db
def test_name_and_category_matches_rank_above_description_matches():
    hits = page("centro estivo").hits
    in_name = [
        "centr" in (h.card.name + " ".join(h.card.terms)).lower()
        and "estiv" in (h.card.name + " ".join(h.card.terms)).lower()
        for h in hits
    ]
    assert in_name[0] and in_name == sorted(in_name, reverse=True)


@pytest.mark.django_db
def test_temporarily_closed_services_rank_below_open_ones():
    first = names("centro estivo")[0]
    Service.objects.filter(name=first).update(status=Service.Status.TEMPORARILY_CLOSED)
    found = names("centro estivo")
    assert found[-1] == first or found.index(first) > 0


@pytest.mark.django_db
def test_a_comune_in_the_text_is_a_filter_with_a_chip():
    result = page("centro estivo Tradate")
    assert "Centro estivo Tradate" in [h.card.name for h in result.hits]
    assert "Grest cittadino di Brescia" not in [h.card.name for h in result.hits]
    assert [(c.kind, c.param) for c in result.chips] == [("place", "comune")]
    assert result.chips[0].query_without == "centro estivo"
    assert all(h.distance_km is not None and h.distance_km <= 20.5 for h in result.hits)


@pytest.mark.django_db
def test_age_and_language_from_the_text():
    assert "Centro estivo Tradate" in names("centro estivo 8 anni")
    assert "Centro estivo Tradate" not in names("centro estivo 16 anni")
    assert "Social point Niguarda" in names("in cinese")
    assert "Centro estivo Tradate" not in names("centro estivo in cinese")


@pytest.mark.django_db
def test_typos_are_corrected_with_a_suggestion():
    result = page("dopscuola")
    assert result.suggestion == "doposcuola"
    assert "Doposcuola Il Seme" in [h.card.name for h in result.hits]
    assert page("doposcuola").suggestion is None


@pytest.mark.django_db
def test_concepts_and_english_words():
    assert "Assistenza domiciliare per anziani e persone con disabilità" in names(
        "qualcuno per il mio papà anziano"
    )
    with translation.override("en"):
        assert "Doposcuola Il Seme" in names("after school")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "il la di per",
        "a Tradate",
        "?!.,;:",
        "z" * 200,
        '"doposcuola',
        "doposcuola*",
        "NEAR(doposcuola stireria)",
        "doposcuola OR stireria",
        "doposcuola & !stireria",
        "doposcuola | (stireria",
        "доп школа 中文 doposcuola",
        "a" * 500 + " Tradate 200 anni 9999 mesi",
    ],
)
def test_bad_input_never_fails(text: str):
    result = page(text)
    assert result.total >= 0
