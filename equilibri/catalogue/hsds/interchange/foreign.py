"""The terms of other taxonomies an import brings: each kept once (`ForeignTerm`, by its HSDS
id, with its taxonomy, code and name) and linked to the services that carry it, so that an
ATS operator maps it to one of our categories once for all of them
(services/foreign_terms.py). Their attributes stay in the services' HSDS objects as given.
"""

import uuid
from typing import Any

from equilibri.core.audit import CREATE, log_bulk

from ...interchange_models import ForeignTerm
from .planner import Planner
from .sql import _batches
from .write import Written


def write_foreign_terms(planner: Planner, written: Written, by: Any, source: str) -> None:
    """Creates the terms not yet known and links the services written to theirs (those
    updated lose the links they had first). Nothing to do, and no query, for a file and a
    catalogue without foreign terms."""
    if not planner.foreign_terms and not ForeignTerm.objects.exists():
        return
    through = ForeignTerm.services.through
    if written.changed:
        for batch in _batches(written.changed):
            through.objects.filter(service_id__in=batch).delete()
    used = {fid for fids in written.foreign.values() for fid in fids}
    if not used:
        return
    pk_of: dict[str, int] = {}
    for batch in _batches(sorted(used)):
        ids = [uuid.UUID(hex=fid) for fid in batch]
        for term_uuid, pk in ForeignTerm.objects.filter(uuid__in=ids).values_list("uuid", "pk"):
            pk_of[term_uuid.hex] = pk
    new = [
        ForeignTerm(uuid=uuid.UUID(hex=fid), **planner.foreign_terms[fid])
        for fid in sorted(used - pk_of.keys())
    ]
    if new:
        ForeignTerm.objects.bulk_create(new, batch_size=1000)
        for batch in _batches([t.uuid for t in new]):
            for term_uuid, pk in ForeignTerm.objects.filter(uuid__in=batch).values_list(
                "uuid", "pk"
            ):
                pk_of[term_uuid.hex] = pk
        log_bulk(
            ForeignTerm,
            [pk_of[t.uuid.hex] for t in new],
            CREATE,
            fields=["uuid", "taxonomy_id", "taxonomy_name", "code", "name", "description"],
            actor=by,
            data={"source": source},
        )
    through.objects.bulk_create(
        [
            through(foreignterm_id=pk_of[fid], service_id=service_pk)
            for service_pk, fids in written.foreign.items()
            for fid in fids
        ],
        batch_size=5000,
    )
