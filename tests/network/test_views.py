import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equilibri.network import services
from equilibri.network.models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    Membership,
    Organisation,
)
from equilibri.network.public_views import MAP_HEIGHT, MAP_WIDTH, project
from equilibri.territory.models import ATS, Comune
from tests.uploads import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()

REGISTRATION = {
    "name": "Officina Bianchi S.r.l.",
    "kind": "company",
    "fiscal_code": "00743110157",
    "vat_number": "",
    "address": "Via Roma 1",
    "comune": "Tradate",
    "email": "hr@officina.example",
    "phone": "",
    "website": "",
    "staff_count": "60",
    "turnover": "12000000",
    "ateco_code": "25.62.00",
    "runts_number": "",
    "whp_member_since": "",
    "whp_practices": "",
    "description": "",
}


def new_org(user, **extra) -> Organisation:
    data = {
        "name": "Officina Verdi S.r.l.",
        "kind": "company",
        "vat_number": "02105420158",
        "comune": Comune.objects.get(name="Tradate"),
    }
    data.update(extra)
    return services.organisation_register(by=user, **data)


# --- Registration ---------------------------------------------------------------------------


def test_a_citizen_registers_an_organisation(login, user_of):
    client = login("cittadina")
    url = reverse("network:organisation_register")
    assert client.get(url).status_code == 200
    response = client.post(url, REGISTRATION)
    org = Organisation.objects.get(name="Officina Bianchi S.r.l.")
    assert response.status_code == 302
    assert response["Location"] == reverse("network:organisation_detail", args=[org.pk])
    assert org.size_class == "medium" and org.comune.name == "Tradate"
    assert org.roles.get().user == user_of("cittadina")
    # Now staff: the reserved area asks to activate two-factor authentication first.
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and "2fa" in follow["Location"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fiscal_code", "00743110150", "non è un codice fiscale valido"),
        ("vat_number", "12345678901", "non è una partita IVA valida"),
        ("comune", "Atlantide", "Non troviamo il comune"),
        ("turnover", "-5", ""),
    ],
)
def test_registration_bad_input_is_a_form_error(login, field, value, message):
    data = {**REGISTRATION, field: value}
    response = login("cittadina").post(reverse("network:organisation_register"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name=REGISTRATION["name"]).exists()


def test_registration_needs_a_fiscal_code_or_vat(login):
    data = {**REGISTRATION, "fiscal_code": "", "vat_number": ""}
    response = login("cittadina").post(reverse("network:organisation_register"), data)
    assert "Indica il codice fiscale o la partita IVA" in response.content.decode()


def test_the_organisation_admin_edits(login):
    org = Organisation.objects.get(name="L'Arca Coop. Soc.")
    url = reverse("network:organisation_edit", args=[org.pk])
    client = login("hr.arca")
    form = client.get(url).context["form"]
    data = {**{k: v or "" for k, v in form.initial.items() if k in REGISTRATION}}
    data.update(comune="Tradate", kind=org.kind, name=org.name, staff_count="8", turnover="900000")
    data.update(whp_member_since="2019-03-01", fiscal_code="00743110157")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.size_class == "micro" and org.fiscal_code == "00743110157"
    assert login("hr.pianoc").get(url).status_code == 404
    assert login("operatore.insubria").post(url, data).status_code == 404


# --- Membership -----------------------------------------------------------------------------


def test_membership_request_page_shows_current_documents(login, user_of):
    org = new_org(user_of("hr.arca"))
    client = login("hr.arca")
    url = reverse("network:membership_request", args=[org.pk])
    page = client.get(url).content.decode()
    assert "Regolamento di funzionamento della Rete" in page and "versione 1" in page
    assert "Accordo di partenariato" in page
    form = client.get(url).context["form"]
    # Without accepting, nothing is sent.
    response = client.post(url, {**form.initial})
    assert response.status_code == 200
    assert "devi accettare il regolamento" in response.content.decode()
    data = {**form.initial, "accept_regulation": "on", "accept_agreement": "on"}
    response = client.post(url, data)
    membership = Membership.objects.get(organisation=org)
    assert response["Location"] == reverse("network:membership_detail", args=[membership.pk])
    # A second request: a clear message, no second row.
    response = client.post(url, data)
    assert "già una richiesta di adesione in attesa" in response.content.decode()
    assert Membership.objects.filter(organisation=org).count() == 1


def test_membership_request_without_published_documents(login, user_of):
    org = new_org(user_of("hr.arca"), comune=Comune.objects.get(name="Bergamo"))
    response = login("hr.arca").get(reverse("network:membership_request", args=[org.pk]))
    assert "non ha ancora pubblicato" in response.content.decode()
    assert "accept_regulation" not in response.content.decode()


@pytest.fixture
def pending(user_of) -> Membership:
    admin = user_of("hr.arca")
    return services.membership_request(organisation=new_org(admin), by=admin)


def test_queue_lists_only_the_operators_ats(login):
    insubria = login("operatore.insubria").get(reverse("network:membership_queue"))
    milano = login("operatore.milano").get(reverse("network:membership_queue"))
    assert "Piano C" not in insubria.content.decode()
    assert "Piano C" in milano.content.decode()
    all_states = login("operatore.insubria").get(
        reverse("network:membership_queue") + "?stato=tutte"
    )
    names = {m.organisation.name for m in all_states.context["page"].paginator.object_list}
    assert "L'Arca Coop. Soc." in names and "Piano C" not in names


def test_operator_approves_from_the_membership_page(
    login, pending, django_capture_on_commit_callbacks
):
    client = login("operatore.insubria")
    page = client.get(reverse("network:membership_detail", args=[pending.pk])).content.decode()
    assert "Approva l'adesione" in page and "Respingi la richiesta" in page
    assert (
        pending.organisation.name
        in client.get(reverse("network:membership_queue")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network:membership_approve", args=[pending.pk]), {})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "active"
    assert len(mail.outbox) == 1


def test_reject_without_reason_is_a_form_error(login, pending):
    client = login("operatore.insubria")
    response = client.post(reverse("network:membership_reject", args=[pending.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["reject_form"].errors
    assert Membership.objects.get(pk=pending.pk).state == "requested"
    response = client.post(
        reverse("network:membership_reject", args=[pending.pk]), {"reason": "Dati incompleti"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=pending.pk).reason == "Dati incompleti"


def test_forged_pk_of_another_ats_is_404(login, pending):
    client = login("operatore.milano")
    for name in ("membership_approve", "membership_reject"):
        response = client.post(reverse(f"network:{name}", args=[pending.pk]), {"reason": "x"})
        assert response.status_code == 404
    assert client.get(reverse("network:membership_detail", args=[pending.pk])).status_code == 404
    assert Membership.objects.get(pk=pending.pk).state == "requested"


def test_withdraw_and_history(login):
    membership = Membership.objects.get(organisation__name="L'Arca Coop. Soc.")
    url = reverse("network:membership_withdraw", args=[membership.pk])
    assert login("operatore.insubria").post(url).status_code == 403
    client = login("hr.arca")
    response = client.post(url, {"reason": "Riorganizzazione"}, follow=True)
    assert "Adesione alla rete ritirata" in response.content.decode()
    page = response.content.decode()
    assert page.count("<tr>") >= 4  # header + requested, active, withdrawn
    assert "Riorganizzazione" in page
    membership.refresh_from_db()
    assert membership.state == "withdrawn"


# --- Agreements -----------------------------------------------------------------------------


def test_publish_with_a_pdf(login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("operatore.insubria")
    url = reverse("network:agreement_publish")
    insubria = ATS.objects.get(code="ATS-INS")
    data = {"ats": insubria.pk, "kind": "regulation", "title": "Regolamento 2026", "text": ""}
    fake = SimpleUploadedFile("r.pdf", b"<html>", content_type="application/pdf")
    response = client.post(url, {**data, "file": fake})
    assert "non è un PDF" in response.content.decode()
    good = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**data, "file": good})
    assert response.status_code == 302
    doc = AgreementDocument.objects.get(title="Regolamento 2026")
    assert doc.version == 2
    pdf = login(None).get(reverse("network_public:agreement_file", args=[doc.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # The old version says it was superseded.
    old = AgreementDocument.objects.get(ats=insubria, kind="regulation", version=1)
    page = login(None).get(reverse("network_public:agreement_detail", args=[old.pk]))
    assert "Versione superata" in page.content.decode()


def test_operator_cannot_publish_for_another_ats(login):
    insubria = ATS.objects.get(code="ATS-INS")
    response = login("operatore.milano").post(
        reverse("network:agreement_publish"),
        {"ats": insubria.pk, "kind": "regulation", "title": "R", "text": "T"},
    )
    assert response.status_code == 200
    assert "ats" in response.context["form"].errors
    assert not AgreementDocument.objects.filter(title="R").exists()


# --- Alliances ------------------------------------------------------------------------------


def test_operator_manages_partners(login):
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    client = login("operatore.insubria")
    url = reverse("network:alliance_partner_set", args=[alliance.pk])
    itaca = Organisation.objects.get(name="Itaca Coop. Soc.")
    response = client.post(
        url,
        {
            "organisation": itaca.pk,
            "role": "Aggregazione giovanile",
            "contribution_kind": "cash",
            "contribution_amount": "-3",
        },
    )
    assert response.status_code == 200
    assert "contribution_amount" in response.context["form"].errors
    response = client.post(
        url,
        {
            "organisation": itaca.pk,
            "role": "Aggregazione giovanile",
            "contribution_kind": "cash",
            "contribution_amount": "2500.00",
        },
    )
    assert response.status_code == 302
    partner = AlliancePartner.objects.get(alliance=alliance, organisation=itaca)
    assert partner.contribution_amount == Decimal("2500.00")
    # An organisation of another ATS is not offered (and refused).
    response = client.post(
        url,
        {
            "organisation": Organisation.objects.get(name="Piano C").pk,
            "contribution_kind": "none",
            "contribution_amount": "0",
        },
    )
    assert "organisation" in response.context["form"].errors
    remove = reverse("network:alliance_partner_remove", args=[partner.pk])
    assert login("operatore.milano").post(remove).status_code == 404
    assert client.post(remove).status_code == 302
    assert not AlliancePartner.objects.filter(pk=partner.pk).exists()


def test_operator_creates_an_alliance(login):
    client = login("operatore.insubria")
    insubria = ATS.objects.get(code="ATS-INS")
    lead = Organisation.objects.get(name="Comune di Tradate")
    response = client.post(
        reverse("network:alliance_create"),
        {"ats": insubria.pk, "name": "Alleanza nuova", "lead": lead.pk},
    )
    alliance = Alliance.objects.get(name="Alleanza nuova")
    assert response["Location"] == reverse("network:alliance_detail", args=[alliance.pk])
    # Operatore Milano is not offered Insubria.
    response = login("operatore.milano").post(
        reverse("network:alliance_create"),
        {"ats": insubria.pk, "name": "Alleanza abusiva", "lead": lead.pk},
    )
    assert response.status_code == 200
    assert not Alliance.objects.filter(name="Alleanza abusiva").exists()


def test_alliance_lead_sees_their_alliance(login):
    response = login("alleanza.tradate").get(reverse("network:alliance_list"))
    assert "Le tue alleanze" in response.content.decode()
    tradate = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    detail = login("alleanza.tradate").get(reverse("network:alliance_detail", args=[tradate.pk]))
    assert "Sei il referente di questa alleanza" in detail.content.decode()
    assert "Rete Giunca" in detail.content.decode()


# --- Public pages ---------------------------------------------------------------------------


def member_names(response) -> set[str]:
    return {org.name for org in response.context["page"].paginator.object_list}


def test_public_members_are_the_active_ones(client):
    response = client.get(reverse("network_public:member_list"))
    names = member_names(response)
    assert "L'Arca Coop. Soc." in names and "Comune di Brescia" in names
    assert "Piano C" not in names  # still pending
    assert "ATS dell'Insubria" not in names


@pytest.mark.parametrize(
    ("query", "included", "excluded"),
    [
        ({"ats": "ATS-BS"}, "Comune di Brescia", "L'Arca Coop. Soc."),
        ({"tipologia": "comune"}, "Comune di Cuvio", "L'Arca Coop. Soc."),
        ({"comune": "Tradate"}, "Rete Giunca", "Comune di Cuvio"),
        ({"whp": "on"}, "Spazio Aperto Servizi", "Rete Giunca"),
    ],
)
def test_public_member_filters(client, query, included, excluded):
    if "ats" in query:
        query = {"ats": ATS.objects.get(code=query["ats"]).pk}
    response = client.get(reverse("network_public:member_list"), query)
    names = member_names(response)
    assert included in names and excluded not in names
    # The map shows the same members.
    svg_names = {org.name for point in response.context["points"] for org in point.members}
    assert svg_names == names


def test_bad_filter_is_a_message_not_an_error(client):
    response = client.get(reverse("network_public:member_list"), {"comune": "Atlantide"})
    assert response.status_code == 200
    assert "Non troviamo il comune" in response.content.decode()


def test_map_is_an_svg_with_titles_and_a_table(client):
    response = client.get(reverse("network_public:member_list"), {"comune": "Tradate"})
    html = response.content.decode()
    assert '<svg class="network-map"' in html and 'role="img"' in html
    circles = re.findall(
        r'<circle [^>]*cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"><title>([^<]*)', html
    )
    assert len(circles) == 1
    x, y, _r, title = circles[0]
    assert title.startswith("Tradate (VA): ")
    tradate = Comune.objects.get(name="Tradate")
    assert (float(x), float(y)) == project(tradate.lat, tradate.lon)
    assert "Membri per comune" in html and '<th scope="row">Tradate (VA)</th>' in html
    assert "style=" not in html.split("<main", 1)[1]


def test_projection_corners():
    assert project(Decimal("46.7"), Decimal("8.4")) == (0, 0)
    assert project(Decimal("44.6"), Decimal("11.5")) == (MAP_WIDTH, MAP_HEIGHT)
    milano = project(Decimal("45.4642"), Decimal("9.19"))
    assert 0 < milano[0] < MAP_WIDTH / 2 and MAP_HEIGHT / 2 < milano[1] < MAP_HEIGHT


def test_pagination_keeps_the_filters(client):
    response = client.get(reverse("network_public:member_list"), {"ats": "", "tipologia": ""})
    assert response.context["page"].paginator.count > 20
    html = response.content.decode()
    assert "ats=&amp;tipologia=&amp;pagina=2" in html


def test_public_profile_only_for_active_members(client):
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    page = client.get(reverse("network_public:organisation_detail", args=[arca.pk]))
    html = page.content.decode()
    assert "Alleanza dell&#x27;Ambito di Tradate" in html
    assert "Orario flessibile" in html  # WHP practices
    pianoc = Organisation.objects.get(name="Piano C")
    assert (
        client.get(reverse("network_public:organisation_detail", args=[pianoc.pk])).status_code
        == 404
    )


def test_public_alliance_page(client):
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    html = client.get(
        reverse("network_public:alliance_detail", args=[alliance.pk])
    ).content.decode()
    for name in ("Baobab Coop. Soc.", "Itaca Coop. Soc.", "CSV Insubria", "Rete Giunca"):
        assert name in html
    assert "Arcisate" in html and "Sesto Calende" in html  # comuni covered
    assert re.search(r"1\.?000,00", html)  # Rete Giunca's cash contribution, Italian format
    assert "Accordo locale" in html
    listing = client.get(reverse("network_public:alliance_list")).content.decode()
    assert "Alleanza della Valcuvia" in listing and "Alleanza di Brescia" in listing
