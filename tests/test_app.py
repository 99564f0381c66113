"""AppTest of each page: no exception, the map component present, its GeoJSON carrying the expected features;
interactions through widget keys; a bad data file shown as a message, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.load import DATA_DIR_ENV, load_atlas
from geo.views import PAGES as REGISTRY

PAGES = [page.file for page in REGISTRY.values()]  # every page of the registry


def map_args(at: AppTest) -> dict:
    maps = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def map_element(at: AppTest):
    return next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")


def features(args: dict, kind: str = "Polygon") -> list[dict]:
    """Return the GeoJSON features of one geometry kind ("Polygon" covers MultiPolygon; "LineString") added by
    the page's dynamic layer."""
    found = []
    for blob in re.findall(r"_add\((\{.*?\})\);", args["feature_group"], flags=re.DOTALL):
        found.extend(f for f in json.loads(blob)["features"] if kind in f["geometry"]["type"])
    return found


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_shipped_data(page, monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page(page)
    assert not at.exception
    assert not at.error
    args = map_args(at)
    assert all(u.startswith("/app/static/") for u in args["js_links"] + args["css_links"])


def test_overview_map_and_story_on_shipped_data(monkeypatch, run_page):
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


def test_overview_on_tiny_data(tiny_data, monkeypatch, run_page):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    assert not at.exception
    args = map_args(at)
    assert len(features(args)) == 9
    assert args["returned_objects"] == ["last_object_clicked", "center", "zoom"]
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


def test_overview_click_shows_country_and_sources(tiny_data, monkeypatch, run_page):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    elem = map_element(at)
    at.session_state[elem.key] = {"last_object_clicked": {"lat": 40.5, "lng": 45.5}}  # inside AZE's square
    at.run()
    assert not at.exception
    assert "Country AZE" in [h.value for h in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Source one" in text and "Source two" in text


def test_overview_basemap_choice(tiny_data, monkeypatch, run_page):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py")
    at.selectbox(key="overview_basemap").set_value("osm").run()
    assert "tile.openstreetmap.org" in map_args(at)["script"]


@pytest.mark.parametrize("page", PAGES)
def test_bad_data_is_a_message_not_a_traceback(page, tiny_data, tiny_tables, monkeypatch, run_page):
    tiny_tables.edit("memberships.csv", 3, "status", "membr")
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page(page)
    assert not at.exception
    assert "could not be loaded" in at.error[0].value
    assert "memberships.csv, row 4 (line 5), column 'status': found 'membr'" in at.code[0].value


def table_with(at: AppTest, column: str):
    """Return the first dataframe shown that has `column`."""
    return next(df.value for df in at.dataframe if column in getattr(df.value, "columns", []))


def feature_values(at: AppTest, column: str = "status") -> dict[str, str]:
    return {f["properties"]["iso3"]: f["properties"][column] for f in features(map_args(at))}


def test_membership_organisation_and_date(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py")
    script = map_args(at)["script"]
    at.selectbox(key="membership_body").set_value("ots").run()
    at.select_slider(key="membership_date").set_value(dt.date(2019, 10, 14)).run()
    status = feature_values(at)
    assert status["UZB"] == "member" and status["TJK"] == "none" and status["TKM"] == "none"
    at.button(key="membership_prev").click().run()  # the previous dated event
    assert at.select_slider(key="membership_date").value < dt.date(2019, 10, 14)
    assert feature_values(at)["UZB"] == "none"
    at.select_slider(key="membership_date").set_value(dt.date(2021, 11, 12)).run()
    assert feature_values(at)["TKM"] == "observer"
    assert "On this date:" in " ".join(m.value for m in at.markdown)
    legend = map_args(at)["feature_group"]
    assert "Observer" in legend and "Guest of honour" not in legend  # the legend lists statuses present only
    at.selectbox(key="membership_body").set_value("cis").run()
    at.select_slider(key="membership_date").set_value(dt.date(2009, 8, 18)).run()
    assert feature_values(at)["GEO"] == "former"
    at.selectbox(key="membership_body").set_value("csto").run()
    at.select_slider(key="membership_date").set_value(dt.date(2024, 2, 22)).run()
    assert feature_values(at)["ARM"] == "suspended"
    assert map_args(at)["script"] == script  # the map was never reloaded, only its layer
    matrix = at.dataframe[1].value.data if hasattr(at.dataframe[1].value, "data") else at.dataframe[1].value
    assert list(matrix["Country"])[:5] == ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
    assert not at.exception


def test_membership_azerbaijan_becomes_full_participant(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py")
    for day, expected in [(dt.date(2023, 9, 14), "guest_of_honour"), (dt.date(2024, 8, 9), "guest_of_honour"),
                          (dt.date(2025, 11, 16), "member")]:
        at.select_slider(key="membership_date").set_value(day).run()
        assert feature_values(at)["AZE"] == expected
    assert map_args(at)["feature_group"].count("atlas-venue") == 5  # eight meetings held by then at five places


def test_membership_compare(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py")
    at.radio(key="membership_view").set_value("compare").run()
    at.multiselect(key="membership_compare").set_value(["ots", "eaeu"]).run()
    at.select_slider(key="membership_date").set_value(dt.date(2024, 1, 1)).run()
    category = feature_values(at, "category")
    assert category["KAZ"] == "all" and category["KGZ"] == "all"
    assert category["ARM"] == "one" and category["AZE"] == "one" and category["GEO"] == "none"
    text = " ".join(m.value for m in at.markdown)
    assert "**In all:** Kazakhstan, Kyrgyzstan" in text
    table = table_with(at, "Takes part in")
    assert set(table.columns) >= {"Country", "Takes part in", "Category"}
    at.radio(key="membership_count_as").set_value("any").run()
    assert feature_values(at, "category")["UZB"] == "all"  # EAEU observer counts as taking part
    at.multiselect(key="membership_compare").set_value(["ots"]).run()
    assert "Choose two or more" in at.info[0].value and not at.exception


def test_membership_five_plus_three(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py")
    at.radio(key="membership_view").set_value("5plus3").run()
    at.selectbox(key="membership_body").set_value("ots").run()
    status = feature_values(at)
    assert status["TUR"] == "outside" and status["TKM"] == "observer" and status["TJK"] == "none"
    text = " ".join(m.value for m in at.markdown)
    assert "The OSCE has all 8 as full members on this date" in text  # data/bodies.csv has the OSCE since edition 2
    assert "left out: Tajikistan, Armenia, Georgia" in text
    coverage = table_with(at, "Left out")
    assert len(coverage) == len(load_atlas().bodies_with_members())  # one row per existing body in data/bodies.csv


def test_membership_click_profile(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py")
    at.session_state[map_element(at).key] = {"last_object_clicked": {"lat": 40.4, "lng": 47.5}}  # Azerbaijan
    at.run()
    assert "Azerbaijan" in [h.value for h in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Hosted:" not in text  # Azerbaijan hosted no meeting
    profile = table_with(at, "Until")  # the history
    assert {"CA Consultative Meetings", "OTS", "CIS"} <= set(profile["Body"])
    today = next(df.value for df in at.dataframe if "Until" not in df.value.columns and "Body" in df.value.columns)
    assert today["Status"].iloc[0] == "Member / full participant"  # the card leads with what it belongs to now


def line_ids(at: AppTest) -> set[str]:
    return {f["properties"]["id"] for f in features(map_args(at), "LineString")}


def test_transport_filters_counts_and_map(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/transport.py")
    script = map_args(at)["script"]
    everything = line_ids(at)
    assert {"aktau-baku-ferry", "alat-tbilisi", "shanghai-portsaid"} <= everything
    at.multiselect(key="transport_mode").set_value(["ferry"]).run()
    ferries = line_ids(at)
    assert ferries and ferries < everything and "alat-tbilisi" not in ferries
    assert at.metric[0].value == f"{len(ferries)} of {len(everything)}"
    at.multiselect(key="transport_mode").set_value(["rail", "ferry", "sea", "road"]).run()
    at.multiselect(key="transport_corridor").set_value(["cku"]).run()
    assert line_ids(at) == {"kashgar-torugart", "torugart-andijan"}
    at.multiselect(key="transport_status").set_value(["operational"]).run()
    assert line_ids(at) == set()
    assert map_args(at)["script"] == script  # filters change the layer, not the map
    assert not at.exception


def test_transport_route_planner(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/transport.py")
    assert "atlas-plan" not in map_args(at)["feature_group"]  # no route drawn until asked
    at.toggle(key="transport_plan_on").set_value(True).run()
    at.selectbox(key="transport_from").set_value("xian").run()
    at.selectbox(key="transport_to").set_value("istanbul").run()
    at.multiselect(key="transport_avoid").set_value(["RUS"]).run()
    text = " ".join(m.value for m in at.markdown)
    assert "Sea crossings:" in text and "Russia" not in text.split("countries:")[1].split("Border")[0]
    legs = table_with(at, "Segment")  # the legs in words: segment names, not ids
    assert "Aktau - Baku (Alat) ferry" in set(legs["Segment"]) or "Kuryk - Baku (Alat) ferry" in set(legs["Segment"])
    assert set(legs["Mode"]) <= {"Rail", "Ferry", "Sea", "Road"}
    assert "atlas-plan" in map_args(at)["feature_group"]
    at.multiselect(key="transport_exclude").set_value(["ferry"]).run()
    assert "No route:" in at.warning[0].value and not at.exception


def test_transport_click_segment_shows_facts(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/transport.py")
    at.session_state[map_element(at).key] = {"last_object_clicked": {"lat": 41.3, "lng": 45.3}}  # Alat–Tbilisi line
    at.run()
    heads = [h.value for h in at.subheader]
    assert any("Tbilisi" in h or "Ganja" in h for h in heads)
    text = " ".join(m.value for m in at.markdown)
    assert "Geodesic length" in text and "Km by country" in text
    assert table_with(at, "Published km").columns.tolist() == ["Country", "Published km", "Computed km"]  # the card's
    by_country = next(df.value for df in at.dataframe if {"Line", "Country"} <= set(df.value.columns))
    assert by_country.set_index(["Line", "Country"]).loc[("Baku-Tbilisi-Kars railway", "Georgia"), "Published km"] == "254"


def test_energy_filters_choropleth_and_country_view(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/energy.py")
    script = map_args(at)["script"]
    assert {"btc", "tanap", "tcgp"} <= line_ids(at)
    focus_polygons = features(map_args(at))
    assert len(focus_polygons) == 9  # the choropleth of the focus countries
    assert "No data" in map_args(at)["feature_group"] or all("no data" not in f["properties"]["tip"] for f in focus_polygons)
    at.multiselect(key="energy_commodity").set_value(["electricity"]).run()
    assert line_ids(at) <= {"black-sea-cable", "ca-az-green-corridor", "casa-1000"}
    at.multiselect(key="energy_commodity").set_value(["oil", "gas", "electricity"]).run()
    at.multiselect(key="energy_status").set_value(["proposed"]).run()
    assert "tcgp" in line_ids(at) and "btc" not in line_ids(at)
    at.selectbox(key="energy_country").set_value("TKM").run()
    text = " ".join(m.value for m in at.markdown)
    assert "If the links not yet operational were built" in text and "Azerbaijan" in text
    assert map_args(at)["script"] == script
    ratios = table_with(at, "Computed / published")
    assert ratios.set_index("Line").loc[lambda f: f.index.str.contains("Tbilisi.Ceyhan")]["Published km"].iloc[0] == "1,768"  # numbers as a reader writes them
    assert not at.exception


def test_energy_line_says_what_it_is_drawn_from(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/energy.py", {"sel": "tap"})
    card = " ".join(c.value for c in at.caption)
    assert "Drawn along a traced route: GEM P0724" in card and "Melendugno" in card
    assert r"the farthest lies 20\.2 km from the drawn line" in card  # markdown-escaped
    split = table_with(at, "Country")  # the card's km by country: published beside computed
    assert list(split.columns) == ["Country", "Published km", "Computed km"]
    assert split.set_index("Country").loc["Greece", "Published km"] == "550"
    by_country = next(df.value for df in at.dataframe if {"Line", "Country"} <= set(df.value.columns))
    assert "Baku-Tbilisi-Ceyhan oil pipeline (BTC)" in set(by_country["Line"])
    at = run_page("pages/energy.py", {"sel": "cagp-d"})
    assert "Drawn through the named waypoints: Surkhandarya region" in " ".join(c.value for c in at.caption)
    ratios = table_with(at, "Computed / published").set_index("Line")
    assert ratios.loc["Trans Adriatic Pipeline (TAP)", "Drawn from"] == "traced route: GEM P0724"
    assert ratios.loc["Trans Adriatic Pipeline (TAP)", "Farthest named point (km)"] == "20.2"
    # the map carries the traces simplified: a few hundred points, not the thousands measured
    coords = [len(f["geometry"]["coordinates"]) for f in features(map_args(at), "LineString")
              if f["properties"].get("id") == "tap"]  # the selection outline has no id
    assert coords and coords[0] < 400
    assert not at.exception


def test_overview_restores_a_link(tiny_data, monkeypatch, run_page):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py", {"date": "2024-01-01", "basemap": "osm", "sel": "AZE", "lat": "41.5",
                                        "lon": "50", "z": "5", "colour": "red", "lon ": "x"})
    assert not at.exception
    assert at.date_input(key="overview_as_of").value == dt.date(2024, 1, 1)
    assert at.selectbox(key="overview_basemap").value == "osm"
    assert "Country AZE" in [h.value for h in at.subheader]  # the selection came from the link
    args = map_args(at)
    assert args["center"] == [41.5, 50.0] and args["zoom"] == 5.0
    notices = " ".join(c.value for c in at.caption)
    assert "unknown parameter 'colour' ignored" in notices
    # The URL follows the page: change the date, the link changes.
    at.date_input(key="overview_as_of").set_value(dt.date(2025, 11, 16)).run()
    assert at.query_params["date"] == "2025-11-16"
    assert at.query_params["sel"] == "AZE" and at.query_params["basemap"] == "osm"


def test_presentation_mode_hides_the_details(tiny_data, monkeypatch, run_page):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page("pages/overview.py", {"present": "1"})
    assert not at.exception
    assert map_args(at)["height"] == 760
    assert "font-size: 16px" in map_args(at)["header"]  # larger legend
    assert not at.dataframe  # the tables below the map are not shown
    assert at.button(key="overview_exit_present")
    at.button(key="overview_exit_present").click().run()
    assert at.dataframe and "present" not in at.query_params


def test_membership_link_with_a_date_between_slider_dates(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/membership.py", {"view": "5plus3", "body": "ots", "date": "2024-06-30"})
    assert not at.exception
    assert at.radio(key="membership_view").value == "5plus3"
    assert at.select_slider(key="membership_date").value <= dt.date(2024, 6, 30)
    assert feature_values(at)["TUR"] == "outside"


def test_story_bar(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/overview.py", {"date": "2023-09-14", "story": "c6", "step": "2"})
    assert not at.exception
    assert any("Step 2 of" in m.value for m in at.markdown)
    assert feature_values(at)["AZE"] == "guest_of_honour"
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert "Next ▶" in links and "◀ Back" in links
    assert "step=3" in links["Next ▶"].query_string and "date=2025-11-16" in links["Next ▶"].query_string
    assert "nav=" in links["Next ▶"].query_string  # a fresh token: the next page applies the step's view


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_sources_panel_even_when_presenting(page, monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    for query in ({}, {"present": "1"}):
        at = run_page(page, query)
        panels = [e for e in at.expander if e.label.startswith("Sources for this view")]
        assert len(panels) == 1, query
        assert "newest source" in panels[0].label and "data version" in panels[0].label


GARBAGE = {
    "date": "2024-13-45", "z": "NaN", "lat": "1e309", "sel": "<script>alert(1)</script>", "basemap": "../../etc/passwd",
    "present": "yes", "story": "nope", "nav": "!!", "bogus" * 10: "x", "mode": "rail,plane", "body": "nato",
    "corridor": "x" * 5000,
}


@pytest.mark.parametrize("page", PAGES)
def test_garbage_links_are_named_and_ignored(page, monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page(page, GARBAGE)
    assert not at.exception and not at.error
    notices = " ".join(c.value for c in at.caption if c.value.startswith("Link: "))
    assert "ignored" in notices
    assert "<script>" not in " ".join(m.value for m in at.markdown)  # a bad selection is never shown as markup
    assert map_args(at)  # the page still draws its map


def test_repeated_parameters_use_the_first_and_say_so(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/overview.py", {"date": ["2024-08-09", "2019-01-01"]})
    assert not at.exception
    assert at.date_input(key="overview_as_of").value == dt.date(2024, 8, 9)
    assert any("date given 2 times: the first value is used" in c.value for c in at.caption)


def test_no_state_leaks_between_sessions(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    first = run_page("pages/overview.py", {"date": "2019-11-29", "present": "1", "sel": "KAZ"})
    assert first.date_input(key="overview_as_of").value == dt.date(2019, 11, 29)
    second = run_page("pages/overview.py")
    assert second.date_input(key="overview_as_of").value == dt.date.today()
    assert not second.session_state["present"]
    assert "_sel_overview" not in second.session_state


def test_a_first_visit_sends_the_map_first_and_the_whole_page_once_the_map_reports(monkeypatch):
    """A page's first run in a session draws the title and the map and stops (the browser then draws the map
    before the page's other elements); the map's first report of its view brings the whole page, sidebar,
    details and tables; later runs draw the whole page at once."""
    from bench.browser import REPO

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).switch_page("pages/overview.py").run()
    assert not at.exception and at.title
    element = next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")
    assert not at.dataframe and not at.date_input and not at.sidebar.selectbox, "only the map on the first run"
    at.session_state[element.key] = {"last_object_clicked": None, "center": {"lat": 42.0, "lng": 60.0}, "zoom": 4}
    at.run()
    assert not at.exception
    assert at.date_input(key="overview_as_of").value == dt.date.today() and at.dataframe and at.sidebar.selectbox
    assert at.session_state["_map_first_overview"] is None and float(at.query_params["lat"]) == 42.0
    at.date_input(key="overview_as_of").set_value(dt.date(2019, 11, 29)).run()
    assert not at.exception and at.dataframe and at.date_input(key="overview_as_of").value == dt.date(2019, 11, 29)
