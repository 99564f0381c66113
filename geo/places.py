"""Place names for the interactive maps: where each name goes, how important it is and from which zoom it shows.

Countries (focus first, then their neighbours and the rest of the stage), capitals, seas (the slide images' table,
`geo.labels.SEAS`), lakes and rivers (`physical.geojson`). A renderer draws them not interactive and gives way by
priority where two would overlap (lower numbers first). Coordinates are EPSG:4326 degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.ops import polylabel

from geo.labels import SEAS
from geo.load import Atlas


@dataclass(frozen=True)
class MapLabel:
    """One name on a map: its point (degrees), text (plain), kind (a CSS class), priority (lower is placed first)
    and the Leaflet zoom from which it shows."""

    lat: float
    lon: float
    text: str
    kind: str
    priority: float
    min_zoom: float = 0.0


def _largest(geom):
    parts = getattr(geom, "geoms", [geom])
    return max(parts, key=lambda g: g.area if g.area else g.length)


def _anchor(geom) -> tuple[float, float]:
    """A point well inside the largest part of a polygon (its pole of inaccessibility), as (lat, lon)."""
    part = _largest(geom)
    minx, miny, maxx, maxy = part.bounds
    point = polylabel(part, tolerance=max(maxx - minx, maxy - miny) / 60)
    return float(point.y), float(point.x)


def base_labels(atlas: Atlas) -> list[MapLabel]:
    """Every name a page's base map carries, built once per loaded atlas."""
    return atlas.memo(("base_labels",), lambda: _base_labels(atlas))


def _base_labels(atlas: Atlas) -> list[MapLabel]:
    names = atlas.country_names()
    focus = set(atlas.focus_iso3())
    labels: list[MapLabel] = []
    for iso3, tier, geom in zip(atlas.boundaries["iso3"], atlas.boundaries["tier"], atlas.boundaries.geometry):
        lat, lon = _anchor(geom)
        area = _largest(geom).area  # square degrees: the larger, the earlier among equals
        if iso3 in focus:
            labels.append(MapLabel(lat, lon, names.get(iso3, iso3), "country focus", 1 + 1 / (1 + area)))
        else:
            rank = 3 if tier == "neighbour" else 4
            labels.append(MapLabel(lat, lon, names.get(iso3, iso3), "country", rank + 1 / (1 + area),
                                   4 if tier == "neighbour" else 5))
    capitals = atlas.countries.dropna(subset=["capital_lat", "capital_lon"])
    for iso3, capital, lat, lon in zip(capitals["iso3"], capitals["capital"], capitals["capital_lat"],
                                       capitals["capital_lon"]):
        if capital:
            in_focus = iso3 in focus
            labels.append(MapLabel(float(lat), float(lon), capital, "capital" + (" focus" if in_focus else ""),
                                   2 if in_focus else 5, 0 if in_focus else 6))
    for name, points in SEAS:
        lat, lon = points[0]
        labels.append(MapLabel(lat, lon, name, "water sea", 2.5 if name == "Caspian Sea" else 3.5, 3))
    for name, kind, geom in zip(atlas.physical["name"], atlas.physical["kind"], atlas.physical.geometry):
        if kind == "historic_lake" or geom is None:
            continue
        part = _largest(geom)
        if kind == "river":
            at = part.interpolate(0.5, normalized=True)
            labels.append(MapLabel(float(at.y), float(at.x), str(name), "water river", 4.5, 5))
        else:
            lat, lon = _anchor(geom)
            big = part.area > 1.0  # about 10,000 km² at these latitudes: the Aral Sea, Balkhash
            labels.append(MapLabel(lat, lon, str(name), "water lake", 3.2 if big else 4.2, 4 if big else 6))
    return labels
