"""Saved searches: the search page links to a confirmation in the personal area (the results may
come from the shared page cache, so no form there), the POST keeps the search's own parameters
once, the area lists them to run again or forget, and nobody else's can be forgotten."""

import pytest
from django.urls import reverse

from equilibri.citizens import services
from equilibri.citizens.models import SavedSearch

pytestmark = pytest.mark.django_db

SAVE = reverse("citizens_public:search_save")
HOME = reverse("citizens_public:home")
SEARCH = reverse("catalogue_public:search")


def test_the_results_link_to_save_the_search(client):
    body = client.get(SEARCH, {"q": "doposcuola"}).content.decode()
    assert f'href="{SAVE}?q=doposcuola' in body
    assert "Salva questa ricerca" in body


def test_signed_out_the_save_page_asks_to_sign_in_and_comes_back(client):
    response = client.get(SAVE, {"q": "nido"})
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=" in response["Location"]


def test_a_person_confirms_and_finds_the_search_in_the_area(login, user_of):
    client = login("cittadina")
    page = client.get(SAVE, {"q": "  doposcuola ", "pagina": "3", "vista": "mappa", "x": "1"})
    assert page.status_code == 200
    assert 'name="query" value="q=doposcuola"' in page.content.decode()
    response = client.post(SAVE, {"query": "q=doposcuola&pagina=3"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=user_of("cittadina"))
    # Paging, view and unknown parameters are not part of a search.
    assert (saved.query, saved.label) == ("q=doposcuola", "doposcuola")
    area = client.get(HOME).content.decode()
    assert f'href="{SEARCH}?q=doposcuola"' in area
    # The same search again is the same row.
    client.post(SAVE, {"query": "pagina=1&q=doposcuola"})
    assert SavedSearch.objects.filter(user=user_of("cittadina")).count() == 1


def test_the_label_names_the_text_the_place_and_the_other_filters(user_of):
    saved = services.search_save(
        user=user_of("cittadina"), query="q=centro+estivo&comune=Lecco&eta=5&mese=6"
    )
    assert saved.label == "centro estivo · Lecco (2 filtri)"


def test_nothing_to_save_and_too_many_are_clear_refusals(login, user_of):
    client = login("cittadina")
    response = client.post(SAVE, {"query": "pagina=2&vista=mappa"}, follow=True)
    assert "Non c&#x27;è nessuna ricerca da salvare" in response.content.decode()
    assert not SavedSearch.objects.exists()
    user = user_of("cittadina")
    for n in range(SavedSearch.MAX_PER_PERSON):
        SavedSearch.objects.create(user=user, query=f"q=s{n}", label=f"s{n}")
    response = client.post(SAVE, {"query": "q=ancora"}, follow=True)
    assert "togline qualcuna" in response.content.decode()
    assert SavedSearch.objects.filter(user=user).count() == SavedSearch.MAX_PER_PERSON


def test_a_long_search_is_refused_not_cut(user_of):
    with pytest.raises(Exception, match="troppo lunga"):
        services.search_save(
            user=user_of("cittadina"),
            query="&".join(
                f"{name}={'x' * 150}" for name in ("q", "comune", "categoria", "lingua")
            ),
        )


def test_forget_only_ones_own(login, user_of):
    mine = services.search_save(user=user_of("cittadina"), query="q=nido")
    other = services.search_save(user=user_of("cittadino"), query="q=nido")
    client = login("cittadina")
    assert client.post(reverse("citizens_public:search_forget", args=[other.pk])).status_code == 404
    assert client.post(reverse("citizens_public:search_forget", args=[mine.pk])).status_code == 302
    assert list(SavedSearch.objects.values_list("pk", flat=True)) == [other.pk]
