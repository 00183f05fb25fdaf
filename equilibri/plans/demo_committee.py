"""Demo committees, meetings, evaluations and monitoring reports.

The committees' bodies come from the seeds (002 Insubria, 003 Brescia, 000/001/004 Milano); the
people's names, meetings, minutes, scores, report figures and expenditure are illustrative.
Idempotent (everything is found by a natural key) and tolerant: what the plans demo did not
create is skipped.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.network.models import Alliance, Organisation
from equilibri.territory.models import ATS

from .models import (
    Committee,
    CommitteeMember,
    Decision,
    EvaluationCriterion,
    Expenditure,
    IndicatorValue,
    Meeting,
    MeetingDocument,
    MonitoringReport,
    Priority,
    Project,
    ProjectEvent,
    Score,
    ScoreSheet,
    TerritorialPlan,
    expenditure_upload_to,
    meeting_upload_to,
)
from .monitoring_services import due_date_for, plan_periods, sample_of

DOMAIN = "demo.equilibri.it"
PDF = b"%PDF-1.4\n% Documento dimostrativo Equilibri\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TRADATE_PROJECT = "Ancora... ELAVOROEFAMIGLIA"
MILANO_PROJECT = "Nuove Sinergie: reti territoriali a sostegno della conciliazione"
PROPOSAL = "Proposta – Conciliare in Valle Olona"

# ATS code: [(full name, organisation, role, demo user local part)]
MEMBERS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "ATS-INS": [
        ("Marco Bernasconi", "ATS dell'Insubria", "Presidente", None),
        ("Sara Galli", "CSV Insubria", "Componente (terzo settore)", "comitato.insubria"),
        ("Giulia Ferrario", "Ufficio di Piano di Tradate", "Componente (ambiti)", None),
        ("Roberto Sala", "Consorzio Erbese Servizi alla Persona", "Componente (ambiti)", None),
        (
            "Chiara Brambilla",
            "Azienda Speciale Consortile Medio Olona servizi alla persona",
            "Componente (ambiti)",
            None,
        ),
        ("Paolo Zanetti", "Comune di Cuveglio", "Componente (enti locali)", None),
    ],
    "ATS-BS": [
        ("Francesca Rossi", "ATS di Brescia", "Presidente", None),
        ("Luca Moretti", "ATS di Brescia", "Operatore di rete", "comitato.brescia"),
        ("Elisa Bonetti", "Comune di Brescia", "Alleanza di Brescia", None),
        ("Andrea Treccani", "Comune di Montichiari", "Alleanza di Montichiari", None),
        ("Silvia Belotti", "Comune di Palazzolo sull'Oglio", "Alleanza di Palazzolo", None),
    ],
    "ATS-MI": [
        ("Valeria Colombo", "ATS della Città Metropolitana di Milano", "Presidente", None),
        ("Davide Riva", "Spazio Aperto Servizi", "Alleanza Sud-Sud Est Milano", None),
        ("Marta Villa", "A.S.S.E.MI. – Azienda Sociale Sud Est Milano", "Componente", None),
        ("Irene Fumagalli", "Piano C", "Componente (terzo settore)", None),
        ("Stefano Longhi", "AFOL Metropolitana", "Componente (lavoro)", None),
        ("Laura Pirovano", "ASST Melegnano e della Martesana", "Componente", None),
    ],
}

# Seed 003 (Brescia) and the plans' guidance documents.
PRIORITIES: dict[str, list[tuple[str, str]]] = {
    "ATS-INS": [
        ("Sostegno ai caregiver", "Servizi per chi assiste familiari anziani o con disabilità."),
        (
            "Servizi per l'infanzia e per i periodi di chiusura scolastica",
            "Pre e post scuola, centri estivi, nidi e spazi gioco.",
        ),
        ("Servizi salvatempo", "Servizi che restituiscono tempo alle famiglie che lavorano."),
        ("Lavoro flessibile e coworking", "Spazi di coworking e organizzazione flessibile."),
        ("Welfare aziendale nelle PMI", "Diffondere il welfare aziendale nelle piccole imprese."),
    ],
    "ATS-BS": [
        (
            "Identificare le priorità del territorio",
            "Il Documento territoriale di indirizzo: analisi dei bisogni e strategie.",
        ),
        (
            "Azioni rispondenti ai bisogni locali",
            "Azioni declinate sulle esigenze delle Alleanze di Brescia, Montichiari e Palazzolo, "
            "in rapporto con i Piani di Zona.",
        ),
        (
            "Sinergia con la Rete WHP",
            "Integrazione tra le aziende che promuovono salute e la Rete della conciliazione.",
        ),
        (
            "Operatori di rete",
            "L'azione di sistema di ATS con gli operatori di rete, in sinergia con le Alleanze.",
        ),
    ],
    "ATS-MI": [
        (
            "Reti di welfare territoriale",
            "Collaborazioni tra pubblico e privato e piani di welfare interaziendale.",
        ),
        ("Bisogni nati con l'emergenza Covid-19", "Servizi flessibili per le famiglie."),
        ("Lavoro agile e organizzazione", "Accompagnare le imprese nel lavoro agile."),
    ],
}

CRITERIA = [
    ("Coerenza con i bisogni", "30"),
    ("Partenariato", "25"),
    ("Sostenibilità", "20"),
    ("Innovazione", "15"),
    ("Impatto sulle imprese", "10"),
]


def _aware(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def _user(local_part: str) -> User | None:
    return User.objects.filter(email=f"{local_part}@{DOMAIN}").first()


def _store(name: str) -> str:
    """A demo PDF at a fixed path (saved once, so reloading adds no copies)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PDF))
    return name


