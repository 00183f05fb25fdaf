"""Demo plans, projects, actions and indicators from the seeds (000-004).

Titles, lead bodies, partners, objectives and actions come from the source documents. Budgets,
grants per year, approval acts, indicator targets, milestones and the titles of the Brescia
projects are not in the documents: they are illustrative, and the plans say so
(`illustrative_figures=True`, shown as a note on every page with figures).

Idempotent: everything is found by its natural key (plan: ATS + period + title; project: plan +
title; action: project + title; indicator: action + name; milestone: project + title).
"""

import datetime
from decimal import Decimal
from typing import Any

from equilibri.network.models import Alliance, AlliancePartner, Organisation
from equilibri.territory.models import ATS, Comune

from .models import (
    Action,
    ActionCategory,
    Indicator,
    Milestone,
    PlanGrant,
    Project,
    ProjectEvent,
    ProjectPartner,
    TerritorialPlan,
)

OrgKind = Organisation.Kind
Unit = Indicator.Unit
ProjectState = Project.State

PLAN_TITLE = "Piano territoriale di conciliazione"

# Organisations of the seeds the network demo may not create: (name, kind, comune).
EXTRA_ORGANISATIONS = [
    ("Baobab Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("Itaca Coop. Soc.", OrgKind.THIRD_SECTOR, "Tradate"),
    ("CSV Insubria", OrgKind.ASSOCIATION, "Varese"),
    ("Rete Giunca", OrgKind.OTHER, "Tradate"),
    ("Consorzio Servizi Sociali Olgiatese", OrgKind.PLANNING_OFFICE, "Olgiate Comasco"),
    ("Tecum – Ufficio di Piano di Mariano Comense", OrgKind.PLANNING_OFFICE, "Mariano Comense"),
    ("ASCI – Ufficio di Piano di Lomazzo", OrgKind.PLANNING_OFFICE, "Lomazzo"),
    ("Azienda Sociale Comasca e Lariana", OrgKind.PLANNING_OFFICE, "Como"),
    ("Azienda Sociale Centro Lario e Valli", OrgKind.PLANNING_OFFICE, "Canzo"),
    ("Il Seme Coop. Sociale", OrgKind.THIRD_SECTOR, "Erba"),
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
    ("Comunità montana Valli del Verbano", OrgKind.OTHER, "Cuveglio"),
    ("Comune di Cuvio", OrgKind.COMUNE, "Cuvio"),
    ("Comune di Casalzuigno", OrgKind.COMUNE, "Casalzuigno"),
    ("Comune di Orino", OrgKind.COMUNE, "Orino"),
    ("Variazioni s.r.l.", OrgKind.COMPANY, "Varese"),
    ("ATS dell'Insubria", OrgKind.HEALTH_AGENCY, "Varese"),
    ("ATS di Brescia", OrgKind.HEALTH_AGENCY, "Brescia"),
    ("ATS della Città Metropolitana di Milano", OrgKind.HEALTH_AGENCY, "Milano"),
    ("AFOL Metropolitana", OrgKind.OTHER, "Milano"),
    ("Spazio Aperto Servizi", OrgKind.THIRD_SECTOR, "Milano"),
    (
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
        OrgKind.PLANNING_OFFICE,
        "San Giuliano Milanese",
    ),
    ("Piano C", OrgKind.ASSOCIATION, "Milano"),
    ("Centro studi Alspes", OrgKind.ASSOCIATION, "Milano"),
    ("ASST Melegnano e della Martesana", OrgKind.HEALTH_AGENCY, "Vizzolo Predabissi"),
]

MELEGNANO_ALLIANCE = "Alleanza del territorio ASST Melegnano e della Martesana"

PLANS: list[dict[str, Any]] = [
    {
        "ats": "ATS-INS",
        "years": (2020, 2023),
        "legal_basis": "DGR 2398/2019 (11/12/2019)",
        "act": ("Deliberazione del Direttore Generale n. 312", datetime.date(2020, 6, 30)),
        # 2022 includes the €230,000 of the DGR 5755/2021 call (calls demo), whose funded
        # applications become projects of this plan: a plan's projects never draw more
        # regional money than its grants.
        "grants": {2020: "95000.00", 2021: "110000.00", 2022: "340000.00", 2023: "85000.00"},
        "needs": (
            "Lavoratrici e lavoratori con carichi di cura verso figli, anziani e persone con "
            "disabilità; micro, piccole e medie imprese con poca esperienza di welfare "
            "aziendale; servizi di conciliazione frammentati tra gli ambiti territoriali."
        ),
        "priorities": (
            "Sostegno ai caregiver; servizi per l'infanzia e per i periodi di chiusura "
            "scolastica; servizi salvatempo; lavoro flessibile e coworking; diffusione del "
            "welfare aziendale nelle PMI."
        ),
        "strategies": (
            "Quattro progetti delle Alleanze locali (Tradate, Consorzio Erbese, Medio Olona, "
            'Valcuvia) e un\'azione di sistema, "Agenti di rete", per allargare la rete dei '
            "soggetti aderenti, ampliare le alleanze e diffondere in modo mirato le informazioni "
            "tra associazioni datoriali, enti locali, istituzioni, sindacati e terzo settore."
        ),
        "integration": (
            "Integrazione della rete per la conciliazione con la rete WHP Lombardia (Luoghi di "
            "lavoro che promuovono salute): le aziende che praticano la conciliazione realizzano "
            "una delle buone pratiche del Manuale operativo WHP di ATS Insubria."
        ),
    },
    {
        "ats": "ATS-BS",
        "years": (2020, 2023),
        "legal_basis": "DGR 2398/2019 (11/12/2019)",
        "act": ("Decreto del Direttore Generale n. 428", datetime.date(2020, 7, 15)),
        "grants": {2020: "80000.00", 2021: "90000.00", 2022: "90000.00", 2023: "70000.00"},
        "needs": (
            "Bisogni di conciliazione di lavoratrici e lavoratori del territorio, raccolti dal "
            "Comitato di programmazione, valutazione e monitoraggio nel Documento territoriale "
            "di indirizzo."
        ),
        "priorities": (
            "Azioni prioritarie declinate sulle esigenze locali delle tre Alleanze (Brescia, "
            "Montichiari, Palazzolo), in stretto rapporto con i Piani di Zona."
        ),
        "strategies": (
            "Progetti delle Alleanze locali e un'azione di sistema sviluppata direttamente da "
            "ATS in sinergia con le Alleanze, con la figura degli operatori di rete."
        ),
        "integration": (
            "Sinergia tra le aziende aderenti alla Rete WHP (aziende che promuovono salute) e la "
            "Rete della conciliazione."
        ),
    },
    {
        "ats": "ATS-MI",
        "years": (2020, 2023),
        "legal_basis": "DGR 2398/2019 (11/12/2019)",
        "act": ("Deliberazione n. 655", datetime.date(2020, 7, 10)),
        "grants": {2020: "120000.00", 2021: "140000.00", 2022: "140000.00", 2023: "100000.00"},
        "needs": (
            "Nuovi bisogni di conciliazione nati con l'emergenza Covid-19: rimodulazione degli "
            "orari scolastici e dei servizi tradizionali, diffusione del lavoro agile."
        ),
        "priorities": (
            "Reti territoriali di welfare tra pubblico e privato; welfare interaziendale; "
            "flessibilità organizzativa e smart working; informazione e orientamento ai servizi."
        ),
        "strategies": (
            "Il progetto dell'Alleanza Sud-Sud Est Milano \"Nuove Sinergie\" e l'azione di "
            "sistema LYBRA affidata ad AFOL Metropolitana (comunicazione, sportelli "
            "conciliazione, smart working)."
        ),
        "integration": "",
    },
    {
        "ats": "ATS-MI",
        "years": (2017, 2018),
        "legal_basis": "",
        "act": ("Deliberazione n. 210", datetime.date(2017, 5, 18)),
        "grants": {2017: "60000.00", 2018: "60000.00"},
        "needs": (
            "Donne escluse dal mondo del lavoro; lavoratrici e lavoratori di imprese private e "
            "pubbliche amministrazioni del Sud Est dell'hinterland milanese."
        ),
        "priorities": (
            "Auto imprenditorialità femminile nei servizi di conciliazione; lavoro agile e "
            "spazi di lavoro condivisi; sviluppo della rete."
        ),
        "strategies": (
            'Il progetto "Governare gli equilibri" dell\'Alleanza locale del territorio ASST '
            "Melegnano e della Martesana."
        ),
        "integration": "",
    },
]


def ind(name: str, unit: str, target: str, by_gender: bool = False) -> tuple:
    return (name, unit, target, by_gender)


PEOPLE = ind("Beneficiari", Unit.PEOPLE, "0", True)

# Per project: plan key (ATS code, start year), title, kind, alliance, lead, contractor,
# partners [(organisation, role)], regional grant, co-financing, state, dates, summary,
# objectives, actions [(title, category, target groups, budget, comuni, description,
# indicators)], milestones [(title, due, done)].
PROJECTS: list[dict[str, Any]] = [
    {
        "plan": ("ATS-INS", 2020),
        "title": "Ancora... ELAVOROEFAMIGLIA",
        "alliance": "Alleanza dell'Ambito di Tradate",
        "lead": "Ufficio di Piano di Tradate",
        "partners": [
            ("Ufficio di Piano di Arcisate", "Partner"),
            ("Ufficio di Piano di Sesto Calende", "Partner"),
            ("L'Aquilone Coop. Soc.", "Ente erogatore di servizi"),
            ("L'Arca Coop. Soc.", "Ente erogatore di servizi"),
            ("Baobab Coop. Soc.", "Ente erogatore di servizi"),
            ("Itaca Coop. Soc.", "Ente erogatore di servizi"),
            ("CSV Insubria", "Partner"),
            ("Rete Giunca", "Rete di imprese"),
        ],
        "grant": "90000.00",
        "cofinancing": "30000.00",
        "summary": (
            "Servizi di cura e salvatempo, voucher, consulenza alle imprese e spazi di coworking "
            "per le famiglie che lavorano negli ambiti di Tradate, Arcisate e Sesto Calende."
        ),
        "actions": [
            (
                "Assistenza domiciliare a persone con disabilità e anziani",
                "caregiver",
                "Lavoratrici e lavoratori con familiari non autosufficienti",
                "14000.00",
                ["Tradate", "Venegono Superiore", "Castelseprio"],
                [PEOPLE, ind("Ore di assistenza domiciliare", Unit.HOURS, "1200")],
            ),
            (
                "Servizi per l'infanzia",
                "prima-infanzia",
                "Famiglie con figli da 0 a 3 anni",
                "10000.00",
                ["Tradate", "Venegono Inferiore"],
                [PEOPLE, ind("Ore di servizio", Unit.HOURS, "900")],
            ),
            (
                "Assistenza in ospedale diurna e notturna",
                "assistenza-ospedaliera",
                "Familiari di persone ricoverate",
                "6000.00",
                ["Tradate"],
                [PEOPLE, ind("Ore di assistenza", Unit.HOURS, "400")],
            ),
            (
                "Prolungamento orari dei servizi doposcuola con attività specifiche",
                "pre-post-scuola",
                "Famiglie con figli alla scuola primaria e secondaria di primo grado",
                "9000.00",
                ["Tradate", "Venegono Superiore", "Lonate Ceppino"],
                [PEOPLE, ind("Ore di prolungamento", Unit.HOURS, "600")],
            ),
            (
                "Centri estivi con estensione orari, coperture potenziate e offerta per minori "
                "con disabilità",
                "pre-post-scuola",
                "Famiglie con figli, anche con disabilità, nei periodi di chiusura scolastica",
                "12000.00",
                ["Tradate", "Castiglione Olona", "Arcisate", "Sesto Calende"],
                [PEOPLE, ind("Minori con disabilità accolti", Unit.PEOPLE, "15")],
            ),
            (
                "Centro di aggregazione giovanile",
                "tempo-libero-minori",
                "Ragazze e ragazzi da 11 a 17 anni",
                "5000.00",
                ["Tradate"],
                [PEOPLE],
            ),
            (
                "Family voucher a rimborso per i dipendenti delle organizzazioni partner",
                "voucher",
                "Dipendenti delle organizzazioni partner del progetto",
                "20000.00",
                ["Tradate", "Arcisate", "Sesto Calende"],
                [
                    PEOPLE,
                    ind("Voucher erogati", Unit.VOUCHERS, "80"),
                    ind("Importo dei voucher rimborsati", Unit.EUROS, "20000"),
                ],
            ),
            (
                "Servizi SalvaTempo: stireria sociale, maggiordomo e disbrigo pratiche",
                "salvatempo",
                "Lavoratrici e lavoratori delle imprese della rete",
                "9000.00",
                ["Tradate", "Venegono Superiore"],
                [PEOPLE, ind("Ore di servizio", Unit.HOURS, "500")],
            ),
            (
                "Consulenza a enti pubblici e PMI della Rete Giunca per piani di welfare "
                "aziendale e programma WHP",
                "welfare-pmi",
                "Enti pubblici e micro, piccole e medie imprese della Rete Giunca",
                "12000.00",
                ["Tradate", "Venegono Superiore", "Castelseprio"],
                [
                    ind("Imprese raggiunte", Unit.COMPANIES, "25"),
                    ind("Piani di welfare avviati", Unit.COMPANIES, "8"),
                ],
            ),
            (
                "Spazi di coworking per donne libere professioniste",
                "lavoro-flessibile",
                "Donne libere professioniste",
                "10000.00",
                ["Tradate"],
                [ind("Professioniste accolte", Unit.PEOPLE, "20")],
            ),
            (
                'App e piattaforma "Tradate Welfare" per l\'accesso immediato ai servizi',
                "comunicazione",
                "Cittadine e cittadini, imprese del territorio",
                "8000.00",
                ["Tradate", "Venegono Superiore", "Venegono Inferiore", "Castelseprio"],
                [ind("Utenti registrati", Unit.PEOPLE, "500", True)],
            ),
        ],
    },
    {
        "plan": ("ATS-INS", 2020),
        "title": "Work in synergy with life",
        "alliance": "Alleanza del Consorzio Erbese",
        "lead": "Consorzio Erbese Servizi alla Persona",
        "partners": [
            ("Consorzio Servizi Sociali Olgiatese", "Partner"),
            ("Tecum – Ufficio di Piano di Mariano Comense", "Partner"),
            ("ASCI – Ufficio di Piano di Lomazzo", "Partner"),
            ("Azienda Sociale Comasca e Lariana", "Partner"),
            ("Azienda Sociale Centro Lario e Valli", "Partner"),
            ("Il Seme Coop. Sociale", "Ente erogatore di servizi"),
            ("ABS Assistenza alla famiglia Coop. Sociale", "Ente erogatore di servizi"),
        ],
        "grant": "85000.00",
        "cofinancing": "25000.00",
        "summary": (
            "Welfare aziendale per le imprese del Comasco: sensibilizzazione, formazione, "
            "piattaforma e app per cittadini e aziende, sportelli di orientamento e contributi "
            "ai lavoratori delle aziende partner."
        ),
        "actions": [
            (
                "Sensibilizzazione delle aziende al welfare aziendale e identificazione dei "
                "servizi da inserire nella piattaforma web",
                "welfare-pmi",
                "Aziende del territorio",
                "15000.00",
                ["Erba", "Olgiate Comasco", "Mariano Comense", "Lomazzo", "Como"],
                [ind("Imprese raggiunte", Unit.COMPANIES, "60")],
            ),
            (
                "Formazione e consulenza alle singole aziende aderenti",
                "welfare-pmi",
                "Aziende aderenti",
                "20000.00",
                ["Erba", "Como"],
                [
                    ind("Imprese accompagnate", Unit.COMPANIES, "15"),
                    ind("Ore di consulenza", Unit.HOURS, "300"),
                ],
            ),
            (
                "Piattaforma e app per cittadini e aziende e sportelli di orientamento "
                "territoriali",
                "comunicazione",
                "Cittadine e cittadini lavoratori",
                "25000.00",
                ["Erba", "Olgiate Comasco", "Mariano Comense", "Lomazzo", "Canzo"],
                [PEOPLE, ind("Accessi agli sportelli", Unit.PEOPLE, "400")],
            ),
            (
                "Contributi economici per servizi di conciliazione ai lavoratori delle aziende "
                "partner",
                "voucher",
                "Lavoratrici e lavoratori delle aziende partner",
                "40000.00",
                ["Erba", "Como", "Mariano Comense"],
                [PEOPLE, ind("Contributi erogati", Unit.VOUCHERS, "160")],
            ),
        ],
    },
    {
        "plan": ("ATS-INS", 2020),
        "title": "La conciliazione 20.20: il lavoro che cambia",
        "alliance": "Alleanza del Medio Olona",
        "lead": "Azienda Speciale Consortile Medio Olona servizi alla persona",
        "partners": [
            ("Comune di Marnate", "Partner"),
            ("Comune di Castellanza", "Partner"),
            ("Comune di Olgiate Olona", "Partner"),
            ("Comune di Gorla Minore", "Partner"),
            ("Comune di Fagnano Olona", "Partner"),
            ("Comune di Busto Arsizio", "Partner"),
            ("Ufficio di Piano di Gallarate", "Partner"),
            ("Ufficio di Piano di Somma Lombardo", "Partner"),
            ("Coop. Sociale Totem", "Ente erogatore di servizi"),
        ],
        "grant": "80000.00",
        "cofinancing": "22000.00",
        "summary": (
            "Lavoro flessibile nelle pubbliche amministrazioni, piani di welfare, promozione "
            "della salute e un servizio integrativo per l'infanzia con un punto informativo per "
            "le famiglie."
        ),
        "actions": [
            (
                "Consulenza per il lavoro flessibile nelle pubbliche amministrazioni",
                "lavoro-flessibile",
                "Pubbliche amministrazioni e loro dipendenti",
                "18000.00",
                ["Castellanza", "Marnate", "Olgiate Olona", "Busto Arsizio"],
                [ind("Enti accompagnati", Unit.COMPANIES, "8")],
            ),
            (
                "Spazio informativo e formativo online, in raccordo con organizzazioni "
                "sindacali e di categoria",
                "comunicazione",
                "Lavoratrici, lavoratori e imprese",
                "12000.00",
                ["Castellanza", "Gorla Minore", "Fagnano Olona", "Gallarate", "Somma Lombardo"],
                [ind("Iniziative realizzate", Unit.EVENTS, "12"), PEOPLE],
            ),
            (
                "Implementazione di piani di welfare, misure flessibili di lavoro e promozione "
                "della salute",
                "welfare-pmi",
                "Imprese del territorio",
                "30000.00",
                ["Busto Arsizio", "Gallarate", "Castellanza"],
                [ind("Imprese raggiunte", Unit.COMPANIES, "20")],
            ),
            (
                "Servizio alternativo e integrativo ai servizi per l'infanzia con punto "
                "informativo per le famiglie",
                "prima-infanzia",
                "Famiglie con figli piccoli",
                "35000.00",
                ["Castellanza", "Marnate", "Olgiate Olona"],
                [PEOPLE, ind("Ore di servizio", Unit.HOURS, "1500")],
            ),
        ],
    },
    {
        "plan": ("ATS-INS", 2020),
        "title": "Coworking – patchworking Valcuvia. Cambiare il lavoro per migliorare la vita",
        "alliance": "Alleanza della Valcuvia",
        "lead": "Comune di Cuveglio",
        "partners": [
            ("Comunità montana Valli del Verbano", "Partner"),
            ("Comune di Cuvio", "Partner"),
            ("Comune di Casalzuigno", "Partner"),
            ("Comune di Orino", "Partner"),
        ],
        "grant": "40000.00",
        "cofinancing": "12000.00",
        "summary": (
            "Postazioni di lavoro in uno spazio di coworking vicino a casa per lavoratori "
            "autonomi e dipendenti residenti in Valcuvia."
        ),
        "actions": [
            (
                "Assegnazione di postazioni in uno spazio di coworking vicino al domicilio",
                "lavoro-flessibile",
                "Lavoratrici e lavoratori autonomi e subordinati residenti in Valcuvia",
                "48000.00",
                ["Cuveglio", "Cuvio", "Casalzuigno", "Orino"],
                [PEOPLE, ind("Giornate di postazione utilizzate", Unit.OTHER, "1800")],
            ),
        ],
    },
    {
        "plan": ("ATS-INS", 2020),
        "kind": Project.Kind.SYSTEM,
        "title": "Agenti di rete",
        "lead": "ATS dell'Insubria",
        "contractor": "Variazioni s.r.l.",
        "grant": "45000.00",
        "cofinancing": "12000.00",
        "summary": (
            "Azione di sistema affidata a Variazioni s.r.l. con procedura di affidamento "
            "diretto: sviluppo delle politiche di conciliazione sull'intero territorio "
            "dell'ATS Insubria."
        ),
        "objectives": (
            "Allargare la rete dei soggetti aderenti; ampliare le alleanze già costituite; "
            "integrare la rete per la conciliazione con la rete WHP; diffondere in modo mirato "
            "e qualificato le informazioni fra associazioni datoriali, enti locali, istituzioni, "
            "sindacati e terzo settore."
        ),
        "actions": [
            (
                "Allargamento della rete e ampliamento delle alleanze",
                "azioni-di-rete",
                "Associazioni datoriali, enti locali, istituzioni, sindacati, terzo settore",
                "25000.00",
                ["Varese", "Como", "Busto Arsizio", "Tradate", "Erba"],
                [ind("Nuovi aderenti alla rete", Unit.COMPANIES, "30")],
            ),
            (
                "Integrazione della rete di conciliazione con la rete WHP",
                "azioni-di-rete",
                "Aziende della rete WHP",
                "15000.00",
                ["Varese", "Como"],
                [ind("Aziende WHP coinvolte", Unit.COMPANIES, "20")],
            ),
            (
                "Diffusione mirata delle informazioni",
                "comunicazione",
                "Enti e soggetti potenzialmente interessati",
                "17000.00",
                ["Varese", "Como"],
                [ind("Iniziative informative", Unit.EVENTS, "10")],
            ),
        ],
    },
    # ATS Brescia: the documents give the three alliances and their leads, not the titles.
    {
        "plan": ("ATS-BS", 2020),
        "title": "Brescia concilia: servizi e tempi per le famiglie che lavorano",
        "alliance": "Alleanza di Brescia",
        "lead": "Comune di Brescia",
        "grant": "75000.00",
        "cofinancing": "20000.00",
        "summary": "Progetto dell'Alleanza locale di Brescia (titolo e contenuti illustrativi).",
        "actions": [
            (
                "Centri estivi e servizi nei periodi di chiusura scolastica",
                "pre-post-scuola",
                "Famiglie con figli in età scolare",
                "45000.00",
                ["Brescia"],
                [PEOPLE],
            ),
            (
                "Consulenza alle PMI sul welfare aziendale, in sinergia con la rete WHP",
                "welfare-pmi",
                "Micro, piccole e medie imprese",
                "40000.00",
                ["Brescia"],
                [ind("Imprese raggiunte", Unit.COMPANIES, "25")],
            ),
        ],
    },
    {
        "plan": ("ATS-BS", 2020),
        "title": "Montichiari in equilibrio",
        "alliance": "Alleanza di Montichiari",
        "lead": "Comune di Montichiari",
        "grant": "60000.00",
        "cofinancing": "16000.00",
        "summary": (
            "Progetto dell'Alleanza locale di Montichiari (titolo e contenuti illustrativi)."
        ),
        "actions": [
            (
                "Sostegno ai caregiver familiari",
                "caregiver",
                "Lavoratrici e lavoratori con familiari non autosufficienti",
                "40000.00",
                ["Montichiari", "Ghedi", "Calvisano"],
                [PEOPLE, ind("Ore di assistenza", Unit.HOURS, "800")],
            ),
            (
                "Servizi salvatempo",
                "salvatempo",
                "Dipendenti delle imprese aderenti",
                "30000.00",
                ["Montichiari"],
                [PEOPLE],
            ),
        ],
    },
    {
        "plan": ("ATS-BS", 2020),
        "title": "Palazzolo: reti per la conciliazione",
        "alliance": "Alleanza di Palazzolo",
        "lead": "Comune di Palazzolo sull'Oglio",
        "grant": "55000.00",
        "cofinancing": "15000.00",
        "summary": "Progetto dell'Alleanza locale di Palazzolo (titolo e contenuti illustrativi).",
        "actions": [
            (
                "Pre e post scuola",
                "pre-post-scuola",
                "Famiglie con figli alla scuola primaria",
                "35000.00",
                ["Palazzolo sull'Oglio", "Chiari", "Rovato"],
                [PEOPLE, ind("Ore di servizio", Unit.HOURS, "700")],
            ),
            (
                "Voucher per servizi di conciliazione",
                "voucher",
                "Lavoratrici e lavoratori del territorio",
                "30000.00",
                ["Palazzolo sull'Oglio"],
                [ind("Voucher erogati", Unit.VOUCHERS, "60")],
            ),
        ],
    },
    {
        "plan": ("ATS-BS", 2020),
        "kind": Project.Kind.SYSTEM,
        "title": "Azione di sistema: gli operatori di rete",
        "lead": "ATS di Brescia",
        "grant": "40000.00",
        "cofinancing": "10000.00",
        "summary": (
            "Azione di sistema sviluppata direttamente da ATS in sinergia con le Alleanze "
            "locali: la figura dell'operatore o degli operatori di rete."
        ),
        "actions": [
            (
                "Operatori di rete a supporto delle Alleanze locali",
                "azioni-di-rete",
                "Alleanze locali, enti e imprese della rete",
                "50000.00",
                ["Brescia", "Montichiari", "Palazzolo sull'Oglio"],
                [ind("Enti e imprese accompagnati", Unit.COMPANIES, "40")],
            ),
        ],
    },
    # ATS Milano 2020-2023 (seeds 000, 001).
    {
        "plan": ("ATS-MI", 2020),
        "title": "Nuove Sinergie: reti territoriali a sostegno della conciliazione",
        "alliance": "Alleanza Sud-Sud Est Milano",
        "lead": "Spazio Aperto Servizi",
        "partners": [
            ("A.S.S.E.MI. – Azienda Sociale Sud Est Milano", "Partner"),
            ("Piano C", "Partner"),
            ("Centro studi Alspes", "Partner"),
        ],
        "grant": "110000.00",
        "cofinancing": "30000.00",
        "summary": (
            'In continuità con "Governare gli equilibri", una rete territoriale tra soggetti '
            "pubblici e privati per rispondere ai bisogni di conciliazione nati con l'emergenza "
            "Covid-19. Destinatari: aziende pubbliche e private e cittadini del Distretto 2 e "
            "del Distretto Sud Visconteo."
        ),
        "objectives": (
            "1. Promuovere collaborazioni fra pubblico e privato per la costituzione di reti di "
            "welfare territoriale.\n"
            "2. Sviluppare piani di welfare interaziendale in collaborazione con gli enti "
            "erogatori dei servizi.\n"
            "3. Agevolare percorsi di flessibilità organizzativa e modalità di lavoro agile.\n"
            "4. Strutturare un sistema di ricognizione dei nuovi bisogni di conciliazione dei "
            "lavoratori a fronte della possibile rimodulazione degli orari scolastici e dei "
            "servizi di conciliazione tradizionali.\n"
            "5. Progettare e sviluppare nuovi servizi di conciliazione e nuove modalità di "
            "erogazione, in risposta alle situazioni e ai bisogni che emergeranno.\n"
            "6. Agevolare i cittadini nell'accesso ai servizi di conciliazione, attraverso "
            "piattaforme territoriali fisiche (social point) e virtuali (piattaforma della rete "
            "CGM)."
        ),
        "actions": [
            (
                "Call alle aziende e agli enti pubblici per un primo tavolo di progettazione "
                "condivisa",
                "azioni-di-rete",
                "Aziende pubbliche e private",
                "15000.00",
                ["San Giuliano Milanese", "San Donato Milanese", "Melegnano"],
                [ind("Aziende ed enti al tavolo", Unit.COMPANIES, "15")],
            ),
            (
                "Accompagnamento alla costruzione della rete di welfare e smart working "
                "territoriale",
                "welfare-pmi",
                "Aziende pubbliche e private",
                "30000.00",
                ["San Giuliano Milanese", "San Donato Milanese", "Peschiera Borromeo"],
                [ind("Imprese accompagnate", Unit.COMPANIES, "20")],
            ),
            (
                "Implementazione dei piani di smart working e di welfare interaziendali e "
                "monitoraggio",
                "lavoro-flessibile",
                "Lavoratrici e lavoratori delle aziende aderenti",
                "35000.00",
                ["San Giuliano Milanese", "Rozzano", "Opera"],
                [PEOPLE, ind("Piani attivati", Unit.COMPANIES, "10")],
            ),
            (
                "Coprogettazione di servizi di conciliazione per le nuove esigenze post Covid-19",
                "pre-post-scuola",
                "Famiglie con figli in età scolare",
                "35000.00",
                ["Locate di Triulzi", "Pieve Emanuele", "Binasco"],
                [PEOPLE],
            ),
            (
                "Piattaforma territoriale per la conciliazione",
                "comunicazione",
                "Cittadine e cittadini del Distretto 2 e del Distretto Sud Visconteo",
                "25000.00",
                ["San Giuliano Milanese", "Melegnano", "Binasco"],
                [ind("Utenti della piattaforma", Unit.PEOPLE, "800", True)],
            ),
        ],
    },
    {
        "plan": ("ATS-MI", 2020),
        "kind": Project.Kind.SYSTEM,
        "title": (
            "LYBRA - Azioni di informazione, sensibilizzazione e formazione per favorire la "
            "conciliazione tra i tempi di vita e i tempi di lavoro"
        ),
        "lead": "ATS della Città Metropolitana di Milano",
        "contractor": "AFOL Metropolitana",
        "grant": "70000.00",
        "cofinancing": "18000.00",
        "summary": (
            "Azione di sistema a cura di AFOL Metropolitana, orientata allo sviluppo "
            "organizzativo della rete, al suo consolidamento e ampliamento sull'intero "
            "territorio dell'ATS."
        ),
        "actions": [
            (
                "Azione 1 – Piano di comunicazione coordinata, clip formative e docufilm, "
                "sensibilizzazione degli studenti di tre scuole secondarie",
                "comunicazione",
                "Cittadinanza, studentesse e studenti delle scuole secondarie di secondo grado",
                "30000.00",
                ["Milano"],
                [
                    ind("Clip e post pubblicati", Unit.EVENTS, "40"),
                    ind("Scuole coinvolte", Unit.OTHER, "3"),
                ],
            ),
            (
                "Azione 2 – Luogo unico di orientamento ai servizi di conciliazione e rete di "
                "sportelli conciliazione",
                "azioni-di-rete",
                "Cittadine e cittadini",
                "35000.00",
                ["Milano", "Rozzano", "San Giuliano Milanese"],
                [PEOPLE],
            ),
            (
                "Azione 3 – Informazione sullo smart working e confronto tra dirigenti e "
                "responsabili",
                "lavoro-flessibile",
                "Dirigenti e responsabili di aziende ed enti",
                "23000.00",
                ["Milano"],
                [ind("Incontri realizzati", Unit.EVENTS, "8")],
            ),
        ],
    },
    # ATS Milano 2017/2018 (seed 004).
    {
        "plan": ("ATS-MI", 2017),
        "title": "Governare gli equilibri: una rete territoriale per promuovere conciliazione",
        "alliance": MELEGNANO_ALLIANCE,
        "lead": "ASST Melegnano e della Martesana",
        "grant": "80000.00",
        "cofinancing": "22000.00",
        "state": ProjectState.CLOSED,
        "summary": (
            "Imprenditorialità di donne disoccupate e inoccupate e benessere di lavoratrici e "
            "lavoratori, con imprese private, pubbliche amministrazioni e imprese sociali del "
            "Sud Est dell'hinterland milanese."
        ),
        "actions": [
            (
                "Sostegno all'avvio di start up femminili che gestiscano servizi di conciliazione",
                "azioni-di-rete",
                "Donne escluse dal mondo del lavoro",
                "40000.00",
                ["Melegnano", "Vizzolo Predabissi", "San Giuliano Milanese"],
                [ind("Start up avviate", Unit.COMPANIES, "4"), PEOPLE],
            ),
            (
                "Modalità di lavoro flessibili e spazi di lavoro condivisi",
                "lavoro-flessibile",
                "Lavoratrici e lavoratori di aziende private e pubbliche amministrazioni",
                "35000.00",
                ["Melegnano", "Peschiera Borromeo", "Gorgonzola"],
                [ind("Aziende coinvolte", Unit.COMPANIES, "12")],
            ),
            (
                "Iniziative per lo sviluppo e la riorganizzazione della rete",
                "comunicazione",
                "Soggetti del territorio",
                "27000.00",
                ["Melegnano", "Cassano d'Adda", "Carugate"],
                [ind("Iniziative realizzate", Unit.EVENTS, "10")],
            ),
        ],
    },
]

IN_PROGRESS_PATH = [
    ProjectState.PROPOSED,
    ProjectState.EVALUATED,
    ProjectState.APPROVED,
    ProjectState.IN_PROGRESS,
]
CLOSED_PATH = [*IN_PROGRESS_PATH, ProjectState.REPORTED, ProjectState.CLOSED]


def _organisations() -> None:
    for name, kind, comune_name in EXTRA_ORGANISATIONS:
        comune = Comune.objects.filter(name=comune_name).first()
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "comune": comune})
    Alliance.objects.get_or_create(
        name=MELEGNANO_ALLIANCE,
        defaults={
            "ats": ATS.objects.get(code="ATS-MI"),
            "lead": Organisation.objects.get(name="ASST Melegnano e della Martesana"),
        },
    )


