"""Lengths of lines on the WGS84 ellipsoid, whole and split by country.

Lines are stored in EPSG:4326 (longitude, latitude). Lengths are geodesic (`pyproj.Geod`, WGS84) in kilometres.
Splitting by country intersects a densified copy of the line with the boundaries; the part outside every country
(open sea, the Caspian) is reported as ``SEA`` so that the parts always add up to the whole.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
SEA = "sea"
"""Key of the part of a line that lies in no country (sea, the Caspian, lakes outside polygons)."""
DENSIFY_DEG = 0.05
"""Maximum spacing (degrees) of the points a line is densified to before it is split by country."""


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the geodesic distance between two (lon, lat) points in EPSG:4326, in kilometres (WGS84 ellipsoid)."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def length_km(geometry: BaseGeometry) -> float:
    """Return the geodesic length of a (Multi)LineString in EPSG:4326, in kilometres (WGS84 ellipsoid)."""
    if geometry is None or geometry.is_empty:
        return 0.0
    return GEOD.geometry_length(geometry) / 1000.0


def lengths_km(lines: gpd.GeoSeries) -> pd.Series:
    """Return the geodesic length in km of each line of `lines` (EPSG:4326)."""
    _require_4326(lines)
    return pd.Series([length_km(g) for g in lines], index=lines.index, dtype=float)


def _require_4326(frame) -> None:
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError(f"lengths are measured on EPSG:4326 geometries, found {frame.crs}")


def km_by_country(line: BaseGeometry, boundaries: gpd.GeoDataFrame) -> dict[str, float]:
    """Return {iso3: km} of `line` inside each country it crosses, plus ``"sea"`` for the rest.

    The line is densified to `DENSIFY_DEG` first, so that straight segments in degrees follow the geodesic closely
    and a long segment is cut where it really crosses a border. The values add up to `length_km` of the densified
    line, which differs from the original's by far less than a metre per kilometre.
    """
    _require_4326(boundaries)
    dense = shapely.segmentize(line, DENSIFY_DEG)
    whole = length_km(dense)
    if whole == 0:
        return {}
    candidates = boundaries.iloc[boundaries.sindex.query(dense, predicate="intersects")]
    parts: dict[str, float] = {}
    rest = dense
    for iso3, polygon in zip(candidates["iso3"], candidates.geometry):
        if rest.is_empty:
            break
        km = length_km(rest.intersection(polygon))
        if km > 0.0005:  # under half a metre: a line touching a border, not crossing into the country
            parts[iso3] = parts.get(iso3, 0.0) + km
        rest = rest.difference(polygon)  # a piece along a shared border counts once, for the first country
    inside = sum(parts.values())
    if whole - inside > 0.0005:
        parts[SEA] = whole - inside
    return dict(sorted(parts.items(), key=lambda kv: -kv[1]))


def countries_crossed(parts: dict[str, float]) -> list[str]:
    """Return the ISO3 codes of a `km_by_country` result, longest first, without the sea."""
    return [k for k in parts if k != SEA]


def add_parts(parts: list[dict[str, float]]) -> dict[str, float]:
    """Return the `km_by_country` of lines end to end (e.g. a named route's segments): their km added up by
    country (and sea), rounded to 0.1 km, longest first."""
    total: dict[str, float] = {}
    for part in parts:
        for key, km in part.items():
            total[key] = total.get(key, 0.0) + km
    return {k: round(v, 1) for k, v in sorted(total.items(), key=lambda kv: -kv[1])}


def format_parts(parts: dict[str, float], names: dict[str, str] | None = None) -> str:
    """Return ``"Kazakhstan 1,234 km; sea 300 km"``-style text for a `km_by_country` result."""
    names = names or {}
    return "; ".join(f"{names.get(k, k)} {v:,.0f} km" for k, v in parts.items())
