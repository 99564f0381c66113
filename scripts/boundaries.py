"""Country boundaries for a stage from a TopoJSON topology: simplify each shared arc once, assemble.

A TopoJSON topology stores every border once, as an *arc*; a country is a list of rings, each ring a list
of arc indices (``~i``, i.e. ``-i - 1``, means arc ``i`` walked backwards). Simplifying the arcs instead of
the polygons is what keeps neighbours gap-free: the border between two countries is one arc, simplified
once, and both countries are assembled from the same simplified coordinates, whatever tolerance each of
them would have asked for on its own.

The pipeline behind `build_boundaries`:

1. decode the arcs (undo quantization and delta encoding, `decode_arcs`) and the object's features
   (`decode_object` returns them as shapely geometries);
2. keep the features that intersect the *stage* (a longitude/latitude box) and give each a tier:
   ``"focus"``, ``"neighbour"`` or ``"context"``;
3. choose for every arc the finest tolerance and decimals among the tiers of the countries that own it, and
   simplify it with Douglas-Peucker (shapely's, which keeps its end points; `simplify_arcs`);
4. look for simplified arcs that cross or overlap one another (a closed strait, a collapsed island, a ring
   crossing itself), then for polygon parts that cover one another, and simplify the arcs involved again
   at a quarter of their tolerance, until none are left (at most eight rounds);
5. assemble the polygons, repair what is still invalid with `shapely.make_valid` (keeping polygonal parts),
   clip them to the stage and orient them as RFC 7946 asks (exterior rings counter-clockwise).

All coordinates are longitude/latitude degrees (EPSG:4326). Tolerances are in degrees, measured in the
plate carrée plane of the coordinates (a degree of longitude is shorter than a degree of latitude away from
the equator), and areas in square degrees: they are thresholds for cartographic generalisation, not
measurements. The arc-level steps (decoding, simplifying, finding conflicts) are in `scripts/topology.py`.
Build-time code: the app never imports it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from scripts.topology import (
    CRS,
    decode_arcs,
    feature_code,
    find_arc_conflicts,
    object_geometries,
    polygon_arcs,
    polygon_of,
    ring_of,
    simplify_arcs,
)

TIERS = ("focus", "neighbour", "context")
"""Boundary tiers, from the finest generalisation to the coarsest."""

log = logging.getLogger(__name__)

_MAX_REFINEMENTS = 8
_REFINE_FACTOR = 0.25


# --------------------------------------------------------------------------------------------------
# Building the boundaries
# --------------------------------------------------------------------------------------------------


@dataclass
class _Feature:
    code: str
    name: str
    tier: str
    polygons: list[list[list[int]]]  # polygons -> rings -> signed arc indices
    merged: bool = False

    def arc_indices(self) -> set[int]:
        return {index if index >= 0 else ~index for rings in self.polygons for ring in rings for index in ring}


def build_boundaries(
    topology: Mapping[str, Any],
    *,
    stage: tuple[float, float, float, float],
    focus: Collection[str],
    neighbours: Collection[str] = (),
    tolerances: Mapping[str, float],
    decimals: Mapping[str, int],
    min_island_area: Mapping[str, float] | None = None,
    object_name: str = "countries",
    code_property: str = "a3",
    name_property: str = "name",
    merge: Mapping[str, str] | None = None,
    drop: Collection[str] = (),
) -> gpd.GeoDataFrame:
    """Build simplified, gap-free country polygons for a stage from a TopoJSON topology.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology`` whose coordinates are longitude/latitude degrees (EPSG:4326).
    stage : tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in degrees. Every feature that intersects this box is kept
        and clipped to it.
    focus : collection of str
        Codes of the focus countries (tier ``"focus"``).
    neighbours : collection of str, default ()
        Codes of the neighbour countries (tier ``"neighbour"``). Any other kept feature is ``"context"``.
    tolerances : mapping of str to float
        Douglas-Peucker tolerance per tier, in degrees, e.g. ``{"focus": 0.01, "neighbour": 0.02,
        "context": 0.05}``. An arc gets the smallest tolerance among the tiers of the countries that own it:
        a border between a focus country and a context country is drawn as finely as the focus country.
    decimals : mapping of str to int
        Decimal places per tier; an arc gets the most among its owners, arc end points the most of all.
    min_island_area : mapping of str to float, optional
        Per tier, the area in square degrees below which a polygon part that no other feature touches (an
        island) is left out, and a hole that no other feature fills (a lake) is filled in. Parts shared with
        another feature (enclaves, exclaves along a border) are always kept, so leaving these out never
        opens a gap.
    object_name : str, default "countries"
        The polygonal object of the topology.
    code_property, name_property : str, default "a3", "name"
        Properties holding a feature's code (becomes ``iso3``) and name.
    merge : mapping of str to str, optional
        ``{code: into_code}``: features to draw as part of another (their shared border disappears).
    drop : collection of str, default ()
        Codes of features to leave out altogether.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso3``, ``name``, ``tier``, ``geometry`` (valid Polygon or MultiPolygon, exterior rings
        counter-clockwise), one row per code, sorted by ``iso3``; CRS EPSG:4326. Features left empty after
        clipping and island removal are not returned.

    Raises
    ------
    ValueError
        If an option is out of range (every problem is listed), or the topology is malformed.
    """
    merge = dict(merge or {})
    min_island_area = dict(min_island_area or {})
    _check_options(stage, focus, neighbours, tolerances, decimals, min_island_area, merge)
    stage_box = box(*stage)
    arcs = decode_arcs(topology)

    features: dict[str, _Feature] = {}
    for geometry in object_geometries(topology, object_name):
        own_code = feature_code(geometry, code_property)
        if own_code is None or own_code in drop or not polygon_arcs(geometry):
            continue
        code = merge.get(own_code, own_code)
        tier = "focus" if code in focus else "neighbour" if code in neighbours else "context"
        feature = features.setdefault(code, _Feature(code, code, tier, []))
        if own_code == code:  # a merged feature is named after the feature it joins
            feature.name = str((geometry.get("properties") or {}).get(name_property, code))
        feature.merged |= own_code != code
        feature.polygons.extend(polygon_arcs(geometry))
    kept = {code: f for code, f in features.items() if _assemble(arcs, f).intersects(stage_box)}

    owners: dict[int, set[str]] = {}
    uses: dict[int, int] = {}
    for code, feature in kept.items():
        for index in feature.arc_indices():
            owners.setdefault(index, set()).add(code)
        for rings in feature.polygons:
            for index in map(_abs, (i for ring in rings for i in ring)):
                uses[index] = uses.get(index, 0) + 1
    for feature in kept.values():
        feature.polygons = _drop_small_parts(arcs, feature, uses, min_island_area.get(feature.tier, 0.0), stage_box)

    used = sorted({index for feature in kept.values() for index in feature.arc_indices()})
    tolerance: list[float | None] = [None] * len(arcs)
    places: list[int | None] = [None] * len(arcs)
    for index in used:
        tiers = {kept[code].tier for code in owners[index]}
        tolerance[index] = min(tolerances[t] for t in tiers)
        places[index] = max(decimals[t] for t in tiers)
    node_places = max(decimals.values())
    in_stage = [index for index in used if _line_intersects(arcs[index], stage_box)]
    staged_arcs = set(in_stage)
    staged = [f for f in kept.values() if f.arc_indices() & staged_arcs]
    # arcs that already cross or collapse as decoded cannot be repaired by simplifying them less
    inherent = find_arc_conflicts(arcs, in_stage)
    if inherent:
        log.info("arc(s) %s cross or collapse in the input itself; left to make_valid", sorted(inherent))

    simplified = simplify_arcs(arcs, tolerance, decimals=places, node_decimals=node_places)
    for round_ in range(1, _MAX_REFINEMENTS + 1):
        conflicts = find_arc_conflicts(simplified, in_stage)
        kind = "crossing or collapsed"
        if not conflicts:
            conflicts = _polygon_conflicts(arcs, simplified, staged, tolerance, stage_box)
            kind = "covering an island or lake"
        conflicts = {index for index in conflicts - inherent if tolerance[index]}
        if not conflicts:
            break
        log.info(
            "refinement %d: %d %s arc(s) simplified again at %g x tolerance",
            round_,
            len(conflicts),
            kind,
            _REFINE_FACTOR,
        )
        for index in conflicts:
            tolerance[index] = tolerance[index] * _REFINE_FACTOR
        simplified = simplify_arcs(arcs, tolerance, decimals=places, node_decimals=node_places)

    rows = []
    for code in sorted(kept):
        feature = kept[code]
        geometry = _clip(_assemble(simplified, feature), stage_box, node_places)
        if geometry is not None:
            rows.append({"iso3": code, "name": feature.name, "tier": feature.tier, "geometry": geometry})
    return gpd.GeoDataFrame(rows, columns=["iso3", "name", "tier", "geometry"], geometry="geometry", crs=CRS)


def _polygon_conflicts(
    raw_arcs: Sequence[np.ndarray],
    arcs: Sequence[np.ndarray],
    features: Sequence[_Feature],
    tolerance: Sequence[float | None],
    stage_box: Polygon,
) -> set[int]:
    """Find the arcs to refine when arcs no longer cross but polygons still clash on the stage.

    Without crossing arcs two problems remain possible: a simplified coast passing right over a small
    island or lake, leaving a polygon part inside another part (of the same or another feature) or a hole
    outside its shell. The arcs of the features involved whose original extent reaches the clash (widened
    by twice the arc's tolerance) are returned.
    """
    regions: list[tuple[set[str], shapely.Geometry]] = []
    parts: list[shapely.Geometry] = []
    part_codes: list[str] = []
    for feature in features:
        for rings in feature.polygons:
            polygon = polygon_of(arcs, rings)
            if polygon is None or not polygon.intersects(stage_box):
                continue
            shell = Polygon(polygon.exterior)
            for hole in polygon.interiors:
                if not shell.contains(Polygon(hole).representative_point()):
                    regions.append(({feature.code}, Polygon(hole).envelope))
            if not polygon.is_valid:  # a flaw of the input (see `inherent`): compare its repaired form
                polygon = _polygonal(shapely.make_valid(polygon))
            parts.append(shapely.clip_by_rect(polygon, *stage_box.bounds))
            part_codes.append(feature.code)
    if parts:
        array = np.array(parts, dtype=object)
        left, right = shapely.STRtree(array).query(array, predicate="intersects")
        pairs = [(a, b) for a, b in zip(left.tolist(), right.tolist()) if a < b]
        if pairs:
            shared = shapely.intersection(array[[a for a, _ in pairs]], array[[b for _, b in pairs]])
            for (a, b), overlap in zip(pairs, shared):
                if shapely.area(overlap) > 0:
                    regions.append(({part_codes[a], part_codes[b]}, overlap.envelope))
    refine: set[int] = set()
    by_code = {feature.code: feature for feature in features}
    for codes, region in regions:
        for code in codes:
            for index in by_code[code].arc_indices():
                reach = 2 * (tolerance[index] or 0.0)
                extent = box(*raw_arcs[index].min(axis=0), *raw_arcs[index].max(axis=0))
                if region.buffer(reach).intersects(extent):
                    refine.add(index)
    return refine


def _abs(index: int) -> int:
    return index if index >= 0 else ~index


def _line_intersects(coords: np.ndarray, stage_box: Polygon) -> bool:
    line = shapely.LineString(coords) if len(coords) > 1 else shapely.Point(coords[0])
    return bool(line.intersects(stage_box))


def _check_options(
    stage: Sequence[float],
    focus: Collection[str],
    neighbours: Collection[str],
    tolerances: Mapping[str, float],
    decimals: Mapping[str, int],
    min_island_area: Mapping[str, float],
    merge: Mapping[str, str],
) -> None:
    problems = []
    try:
        x0, y0, x1, y1 = (float(v) for v in stage)
        if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
            problems.append(
                f"`stage` was {tuple(stage)} but is expected to be (min_lon, min_lat, max_lon, max_lat) "
                "in degrees with min < max, longitudes in [-180, 180], latitudes in [-90, 90]"
            )
    except (TypeError, ValueError):
        problems.append(
            f"`stage` was {stage!r} but is expected to be four numbers (min_lon, min_lat, max_lon, max_lat)"
        )
    for label, mapping in (("tolerances", tolerances), ("decimals", decimals)):
        missing = [t for t in TIERS if t not in mapping]
        if missing:
            problems.append(f"`{label}` has no value for tier(s) {missing}; expected keys {list(TIERS)}")
    for label, mapping in (("tolerances", tolerances), ("decimals", decimals), ("min_island_area", min_island_area)):
        unknown = [t for t in mapping if t not in TIERS]
        if unknown:
            problems.append(f"`{label}` has unknown tier(s) {unknown}; expected keys in {list(TIERS)}")
    for label, mapping in (("tolerances", tolerances), ("min_island_area", min_island_area)):
        for tier, value in mapping.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                problems.append(f"`{label}` for tier {tier!r} was {value!r} but is expected to be a number >= 0")
    for tier, value in decimals.items():
        if not isinstance(value, int) or not 0 <= value <= 15:
            problems.append(f"`decimals` for tier {tier!r} was {value!r} but is expected to be an integer 0..15")
    both = sorted(set(focus) & set(neighbours))
    if both:
        problems.append(f"codes {both} are both in `focus` and `neighbours`; a country has one tier")
    chained = [f"{code} -> {into} -> {merge[into]}" for code, into in sorted(merge.items()) if into in merge]
    if chained:
        problems.append(f"`merge` chains {chained}; merge each code straight into its final code")
    if problems:
        raise ValueError("invalid boundary options:\n- " + "\n- ".join(problems))


def _assemble(arcs: Sequence[np.ndarray], feature: _Feature) -> shapely.Geometry:
    parts = [p for p in (polygon_of(arcs, rings) for rings in feature.polygons) if p is not None]
    geometry = MultiPolygon(parts) if parts else MultiPolygon()
    if not geometry.is_valid:
        geometry = _polygonal(shapely.make_valid(geometry))
    if feature.merged:
        # the features merged into this one bring their common border twice: dissolving removes it
        geometry = _polygonal(shapely.unary_union(geometry))
    return geometry


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a geometry (make_valid may add lines and points)."""
    polygons = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    parts = [p for g in polygons for p in shapely.get_parts(g)]
    return MultiPolygon(parts) if parts else MultiPolygon()


def _drop_small_parts(
    arcs: Sequence[np.ndarray],
    feature: _Feature,
    uses: Mapping[int, int],
    min_area: float,
    stage_box: Polygon,
) -> list[list[list[int]]]:
    """Leave out the small islands and lakes of a feature that no other feature touches.

    A ring counts as alone when each of its arcs is used by that ring only (not by a neighbour, nor by
    another part of a merged feature). The part with the largest area on the stage is always kept, so that
    every feature stays on the map.
    """
    if min_area <= 0:
        return feature.polygons

    def alone(ring: Sequence[int]) -> bool:
        return all(uses[_abs(i)] == 1 for i in ring)

    def small(ring: Sequence[int]) -> bool:
        coords = ring_of(arcs, ring)
        return coords is None or abs(_signed_area(coords)) < min_area

    staged_area = [
        0.0 if polygon is None else shapely.area(shapely.intersection(Polygon(polygon.exterior), stage_box))
        for polygon in (polygon_of(arcs, rings[:1]) for rings in feature.polygons)
    ]
    largest = int(np.argmax(staged_area)) if staged_area else -1
    kept = []
    for position, rings in enumerate(feature.polygons):
        if position != largest and alone(rings[0]) and small(rings[0]):
            continue
        kept.append([rings[0], *[hole for hole in rings[1:] if not (alone(hole) and small(hole))]])
    return kept


def _signed_area(coords: np.ndarray) -> float:
    x, y = coords[:, 0], coords[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _clip(geometry: shapely.Geometry, stage_box: Polygon, decimals: int) -> shapely.Geometry | None:
    if geometry.is_empty:
        return None
    if not stage_box.contains(geometry):
        geometry = _polygonal(shapely.intersection(geometry, stage_box))
        # clipping adds points on the box edges; round them like the arcs' end points
        geometry = shapely.transform(geometry, lambda xy: np.round(xy, decimals))
        if not geometry.is_valid:
            geometry = _polygonal(shapely.make_valid(geometry))
    if geometry.is_empty:
        return None
    geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    parts = list(shapely.get_parts(geometry))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)
