"""Demo help desks: Erba's territorial orientation desk (seed 002) and LYBRA's desk network by
AFOL (seed 000). Addresses are illustrative."""

from equilibri.accounts.demo import demo_user
from equilibri.accounts.roles import Role
from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

from .models import Desk, DeskOperator

DESKS = [
    (
        "Sportello conciliazione di Erba",
        "Consorzio Erbese Servizi alla Persona",
        "Erba",
        "Via Mazzini 1 (indirizzo illustrativo)",
    ),
    (
        "Sportello conciliazione LYBRA – Milano",
        "AFOL Metropolitana",
        "Milano",
        "Via Soderini 24 (indirizzo illustrativo)",
    ),
]


def load() -> None:
    for name, org_name, comune_name, address in DESKS:
        comune = Comune.objects.get(name=comune_name)
        Desk.objects.get_or_create(
            name=name,
            defaults={
                "ats": comune.ats,
                "organisation": Organisation.objects.get(name=org_name),
                "comune": comune,
                "address": address,
            },
        )
    for local, first, last, desk_name in [
        ("sportello.erba", "Silvia", "Brambilla", "Sportello conciliazione di Erba"),
        ("sportello.lybra", "Giorgio", "Villa", "Sportello conciliazione LYBRA – Milano"),
    ]:
        desk = Desk.objects.get(name=desk_name)
        user = demo_user(local, first, last, role=Role.DESK_OPERATOR, scope=desk.name)
        DeskOperator.objects.get_or_create(user=user, desk=desk)
