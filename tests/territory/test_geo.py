"""The bounding box is the SQL prefilter of every radius search: it must hold every point that
haversine_km puts inside the circle, in every direction and at every latitude of the territory
(a box a hair too small dropped a service 9.99 km away from a 10 km search)."""

import math

import pytest

from equilibri.territory.geo import EARTH_RADIUS_KM, bounding_box, haversine_km


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) along the great circle of `bearing` (degrees)."""
    d, b = km / EARTH_RADIUS_KM, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


@pytest.mark.parametrize(
    "lat, lon", [(45.85, 9.39), (44.7, 8.5), (46.6, 10.4), (0.0, 0.0), (70.0, 20.0)]
)
@pytest.mark.parametrize("radius_km", [0.1, 5, 10, 50, 100])
def test_every_point_inside_the_circle_is_inside_the_box(lat, lon, radius_km):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    for bearing in range(0, 360, 3):
        plat, plon = destination(lat, lon, bearing, radius_km * 0.99999)
        assert haversine_km(lat, lon, plat, plon) <= radius_km
        assert min_lat <= plat <= max_lat and min_lon <= plon <= max_lon, bearing


def test_the_box_is_not_much_larger_than_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(45.85, 9.39, 10)
    assert haversine_km(min_lat, 9.39, max_lat, 9.39) == pytest.approx(20, rel=1e-6)
    assert haversine_km(45.85, min_lon, 45.85, max_lon) == pytest.approx(20, rel=1e-3)
