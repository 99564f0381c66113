"""What readers read: numbers and codes in words, the places each map names, the selection outlined, the card that
leads with today."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo import marks as mk
from geo import vocab
from geo.compare import memberships_today
from geo.maps import scene_base, scene_layer
from geo.places import base_labels
from geo.scenes import build_scene
from geo.text import for_readers, number


@pytest.mark.parametrize("value, unit, expected", [
    (1_200_000, "bbl/d", "1,200,000 bbl/d"),
    (1e6, "", "1,000,000"),
    (23.4, "bcm/yr", "23.4 bcm/yr"),
    (0.03, "%", "0.03 %"),
    (0.0004, "", "0.0004"),
    (1234.56, "km", "1,235 km"),
    (None, "MW", "not recorded"),
    (math.nan, "MW", "not recorded"),
    ("", "MW", "not recorded"),
])
def test_numbers_read_as_a_reader_writes_them(value, unit, expected):
    assert number(value, unit) == expected


def test_tables_for_readers_have_words_not_codes_none_or_exponents():
    frame = pd.DataFrame({"status": ["guest_of_honour", ""], "capacity": [1e6, float("nan")], "year": [2024, 2025],
                          "note": [None, "x"]})
    shown = for_readers(frame, {"status": "Status", "capacity": "Capacity", "year": "Year", "note": "Note"},
                        {"status": vocab.STATUS_DISPLAY})
    assert list(shown.columns) == ["Status", "Capacity", "Year", "Note"]
    assert shown.to_dict("records") == [
        {"Status": "Guest of honour", "Capacity": "1,000,000", "Year": "2024", "Note": "not recorded"},
        {"Status": "not recorded", "Capacity": "not recorded", "Year": "2025", "Note": "x"},
    ]


def test_maps_name_countries_capitals_seas_and_water(atlas):
    labels = {(lb.kind, lb.text) for lb in base_labels(atlas)}
    for country in ("Kazakhstan", "Azerbaijan", "Georgia", "Türkiye"):
        assert ("country focus", country) in labels
    assert ("capital focus", "Baku") in labels and ("water sea", "Caspian Sea") in labels
    assert {("water lake", "Aral Sea"), ("water lake", "Lake Balkhash"), ("water river", "Amu Darya")} <= labels
    focus = [lb for lb in base_labels(atlas) if lb.kind == "country focus"]
    assert max(lb.priority for lb in focus) < min(lb.priority for lb in base_labels(atlas) if lb.kind == "water river")


def test_the_base_map_carries_names_and_water_and_keeps_shapes_out_of_the_tab_order(atlas):
    scene = build_scene(atlas, "overview")
    html = scene_base(atlas, scene).get_root().render()
    assert "atlasLabels" in html and "atlasWater" in html and "Baku" in html and "Aral Sea" in html
    assert "setAttribute('tabindex', '-1')" in html and ".leaflet-interactive:focus { outline: none; }" in html


def test_transport_nodes_are_named_by_their_short_names(atlas):
    scene = build_scene(atlas, "transport")
    import folium

    fg = scene_layer(scene)
    m = folium.Map()
    fg.add_to(m)
    html = m.get_root().render()
    assert "atlas-label node" in html.replace("' + r[3] + '", "node") or "node" in html
    assert "Aktau port" in html or "Aktau" in html


@pytest.mark.parametrize("page, sel", [("overview", "GEO"), ("membership", "KAZ"), ("energy", "btc"),
                                       ("transport", "baku-alat"), ("transport", "aktau-port")])
def test_the_selection_is_outlined(atlas, page, sel):
    marks = build_scene(atlas, page, {"sel": sel}).marks
    outlines = [m for m in marks if isinstance(m, mk.Highlight) and m.selection]
    assert len(outlines) == 1 and len(outlines[0].frame) >= 1
    assert all(g.geom_type in ("LineString", "MultiLineString", "LinearRing") for g in outlines[0].frame.geometry)
    assert not [m for m in build_scene(atlas, page).marks if isinstance(m, mk.Highlight) and m.selection]


def test_the_card_leads_with_what_georgia_belongs_to_today(atlas):
    today = memberships_today(atlas, "GEO")
    assert "Commonwealth of Independent States" not in set(today["body"])  # Georgia left the CIS in 2009
    assert set(today["status"]) <= set(vocab.STATUS_DISPLAY.values())
    assert today["status"].iloc[0] == "Member / full participant"


def test_an_uploaded_indicator_with_two_values_gets_two_classes():
    classes, items = mk.choropleth_classes(pd.Series([10.0, 20.0, float("nan")]), unit="MW")
    assert classes == [0, 1, -1] and [i.label for i in items] == ["10.0 – 15.0 MW", "15.0 – 20.0 MW", "No data"]


@pytest.mark.parametrize("page, label, selected", [
    ("overview", "Georgia (focus country, GEO)", ("_sel_overview", "GEO")),
    ("transport", "Baku (place, baku)", ("_sel_transport", "baku")),
    ("energy", "Baku-Tbilisi-Ceyhan oil pipeline (BTC) (line, btc)", ("_sel_energy", "btc")),
    ("membership", "Organization of Turkic States (OTS, organisation)", ("membership_body", "ots")),
])
def test_find_selects_and_goes_there(page, label, selected, monkeypatch, run_page):
    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = run_page(f"pages/{page}.py")
    box = at.selectbox(key=f"{page}_find")
    box.set_value(box.options.index(label)).run()  # the options are the labels; the value is the target's index
    assert not at.exception
    assert at.session_state[selected[0]] == selected[1]
    assert at.session_state[f"{page}_find"] is None  # ready for the next search


def test_each_map_has_a_text_alternative(atlas):
    from geo.scenes import describe

    words = " ".join(describe(build_scene(atlas, "overview", {"date": __import__("datetime").date(2025, 11, 16)})))
    assert "Member / full participant: " in words and "Azerbaijan" in words and "Not a participant: " in words
    energy = " ".join(describe(build_scene(atlas, "energy")))
    assert "Baku-Tbilisi-Ceyhan" in energy and "km (approximate)" in energy


def test_air_links_filtered_by_city(atlas):
    every = build_scene(atlas, "transport", {"air": True}).layers["air_links"]
    baku = build_scene(atlas, "transport", {"air": True, "city": ["Baku"]}).layers["air_links"]
    assert 0 < len(baku) < len(every)
    assert all("Baku" in (o, d) for o, d in zip(baku["origin_city"], baku["destination_city"]))


@pytest.mark.parametrize("label, sel, view, card", [
    ("Armenia–Azerbaijan (land border)", "ARM-AZE", "borders", "Armenia–Azerbaijan"),
    ("Amu Darya (river)", "amu-darya", "water", "Amu Darya"),
    ("Aral Sea (lake)", "aral-sea", "water", "Aral Sea"),
    ("Toktogul dam and hydropower plant (hydropower plant)", "toktogul", "water", "Toktogul"),
])
def test_find_on_cooperation_selects_outlines_and_goes_there_in_the_view_that_shows_it(label, sel, view, card,
                                                                                       monkeypatch, run_page):
    import json

    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = run_page("pages/cooperation.py", {"view": "people"})
    box = at.selectbox(key="cooperation_find")
    box.set_value(box.options.index(label)).run()
    assert not at.exception and at.session_state["_sel_cooperation"] == sel
    assert at.session_state["cooperation_view"] == view  # the view that shows it
    query = at.query_params
    assert query["sel"] == sel and query["view"] == view and {"lat", "lon", "z"} <= set(query.keys())
    assert 3 <= float(query["z"]) <= 8
    layer = next(json.loads(e.proto.json_args)["feature_group"] for e in at.get("component_instance")
                 if e.proto.component_name == "streamlit_folium.st_folium")
    assert "atlas-selected" in layer  # outlined on the map
    assert any(card in h.value for h in at.subheader)  # its card


def test_find_on_cooperation_offers_the_bodies_that_share_water_with_their_card(atlas):
    from geo.cards import water_card
    from geo.search import search_targets

    targets = {t.value: t for t in search_targets(atlas, "cooperation")}
    icwc = targets["icwc"]
    assert "ICWC" in icwc.label and icwc.also == (("view", "water"),) and 62 < icwc.lon < 72 and icwc.zoom >= 4
    assert "Members today" in dict(water_card(atlas, "icwc").lines)
    assert {"ARM-AZE", "amu-darya", "aral-sea-late-1950s", "toktogul", "tehran_convention", "GEO"} <= set(targets)
    assert "lake-geneva" not in targets  # far from the focus countries
