"""AppTest of each page: no exception, the map component present, its GeoJSON carrying the expected features;
interactions through widget keys; a bad data file shown as a message, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.load import DATA_DIR_ENV
from tests.browser_support import REPO
from tests.conftest import rows, write_csv

PAGES = ["pages/overview.py"]


def run_page(path: str) -> AppTest:
    return AppTest.from_file(str(REPO / path), default_timeout=60).run()


def map_args(at: AppTest) -> dict:
    maps = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def map_element(at: AppTest):
    return next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")


def features(args: dict) -> list[dict]:
    """Return the GeoJSON features added by the page's dynamic layer."""
    found = []
    for blob in re.findall(r"_add\((\{.*?\})\);", args["feature_group"], flags=re.S):
        found.extend(json.loads(blob)["features"])
    return found


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_shipped_data(page, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page(page)
    assert not at.exception
    assert not at.error
    args = map_args(at)
    assert all(u.startswith("/app/static/") for u in args["js_links"] + args["css_links"])


def test_overview_map_and_story_on_shipped_data(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/overview.py")
    at.date_input(key="overview_as_of").set_value(dt.date(2024, 8, 9)).run()
    status = {f["properties"]["iso3"]: f["properties"]["status"] for f in features(map_args(at))}
    assert len(status) == 9
    assert status["AZE"] == "guest_of_honour"
    assert [status[c] for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")] == ["member"] * 5
    at.date_input(key="overview_as_of").set_value(dt.date(2025, 11, 16)).run()
    status = {f["properties"]["iso3"]: f["properties"]["status"] for f in features(map_args(at))}
    assert status["AZE"] == "member"
    text = " ".join(m.value for m in at.markdown)
    assert "6 states take part in full \\(C6\\)" in text


def test_overview_on_tiny_data(tiny_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    assert not at.exception
    args = map_args(at)
    assert len(features(args)) == 9
    assert args["returned_objects"] == ["last_object_clicked"]
    assert "Country RUS" in args["script"]  # context country in the static part
    assert args["feature_group"].count("atlas-venue") == 3  # venues with coordinates held by today

    script_before = args["script"]
    at.date_input(key="overview_as_of").set_value(dt.date(2024, 1, 1)).run()
    args = map_args(at)
    status = {f["properties"]["iso3"]: f["properties"]["status"] for f in features(args)}
    assert status["AZE"] == "guest_of_honour"
    assert args["script"] == script_before  # only the layer changed: the map is updated in place, not reloaded
    assert args["feature_group"].count("atlas-venue") == 2
    tables = [df.value for df in at.dataframe]
    assert tables[-1]["Meeting"].tolist() == ["1", "5"]


def test_overview_click_shows_country_and_sources(tiny_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    elem = map_element(at)
    at.session_state[elem.key] = {"last_object_clicked": {"lat": 40.5, "lng": 45.5}}  # inside AZE's square
    at.run()
    assert not at.exception
    assert "Country AZE" in [h.value for h in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Source one" in text and "Source two" in text


def test_overview_basemap_choice(tiny_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    at.selectbox(key="overview_basemap").set_value("osm").run()
    assert "tile.openstreetmap.org" in map_args(at)["script"]


@pytest.mark.parametrize("page", PAGES)
def test_bad_data_is_a_message_not_a_traceback(page, tiny_data, monkeypatch):
    table = rows("memberships.csv")
    table[3]["status"] = "membr"
    write_csv(tiny_data, "memberships.csv", table)
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page(page)
    assert not at.exception
    assert "could not be loaded" in at.error[0].value
    assert "memberships.csv, row 4 (line 5), column 'status': found 'membr'" in at.code[0].value
