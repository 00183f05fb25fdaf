"""The search page shows what the search understood: removable chips (plain links), the pieces
moved into the form's fields, "Forse cercavi" with "Cerca invece", fractional ages and decimal
radii; the English site the same."""

import html
import re

import pytest
from django.utils import translation

from equilibri.catalogue import spelling
from equilibri.catalogue.demo import next_summer_year
from equilibri.catalogue.search import SearchQuery, search_services

pytestmark = pytest.mark.django_db
URL = "/servizi/"


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    spelling.forget()


def card_titles(body: str) -> list[str]:
    return re.findall(r'<h3 class="card-title h5"><a href="[^"]*">([^<]*)</a></h3>', body)


def chips(body: str) -> list[tuple[str, str]]:
    """(label, removal link) of each chip."""
    found = re.findall(
        r'<a class="search-chip" href="\?([^"]*)"><span class="visually-hidden">Rimuovi filtro '
        r"</span>([^<]*)<",
        body,
    )
    return [(html.unescape(label), html.unescape(link)) for link, label in found]


def field_value(body: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]* name="{name}"[^>]*>', body)
    if found is None:
        return None
    value = re.search(r'value="([^"]*)"', found.group())
    return html.unescape(value.group(1)) if value else ""


def selected(body: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None
    option = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return option.group(1) if option else None


def test_understood_pieces_are_chips_that_each_remove_one_piece(client):
    text = "centro estivo per un bimbo di 7 anni vicino a Tradate a luglio"
    body = client.get(URL, {"q": text}).content.decode()
    found = dict(chips(body))
    assert set(found) == {"Età: 7 anni", "Vicino a: Tradate · 20 km", "Mese: luglio"}
    assert "Centro estivo Tradate" in card_titles(body)
    # Each chip's link searches the text without that piece, the other pieces kept.
    without_place = client.get(URL + "?" + found["Vicino a: Tradate · 20 km"]).content.decode()
    assert {label for label, _link in chips(without_place)} == {"Età: 7 anni", "Mese: luglio"}
    assert "Tradate" not in found["Vicino a: Tradate · 20 km"]


def test_the_form_shows_the_understood_pieces_in_its_fields(client):
    text = "centro estivo 7 anni vicino a Tradate a luglio gratis aperto sabato in inglese"
    body = client.get(URL, {"q": text}).content.decode()
    assert field_value(body, "q") == "centro estivo"
    assert field_value(body, "comune") == "Tradate"
    assert field_value(body, "raggio") == "20"
    assert field_value(body, "eta") == "7"
    assert selected(body, "mese") == "7"
    assert selected(body, "giorno_settimana") == "5"
    assert selected(body, "lingua") == "en"
    assert re.search(r'<input[^>]*checked[^>]*name="gratuito"', body) or re.search(
        r'<input[^>]*name="gratuito"[^>]*checked', body
    )
    # Sent again, the form's values run the same search, now as fields, with the same chips.
    again = client.get(
        URL,
        {
            "q": "centro estivo",
            "comune": "Tradate",
            "raggio": "20",
            "eta": "7",
            "mese": "7",
        },
    ).content.decode()
    assert card_titles(again) == card_titles(
        client.get(URL, {"q": "centro estivo 7 anni vicino a Tradate a luglio"}).content.decode()
    )
    labels = dict(chips(again))
    assert set(labels) == {"Vicino a: Tradate · 20 km", "Età: 7 anni", "Mese: luglio"}
    # Removing the comune's chip empties the comune and its radius.
    assert labels["Vicino a: Tradate · 20 km"] == "q=centro+estivo&eta=7&mese=7"


def test_htmx_answer_replaces_the_form_when_pieces_moved(client):
    body = client.get(
        URL, {"q": "doposcuola vicino a Tradate"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="search-results"' in body and "<html" not in body
    assert 'id="search-form"' in body and 'hx-swap-oob="true"' in body
    assert field_value(body, "q") == "doposcuola"
    plain = client.get(URL, {"q": "doposcuola"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="search-form"' not in plain


def test_a_typo_says_forse_cercavi_and_cerca_invece_searches_the_words_as_typed(client):
    body = client.get(URL, {"q": "dopscuola"}).content.decode()
    assert "Forse cercavi" in body and "<strong>doposcuola</strong>" in body
    assert "Doposcuola Il Seme" in card_titles(body)  # the corrected results, at once
    typed = re.search(r'Cerca invece <a href="\?([^"]*)">dopscuola</a>', body)
    assert typed is not None
    assert html.unescape(typed.group(1)) == "q=dopscuola&testo_esatto=1"
    literal = client.get(URL + "?" + html.unescape(typed.group(1))).content.decode()
    assert "Forse cercavi" not in literal
    assert "Doposcuola Il Seme" not in card_titles(literal)


def test_the_engine_searches_the_words_as_typed_when_asked():
    corrected = search_services(SearchQuery(text="dopscuola", per_page=50))
    assert corrected.suggestion == "doposcuola" and corrected.total > 0
    literal = search_services(SearchQuery(text="dopscuola", literal=True, per_page=50))
    assert literal.suggestion is None and literal.total == 0


def test_ages_in_months_and_decimal_years_and_a_decimal_radius(client):
    body = client.get(URL, {"categoria": "prima-infanzia", "eta_mesi": "8"}).content.decode()
    assert "Età: 8 mesi" in dict(chips(body))
    assert card_titles(body)
    body = client.get(URL, {"q": "nido 18 mesi"}).content.decode()
    assert field_value(body, "eta_mesi") == "18"
    body = client.get(URL, {"eta": "1,5"}).content.decode()
    assert "Età: 1,5 anni" in dict(chips(body))
    body = client.get(URL, {"q": "centro estivo", "comune": "Tradate", "raggio": "7,5"})
    labels = dict(chips(body.content.decode()))
    assert "Vicino a: Tradate · 7,5 km" in labels
    assert all(
        float(km.replace(",", ".")) <= 7.5
        for km in re.findall(r"<strong>a ([0-9,]+) km</strong>", body.content.decode())
    )


@pytest.mark.parametrize(
    "params, message",
    [
        ({"eta": "121"}, "fino a 120 anni"),
        ({"eta": "-1"}, "non può essere negativa"),
        ({"eta": "1,555"}, "al massimo due decimali"),
        ({"eta": "tanti"}, "ad esempio 6 o 1,5"),
        ({"eta_mesi": "61"}, "fino a 60"),
        ({"eta_mesi": "1,5"}, "numero intero"),
        ({"eta": "2", "eta_mesi": "8"}, "non in entrambi"),
        ({"comune": "Tradate", "raggio": "0"}, "almeno di 0,1 km"),
        ({"comune": "Tradate", "raggio": "7,55"}, "al massimo un decimale"),
        ({"comune": "Tradate", "raggio": "1e309"}, "ad esempio 7,5"),
        ({"comune": "Tradate", "raggio": "101"}, "al massimo di 100 km"),
        ({"mese": "13"}, "Scegli un mese dall'elenco"),
        ({"giorno_settimana": "x"}, "Scegli un giorno della settimana dall'elenco"),
    ],
)
def test_bounds_have_clear_messages(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Controlla la ricerca" in body
    assert message in body


def test_month_and_weekday_fields_filter(client):
    year = next_summer_year()
    assert year  # the demo's camps run in the next summer: July is one of their months
    body = client.get(URL, {"q": "centro estivo", "mese": "7"}).content.decode()
    assert "Centro estivo Tradate" in card_titles(body)
    assert "Mese: luglio" in dict(chips(body))
    body = client.get(URL, {"q": "centro estivo", "giorno_settimana": "6"}).content.decode()
    assert "Centro estivo Tradate" not in card_titles(body)  # closed on Sundays
    assert "Aperto: domenica" in dict(chips(body))


def test_english_site_finds_doposcuola_with_english_words(client):
    with translation.override("en"):
        body = client.get("/en" + URL, {"q": "after school"}).content.decode()
        assert "Doposcuola Il Seme" in card_titles(body)
        body = client.get("/en" + URL, {"q": "summer camp near Tradate in July"}).content.decode()
    assert "Centro estivo Tradate" in card_titles(body)
    assert 'class="search-chip"' in body
    assert "Tradate · 20 km" in html.unescape(body)
    assert "July" in html.unescape(body)
