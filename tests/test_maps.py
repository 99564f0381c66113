"""Map builders: render the HTML and assert on what it contains."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pandas as pd
import pytest

from geo import marks as mk
from geo.assets import STATIC_URL, ensure_static_assets, localize
from geo.basemaps import BASEMAPS
from geo.joins import countries_with_status, country_at
from geo.leaflet import Legend, PointMarkers
from geo.maps import DRAW, base_map, draw_areas, draw_venues
from geo.memberships import focus_iso3
from geo.styles import STATUS_STYLES
from geo.text import escape_text
from geo.views import PAGES


def status_layer(shapes, *, title: str) -> folium.FeatureGroup:
    """Countries filled by membership status, as the Overview and Membership scenes draw them."""
    fg = folium.FeatureGroup()
    draw_areas(fg, mk.Areas(shapes, "status", STATUS_STYLES, title, mk.status_tip))
    return fg


def add_venue_markers(fg: folium.FeatureGroup, venues: pd.DataFrame) -> folium.FeatureGroup:
    draw_venues(fg, mk.Venues(venues))
    return fg


def test_every_mark_class_has_a_folium_and_an_image_drawing():
    from geo.image import DRAW as IMAGE_DRAW

    assert set(DRAW) == set(mk.MARKS) == set(IMAGE_DRAW)


def render(m: folium.Map) -> str:
    return m.get_root().render()


def test_base_map_is_offline_and_draws_context(tiny_atlas):
    m = base_map(tiny_atlas, exclude_iso3=focus_iso3(tiny_atlas))
    html = render(m)
    assert "tile" not in html.lower().replace("tilelayer", "")  # no tile layer at all
    assert '["RUS","Country RUS"]' in html and '["KAZ","Country KAZ"]' not in html  # the context layer only
    assert "Country KAZ" in html  # named by the label layer
    assert "atlas-context" in html
    assert "Natural Earth" in html
    for url in [u for _, u in m.default_js + m.default_css]:
        assert url.startswith(STATIC_URL)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_online_basemap_has_attribution(tiny_atlas):
    html = render(base_map(tiny_atlas, basemap="osm"))
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html


def test_unknown_basemap_is_named(tiny_atlas):
    with pytest.raises(ValueError, match=r"basemap was 'satellite' but is expected to be in \['plain', 'osm', 'carto-light'\]"):
        base_map(tiny_atlas, basemap="satellite")
    assert set(BASEMAPS) == {"plain", "osm", "carto-light"}


def test_status_layer_styles_tooltips_and_legend(tiny_atlas):
    shapes = countries_with_status(tiny_atlas, "ca_consultative", "2024-01-01")
    m = base_map(tiny_atlas, exclude_iso3=focus_iso3(tiny_atlas))
    status_layer(shapes, title="CA Consultative").add_to(m)
    html = render(m)
    assert html.count('"status": "member"') == 5
    assert '"status": "guest_of_honour"' in html
    assert "atlas-focus atlas-status-guest_of_honour" in html
    assert "Guest of honour since 2023-09-14" in html
    assert "Member / full participant" in html  # legend label
    assert "atlas-legend" in html


def test_legend_lists_only_present_statuses_by_default(tiny_atlas):
    shapes = countries_with_status(tiny_atlas, "ots", "2024-01-01")
    layer = status_layer(shapes, title="OTS")
    legend = next(c for c in layer._children.values() if isinstance(c, Legend))
    assert "Observer" in legend.html and "Unknown" in legend.html
    assert "Guest of honour" not in legend.html


def test_data_text_is_escaped_everywhere(tiny_atlas):
    hostile = '<img src=x onerror=alert(1)>`${alert(2)}`\\'
    shapes = countries_with_status(tiny_atlas, "ca_consultative", "2024-01-01")
    shapes.loc[0, "name"] = hostile
    layer = status_layer(shapes, title=hostile)
    add_venue_markers(layer, pd.DataFrame([{"lat": 41.0, "lon": 69.0, "label": hostile}]))
    m = base_map(tiny_atlas)
    layer.add_to(m)
    html = render(m)
    assert "<img src=x" not in html
    literals = re.findall(r"`[^`]*`", html, flags=re.DOTALL)  # JavaScript template literals, where ${...} would run
    assert literals and not any("${alert" in lit for lit in literals)
    assert escape_text(hostile) in html


def test_escape_text():
    assert escape_text('<a href="x">`$\\') == "&lt;a href=&quot;x&quot;&gt;&#96;&#36;&#92;"
    assert escape_text(None) == "" and escape_text(float("nan")) == ""


def test_points_are_one_script_with_every_marker_and_tooltip_escaped():
    hostile = '<img src=x onerror=alert(1)>`${alert(2)}`</script>'
    frame = pd.DataFrame([{"lat": 41.0, "lon": 69.0, "kind": "hub", "label": hostile, "name": "Tashkent"},
                          {"lat": 40.4, "lon": 49.9, "kind": "seaport", "label": "Baku (Seaport)", "name": "Baku"},
                          {"lat": None, "lon": None, "kind": "hub", "label": "Nowhere", "name": "Nowhere"}])
    fg = folium.FeatureGroup()
    DRAW[mk.Points](fg, mk.Points(frame, {"hub": "#111111", "seaport": "#0072b2"}))
    markers = [c for c in fg._children.values() if isinstance(c, PointMarkers)]
    assert len(markers) == 1 and "circleMarker" in markers[0].script() and "atlas-node" in markers[0].script()
    rows = json.loads(markers[0].data_json.replace("<\\/", "</"))
    assert rows == [[41.0, 69.0, "#111111", escape_text(hostile)], [40.4, 49.9, "#0072b2", "Baku (Seaport)"]]
    assert "</script" not in markers[0].script() and "<img" not in markers[0].script()


def test_venue_markers_skip_unknown_coordinates():
    fg = folium.FeatureGroup()
    add_venue_markers(fg, pd.DataFrame([{"lat": 41.0, "lon": 69.0, "label": "A"}, {"lat": None, "lon": None, "label": "B"}]))
    markers = [c for c in fg._children.values() if isinstance(c, folium.CircleMarker)]
    assert len(markers) == 1


def test_country_at(tiny_atlas):
    assert country_at(tiny_atlas.boundaries, 40.5, 40.5) == "KAZ"
    assert country_at(tiny_atlas.boundaries, 10.0, 10.0) is None


def test_localize_rejects_assets_it_cannot_serve():
    from folium.plugins import MarkerCluster

    m = folium.Map(tiles=None)
    MarkerCluster().add_to(m)
    with pytest.raises(ValueError, match=r"MarkerCluster needs .*leaflet\.markercluster.*which the atlas does not serve offline"):
        localize(m)


def test_static_assets_written_once(tmp_path):
    written = ensure_static_assets(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js"
    }
    assert "Leaflet" in (tmp_path / "leaflet" / "leaflet.js").read_text()[:2000]
    assert ensure_static_assets(tmp_path) == []


def test_standalone_html_inlines_every_asset(tiny_atlas):
    from geo.maps import standalone_html

    m = base_map(tiny_atlas, exclude_iso3=focus_iso3(tiny_atlas))
    layer = status_layer(countries_with_status(tiny_atlas, "ca_consultative", "2024-01-01"), title="CA")
    html = standalone_html(m, layer, title="Overview <b>")
    assert "<title>Overview &lt;b&gt;</title>" in html
    assert "/app/static/" not in html and "<script src=" not in html and '<link rel="stylesheet" href=' not in html
    assert "Leaflet 1.9.3" in html and "atlas-focus" in html and "atlas-legend" in html


def _unpacked(text: str) -> dict:
    """`geo.leaflet.unpack_script`'s decoding, step for step in Python: the FeatureCollection the browser draws."""
    packed = json.loads(text.replace("<\\/", "</"))
    depth = {"LineString": 0, "Polygon": 1, "MultiLineString": 1, "MultiPolygon": 2}

    def line(r):
        out, x, y = [], 0, 0
        for i in range(0, len(r), 2):
            x, y = x + r[i], y + r[i + 1]
            out.append([x / packed["scale"], y / packed["scale"]])
        return out

    def coords(c, d):
        return [coords(x, d - 1) for x in c] if d else line(c)

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": dict(zip(packed["keys"], values)),
         "geometry": {"type": kind, "coordinates": coords(c, depth[kind])}}
        for values, kind, c in packed["features"]]}


