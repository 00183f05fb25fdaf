"""A Lombardy-scale synthetic service catalogue for the search benchmark.

Everything is drawn from one seeded RNG, so the same `--services N --seed S` gives the same
catalogue and the same query mix on every run and on both databases.

Text: service names come from the category's own phrases ("Centro estivo", "Doposcuola",
"Stireria sociale"...) plus a proper name and the comune; descriptions are drawn from a ranked
vocabulary with Zipf weights (rank r has weight 1/r): the conciliazione words first, then common
Italian words, then a long tail of rare words, so a few terms are in tens of thousands of
services and most are in a handful — as in a real catalogue.
"""

from __future__ import annotations

import bisect
import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, time

# Category (taxonomy term code) -> phrases used in names and descriptions. Sub-term codes come
# from the seeded taxonomy (services/migrations/0002_conciliazione_taxonomy.py).
CATEGORY_PHRASES: dict[str, list[str]] = {
    "nidi": ["Asilo nido", "Nido d'infanzia", "Nido aziendale"],
    "micronidi": ["Micronido", "Nido famiglia"],
    "spazio-gioco": ["Spazio gioco", "Centro prima infanzia", "Tempo per le famiglie"],
    "pre-scuola": ["Pre-scuola", "Accoglienza mattutina", "Pre-scuola primaria"],
    "post-scuola": ["Doposcuola", "Post-scuola", "Aiuto compiti", "Spazio compiti"],
    "centri-estivi": ["Centro estivo", "Centro ricreativo estivo", "Campus estivo", "Grest"],
    "centri-vacanza": ["Centro vacanze", "Campus di Natale", "Centro pasquale"],
    "assistenza-anziani": [
        "Assistenza domiciliare anziani",
        "Badante di condominio",
        "Custode sociale",
    ],
    "assistenza-disabili": [
        "Assistenza domiciliare disabili",
        "Sollievo alle famiglie",
        "Educativa domiciliare",
    ],
    "assistenza-ospedaliera-diurna": [
        "Assistenza ospedaliera diurna",
        "Accompagnamento visite mediche",
    ],
    "assistenza-ospedaliera-notturna": ["Assistenza notturna in ospedale", "Veglia notturna"],
    "stiro-sociale": ["Stireria sociale", "Servizio stiro", "Lavanderia e stiro"],
    "maggiordomo-aziendale": ["Maggiordomo aziendale", "Portineria aziendale"],
    "commissioni": ["Disbrigo commissioni", "Spesa a domicilio", "Consegna farmaci"],
    "postazioni-coworking": ["Coworking", "Postazioni di coworking", "Spazio di lavoro condiviso"],
    "consulenza-welfare": ["Consulenza welfare aziendale", "Piano di welfare"],
    "consulenza-smart-working": ["Consulenza smart working", "Lavoro agile in azienda"],
    "sportelli-conciliazione": [
        "Sportello conciliazione",
        "Sportello famiglia",
        "Punto informativo",
    ],
    "counselling": ["Counselling familiare", "Consulenza psicologica", "Sostegno genitoriale"],
}
# How common each sub-term is in a real catalogue (relative weights).
CATEGORY_WEIGHTS = {
    "nidi": 9, "micronidi": 3, "spazio-gioco": 4, "pre-scuola": 6, "post-scuola": 10,
    "centri-estivi": 12, "centri-vacanza": 3, "assistenza-anziani": 10, "assistenza-disabili": 5,
    "assistenza-ospedaliera-diurna": 3, "assistenza-ospedaliera-notturna": 2,
    "stiro-sociale": 3, "maggiordomo-aziendale": 2, "commissioni": 3,
    "postazioni-coworking": 4, "consulenza-welfare": 3, "consulenza-smart-working": 2,
    "sportelli-conciliazione": 6, "counselling": 4,
}  # fmt: skip
# Children's ages the services are for (None: any age).
CATEGORY_AGES = {
    "nidi": (0, 3), "micronidi": (0, 3), "spazio-gioco": (0, 6), "pre-scuola": (6, 11),
    "post-scuola": (6, 14), "centri-estivi": (3, 14), "centri-vacanza": (3, 14),
}  # fmt: skip
SUMMER = {"centri-estivi", "centri-vacanza"}


