"""Geodesic lengths against known distances, and per-country splitting whose parts add up to the whole."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiLineString, box

from geo.measure import SEA, countries_crossed, format_parts, km_by_country, length_km, lengths_km


@pytest.mark.parametrize(
    ("line", "expected_km", "tolerance_km"),
    [
        # One degree of latitude at the equator on WGS84: 110.574 km.
        (LineString([(0, 0), (0, 1)]), 110.574, 0.01),
        # One degree of longitude along the equator: 111.320 km.
        (LineString([(0, 0), (1, 0)]), 111.320, 0.01),
        # Baku (49.867E 40.4093N) to Tashkent (69.2163E 41.2646N), great-circle about 1,626 km.
        (LineString([(49.8671, 40.4093), (69.2163, 41.2646)]), 1626, 10),
        # A MultiLineString sums its parts.
        (MultiLineString([[(0, 0), (0, 1)], [(0, 1), (0, 2)]]), 221.149, 0.02),
    ],
)
def test_known_lengths(line, expected_km, tolerance_km):
    assert length_km(line) == pytest.approx(expected_km, abs=tolerance_km)


def test_lengths_need_epsg_4326():
    lines = gpd.GeoSeries([LineString([(0, 0), (1000, 0)])], crs="EPSG:3857")
    with pytest.raises(ValueError, match=r"lengths are measured on EPSG:4326 geometries, found EPSG:3857"):
        lengths_km(lines)


def _two_countries() -> gpd.GeoDataFrame:
    # A and B share the border at lon 1; between lon 2 and 3 is sea; C starts at lon 3.
    return gpd.GeoDataFrame(
        {"iso3": ["AAA", "BBB", "CCC"]}, geometry=[box(0, -1, 1, 1), box(1, -1, 2, 1), box(3, -1, 4, 1)], crs="EPSG:4326"
    )


def test_split_by_country_adds_up():
    line = LineString([(0.5, 0), (3.5, 0)])
    parts = km_by_country(line, _two_countries())
    assert set(parts) == {"AAA", "BBB", "CCC", SEA}
    assert parts["BBB"] == pytest.approx(111.32, abs=0.05)
    assert parts["AAA"] == pytest.approx(55.66, abs=0.05) and parts["CCC"] == pytest.approx(55.66, abs=0.05)
    assert parts[SEA] == pytest.approx(111.32, abs=0.05)
    assert sum(parts.values()) == pytest.approx(length_km(line), rel=1e-6)
    assert countries_crossed(parts) == ["BBB", "AAA", "CCC"] or set(countries_crossed(parts)) == {"AAA", "BBB", "CCC"}


def test_line_along_a_border_is_not_double_counted():
    parts = km_by_country(LineString([(1, -0.5), (1, 0.5)]), _two_countries())
    assert sum(parts.values()) == pytest.approx(length_km(LineString([(1, -0.5), (1, 0.5)])), rel=1e-6)


def test_format_parts():
    assert format_parts({"AAA": 1234.4, SEA: 300.0}, {"AAA": "Aland"}) == "Aland 1,234 km; sea 300 km"


def test_split_on_shipped_boundaries():
    """A line Baku → Tbilisi lies in Azerbaijan and Georgia only, and the parts add up."""
    from geo.load import load_atlas

    atlas = load_atlas()
    line = LineString([(49.8671, 40.4093), (46.3606, 41.1201), (44.7930, 41.6941)])
    parts = km_by_country(line, atlas.boundaries)
    assert countries_crossed(parts)[0] == "AZE" and set(countries_crossed(parts)) <= {"AZE", "GEO", "ARM"}
    assert "GEO" in parts
    assert sum(parts.values()) == pytest.approx(length_km(line), rel=1e-4)
