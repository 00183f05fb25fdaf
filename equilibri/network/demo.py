"""Demo organisations and alliances from the source documents (seeds 001-004).

Addresses, fiscal codes and the comune of bodies whose seat the documents don't give are left
out or illustrative.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from equilibri.accounts.demo import demo_user
from equilibri.accounts.models import User
from equilibri.accounts.roles import Role
from equilibri.territory.models import ATS, Comune

from .models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    AllianceRole,
    Membership,
    MembershipEvent,
    Organisation,
    OrganisationRole,
)

OrgKind = Organisation.Kind

# (name, kind, comune)
ORGANISATIONS = [
    # ATS Insubria (seed 002)
    ("ATS dell'Insubria", OrgKind.HEALTH_AGENCY, "Varese"),
    ("Comune di Tradate", OrgKind.COMUNE, "Tradate"),
    ("Ufficio di Piano di Tradate", OrgKind.PLANNING_OFFICE, "Tradate"),
    ("Ufficio di Piano di Arcisate", OrgKind.PLANNING_OFFICE, "Arcisate"),
    ("Ufficio di Piano di Sesto Calende", OrgKind.PLANNING_OFFICE, "Sesto Calende"),
    ("L'Aquilone Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("L'Arca Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("Consorzio Erbese Servizi alla Persona", OrgKind.PLANNING_OFFICE, "Erba"),
    ("Il Seme Coop. Sociale", OrgKind.THIRD_SECTOR, "Erba"),
    (
        "Azienda Speciale Consortile Medio Olona servizi alla persona",
        OrgKind.PLANNING_OFFICE,
        "Castellanza",
    ),
    ("Comune di Cuveglio", OrgKind.COMUNE, "Cuveglio"),
    ("Comunità montana Valli del Verbano", OrgKind.OTHER, "Cuveglio"),
    # ATS Brescia (seed 003)
    ("ATS di Brescia", OrgKind.HEALTH_AGENCY, "Brescia"),
    ("Comune di Brescia", OrgKind.COMUNE, "Brescia"),
    ("Comune di Montichiari", OrgKind.COMUNE, "Montichiari"),
    ("Comune di Palazzolo sull'Oglio", OrgKind.COMUNE, "Palazzolo sull'Oglio"),
    # ATS Milano (seeds 000, 001, 004)
    ("ATS della Città Metropolitana di Milano", OrgKind.HEALTH_AGENCY, "Milano"),
    ("Spazio Aperto Servizi", OrgKind.THIRD_SECTOR, "Milano"),
    (
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
        OrgKind.PLANNING_OFFICE,
        "San Giuliano Milanese",
    ),
    ("Piano C", OrgKind.ASSOCIATION, "Milano"),
    ("Centro studi Alspes", OrgKind.ASSOCIATION, "Milano"),
    ("AFOL Metropolitana", OrgKind.OTHER, "Milano"),
    ("ASST Melegnano e della Martesana", OrgKind.HEALTH_AGENCY, "Vizzolo Predabissi"),
    # Partners of the ATS Insubria alliances (seed 002). The documents don't give their seats:
    # the comuni below are plausible, illustrative ones.
    ("Baobab Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("Itaca Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("CSV Insubria", OrgKind.ASSOCIATION, "Tradate"),
    ("Rete Giunca", OrgKind.ASSOCIATION, "Tradate"),
    ("Consorzio Servizi Sociali Olgiatese", OrgKind.PLANNING_OFFICE, "Olgiate Comasco"),
    ("Tecum – Ufficio di Piano di Mariano Comense", OrgKind.PLANNING_OFFICE, "Mariano Comense"),
    ("ASCI – Ufficio di Piano di Lomazzo", OrgKind.PLANNING_OFFICE, "Lomazzo"),
    ("Azienda Sociale Comasca e Lariana", OrgKind.PLANNING_OFFICE, "Como"),
    ("Azienda Sociale Centro Lario e Valli", OrgKind.PLANNING_OFFICE, "Menaggio"),
    ("ABS Assistenza alla famiglia Coop. Sociale", OrgKind.THIRD_SECTOR, "Erba"),
    ("Comune di Marnate", OrgKind.COMUNE, "Marnate"),
    ("Comune di Castellanza", OrgKind.COMUNE, "Castellanza"),
    ("Comune di Olgiate Olona", OrgKind.COMUNE, "Olgiate Olona"),
    ("Comune di Gorla Minore", OrgKind.COMUNE, "Gorla Minore"),
    ("Comune di Fagnano Olona", OrgKind.COMUNE, "Fagnano Olona"),
    ("Comune di Busto Arsizio", OrgKind.COMUNE, "Busto Arsizio"),
    ("Ufficio di Piano di Gallarate", OrgKind.PLANNING_OFFICE, "Gallarate"),
    ("Ufficio di Piano di Somma Lombardo", OrgKind.PLANNING_OFFICE, "Somma Lombardo"),
    ("Coop. Sociale Totem", OrgKind.THIRD_SECTOR, "Castellanza"),
    ("Comune di Cuvio", OrgKind.COMUNE, "Cuvio"),
    ("Comune di Casalzuigno", OrgKind.COMUNE, "Casalzuigno"),
    ("Comune di Orino", OrgKind.COMUNE, "Orino"),
]

# (alliance name, ATS code, lead organisation)
ALLIANCES = [
    ("Alleanza dell'Ambito di Tradate", "ATS-INS", "Ufficio di Piano di Tradate"),
    ("Alleanza del Consorzio Erbese", "ATS-INS", "Consorzio Erbese Servizi alla Persona"),
    (
        "Alleanza del Medio Olona",
        "ATS-INS",
        "Azienda Speciale Consortile Medio Olona servizi alla persona",
    ),
    ("Alleanza della Valcuvia", "ATS-INS", "Comune di Cuveglio"),
    ("Alleanza di Brescia", "ATS-BS", "Comune di Brescia"),
    ("Alleanza di Montichiari", "ATS-BS", "Comune di Montichiari"),
    ("Alleanza di Palazzolo", "ATS-BS", "Comune di Palazzolo sull'Oglio"),
    ("Alleanza Sud-Sud Est Milano", "ATS-MI", "Spazio Aperto Servizi"),
]


# Partners of the alliances (seeds 001 and 002). The roles summarise the projects' actions; the
# contribution kinds and amounts are NOT in the documents: they are illustrative figures.
# (alliance, partner, role, contribution kind, amount in euro)
Contribution = AlliancePartner.Contribution
PARTNERS = [
    (
        "Alleanza dell'Ambito di Tradate",
        "Ufficio di Piano di Arcisate",
        "Family voucher per i dipendenti",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "Ufficio di Piano di Sesto Calende",
        "Family voucher per i dipendenti",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "L'Aquilone Coop. Soc.",
        "Assistenza domiciliare disabili e anziani",
        Contribution.IN_KIND,
        "3500.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "L'Arca Coop. Soc.",
        "Servizi per l'infanzia e doposcuola",
        Contribution.IN_KIND,
        "3000.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "Baobab Coop. Soc.",
        "Centri estivi, anche per minori disabili",
        Contribution.IN_KIND,
        "2500.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "Itaca Coop. Soc.",
        "Centro di aggregazione giovanile",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "CSV Insubria",
        "Comunicazione e coinvolgimento del volontariato",
        Contribution.NONE,
        "0.00",
    ),
    (
        "Alleanza dell'Ambito di Tradate",
        "Rete Giunca",
        "Assistenza in ospedale diurna e notturna",
        Contribution.CASH,
        "1000.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "Consorzio Servizi Sociali Olgiatese",
        "Sportello di orientamento territoriale",
        Contribution.IN_KIND,
        "2500.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "Tecum – Ufficio di Piano di Mariano Comense",
        "Sportello di orientamento territoriale",
        Contribution.IN_KIND,
        "2500.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "ASCI – Ufficio di Piano di Lomazzo",
        "Sportello di orientamento territoriale",
        Contribution.IN_KIND,
        "2500.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "Azienda Sociale Comasca e Lariana",
        "Sensibilizzazione al welfare aziendale",
        Contribution.IN_KIND,
        "3000.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "Azienda Sociale Centro Lario e Valli",
        "Sensibilizzazione al welfare aziendale",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "Il Seme Coop. Sociale",
        "Servizi innovativi per la piattaforma web",
        Contribution.IN_KIND,
        "1500.00",
    ),
    (
        "Alleanza del Consorzio Erbese",
        "ABS Assistenza alla famiglia Coop. Sociale",
        "Servizi di assistenza alla famiglia",
        Contribution.CASH,
        "1000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Marnate",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Castellanza",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.IN_KIND,
        "1500.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Olgiate Olona",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Gorla Minore",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Fagnano Olona",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Comune di Busto Arsizio",
        "Lavoro flessibile nella pubblica amministrazione",
        Contribution.CASH,
        "3000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Ufficio di Piano di Gallarate",
        "Individuazione dei servizi sul territorio",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Ufficio di Piano di Somma Lombardo",
        "Individuazione dei servizi sul territorio",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza del Medio Olona",
        "Coop. Sociale Totem",
        "Servizio integrativo per l'infanzia e punto famiglie",
        Contribution.IN_KIND,
        "2500.00",
    ),
    (
        "Alleanza della Valcuvia",
        "Comunità montana Valli del Verbano",
        "Spazio di coworking",
        Contribution.IN_KIND,
        "3000.00",
    ),
    (
        "Alleanza della Valcuvia",
        "Comune di Cuvio",
        "Postazioni di coworking",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza della Valcuvia",
        "Comune di Casalzuigno",
        "Postazioni di coworking",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza della Valcuvia",
        "Comune di Orino",
        "Postazioni di coworking",
        Contribution.IN_KIND,
        "1000.00",
    ),
    (
        "Alleanza Sud-Sud Est Milano",
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
        "Rete dei servizi dell'ambito",
        Contribution.IN_KIND,
        "3000.00",
    ),
    (
        "Alleanza Sud-Sud Est Milano",
        "Piano C",
        "Coworking e formazione",
        Contribution.IN_KIND,
        "2000.00",
    ),
    (
        "Alleanza Sud-Sud Est Milano",
        "Centro studi Alspes",
        "Analisi dei bisogni e valutazione",
        Contribution.IN_KIND,
        "1500.00",
    ),
]

# The projects of the alliances (seeds 001 and 002), for the text of their agreements.
ALLIANCE_PROJECTS = {
    "Alleanza dell'Ambito di Tradate": "«Ancora... ELAVOROEFAMIGLIA»",
    "Alleanza del Consorzio Erbese": "«Work in synergy with life»",
    "Alleanza del Medio Olona": "«La conciliazione 20.20: il lavoro che cambia»",
    "Alleanza della Valcuvia": (
        "«Coworking – patchworking Valcuvia. Cambiare il lavoro per migliorare la vita»"
    ),
    "Alleanza Sud-Sud Est Milano": "di conciliazione vita-lavoro dell'ambito Sud-Sud Est Milano",
}

REGULATION_TITLE = "Regolamento di funzionamento della Rete"
REGULATION_TEXT = """Regolamento di funzionamento della Rete territoriale per la conciliazione.