def _as_lists(value):
    return [_as_lists(v) for v in value] if isinstance(value, (list, tuple)) else value


def test_packed_layers_draw_exactly_the_stored_shapes(atlas):
    """The context countries travel packed, in about half the bytes of GeoJSON, and unpack to the very coordinates
    of boundaries.geojson; every geometry kind round-trips."""
    from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

    from geo.base_layers import context_json
    from geo.leaflet import feature_collection
    from geo.packing import packed_json

    text = context_json(atlas.boundaries, frozenset())
    names = atlas.boundaries.assign(name=[escape_text(n) for n in atlas.boundaries["name"]])
    stored = feature_collection(names[["iso3", "name", "geometry"]])
    drawn = _unpacked(text)
    assert [f["properties"] for f in drawn["features"]] == [f["properties"] for f in stored["features"]]
    assert [f["geometry"] for f in drawn["features"]] == [
        {"type": f["geometry"]["type"], "coordinates": _as_lists(f["geometry"]["coordinates"])} for f in stored["features"]]
    assert len(text) < 0.6 * len(json.dumps(stored, separators=(",", ":")))
    shapes = gpd.GeoDataFrame({"kind": ["a", "b", "c", "d"]}, crs="EPSG:4326", geometry=[
        LineString([(1.25, 2.5), (-3.75, 4.0)]), MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, -3)]]),
        Polygon([(0, 0), (4, 0), (4, 4), (0, 0)], [[(1, 1), (2, 1), (2, 2), (1, 1)]]),
        MultiPolygon([Polygon([(10, 10), (11, 10), (11, 11), (10, 10)]), Polygon([(-10, -10), (-9, -10), (-9, -9)])])])
    assert _unpacked(packed_json(shapes, decimals=2))["features"] == [
        {"type": "Feature", "properties": f["properties"],
         "geometry": {"type": f["geometry"]["type"], "coordinates": _as_lists(f["geometry"]["coordinates"])}}
        for f in feature_collection(shapes)["features"]]
    with pytest.raises(ValueError, match=r"geometry type was 'Point' but is expected to be in \['LineString'"):
        packed_json(gpd.GeoDataFrame(geometry=gpd.points_from_xy([1], [2]), crs="EPSG:4326"), decimals=2)


