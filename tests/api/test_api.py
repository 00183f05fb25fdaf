"""The JSON API: token authentication, scoping per persona, errors as JSON, the OpenAPI document."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from equilibri.accounts.api_tokens import InvalidToken, issue_token, user_for_token
from equilibri.network.models import Alliance, Organisation
from equilibri.plans.models import Action, Project, TerritorialPlan

LIST_ENDPOINTS = ["organisations", "alliances", "plans", "projects", "actions"]


@pytest.fixture
def api(user_of):
    """A client whose requests carry the persona's bearer token."""

    def make(local_part: str) -> Client:
        token = issue_token(user_of(local_part))
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


def _insubria_project() -> Project:
    return Project.objects.filter(plan__ats__code="ATS-INS").order_by("pk").first()


def _milano_project() -> Project:
    return Project.objects.filter(plan__ats__code="ATS-MI").order_by("pk").first()


def test_openapi_document_lists_the_paths(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for name in LIST_ENDPOINTS:
        assert f"/api/{name}" in paths
    assert "/api/projects/{project_id}" in paths
    assert "bearer" in json.dumps(document["components"]["securitySchemes"]).lower()
    # Money is documented as a string.
    project = document["components"]["schemas"]["ProjectOut"]["properties"]["regional_grant"]
    assert project.get("type") == "string", project


def test_docs_page(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"<script>" not in response.content  # only src scripts and a JSON data block


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_without_token_401(client, endpoint):
    response = client.get(f"/api/{endpoint}")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer 1:abc:def", "Token abc", "Bearer ", "Basic dXNlcjpwYXNz"],
)
def test_bad_token_401(db, header):
    response = Client(headers={"Authorization": header}).get("/api/plans")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_revoked_by_password_change(user_of):
    user = user_of("operatore.insubria")
    token = issue_token(user)
    assert user_for_token(token) == user
    user.set_password("Un-altra-password-2026")
    user.save()
    with pytest.raises(InvalidToken, match="revocato"):
        user_for_token(token)
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/plans")
    assert response.status_code == 401
    assert "password" in response.json()["detail"]


def test_expired_token(user_of, settings):
    token = issue_token(user_of("regione"))
    settings.API_TOKEN_MAX_AGE = timedelta(seconds=-1)
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/plans")
    assert response.status_code == 401
    assert "scaduto" in response.json()["detail"]


def test_token_of_another_user_cannot_be_forged(user_of):
    token = issue_token(user_of("operatore.milano"))
    _pk, _sep, rest = token.partition(":")
    forged = f"{user_of('regione').pk}:{rest}"
    with pytest.raises(InvalidToken):
        user_for_token(forged)


def test_citizen_token_refused(user_of):
    token = issue_token(user_of("cittadina"))
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/plans")
    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_regional_viewer_lists_everything(api, endpoint):
    response = api("regione").get(f"/api/{endpoint}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and body["items"]


def test_plans_scoped_per_ats(api):
    names = {p["ats"] for p in api("operatore.insubria").get("/api/plans").json()["items"]}
    assert names == {"ATS Insubria"}
    names = {p["ats"] for p in api("operatore.milano").get("/api/plans").json()["items"]}
    assert names == {"ATS Milano"}
    regional = {p["ats"] for p in api("regione").get("/api/plans").json()["items"]}
    assert {"ATS Insubria", "ATS Milano", "ATS Brescia"} <= regional


def test_project_detail_scoped(api):
    insubria = _insubria_project()
    ok = api("operatore.insubria").get(f"/api/projects/{insubria.pk}")
    assert ok.status_code == 200
    body = ok.json()
    assert body["id"] == insubria.pk
    assert body["regional_grant"] == f"{insubria.regional_grant:.2f}"  # Decimal as string
    assert Decimal(body["total_budget"]) == insubria.total_budget
    # Cross-ATS: the same as missing.
    assert api("operatore.milano").get(f"/api/projects/{insubria.pk}").status_code == 404
    assert api("comitato.brescia").get(f"/api/projects/{insubria.pk}").status_code == 404
    assert api("operatore.milano").get("/api/projects/999999").status_code == 404
    milano = _milano_project()
    assert api("operatore.milano").get(f"/api/projects/{milano.pk}").status_code == 200
    assert api("operatore.insubria").get(f"/api/projects/{milano.pk}").status_code == 404


def test_alliance_lead_sees_only_their_projects(api, user_of):
    items = api("alleanza.tradate").get("/api/projects").json()["items"]
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    assert items
    assert {p["alliance_id"] for p in items} == {alliance.pk}


def test_other_details_scoped(api):
    plan = TerritorialPlan.objects.filter(ats__code="ATS-INS").first()
    assert api("operatore.insubria").get(f"/api/plans/{plan.pk}").status_code == 200
    assert api("operatore.milano").get(f"/api/plans/{plan.pk}").status_code == 404
    org = Organisation.objects.get(name="L'Aquilone Coop. Soc.")
    assert api("operatore.insubria").get(f"/api/organisations/{org.pk}").status_code == 200
    assert api("operatore.milano").get(f"/api/organisations/{org.pk}").status_code == 404
    alliance = Alliance.objects.get(name="Alleanza dell'Ambito di Tradate")
    assert api("operatore.insubria").get(f"/api/alliances/{alliance.pk}").status_code == 200
    assert api("operatore.milano").get(f"/api/alliances/{alliance.pk}").status_code == 404
    action = Action.objects.filter(project__plan__ats__code="ATS-INS").first()
    detail = api("operatore.insubria").get(f"/api/actions/{action.pk}")
    assert detail.status_code == 200
    assert detail.json()["budget"] == f"{action.budget:.2f}"
    assert api("operatore.milano").get(f"/api/actions/{action.pk}").status_code == 404


def test_lists_never_leak_another_ats(api):
    insubria_ids = set(
        Project.objects.filter(plan__ats__code="ATS-INS").values_list("pk", flat=True)
    )
    client = api("operatore.milano")
    seen = {p["id"] for p in client.get("/api/projects", {"page_size": 100}).json()["items"]}
    assert seen and not seen & insubria_ids
    actions = client.get("/api/actions", {"page_size": 100}).json()["items"]
    assert all(a["project_id"] not in insubria_ids for a in actions)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/projects", {"plan": "abc"}),
        ("/api/projects", {"page": "0"}),
        ("/api/projects", {"page": "x"}),
        ("/api/projects", {"state": "nonexistent"}),
        ("/api/plans", {"year": "duemila"}),
        ("/api/organisations", {"page_size": "-5"}),
    ],
)
def test_bad_query_params_are_422(api, path, params):
    response = api("regione").get(path, params)
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")


