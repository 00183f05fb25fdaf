"""Demo calls from the source documents.

- ATS Insubria's call for micro and small enterprises (DGR 5755/2021, seed 002) with the five
  applications admitted and funded by deliberation n. 576 of 29/9/2022 (ids, proposers and titles
  from the seed). The partners, budgets, scores and the seats of the proposers are NOT in the
  document: they are illustrative, and so are the small companies created as partners.
- ATS Milano's call for women's start-ups running conciliation services (seed 004), open now,
  with two draft applications.

Everything goes through the models directly except the ranking and the funding decision, which
use the services (so the funded applications become projects of the Insubria plan).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.network.models import Organisation
from equilibri.plans.models import ActionCategory, TerritorialPlan
from equilibri.territory.models import ATS, Comune

from . import services
from .models import (
    Application,
    ApplicationArea,
    ApplicationEvent,
    ApplicationPartner,
    BudgetLine,
    Call,
    CallChange,
    CallCriterion,
    CallFAQ,
    CallMacroArea,
    CallRule,
    CriterionScore,
    ScoreSheet,
)

ROME = ZoneInfo("Europe/Rome")
OrgKind = Organisation.Kind
RuleKind = CallRule.Kind
DGR_TITLE = "Interventi di conciliazione e welfare aziendale rivolti a micro e piccole imprese"
STARTUP_TITLE = (
    "Avviso per l'autoimprenditorialità femminile nei servizi di conciliazione vita-lavoro"
)
ILLUSTRATIVE = "Dati dimostrativi: sede, dimensione e importi non vengono dai documenti ufficiali."
PUBLIC_KINDS = [OrgKind.COMUNE, OrgKind.PLANNING_OFFICE, OrgKind.HEALTH_AGENCY, OrgKind.SCHOOL]

# (name, kind, comune, staff, turnover, runts number)
ORGANISATIONS = [
    (
        "Azalea società cooperativa sociale",
        OrgKind.THIRD_SECTOR,
        "Como",
        48,
        "1800000",
        "RUNTS-CO-1021",
    ),
    ("Iraise s.r.l.", OrgKind.COMPANY, "Cantù", 6, "420000", ""),
    ("Unindustria Servizi s.r.l.", OrgKind.COMPANY, "Como", 35, "5200000", ""),
    (
        "San Carlo società cooperativa sociale",
        OrgKind.THIRD_SECTOR,
        "Varese",
        60,
        "2400000",
        "RUNTS-VA-2217",
    ),
    ("Falegnameria Brianza s.n.c.", OrgKind.COMPANY, "Cantù", 5, "610000", ""),
    ("Tessitura Lariana s.r.l.", OrgKind.COMPANY, "Como", 28, "4500000", ""),
    ("Studio Grafico Varesino s.r.l.", OrgKind.COMPANY, "Varese", 4, "310000", ""),
    ("Meccanica Tradatese s.r.l.", OrgKind.COMPANY, "Tradate", 22, "3800000", ""),
    ("Panificio Olona s.n.c.", OrgKind.COMPANY, "Castellanza", 7, "890000", ""),
]

MACRO_AREAS = [
    ("Rete di imprese per il welfare", "welfare-pmi"),
    ("Accesso ai servizi di cura", "caregiver"),
    ("Servizi salvatempo", "salvatempo"),
    ("Interventi intergenerazionali", "tempo-libero-minori"),
    ("Mobilità casa-lavoro", "lavoro-flessibile"),
    ("Supporto ai dipendenti", "welfare-pmi"),
    ("Flessibilità e coworking", "lavoro-flessibile"),
]

# (public id, lead, title, partners, requested grant, [(area index, line, amount)], scores)
APPLICATIONS = [
    (
        3705126,
        "Azalea società cooperativa sociale",
        "Azienda benessere Comunità A.B.C.",
        [
            "Azienda Sociale Comasca e Lariana",
            "Falegnameria Brianza s.n.c.",
            "Tessitura Lariana s.r.l.",
        ],
        "49000.00",
        [
            (1, "Sportello di orientamento ai servizi di cura", "40000.00"),
            (2, "Servizi salvatempo per i dipendenti", "30000.00"),
        ],
        (27, 22, 22, 17),
    ),
    (
        3723007,
        "Iraise s.r.l.",
        "Terzo tempo! Il tempo del welfare e della salute: strategie per lo sviluppo di azioni "
        "inerenti il welfare aziendale, la conciliazione tempo famiglia tempo lavoro e la salute "
        "in piccole e micro imprese del territorio Canturino, Marianese e Lomazzese",
        [
            "ASCI – Ufficio di Piano di Lomazzo",
            "Tecum – Ufficio di Piano di Mariano Comense",
            "Tessitura Lariana s.r.l.",
        ],
        "45500.00",
        [
            (0, "Rete territoriale di imprese per il welfare", "35000.00"),
            (5, "Percorsi di promozione della salute", "30000.00"),
        ],
        (26, 21, 21, 16),
    ),
    (
        3740718,
        "Unindustria Servizi s.r.l.",
        "Wellbeing Enhancement Builders: i costruttori del welfare e della salute W.E.B.",
        [
            "Azienda Sociale Comasca e Lariana",
            "Studio Grafico Varesino s.r.l.",
            "Tessitura Lariana s.r.l.",
        ],
        "42000.00",
        [
            (0, "Piattaforma di welfare interaziendale", "40000.00"),
            (6, "Postazioni di coworking", "20000.00"),
        ],
        (25, 21, 20, 15),
    ),
    (
        3649957,
        "Ufficio di Piano di Tradate",
        "Conciliazione 2.0: percorsi volti al benessere vita-lavoro nelle piccole micro imprese",
        ["Comune di Tradate", "Meccanica Tradatese s.r.l.", "Studio Grafico Varesino s.r.l."],
        "38500.00",
        [
            (3, "Centri estivi aziendali e intergenerazionali", "30000.00"),
            (4, "Navetta casa-lavoro condivisa", "25000.00"),
        ],
        (24, 20, 19, 15),
    ),
    (
        3738205,
        "San Carlo società cooperativa sociale",
        "Micro e piccole imprese conciliano! Percorsi di conciliazione rivolti ai lavoratori di "
        "micro e piccole imprese, anno 2022/2023",
        ["Comune di Busto Arsizio", "Panificio Olona s.n.c.", "Meccanica Tradatese s.r.l."],
        "35000.00",
        [
            (1, "Voucher per servizi di cura", "30000.00"),
            (5, "Consulenza ai lavoratori", "20000.00"),
        ],
        (23, 19, 18, 14),
    ),
]


def _aware(year, month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ROME)


def _organisations() -> None:
    for name, kind, comune, staff, turnover, runts in ORGANISATIONS:
        Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "comune": Comune.objects.get(name=comune),
                "staff_count": staff,
                "turnover": Decimal(turnover),
                "runts_number": runts,
                "description": ILLUSTRATIVE,
            },
        )


def dgr_5755_rules(call: Call) -> None:
    """DGR 5755/2021's partnership rules, as data."""
    rows = [
        (RuleKind.MIN_MEMBERS, 4, [], [], ""),
        (RuleKind.MIN_OF_KINDS, 1, PUBLIC_KINDS, [], "enti pubblici (compresi gli ambiti)"),
        (RuleKind.MIN_OF_SIZES, 2, [], ["micro", "small"], "micro o piccole imprese"),
        (
            RuleKind.ELIGIBLE_KINDS,
            None,
            [
                *PUBLIC_KINDS,
                OrgKind.THIRD_SECTOR,
                OrgKind.ASSOCIATION,
                OrgKind.EMPLOYER_ASSOCIATION,
                OrgKind.COMPANY,
            ],
            [],
            "",
        ),
        (RuleKind.ELIGIBLE_SIZES, None, [], ["micro", "small"], ""),
        (RuleKind.RUNTS_REQUIRED, None, [OrgKind.THIRD_SECTOR, OrgKind.ASSOCIATION], [], ""),
        (RuleKind.LEAD_IN_LOMBARDY, None, [OrgKind.COMPANY], [], ""),
    ]
    for order, (kind, number, kinds, sizes, label) in enumerate(rows):
        CallRule.objects.create(
            call=call,
            kind=kind,
            number=number,
            kinds=[str(k) for k in kinds],
            sizes=sizes,
            label=label,
            order=order,
        )


