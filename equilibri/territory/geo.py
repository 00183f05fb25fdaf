"""Distances between points on the map, for "near me" searches in every app."""

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

EARTH_RADIUS_KM = 6371.0088

T = TypeVar("T")


def haversine_km(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(
    lat: float | Decimal, lon: float | Decimal, radius_km: float
) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle on the sphere that
    `haversine_km` measures: a cheap SQL prefilter that must never drop a point inside the
    circle. The latitude span is the radius's angle; the longitude span is the widest one of a
    great circle at that angular distance (asin(sin d / cos lat), which is wider than d / cos lat
    away from the equator), with a hair of margin for floating point."""
    angle = min(radius_km / EARTH_RADIUS_KM, math.pi / 2)
    dlat = math.degrees(angle) * (1 + 1e-9)
    cos_lat = math.cos(math.radians(float(lat)))
    ratio = math.sin(angle) / cos_lat if cos_lat > 1e-9 else 2.0
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) * (1 + 1e-9)
    return float(lat) - dlat, float(lat) + dlat, float(lon) - dlon, float(lon) + dlon


def nearest(
    origin_lat: float | Decimal,
    origin_lon: float | Decimal,
    items: Iterable[T],
    lat_lon,
    radius_km: float | None = None,
) -> list[tuple[T, float]]:
    """Items with their distance from the origin, nearest first, within radius_km if given.

    `lat_lon(item)` returns the item's (lat, lon).
    """
    out = []
    for item in items:
        lat, lon = lat_lon(item)
        km = haversine_km(origin_lat, origin_lon, lat, lon)
        if radius_km is None or km <= radius_km:
            out.append((item, km))
    out.sort(key=lambda pair: pair[1])
    return out
