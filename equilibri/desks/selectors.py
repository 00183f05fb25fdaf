from collections.abc import Iterable

from equilibri.accounts.roles import Grant, Role
from equilibri.territory.geo import nearest
from equilibri.territory.models import Comune

from .models import Desk, DeskOperator


def desk_operator_grants(user) -> Iterable[Grant]:
    for operator in DeskOperator.objects.filter(user=user).select_related("desk"):
        yield Grant(Role.DESK_OPERATOR, operator.desk.ats_id, operator.desk.name, operator.desk_id)


def desks_near(comune: Comune, radius_km: float, limit: int = 10) -> list[tuple[Desk, float]]:
    desks = Desk.objects.select_related("comune", "organisation")
    return nearest(
        comune.lat, comune.lon, desks, lambda d: (d.comune.lat, d.comune.lon), radius_km
    )[:limit]
