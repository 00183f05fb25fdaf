"""The role-by-URL matrix: every URL pattern of the project, every persona, the expected status.

A new URL without a row here fails `test_every_url_is_in_the_matrix`: extend MATRIX when adding
views. Object URLs also appear with an object of another ATS (cross-tenant: 404, like missing).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from equilibri.network.models import Organisation

from .conftest import PERSONAS

ANON = "anonymous"
ALL = [ANON, *PERSONAS]
STAFF = [p for p in PERSONAS if p != "citizen"]


def public() -> dict[str, int]:
    return dict.fromkeys(ALL, 200)


def signed_in() -> dict[str, int]:
    return {ANON: 302, **dict.fromkeys(PERSONAS, 200)}


def staff_only(**overrides: int) -> dict[str, int]:
    return {ANON: 302, "citizen": 403, **dict.fromkeys(STAFF, 200), **overrides}


def insubria_org() -> int:
    return Organisation.objects.get(name="L'Aquilone Coop. Soc.").pk  # Tradate, ATS Insubria


def milano_org() -> int:
    return Organisation.objects.get(name="Spazio Aperto Servizi").pk  # Milano, ATS Milano


# (url name, args factory) -> expected status by persona, for GET.
MATRIX: dict[tuple[str, object], dict[str, int]] = {
    ("healthz", None): public(),
    ("core:home", None): public(),
    ("core:accessibility", None): public(),
    ("core:privacy", None): public(),
    ("core:contacts", None): public(),
    ("services:search", None): public(),
    ("desks:nearest", None): public(),
    ("territory:comune_suggest", None): public(),
    ("set_language", None): public(),  # GET redirects are fine too; see below
    ("accounts:home", None): signed_in(),
    ("accounts:profile", None): signed_in(),
    ("accounts:export_my_data", None): {ANON: 302, **dict.fromkeys(PERSONAS, 405)},  # POST only
    ("network:organisation_list", None): staff_only(),
    # L'Aquilone (Insubria): the org admin of another organisation does not see it.
    ("network:organisation_detail", insubria_org): staff_only(org_admin=404),
    # Spazio Aperto (Milano): nobody scoped to Insubria sees it.
    ("network:organisation_detail", milano_org): staff_only(
        org_admin=404,
        provider_operator=404,
        desk_operator=404,
        alliance_lead=404,
        ats_operator=404,
        committee_member=404,
    ),
    ("account_login", None): {ANON: 200, **dict.fromkeys(PERSONAS, 302)},
    ("admin:index", None): {ANON: 302, **dict.fromkeys(PERSONAS, 302), "superuser": 200},
}
# set_language answers GET with a redirect (it changes the language on POST only).
MATRIX[("set_language", None)] = dict.fromkeys(ALL, 302)

# Namespaces whose every URL must be in the matrix; third-party URLs (allauth, admin) are
# represented by a sample above.
PROJECT_NAMESPACES = {"core", "accounts", "territory", "network", "services", "desks"}


def _project_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            names |= _project_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in PROJECT_NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    in_matrix = {name for name, _args in MATRIX}
    missing = _project_url_names() - in_matrix
    assert not missing, f"add these URLs to the role-by-URL matrix: {sorted(missing)}"


CASES = [
    pytest.param(
        name, args, persona, status, id=f"{name}{'-' + args.__name__ if args else ''}-{persona}"
    )
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
