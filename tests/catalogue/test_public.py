"""Public pages: search (list, map, HTMX fragment, bad input), service page, mistake report,
the "what can I get?" helper."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from equilibri.catalogue.demo import demo_uuid, next_summer_year
from equilibri.catalogue.models import MistakeReport, Service
from equilibri.core.offers import Offer, register_offer_provider, unregister_offer_provider

pytestmark = pytest.mark.django_db
URL = "/servizi/"


def card_titles(body: str) -> list[str]:
    """The result cards' service names, in order."""
    return re.findall(r'<h3 class="card-title h5"><a href="[^"]*">([^<]*)</a></h3>', body)


def test_search_page_lists_everything(client):
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="results-title" aria-live="polite">Tutti i servizi</h2>' in body
    assert len(card_titles(body)) == min(
        Service.objects.filter(review_state=Service.Review.PUBLISHED).count(), 10
    )


def test_summer_camp_near_tradate_for_a_seven_year_old_in_july(client):
    year = next_summer_year()
    response = client.get(
        URL, {"q": "centri estivi", "comune": "Tradate", "eta": 7, "giorno": f"{year}-07-07"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert card_titles(body)[0] == "Centro estivo Tradate"
    assert "a 0,0 km" in body or "a 0.0 km" in body
    assert "15 giugno" in body.lower() and "28 agosto" in body.lower()


def test_htmx_gets_the_fragment_only(client):
    response = client.get(URL, {"q": "stireria"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="search-results"' in body
    assert "<html" not in body
    assert "SalvaTempo: stireria sociale" in body


def test_map_view_has_markers_and_the_list(client):
    with override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png"):
        response = client.get(URL, {"categoria": "centri-estivi", "vista": "mappa"})
    body = response.content.decode()
    assert "data-service-map" in body
    assert "tiles.example.org" in body
    assert "results-map-data" in body
    assert "Centro estivo Tradate" in body
    assert "<script>" not in body  # no inline script (json_script has a type)


@pytest.mark.parametrize(
    "params",
    [
        {"comune": "Atlantide"},
        {"comune": "Tradate", "raggio": "5000"},
        {"comune": "Tradate", "raggio": "-3"},
        {"raggio": "abc"},
        {"eta": "tanti"},
        {"giorno": "31/02/2026"},
        {"giorno": "99999-01-01"},
        {"categoria": "<script>"},
        {"lingua": "klingon"},
        {"ordina": "distanza"},
        {"pagina": "ultima"},
        {"pagina": "-1"},
        {"pagina": "99999999999999999999"},
        {"q": "\x00" * 10},
        {"q": "x" * 5000},
        {"aperto_ora": "forse", "gratuito": "[]", "voucher": "1"},
    ],
)
def test_garbage_parameters_never_500(client, params):
    response = client.get(URL, params)
    assert response.status_code == 200


def test_unknown_comune_and_radius_messages(client):
    body = client.get(URL, {"comune": "Atlantide"}).content.decode()
    assert "Non troviamo il comune" in body
    body = client.get(URL, {"comune": "Tradate", "raggio": "5000"}).content.decode()
    assert "Controlla la ricerca" in body


def test_service_page_by_uuid_and_pk(client):
    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    response = client.get(service.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Centro estivo Tradate" in body
    assert "Orario valido dal" in body
    assert "Lo sportello conciliazione più vicino" in body
    response = client.get(f"{URL}{service.pk}/")
    assert response.status_code == 301
    assert client.get(f"{URL}not-a-uuid/").status_code == 404


def test_unpublished_service_is_404(client):
    draft = Service.objects.get(uuid=demo_uuid("tradate-compiti-medie"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_mistake_report_emails_the_ats_operators(client, django_capture_on_commit_callbacks):
    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    url = reverse("catalogue_public:report_mistake", args=[service.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Il telefono è cambiato", "email": ""})
    assert response.status_code == 302
    assert MistakeReport.objects.filter(service=service).count() == 1
    assert len(mail.outbox) == 1
    assert "operatore.insubria@demo.equilibri.it" in mail.outbox[0].to
    assert "operatore.milano@demo.equilibri.it" not in mail.outbox[0].to
    response = client.post(url, {"message": ""})
    assert response.status_code == 400


def test_helper_page(client):
    response = client.get(reverse("catalogue_public:helper"), {"comune": "Cuvio", "eta_figli": "7"})
    body = response.content.decode()
    assert "Coworking – patchworking Valcuvia" in body
    response = client.get(
        reverse("catalogue_public:helper"), {"comune": "Tradate", "eta_figli": "7"}
    )
    body = response.content.decode()
    assert "Centro estivo Tradate" in body
    assert "Coworking – patchworking Valcuvia" not in body  # residents of Valcuvia only
    assert "Micronido comunale di Arcisate" not in body  # ages 0-3, residents only


def test_helper_partner_employees_and_offers(client):
    from equilibri.network.models import Organisation

    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    body = client.get(
        reverse("catalogue_public:helper"), {"comune": "Tradate", "datore": arca.pk}
    ).content.decode()
    assert "SalvaTempo: maggiordomo aziendale" in body
    body = client.get(reverse("catalogue_public:helper"), {"comune": "Tradate"}).content.decode()
    assert "SalvaTempo: maggiordomo aziendale" not in body

    def offers(comune, employer, ages):
        return [Offer("Family voucher di prova", "/voucher/", "per chi vive a " + comune.name)]

    register_offer_provider(offers)
    try:
        body = client.get(
            reverse("catalogue_public:helper"), {"comune": "Tradate"}
        ).content.decode()
    finally:
        unregister_offer_provider(offers)
    assert "Family voucher di prova" in body


def test_helper_bad_input(client):
    response = client.get(reverse("catalogue_public:helper"), {"comune": "", "eta_figli": "due"})
    assert response.status_code == 200
    assert "Scrivi le età" in response.content.decode()


def test_open_now_filter_runs(client):
    assert client.get(URL, {"aperto_ora": "on"}).status_code == 200
    day = datetime.date.today().isoformat()
    assert (
        client.get(URL, {"giorno": day, "ordina": "distanza", "comune": "Erba"}).status_code == 200
    )


def test_the_nearest_help_desk_is_a_bookable_desk_of_the_network(client):
    """Providers' information points filed as "sportelli" are searchable, but the service page
    points to the nearest help desk of the network, the ones /sportelli/ lists and books."""
    from equilibri.desks.selectors import public_desks

    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    body = client.get(service.get_absolute_url()).content.decode()
    desk_names = {d.name for d in public_desks()}
    shown = [name for name in desk_names if name in body]
    assert shown, "the page names one of the network's help desks"
    listed_only = Service.objects.filter(terms__code="sportelli-conciliazione", listed_object="")
    assert listed_only.exists()
    assert not [s.name for s in listed_only if s.name in body.split("più vicino", 1)[1]]


def test_empty_search_fields_are_rendered_once_per_language():
    from django.utils import translation

    from equilibri.catalogue import rendering
    from equilibri.catalogue.forms import SearchForm

    rendering._field_html.clear()
    for language, label in (("it", "Età del bambino"), ("en", "Age of the child")):
        with translation.override(language):
            form = SearchForm({"q": "nido", "eta": ""})
            first = rendering.search_field(form["eta"])
            assert label in first
            assert rendering.search_field(form["eta"]) is first  # kept
            assert first == rendering._search_field(form["eta"])
            # A field with a value, or with an error, is rendered each time.
            assert 'value="nido"' in rendering.search_field(form["q"])
            bad = SearchForm({"eta": "x"})
            assert "has-error" in rendering.search_field(bad["eta"])
    assert len(rendering._field_html) == 2


DAYS = (datetime.date(2026, 1, 5), datetime.date(2026, 7, 12), datetime.date(2027, 12, 31))


@pytest.mark.parametrize("language", ["it", "en"])
def test_card_dates_read_as_django_formats_them(language):
    from django.utils import dateformat, timezone, translation

    from equilibri.catalogue import rendering
    from equilibri.catalogue.opening import Opening

    with translation.override(language):
        t = rendering._texts(language)
        for day in (
            datetime.date(2026, 1, 5),
            datetime.date(2026, 7, 12),
            datetime.date(2027, 12, 31),
        ):
            # The template puts each period on a line of its own ("<br>").
            periods = rendering._periods([(day, day)], t)
            assert periods == [
                t["period"]
                % {
                    "start": dateformat.format(day, "j F Y"),
                    "end": dateformat.format(day, "j F Y"),
                }
            ]
            starts = datetime.datetime.combine(day, datetime.time(8, 5), tzinfo=datetime.UTC)
            line = rendering._opening(Opening(starts=starts, ends=starts, is_now=False), t)
            local = timezone.localtime(starts)
            assert dateformat.format(local, "l j F") in line
            assert dateformat.time_format(local, "H:i") in line


def test_more_filters_open_when_one_is_set(client):
    assert '<details class="mb-3">' in client.get(URL, {"q": "nido"}).content.decode()
    for params in ({"eta": 7}, {"gratuito": "on"}, {"ordina": "distanza"}, {"eta": "x"}):
        body = client.get(URL, {"q": "nido", **params}).content.decode()
        assert '<details class="mb-3" open>' in body, params


def test_the_nearest_help_desk_is_one_of_the_services_own_ats_first(client):
    """A desk of another ATS may be nearer, but the one shown serves the service's own ATS; with
    no desk of that ATS, the nearest of any."""
    from equilibri.catalogue.selectors import nearest_desk_service

    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    here = service.at_locations.first().location
    own = here.comune.ats_id
    nearest_any = nearest_desk_service(here.latitude, here.longitude)
    _service, location, _km = nearest_desk_service(here.latitude, here.longitude, ats_id=own)
    assert location.comune.ats_id == own
    assert nearest_any[2] <= _km
    # An ATS with no desk at all falls back to the nearest desk of any ATS.
    assert nearest_desk_service(here.latitude, here.longitude, ats_id=-1) == nearest_any
    body = client.get(service.get_absolute_url()).content.decode()
    assert _service.name in body.split("più vicino", 1)[1]
