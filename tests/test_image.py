"""Images for slides: PNG 1920×1080 and SVG with title, legend, scale, attribution and source line."""

from __future__ import annotations

import pytest

from geo import marks as mk
from geo.basemaps import ATTRIBUTION_TEXT
from geo.image import _nice_km, image_size, render_image
from geo.scenes import build_scene


def test_png_is_1920_by_1080(tiny_atlas):
    data = render_image(tiny_atlas, build_scene(tiny_atlas, "overview"), "png")
    assert image_size(data) == (1920, 1080)


@pytest.mark.parametrize("page", ["overview", "membership", "transport", "energy"])
def test_svg_has_title_legend_scale_attribution_and_sources(tiny_atlas, page):
    scene = build_scene(tiny_atlas, page)
    svg = render_image(tiny_atlas, scene, "svg").decode("utf-8")
    text = svg.replace("&#8211;", "–")
    assert f"C6 Atlas · {scene.title}" in text or scene.title.split(",")[0] in text
    assert " km (at " in text  # the scale bar
    assert ATTRIBUTION_TEXT.split(" (")[0] in text
    assert "Sources: " in text and f"Data version {tiny_atlas.version}" in text
    legend_titles = [m.title for m in scene.marks if isinstance(m, (mk.Legend, mk.Areas, mk.Choropleth))]
    assert any(t.split(",")[0] in text for t in legend_titles)


def test_svg_text_from_data_is_escaped(tiny_atlas, tiny_data):
    from geo.upload import read_indicator

    frame, _ = read_indicator(b"iso3,value\nKAZ,1\n", tiny_atlas, file="<script>alert(1)</script>.csv")
    svg = render_image(tiny_atlas, build_scene(tiny_atlas, "overview", indicator=frame), "svg").decode("utf-8")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_linked_map_view_sets_the_extent(tiny_atlas):
    wide = render_image(tiny_atlas, build_scene(tiny_atlas, "overview", {"lat": 41.0, "lon": 60.0, "z": 3.0}), "svg")
    close = render_image(tiny_atlas, build_scene(tiny_atlas, "overview", {"lat": 41.0, "lon": 60.0, "z": 7.0}), "svg")
    assert wide != close


@pytest.mark.parametrize(("target", "nice"), [(730, 500), (1999, 1000), (2001, 2000), (93, 50), (1.2, 1)])
def test_scale_bar_lengths_are_round(target, nice):
    assert _nice_km(target) == nice


def test_unknown_image_format(tiny_atlas):
    with pytest.raises(ValueError, match=r"fmt was 'jpg' but is expected to be in \['png', 'svg'\]"):
        render_image(tiny_atlas, build_scene(tiny_atlas, "overview"), "jpg")
