import pytest

pytestmark = pytest.mark.django_db


def test_nearest_desk_to_erba(client):
    page = client.get("/sportelli/", {"comune": "erba"}).content.decode()
    assert "Sportello conciliazione di Erba" in page
    assert "LYBRA" not in page  # Milano is farther than the default 25 km


def test_wider_radius_finds_milano_too_nearest_first(client):
    page = client.get("/sportelli/", {"comune": "Erba", "raggio": "60"}).content.decode()
    assert page.index("Sportello conciliazione di Erba") < page.index("LYBRA")


def test_no_desk_nearby_says_so(client):
    page = client.get("/sportelli/", {"comune": "Sondrio", "raggio": "10"}).content.decode()
    assert "Nessuno sportello" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"comune": "Atlantide"}, "Non troviamo il comune «Atlantide»"),
        ({"comune": "Erba", "raggio": "500"}, "minore o uguale a 100"),
        ({"comune": "Erba", "raggio": "tanti"}, "Inserisci un numero intero"),
        ({"comune": "x" * 5000}, "Non troviamo il comune"),
    ],
)
def test_bad_input_gets_a_message_not_an_error(client, params, message):
    response = client.get("/sportelli/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
