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


# --- labels, basemap, title, sources and layout (issues 13 and 14) ---------------------------------------------

def _views():
    return ["?page=overview", "?page=overview&date=2024-08-09", "?page=membership&view=5plus3&body=ots",
            "?page=transport", "?page=transport&corridor=middle&mode=rail,ferry", "?page=energy",
            "?page=energy&commodity=gas&status=operational"]


@pytest.fixture(scope="module")
def rendered(atlas):
    """The PNG of each view with the labels it placed (rendered once per module)."""
    from geo.image import render
    from geo.scenes import scene_for_link

    return {link: (scene_for_link(atlas, link)[0], render(atlas, scene_for_link(atlas, link)[0], "png"))
            for link in _views()}


@pytest.mark.parametrize("link", _views())
def test_no_two_labels_overlap_and_all_lie_on_the_map(rendered, link):
    from geo.labels import overlaps

    _, out = rendered[link]
    boxes = [label.box for label in out.labels]
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        assert not any(overlaps(a, b) for b in boxes[i + 1:]), out.labels[i]
        x0, y0, x1, y1 = out.map_box
        assert x0 <= a[0] and a[2] <= x1 and y0 <= a[1] and a[3] <= y1, out.labels[i]


@pytest.mark.parametrize("link", _views())
def test_every_focus_country_in_view_is_named_and_neighbours_too(rendered, atlas, link):
    _, out = rendered[link]
    placed = {label.text for label in out.labels}
    focus = atlas.boundaries[atlas.boundaries["tier"] == "focus"]
    for iso3, name in zip(focus["iso3"], focus["name"]):
        assert name in placed or iso3 in placed, name
    assert {"Russia", "Iran", "China"} <= placed
    assert "Caspian Sea" in placed  # seas give way to places: the Black Sea's coasts are crowded on Transport
    assert "Black Sea" in placed or "transport" in link


def test_key_places_are_named_on_transport_and_energy(rendered):
    transport = {label.text for label in rendered["?page=transport&corridor=middle&mode=rail,ferry"][1].labels}
    assert {"Baku", "Aktau port", "Poti port", "Xi'an", "Kazakhstan", "Armenia"} <= transport
    energy = {label.text for label in rendered["?page=energy"][1].labels}
    assert {"Ceyhan", "Sangachal terminal", "Atyrau", "Novorossiysk"} <= energy
    overview = {label.text for label in rendered["?page=overview"][1].labels}
    assert {"Astana", "Tashkent", "Awaza", "Cholpon-Ata", "Dushanbe", "Aral Sea", "Lake Balkhash"} <= overview


def test_labels_are_in_the_svg_text(atlas):
    from geo.scenes import scene_for_link

    scene = scene_for_link(atlas, "?page=transport&corridor=middle&mode=rail,ferry")[0]
    svg = render_image(atlas, scene, "svg").decode("utf-8")
    for name in ("Kazakhstan", "Uzbekistan", "Türkiye", "Baku", "Aktau port", "Poti port", "Caspian Sea", "Russia"):
        assert name in svg, name


def test_the_title_and_subtitle_say_what_the_filters_show(atlas):
    from geo.image import render_image as draw
    from geo.scenes import scene_for_link

    middle = scene_for_link(atlas, "?page=transport&corridor=middle&mode=rail,ferry&status=operational")[0]
    assert middle.title == "Middle Corridor (TITR)"
    assert middle.subtitle.startswith("Rail and ferry · operational · ")
    everything = scene_for_link(atlas, "?page=transport")[0]
    assert everything.title == "Middle Corridor and comparisons"
    assert everything.subtitle.startswith("All modes · all statuses · ")
    gas = scene_for_link(atlas, "?page=energy&commodity=gas&status=operational,planned")[0]
    assert gas.subtitle.startswith("Gas · operational or planned · ")
    svg = draw(atlas, middle, "svg").decode("utf-8")
    assert "C6 Atlas · Middle Corridor (TITR)" in svg and "Rail and ferry · operational" in svg


def test_source_credit_counts_add_up():
    import pandas as pd

    from geo.labels import source_credit

    sources = pd.DataFrame({"id": [f"s{i}" for i in range(8)],
                            "publisher": ["A", "A", "A", "B", "B", "C", "D", ""],
                            "title": ["t"] * 7 + ["Untitled report"]})
    ids = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s0", "gone"]  # s0 twice, one id not in the table
    credit = source_credit(sources, ids, limit=2)
    assert credit.total == 9 and credit.publishers == 5 and credit.unlisted == 1
    assert credit.shown == [("A", 3), ("B", 2)] and (credit.others, credit.other_sources) == (3, 3)
    assert sum(n for _, n in credit.shown) + credit.other_sources + credit.unlisted == credit.total
    assert credit.text == ("Sources: 9 from 5 publishers — A (3), B (2), 3 other publishers (3) and not in the "
                           "sources table (1).")
    assert source_credit(sources, []).text == "Sources: none."
    assert source_credit(sources, ["s5"]).text == "Sources: 1 from 1 publisher — C (1)."


