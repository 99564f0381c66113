"""TopoJSON topologies: decode arcs and objects, find who owns each arc, simplify arcs one by one.

A TopoJSON topology stores every border once, as an *arc*; a country is a list of rings, each ring a list
of arc indices (``~i``, i.e. ``-i - 1``, means arc ``i`` walked backwards). This module works on the arcs:
it decodes them (undoing quantization and delta encoding, `decode_arcs`), assembles an object's features
from them (`decode_object`, `polygon_of`), tells which features share an arc (`neighbours_of`), simplifies
every arc once with its own tolerance (`simplify_arcs`) and finds simplified arcs that cross or collapse
(`find_arc_conflicts`). `scripts/boundaries.py` builds the atlas's country polygons with it.

All coordinates are longitude/latitude degrees (EPSG:4326); tolerances are in degrees. Build-time code: the
app never imports it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

CRS = "EPSG:4326"

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


def object_geometries(topology: Mapping[str, Any], object_name: str) -> list[dict[str, Any]]:
    """Return the geometries of the object `object_name`, nested GeometryCollections flattened."""
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


def ring_of(arcs: Sequence[np.ndarray], indices: Sequence[int]) -> np.ndarray | None:
    """Return a ring's coordinates from its signed arc indices, repeats removed; None if it collapsed."""
    coords = _stitch(arcs, indices)
    if len(coords):
        keep = np.ones(len(coords), dtype=bool)
        keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
        coords = coords[keep]
    if len(coords) < 4 or not np.array_equal(coords[0], coords[-1]):
        return None  # collapsed (or not closed): no area to draw
    return coords


def polygon_of(arcs: Sequence[np.ndarray], rings: Sequence[Sequence[int]]) -> Polygon | None:
    """Return the Polygon of rings of signed arc indices (shell first); None if the shell collapsed."""
    shell = ring_of(arcs, rings[0]) if rings else None
    if shell is None:
        return None
    holes = [hole for hole in (ring_of(arcs, r) for r in rings[1:]) if hole is not None]
    return Polygon(shell, holes)


def _geometry(arcs: Sequence[np.ndarray], geometry: Mapping[str, Any], transform: Any) -> shapely.Geometry | None:
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        polygon = polygon_of(arcs, geometry["arcs"])
        return polygon if polygon is not None else Polygon()
    if kind == "MultiPolygon":
        polygons = [p for p in (polygon_of(arcs, rings) for rings in geometry["arcs"]) if p is not None]
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
    for geometry in object_geometries(topology, object_name):
        rows.append({"id": geometry.get("id"), **(geometry.get("properties") or {})})
        geometries.append(_geometry(arcs, geometry, topology.get("transform")))
    columns = ["id", *dict.fromkeys(k for row in rows for k in row if k != "id")]
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs=CRS)


# --------------------------------------------------------------------------------------------------
# Arc ownership and simplification
# --------------------------------------------------------------------------------------------------


def polygon_arcs(geometry: Mapping[str, Any]) -> list[list[list[int]]]:
    """Return a polygonal TopoJSON geometry as polygons -> rings -> signed arc indices."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def feature_code(geometry: Mapping[str, Any], code_property: str) -> str | None:
    """Return a geometry's `code_property` as a string; None when it is missing or blank."""
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
    owners = _arc_owners(object_geometries(topology, object_name), code_property)
    wanted = set(codes)
    found: set[str] = set()
    for owner_codes in owners.values():
        if owner_codes & wanted:
            found |= owner_codes
    return found - wanted


def _arc_owners(geometries: Iterable[Mapping[str, Any]], code_property: str) -> dict[int, set[str]]:
    owners: dict[int, set[str]] = {}
    for geometry in geometries:
        code = feature_code(geometry, code_property)
        if code is None:
            continue
        for rings in polygon_arcs(geometry):
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
    meet. A closed arc is measured from its start point: it keeps its farthest point, unless the whole arc lies
    within the tolerance of its start (then it collapses onto that node; `find_arc_conflicts` reports it).

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