def _words(text: str) -> list[str]:
    return text.split()


# Ranked vocabulary: conciliazione words first (what people search), then common words.
TOPIC_WORDS = _words(
    """
servizio famiglie bambini conciliazione centro estivo anziani assistenza domiciliare lavoro
scuola doposcuola nido asilo sportello welfare coworking badante stiro aziendale genitori
orari compiti attività laboratori educatori ragazzi infanzia sostegno consulenza disabili
ospedale notturna diurna commissioni spesa maggiordomo smart working agile postazioni
accoglienza mensa pranzo merenda giochi piscina gite sport musica inglese natura fattoria
cura caregiver sollievo trasporto accompagnamento farmaci visite lavanderia ferie vacanze
estate luglio agosto giugno settembre pomeriggio mattina sera sabato voucher gratuito
contributo tariffa iscrizione dipendenti imprese lavoratrici lavoratori mamme papà nonni
orientamento informazioni counselling psicologico ascolto mediazione rete territoriale
comune ambito cooperativa associazione parrocchia oratorio palestra biblioteca quartiere
    """
)
COMMON_WORDS = _words(
    """
il la di e per con a in del della dei delle alle ai al da un una che sono è nel nella
presso tutti ogni anche più tra sul sulla fino dalle ore giorni settimana mese anno offre
propone garantisce organizza personale qualificato spazi accoglienti sicuri gruppo piccoli
grandi età classe primaria secondaria infanzia materna territorio provincia zona possibile
richiesta prenotazione telefono email sito modulo domanda documenti residenti
    """
)
SYLLABLES = _words(
    """
ba be bi bo ca ce ci co da de di do fa fe fi la le li lo ma me mi mo na ne ni no pa pe pi
po ra re ri ro sa se si so ta te ti to va ve vi vo za zo
    """
)
NICKNAMES = """
Il Girasole; Arcobaleno; L'Aquilone; Primavera; La Tartaruga; Il Melograno; Pollicino;
Il Piccolo Principe; La Coccinella; Il Faro; Mongolfiera; La Libellula; Il Glicine; Raggio di Sole;
Il Sorriso; La Trottola; Il Ciliegio; Stella Polare; La Bussola; Il Ponte; Sottosopra; Il Nido
delle Rondini; La Quercia; Il Mulino; Oltre; Insieme; La Rete; Il Borgo; Nuvola; Tempo Libero
""".replace("\n", " ").split(";")
ORG_PREFIXES = ["Cooperativa", "Associazione", "Fondazione", "Impresa sociale"]
ORG_KINDS = ["third_sector", "association", "company", "comune", "planning_office"]
LANGUAGES = [("en", "inglese"), ("fr", "francese"), ("es", "spagnolo"), ("ar", "arabo"),
             ("ro", "rumeno"), ("zh", "cinese"), ("uk", "ucraino")]  # fmt: skip
# Synthetic postcodes by province (real CAPs are not in the geography data).
CAP_PREFIX = {"MI": "20", "MB": "20", "VA": "21", "CO": "22", "LC": "23", "SO": "23",
              "BG": "24", "BS": "25", "CR": "26", "LO": "26", "PV": "27", "MN": "46"}  # fmt: skip
WEEKDAY_PATTERNS = [((0, 1, 2, 3, 4), 30), ((0, 2, 4), 30), ((1, 3), 20), ((5,), 10), ((2,), 10)]


class Zipf:
    """Draws items with weight 1/rank**s."""

    def __init__(self, items: list, s: float = 1.0):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (r**s) for r in range(1, len(items) + 1)))

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


def pseudo_words(rng: random.Random, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@dataclass
class Geography:
    """The comuni as plain tuples: (id, name, province, lat, lon, population)."""

    comuni: list[tuple[int, str, str, float, float, int]]
    cum: list[float] = field(default_factory=list)

    def __post_init__(self):
        self.cum = list(itertools.accumulate(c[5] for c in self.comuni))

    def draw(self, rng: random.Random):
        """A comune weighted by population."""
        return self.comuni[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]

    def postcode(self, comune) -> str:
        return CAP_PREFIX.get(comune[2], "20") + f"{comune[0] % 1000:03d}"


@dataclass
class Chunk:
    """Rows ready for bulk_create, as dicts of field values (explicit primary keys)."""

    services: list[dict] = field(default_factory=list)
    locations: list[dict] = field(default_factory=list)
    at_locations: list[dict] = field(default_factory=list)
    terms: list[tuple[int, int]] = field(default_factory=list)  # (service id, term id)
    schedules: list[dict] = field(default_factory=list)
    cost_options: list[dict] = field(default_factory=list)
    languages: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)


