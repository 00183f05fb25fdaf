"""Demo organisations and alliances from the source documents (seeds 001-004).

Addresses, fiscal codes and the comune of bodies whose seat the documents don't give are left
out or illustrative.
"""

from equilibri.accounts.demo import demo_user
from equilibri.accounts.roles import Role
from equilibri.territory.models import ATS, Comune

from .models import Alliance, AllianceRole, Organisation, OrganisationRole

K = Organisation.Kind

# (name, kind, comune)
ORGANISATIONS = [
    # ATS Insubria (seed 002)
    ("ATS dell'Insubria", K.HEALTH_AGENCY, "Varese"),
    ("Comune di Tradate", K.COMUNE, "Tradate"),
    ("Ufficio di Piano di Tradate", K.PLANNING_OFFICE, "Tradate"),
    ("Ufficio di Piano di Arcisate", K.PLANNING_OFFICE, "Arcisate"),
    ("Ufficio di Piano di Sesto Calende", K.PLANNING_OFFICE, "Sesto Calende"),
    ("L'Aquilone Coop. Soc.", K.THIRD_SECTOR, "Tradate"),
    ("L'Arca Coop. Soc.", K.THIRD_SECTOR, "Tradate"),
    ("Consorzio Erbese Servizi alla Persona", K.PLANNING_OFFICE, "Erba"),
    ("Il Seme Coop. Sociale", K.THIRD_SECTOR, "Erba"),
    (
        "Azienda Speciale Consortile Medio Olona servizi alla persona",
        K.PLANNING_OFFICE,
        "Castellanza",
    ),
    ("Comune di Cuveglio", K.COMUNE, "Cuveglio"),
    ("Comunità montana Valli del Verbano", K.OTHER, "Cuveglio"),
    # ATS Brescia (seed 003)
    ("ATS di Brescia", K.HEALTH_AGENCY, "Brescia"),
    ("Comune di Brescia", K.COMUNE, "Brescia"),
    ("Comune di Montichiari", K.COMUNE, "Montichiari"),
    ("Comune di Palazzolo sull'Oglio", K.COMUNE, "Palazzolo sull'Oglio"),
    # ATS Milano (seeds 000, 001, 004)
    ("ATS della Città Metropolitana di Milano", K.HEALTH_AGENCY, "Milano"),
    ("Spazio Aperto Servizi", K.THIRD_SECTOR, "Milano"),
    ("A.S.S.E.MI. – Azienda Sociale Sud Est Milano", K.PLANNING_OFFICE, "San Giuliano Milanese"),
    ("Piano C", K.ASSOCIATION, "Milano"),
    ("Centro studi Alspes", K.ASSOCIATION, "Milano"),
    ("AFOL Metropolitana", K.OTHER, "Milano"),
    ("ASST Melegnano e della Martesana", K.HEALTH_AGENCY, "Vizzolo Predabissi"),
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


def organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def load() -> None:
    for name, kind, comune_name in ORGANISATIONS:
        comune = Comune.objects.get(name=comune_name)
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "comune": comune})
    for name, ats_code, lead in ALLIANCES:
        Alliance.objects.get_or_create(
            name=name, defaults={"ats": ATS.objects.get(code=ats_code), "lead": organisation(lead)}
        )

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