def _areas_and_criteria(
    call: Call, areas: list[tuple[str, str]], criteria: list[tuple[str, str, str]]
) -> None:
    """The call's macro-areas (name, slug of the plan's action category) and its evaluation
    criteria (name, maximum, minimum), in the order given."""
    categories = {c.slug: c for c in ActionCategory.objects.all()}
    for order, (name, slug) in enumerate(areas):
        CallMacroArea.objects.create(
            call=call, name=name, category=categories.get(slug), order=order
        )
    for order, (name, max_score, min_score) in enumerate(criteria):
        CallCriterion.objects.create(
            call=call,
            name=name,
            max_score=Decimal(max_score),
            min_score=Decimal(min_score),
            order=order,
        )


def dgr_5755_call(*, ats: ATS, plan: TerritorialPlan | None, by, opens_at, closes_at) -> Call:
    """A call with DGR 5755/2021's rules, areas, criteria and grant formula (also used by tests
    to open a fresh one)."""
    call = Call.objects.create(
        ats=ats,
        plan=plan,
        title=DGR_TITLE,
        legal_basis="DGR 5755/2021",
        summary=(
            "Regione Lombardia ha promosso un intervento rivolto ai dipendenti, e alle loro "
            "famiglie, delle micro e piccole imprese: favorire la diffusione di iniziative di "
            "welfare aziendale, la corresponsabilità dei compiti di cura, l'armonizzazione tra "
            "vita privata e vita professionale anche al fine di garantire una maggiore parità tra "
            "uomini e donne, promuovendo misure di lavoro flessibile, servizi di assistenza e "
            "supporto al caregiver familiare e per la cura dei figli, anche nei periodi di "
            "chiusura scolastica, e servizi salvatempo."
        ),
        beneficiaries=(
            "I dipendenti delle imprese partner e le loro famiglie. Progetti di un anno; i "
            "partner cofinanziano la parte non coperta dal contributo."
        ),
        applicant_kind=Call.ApplicantKind.ORGANISATIONS,
        budget=Decimal("230000.00"),
        opens_at=opens_at,
        closes_at=closes_at,
        grant_percent=Decimal("70"),
        grant_cap=Decimal("50000.00"),
        vat_excluded=True,
        partial_last=True,
        project_months=12,
        report_days=60,
        min_total_score=Decimal("60"),
        required_documents=(
            "Accordo di partenariato sottoscritto\nDichiarazione de minimis delle imprese"
        ),
        state=Call.State.PUBLISHED,
        published_at=opens_at,
        created_by=by,
    )
    dgr_5755_rules(call)
    _areas_and_criteria(
        call,
        MACRO_AREAS,
        [
            ("Qualità e coerenza del progetto", "30", "15"),
            ("Partenariato e radicamento territoriale", "25", "10"),
            ("Impatto sui dipendenti e sulle loro famiglie", "25", "10"),
            ("Sostenibilità e cofinanziamento", "20", "0"),
        ],
    )
    for order, (question, answer) in enumerate(
        [
            (
                "Chi può essere capofila?",
                "Un membro ammesso del partenariato; un'impresa solo se ha la sede legale e "
                "quella operativa in Lombardia.",
            ),
            (
                "Come si calcola la dimensione di un'impresa?",
                "Micro: meno di 10 addetti e fatturato fino a 2 milioni di euro; piccola: meno "
                "di 50 addetti e fatturato fino a 10 milioni di euro.",
            ),
            (
                "Quanto finanzia il bando?",
                "Fino al 70% del costo ammissibile, IVA esclusa, e al massimo 50.000 euro per "
                "progetto; i partner cofinanziano il resto.",
            ),
        ]
    ):
        CallFAQ.objects.create(call=call, question=question, answer=answer, order=order)
    return call


