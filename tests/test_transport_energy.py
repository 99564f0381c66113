"""Transport and energy layers: validation of their files, measured lines, filters, indicator join, CLI."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

from geo.cli import main
from geo.energy import capacity_totals, energy_lines, filter_energy, latest_indicator, links_of_country
from geo.errors import DataError
from geo.load import DATA_DIR_ENV, load_atlas
from geo.transport import (
    filter_routes,
    named_route_lengths,
    nearest_feature,
    route_lines,
    tables_for_readers,
    view_tables,
)


def test_route_lines_run_through_nodes_and_waypoints(tiny_atlas):
    lines = route_lines(tiny_atlas).set_index("id")
    assert list(lines.loc["xian-aktau"].geometry.coords) == [(49.5, 40.5), (45.0, 40.5), (40.5, 40.5)]
    assert lines.loc["xian-aktau", "waypoints"] == "Xi'an → Midway → Aktau"
    assert bool(lines.loc["xian-aktau", "approximate"]) is True
    assert lines.loc["aktau-baku", "length_ratio"] == pytest.approx(lines.loc["aktau-baku", "length_km"] / 470, abs=1e-3)
    assert set(lines.loc["xian-aktau", "countries"].split(";")) >= {"KAZ", "RUS"}


def test_named_routes_sum_their_segments(tiny_atlas):
    named = named_route_lengths(tiny_atlas).iloc[0]
    lines = route_lines(tiny_atlas).set_index("id")
    assert named["length_km"] == pytest.approx(lines.loc["xian-aktau", "length_km"] + lines.loc["aktau-baku", "length_km"], abs=0.1)


def test_route_filters(tiny_atlas):
    lines = route_lines(tiny_atlas)
    assert filter_routes(lines, mode=["ferry"])["id"].tolist() == ["aktau-baku"]
    assert filter_routes(lines, iso3=["RUS"])["id"].tolist() == ["xian-aktau"]
    assert len(filter_routes(lines)) == 2


def test_nearest_feature(tiny_atlas):
    lines = route_lines(tiny_atlas)
    assert nearest_feature(lines, 40.6, 43.0, max_deg=0.5) in {"xian-aktau", "aktau-baku"}
    assert nearest_feature(lines, 45.0, 43.0, max_deg=0.5) is None


def test_energy_lines_and_totals(tiny_atlas):
    lines = energy_lines(tiny_atlas).set_index("id")
    assert lines.loc["btc", "length_ratio"] == pytest.approx(lines.loc["btc", "length_km"] / 1768, abs=1e-3)
    assert pd.isna(lines.loc["cable", "length_ratio"])  # no published length: no ratio, not zero
    totals = capacity_totals(energy_lines(tiny_atlas)).set_index("commodity")
    assert totals.loc["oil", "total_capacity"] == 1_000_000
    assert totals.loc["electricity", "with_capacity"] == 0 and pd.isna(totals.loc["electricity", "total_capacity"])
    assert filter_energy(energy_lines(tiny_atlas), status=["proposed"])["id"].tolist() == ["cable"]
    assert links_of_country(energy_lines(tiny_atlas), "AZE")["id"].tolist() == ["btc", "cable"]


def test_indicator_missing_stays_missing(tiny_atlas):
    values = latest_indicator(tiny_atlas, "renewable_capacity_mw", ["KAZ", "TKM", "AZE"]).set_index("iso3")
    assert values.loc["KAZ", "value"] == 5419 and values.loc["TKM", "value"] == 2
    assert pd.isna(values.loc["AZE", "value"])  # no row: no data, never zero
    assert latest_indicator(tiny_atlas, "hydro_share_pct", ["KAZ"])["value"].isna().all()


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("energy_links.csv", 0, "capacity_unit", "barrels", r"column 'capacity_unit': found 'barrels', expected one of bcm/yr, bbl/d, Mt/yr, MW"),
        ("energy_links.csv", 0, "status", "finished", r"column 'status': found 'finished', expected one of operational, under_construction, planned, proposed, stalled"),
        ("energy_links.csv", 0, "commodity", "coal", r"column 'commodity': found 'coal', expected one of oil, gas, electricity"),
        ("routes.csv", 1, "to_node", "paris", r"routes\.csv, row 2 \(line 3\), column 'to_node': found 'paris', expected an id listed in nodes\.csv"),
        ("routes.csv", 0, "mode", "camel", r"column 'mode': found 'camel', expected one of rail, ferry, sea, road"),
        ("nodes.csv", 1, "capacity_unit", "", r"nodes\.csv, row 2 \(line 3\), column 'capacity_unit': found '', expected a unit when capacity is given"),
        ("route_waypoints.csv", 0, "route_id", "nowhere", r"column 'route_id': found 'nowhere', expected an id listed in routes\.csv"),
        ("named_routes.csv", 0, "segments", "xian-aktau;ghost", r"expected ids listed in routes\.csv, separated by ';' \(unknown: ghost\)"),
        ("transit_times.csv", 0, "days_max", "5", r"column 'days_max': found '5', expected at least days_min \(10\)"),
        ("indicators.csv", 1, "value", "n/a", r"column 'value': found 'n/a', expected a number"),
        ("energy_waypoints.csv", 1, "seq", "1", r"energy_waypoints\.csv, row 2 \(line 3\), column 'seq': found '1', expected a unique link_id \+ seq \(row 1 has btc/1 too\)"),
    ],
)
def test_transport_and_energy_validation(tiny_data, tiny_tables, file, row, column, value, message):
    tiny_tables.edit(file, row, column, value)
    with pytest.raises(DataError, match=message):
        load_atlas(tiny_data)


def test_energy_line_needs_two_points(tiny_data, tiny_tables):
    table = [r for r in tiny_tables.rows("energy_waypoints.csv") if not (r["link_id"] == "cable" and r["seq"] == "2")]
    tiny_tables.write("energy_waypoints.csv", table)
    with pytest.raises(DataError, match=r"energy_waypoints\.csv, column 'link_id': found 'cable', expected at least 2 points for cable \(found 1\)"):
        load_atlas(tiny_data)


def test_cli_route_and_geojson(tiny_data, tmp_path, capsys):
    assert main(["--data-dir", str(tiny_data), "route", "xian", "baku"]) == 0
    out = capsys.readouterr().out
    assert "1. Xi'an → Aktau" in out and "Total:" in out and "Sea crossings: Aktau–Baku ferry" in out
    path = tmp_path / "r.geojson"
    assert main(["--data-dir", str(tiny_data), "route", "xian", "baku", "--format", "geojson", "-o", str(path)]) == 0
    doc = json.loads(path.read_text())
    assert [f["properties"]["segment"] for f in doc["features"]] == ["xian-aktau", "aktau-baku"]
    assert doc["route"]["total_km"] > 0
    assert main(["--data-dir", str(tiny_data), "route", "xian", "baku", "--exclude-mode", "ferry"]) == 3
    assert "no route from Xi'an to Baku" in capsys.readouterr().err
    assert main(["--data-dir", str(tiny_data), "route", "xian", "baku", "--avoid", "ZZZ"]) == 3


@pytest.mark.parametrize(
    ("argv", "rows_expected"),
    [
        (["export", "routes", "--mode", "ferry"], 1),
        (["export", "nodes", "--iso3", "KAZ"], 1),
        (["export", "air_links", "--iso3", "UZB"], 1),
        (["export", "energy", "--commodity", "oil"], 1),
        (["export", "energy", "--status", "proposed", "stalled"], 1),
    ],
)
def test_cli_exports_new_layers(tiny_data, tmp_path, argv, rows_expected):
    out = tmp_path / "x.geojson"
    assert main(["--data-dir", str(tiny_data), *argv, "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())["features"]) == rows_expected


# The shipped data: the acceptance checks of the transport and energy issues.

@pytest.fixture(scope="module")
def shipped():
    return load_atlas()


def test_xian_to_istanbul_avoiding_russia_crosses_the_caspian(shipped):
    from geo.routing import plan_route

    plan = plan_route(shipped, "xian", "istanbul", avoid_iso3=["RUS"])
    assert "RUS" not in plan.countries
    assert any("Caspian" in shipped.routes.set_index("id").at[leg.segment, "note"] or leg.mode == "ferry" for leg in plan.legs)
    assert {"KAZ", "AZE", "GEO", "TUR"} <= set(plan.countries)


def test_network_has_no_unmarked_dangling_ends(shipped):
    from geo.network import dangling_nodes
    from geo.transport import transport_network

    assert dangling_nodes(transport_network(shipped)) == []


def test_every_segment_and_link_cites_a_source(shipped):
    assert (shipped.routes["sources"] != "").all() and (shipped.energy_links["sources"] != "").all()


def test_btc_is_measured_against_its_published_length(shipped):
    btc = energy_lines(shipped).set_index("id").loc["btc"]
    assert btc["published_length_km"] == 1768
    assert btc["length_ratio"] == pytest.approx(btc["length_km"] / 1768, abs=1e-3)


STRAIGHT_FOR_A_REASON = {
    # No station between the two points is in the GeoNames extract or named by the sources (README, Known gaps).
    "xian-urumqi": "Jiuquan-Hami-Turpan",
    "aktogay-zhezkazgan": "Moiynty-Zhezkazgan, a link not sourced",
    "zhezkazgan-mangistau": "Zhezkazgan-Shalkar-Mangistau (Saksaulskaya and Beyneu not placed)",
    "uzen-gorgan": "Uzen-Gyzylgaya (the border stations are not in the GeoNames extract)",
    # Proposed, no alignment published: straight across the Hindu Kush between the places its sources name.
    "mazar-peshawar": "Mazar-i-Sharif-Kabul",
}


def _longest_step_km(line) -> float:
    from itertools import pairwise

    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    return max(geod.inv(x1, y1, x2, y2)[2] / 1000 for (x1, y1), (x2, y2) in pairwise(line.coords))


def test_no_straight_rail_or_road_step_over_300_km(shipped):
    """Issue 17: a rail or road segment is drawn through the places on its line, so that no straight step between
    two of them is over 300 km; the segments that still have one are named with the reason."""
    lines = route_lines(shipped)
    steps = {r.id: _longest_step_km(r.geometry) for r in lines.itertuples() if r.mode in ("rail", "road")}
    long_steps = {k: round(v) for k, v in steps.items() if v > 300}
    assert set(long_steps) == set(STRAIGHT_FOR_A_REASON), long_steps
    assert steps["dostyk-moscow"] < 300 and steps["kars-sadarak"] < 300


def test_rail_segments_come_near_their_published_lengths(shipped):
    """A segment with a published length is drawn at 0.8-1.1 of it (straight between named stations, a line comes
    out short); Kars-Ankara, through the few towns its sources place in the mountains, is the named exception."""
    measured = route_lines(shipped).dropna(subset=["published_length_km"]).set_index("id")
    off = measured[(measured["length_ratio"] < 0.8) | (measured["length_ratio"] > 1.1)]
    assert list(off.index) == ["kars-ankara"], off[["length_km", "published_length_km", "length_ratio"]].to_string()
    assert 0.75 < off.at["kars-ankara", "length_ratio"] < 0.8
    assert {"horadiz-aghband", "kars-sadarak", "uzen-gorgan", "ayagoz-bakhty", "termez-mazar"} <= set(measured.index)


def test_every_corridor_has_segments_and_the_new_lines_their_facts(shipped):
    """Each corridor of the vocabulary is drawn; the new lines carry status, a date or a capacity where sourced."""
    from geo import vocab

    routes = shipped.routes.set_index("id")
    assert set(routes["corridor"]) == set(vocab.CORRIDOR)
    assert routes.at["uzen-gorgan", "opened"] == "2014-12-03" and routes.at["uzen-gorgan", "status"] == "operational"
    assert routes.at["aghband-ordubad", "status"] == "planned" and "8 Aug 2025" in routes.at["aghband-ordubad", "note"]
    assert routes.at["mazar-peshawar", "status"] == "proposed"
    assert routes.at["kars-sadarak", "capacity"] == 15 and routes.at["ayagoz-bakhty", "published_length_km"] == 272


def test_dangling_ends_of_the_new_lines_are_terminal(shipped):
    """The new lines' ends that lead into networks not drawn are marked terminal, so the network check holds."""
    nodes = shipped.nodes.set_index("id")
    for node in ("horadiz", "zhanaozen", "gorgan", "ayagoz", "bakhty", "termez-hairatan", "peshawar"):
        assert nodes.at[node, "terminal"] == "true", node