class Generator:
    """Deterministic catalogue generator: organisations first, then services in chunks."""

    def __init__(self, geography: Geography, term_ids: dict[str, int], seed: int = 2026):
        self.geo = geography
        self.term_ids = term_ids
        self.rng = random.Random(seed)
        rng = self.rng
        tail = pseudo_words(rng, 4000)
        self.topic = Zipf(TOPIC_WORDS, 0.9)
        self.vocab = Zipf(TOPIC_WORDS[:40] + COMMON_WORDS + TOPIC_WORDS[40:] + tail, 1.15)
        codes = sorted(CATEGORY_WEIGHTS)
        self.codes = codes
        self.code_cum = list(itertools.accumulate(CATEGORY_WEIGHTS[c] for c in codes))
        self.year = date.today().year

    def category(self) -> str:
        return self.codes[bisect.bisect_left(self.code_cum, self.rng.random() * self.code_cum[-1])]

    def sentence(self, n: int) -> str:
        words = [self.vocab.draw(self.rng) for _ in range(n)]
        return " ".join(words).capitalize() + "."

    def organisations(self, n: int, first_id: int) -> list[dict]:
        rng = self.rng
        out = []
        for i in range(n):
            comune = self.geo.draw(rng)
            out.append(
                {
                    "id": first_id + i,
                    "name": f"{rng.choice(ORG_PREFIXES)} "
                    f"{rng.choice(NICKNAMES).strip()} {comune[1]} {i}",
                    "kind": rng.choice(ORG_KINDS),
                    "comune_id": comune[0],
                }
            )
        return out

    def chunk(self, first_service: int, first_location: int, n: int, orgs: list[dict]) -> Chunk:
        """n services with ids first_service..; locations from first_location (1.5 per service)."""
        rng = self.rng
        out = Chunk()
        loc_id = first_location
        comuni_by_id = {c[0]: c for c in self.geo.comuni}
        for k in range(n):
            sid = first_service + k
            org = rng.choice(orgs)
            code = self.category()
            phrase = rng.choice(CATEGORY_PHRASES[code])
            home = comuni_by_id[org["comune_id"]]
            nick = rng.choice(NICKNAMES).strip()
            ages = CATEGORY_AGES.get(code)
            summer = code in SUMMER
            extra = [self.topic.draw(rng) for _ in range(rng.randint(2, 5))]
            description = " ".join(
                [
                    f"{phrase} {nick} a {home[1]}: {' '.join(extra)}.",
                    *(self.sentence(rng.randint(8, 16)) for _ in range(rng.randint(2, 4))),
                ]
            )
            out.services.append(
                {
                    "id": sid,
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "organisation_id": org["id"],
                    "name": f"{phrase} {nick} - {home[1]}",
                    "description": description,
                    "status": "active",
                    "review_state": "published",
                    "email": f"info{sid}@example.org",
                    "application_process": self.sentence(rng.randint(6, 12)),
                    "eligibility_description": self.sentence(rng.randint(4, 10)),
                    "minimum_age": ages[0] if ages else None,
                    "maximum_age": ages[1] if ages else None,
                }
            )
            out.terms.append((sid, self.term_ids[code]))
            if rng.random() < 0.3:
                other = self.category()
                if other != code:
                    out.terms.append((sid, self.term_ids[other]))
            # 1.5 locations per service: every service one, half of them a second one.
            for j in range(2 if k % 2 else 1):
                comune = home if j == 0 else self.geo.draw(rng)
                out.locations.append(
                    {
                        "id": loc_id,
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "organisation_id": org["id"],
                        "kind": "physical",
                        "name": f"Sede {nick} {comune[1]}",
                        "address": f"Via {rng.choice(NICKNAMES).strip()} {rng.randint(1, 120)}",
                        "postal_code": self.geo.postcode(comune),
                        "comune_id": comune[0],
                        "latitude": comune[3] + rng.uniform(-0.01, 0.01),
                        "longitude": comune[4] + rng.uniform(-0.01, 0.01),
                        "wheelchair_accessible": rng.random() < 0.6,
                    }
                )
                out.at_locations.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "service_id": sid,
                        "location_id": loc_id,
                    }
                )
                loc_id += 1
            days = rng.choices(
                [p for p, _w in WEEKDAY_PATTERNS], [w for _p, w in WEEKDAY_PATTERNS]
            )[0]
            opens, closes = rng.choice([(8, 12), (9, 13), (14, 18), (16, 19), (8, 17), (7, 9)])
            for day in days:
                out.schedules.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "service_id": sid,
                        "weekday": day,
                        "opens_at": time(opens),
                        "closes_at": time(closes),
                        "valid_from": date(self.year, 6, 15) if summer else None,
                        "valid_to": date(self.year, 8, 31) if summer else None,
                    }
                )
            roll = rng.random()
            option = "free" if roll < 0.35 else "fee" if roll < 0.85 else "voucher"
            out.cost_options.append(
                {
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "service_id": sid,
                    "option": option,
                    "amount": None if option == "free" else rng.choice([5, 10, 25, 50, 120, 300]),
                }
            )
            if option == "fee" and rng.random() < 0.3:
                out.cost_options.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "service_id": sid,
                        "option": "voucher",
                        "amount": None,
                    }
                )
            if rng.random() < 0.2:
                lang = rng.choice(LANGUAGES)
                out.languages.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "service_id": sid,
                        "code": lang[0],
                        "name": lang[1],
                    }
                )
            if rng.random() < 0.5:
                out.phones.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "service_id": sid,
                        "number": f"0{rng.randint(2, 399)} {rng.randint(100000, 9999999)}",
                    }
                )
        return out


