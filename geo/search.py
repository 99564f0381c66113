"""Search: what a page's "Find" box can find (countries, places, lines, organisations) by any of their names, and
where each is on the map. Coordinates are EPSG:4326 degrees; zoom is Leaflet's."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.load import Atlas


@dataclass(frozen=True)
class Target:
    """One thing the Find box offers: what it selects (`param` = `value`, e.g. ``sel`` = ``BTC``), the words it is
    found by (`label`), and where the map goes (`lat`, `lon`, `zoom`; None: the map stays)."""

    label: str
    param: str
    value: str
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None


def _zoom_for(extent_deg: float) -> float:
    """A zoom that shows about `extent_deg` degrees across a map some 900 px wide."""
    return float(min(8.0, max(3.0, math.floor(2 * math.log2(360 * 900 / 256 / max(extent_deg, 0.05) / 360)) / 2)))


def _countries(atlas: Atlas) -> list[Target]:
    names = atlas.country_names()
    focus = set(atlas.focus_iso3())
    out = []
    for iso3, geom in zip(atlas.boundaries["iso3"], atlas.boundaries.geometry):
        minx, miny, maxx, maxy = geom.bounds
        point = geom.representative_point()
        kind = "focus country" if iso3 in focus else "country"
        out.append(Target(f"{names.get(iso3, iso3)} ({kind}, {iso3})", "sel", iso3, point.y, point.x,
                          _zoom_for(max(maxx - minx, maxy - miny))))
    return sorted(out, key=lambda t: (not t.label.endswith(f"focus country, {t.value})"), t.label))


def search_targets(atlas: Atlas, page: str) -> list[Target]:
    """What the Find box of `page` offers, built once per loaded atlas and page."""
    return atlas.memo(("search", page), lambda: _targets(atlas, page))


def _targets(atlas: Atlas, page: str) -> list[Target]:
    if page == "transport":
        from geo.transport import route_lines

        nodes = [Target(f"{n} (place, {i})", "sel", i, float(la), float(lo), 7.0)
                 for i, n, la, lo in zip(atlas.nodes["id"], atlas.nodes["name"], atlas.nodes["lat"], atlas.nodes["lon"])]
        lines = route_lines(atlas)
        segments = [_line_target(name, i, geom) for i, name, geom in zip(lines["id"], lines["name"], lines.geometry)]
        return [*nodes, *segments]
    if page == "energy":
        from geo.energy import energy_lines

        lines = energy_lines(atlas)
        found = [_line_target(name, i, geom) for i, name, geom in zip(lines["id"], lines["name"], lines.geometry)]
        names = atlas.country_names()
        found += [Target(f"{names[c]} (everything that touches it)", "country", c) for c in atlas.focus_iso3()]
        return found
    found = _countries(atlas)
    if page == "membership":
        bodies = atlas.bodies_with_members()
        found += [Target(f"{n} ({s}, organisation)", "body", i) for i, n, s in
                  zip(bodies["id"], bodies["name"], bodies["short_name"])]
    return found


def _line_target(name: str, line_id: str, geom) -> Target:
    minx, miny, maxx, maxy = geom.bounds
    return Target(f"{name} (line, {line_id})", "sel", line_id, (miny + maxy) / 2, (minx + maxx) / 2,
                  _zoom_for(max(maxx - minx, maxy - miny)))
