"""Rows of the role-by-URL matrix, one module per area (see tests/test_role_matrix.py).

Each module defines ROWS: {(url name, args factory or None): {persona: expected GET status}}.
"""

from importlib import import_module

AREAS = [
    "foundation",
    "network",
    "plans",
    "monitoring",
    "committee",
    "reports",
    "services",
    "desks",
    "vouchers",
    "calls",
    "surveys",
    "citizens",
]


def all_rows() -> dict:
    rows: dict = {}
    for area in AREAS:
        module_rows = import_module(f"{__name__}.{area}").ROWS
        overlap = set(rows) & set(module_rows)
        assert not overlap, f"{area} repeats matrix rows: {overlap}"
        rows.update(module_rows)
    return rows