@pytest.mark.browser
def test_the_browser_unpacks_the_base_layers_to_the_stored_shapes(atlas, browser):
    """What `unpack_script` gives in Chromium is what the Python decoding above gives: the same coordinates, to
    the last bit, for the context countries and today's rivers and lakes."""
    from geo.base_layers import context_json, physical_json
    from geo.packing import unpack_script

    page = browser.new_page()
    try:
        for text in (context_json(atlas.boundaries, frozenset()), physical_json(atlas.physical)):
            assert page.evaluate("() => " + unpack_script(text)) == _unpacked(text)
    finally:
        page.close()


@pytest.mark.parametrize("page", [p.file for p in PAGES.values()])
def test_every_page_map_stays_under_its_payload_budget(page, run_page, monkeypatch):
    """The map component's arguments (base map and layer, as streamlit-folium sends them) stay under 300 KB on
    the shipped data, with the context countries and the water packed rather than sent as GeoJSON."""
    from geo.load import DATA_DIR_ENV

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page(page)
    element = next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")
    assert len(element.proto.json_args.encode("utf-8")) < 300_000
    script = json.loads(element.proto.json_args)["script"]
    assert '"coordinates"' not in script and '"scale":10000' in script and '"scale":1000,' in script


def test_a_mark_is_drawn_once_and_each_view_keeps_its_own_layer(atlas, monkeypatch):
    """A remembered scene's marks are drawn into finished text once; a rerun of the view reuses it, and another
    view (another scene, other marks) gets its own text, never the last one's."""
    import geo.maps as maps
    from geo.scenes import build_scene

    calls = []
    draw_once = maps._draw_once
    monkeypatch.setattr(maps, "_draw_once", lambda mark: calls.append(mark) or draw_once(mark))
    ferries = build_scene(atlas, "transport", {"mode": ["ferry"], "sel": "aktau-port"})
    first = [c.data_json for c in maps.scene_layer(ferries)._children.values()]
    assert len(calls) == len(ferries.marks) == len(first)
    again = [c.data_json for c in maps.scene_layer(ferries)._children.values()]
    assert again == first and len(calls) == len(ferries.marks)  # nothing drawn again
    rail = maps.scene_layer(build_scene(atlas, "transport", {"mode": ["rail"]}))
    rail_text = "\n".join(c.data_json for c in rail._children.values())
    assert "atlas-line-alat-tbilisi" in rail_text and "atlas-line-aktau-baku-ferry" not in rail_text
    assert "atlas-line-aktau-baku-ferry" in "\n".join(first) and "atlas-selected" in "\n".join(first)


def test_a_layer_of_finished_marks_draws_into_its_group_and_map(tiny_atlas):
    """Each mark's text runs in a function given the group and map it is added to, in the app (streamlit-folium
    renames both) as in the HTML download, which also keeps the tooltips' style."""
    from streamlit_folium import _get_feature_group_string

    from geo.maps import scene_base, scene_layer, standalone_html
    from geo.scenes import build_scene

    scene = build_scene(tiny_atlas, "transport", {"air": True})
    app_layer = _get_feature_group_string(scene_layer(scene), scene_base(tiny_atlas, scene))
    assert app_layer.count("})(feature_group_feature_group_0, map_div);") == len(scene.marks)
    assert "atlas_slot" in app_layer and "feature_group_feature_group_0.addTo(map_div)" in app_layer
    html = standalone_html(scene_base(tiny_atlas, scene), scene_layer(scene))
    group = re.search(r"var (feature_group_[0-9a-f]+) = L\.featureGroup", html).group(1)
    m = re.search(r"var (map_[0-9a-f]+) = L\.map", html).group(1)
    assert html.count(f"}})({group}, {m});") == len(scene.marks)
    assert ".foliumtooltip table" in html and "atlas-line" in html and "atlas-air" in html
    assert html.count('http-equiv="content-type"') == 1  # a mark brings its own header lines, not the page's