def _dgr_5755(operator: User, committee: User) -> None:
    ats = ATS.objects.get(code="ATS-INS")
    plan = TerritorialPlan.objects.filter(ats=ats, start_year=2020).first()
    call = dgr_5755_call(
        ats=ats,
        plan=plan,
        by=operator,
        opens_at=_aware(2022, 3, 1, 9),
        closes_at=_aware(2022, 5, 31, 12),
    )
    areas = list(call.macro_areas.all())
    criteria = list(call.criteria.all())
    for n, (public_id, lead, title, partners, grant, lines, scores) in enumerate(APPLICATIONS):
        submitted = _aware(2022, 5, 10 + n, 10)
        application = Application.objects.create(
            call=call,
            public_id=public_id,
            lead=Organisation.objects.get(name=lead),
            applicant=operator,
            title=title,
            summary=ILLUSTRATIVE,
            requested_grant=Decimal(grant),
            lead_operating_office_in_lombardy=True,
            state=Application.State.ADMISSIBLE,
            submitted_at=submitted,
            admissibility_checklist={item: True for item in services.checklist_items(call)},
        )
        for state in (Application.State.DRAFT, Application.State.SUBMITTED):
            ApplicationEvent.objects.create(application=application, state=state, by=operator)
        ApplicationEvent.objects.create(
            application=application, state=Application.State.ADMISSIBLE, by=operator
        )
        for name in partners:
            ApplicationPartner.objects.create(
                application=application,
                organisation=Organisation.objects.get(name=name),
                role="Partner",
                state=ApplicationPartner.State.CONFIRMED,
            )
        for index, description, amount in lines:
            ApplicationArea.objects.create(
                application=application,
                macro_area=areas[index],
                description=f"{description}. (Descrizione illustrativa.)",
            )
            BudgetLine.objects.create(
                application=application,
                macro_area=areas[index],
                description=description,
                amount=Decimal(amount),
            )
        sheet = ScoreSheet.objects.create(
            application=application,
            evaluator=committee,
            conflict_of_interest=False,
            submitted_at=_aware(2022, 9, 15, 15),
        )
        for criterion, value in zip(criteria, scores, strict=True):
            CriterionScore.objects.create(sheet=sheet, criterion=criterion, value=Decimal(value))
    services.call_rank(call=call, by=operator)
    services.call_decide(
        call=call,
        by=operator,
        act_number="Deliberazione n. 576",
        act_date=datetime.date(2022, 9, 29),
    )


