import hashlib

from django.core.cache import caches
from django.db.models import QuerySet

from equilibri.core.text import fold

from .geo import bounding_box, nearest
from .models import ATS, Comune


def ats_list() -> QuerySet[ATS]:
    return ATS.objects.all()


def comune_suggestions(query: str, limit: int = 15) -> list[Comune]:
    """Comuni whose name starts with the query (accents ignored), then those containing it."""
    folded = fold(query)
    if len(folded) < 2:
        return []
    qs = Comune.objects.select_related("ats").only("name", "province", "istat_code", "ats__name")
    starting = list(qs.filter(name_folded__startswith=folded)[:limit])
    if len(starting) < limit:
        ids = [c.pk for c in starting]
        starting += list(
            qs.filter(name_folded__contains=folded).exclude(pk__in=ids)[: limit - len(starting)]
        )
    return starting


def comune_lookup(text: str) -> list[Comune]:
    """Comuni matching what a person typed: an ISTAT code, a name, or "Name (PR)". Kept for five
    minutes per text: the catalogue search looks its comune up on every search near one, and the
    geography changes only with `load_geography`."""
    text = text.strip()
    key = "territory:comune-lookup:" + hashlib.sha256(text.encode()).hexdigest()
    return caches["local"].get_or_set(key, lambda: _comune_lookup(text), 300) or []


def _comune_lookup(text: str) -> list[Comune]:
    if text.isdigit():
        return list(Comune.objects.filter(istat_code=text.zfill(6)).select_related("ats"))
    province = None
    if text.endswith(")") and "(" in text:
        text, _, rest = text.rpartition("(")
        province = rest.rstrip(")").strip().upper()
    qs = Comune.objects.filter(name_folded=fold(text))
    if province:
        qs = qs.filter(province=province)
    return list(qs.select_related("ats"))


def comuni_within(centre: Comune, radius_km: float) -> list[tuple[Comune, float]]:
    """Comuni whose centre lies within radius_km of the centre comune, nearest first."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(centre.lat, centre.lon, radius_km)
    candidates = Comune.objects.filter(
        lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon
    )
    return nearest(centre.lat, centre.lon, candidates, lambda c: (c.lat, c.lon), radius_km)
