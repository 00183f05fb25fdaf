"""The open voucher schemes appear in the catalogue's "what can I get?" helper."""

import pytest
from django.urls import reverse

from equilibri.network.models import Organisation
from equilibri.territory.models import Comune
from equilibri.vouchers import selectors
from equilibri.vouchers.demo import TRADATE_SCHEME

pytestmark = pytest.mark.django_db


def test_partner_employee_gets_the_tradate_scheme():
    tradate = Comune.objects.get(name="Tradate")
    arca = Organisation.objects.get(name__startswith="L'Arca")
    titles = [offer["title"] for offer in selectors.offers_for(tradate, arca, [7])]
    assert TRADATE_SCHEME in titles


def test_worker_of_an_organisation_outside_the_project_does_not():
    tradate = Comune.objects.get(name="Tradate")
    outsider = Organisation.objects.get(name="Piano C")
    titles = [offer["title"] for offer in selectors.offers_for(tradate, outsider, [7])]
    assert TRADATE_SCHEME not in titles
    assert TRADATE_SCHEME not in [o["title"] for o in selectors.offers_for(tradate, None, [7])]


def test_the_helper_page_lists_the_scheme(client):
    arca = Organisation.objects.get(name__startswith="L'Arca")
    response = client.get(
        reverse("catalogue_public:helper"),
        {"comune": "Tradate", "datore": arca.pk, "eta_figli": "7"},
    )
    assert response.status_code == 200
    assert TRADATE_SCHEME in response.content.decode()