La Rete è composta da enti, imprese profit e no profit, associazioni, associazioni di categoria e \
realtà del terzo settore del territorio dell'ATS, che ne è capofila e ne garantisce il \
coordinamento.

Chi aderisce condivide le finalità della Rete: promuovere la conciliazione dei tempi di vita e di \
lavoro, mettere in rete servizi e interventi, diffondere le buone prassi e collaborare con la \
rete WHP (aziende che promuovono salute).

Le adesioni sono chieste dall'organizzazione e approvate dall'ATS; l'organizzazione può ritirare \
la propria adesione in qualsiasi momento.

(Sintesi dimostrativa, basata sul documento di ATS Brescia sulla Rete di conciliazione.)"""
PARTNERSHIP_TITLE = "Accordo di partenariato"
PARTNERSHIP_TEXT = """Accordo di partenariato tra attori pubblici e privati per la messa in \
rete di servizi e interventi a sostegno della conciliazione vita-lavoro.

La Rete costituisce al suo interno il Comitato di Programmazione, Valutazione e Monitoraggio, che \
identifica le priorità del territorio, valuta le azioni e le progettualità e monitora le azioni \
del Piano territoriale della conciliazione.

I partner si impegnano a partecipare ai lavori della Rete, a condividere informazioni su servizi \
e bisogni e a sostenere le alleanze locali di conciliazione.

