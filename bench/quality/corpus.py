"""A realistic small catalogue for the search quality bench: about 600 services in 30 Lombard
comuni, written as providers write them (names with a proper name, the category's own words in
some and not in others, descriptions that speak of ages, days and costs), from a seeded RNG.

Each service is written with what the judge needs (`Facts`): categories, comune coordinates,
ages, schedule, costs, languages, status and whether it is public. The judgements of
`queries.toml` are made from these facts by rules (`quality.py`), never by looking at results.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, time

COMUNI = [
    "Milano", "Monza", "Lecco", "Como", "Cantù", "Varese", "Luino", "Tradate", "Busto Arsizio",
    "Sesto San Giovanni", "Bergamo", "Brescia", "Pavia", "Cremona", "Mantova", "Lodi", "Sondrio",
    "Legnano", "Saronno", "Gallarate", "Vimercate", "Merate", "Erba", "Desio", "Seregno", "Rho",
    "Treviglio", "Crema", "Vigevano", "Cinisello Balsamo",
]  # fmt: skip
PROPER = [
    "Il Girasole", "Arcobaleno", "L'Aquilone", "Primavera", "La Tartaruga", "Il Melograno",
    "Pollicino", "La Coccinella", "Il Faro", "La Libellula", "Il Glicine", "Raggio di Sole",
    "Il Sorriso", "La Trottola", "Stella Polare", "La Bussola", "Sottosopra", "La Quercia",
    "Il Mulino", "Nuvola", "San Giuseppe", "Don Bosco", "Santa Chiara", "Il Sentiero",
]  # fmt: skip
# code -> (name phrases, description sentences, ages or None)
CATEGORIES: dict[str, tuple[list[str], list[str], tuple[int, int] | None]] = {
    "nidi": (
        ["Asilo nido", "Nido d'infanzia", "Nido comunale", "Asilo nido aziendale"],
        ["Accoglie bambine e bambini dai 3 mesi ai 3 anni in piccoli gruppi.",
         "Educatrici qualificate, pranzo preparato nella nostra cucina, inserimento graduale.",
         "Orario prolungato fino alle 18 per le famiglie che lavorano."],
        (0, 3),
    ),
    "micronidi": (
        ["Micronido", "Nido famiglia", "Micro-nido"],
        ["Piccolo servizio per la prima infanzia, al massimo dieci bambini.",
         "Un ambiente familiare per i più piccoli, da 3 a 36 mesi."],
        (0, 3),
    ),
    "spazio-gioco": (
        ["Spazio gioco", "Centro prima infanzia", "Tempo per le famiglie"],
        ["Mattine di gioco per bambini da 1 a 6 anni accompagnati da un adulto.",
         "Un luogo di incontro tra genitori e piccoli, con laboratori e letture."],
        (1, 6),
    ),
    "pre-scuola": (
        ["Pre-scuola", "Accoglienza mattutina", "Prescuola"],
        ["Accoglienza prima dell'inizio delle lezioni, dalle 7.30, per la scuola primaria.",
         "Per i genitori che iniziano presto a lavorare: sorveglianza e colazione."],
        (6, 11),
    ),
    "post-scuola": (
        ["Doposcuola", "Post-scuola", "Aiuto compiti", "Spazio compiti"],
        ["Aiuto nei compiti e attività pomeridiane per ragazzi delle elementari e medie.",
         "Dopo la scuola, merenda, studio assistito e giochi fino alle 18."],
        (6, 14),
    ),
    "centri-estivi": (
        ["Centro estivo", "Campus estivo", "Grest", "Centro ricreativo estivo", "CRE"],
        ["Attività all'aperto, piscina, gite e laboratori per tutta l'estate.",
         "Settimane estive di sport e natura, con pranzo incluso."],
        (3, 14),
    ),
    "centri-vacanza": (
        ["Campus di Natale", "Centro vacanze", "Centro pasquale"],
        ["Durante le vacanze scolastiche di Natale e Pasqua, giochi e laboratori.",
         "Quando la scuola è chiusa e i genitori lavorano."],
        (4, 12),
    ),
    "assistenza-anziani": (
        ["Assistenza domiciliare anziani", "Badante di condominio", "Custode sociale",
         "SAD - Servizio di assistenza domiciliare"],
        ["Operatori a casa della persona anziana per igiene, pasti e compagnia.",
         "Sostegno alle famiglie che si prendono cura di un genitore anziano.",
         "Aiuto quotidiano per anziani soli o non autosufficienti."],
        None,
    ),
    "assistenza-disabili": (
        ["Assistenza domiciliare disabili", "Sollievo alle famiglie", "Educativa domiciliare"],
        ["Interventi a domicilio per persone con disabilità e le loro famiglie.",
         "Ore di sollievo per chi assiste un familiare con disabilità."],
        None,
    ),
    "assistenza-ospedaliera-diurna": (
        ["Assistenza ospedaliera diurna", "Accompagnamento visite mediche"],
        ["Accompagniamo i vostri cari alle visite e restiamo con loro in ospedale di giorno."],
        None,
    ),
    "assistenza-ospedaliera-notturna": (
        ["Assistenza notturna in ospedale", "Veglia notturna"],
        ["Presenza di notte accanto al familiare ricoverato, quando non potete esserci."],
        None,
    ),
    "stiro-sociale": (
        ["Stireria sociale", "Servizio stiro", "Lavanderia e stiro"],
        ["Lasciate le camicie al mattino, le ritirate stirate la sera.",
         "Stiro e lavaggio a prezzi contenuti, gestito da una cooperativa sociale."],
        None,
    ),
    "maggiordomo-aziendale": (
        ["Maggiordomo aziendale", "Portineria aziendale"],
        ["Per i dipendenti delle imprese aderenti: ritiro pacchi, lavanderia, pratiche."],
        None,
    ),
    "commissioni": (
        ["Disbrigo commissioni", "Spesa a domicilio", "Consegna farmaci"],
        ["Volontari che fanno la spesa e ritirano i farmaci per chi non può uscire.",
         "Piccole commissioni per famiglie e anziani, su prenotazione telefonica."],
        None,
    ),
    "postazioni-coworking": (
        ["Coworking", "Spazio di lavoro condiviso", "Co-working"],
        ["Postazioni di lavoro con wifi, sala riunioni e angolo bimbi.",
         "Scrivanie a giornata per chi lavora da remoto vicino a casa."],
        None,
    ),
    "consulenza-welfare": (
        ["Consulenza welfare aziendale", "Piano di welfare"],
        ["Aiutiamo le imprese a costruire un piano di welfare per i dipendenti."],
        None,
    ),
    "consulenza-smart-working": (
        ["Consulenza smart working", "Lavoro agile in azienda"],
        ["Accompagnamento alle aziende che introducono il lavoro agile."],
        None,
    ),
    "sportelli-conciliazione": (
        ["Sportello conciliazione", "Sportello famiglia", "Punto informativo"],
        ["Informazioni su servizi, bonus e voucher per conciliare famiglia e lavoro.",
         "Un operatore ascolta e orienta verso i servizi del territorio."],
        None,
    ),
    "counselling": (
        ["Counselling familiare", "Consulenza psicologica", "Sostegno genitoriale"],
        ["Colloqui con psicologi per genitori, coppie e famiglie in difficoltà.",
         "Sostegno nei momenti di separazione, nascita di un figlio, cura di un anziano."],
        None,
    ),
}  # fmt: skip
SUMMER = {"centri-estivi"}
LANGUAGES = [("en", "inglese"), ("fr", "francese"), ("ar", "arabo"), ("zh", "cinese"),
             ("es", "spagnolo"), ("uk", "ucraino")]  # fmt: skip
FILLER = [
    "Il servizio è gestito da personale qualificato.",
    "Per iscriversi è necessario compilare il modulo online.",
    "Sono previste agevolazioni per famiglie numerose.",
    "Il servizio collabora con il Comune e con le associazioni del territorio.",
    "Contattateci per un colloquio conoscitivo.",
]


@dataclass
class Facts:
    key: str
    name: str
    terms: list[str]
    comune: str
    lat: float
    lon: float
    ages: tuple[int, int] | None
    weekdays: set[int]
    valid: tuple[date, date] | None
    free: bool
    voucher: bool
    languages: set[str]
    status: str
    public: bool
    id: int = 0
    extra: dict = field(default_factory=dict)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def generate(seed: int = 7) -> list[Facts]:
    """Writes the catalogue (organisations, services, locations, schedules, costs, languages,
    categories) and the search index; returns each service's facts."""
    from django.db import transaction

    from equilibri.catalogue import models as m
    from equilibri.catalogue.indexing import reindex_services
    from equilibri.network.models import Organisation
    from equilibri.territory.models import Comune

    rng = random.Random(seed)
    year = date.today().year + (1 if date.today().month > 6 else 0)
    comuni = {c.name: c for c in Comune.objects.filter(name__in=COMUNI)}
    terms = dict(m.TaxonomyTerm.objects.values_list("code", "pk"))
    facts: list[Facts] = []
    with transaction.atomic():
        orgs = {
            name: Organisation.objects.create(
                name=f"Cooperativa {rng.choice(PROPER)} {name}", kind="third_sector",
                comune=comuni[name],
            )
            for name in COMUNI
        }  # fmt: skip
        for comune_name in COMUNI:
            comune = comuni[comune_name]
            for code in CATEGORIES:
                for _n in range(rng.choice([0, 1, 1, 1, 2])):
                    facts.append(_service(rng, m, terms, orgs[comune_name], comune, code, year))
    reindex_services()
    return facts


