"""A citizen's own words on the search page: the chips of what the search understood (removed
with a plain link, with or without JavaScript), the pieces moved into the form, "Forse
cercavi" with "Cerca invece", and the English site. axe-core checks each page."""

import datetime
import re
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _camp(name, comune_name, months, ages=(3, 11), closed=False):
    """A summer camp in `comune_name`, open Monday to Friday in the given (first, last) months
    of the coming June's year."""
    from equilibri.catalogue.indexing import reindex_services
    from equilibri.catalogue.models import (
        Location,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from equilibri.network.models import Organisation
    from equilibri.territory.models import Comune

    today = timezone.localdate()
    year = today.year if today.month <= 6 else today.year + 1
    first, last = months
    organisation = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    comune = Comune.objects.get(name=comune_name)
    status = Service.Status.TEMPORARILY_CLOSED if closed else Service.Status.ACTIVE
    service = Service.objects.create(
        organisation=organisation,
        name=name,
        description="Campo estivo per bambini e ragazzi, con giochi, laboratori e gite.",
        review_state=Service.Review.PUBLISHED,
        status=status,
        minimum_age=ages[0],
        maximum_age=ages[1],
    )
    service.terms.add(TaxonomyTerm.objects.get(code="centri-estivi"))
    location = Location.objects.create(
        organisation=organisation,
        name=f"Sede di {comune_name}",
        address="Via Roma 1",
        comune=comune,
        latitude=float(comune.lat),
        longitude=float(comune.lon),
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    end = datetime.date(year, last + 1, 1) - datetime.timedelta(days=1)
    for day in range(5):
        Schedule.objects.create(
            service=service,
            location=location,
            weekday=day,
            opens_at=time(8),
            closes_at=time(17),
            valid_from=datetime.date(year, first, 1),
            valid_to=end,
        )
    reindex_services([service.pk])
    return service


def test_summer_camps_for_a_five_year_old_near_lecco_in_june(page, demo_data, live_server):
    _camp("Campo estivo Lecco Centro", "Lecco", (6, 7))
    _camp("Campo estivo Valmadrera", "Valmadrera", (6, 7), ages=(5, 11))
    _camp("Campo estivo Lecco Lago (chiuso)", "Lecco", (6, 7), closed=True)
    _camp("Campo estivo Lecco d'agosto", "Lecco", (8, 8))
    _camp("Campo estivo Lecco per ragazzi", "Lecco", (6, 7), ages=(11, 14))
    _camp("Campo estivo Milano", "Milano", (6, 7))

    open_page(page, live_server.url + reverse("catalogue_public:search"))
    form = page.get_by_role("search")
    form.get_by_label("Che cosa cerchi?").fill(
        "campi estivi per un bimbo di 5 anni vicino a Lecco a giugno"
    )
    form.get_by_role("button", name="Cerca").click()
    page.wait_for_url(re.compile(r"q=campi"))
    results = page.locator("#search-results")
    # The chips of what the search understood, each a link that removes it.
    chips = results.get_by_role("list", name="Filtri applicati")
    expect(chips.get_by_role("link", name="Rimuovi filtro Età: 5 anni")).to_be_visible()
    expect(chips.get_by_role("link", name="Rimuovi filtro Vicino a: Lecco · 20 km")).to_be_visible()
    expect(chips.get_by_role("link", name="Rimuovi filtro Mese: giugno")).to_be_visible()
    # The camps open in June around Lecco for a 5-year-old: nearest and open first, the
    # temporarily closed one last; not August's, not the teenagers', not Milano's.
    titles = results.locator("li.card-wrapper h3")
    expect(titles).to_have_text(
        [
            "Campo estivo Lecco Centro",
            "Campo estivo Valmadrera",
            "Campo estivo Lecco Lago (chiuso)",
        ]
    )
    # The pieces are in the form's fields now, to be seen and changed.
    expect(form.get_by_label("Che cosa cerchi?")).to_have_value("campi estivi")
    expect(form.get_by_label("Vicino a (comune)")).to_have_value("Lecco")
    expect(form.get_by_label("Età del bambino o della persona (anni)")).to_have_value("5")
    expect(form.get_by_label("Aperto nel mese di")).to_have_value("6")
    assert_no_axe_violations(page)

    # Removing the month: August's camp comes back, the other chips stay.
    chips.get_by_role("link", name="Rimuovi filtro Mese: giugno").click()
    page.wait_for_url(re.compile(r"q=campi"))
    expect(results.locator("li.card-wrapper h3").filter(has_text="d'agosto")).to_have_count(1)
    chips = page.locator("#search-results").get_by_role("list", name="Filtri applicati")
    expect(chips.get_by_role("link")).to_have_count(2)
    expect(chips.get_by_role("link", name="Rimuovi filtro Mese: giugno")).to_have_count(0)
    assert_no_axe_violations(page)


def test_chips_are_plain_links_without_javascript(page_without_js, demo_data, live_server):
    page = page_without_js
    url = live_server.url + reverse("catalogue_public:search") + "?q=centro+estivo+vicino+a+Tradate"
    open_page(page, url)
    results = page.locator("#search-results")
    expect(results).to_contain_text("Centro estivo Tradate")
    results.get_by_role("link", name="Rimuovi filtro Vicino a: Tradate · 20 km").click()
    page.wait_for_load_state()
    expect(page.locator("#search-results .search-chip")).to_have_count(0)
    expect(page.get_by_label("Che cosa cerchi?")).to_have_value("centro estivo")


def test_a_typo_says_forse_cercavi(page, demo_data, live_server):
    open_page(page, live_server.url + reverse("catalogue_public:search"))
    form = page.get_by_role("search")
    form.get_by_label("Che cosa cerchi?").fill("dopscuola Monza")
    form.get_by_role("button", name="Cerca").click()
    results = page.locator("#search-results")
    expect(results).to_contain_text("Forse cercavi doposcuola Monza")
    expect(results.get_by_role("link", name="doposcuola Monza")).to_be_visible()
    assert_no_axe_violations(page)
    # "Cerca invece": the words as typed, without correction.
    results.get_by_role("link", name="dopscuola Monza").click()
    page.wait_for_url(re.compile(r"testo_esatto=1"))
    expect(page.locator("#search-results")).not_to_contain_text("Forse cercavi")


def test_after_school_on_the_english_site_finds_doposcuola(page, demo_data, live_server):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("catalogue_public:search")
    assert url.startswith("/en/")
    open_page(page, live_server.url + url)
    page.locator("#search-q").fill("after school")
    page.locator("#search-submit").click()
    page.wait_for_url(re.compile(r"q=after"))
    expect(page.locator("#search-results")).to_contain_text("Doposcuola Il Seme")
    assert_no_axe_violations(page)
