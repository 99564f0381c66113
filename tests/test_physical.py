"""The physical basemap layer (data/physical.geojson): the shipped file and the pure parts of its build script.

Nothing here touches the network: the build script's npm step is not run; its functions are tried on tiny
synthetic topologies.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, shape

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
PHYSICAL = DATA / "physical.geojson"
SIZE_LIMIT = 80 * 1024


def _script():
    spec = importlib.util.spec_from_file_location("build_physical", REPO / "scripts" / "build_physical.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


bp = _script()


@pytest.fixture(scope="module")
def shipped():
    collection = json.loads(PHYSICAL.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in collection["features"]}, collection


@pytest.fixture(scope="module")
def stage():
    boundaries = json.loads((DATA / "boundaries.geojson").read_text(encoding="utf-8"))
    return shapely.total_bounds([shape(f["geometry"]) for f in boundaries["features"]])


# --------------------------------------------------------------------------------------------------
# The shipped file
# --------------------------------------------------------------------------------------------------


def test_file_is_a_small_compact_feature_collection(shipped):
    features, collection = shipped
    raw = PHYSICAL.read_bytes()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == len(features)
    assert len(raw) < SIZE_LIMIT, f"{len(raw)} bytes: the map payload grows with every page that draws the layer"
    assert b"\n" not in raw[:-1] and raw.endswith(b"\n")  # compact, as the build script writes it
    assert "crs" not in collection  # RFC 7946: EPSG:4326 is implied


def test_every_feature_has_the_properties_and_a_valid_geometry_of_its_kind(shipped):
    features, _ = shipped
    for fid, feature in features.items():
        props = feature["properties"]
        assert set(props) == {"id", "name", "kind", "period", "sources", "note"}, fid
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fid), fid
        assert props["name"] and props["name"] == props["name"].strip() and "  " not in props["name"], fid
        assert props["kind"] in {"river", "lake", "historic_lake"}, fid
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty, fid
        if props["kind"] == "river":
            assert isinstance(geometry, (LineString, MultiLineString)), fid
            assert props["period"] == "today"
        else:
            assert isinstance(geometry, (Polygon, MultiPolygon)), fid
            for polygon in getattr(geometry, "geoms", [geometry]):
                assert polygon.exterior.is_ccw, f"{fid}: RFC 7946 wants exterior rings counter-clockwise"
        if props["kind"] == "lake":
            assert props["period"] == "today"


def test_coordinates_are_lon_lat_inside_the_stage_with_at_most_four_decimals(shipped, stage):
    features, _ = shipped
    min_lon, min_lat, max_lon, max_lat = stage
    for fid, feature in features.items():
        coords = shapely.get_coordinates(shape(feature["geometry"]))
        assert coords[:, 0].min() >= min_lon and coords[:, 0].max() <= max_lon, fid
        assert coords[:, 1].min() >= min_lat and coords[:, 1].max() <= max_lat, fid
    text = PHYSICAL.read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{5,}", text), "coordinates are rounded to 4 decimals"


@pytest.mark.parametrize(
    ("fid", "name", "kind"),
    [
        ("amu-darya", "Amu Darya", "river"),
        ("syr-darya", "Syr Darya", "river"),
        ("volga", "Volga", "river"),
        ("ural", "Ural", "river"),
        ("aral-sea", "Aral Sea", "lake"),
        ("aral-sea-late-1950s", "Aral Sea", "historic_lake"),
        ("lake-balkhash", "Lake Balkhash", "lake"),
        ("issyk-kul", "Issyk-Kul", "lake"),
        ("lake-sevan", "Lake Sevan", "lake"),
    ],
)
def test_named_features_are_present(shipped, fid, name, kind):
    features, _ = shipped
    assert fid in features
    assert features[fid]["properties"]["name"] == name
    assert features[fid]["properties"]["kind"] == kind


@pytest.mark.xfail(strict=True, reason="Natural Earth draws Kura, Aras and Ili only at 1:10m, which no registry "
                                       "package carries (README, Known gaps, lists those checked)")
@pytest.mark.parametrize("fid", ["kura", "aras", "ili"])
def test_rivers_natural_earth_has_only_at_10m(shipped, fid):
    assert fid in shipped[0]


def test_the_lakes_where_the_brief_expects_them(shipped):
    features, _ = shipped
    where = {  # a point inside each lake (lon, lat)
        "aral-sea": (59.5, 45.5), "lake-balkhash": (77.0, 46.5), "issyk-kul": (77.3, 42.4), "lake-sevan": (45.3, 40.3)}
    for fid, (lon, lat) in where.items():
        assert shape(features[fid]["geometry"]).contains(shapely.Point(lon, lat)), fid


def test_historic_aral_is_the_larger_outline_around_todays(shipped):
    features, _ = shipped
    historic = shape(features["aral-sea-late-1950s"]["geometry"])
    today = shape(features["aral-sea"]["geometry"])
    assert features["aral-sea-late-1950s"]["properties"]["period"] == "late 1950s"
    assert historic.area > 2.5 * today.area  # about 68,000 km2 then, a fraction of it in Natural Earth's today
    assert today.difference(historic.buffer(0.05)).area < 0.02 * today.area


def test_rivers_reach_their_mouths(shipped):
    features, _ = shipped

    def near(fid, lon, lat, within=0.3):
        return shape(features[fid]["geometry"]).distance(shapely.Point(lon, lat)) <= within

    assert near("volga", 47.7, 45.8)  # the delta on the Caspian
    assert near("ural", 51.7, 47.0)  # Atyrau, on the Caspian
    assert near("amu-darya", 58.3, 44.4)  # the old delta south of the Aral
    assert near("syr-darya", 61.0, 46.1)  # the North Aral


def test_every_source_id_is_in_sources_csv(shipped):
    features, _ = shipped
    with (DATA / "sources.csv").open(encoding="utf-8", newline="") as handle:
        known = {row["id"] for row in csv.DictReader(handle)}
    cited = {s for f in features.values() for s in f["properties"]["sources"].split(";")}
    assert cited and cited <= known, cited - known


def test_committed_inputs_parse():
    rows = bp.read_names()
    assert {r.id for r in rows} >= bp.REQUIRED - {bp.HISTORIC_ID}
    historic = json.loads(bp.HISTORIC_FILE.read_text(encoding="utf-8"))
    (aral,) = historic["features"]
    polygon = shape(aral["geometry"])
    assert polygon.is_valid and aral["properties"]["date"] == "late 1950s"
    assert polygon.bounds == pytest.approx(aral["bbox"])  # the transcription keeps Natural Earth's extremes


# --------------------------------------------------------------------------------------------------
# The build script's pure functions, on synthetic input
# --------------------------------------------------------------------------------------------------


def test_parse_match():
    assert bp.parse_match("bbox 1 2 3 4") == ("bbox", (1.0, 2.0, 3.0, 4.0))
    assert bp.parse_match("points 1 2; 3.5 4") == ("points", ((1.0, 2.0), (3.5, 4.0)))
    for bad in ("bbox 3 2 1 4", "bbox 1 2 3", "points", "points 1 2 3", "box 1 2 3 4", "points a b"):
        with pytest.raises(ValueError):
            bp.parse_match(bad)


def test_match_bbox_needs_exactly_one_feature():
    geometries = [shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6), shapely.box(5.01, 5, 6, 6.01)]
    assert bp.match_bbox(geometries, (0.02, 0, 1, 0.99)) == 0
    with pytest.raises(LookupError, match="0 features"):
        bp.match_bbox(geometries, (2, 2, 3, 3))
    with pytest.raises(LookupError, match="2 features"):
        bp.match_bbox(geometries, (5, 5, 6, 6))


def test_match_points_collects_the_lines_the_points_lie_on():
    lines = [LineString([(0, 0), (10, 0)]), LineString([(0, 5), (10, 5)]), LineString([(0, 5.02), (10, 5.02)])]
    assert bp.match_points(lines, [(2, 0.01), (8, -0.02)]) == [0]
    with pytest.raises(LookupError, match="0 features"):
        bp.match_points(lines, [(2, 2)])
    with pytest.raises(LookupError, match="2 features"):
        bp.match_points(lines, [(2, 5.01)])


def test_clean_lines_merges_and_drops_short_parts():
    geometry = MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 0)], [(5, 5), (5.05, 5)]])
    cleaned = bp.clean_lines(geometry, min_length=0.1)
    assert isinstance(cleaned, LineString) and cleaned.length == pytest.approx(2)
    # the longest part survives even when every part is short
    assert bp.clean_lines(LineString([(0, 0), (0.01, 0)]), min_length=0.1).length == pytest.approx(0.01)
    assert bp.clean_lines(Polygon([(0, 0), (1, 0), (1, 1)])) is None


def test_clean_polygons_repairs_drops_specks_and_orients():
    clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    speck = shapely.box(5, 5, 5.01, 5.01)
    cleaned = bp.clean_polygons(MultiPolygon([clockwise, speck]), min_area=0.001)
    assert isinstance(cleaned, Polygon) and cleaned.exterior.is_ccw and cleaned.area == pytest.approx(1)
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # self-intersecting: repaired, not dropped
    repaired = bp.clean_polygons(bowtie, min_area=0.0)
    assert repaired.is_valid and repaired.area == pytest.approx(0.5)
    assert bp.clean_polygons(Polygon()) is None


def test_generalise_clips_simplifies_and_rounds():
    wiggly = LineString([(x / 100, (x % 2) / 1000) for x in range(2001)])  # 0..20 degrees, 0.001 zigzag
    line = bp.generalise(wiggly, "river", (5, -1, 15, 1), tolerance=0.01, decimals=4)
    assert line.bounds[0] == 5 and line.bounds[2] == 15 and line.bounds[3] <= 0.001  # clipped to the stage
    assert shapely.get_num_coordinates(line) < 10
    lake = bp.generalise(shapely.box(-1, -1, 1.123456, 1), "lake", (0, 0, 10, 10), tolerance=0.01, decimals=4)
    assert lake.bounds == pytest.approx((0, 0, 1.1235, 1))
    assert bp.generalise(shapely.box(20, 20, 21, 21), "lake", (0, 0, 10, 10), tolerance=0.01) is None


def test_feature_and_geojson_bytes_round_and_stay_compact():
    f = bp.feature(LineString([(1.123456, -0.00001), (2, 3)]), id="x", name="X", kind="river", period="today",
                   sources=["a", "b"])
    assert f["geometry"]["coordinates"] == [[1.1235, 0.0], [2.0, 3.0]]
    assert f["properties"] == {"id": "x", "name": "X", "kind": "river", "period": "today", "sources": "a;b",
                               "note": ""}
    raw = bp.geojson_bytes([f])
    assert raw.endswith(b"\n") and b" " not in raw
    assert json.loads(raw)["features"][0]["geometry"]["coordinates"][0] == [1.1235, 0.0]


def test_load_topology_checks_the_hash():
    raw = b'{"type": "Topology", "objects": {}, "arcs": []}'
    assert bp.load_topology(raw, expected_sha256=None)["type"] == "Topology"
    with pytest.raises(RuntimeError, match="package changed"):
        bp.load_topology(raw, expected_sha256="0" * 64)


def test_read_names_refuses_repeated_ids_and_unknown_kinds(tmp_path):
    header = "id,name,kind,ne_file,ne_name,ne_id,wikidataid,match\n"
    good = "a,A,lake,ne_50m_lakes,A,,,bbox 0 0 1 1\n"
    path = tmp_path / "names.csv"
    path.write_text(header + good, encoding="utf-8")
    assert bp.read_names(path)[0].match == ("bbox", (0.0, 0.0, 1.0, 1.0))
    path.write_text(header + good + good, encoding="utf-8")
    with pytest.raises(ValueError, match="repeated"):
        bp.read_names(path)
    path.write_text(header + "a,A,sea,ne_50m_lakes,A,,,bbox 0 0 1 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        bp.read_names(path)


TOPOLOGY = {
    "type": "Topology",
    "objects": {
        "lakes": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0]]}, {"type": "Polygon", "arcs": [[1]]}]},
        "rivers": {"type": "GeometryCollection", "geometries": [
            {"type": "LineString", "arcs": [2]}, {"type": "LineString", "arcs": [3]},
            {"type": "LineString", "arcs": [4]}]},
    },
    "arcs": [
        [[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]],
        [[20, 10], [21, 10], [21, 11], [20, 10]],
        [[10, 20], [15, 21], [20, 20]],
        [[20, 20], [25, 22]],  # the same river, downstream: a second feature, as a lake centerline would be
        [[30, 30], [31, 31]],
    ],
}
HISTORIC = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
    "name": "Aral Sea", "name_en": "Aral Sea", "date": "late 1950s", "label": "Historic Aral Sea"},
    "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]}}]}


def _rows():
    return [
        bp.NameRow("big-lake", "Big Lake", "lake", "ne_50m_lakes", "Big L.", ("bbox", (10, 10, 12, 12))),
        bp.NameRow("long-river", "Long River", "river", "ne_50m_rivers_lake_centerlines", "Long  River",
                   ("points", ((15, 21), (24, 21.6)))),
    ]


def test_build_names_clips_and_orders_synthetic_features():
    features = bp.build({"world_50m": TOPOLOGY}, _rows(), HISTORIC, (0, 0, 40, 40), required={"big-lake"})
    ids = [f["properties"]["id"] for f in features]
    assert ids == [bp.HISTORIC_ID, "big-lake", "long-river"]  # historic first, unnamed features left out
    by_id = {f["properties"]["id"]: f for f in features}
    river = shape(by_id["long-river"]["geometry"])
    assert isinstance(river, LineString) and river.bounds == (10, 20, 25, 22)  # two features merged into one line
    assert by_id["big-lake"]["properties"]["sources"] == ";".join(bp.LAKE_SOURCES)
    assert by_id[bp.HISTORIC_ID]["properties"] == {
        "id": bp.HISTORIC_ID, "name": "Aral Sea", "kind": "historic_lake", "period": "late 1950s",
        "sources": ";".join(bp.HISTORIC_SOURCES), "note": "Historic Aral Sea"}
    # a stage that cuts the river keeps only its part on the stage
    clipped = bp.build({"world_50m": TOPOLOGY}, _rows(), HISTORIC, (0, 0, 18, 40), required=())
    river = shape({f["properties"]["id"]: f for f in clipped}["long-river"]["geometry"])
    assert river.bounds[2] == pytest.approx(18)


def test_build_fails_on_an_unmatched_name_or_a_missing_required_feature():
    rows = [*_rows(), bp.NameRow("ghost", "Ghost", "lake", "ne_50m_lakes", "Ghost", ("bbox", (50, 50, 51, 51)))]
    with pytest.raises(LookupError, match="ghost"):
        bp.build({"world_50m": TOPOLOGY}, rows, HISTORIC, (0, 0, 40, 40), required=())
    with pytest.raises(RuntimeError, match="big-lake"):
        bp.build({"world_50m": TOPOLOGY}, _rows(), HISTORIC, (0, 0, 5, 5), required={"big-lake"})
