"""The sector of an organisation for the results: its ATECO 2007 section (the letter of its
division, the code's first two digits), or its kind when it has no ATECO code (comuni, schools
and associations often have none)."""

from django.utils.translation import gettext_lazy as _

# (first division, last division, section)
ATECO_SECTIONS = [
    (1, 3, "A"), (5, 9, "B"), (10, 33, "C"), (35, 35, "D"), (36, 39, "E"), (41, 43, "F"),
    (45, 47, "G"), (49, 53, "H"), (55, 56, "I"), (58, 63, "J"), (64, 66, "K"), (68, 68, "L"),
    (69, 75, "M"), (77, 82, "N"), (84, 84, "O"), (85, 85, "P"), (86, 88, "Q"), (90, 93, "R"),
    (94, 96, "S"), (97, 98, "T"), (99, 99, "U"),
]  # fmt: skip
SECTION_LABELS = {
    "A": _("Agricoltura"),
    "B": _("Estrazione di minerali"),
    "C": _("Manifattura"),
    "D": _("Energia"),
    "E": _("Acqua e rifiuti"),
    "F": _("Costruzioni"),
    "G": _("Commercio"),
    "H": _("Trasporti e magazzinaggio"),
    "I": _("Alloggio e ristorazione"),
    "J": _("Informazione e comunicazione"),
    "K": _("Finanza e assicurazioni"),
    "L": _("Attività immobiliari"),
    "M": _("Attività professionali e tecniche"),
    "N": _("Servizi alle imprese"),
    "O": _("Pubblica amministrazione"),
    "P": _("Istruzione"),
    "Q": _("Sanità e assistenza sociale"),
    "R": _("Cultura, sport e intrattenimento"),
    "S": _("Altri servizi"),
    "T": _("Famiglie come datori di lavoro"),
    "U": _("Organismi extraterritoriali"),
}


def sector_of(ateco_code: str, kind: str) -> str:
    digits = "".join(ch for ch in ateco_code or "" if ch in "0123456789")[:2]
    if len(digits) == 2:
        division = int(digits)
        for first, last, section in ATECO_SECTIONS:
            if first <= division <= last:
                return section
    return kind or ""


def sector_label(value: str) -> str:
    from equilibri.network.models import Organisation

    if value in SECTION_LABELS:
        return f"{value} – {SECTION_LABELS[value]}"
    return str(dict(Organisation.Kind.choices).get(value, value or _("Non indicato")))
