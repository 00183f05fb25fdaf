"""HSDS 3.0 import and export: HSDS JSON and the Tabular Data Package (CSV + datapackage.json).

Export writes the published catalogue. Import (`import_hsds`) reads a file, validates
everything first (the official schemas, then our rules: each physical location in a Lombard
comune, each organisation in the importer's scope), and writes all or nothing in one
transaction (or, with `partial`, what is valid, reporting the rest). Organisations the network
does not have are created as providers, terms of other taxonomies kept for an ATS operator to
map. Objects match on their HSDS id (`uuid`): re-importing
the same file changes nothing. The report lists every problem (file, row or object, field,
message) and the created / updated / unchanged counts.

One stage of the import per module, in the order they run:

- `report`: the report (`ImportReport`) every stage writes its problems to;
- `read`: the file read into nested HSDS dicts (`Bundle`), JSON or the CSVs put together;
- `plans`: `ServicePlan` and `LocationPlan`, what the import means to write, and the ids' form;
- `checks`: the checks of one value (text, id, address, date, time), the official validators;
- `places`: the plan of organisations, locations, phones and opening hours (`PlacePlanner`);
- `planner`: the plan of services (`Planner`, which adds them to `PlacePlanner`);
- `compare`: the catalogue's current state of what the file names, as plans;
- `scope`: what the importer may touch (`ImportScope`), and what waits for moderation;
- `sql`: plain SQL for a catalogue imported by the hundred thousand (`_Table`);
- `providers`: the organisations the network does not have, created as providers;
- `write`: the plans written, audited and indexed;
- `foreign`: the terms of other taxonomies, kept and linked to their services;
- `importer`: `import_hsds`, the stages above in one transaction;
- `export`: the published catalogue as HSDS JSON or as the Tabular Data Package.
"""

from .export import export_json, export_tabular, flatten, iter_full_services
from .importer import DEFAULT_MAX_BYTES, import_hsds
from .read import Bundle, datapackage, read_json, read_source, read_tabular
from .report import Counts, ImportRefused, ImportReport, Issue
from .scope import ImportScope, allowed_organisations, import_scope

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Bundle",
    "Counts",
    "ImportRefused",
    "ImportReport",
    "ImportScope",
    "Issue",
    "allowed_organisations",
    "datapackage",
    "export_json",
    "export_tabular",
    "flatten",
    "import_hsds",
    "import_scope",
    "iter_full_services",
    "read_json",
    "read_source",
    "read_tabular",
]
