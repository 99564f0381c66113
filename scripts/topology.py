"""Country boundaries from a TopoJSON topology: decode, simplify each shared arc once, assemble.

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
measurements. This module never imports streamlit.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

TIERS = ("focus", "neighbour", "context")
"""Boundary tiers, from the finest generalisation to the coarsest."""

CRS = "EPSG:4326"

log = logging.getLogger(__name__)

_MAX_REFINEMENTS = 8
_REFINE_FACTOR = 0.25
_TINY_TOLERANCE = 1e-7  # below this a tolerance is treated as zero: the arc is kept as decoded


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------


def decode_arcs(topology: Mapping[str, Any]) -> list[np.ndarray]:
    """Decode the arcs of a TopoJSON topology into absolute coordinates.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology`` (the ``json.load`` of the file). If it has a ``transform``, its arcs
        are quantized and delta-encoded: the first position of an arc is absolute, every following one is
        an offset from the previous position, and positions are scaled by ``transform.scale`` and shifted by
        ``transform.translate``.

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` float array per arc, in the topology's order, holding (x, y) positions: longitude and
        latitude in degrees (EPSG:4326) for the world atlases.

    Raises
    ------
    ValueError
        If `topology` is not a TopoJSON topology, naming the part that is missing or malformed.
    TypeError
        If its ``arcs`` member is not a list.
    """
    if not isinstance(topology, Mapping) or topology.get("type") != "Topology":
        found = topology.get("type") if isinstance(topology, Mapping) else type(topology).__name__
        raise ValueError(f"expected a TopoJSON object with type 'Topology', found {found!r}")
    raw_arcs = topology.get("arcs")
    if not isinstance(raw_arcs, list):
        raise TypeError(f"expected 'arcs' to be a list of arcs, found {type(raw_arcs).__name__}")
    transform = topology.get("transform")
    scale, translate = _transform_parts(transform)
    arcs: list[np.ndarray] = []
    for index, raw in enumerate(raw_arcs):
        try:
            positions = np.asarray([position[:2] for position in raw], dtype=float).reshape(-1, 2)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"arc {index} is not a list of [x, y] positions ({exc})") from None
        if len(positions) < 2:
            raise ValueError(f"arc {index} has {len(positions)} position(s); an arc needs at least 2")
        if transform is not None:
            positions = np.cumsum(positions, axis=0) * scale + translate
        arcs.append(positions)
    return arcs


def _transform_parts(transform: Any) -> tuple[np.ndarray, np.ndarray]:
    if transform is None:
        return np.ones(2), np.zeros(2)
    try:
        scale = np.asarray(transform["scale"], dtype=float).reshape(2)
        translate = np.asarray(transform["translate"], dtype=float).reshape(2)
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"expected 'transform' to hold 'scale' and 'translate' as [x, y] pairs, found {transform!r}"
        ) from None
    return scale, translate


def _object_geometries(topology: Mapping[str, Any], object_name: str) -> list[dict[str, Any]]:
    objects = topology.get("objects") or {}
    if object_name not in objects:
        raise ValueError(f"object {object_name!r} is not in the topology; it has {sorted(objects)}")
    obj = objects[object_name]
    if obj.get("type") == "GeometryCollection":
        return list(_flatten_collection(obj))
    return [obj]


def _flatten_collection(obj: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for geometry in obj.get("geometries", []):
        if geometry.get("type") == "GeometryCollection":
            yield from _flatten_collection(geometry)
        else:
            yield geometry


def _arc_coords(arcs: Sequence[np.ndarray], index: int) -> np.ndarray:
    if index < 0:
        return arcs[~index][::-1]
    return arcs[index]


def _stitch(arcs: Sequence[np.ndarray], indices: Sequence[int]) -> np.ndarray:
    """Join the arcs of a ring or line: each arc after the first starts where the previous one ended."""
    parts = [_arc_coords(arcs, i) for i in indices]
    return np.concatenate([parts[0], *[part[1:] for part in parts[1:]]]) if parts else np.empty((0, 2))


def _ring(arcs: Sequence[np.ndarray], indices: Sequence[int]) -> np.ndarray | None:
    coords = _stitch(arcs, indices)
    if len(coords):
        keep = np.ones(len(coords), dtype=bool)
        keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
        coords = coords[keep]
    if len(coords) < 4 or not np.array_equal(coords[0], coords[-1]):
        return None  # collapsed (or not closed): no area to draw
    return coords


def _polygon(arcs: Sequence[np.ndarray], rings: Sequence[Sequence[int]]) -> Polygon | None:
    shell = _ring(arcs, rings[0]) if rings else None
    if shell is None:
        return None
    holes = [hole for hole in (_ring(arcs, r) for r in rings[1:]) if hole is not None]
    return Polygon(shell, holes)


def _geometry(arcs: Sequence[np.ndarray], geometry: Mapping[str, Any], transform: Any) -> shapely.Geometry | None:
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        polygon = _polygon(arcs, geometry["arcs"])
        return polygon if polygon is not None else Polygon()
    if kind == "MultiPolygon":
        polygons = [p for p in (_polygon(arcs, rings) for rings in geometry["arcs"]) if p is not None]
        return MultiPolygon(polygons)
    if kind == "LineString":
        return shapely.LineString(_stitch(arcs, geometry["arcs"]))
    if kind == "MultiLineString":
        return shapely.MultiLineString([_stitch(arcs, line) for line in geometry["arcs"]])
    if kind in ("Point", "MultiPoint"):
        scale, translate = _transform_parts(transform)
        points = np.asarray(geometry["coordinates"], dtype=float).reshape(-1, 2) * scale + translate
        return shapely.Point(points[0]) if kind == "Point" else shapely.MultiPoint(points)
    raise ValueError(f"geometry type {kind!r} is not a TopoJSON geometry type")


def decode_object(
    topology: Mapping[str, Any], object_name: str, *, arcs: Sequence[np.ndarray] | None = None
) -> gpd.GeoDataFrame:
    """Decode one object of a TopoJSON topology into a GeoDataFrame, geometry by geometry.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology``.
    object_name : str
        Key of the object in ``topology["objects"]``, e.g. ``"countries"``. A ``GeometryCollection`` gives one
        row per member geometry (nested collections are flattened); any other geometry gives one row.
    arcs : sequence of numpy.ndarray, optional
        Decoded arcs to assemble from (by default ``decode_arcs(topology)``); pass simplified arcs to
        assemble a simplified object.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (the geometry's ``id``, ``None`` when it has none), one column per property found on
        any geometry, and ``geometry``; CRS EPSG:4326 (coordinates are taken to be longitude and latitude in
        degrees, which TopoJSON does not record). Polygons are built as the rings say and are not repaired:
        check ``is_valid`` before measuring them.

    Raises
    ------
    ValueError
        If the topology is malformed or has no object called `object_name`.
    """
    if arcs is None:
        arcs = decode_arcs(topology)
    rows: list[dict[str, Any]] = []
    geometries = []
    for geometry in _object_geometries(topology, object_name):
        rows.append({"id": geometry.get("id"), **(geometry.get("properties") or {})})
        geometries.append(_geometry(arcs, geometry, topology.get("transform")))
    columns = ["id", *dict.fromkeys(k for row in rows for k in row if k != "id")]
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs=CRS)


# --------------------------------------------------------------------------------------------------
# Arc ownership and simplification
# --------------------------------------------------------------------------------------------------


def _polygon_arcs(geometry: Mapping[str, Any]) -> list[list[list[int]]]:
    """Return a polygonal TopoJSON geometry as polygons -> rings -> signed arc indices."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _code(geometry: Mapping[str, Any], code_property: str) -> str | None:
    value = (geometry.get("properties") or {}).get(code_property)
    return None if value is None or str(value).strip() == "" else str(value)


def neighbours_of(
    topology: Mapping[str, Any], codes: Collection[str], *, object_name: str = "countries", code_property: str = "a3"
) -> set[str]:
    """Return the codes of the features that share a border (an arc) with any of `codes`.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology``.
    codes : collection of str
        Feature codes (values of `code_property`), e.g. ISO 3166-1 alpha-3 codes.
    object_name : str, default "countries"
        The polygonal object to look in.
    code_property : str, default "a3"
        The property that holds a feature's code.

    Returns
    -------
    set of str
        Codes bordering at least one of `codes`, without `codes` themselves. Sharing a single point does
        not count; sharing a stretch of border does, however short.
    """
    owners = _arc_owners(_object_geometries(topology, object_name), code_property)
    wanted = set(codes)
    found: set[str] = set()
    for owner_codes in owners.values():
        if owner_codes & wanted:
            found |= owner_codes
    return found - wanted


def _arc_owners(geometries: Iterable[Mapping[str, Any]], code_property: str) -> dict[int, set[str]]:
    owners: dict[int, set[str]] = {}
    for geometry in geometries:
        code = _code(geometry, code_property)
        if code is None:
            continue
        for rings in _polygon_arcs(geometry):
            for ring in rings:
                for index in ring:
                    owners.setdefault(index if index >= 0 else ~index, set()).add(code)
    return owners


def simplify_arcs(
    arcs: Sequence[np.ndarray],
    tolerances: Sequence[float | None],
    *,
    decimals: Sequence[int | None] | None = None,
    node_decimals: int | None = None,
) -> list[np.ndarray]:
    """Simplify every arc once with its own tolerance and round its coordinates.

    Each arc is simplified on its own with the Douglas-Peucker algorithm (`shapely.simplify` with
    ``preserve_topology=False``), which keeps a line's first and last points: arcs that met at a node still
    meet. A closed arc is measured from its start point, so it keeps at least its farthest point as well.

    Parameters
    ----------
    arcs : sequence of numpy.ndarray
        Decoded arcs (`decode_arcs`), longitude/latitude in degrees.
    tolerances : sequence of float or None
        Douglas-Peucker tolerance per arc, in degrees: the largest distance a dropped point may lie from the
        simplified arc. ``None`` leaves the arc as it is (used for arcs that no kept feature needs); a
        tolerance below 1e-7 degrees keeps every point (but still rounds).
    decimals : sequence of int or None, optional
        Decimal places to round each arc's inner points to (``None``: no rounding).
    node_decimals : int, optional
        Decimal places for the end points of every arc. Nodes are shared by arcs of different precision, so
        they must be rounded the same way by all of them; use the largest of `decimals`.

    Returns
    -------
    list of numpy.ndarray
        The simplified arcs, same order and length as `arcs`, with repeated consecutive points removed.
        End points stay where they were (up to `node_decimals`), so arcs that met still meet.

    Raises
    ------
    ValueError
        If the sequences do not have one entry per arc, or a tolerance is negative or not finite.
    """
    if len(tolerances) != len(arcs) or (decimals is not None and len(decimals) != len(arcs)):
        raise ValueError(
            f"expected one tolerance (and one decimals value) per arc: {len(arcs)} arcs, "
            f"{len(tolerances)} tolerances, {'no' if decimals is None else len(decimals)} decimals"
        )
    bad = {i: t for i, t in enumerate(tolerances) if t is not None and not (math.isfinite(t) and t >= 0)}
    if bad:
        raise ValueError(f"tolerances {bad} (arc: value) are expected to be finite numbers >= 0 (degrees)")
    todo = [i for i, t in enumerate(tolerances) if t is not None and t >= _TINY_TOLERANCE and len(arcs[i]) > 2]
    lines = shapely.simplify(
        np.array([shapely.LineString(arcs[i]) for i in todo], dtype=object),
        np.array([tolerances[i] for i in todo], dtype=float),
        preserve_topology=False,
    )
    counts = shapely.get_num_coordinates(lines)
    kept = dict(zip(todo, np.split(shapely.get_coordinates(lines), np.cumsum(counts)[:-1]) if todo else []))
    out: list[np.ndarray] = []
    for index, arc in enumerate(arcs):
        if tolerances[index] is None:
            out.append(arc)
            continue
        simplified = kept[index] if index in kept else arc.copy()
        places = None if decimals is None else decimals[index]
        if places is not None:
            simplified = np.round(simplified, places)
        if node_decimals is not None:
            simplified[[0, -1]] = np.round(arc[[0, -1]], node_decimals)
        keep = np.ones(len(simplified), dtype=bool)
        keep[1:] = np.any(simplified[1:] != simplified[:-1], axis=1)
        out.append(simplified[keep])
    return out


def find_arc_conflicts(arcs: Sequence[np.ndarray], indices: Iterable[int]) -> set[int]:
    """Return the arcs that cross, overlap or touch another arc (or themselves) other than at shared nodes.

    In a clean topology arcs meet only at their end points. After simplification two arcs can cross (a
    border cutting a coast, a strait closing) or a closed arc can fold onto itself (an island collapsing to
    a line); each such arc is returned so that it can be simplified again more finely.

    Parameters
    ----------
    arcs : sequence of numpy.ndarray
        Arcs, longitude/latitude in degrees.
    indices : iterable of int
        The arcs to check (against each other).

    Returns
    -------
    set of int
        Indices of the arcs involved in a conflict.
    """
    indices = sorted(set(indices))
    if not indices:
        return set()
    conflicts: set[int] = set()
    lines = []
    for index in indices:
        coords = arcs[index]
        if len(coords) < 4 and np.array_equal(coords[0], coords[-1]):
            conflicts.add(index)  # a closed arc (an island, a lake) collapsed to a point or a line
        lines.append(shapely.LineString(coords) if len(coords) > 1 else shapely.Point(coords[0]))
    lines_array = np.array(lines, dtype=object)
    for position in np.flatnonzero(~shapely.is_simple(lines_array)):
        conflicts.add(indices[position])
    tree = shapely.STRtree(lines_array)
    left, right = tree.query(lines_array, predicate="intersects")
    for a, b in zip(left.tolist(), right.tolist()):
        if a >= b:
            continue
        shared = lines[a].intersection(lines[b])
        if shared.is_empty:
            continue
        nodes_a = {tuple(arcs[indices[a]][0]), tuple(arcs[indices[a]][-1])}
        nodes_b = {tuple(arcs[indices[b]][0]), tuple(arcs[indices[b]][-1])}
        allowed = nodes_a & nodes_b
        at_nodes = shared.geom_type in ("Point", "MultiPoint") and all(
            tuple(p) in allowed for p in shapely.get_coordinates(shared).tolist()
        )
        if at_nodes:
            continue
        conflicts.add(indices[a])
        conflicts.add(indices[b])
    return conflicts


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
    for geometry in _object_geometries(topology, object_name):
        own_code = _code(geometry, code_property)
        if own_code is None or own_code in drop or not _polygon_arcs(geometry):
            continue
        code = merge.get(own_code, own_code)
        tier = "focus" if code in focus else "neighbour" if code in neighbours else "context"
        feature = features.setdefault(code, _Feature(code, code, tier, []))
        if own_code == code:  # a merged feature is named after the feature it joins
            feature.name = str((geometry.get("properties") or {}).get(name_property, code))
        feature.merged |= own_code != code
        feature.polygons.extend(_polygon_arcs(geometry))
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
            polygon = _polygon(arcs, rings)
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
    parts = [p for p in (_polygon(arcs, rings) for rings in feature.polygons) if p is not None]
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
        coords = _ring(arcs, ring)
        return coords is None or abs(_signed_area(coords)) < min_area

    staged_area = [
        0.0 if polygon is None else shapely.area(shapely.intersection(Polygon(polygon.exterior), stage_box))
        for polygon in (_polygon(arcs, rings[:1]) for rings in feature.polygons)
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