def _plans() -> dict[tuple[str, int], TerritorialPlan]:
    plans = {}
    for data in PLANS:
        ats = ATS.objects.get(code=data["ats"])
        start, end = data["years"]
        number, date = data["act"]
        plan, _created = TerritorialPlan.objects.get_or_create(
            ats=ats,
            start_year=start,
            end_year=end,
            title=PLAN_TITLE,
            defaults={
                "legal_basis": data["legal_basis"],
                "approval_act_number": number,
                "approval_act_date": date,
                "alliance_share": Decimal("80"),
                "min_cofinancing": Decimal("20"),
                "monitoring_period_months": 6,
                "guidance_needs": data["needs"],
                "guidance_priorities": data["priorities"],
                "guidance_strategies": data["strategies"],
                "guidance_integration": data["integration"],
                "is_public": True,
                "illustrative_figures": True,
            },
        )
        for year, amount in data["grants"].items():
            PlanGrant.objects.get_or_create(
                plan=plan, year=year, defaults={"amount": Decimal(amount)}
            )
        plans[(data["ats"], start)] = plan
    return plans


def _project(plan: TerritorialPlan, data: dict) -> None:
    kind = data.get("kind", Project.Kind.ALLIANCE)
    state = data.get("state", ProjectState.IN_PROGRESS)
    start = datetime.date(plan.start_year, 9, 1)
    end = datetime.date(plan.end_year, 12, 31)
    project, created = Project.objects.get_or_create(
        plan=plan,
        title=data["title"],
        defaults={
            "kind": kind,
            "alliance": (
                Alliance.objects.get(name=data["alliance"]) if data.get("alliance") else None
            ),
            "lead": Organisation.objects.get(name=data["lead"]),
            "contractor": (
                Organisation.objects.get(name=data["contractor"])
                if data.get("contractor")
                else None
            ),
            "summary": data.get("summary", ""),
            "objectives": data.get("objectives", ""),
            "regional_grant": Decimal(data["grant"]),
            "cofinancing": Decimal(data["cofinancing"]),
            "state": state,
            "start_date": start,
            "end_date": end,
        },
    )
    if created:
        path = CLOSED_PATH if state == ProjectState.CLOSED else IN_PROGRESS_PATH
        for step in path:
            ProjectEvent.objects.create(project=project, state=step, note="Dati dimostrativi")
    for name, role in data.get("partners", []):
        ProjectPartner.objects.get_or_create(
            project=project,
            organisation=Organisation.objects.get(name=name),
            defaults={"role": role},
        )
    # Mirror the alliance's partners (the network demo may list more).
    if project.alliance_id:
        for partner in AlliancePartner.objects.filter(alliance_id=project.alliance_id):
            if partner.organisation_id != project.lead_id:
                ProjectPartner.objects.get_or_create(
                    project=project,
                    organisation_id=partner.organisation_id,
                    defaults={"role": partner.role or "Partner"},
                )
    categories = {c.slug: c for c in ActionCategory.objects.all()}
    for title, slug, targets, budget, comuni, indicators in data["actions"]:
        action, _created = Action.objects.get_or_create(
            project=project,
            title=title,
            defaults={
                "category": categories[slug],
                "target_groups": targets,
                "budget": Decimal(budget),
            },
        )
        if _created:
            action.comuni.set(
                Comune.objects.filter(name__in=comuni, ats_id=plan.ats_id).order_by("pk")
            )
        for name, unit, target, by_gender in indicators:
            if name == "Beneficiari":
                target = str((Decimal(budget) / 100).quantize(Decimal("1")))
            Indicator.objects.get_or_create(
                action=action,
                name=name,
                defaults={"unit": unit, "target": Decimal(target), "by_gender": by_gender},
            )
    year = plan.start_year
    closed = state == ProjectState.CLOSED
    for title, due, done in [
        ("Avvio delle attività", datetime.date(year, 10, 1), datetime.date(year, 10, 5)),
        (
            "Prima relazione di monitoraggio",
            datetime.date(year + 1, 3, 31),
            datetime.date(year + 1, 3, 28),
        ),
        (
            "Relazione intermedia",
            datetime.date(plan.end_year, 3, 31) if closed else datetime.date(year + 2, 3, 31),
            datetime.date(plan.end_year, 3, 30) if closed else None,
        ),
        (
            "Rendicontazione finale",
            datetime.date(plan.end_year + 1, 2, 28),
            datetime.date(plan.end_year + 1, 2, 20) if closed else None,
        ),
    ]:
        Milestone.objects.get_or_create(
            project=project, title=title, defaults={"due_date": due, "done_on": done}
        )


def load() -> None:
    _organisations()
    plans = _plans()
    for data in PROJECTS:
        _project(plans[data["plan"]], data)
