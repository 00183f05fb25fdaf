"""The conciliazione categories: the catalogue shows them as shortcuts and turns them into its HSDS
taxonomy (same slugs), voucher schemes say which of them they reimburse. In core because both
sibling apps read them and neither may import the other."""

from django.utils.translation import gettext_lazy as _

CATEGORIES = [
    ("prima-infanzia", _("Prima infanzia 0-3 anni"), "it-user"),
    ("pre-post-scuola", _("Pre e post scuola"), "it-clock"),
    ("centri-estivi", _("Centri estivi"), "it-calendar"),
    ("assistenza-domiciliare", _("Assistenza a domicilio per anziani e disabili"), "it-pa"),
    ("assistenza-ospedaliera", _("Assistenza in ospedale, di giorno e di notte"), "it-plus-circle"),
    ("salvatempo", _("Servizi salvatempo"), "it-box"),
    ("coworking", _("Coworking e lavoro agile"), "it-presentation"),
    ("welfare-aziendale", _("Welfare e smart working per le imprese"), "it-chart-line"),
    ("sportelli", _("Sportelli e consulenza"), "it-comment"),
]
CATEGORY_LABELS = {slug: label for slug, label, _icon in CATEGORIES}