def _service(rng, m, terms, org, comune, code, year) -> Facts:
    phrases, sentences, ages = CATEGORIES[code]
    phrase, proper = rng.choice(phrases), rng.choice(PROPER)
    name = rng.choice([f"{phrase} {proper}", f"{phrase} {proper} - {comune.name}", f"{proper}"])
    if name == proper:  # a proper name alone: the category only in the description
        name = f"{proper} {rng.choice(['insieme', 'per te', 'in rete', ''])}".strip()
    status = "temporarily closed" if rng.random() < 0.07 else "active"
    review = "published" if rng.random() < 0.93 else rng.choice(["draft", "hidden"])
    if ages:
        low, high = ages
        ages = (low, max(low, high - rng.choice([0, 0, 1, 2])))
    text = [rng.choice(sentences), f"Siamo a {comune.name}."]
    if ages:
        text.append(f"Per bambini e ragazzi dai {ages[0]} ai {ages[1]} anni.")
    text += rng.sample(FILLER, 2)
    free = rng.random() < 0.3
    voucher = not free and rng.random() < 0.3
    if free:
        text.append(rng.choice(["Il servizio è gratuito.", "Partecipazione gratuita."]))
    service = m.Service.objects.create(
        organisation=org, name=name, description=" ".join(text), status=status,
        review_state=review, minimum_age=ages[0] if ages else None,
        maximum_age=ages[1] if ages else None,
    )  # fmt: skip
    service.terms.set([terms[code]])
    lat = float(comune.lat) + rng.uniform(-0.008, 0.008)
    lon = float(comune.lon) + rng.uniform(-0.008, 0.008)
    location = m.Location.objects.create(
        organisation=org, kind="physical", name=f"Sede {proper}", address="Via Roma 1",
        comune=comune, latitude=lat, longitude=lon,
    )  # fmt: skip
    m.ServiceAtLocation.objects.create(service=service, location=location)
    weekdays = set(rng.choice([(0, 1, 2, 3, 4), (0, 2, 4), (1, 3), (0, 1, 2, 3, 4, 5), (5,)]))
    valid = (date(year, 6, 15), date(year, 9, 5)) if code in SUMMER else None
    for day in sorted(weekdays):
        m.Schedule.objects.create(
            service=service, weekday=day, opens_at=time(8), closes_at=time(17),
            valid_from=valid[0] if valid else None, valid_to=valid[1] if valid else None,
        )  # fmt: skip
    m.CostOption.objects.create(service=service, option="free" if free else "fee")
    if voucher:
        m.CostOption.objects.create(service=service, option="voucher")
    languages = {"it"}
    m.Language.objects.create(service=service, code="it", name="italiano")
    if rng.random() < 0.2:
        code_, lang = rng.choice(LANGUAGES)
        languages.add(code_)
        m.Language.objects.create(service=service, code=code_, name=lang)
    return Facts(
        key=str(service.pk), name=name, terms=[code], comune=comune.name, lat=lat, lon=lon,
        ages=ages, weekdays=weekdays, valid=valid, free=free, voucher=voucher,
        languages=languages, status=status, public=review == "published", id=service.pk,
    )  # fmt: skip
