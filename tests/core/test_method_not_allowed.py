"""GET on an address that only takes a form: a page in the site's layout, not a blank 405."""

import pytest
from django.urls import reverse

from equilibri.catalogue.models import Service


@pytest.mark.django_db
def test_get_on_a_post_only_url_shows_a_page(client):
    service = Service.objects.filter(status="active").first()
    url = reverse("catalogue_public:report_mistake", args=[service.uuid])
    response = client.get(url)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert "Azione non disponibile da un link" in page
    assert "<footer" in page  # the site's layout
    english = client.get(url.replace("/servizi/", "/en/servizi/", 1))
    assert english.status_code == 405 and english.content


@pytest.mark.django_db
def test_the_api_keeps_its_own_405(client):
    response = client.delete("/api/organisations/1")
    assert response.status_code == 405
    assert b"<html" not in response.content
