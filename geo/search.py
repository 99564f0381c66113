"""Search: what a page's "Find" box can find (countries, places, lines, organisations) by any of their names, and
where each is on the map. Coordinates are EPSG:4326 degrees; zoom is Leaflet's."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.load import Atlas


@dataclass(frozen=True)
class Target:
    """One thing the Find box offers: what it selects (`param` = `value`, e.g. ``sel`` = ``BTC``), the words it is
    found by (`label`), where the map goes (`lat`, `lon`, `zoom`; None: the map stays) and the other parameters
    that show it (`also`, e.g. ``(("view", "borders"),)`` for a border on the Cooperation page)."""

    label: str
    param: str
    value: str
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None
    also: tuple[tuple[str, str], ...] = ()


MAP_PX = 620
"""The map's smaller side in pixels (its height on a page), which a target's extent must fit."""


def _zoom_for(extent_deg: float) -> float:
    """The Leaflet zoom (in halves, 3 to 8) at which `extent_deg` degrees, with a fifth more as margin, fit in
    `MAP_PX` pixels: at zoom z the world's 360 degrees are 256 × 2^z pixels wide."""
    fit = math.log2(360 * MAP_PX / 256 / (1.2 * max(extent_deg, 0.05)))
    return float(min(8.0, max(3.0, math.floor(2 * fit) / 2)))


def _extent(minx: float, miny: float, maxx: float, maxy: float) -> float:
    """The larger side of a box in degrees of longitude (Web Mercator stretches latitude by 1/cos(latitude))."""
    return max(maxx - minx, (maxy - miny) / math.cos(math.radians((miny + maxy) / 2)))


def _countries(atlas: Atlas) -> list[Target]:
    names = atlas.country_names()
    focus = set(atlas.focus_iso3())
    out = []
    for iso3, geom in zip(atlas.boundaries["iso3"], atlas.boundaries.geometry):
        minx, miny, maxx, maxy = geom.bounds
        point = geom.representative_point()
        kind = "focus country" if iso3 in focus else "country"
        out.append(Target(f"{names.get(iso3, iso3)} ({kind}, {iso3})", "sel", iso3, point.y, point.x,
                          _zoom_for(_extent(minx, miny, maxx, maxy))))
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
    if page == "cooperation":
        found += _cooperation(atlas)
    if page == "membership":
        bodies = atlas.bodies_with_members()
        found += [Target(f"{n} ({s}, organisation)", "body", i) for i, n, s in
                  zip(bodies["id"], bodies["name"], bodies["short_name"])]
    return found


def _line_target(name: str, line_id: str, geom) -> Target:
    return _extent_target(f"{name} (line, {line_id})", line_id, geom)


def _extent_target(label: str, value: str, geom, also: tuple[tuple[str, str], ...] = ()) -> Target:
    """A target selected as ``sel`` = `value` that the map frames whole (`geom`: its geometry, EPSG:4326)."""
    if geom is None or geom.is_empty:
        return Target(label, "sel", value, also=also)
    minx, miny, maxx, maxy = geom.bounds
    return Target(label, "sel", value, (miny + maxy) / 2, (minx + maxx) / 2, _zoom_for(_extent(minx, miny, maxx, maxy)),
                  also)


def _cooperation(atlas: Atlas) -> list[Target]:
    """The Cooperation page's things, each with the view that shows it: the rivers and lakes of the focus countries,
    the water works and the bodies that share water (water view), the land borders (borders view)."""
    from shapely import union_all

    from geo import cooperation as coop
    from geo import vocab

    water, borders = (("view", "water"),), (("view", "borders"),)
    focus = set(atlas.focus_iso3())
    physical = coop.physical_countries(atlas)
    found = []
    for r in physical.to_dict("records"):
        if set(r["countries"].split(";")) & focus:
            kind = vocab.PHYSICAL_KIND.label(r["kind"]).lower() + ("" if r["period"] == "today" else f", {r['period']}")
            found.append(_extent_target(f"{r['name']} ({kind})", r["id"], r["geometry"], water))
    for r in coop.water_points(atlas).to_dict("records"):
        point = r["geometry"]
        where = (point.y, point.x, 7.0) if point is not None else (None, None, None)
        found.append(Target(f"{r['name']} ({vocab.WATER_KIND.label(r['kind']).lower()})", "sel", r["id"], *where, water))
    shapes = atlas.boundaries.set_index("iso3").geometry
    for r in coop.water_bodies(atlas).to_dict("records"):
        members = [c for c in atlas.memberships.loc[atlas.memberships["body"] == r["id"], "iso3"]
                   if c in focus and c in shapes.index]  # the focus countries on it frame its waters
        geom = union_all(list(shapes[list(dict.fromkeys(members))])) if members else None
        found.append(_extent_target(f"{r['name']} ({r['body']}, body sharing water: {r['about']})", r["id"], geom, water))
    for r in coop.border_lines(atlas).to_dict("records"):
        found.append(_extent_target(f"{r['name']} (land border)", r["id"], r["geometry"], borders))
    return found
