"""Lines drawn along published traces (energy_traces.csv): validation, orientation and joins, the build script,
and the shipped lines' lengths against their published lengths."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from shapely import wkt
from shapely.geometry import LineString

from geo.energy import energy_lines
from geo.errors import DataError
from geo.lines import along_trace, display_lines, offset_km
from geo.load import load_atlas

REPO = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("build_energy_traces", REPO / "scripts" / "build_energy_traces.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def test_line_with_a_trace_is_drawn_along_it(tiny_atlas):
    line = energy_lines(tiny_atlas).set_index("id").loc["btc"]
    # the trace runs Ceyhan -> Baku side: turned round, then joined to the first named point (join_start)
    assert list(line.geometry.coords) == [(45.5, 40.5), (46.0, 40.6), (47.5, 40.9), (48.5, 40.5)]
    assert line["drawn_from"] == "traced route: Trace T1 (route accuracy: high)"
    assert line["geometry_sources"].split(";") == ["s-one", "s-two"]  # the waypoints' and the trace's sources
    # Tbilisi (47.5, 40.5) is the named point farthest from the drawn line: about 0.4 degrees of latitude
    assert 30 < line["waypoint_offset_km"] < 45
    cable = energy_lines(tiny_atlas).set_index("id").loc["cable"]
    assert cable["drawn_from"] == "named waypoints" and cable["waypoint_offset_km"] == 0


def test_along_trace_orients_and_joins_only_when_asked():
    trace = LineString([(3, 0), (2, 1), (1, 0)])
    assert list(along_trace(trace, (0, 0), (4, 0), join_start=False, join_end=False).coords) == [(1, 0), (2, 1), (3, 0)]
    assert list(along_trace(trace, (0, 0), (4, 0), join_start=True, join_end=True).coords) == [
        (0, 0), (1, 0), (2, 1), (3, 0), (4, 0)]
    assert list(along_trace(trace, (4, 0), (0, 0), join_start=False, join_end=True).coords) == [
        (3, 0), (2, 1), (1, 0), (0, 0)]
    # an end already on the named point is not doubled
    assert list(along_trace(trace, (3, 0), (1, 0), join_start=True, join_end=True).coords) == [(3, 0), (2, 1), (1, 0)]
    assert offset_km(LineString([(0, 0), (0, 1)]), (0.1, 0.5)) == pytest.approx(11.1, abs=0.1)


def test_display_lines_keep_rows_and_drop_points(tiny_atlas):
    lines = energy_lines(tiny_atlas)
    wiggly = LineString([(40 + i / 1000, 40 + (i % 2) / 10000) for i in range(2000)])
    lines = lines.set_geometry([wiggly, *lines.geometry.iloc[1:]])
    shown = display_lines(lines)
    assert shown["id"].tolist() == lines["id"].tolist() and len(shown.geometry.iloc[0].coords) == 2
    assert lines.geometry.iloc[0].equals(wiggly)  # the measured geometry is untouched


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("link_id", "nowhere", r"energy_traces\.csv, row 1 \(line 2\), column 'link_id': found 'nowhere', expected an id listed in energy_links\.csv"),
        ("wkt", "POINT (45 40)", r"column 'wkt': found 'POINT \(45 40\)', expected a WKT LINESTRING of 2 to 20,000 lon/lat points"),
        ("wkt", "LINESTRING (45 40, 200 40)", r"column 'wkt': found 'LINESTRING \(45 40, 200 40\)', expected a WKT LINESTRING"),
        ("wkt", "LINESTRING (45 40, nan 41)", r"column 'wkt': found 'LINESTRING \(45 40, nan 41\)', expected a WKT LINESTRING"),
        ("wkt", "LINESTRING (45 40", r"column 'wkt': found 'LINESTRING \(45 40', expected a WKT LINESTRING"),
        ("join_start", "yes", r"column 'join_start': found 'yes', expected one of true, false"),
        ("sources", "nobody", r"column 'sources': found 'nobody', expected source ids listed in sources\.csv \(unknown: nobody\)"),
        ("trace", "", r"column 'trace': found '', expected a value"),
        pytest.param(
            "wkt", "LINESTRING (" + ", ".join(f"{45 + i / 10000:.4f} 40" for i in range(20_001)) + ")",
            r"column 'wkt': found 'LINESTRING \(45\.0000 40.*expected a WKT LINESTRING of 2 to 20,000", id="too_long_trace",
        ),
    ],
)
def test_trace_validation(tiny_data, tiny_tables, column, value, message):
    tiny_tables.edit("energy_traces.csv", 0, column, value)
    with pytest.raises(DataError, match=message):
        load_atlas(tiny_data)


def test_one_trace_per_line(tiny_data, tiny_tables):
    table = tiny_tables.rows("energy_traces.csv") * 2
    tiny_tables.write("energy_traces.csv", table)
    with pytest.raises(DataError, match=r"energy_traces\.csv, row 2 \(line 3\), column 'link_id': found 'btc', expected a unique value \(row 1 has it too\)"):
        load_atlas(tiny_data)


def _gem_feature(pid: str, coords, kind="LineString", **props):
    return {"type": "Feature", "properties": {"ProjectID": pid, **props}, "geometry": {"type": kind, "coordinates": coords}}


def test_build_script_merges_rounds_and_names_what_is_missing(tmp_path, tiny_data):
    script = _script()
    gem = tmp_path / "gem"
    gem.mkdir()
    # a single-project file in two parts that join, and a combined file holding another project
    two_parts = {"type": "FeatureCollection", "features": [
        _gem_feature("P0001", [[46.0, 40.6], [47.123456789, 40.9]]),
        _gem_feature("P0001", [[[47.123456789, 40.9], [48.5, 40.5]]], kind="MultiLineString")]}
    (gem / "P0001.geojson").write_text(json.dumps(two_parts), encoding="utf-8")
    combined = {"type": "FeatureCollection", "features": [
        _gem_feature("P0002", [[40.5, 40.5], [45.5, 40.5]], RouteAccuracy="medium"),
        _gem_feature("P0003", [[1, 1], [2, 2]])]}
    (gem / "liquid.geojson").write_text(json.dumps(combined), encoding="utf-8")
    traces = (script.Trace("btc", "P0001", "https://example.org/P0001", True, False, "two parts", "s-two"),
              script.Trace("cable", "P0002", "https://example.org/P0002", False, False, "", "s-one"))
    text = script.build(gem, traces)
    table = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    assert table.columns.tolist() == script.COLUMNS
    assert list(wkt.loads(table.loc[0, "wkt"]).coords) == [(46.0, 40.6), (47.12346, 40.9), (48.5, 40.5)]
    assert table["accuracy"].tolist() == ["", "medium"] and table["join_start"].tolist() == ["true", "false"]
    # what it writes is a valid energy_traces.csv
    (tiny_data / "energy_traces.csv").write_text(text, encoding="utf-8")
    assert len(load_atlas(tiny_data).energy_traces) == 2
    missing = (script.Trace("btc", "P0404", "https://example.org/P0404", False, False, "", "s-one"),)
    with pytest.raises(FileNotFoundError, match=r"P0404 \(btc\): https://example\.org/P0404"):
        script.build(gem, missing)
    apart = {"type": "FeatureCollection", "features": [_gem_feature("P0005", [[0, 0], [1, 1]]),
                                                        _gem_feature("P0005", [[5, 5], [6, 6]])]}
    (gem / "P0005.geojson").write_text(json.dumps(apart), encoding="utf-8")
    with pytest.raises(ValueError, match=r"P0005: the route's 2 parts do not join into one line"):
        script.build(gem, (script.Trace("btc", "P0005", "u", False, False, "", "s-one"),))


def test_shipped_traces_are_the_ones_the_script_declares(atlas):
    script = _script()
    declared = {t.link_id: f"GEM {t.project}" for t in script.TRACES}
    assert dict(zip(atlas.energy_traces["link_id"], atlas.energy_traces["trace"])) == declared


SHORT_FOR_A_REASON = {
    # A planned line whose alignment nobody has published: its sources name the districts it will cross, so the
    # line cuts the corners of a mountain route (42 tunnels in Tajikistan). See README, Known gaps.
    "cagp-d": "Central Asia-China Line D",
    # Sources place only the ends and the Dilucu crossing; the road-side route through Aralık is not sourced.
    "igdir-nakhchivan": "Iğdır-Nakhchivan gas pipeline",
    # The operator names the regions it crosses (Kardzhali, Haskovo, Dimitrovgrad), drawn at their towns; its
    # GEM route could not be identified.
    "igb": "Interconnector Greece-Bulgaria",
}


def test_shipped_lines_match_their_published_lengths(atlas):
    """Done means (issue 5): a line with a published length is drawn within 10 % of it; the exceptions are named
    with their reasons, so that a line drifting out of the band, or an exception coming into it, fails this test;
    and even they come to three quarters of their published length."""
    measured = energy_lines(atlas).dropna(subset=["published_length_km"]).set_index("id")
    off = measured[(measured["length_ratio"] < 0.9) | (measured["length_ratio"] > 1.1)]
    assert set(off.index) == set(SHORT_FOR_A_REASON), off[["length_km", "published_length_km", "length_ratio"]].to_string()
    assert len(measured) - len(off) == 15
    assert (off["length_ratio"] >= 0.75).all(), off["length_ratio"].to_string()


def test_named_points_lie_near_the_traces_they_cite(atlas):
    """Two independent sources agree: every named waypoint of a traced line is within 25 km of the trace, but for
    Central Asia-China's Saman-Depe, 45 km from where the trace begins (its note says the Turkmen feeders are not
    traced)."""
    traced = energy_lines(atlas).set_index("id")
    traced = traced[traced["drawn_from"] != "named waypoints"]
    assert len(traced) == len(atlas.energy_traces)
    limits = pd.Series(25.0, index=traced.index).where(traced.index != "cagp-abc", 50.0)
    assert (traced["waypoint_offset_km"] <= limits).all(), traced["waypoint_offset_km"].to_string()