def _startup(operator: User | None) -> None:
    ats = ATS.objects.get(code="ATS-MI")
    plan = TerritorialPlan.objects.filter(ats=ats).order_by("-start_year").first()
    now = timezone.now()
    call = Call.objects.create(
        ats=ats,
        plan=plan,
        title=STARTUP_TITLE,
        legal_basis="Piano territoriale di conciliazione — Alleanza ASST Melegnano e Martesana",
        summary=(
            "Finanziamento di start up femminili create da donne inoccupate o disoccupate che "
            "gestiscano servizi di e per la conciliazione famiglia-lavoro (progetto «Governare "
            "gli equilibri»)."
        ),
        beneficiaries="Donne escluse dal mondo del lavoro che avviano un'impresa di servizi di "
        "conciliazione nel territorio dell'ATS.",
        applicant_kind=Call.ApplicantKind.INDIVIDUALS,
        budget=Decimal("60000.00"),
        opens_at=now - datetime.timedelta(days=10),
        closes_at=timezone.localtime(now + datetime.timedelta(days=30)).replace(
            hour=12, minute=0, second=0, microsecond=0
        ),
        grant_percent=Decimal("80"),
        grant_cap=Decimal("15000.00"),
        vat_excluded=True,
        partial_last=False,
        project_months=12,
        report_days=60,
        min_total_score=Decimal("50"),
        required_documents="Piano d'impresa\nDocumento d'identità della richiedente",
        state=Call.State.PUBLISHED,
        published_at=now - datetime.timedelta(days=10),
        created_by=operator,
    )
    for order, label in enumerate(
        [
            "La nuova impresa è o sarà costituita in maggioranza da donne inoccupate o "
            "disoccupate.",
            "L'impresa gestirà servizi di o per la conciliazione vita-lavoro.",
            "L'impresa ha o avrà la sede operativa nel territorio dell'ATS.",
        ]
    ):
        CallRule.objects.create(call=call, kind=RuleKind.DECLARATION, label=label, order=order)
    # A deadline extended after publication, as the call's page shows it (services/changes.py).
    earlier = Call(closes_at=call.closes_at - datetime.timedelta(days=7))
    CallChange.objects.create(
        call=call,
        by=operator,
        reason="Proroga di una settimana chiesta dagli sportelli per le domande delle neo-imprese.",
        before={"chiusura delle domande": services.display_value(earlier, "closes_at")},
        after={"chiusura delle domande": services.display_value(call, "closes_at")},
    )
    _areas_and_criteria(
        call,
        [
            ("Servizi per l'infanzia e il tempo libero dei minori", "prima-infanzia"),
            ("Servizi salvatempo", "salvatempo"),
            ("Cura di anziani e persone con disabilità", "caregiver"),
            ("Spazi di lavoro condivisi e coworking", "lavoro-flessibile"),
        ],
        [
            ("Qualità dell'idea imprenditoriale", "40", "20"),
            ("Sostenibilità economica", "30", "12"),
            ("Impatto sulla conciliazione nel territorio", "30", "0"),
        ],
    )
    CallFAQ.objects.create(
        call=call,
        question="Posso presentare domanda se l'impresa non è ancora costituita?",
        answer="Sì: l'impresa va costituita entro 60 giorni dalla concessione del contributo.",
    )
    areas = list(call.macro_areas.all())
    for public_id, local, name, title, area, lines in [
        (
            4102317,
            "cittadino",
            "Tempo Ritrovato (impresa da costituire)",
            "Tempo Ritrovato: maggiordomo aziendale e stireria sociale",
            1,
            [("Attrezzature per la stireria", "9000.00"), ("Furgone elettrico", "6000.00")],
        ),
        (
            4102389,
            "cittadina",
            "Nido in Comune s.r.l.s. (da costituire)",
            "Nido in Comune: micronido aziendale condiviso",
            0,
            [("Arredi e materiali del micronido", "11000.00")],
        ),
    ]:
        user = User.objects.filter(email=f"{local}@demo.equilibri.it").first()
        if user is None:
            continue
        application = Application.objects.create(
            call=call,
            public_id=public_id,
            applicant=user,
            applicant_name=name,
            title=title,
            summary="Domanda dimostrativa in bozza.",
            requested_grant=Decimal("8000.00"),
        )
        ApplicationEvent.objects.create(application=application, state=application.state, by=user)
        ApplicationArea.objects.create(
            application=application, macro_area=areas[area], description=title
        )
        for description, amount in lines:
            BudgetLine.objects.create(
                application=application,
                macro_area=areas[area],
                description=description,
                amount=Decimal(amount),
            )


def load() -> None:
    operator = User.objects.filter(email="operatore.insubria@demo.equilibri.it").first()
    committee = User.objects.filter(email="comitato.insubria@demo.equilibri.it").first()
    if operator is None or committee is None:
        return
    with transaction.atomic():
        _organisations()
        if not Call.objects.filter(title=DGR_TITLE, ats__code="ATS-INS").exists():
            _dgr_5755(operator, committee)
        if not Call.objects.filter(title=STARTUP_TITLE).exists():
            _startup(User.objects.filter(email="operatore.milano@demo.equilibri.it").first())
