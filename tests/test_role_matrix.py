"""The role-by-URL matrix: every URL pattern of the project, every persona, the expected status.

Rows live in tests/matrix/<area>.py. A new URL without a row fails
`test_every_url_is_in_the_matrix`. Object URLs also appear with an object of another ATS
(cross-tenant: 404, the same as missing). These are GETs: a POST-only view answers them 405
before any check, so every URL that takes a POST is also POSTed with objects out of scope
(tests/test_role_matrix_posts.py, rows in tests/matrix/posts.py).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PERSONAS
from .matrix import all_rows
from .matrix.helpers import ALL, ANON

MATRIX = all_rows()

# Namespaces whose every URL must be in the matrix; third-party URLs (allauth, admin) are
# represented by a sample.
PROJECT_NAMESPACES = {
    "core",
    "accounts",
    "territory",
    "network",
    "network_public",
    "services",
    "desks",
    "plans",
    "plans_public",
    "monitoring",
    "committee",
    "reports",
    "catalogue",
    "desk_office",
    "vouchers",
    "vouchers_public",
    "calls",
    "calls_public",
    "surveys",
    "surveys_public",
    "citizens",
    "citizens_public",
}


def _project_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _project_url_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in PROJECT_NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    in_matrix = {name for name, _args in MATRIX}
    missing = _project_url_names() - in_matrix
    assert not missing, f"add these URLs to the role-by-URL matrix: {sorted(missing)}"


def _case_id(name, args, persona) -> str:
    return f"{name}{'-' + args.__name__ if args else ''}-{persona}"


CASES = [
    pytest.param(name, args, persona, status, id=_case_id(name, args, persona))
    for (name, args), expected in MATRIX.items()
    for persona, status in expected.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "persona", "status"), CASES)
def test_role_by_url(login, name, args, persona, status):
    url = reverse(name, args=[args()] if args else None)
    client = login(None if persona == ANON else PERSONAS[persona])
    response = client.get(url)
    assert response.status_code == status, f"{persona} GET {url}"
    if status == 302 and persona == ANON and name != "set_language":
        assert "login/" in response["Location"]


def test_matrix_covers_every_persona():
    for expected in MATRIX.values():
        assert set(expected) == set(ALL)