def _plan(ats_code: str) -> TerritorialPlan | None:
    """The ATS's 2020-2023 plan (the one with the demo projects)."""
    return TerritorialPlan.objects.filter(ats__code=ats_code, start_year=2020).first()


def _committees() -> dict[str, Committee]:
    committees = {}
    for code, members in MEMBERS.items():
        ats = ATS.objects.filter(code=code).first()
        if ats is None:
            continue
        committee, _created = Committee.objects.get_or_create(ats=ats)
        committees[code] = committee
        for full_name, organisation_name, role, local_part in members:
            organisation = Organisation.objects.filter(name=organisation_name).first()
            if organisation is None:
                continue
            member, _created = CommitteeMember.objects.get_or_create(
                committee=committee,
                full_name=full_name,
                defaults={"organisation": organisation, "role": role},
            )
            if local_part and member.user_id is None:
                member.user = _user(local_part)
                member.save(update_fields=["user"])
        for order, (title, description) in enumerate(PRIORITIES[code], start=1):
            Priority.objects.get_or_create(
                committee=committee,
                title=title,
                defaults={"description": description, "order": order},
            )
    return committees


def _meetings(committee: Committee, proposal: Project | None) -> None:
    first, _created = Meeting.objects.get_or_create(
        committee=committee,
        held_at=_aware(2020, 3, 10, 10, 0),
        defaults={
            "place": "ATS dell'Insubria, sede di Varese",
            "agenda": (
                "1. Documento territoriale di indirizzo: bisogni e priorità.\n"
                "2. Criteri di valutazione dei progetti delle Alleanze locali.\n"
                "3. Varie ed eventuali."
            ),
            "minutes": (
                "Il Comitato approva le priorità del territorio e i criteri di valutazione dei "
                "progetti con i relativi pesi. (Verbale dimostrativo.)"
            ),
        },
    )
    for text in (
        "Approvate le priorità del territorio per il piano 2020-2023.",
        "Approvati i criteri di valutazione ponderati dei progetti.",
    ):
        Decision.objects.get_or_create(meeting=first, text=text)
    if not first.documents.exists():
        document = MeetingDocument(meeting=first, title="Ordine del giorno")
        document.file.name = _store(meeting_upload_to(document, "ordine-del-giorno.pdf"))
        document.save()
    second, _created = Meeting.objects.get_or_create(
        committee=committee,
        held_at=_aware(2021, 9, 20, 15, 0),
        defaults={
            "place": "Videoconferenza",
            "agenda": (
                "1. Monitoraggio dei progetti: relazioni del primo semestre 2021.\n"
                "2. Nuove proposte progettuali: avvio della valutazione."
            ),
            "minutes": (
                "Il Comitato prende atto delle relazioni del primo semestre 2021 e avvia la "
                "valutazione della nuova proposta dell'Alleanza del Medio Olona. "
                "(Verbale dimostrativo.)"
            ),
        },
    )
    Decision.objects.get_or_create(
        meeting=second,
        text="Avviata la valutazione della proposta «Conciliare in Valle Olona».",
        defaults={"project": proposal},
    )