def test_non_numeric_id_is_422_json(api):
    response = api("regione").get("/api/projects/abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "project_id"]


HUGE = "9" * 25  # beyond any database integer: SQLite and PostgreSQL both overflowed (500)


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
@pytest.mark.parametrize(
    "parameter",
    ["page", "page_size", "ats", "plan", "alliance", "project", "year", "id"],
)
def test_huge_integers_are_422_naming_the_parameter(api, endpoint, parameter):
    client = api("regione")
    if parameter == "id":
        response = client.get(f"/api/{endpoint}/{HUGE}")
        where = ["path"]
    else:
        response = client.get(f"/api/{endpoint}", {parameter: HUGE})
        where = ["query", parameter]
    if response.status_code == 200:  # a parameter this list does not have is ignored
        assert parameter not in {"page", "page_size", "id"}
        return
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][: len(where)] == where


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("organisations", {"page": "10000", "page_size": "100"}),
        ("plans", {"year": "2100"}),
        ("actions", {"project": str(2**63 - 1)}),
    ],
)
def test_largest_allowed_values_answer_an_empty_page(api, endpoint, params):
    response = api("regione").get(f"/api/{endpoint}", params)
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_text_filters_are_bounded(api):
    client = api("regione")
    assert client.get("/api/organisations", {"q": "x" * 201}).status_code == 422
    # NUL: PostgreSQL refuses it in a query, so it never reaches the database.
    assert client.get("/api/organisations", {"q": "a\x00b"}).status_code == 422
    assert client.get("/api/actions", {"category": "\x00"}).status_code == 422
    assert client.get("/api/organisations", {"q": "x" * 200}).status_code == 200


@pytest.mark.parametrize("user_pk", ["²", HUGE, "-1", "1" * 4500])
def test_tokens_with_odd_user_ids_are_401(db, user_pk):
    response = Client(headers={"Authorization": f"Bearer {user_pk}:abc:def"}).get("/api/plans")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_every_status_is_documented(client):
    document = client.get("/api/openapi.json").json()
    for path, item in document["paths"].items():
        responses = set(item["get"]["responses"])
        expected = {"200", "401", "422"} | ({"404"} if "{" in path else set())
        assert responses == expected, path


def test_pagination_and_filters(api):
    plan = TerritorialPlan.objects.filter(ats__code="ATS-INS").first()
    client = api("regione")
    page = client.get("/api/projects", {"plan": plan.pk, "page_size": 2}).json()
    assert page["count"] == plan.projects.count()
    assert len(page["items"]) == min(2, page["count"])
    assert all(p["plan_id"] == plan.pk for p in page["items"])


def test_api_token_issued_from_the_reserved_area(login):
    client = login("operatore.insubria")
    response = client.post(reverse("reports:api_token"))
    html = response.content.decode()
    token = html.split('id="api-token"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0].strip()
    api_client = Client(headers={"Authorization": f"Bearer {token}"})
    assert api_client.get("/api/plans").status_code == 200
