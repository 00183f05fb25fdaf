from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from equilibri.accounts.roles import Role, has_role
from equilibri.network import demo, services
from equilibri.network.models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    Membership,
    MembershipEvent,
    Organisation,
    OrganisationRole,
)
from equilibri.territory.models import ATS, Comune
from tests.uploads import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


def register(user, comune="Tradate", **extra) -> Organisation:
    data = {
        "name": "Officina Bianchi S.r.l.",
        "kind": Organisation.Kind.COMPANY,
        "vat_number": "00743110157",
        "comune": Comune.objects.get(name=comune),
        "staff_count": 12,
        "turnover": Decimal("1500000"),
    }
    data.update(extra)
    return services.organisation_register(by=user, **data)


# --- Organisations --------------------------------------------------------------------------


def test_a_citizen_registers_an_organisation_and_becomes_its_admin(user_of):
    citizen = user_of("cittadina")
    assert not has_role(citizen, Role.ORG_ADMIN)
    org = register(citizen, fiscal_code="00743110157", ateco_code="62.01.00")
    assert OrganisationRole.objects.filter(user=citizen, organisation=org, role="org_admin")
    assert has_role(citizen, Role.ORG_ADMIN)  # the grants cache was refreshed
    assert org.size_class == "small"  # 12 staff, 1.5 M€
    assert org.ateco_code == "62.01.00"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fiscal_code", "00743110150", "non è un codice fiscale valido"),
        ("vat_number", "1234", "non è una partita IVA valida"),
    ],
)
def test_registration_refuses_invalid_codes_with_a_clear_message(user_of, field, value, message):
    with pytest.raises(ValidationError, match=message) as error:
        register(user_of("cittadina"), **{field: value})
    assert field in error.value.message_dict
    assert not Organisation.objects.filter(name="Officina Bianchi S.r.l.").exists()


def test_only_the_organisation_admin_updates_it(user_of):
    org = Organisation.objects.get(name="L'Arca Coop. Soc.")
    services.organisation_update(organisation=org, by=user_of("hr.arca"), phone="0331 000000")
    assert Organisation.objects.get(pk=org.pk).phone == "+390331000000"  # E.164
    for other in ("hr.pianoc", "operatore.insubria", "cittadina"):
        with pytest.raises(PermissionDenied):
            services.organisation_update(organisation=org, by=user_of(other), phone="1")


def test_moving_to_another_ats_needs_withdrawing_first(user_of):
    org = Organisation.objects.get(name="L'Arca Coop. Soc.")
    with pytest.raises(ValidationError, match="ritira prima"):
        services.organisation_update(
            organisation=org, by=user_of("hr.arca"), comune=Comune.objects.get(name="Milano")
        )


# --- Agreements -----------------------------------------------------------------------------


def test_publishing_numbers_versions_per_ats_and_kind(user_of):
    operator = user_of("operatore.insubria")
    insubria = ATS.objects.get(code="ATS-INS")
    doc = services.agreement_publish(
        ats=insubria, kind="regulation", title="Regolamento 2026", text="Testo", by=operator
    )
    assert doc.version == 2  # the demo published version 1
    doc = services.agreement_publish(
        ats=insubria, kind="regulation", title="Regolamento 2027", text="Testo", by=operator
    )
    assert doc.version == 3
    # Another kind and another ATS count on their own.
    assert (
        AgreementDocument.objects.filter(ats=insubria, kind="partnership", alliance=None).count()
        == 1
    )
    bergamo = ATS.objects.get(code="ATS-BG")
    doc = services.agreement_publish(
        ats=bergamo, kind="partnership", title="Accordo", text="Testo", by=user_of("admin")
    )
    assert doc.version == 1


def test_alliance_agreements_are_numbered_per_alliance(user_of):
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    doc = services.agreement_publish(
        ats=alliance.ats,
        alliance=alliance,
        kind="alliance",
        title="Accordo 2026",
        text="Testo",
        by=user_of("operatore.insubria"),
    )
    assert doc.version == 2


def test_an_operator_cannot_publish_for_another_ats(user_of):
    with pytest.raises(PermissionDenied):
        services.agreement_publish(
            ats=ATS.objects.get(code="ATS-INS"),
            kind="regulation",
            title="Regolamento",
            text="Testo",
            by=user_of("operatore.milano"),
        )


