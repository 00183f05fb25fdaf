"""The import's report: every problem found (file, row or object, field, message) and the
created / updated / unchanged counts.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass
class Issue:
    file: str
    row: str
    field: str
    message: str
    object_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "file": self.file,
            "row": self.row,
            "object_id": self.object_id,
            "field": self.field,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.file}, {self.row}" if self.row else self.file
        what = f" [{self.object_id}]" if self.object_id else ""
        fld = f" {self.field}:" if self.field else ""
        return f"{where}{what}{fld} {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Changes waiting for the moderating ATS (services; locations whose change rides in them).
    moderated: int = 0


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    by: str = ""
    errors: list[Issue] = field(default_factory=list)
    services: Counts = field(default_factory=Counts)
    locations: Counts = field(default_factory=Counts)
    # Organisations of the file the network did not have, created as providers.
    providers: int = 0
    written: bool = False
    # "Import what is valid": the problems of the records left out (the rest is imported).
    partial: bool = False
    refused: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, src: str, fld: str, message: str, object_id: str = "") -> None:
        file, _sep, row = src.partition("|")
        self.errors.append(Issue(file, row, fld, message, object_id))

    def set_aside(self) -> None:
        """The problems found so far become those of records left out (`partial`)."""
        self.refused += self.errors
        self.errors = []

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "by": self.by,
            "services": vars(self.services),
            "locations": vars(self.locations),
            "providers": self.providers,
            "errors": [e.as_dict() for e in self.errors],
            "partial": self.partial,
            "refused": [e.as_dict() for e in self.refused],
        }

    def summary(self) -> str:
        if not self.ok:
            return _("Importazione rifiutata: %(count)s errori, nulla è stato scritto.") % {
                "count": len(self.errors)
            }
        s, loc = self.services, self.locations
        values = {
            "source": self.source,
            "created": s.created,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "loc_created": loc.created,
            "loc_updated": loc.updated,
            "loc_unchanged": loc.unchanged,
        }
        if self.dry_run:
            text = _(
                "%(source)s verificato (prova, nulla scritto): servizi %(created)s nuovi, "
                "%(updated)s aggiornati, %(unchanged)s invariati; sedi %(loc_created)s nuove, "
                "%(loc_updated)s aggiornate, %(loc_unchanged)s invariate."
            )
        else:
            text = _(
                "%(source)s importato: servizi %(created)s nuovi, %(updated)s aggiornati, "
                "%(unchanged)s invariati; sedi %(loc_created)s nuove, %(loc_updated)s "
                "aggiornate, %(loc_unchanged)s invariate."
            )
        text %= values
        if self.refused:
            text += " " + _(
                "Importati solo i record validi: %(count)s problemi, i record che riguardano "
                "non sono stati importati (vedi l'elenco)."
            ) % {"count": len(self.refused)}
        if self.providers:
            text += " " + _("%(count)s enti nuovi creati come fornitori fuori dalla rete.") % {
                "count": self.providers
            }
        if s.moderated:
            text += " " + _(
                "%(count)s servizi pubblicati modificati: le modifiche attendono l'approvazione "
                "dell'ATS che li modera."
            ) % {"count": s.moderated}
        return text


class ImportRefused(Exception):
    pass
