"""Scenes: one description of a view that the page, the HTML and image downloads and the command line share."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pandas as pd
import pyogrio
import pytest

from geo import marks as mk
from geo.cli import main
from geo.errors import UsageError
from geo.export import Filters, export_frame
from geo.maps import scene_base, scene_layer, standalone_html, tip_html
from geo.scenes import build_scene, page_and_query, scene_for_link
from geo.views import PAGES, page_defaults


@pytest.mark.parametrize("page", PAGES)
def test_every_page_builds_a_scene_with_marks_layers_and_cited_sources(tiny_atlas, page):
    scene = build_scene(tiny_atlas, page)
    assert scene.page == page and scene.title
    assert scene.marks and scene.layers
    assert set(scene.sources) <= set(tiny_atlas.sources["id"])
    assert len(scene.sources) == len(set(scene.sources))
    html = standalone_html(scene_base(tiny_atlas, scene), scene_layer(scene))
    assert "atlas-legend" in html


def test_defaults_fill_what_the_view_leaves_out(tiny_atlas):
    today = dt.date.today()
    assert page_defaults("overview", tiny_atlas)["date"] == today
    scene = build_scene(tiny_atlas, "membership", {"view": "compare"})
    assert scene.values["compare"] == ["ots", "ca_consultative"] and scene.values["body"] == "ca_consultative"
    with pytest.raises(ValueError, match="page 'atlas' is not one of"):
        page_defaults("atlas", tiny_atlas)


def test_overview_scene_on_a_date(tiny_atlas):
    scene = build_scene(tiny_atlas, "overview", {"date": dt.date(2024, 1, 1)})
    status = dict(zip(scene.layers["countries"]["iso3"], scene.layers["countries"]["status"]))
    assert status["AZE"] == "guest_of_honour" and status["KAZ"] == "member"
    assert list(scene.layers["meetings"]["date"]) == list(
        export_frame(tiny_atlas, "meetings", Filters(as_of=dt.date(2024, 1, 1)))["date"])
    assert scene.title.endswith("2024-01-01")


def test_transport_scene_layers_are_the_filtered_export(tiny_atlas):
    values = {"mode": ["ferry"], "corridor": ["middle"]}
    scene = build_scene(tiny_atlas, "transport", values)
    expected = export_frame(tiny_atlas, "routes", Filters(mode=("ferry",), corridor=("middle",),
                                                          status=tuple(page_defaults("transport", tiny_atlas)["status"])))
    assert list(scene.layers["routes"]["id"]) == list(expected["id"])
    assert set(scene.layers["routes"]["mode"]) <= {"ferry"}
    drawn = next(m for m in scene.marks if isinstance(m, mk.Lines) and m.title == "Segments")
    assert list(drawn.frame["id"]) == list(expected["id"])


def test_transport_scene_without_a_route_says_so(tiny_atlas):
    scene = build_scene(tiny_atlas, "transport", {"plan": True, "from": "xian", "to": "istanbul", "avoid": ["KAZ", "RUS"]})
    assert scene.facts.plan is None
    assert any(n.startswith("No route:") for n in scene.notices)
    assert "planned_route" not in scene.layers


def test_energy_scene_keeps_unknown_indicator_values_empty(tiny_atlas):
    scene = build_scene(tiny_atlas, "energy")
    indicator = scene.layers["indicator"]
    assert indicator["value"].isna().any()  # no invented values: missing stays missing
    fill = next(m for m in scene.marks if isinstance(m, mk.Choropleth))
    assert "no data" in " ".join(tip_html(fill.tip, fill.frame.to_dict("records")))


@pytest.mark.parametrize(
    ("link", "page", "query"),
    [
        ("?page=transport&mode=ferry", "transport", "page=transport&mode=ferry"),
        ("http://localhost:8501/energy?commodity=gas", "energy", "commodity=gas"),
        ("http://localhost:8501/?date=2024-01-01", "overview", "date=2024-01-01"),
        ("/membership", "membership", ""),
    ],
)
def test_page_and_query_from_links(link, page, query):
    assert page_and_query(link) == (page, query)


def test_unknown_page_in_a_link():
    with pytest.raises(UsageError, match="page 'roads' in the view is not one of overview, membership"):
        page_and_query("?page=roads")


def test_scene_for_link_names_what_it_ignored(tiny_atlas):
    scene, query, notices = scene_for_link(tiny_atlas, "?page=overview&date=2024-01-01&zoom=9&date=2025-01-01")
    assert scene.values["date"] == dt.date(2024, 1, 1)
    assert query == "date=2024-01-01"
    assert any("unknown parameter 'zoom'" in n for n in notices)
    assert any("date given 2 times" in n for n in notices)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
def test_cli_view_export_has_exactly_the_visible_rows(tiny_data, tiny_atlas, tmp_path, capsys, fmt):
    link = "?page=transport&mode=ferry,rail&corridor=middle&status=operational"
    out = tmp_path / (f"view.{fmt}" if fmt == "gpkg" else "view.zip")
    assert main(["--data-dir", str(tiny_data), "export", "--view", link, "--format", fmt, "-o", str(out)]) == 0
    scene = build_scene(tiny_atlas, "transport", {"mode": ["ferry", "rail"], "corridor": ["middle"], "status": ["operational"]})
    expected = list(scene.layers["routes"]["id"])
    if fmt == "gpkg":
        routes = pyogrio.read_dataframe(out, layer="routes")
        meta = dict(pyogrio.read_dataframe(out, layer="metadata")[["key", "value"]].values)
        view = meta["view"]
    else:
        with zipfile.ZipFile(out) as archive:
            meta = json.loads(archive.read("metadata.json"))
            view = meta["view"]
            archive.extract(f"routes.{fmt}", tmp_path)
        path = tmp_path / f"routes.{fmt}"
        routes = pd.read_csv(path, dtype=str, keep_default_na=False) if fmt == "csv" else pyogrio.read_dataframe(path)
    assert list(routes["id"]) == expected and expected
    assert view == "?mode=ferry,rail&status=operational&corridor=middle" or "mode=ferry,rail" in view
    assert "wrote the transport view" in capsys.readouterr().out


def test_cli_view_html_png_svg(tiny_data, tmp_path, capsys):
    link = "?page=energy&commodity=oil"
    for fmt in ("html", "png", "svg"):
        out = tmp_path / f"energy.{fmt}"
        assert main(["--data-dir", str(tiny_data), "export", "--view", link, "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    html = (tmp_path / "energy.html").read_text(encoding="utf-8")
    assert "atlas-line" in html and "/app/static/" not in html
    assert (tmp_path / "energy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "energy.svg").read_text(encoding="utf-8")[:500]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "routes", "--view", "?page=energy", "-o", "x.png"], "give either a LAYER or --view, not both"),
        (["export", "--view", "?page=energy", "--mode", "rail", "-o", "x.png"], "--mode does not go with --view"),
        (["export", "--view", "?page=energy", "-o", "x.zip"], "a .zip needs --format geojson or csv"),
        (["export", "--view", "?page=atlas", "-o", "x.png"], "page 'atlas' in the view is not one of"),
        (["export", "-o", "x.csv"], "give a LAYER or --view"),
        (["export", "--view", "?page=overview", "--indicator", "missing.csv", "-o", "x.png"], "cannot read --indicator"),
        (["export", "sources", "--indicator", "x.csv", "-o", "x.csv"], "--indicator goes with --view"),
    ],
)
def test_cli_view_errors_are_one_line_exit_2(tiny_data, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(tiny_data), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_view_with_an_uploaded_indicator(tiny_data, tmp_path, capsys):
    csv = tmp_path / "GDP per head.csv"
    csv.write_text("country,value,year\nKAZ,14000,2024\nCountry UZB,3000,2024\nAtlantis,5,2024\n", encoding="utf-8")
    out = tmp_path / "view.gpkg"
    assert main(["--data-dir", str(tiny_data), "export", "--view", "?page=overview", "--indicator", str(csv),
                 "-o", str(out)]) == 0
    mine = pyogrio.read_dataframe(out, layer="my_indicator")
    assert dict(zip(mine["iso3"], mine["value"]))["KAZ"] == 14000
    assert pd.isna(dict(zip(mine["iso3"], mine["value"]))["TJK"])  # not in the upload: no data
    assert "row left out" in capsys.readouterr().err