@pytest.mark.parametrize("link", _views())
def test_the_sources_line_adds_up_for_every_view(atlas, link):
    import re

    from geo.labels import source_credit
    from geo.scenes import scene_for_link

    scene = scene_for_link(atlas, link)[0]
    credit = source_credit(atlas.sources, scene.sources)
    assert credit.total == len(set(scene.sources)) and len(credit.text) <= 150
    total, *parts = (int(n) for n in re.findall(r"(?:^Sources: |\()(\d+)", credit.text))
    assert total == credit.total == sum(parts)


@pytest.mark.parametrize("link", ["?page=overview", "?page=membership&view=5plus3&body=ots", "?page=transport",
                                  "?page=energy&commodity=gas&status=operational"])
def test_no_empty_band_on_the_map(rendered, link):
    """The map's top and bottom rows are sea or land (white labels aside), never the off-stage grey or blank."""
    from io import BytesIO

    from PIL import Image

    from geo import styles

    _, result = rendered[link]
    image = Image.open(BytesIO(result.data)).convert("RGB")
    assert image.size == (1920, 1080)
    x0, y0, x1, y1 = (round(v) for v in result.map_box)
    assert y1 - y0 > 0.5 * 1080 and x1 - x0 > 0.7 * 1920
    off, white = tuple(int(styles.OFF_STAGE[i:i + 2], 16) for i in (1, 3, 5)), (255, 255, 255)
    for row in (1080 - y1 + 4, 1080 - y1 + 30, 1080 - y0 - 4):
        pixels = [image.getpixel((x, row)) for x in range(x0 + 4, x1 - 4, 7)]
        assert sum(p in (off, white) for p in pixels) < 0.05 * len(pixels), row


def test_the_extent_moves_into_the_stage_or_is_cut_to_it():
    from geo.image import _fit_stage

    stage = (0.0, 0.0, 100.0, 50.0)
    assert _fit_stage((-10.0, 10.0, 40.0, 30.0), stage) == (0.0, 10.0, 50.0, 30.0)  # moved right
    assert _fit_stage((10.0, 30.0, 60.0, 70.0), stage) == (10.0, 10.0, 60.0, 50.0)  # moved down
    assert _fit_stage((-20.0, -30.0, 120.0, 60.0), stage) == stage  # larger: cut
    assert _fit_stage((10.0, 10.0, 20.0, 20.0), stage) == (10.0, 10.0, 20.0, 20.0)  # inside: kept


def test_seas_are_named_in_open_water(atlas):
    from shapely.geometry import Point

    from geo.labels import SEAS

    land = atlas.boundaries.union_all()
    for name, points in SEAS:
        for lat, lon in points:
            assert land.distance(Point(lon, lat)) > 0.3, (name, lat, lon)  # degrees off every coast


def test_the_historic_aral_sea_only_when_the_scene_asks(atlas):
    from dataclasses import replace

    from geo.image import render
    from geo.scenes import build_scene

    scene = build_scene(atlas, "overview")
    assert not scene.historic_lakes
    before = {label.text for label in render(atlas, scene, "png").labels}
    after = {label.text for label in render(atlas, replace(scene, historic_lakes=True), "png").labels}
    assert "Aral Sea (late 1950s)" not in before and "Aral Sea (late 1950s)" in after


def test_a_lower_priority_label_gives_way():
    import matplotlib.pyplot as plt

    from geo.labels import LabelSpec, overlaps, place_labels

    fig = plt.figure(figsize=(4, 3), dpi=100)
    try:
        ax = fig.add_axes((0, 0, 1, 1), xlim=(0, 10), ylim=(0, 10))
        renderer = fig.canvas.get_renderer()
        specs = [LabelSpec(("Second",), 5, 5, 2, "place"), LabelSpec(("First",), 5, 5, 1, "place"),
                 LabelSpec(("Wide area name",), 5, 5, 0.5, "focus", None, max_widths=(20.0,))]  # too wide: dropped
        placed = place_labels(ax, renderer, specs, obstacles=[(0, 0, 400, 130)])  # the lower part is taken
        assert [p.text for p in placed] == ["First", "Second"]
        assert not overlaps(placed[0].box, placed[1].box) and all(p.box[1] >= 130 for p in placed)
        crowded = place_labels(ax, renderer, [LabelSpec(("X",), 5, 5, 1, "place")], obstacles=[(0, 0, 400, 300)])
        assert crowded == []
    finally:
        plt.close(fig)


@pytest.mark.parametrize(("name", "port", "short"), [
    ("Baku International Sea Trade Port (Alat)", True, "Baku port"), ("Aktau port", True, "Aktau port"),
    ("Ceyhan (Haydar Aliyev marine terminal)", False, "Ceyhan"), ("Kapikule-Kapitan Andreevo", False, "Kapikule"),
    ("CPC marine terminal near Novorossiysk", False, "Novorossiysk"), ("Dostyk-Alashankou", False, "Dostyk-Alashankou"),
    ("Saman-Depe gas field (origin, gas processing plant)", False, "Saman-Depe")])
def test_short_place_names(name, port, short):
    from geo.labels import short_name

    assert short_name(name, port=port) == short
