from equilibri.network.models import Organisation

from ..conftest import PERSONAS
from .helpers import ALL, ANON, public, signed_in, staff_only


def insubria_org() -> int:
    return Organisation.objects.get(name="L'Aquilone Coop. Soc.").pk  # Tradate, ATS Insubria


def milano_org() -> int:
    return Organisation.objects.get(name="Spazio Aperto Servizi").pk  # Milano, ATS Milano


ROWS = {
    ("healthz", None): public(),
    ("core:home", None): public(),
    ("core:accessibility", None): public(),
    ("core:privacy", None): public(),
    ("core:contacts", None): public(),
    ("territory:comune_suggest", None): public(),
    # set_language answers GET with a redirect (it changes the language on POST only).
    ("set_language", None): dict.fromkeys(ALL, 302),
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
