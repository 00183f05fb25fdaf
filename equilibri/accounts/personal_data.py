"""What the platform holds about a person, for their download (GDPR art. 15 and 20).

Each app that stores personal data registers an exporter returning JSON-ready data.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
_exporters: dict[str, Exporter] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    _exporters[section] = exporter


def export_for(user) -> dict[str, Any]:
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}