def _brescia_meeting(committee: Committee) -> None:
    meeting, _created = Meeting.objects.get_or_create(
        committee=committee,
        held_at=_aware(2020, 4, 2, 10, 0),
        defaults={
            "place": "ATS di Brescia",
            "agenda": "1. Documento territoriale di indirizzo sulla conciliazione.",
            "minutes": (
                "Il Comitato approva il Documento territoriale di indirizzo. (Dimostrativo.)"
            ),
        },
    )
    Decision.objects.get_or_create(
        meeting=meeting, text="Approvato il Documento territoriale di indirizzo."
    )
    if not meeting.documents.exists():
        document = MeetingDocument(meeting=meeting, title="Documento territoriale di indirizzo")
        document.file.name = _store(meeting_upload_to(document, "documento-di-indirizzo.pdf"))
        document.save()


def _evaluation(committee: Committee, plan: TerritorialPlan) -> Project | None:
    criteria = []
    for name, weight in CRITERIA:
        criterion, _created = EvaluationCriterion.objects.get_or_create(
            plan=plan, name=name, defaults={"weight": Decimal(weight), "max_score": 10}
        )
        criteria.append(criterion)
    alliance = Alliance.objects.filter(name="Alleanza del Medio Olona").first()
    lead = Organisation.objects.filter(
        name="Azienda Speciale Consortile Medio Olona servizi alla persona"
    ).first()
    if alliance is None or lead is None:
        return None
    proposal, created = Project.objects.get_or_create(
        plan=plan,
        title=PROPOSAL,
        defaults={
            "kind": Project.Kind.ALLIANCE,
            "alliance": alliance,
            "lead": lead,
            "state": Project.State.PROPOSED,
            "summary": (
                "Servizi di cura salvatempo e voucher per le famiglie che lavorano nei comuni "
                "della Valle Olona. (Proposta dimostrativa.)"
            ),
            "regional_grant": Decimal("40000.00"),
            "cofinancing": Decimal("12000.00"),
        },
    )
    if created:
        ProjectEvent.objects.create(
            project=proposal, state=Project.State.PROPOSED, note="Dati dimostrativi"
        )
    # Two members scored it; the Medio Olona member declared a conflict of interest. The demo
    # account (comitato.insubria) has not scored yet, so the demo can.
    scores = {
        "Marco Bernasconi": [8, 7, 6, 7, 5],
        "Giulia Ferrario": [9, 8, 7, 6, 6],
        "Chiara Brambilla": None,
    }
    for full_name, values in scores.items():
        member = committee.members.filter(full_name=full_name).first()
        if member is None:
            continue
        sheet, created = ScoreSheet.objects.get_or_create(
            project=proposal,
            member=member,
            defaults={
                "conflict_of_interest": values is None,
                "conflict_note": (
                    "Lavoro per l'ente capofila della proposta." if values is None else ""
                ),
                "submitted_at": _aware(2021, 10, 4, 12, 0),
            },
        )
        if created and values:
            Score.objects.bulk_create(
                [
                    Score(sheet=sheet, criterion=c, value=Decimal(v))
                    for c, v in zip(criteria, values, strict=True)
                ]
            )
    return proposal


def _fill(report: MonitoringReport, share: Decimal) -> None:
    """Indicator values: a share of each target (60% women where tracked by gender)."""
    indicators = [i for action in report.project.actions.all() for i in action.indicators.all()]
    for indicator in indicators:
        value = (indicator.target * share).quantize(Decimal("1"))
        women = (value * Decimal("0.6")).quantize(Decimal("1")) if indicator.by_gender else None
        IndicatorValue.objects.get_or_create(
            report=report,
            indicator=indicator,
            defaults={
                "value": value,
                "women": women,
                "men": value - women if women is not None else None,
            },
        )


def _expenditure(
    report: MonitoringReport, description: str, amount: str, *, document: str = "", **fields
) -> Expenditure | None:
    action = report.project.actions.order_by("pk").first()
    if action is None:
        return None
    expenditure, created = Expenditure.objects.get_or_create(
        report=report,
        description=description,
        defaults={"action": action, "amount": Decimal(amount), **fields},
    )
    if created and document:
        expenditure.document.name = _store(expenditure_upload_to(expenditure, document))
        expenditure.save(update_fields=["document"])
    return expenditure


def _report(project: Project, start: datetime.date, **fields) -> MonitoringReport | None:
    periods = dict(plan_periods(project.plan))
    if start not in periods:
        return None
    report, _created = MonitoringReport.objects.get_or_create(
        project=project,
        period_start=start,
        defaults={"period_end": periods[start], "due_date": due_date_for(periods[start]), **fields},
    )
    return report


