"""The organisations an import creates: those of the file the network does not have (matched
neither by their HSDS id nor by tax id). Each is created through the network's service as a
provider that is not a network member, in a comune of the importer's ATS, and kept with its
HSDS id and object (`ExternalProvider`) so that an export gives it back unchanged.
"""

from typing import Any

from equilibri.core import identifiers
from equilibri.network.models import Organisation
from equilibri.network.services import organisation_add_provider
from equilibri.territory.models import Comune

from ...interchange_models import ExternalProvider
from .planner import Planner
from .plans import LocationPlan, ServicePlan


def _codes(source: dict[str, Any]) -> dict[str, str]:
    """The tax id as the organisation's fiscal code (a body's is 11 digits, like its VAT
    number); one that does not validate (a foreign one) is left out by the network's service,
    and the HSDS object keeps it."""
    code = identifiers.normalise_tax_code(str(source.get("tax_id") or ""))
    return {"fiscal_code": code} if code else {}


def create_providers(
    planner: Planner,
    plans: list[ServicePlan],
    locations: dict[Any, LocationPlan],
    by: Any,
    source_name: str,
) -> int:
    """Creates the new providers and puts their pks in the plans in place of the
    placeholders; returns how many. Runs inside the import's transaction."""
    if not planner.new_orgs:
        return 0
    ats = planner.allowed_ats
    ats_id = next(iter(ats)) if ats is not None and len(ats) == 1 else None
    comuni = Comune.objects.in_bulk({n.comune_id for n in planner.new_orgs.values()})
    pks: dict[int, int] = {}
    for new in planner.new_orgs.values():
        source = new.source
        comune = comuni[new.comune_id]
        organisation = organisation_add_provider(
            by=by,
            name=str(source.get("name") or "").strip()[:200],
            kind=Organisation.Kind.OTHER,
            comune=comune,
            description=str(source.get("description") or ""),
            **_codes(source),
        )
        ExternalProvider.objects.create(
            organisation=organisation,
            hsds_id=new.key,
            ats_id=ats_id or comune.ats_id,
            hsds_source=source,
            source_name=source_name[:200],
        )
        pks[new.placeholder] = organisation.pk
        planner.org_names[organisation.pk] = organisation.name
    for plan in plans:
        if plan.fields["organisation_id"] in pks:
            plan.fields["organisation_id"] = pks[plan.fields["organisation_id"]]
    for location in locations.values():
        if location.fields["organisation_id"] in pks:
            location.fields["organisation_id"] = pks[location.fields["organisation_id"]]
    return len(pks)
