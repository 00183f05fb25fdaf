"""Demo data: the standard questionnaire, an open campaign of ATS Insubria with its channels
(L'Arca's link and poster, the open link, help-desk mode) and synthetic anonymous responses, and
an open campaign of ATS Milano with few responses (below the threshold). The responses are
illustrative, generated with a fixed seed; the questionnaire is the one shipped."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.network.models import Organisation
from equilibri.territory.models import ATS, Comune

from . import definition as qdef
from . import services
from .models import Campaign, Distribution

TEXTS = [
    "Il centro estivo chiude alle 16, io esco alle 18.",
    "Servirebbe un pre-scuola dalle 7:30.",
    "Mia madre ha bisogno di assistenza il pomeriggio.",
    "Più giorni di lavoro agile.",
    "Non so a chi chiedere per i voucher.",
]
INSUBRIA_COMUNI = ["Tradate", "Varese", "Como", "Busto Arsizio", "Gallarate", "Erba"]
# Most answers from Tradate and Varese; Erba gets too few, so its figures are suppressed.
INSUBRIA_WEIGHTS = [10, 8, 6, 5, 4, 1]


def synthetic_rows(
    definition: qdef.Definition, rng: random.Random, comuni: list[str]
) -> list[dict[str, list[dict]]]:
    """Valid answers to every section (what `SectionForm.answer_rows()` gives), at random: for
    demo data and benchmarks. `comuni` are ISTAT codes for a comune question."""
    values: dict[str, list[str]] = {}
    sections = []
    for section in definition.sections:
        rows: dict[str, list[dict]] = {}
        for q in section.questions:
            rows[q.key] = []
            if not qdef.is_shown(q, values):
                continue
            if q.type in ("single", "scale"):
                choice = rng.choice(q.choices())[0]
                rows[q.key] = [{"option": choice}]
                if q.type == "scale":
                    rows[q.key][0]["number"] = Decimal(choice)
                values[q.key] = [choice]
            elif q.type == "multiple":
                plain = [o.key for o in q.options if not o.exclusive]
                exclusive = [o.key for o in q.options if o.exclusive]
                if exclusive and rng.random() < 0.15:
                    chosen = [exclusive[0]]
                else:
                    chosen = rng.sample(plain, rng.randint(1, min(q.max_choices or 3, 3)))
                rows[q.key] = [{"option": key} for key in chosen]
                values[q.key] = chosen
            elif q.type == "grid":
                rows[q.key] = [{"row": r.key, "option": rng.choice(q.options).key} for r in q.rows]
            elif q.type == "number":
                low = int(q.min if q.min is not None else 0)
                high = int(q.max if q.max is not None else 100)
                rows[q.key] = [{"number": Decimal(rng.randint(low, low + (high - low) // 3))}]
            elif q.type == "comune":
                rows[q.key] = [{"option": rng.choice(comuni)}]
            elif q.type == "date" and q.min and rng.random() < 0.3:
                day = max(q.min, timezone.localdate()) + timedelta(days=rng.randint(10, 200))
                rows[q.key] = [{"text": min(day, q.max or day).isoformat()}]
            elif q.type == "text" and rng.random() < 0.3:
                rows[q.key] = [{"text": rng.choice(TEXTS)}]
        sections.append(rows)
    return sections


def respond(distribution: Distribution, version, rows: list[dict[str, list[dict]]]) -> None:
    response, _resume = services.response_start(distribution, version)
    for index, section_rows in enumerate(rows):
        response = services.response_save_section(response, index, section_rows)
    services.response_submit(response)


def _campaign(ats_code: str, title: str, operator: str, version) -> tuple[Campaign, bool]:
    existing = Campaign.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    campaign = services.campaign_create(
        ats=ATS.objects.get(code=ats_code),
        title=title,
        description=(
            "Aiutaci a capire di quali servizi di conciliazione hanno bisogno le famiglie "
            "che lavorano nel nostro territorio (campagna dimostrativa)."
        ),
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=70),
        versions=[version],
        actor=User.objects.filter(email=f"{operator}@demo.equilibri.it").first(),
    )
    return services.campaign_open(campaign, actor=None), True


def _codes(names: list[str]) -> list[str]:
    return [Comune.objects.get(name=name).istat_code for name in names]


def load() -> None:
    version, _created = services.standard_questionnaire_load()
    rng = random.Random(2026)  # noqa: S311 (illustrative data, not security)

    campaign, created = _campaign(
        "ATS-INS", "Bisogni di conciliazione 2026 – ATS Insubria", "operatore.insubria", version
    )
    if created:
        arca = services.distribution_create(
            campaign,
            kind=Distribution.Kind.ORGANISATION,
            organisation=Organisation.objects.get(name="L'Arca Coop. Soc."),
            actor=None,
        )
        open_link = services.distribution_create(campaign, kind=Distribution.Kind.OPEN, actor=None)
        desk = services.distribution_create(campaign, kind=Distribution.Kind.HELP_DESK, actor=None)
        services.distribution_create(
            campaign,
            kind=Distribution.Kind.ORGANISATION,
            organisation=Organisation.objects.get(name="L'Aquilone Coop. Soc."),
            single_use=True,
            actor=None,
        )
        codes = _codes(INSUBRIA_COMUNI)
        for count, channel in ((24, arca), (18, open_link), (3, desk)):
            for _n in range(count):
                comune = rng.choices(codes, weights=INSUBRIA_WEIGHTS)[0]
                respond(channel, version, synthetic_rows(version.parsed, rng, [comune]))

    campaign, created = _campaign(
        "ATS-MI", "Bisogni di conciliazione 2026 – ATS Milano", "operatore.milano", version
    )
    if created:
        spazio = services.distribution_create(
            campaign,
            kind=Distribution.Kind.ORGANISATION,
            organisation=Organisation.objects.get(name="Spazio Aperto Servizi"),
            actor=None,
        )
        services.distribution_create(campaign, kind=Distribution.Kind.OPEN, actor=None)
        services.distribution_create(campaign, kind=Distribution.Kind.HELP_DESK, actor=None)
        for _n in range(3):
            respond(spazio, version, synthetic_rows(version.parsed, rng, _codes(["Milano"])))