def _tradate_reports(project: Project) -> None:
    lead = _user("alleanza.tradate")
    operator = _user("operatore.insubria")
    accepted = _report(
        project,
        datetime.date(2021, 1, 1),
        state=MonitoringReport.State.ACCEPTED,
        narrative=(
            "Nel primo semestre 2021 sono ripresi i servizi domiciliari e per l'infanzia; "
            "attivati i primi voucher e lo spazio di coworking. (Relazione dimostrativa.)"
        ),
        submitted_at=_aware(2021, 7, 20, 11, 0),
        submitted_by=lead,
        reviewed_at=_aware(2021, 7, 28, 9, 30),
        reviewed_by=operator,
    )
    if accepted:
        _fill(accepted, Decimal("0.2"))
        _expenditure(
            accepted,
            "Fattura cooperativa per assistenza domiciliare",
            "3200.00",
            document="fattura-assistenza-2021-1.pdf",
            check_state=Expenditure.Check.ACCEPTED,
            check_note="Documento conforme.",
        )
        _expenditure(accepted, "Materiali per i laboratori", "450.00", self_declared=True)
        _expenditure(accepted, "Rimborsi spese dei volontari", "280.00", self_declared=True)
    submitted = _report(
        project,
        datetime.date(2021, 7, 1),
        state=MonitoringReport.State.SUBMITTED,
        narrative=(
            "Nel secondo semestre 2021 i centri estivi hanno accolto più bambini del previsto; "
            "la piattaforma Tradate Welfare è in collaudo. (Relazione dimostrativa.)"
        ),
        submitted_at=_aware(2022, 1, 25, 16, 0),
        submitted_by=lead,
    )
    if submitted:
        _fill(submitted, Decimal("0.25"))
        _expenditure(
            submitted,
            "Fattura centri estivi",
            "5400.00",
            document="fattura-centri-estivi-2021-2.pdf",
        )
        _expenditure(submitted, "Piccole spese di segreteria", "120.00", self_declared=True)
    # Not sent by its due date: flagged as overdue in the lists.
    _report(project, datetime.date(2022, 1, 1))


def _milano_reports(project: Project) -> None:
    report = _report(
        project,
        datetime.date(2021, 1, 1),
        state=MonitoringReport.State.SUBMITTED,
        narrative="Avvio della rete territoriale e dei piani di welfare. (Dimostrativa.)",
        submitted_at=_aware(2021, 7, 15, 10, 0),
        submitted_by=_user("alleanza.sudestmilano"),
    )
    if report:
        _fill(report, Decimal("0.2"))
        _expenditure(
            report, "Fattura consulenza welfare", "2500.00", document="fattura-consulenza.pdf"
        )
        _expenditure(report, "Spese per incontri con le imprese", "300.00", self_declared=True)


def _draw(plan: TerritorialPlan, by: User | None, seed: int) -> None:
    """A sample of the plan's self-declarations with a fixed seed, drawn once."""
    if plan.draws.exists():
        return
    population = list(
        Expenditure.objects.filter(
            report__project__plan=plan,
            report__state__in=[MonitoringReport.State.SUBMITTED, MonitoringReport.State.ACCEPTED],
            self_declared=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not population:
        return
    share = Decimal("50")
    draw = plan.draws.create(seed=seed, share=share, drawn_by=by)
    draw.population.set(population)
    draw.sampled.set(sample_of(population, share, seed))


def load() -> None:
    committees = _committees()
    insubria_plan = _plan("ATS-INS")
    proposal = None
    if insubria_plan and "ATS-INS" in committees:
        proposal = _evaluation(committees["ATS-INS"], insubria_plan)
    if "ATS-INS" in committees:
        _meetings(committees["ATS-INS"], proposal)
    if "ATS-BS" in committees:
        _brescia_meeting(committees["ATS-BS"])
    tradate = Project.objects.filter(title=TRADATE_PROJECT).select_related("plan").first()
    if tradate:
        _tradate_reports(tradate)
        _draw(tradate.plan, _user("operatore.insubria"), seed=20210731)
    milano = Project.objects.filter(title=MILANO_PROJECT).select_related("plan").first()
    if milano:
        _milano_reports(milano)
        _draw(milano.plan, _user("operatore.milano"), seed=20210801)
