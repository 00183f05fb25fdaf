"""Every URL pattern of the project, GET with hostile query strings: never a 500.

Dates out of Python's range or impossible, numbers that overflow or are not numbers, unknown
choices, 5,000-character values and repeated parameters, under every parameter name a page
reads. A page answers them with a 4xx or with a page that says what is wrong. The URLs and
their objects are the role-by-URL matrix's (tests/matrix/); each pattern is walked by the
personas for whom it is a page (200 in the matrix): anonymous, an ATS operator, the superuser.
"""

import pytest
from django.urls import reverse

from .conftest import PERSONAS
from .matrix import all_rows
from .matrix.helpers import ANON

# Every query parameter a page of the project reads (GET forms' fields, pagination, exports,
# the HSDS API's parameters).
PARAMETERS = [
    "q",
    "pagina",
    "page",
    "per_page",
    "stato",
    "formato",
    "format",
    "esporta",
    "sportello",
    "slot",
    "piano",
    "partner",
    "ats",
    "appuntamento",
    "dal",
    "al",
    "giorno",
    "vista",
    "comune",
    "raggio",
    "tipo",
    "misura",
    "tipologia",
    "whp",
    "datore",
    "eta_figli",
    "eta",
    "eta_mesi",
    "mese",
    "giorno_settimana",
    "testo_esatto",
    "categoria",
    "aperto_ora",
    "gratuito",
    "voucher",
    "lingua",
    "ordina",
    "search",
    "modified_after",
    "full",
    "minimal",
    "taxonomy_term_id",
    "next",
]

HOSTILE = {
    "far-future": "9999-12-31",
    "year-one": "0001-01-01",
    "impossible-day": "2026-02-30",
    "long": "x" * 5000,
    "negative": "-1",
    "overflow": "1e309",
    "nan": "NaN",
    "huge-integer": "99999999999999999999",
}
PERSONAS_WALKING = (ANON, "ats_operator", "superuser")


def _query(value: str) -> dict[str, str]:
    return dict.fromkeys(PARAMETERS, value)


# Repeated parameters: a date and a number for each name.
REPEATED = {name: ["9999-12-31", "NaN"] for name in PARAMETERS}

PAGES = [
    pytest.param(name, args, persona, id=f"{name}{'-' + args.__name__ if args else ''}-{persona}")
    for (name, args), expected in all_rows().items()
    for persona in PERSONAS_WALKING
    if expected.get(persona) == 200 and not name.startswith("admin:")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "persona"), PAGES)
def test_hostile_query_strings_never_500(login, name, args, persona):
    url = reverse(name, args=[args()] if args else None)
    client = login(None if persona == ANON else PERSONAS[persona])
    client.raise_request_exception = False  # a 500 is counted, not raised mid-walk
    failures = []
    for label, value in [*HOSTILE.items(), ("repeated", None)]:
        response = client.get(url, REPEATED if value is None else _query(value))
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code}")
    assert not failures, f"{persona} GET {url}: {failures}"


def test_walk_covers_the_personas_pages():
    walked = {persona for _name, _args, persona in (p.values for p in PAGES)}
    assert walked == set(PERSONAS_WALKING)
