"""Map builders: render the HTML and assert on what it contains."""

from __future__ import annotations

import re

import folium
import pandas as pd
import pytest

from geo import marks as mk
from geo.assets import STATIC_URL, ensure_static_assets, localize
from geo.basemaps import BASEMAPS
from geo.joins import countries_with_status, country_at
from geo.leaflet import Legend
from geo.maps import DRAW, base_map, draw_areas, draw_venues
from geo.memberships import focus_iso3
from geo.styles import STATUS_STYLES
from geo.text import escape_text


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
    assert '"tip":"<b>Country RUS' in html and '"tip":"<b>Country KAZ' not in html  # the context layer only
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


@pytest.mark.parametrize("page", ["overview", "membership", "transport", "energy", "cooperation"])
def test_the_layer_sent_is_what_streamlit_folium_makes_of_the_scene(page, atlas, run_page):
    """The map layer is sent as finished text (`geo.leaflet.FinishedLayer`, rendered once per view): what reaches
    the browser must be exactly what streamlit-folium makes of the scene's folium layer, on every page, also on a
    rerun that reuses the text (a pan reports a new view)."""
    import json

    import streamlit_folium

    from geo.maps import scene_base, scene_layer
    from geo.scenes import build_scene
    from geo.views import PAGES

    at = run_page(PAGES[page].file, {"lat": "42", "lon": "60", "z": "5"})
    assert not at.exception

    def element():
        return next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")

    def sent() -> str:
        return json.loads(element().proto.json_args)["feature_group"]

    first = sent()
    scene = build_scene(atlas, page, {})
    base = scene_base(atlas, scene)
    base.render()
    expected = streamlit_folium._get_feature_group_string(scene_layer(scene), base)  # the library's own path
    assert first == expected
    at.session_state[element().key] = {"last_object_clicked": None, "center": {"lat": 43.0, "lng": 61.0}, "zoom": 5}
    at.run()
    assert not at.exception and float(at.query_params["lat"]) == 43.0 and sent() == expected