(Sintesi dimostrativa, basata sul documento di ATS Brescia sulla Rete di conciliazione.)"""

NETWORK_ATS = {
    "ATS-INS": "operatore.insubria",
    "ATS-BS": "operatore.brescia",
    "ATS-MI": "operatore.milano",
}
# A request still waiting for the ATS's decision, so the operator's queue is not empty.
PENDING = {"Piano C"}
# Members of the WHP network (dates and practices are illustrative).
WHP = {
    "L'Arca Coop. Soc.": (
        datetime.date(2019, 3, 1),
        "Orario flessibile in entrata e in uscita; menù salutare in mensa; gruppi di cammino.",
    ),
    "Spazio Aperto Servizi": (
        datetime.date(2018, 10, 15),
        "Lavoro agile due giorni alla settimana; banca delle ore; promozione dell'attività fisica.",
    ),
}


def organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _demo_operator(ats_code: str) -> User | None:
    return User.objects.filter(email=f"{NETWORK_ATS[ats_code]}@demo.equilibri.it").first()


def _network_agreements(ats: ATS, by: User | None) -> tuple[AgreementDocument, AgreementDocument]:
    docs = []
    for kind, title, text in [
        (AgreementDocument.Kind.REGULATION, REGULATION_TITLE, REGULATION_TEXT),
        (AgreementDocument.Kind.PARTNERSHIP, PARTNERSHIP_TITLE, PARTNERSHIP_TEXT),
    ]:
        doc = AgreementDocument.objects.filter(ats=ats, alliance=None, kind=kind).first()
        if doc is None:
            doc = AgreementDocument.objects.create(
                ats=ats, kind=kind, version=1, title=title, text=text, uploaded_by=by
            )
        docs.append(doc)
    return docs[0], docs[1]


def _memberships() -> None:
    for ats_code in NETWORK_ATS:
        ats = ATS.objects.get(code=ats_code)
        operator = _demo_operator(ats_code)
        regulation, agreement = _network_agreements(ats, operator)
        names = [name for name, _kind, _comune in ORGANISATIONS]
        for org in Organisation.objects.filter(name__in=names, comune__ats=ats):
            if org.name.startswith("ATS ") or Membership.objects.filter(organisation=org).exists():
                continue
            admin = OrganisationRole.objects.filter(organisation=org, role=Role.ORG_ADMIN).first()
            requester = admin.user if admin else operator
            membership = Membership.objects.create(
                organisation=org,
                ats=ats,
                regulation=regulation,
                agreement=agreement,
                requested_by=requester,
            )
            MembershipEvent.objects.create(
                membership=membership, state=membership.state, by=requester
            )
            if org.name in PENDING:
                continue
            membership.state = Membership.State.ACTIVE
            membership.decided_at = timezone.now()
            membership.decided_by = operator
            membership.save()
            MembershipEvent.objects.create(
                membership=membership, state=membership.state, by=operator
            )


def _alliances() -> None:
    for alliance_name, org_name, role, kind, amount in PARTNERS:
        AlliancePartner.objects.get_or_create(
            alliance=Alliance.objects.get(name=alliance_name),
            organisation=organisation(org_name),
            defaults={
                "role": role,
                "contribution_kind": kind,
                "contribution_amount": Decimal(amount),
            },
        )
    for alliance_name, project in ALLIANCE_PROJECTS.items():
        alliance = Alliance.objects.get(name=alliance_name)
        if alliance.agreements.exists():
            continue
        AgreementDocument.objects.create(
            ats=alliance.ats,
            alliance=alliance,
            kind=AgreementDocument.Kind.ALLIANCE,
            version=1,
            title=f"Accordo locale — {alliance.name}",
            text=(
                f"Accordo locale di partenariato pubblico-privato tra {alliance.lead.name}, ente "
                f"capofila, e gli enti partner per il progetto {project}, nell'ambito del Piano "
                "territoriale di conciliazione 2020-2023.\n\n"
                "I tipi e i valori dei contributi dei partner indicati nella piattaforma sono "
                "illustrativi: i documenti di origine non li riportano."
            ),
            uploaded_by=_demo_operator(alliance.ats.code),
        )


def _whp() -> None:
    for name, (since, practices) in WHP.items():
        Organisation.objects.filter(name=name, whp_member_since__isnull=True).update(
            whp_member_since=since, whp_practices=practices
        )


# Comuni covered (seat comuni of the ambiti named in the seeds; the lists are illustrative).
ALLIANCE_COMUNI = {
    "Alleanza dell'Ambito di Tradate": [
        "Tradate",
        "Venegono Superiore",
        "Venegono Inferiore",
        "Castelseprio",
        "Lonate Ceppino",
        "Abbiate Guazzone",
    ],
    "Alleanza del Consorzio Erbese": [
        "Erba",
        "Olgiate Comasco",
        "Mariano Comense",
        "Lomazzo",
        "Como",
        "Menaggio",
    ],
    "Alleanza del Medio Olona": [
        "Castellanza",
        "Marnate",
        "Olgiate Olona",
        "Gorla Minore",
        "Fagnano Olona",
        "Busto Arsizio",
        "Gallarate",
        "Somma Lombardo",
    ],
    "Alleanza della Valcuvia": ["Cuveglio", "Cuvio", "Casalzuigno", "Orino"],
    "Alleanza di Brescia": ["Brescia"],
    "Alleanza di Montichiari": ["Montichiari"],
    "Alleanza di Palazzolo": ["Palazzolo sull'Oglio"],
    "Alleanza Sud-Sud Est Milano": [
        "San Giuliano Milanese",
        "San Donato Milanese",
        "Melegnano",
        "Peschiera Borromeo",
    ],
}


def _alliance_details(alliance: Alliance) -> None:
    names = ALLIANCE_COMUNI.get(alliance.name, [])
    alliance.comuni.set(Comune.objects.filter(name__in=names, ats=alliance.ats))
    alliance.period_start = datetime.date(2020, 1, 1)
    alliance.period_end = datetime.date(2023, 12, 31)
    alliance.description = (
        "Partenariato pubblico-privato costituito con un accordo locale per sviluppare progetti di "
        "conciliazione vita-lavoro nel Piano territoriale 2020-2023. "
        "(Comuni e periodo illustrativi.)"
    )
    alliance.save()


def load() -> None:
    for name, kind, comune_name in ORGANISATIONS:
        comune = Comune.objects.get(name=comune_name)
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "comune": comune})
    for name, ats_code, lead in ALLIANCES:
        alliance, created = Alliance.objects.get_or_create(
            name=name, defaults={"ats": ATS.objects.get(code=ats_code), "lead": organisation(lead)}
        )
        if created:
            _alliance_details(alliance)

    for local, first, last, role, org_name in [
        ("hr.arca", "Chiara", "Marelli", Role.ORG_ADMIN, "L'Arca Coop. Soc."),
        ("hr.pianoc", "Davide", "Riva", Role.ORG_ADMIN, "Piano C"),
        ("ente.aquilone", "Francesca", "Longhi", Role.PROVIDER_OPERATOR, "L'Aquilone Coop. Soc."),
        ("ente.spazioaperto", "Matteo", "Sala", Role.PROVIDER_OPERATOR, "Spazio Aperto Servizi"),
    ]:
        org = organisation(org_name)
        user = demo_user(local, first, last, role=role, scope=org.name)
        OrganisationRole.objects.get_or_create(user=user, organisation=org, role=role)

    for local, first, last, alliance_name in [
        ("alleanza.tradate", "Roberta", "Castelli", "Alleanza dell'Ambito di Tradate"),
        ("alleanza.sudestmilano", "Andrea", "Fontana", "Alleanza Sud-Sud Est Milano"),
    ]:
        alliance = Alliance.objects.get(name=alliance_name)
        user = demo_user(local, first, last, role=Role.ALLIANCE_LEAD, scope=alliance.name)
        AllianceRole.objects.get_or_create(user=user, alliance=alliance)

    with transaction.atomic():
        _memberships()
        _alliances()
        _whp()
