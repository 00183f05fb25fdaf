import json

import pytest
from auditlog.models import LogEntry

from equilibri.accounts.roles import Role, ats_ids_for, grants_of, has_role, is_staff_member
from equilibri.territory.models import ATS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "role", "ats_code"),
    [
        ("hr.arca", Role.ORG_ADMIN, "ATS-INS"),
        ("hr.pianoc", Role.ORG_ADMIN, "ATS-MI"),
        ("ente.aquilone", Role.PROVIDER_OPERATOR, "ATS-INS"),
        ("ente.spazioaperto", Role.PROVIDER_OPERATOR, "ATS-MI"),
        ("sportello.erba", Role.DESK_OPERATOR, "ATS-INS"),
        ("sportello.lybra", Role.DESK_OPERATOR, "ATS-MI"),
        ("alleanza.tradate", Role.ALLIANCE_LEAD, "ATS-INS"),
        ("alleanza.sudestmilano", Role.ALLIANCE_LEAD, "ATS-MI"),
        ("operatore.insubria", Role.ATS_OPERATOR, "ATS-INS"),
        ("operatore.milano", Role.ATS_OPERATOR, "ATS-MI"),
        ("comitato.insubria", Role.COMMITTEE_MEMBER, "ATS-INS"),
        ("comitato.brescia", Role.COMMITTEE_MEMBER, "ATS-BS"),
    ],
)
def test_every_role_has_a_persona_in_two_ats_with_its_scope(user_of, persona, role, ats_code):
    user = user_of(persona)
    assert has_role(user, role)
    assert ats_ids_for(user, role) == {ATS.objects.get(code=ats_code).pk}
    assert is_staff_member(user)


def test_region_wide_roles_have_no_ats(user_of):
    assert [g.role for g in grants_of(user_of("regione"))] == [Role.REGIONAL_VIEWER]
    assert [g.role for g in grants_of(user_of("admin"))] == [Role.SUPERUSER]
    assert ats_ids_for(user_of("regione")) == set()


def test_citizen_has_no_grants(user_of):
    assert grants_of(user_of("cittadina")) == ()
    assert not is_staff_member(user_of("cittadina"))


def test_profile_update_is_audited_with_the_actor(login, user_of):
    client = login("cittadina")
    response = client.post(
        "/area-riservata/profilo/", {"first_name": "Giulia Maria", "last_name": "Bianchi"}
    )
    assert response.status_code == 302
    user = user_of("cittadina")
    assert user.first_name == "Giulia Maria"
    entry = (
        LogEntry.objects.get_for_object(user)
        .filter(action=LogEntry.Action.UPDATE)
        .latest("timestamp")
    )
    assert entry.actor == user
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["first_name"] == ["Giulia", "Giulia Maria"]


def test_person_downloads_all_their_data(login):
    response = login("operatore.insubria").post("/area-riservata/profilo/i-miei-dati/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "operatore.insubria@demo.equilibri.it"
    assert data["account"]["roles"] == [{"role": "ats_operator", "scope": "ATS Insubria"}]