@dataclass(frozen=True)
class BenchQuery:
    text: str
    category: str | None
    comune_id: int | None
    comune_name: str | None
    postcode: str | None
    radius_km: int | None


def query_mix(geo: Geography, n: int = 1000, seed: int = 1000) -> list[BenchQuery]:
    """n queries, 1-3 words each drawn with Zipf weights from the searched vocabulary; even
    positions carry a category (a top-level code one time in three), odd positions a comune
    (weighted by population) and a radius."""
    from_categories = sorted(CATEGORY_WEIGHTS)
    top_level = {
        "nidi": "prima-infanzia", "micronidi": "prima-infanzia", "spazio-gioco": "prima-infanzia",
        "pre-scuola": "pre-post-scuola", "post-scuola": "pre-post-scuola",
        "centri-estivi": "centri-estivi", "centri-vacanza": "centri-estivi",
        "assistenza-anziani": "assistenza-domiciliare",
        "assistenza-disabili": "assistenza-domiciliare",
        "assistenza-ospedaliera-diurna": "assistenza-ospedaliera",
        "assistenza-ospedaliera-notturna": "assistenza-ospedaliera",
        "stiro-sociale": "salvatempo", "maggiordomo-aziendale": "salvatempo",
        "commissioni": "salvatempo", "postazioni-coworking": "coworking",
        "consulenza-welfare": "welfare-aziendale", "consulenza-smart-working": "welfare-aziendale",
        "sportelli-conciliazione": "sportelli", "counselling": "sportelli",
    }  # fmt: skip
    rng = random.Random(seed)
    words = Zipf(TOPIC_WORDS, 0.8)
    phrases = [p.lower() for ps in CATEGORY_PHRASES.values() for p in ps]
    out = []
    for i in range(n):
        if rng.random() < 0.4:  # people often type a service name
            text = " ".join(rng.choice(phrases).split()[:3])
        else:
            count = rng.choices([1, 2, 3], [50, 35, 15])[0]
            text = " ".join(dict.fromkeys(words.draw(rng) for _ in range(count)))
        if i % 2 == 0:
            code = rng.choice(from_categories)
            category = top_level[code] if rng.random() < 1 / 3 else code
            out.append(BenchQuery(text, category, None, None, None, None))
        else:
            comune = geo.draw(rng)
            radius = rng.choice([5, 10, 10, 20, 20, 30, 50])
            out.append(BenchQuery(text, None, comune[0], comune[1], geo.postcode(comune), radius))
    return out