def test_view_tables_are_remembered_per_set_of_segments_and_never_stale(atlas):
    lines = route_lines(atlas)
    ferries, rail = filter_routes(lines, mode=["ferry"]), filter_routes(lines, mode=["rail"])
    first = view_tables(atlas, ferries)
    assert view_tables(atlas, filter_routes(lines, mode=["ferry"])) is first  # the same segments: built once
    second = view_tables(atlas, rail)
    for remembered, segments in ((first, ferries), (second, rail), (view_tables(atlas, ferries), ferries)):
        fresh = tables_for_readers(atlas, segments)
        assert remembered.keys() == fresh.keys() and all(remembered[k].equals(fresh[k]) for k in fresh)
        assert remembered["corridors"]["Segments"].astype(int).sum() == len(segments)
    route_km = second["route km"]
    assert list(route_km.columns) == ["Country", "Route km"] and route_km["Route km"].is_monotonic_decreasing
    assert route_km["Route km"].sum() == pytest.approx(sum(sum(d.values()) for d in rail["km_by_country"]), abs=len(route_km))


def test_transport_tables_follow_the_filters(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/transport.py")

    def corridor_segments() -> int:
        table = next(df.value for df in at.dataframe if "Sea and ferry km" in df.value.columns)
        return int(table["Segments"].astype(int).sum())

    everything = corridor_segments()
    for modes in (["ferry"], ["rail", "sea"], ["ferry"], ["rail", "ferry", "sea", "road"]):
        at.multiselect(key="transport_mode").set_value(modes).run()
        shown = int(at.metric[0].value.split(" of ")[0])
        assert corridor_segments() == shown and (shown < everything or len(modes) == 4)
    assert corridor_segments() == everything and not at.exception
    chart = at.get("vega_lite_chart")[0].proto  # the cargo chart: the data's years, in words for readers
    cargo = pa.ipc.open_stream(chart.data.data).read_all().to_pandas()
    volumes = load_atlas().titr_volumes.dropna(subset=["cargo_mt"])
    assert cargo["year"].tolist() == [str(int(y)) for y in volumes["year"]] and cargo["cargo_mt"].tolist() == volumes["cargo_mt"].tolist()
    assert [t["title"] for t in json.loads(chart.spec)["encoding"]["tooltip"]] == ["Year", "Cargo (million tonnes)"]