def test_pdf_is_sniffed_and_size_limited(user_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    insubria = ATS.objects.get(code="ATS-INS")
    operator = user_of("operatore.insubria")
    fake = SimpleUploadedFile("r.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="non è un PDF"):
        services.agreement_publish(
            ats=insubria, kind="regulation", title="R", file=fake, by=operator
        )
    big = SimpleUploadedFile("r.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError, match="10 MB"):
        services.agreement_publish(
            ats=insubria, kind="regulation", title="R", file=big, by=operator
        )
    good = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    doc = services.agreement_publish(
        ats=insubria, kind="regulation", title="R", file=good, by=operator
    )
    assert doc.file.name.startswith(f"agreements/{insubria.pk}/regulation/v2-")


def test_a_document_needs_text_or_a_file(user_of):
    with pytest.raises(ValidationError, match="testo del documento o carica il PDF"):
        services.agreement_publish(
            ats=ATS.objects.get(code="ATS-INS"),
            kind="partnership",
            title="Accordo",
            by=user_of("operatore.insubria"),
        )


# --- Membership -----------------------------------------------------------------------------


def test_request_accepts_the_current_versions_and_records_history(user_of):
    admin = user_of("hr.arca")
    org = register(admin)
    membership = services.membership_request(organisation=org, by=admin)
    assert membership.state == Membership.State.REQUESTED
    assert membership.ats.code == "ATS-INS"
    assert membership.regulation.kind == "regulation" and membership.regulation.version == 1
    assert membership.agreement.kind == "partnership"
    assert list(membership.events.values_list("state", flat=True)) == ["requested"]


def test_request_refused_when_the_ats_has_not_published_its_documents(user_of):
    admin = user_of("hr.arca")
    org = register(admin, comune="Bergamo")
    with pytest.raises(ValidationError, match="non ha ancora pubblicato"):
        services.membership_request(organisation=org, by=admin)


def test_request_refused_if_a_newer_version_was_published_meanwhile(user_of):
    admin = user_of("hr.arca")
    org = register(admin)
    read = AgreementDocument.objects.get(
        ats__code="ATS-INS", kind="regulation", alliance=None, version=1
    )
    services.agreement_publish(
        ats=read.ats, kind="regulation", title="R2", text="T", by=user_of("operatore.insubria")
    )
    with pytest.raises(ValidationError, match="nuova versione"):
        services.membership_request(organisation=org, regulation=read, by=admin)


def test_a_second_open_request_is_refused(user_of):
    admin = user_of("hr.arca")
    org = register(admin)
    services.membership_request(organisation=org, by=admin)
    with pytest.raises(ValidationError, match="già una richiesta di adesione in attesa"):
        services.membership_request(organisation=org, by=admin)
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    with pytest.raises(ValidationError, match="fa già parte della rete"):
        services.membership_request(organisation=arca, by=admin)


def test_only_the_organisation_admin_requests(user_of):
    org = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    with pytest.raises(PermissionDenied):
        services.membership_request(organisation=org, by=user_of("hr.arca"))


@pytest.fixture
def pending(user_of) -> Membership:
    admin = user_of("hr.arca")
    return services.membership_request(organisation=register(admin), by=admin)


def test_an_operator_of_another_ats_cannot_decide(user_of, pending):
    for other in ("operatore.milano", "operatore.brescia", "comitato.insubria", "hr.arca"):
        with pytest.raises(PermissionDenied):
            services.membership_approve(membership=pending, by=user_of(other))
        with pytest.raises(PermissionDenied):
            services.membership_reject(membership=pending, reason="no", by=user_of(other))
    assert Membership.objects.get(pk=pending.pk).state == Membership.State.REQUESTED


def test_approve_mails_the_organisation_admins(
    user_of, pending, django_capture_on_commit_callbacks
):
    operator = user_of("operatore.insubria")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_approve(membership=pending, note="Benvenuti", by=operator)
    assert membership.state == Membership.State.ACTIVE
    assert membership.decided_by == operator and membership.decided_at
    assert list(membership.events.values_list("state", "note")) == [
        ("requested", ""),
        ("active", "Benvenuti"),
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr.arca@demo.equilibri.it"]
    assert "approvata" in mail.outbox[0].subject
    assert f"/area-riservata/organizzazioni/adesioni/{membership.pk}/" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="già stata decisa"):
        services.membership_approve(membership=membership, by=operator)


def test_reject_needs_a_reason_and_mails_it(user_of, pending, django_capture_on_commit_callbacks):
    operator = user_of("operatore.insubria")
    with pytest.raises(ValidationError, match="Scrivi la motivazione"):
        services.membership_reject(membership=pending, reason="  ", by=operator)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_reject(
            membership=pending, reason="Sede fuori dal territorio", by=operator
        )
    assert membership.state == Membership.State.REJECTED
    assert membership.reason == "Sede fuori dal territorio"
    assert "Sede fuori dal territorio" in mail.outbox[0].body
    # A rejected organisation may ask again.
    again = services.membership_request(organisation=pending.organisation, by=user_of("hr.arca"))
    assert again.state == Membership.State.REQUESTED


def test_withdraw_an_active_membership(user_of):
    membership = Membership.objects.get(organisation__name="L'Arca Coop. Soc.")
    with pytest.raises(PermissionDenied):
        services.membership_withdraw(membership=membership, by=user_of("operatore.insubria"))
    services.membership_withdraw(membership=membership, reason="Chiusura", by=user_of("hr.arca"))
    membership.refresh_from_db()
    assert membership.state == Membership.State.WITHDRAWN
    assert membership.events.last().note == "Chiusura"
    with pytest.raises(ValidationError, match="solo un'adesione attiva"):
        services.membership_withdraw(membership=membership, by=user_of("hr.arca"))


def test_superuser_decides_everywhere(user_of):
    membership = Membership.objects.get(organisation__name="Piano C")
    services.membership_approve(membership=membership, by=user_of("admin"))
    assert Membership.objects.get(pk=membership.pk).state == Membership.State.ACTIVE


# --- Alliances ------------------------------------------------------------------------------


def test_alliance_create_and_partners(user_of):
    operator = user_of("operatore.insubria")
    insubria = ATS.objects.get(code="ATS-INS")
    alliance = services.alliance_create(
        ats=insubria,
        name="Alleanza di prova",
        lead=Organisation.objects.get(name="Comune di Tradate"),
        by=operator,
    )
    partner = services.alliance_partner_set(
        alliance=alliance,
        organisation=Organisation.objects.get(name="Baobab Coop. Soc."),
        role="Centri estivi",
        contribution_kind="cash",
        contribution_amount=Decimal("1200.50"),
        by=operator,
    )
    assert partner.contribution_amount == Decimal("1200.50")
    # The same organisation again updates it.
    services.alliance_partner_set(
        alliance=alliance,
        organisation=partner.organisation,
        contribution_kind="in_kind",
        contribution_amount=Decimal("300"),
        by=operator,
    )
    assert alliance.partners.get().contribution_kind == "in_kind"
    with pytest.raises(ValidationError, match="già un'alleanza con questo nome"):
        services.alliance_create(
            ats=insubria, name="alleanza di prova", lead=alliance.lead, by=operator
        )


@pytest.mark.parametrize(
    ("org_name", "kind", "amount", "message"),
    [
        ("Baobab Coop. Soc.", "cash", Decimal("-1"), "non può essere negativo"),
        ("Baobab Coop. Soc.", "cash", Decimal("1.005"), "due decimali"),
        ("Baobab Coop. Soc.", "none", Decimal("10"), "in denaro o in natura"),
        ("Piano C", "none", Decimal("0"), "territorio di ATS Insubria"),
        ("Ufficio di Piano di Tradate", "none", Decimal("0"), "capofila"),
    ],
)
def test_partner_bad_input(user_of, org_name, kind, amount, message):
    with pytest.raises(ValidationError, match=message):
        services.alliance_partner_set(
            alliance=Alliance.objects.get(name="Alleanza dell'Ambito di Tradate"),
            organisation=Organisation.objects.get(name=org_name),
            contribution_kind=kind,
            contribution_amount=amount,
            by=user_of("operatore.insubria"),
        )


def test_alliances_of_another_ats_are_not_managed(user_of):
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    partner = AlliancePartner.objects.filter(alliance=alliance).first()
    milano = user_of("operatore.milano")
    with pytest.raises(PermissionDenied):
        services.alliance_update(alliance=alliance, name="X", lead=alliance.lead, by=milano)
    with pytest.raises(PermissionDenied):
        services.alliance_partner_remove(partner=partner, by=milano)
    with pytest.raises(PermissionDenied):
        services.alliance_create(
            ats=alliance.ats, name="X", lead=alliance.lead, by=user_of("alleanza.tradate")
        )


# --- Demo -----------------------------------------------------------------------------------


def test_demo_network_data(user_of):
    assert Membership.objects.get(organisation__name="Piano C").state == "requested"
    active = Membership.objects.filter(state="active")
    assert active.filter(organisation__name="L'Arca Coop. Soc.").exists()
    assert active.filter(ats__code="ATS-BS").count() == 3  # Brescia's comuni
    assert not active.filter(organisation__name__startswith="ATS ").exists()
    for membership in active:
        assert list(membership.events.values_list("state", flat=True)) == ["requested", "active"]
    tradate = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    assert tradate.partners.count() == 8
    assert Alliance.objects.get(name="Alleanza del Consorzio Erbese").partners.count() == 7
    assert Alliance.objects.get(name="Alleanza del Medio Olona").partners.count() == 9
    assert Alliance.objects.get(name="Alleanza della Valcuvia").partners.count() == 4
    assert Alliance.objects.get(name="Alleanza Sud-Sud Est Milano").partners.count() == 3
    assert "illustrativi" in tradate.agreements.get().text
    assert Organisation.objects.filter(whp_member_since__isnull=False).count() >= 2
    for code in ("ATS-INS", "ATS-BS", "ATS-MI"):
        kinds = AgreementDocument.objects.filter(ats__code=code, alliance=None)
        assert sorted(kinds.values_list("kind", flat=True)) == ["partnership", "regulation"]


def test_demo_is_idempotent():
    models = [
        Organisation,
        Membership,
        MembershipEvent,
        AgreementDocument,
        AlliancePartner,
        Alliance,
    ]
    before = {model: model.objects.count() for model in models}
    demo.load()
    assert {model: model.objects.count() for model in models} == before
