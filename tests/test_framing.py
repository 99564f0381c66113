"""Transport's first view: the corridors' box (Prague to Xi'an) is wider than the stage is high on most screens, so
the map centres on the core (Türkiye's border to China's, the Caspian crossing in the middle) just close enough
that the stage fills it: no background beyond the data at 1920x1080 or 1366x768, and the main line in view."""

from __future__ import annotations

import io

import pytest

from geo.maps import scene_base
from geo.scenes import build_scene
from geo.styles import OFF_STAGE


def test_transport_frames_the_core_of_the_corridor_inside_its_box(atlas):
    frame = build_scene(atlas, "transport").frame
    west, south, east, north = frame.fit_bounds
    c_west, c_south, c_east, c_north = frame.core_bounds
    assert west <= c_west < c_east <= east and south <= c_south < c_north <= north
    assert c_west < 41.6 and c_east > 80.4  # the Black Sea ports (Batumi, Poti) to the Chinese border (Khorgos)
    assert c_south < 40.2 < 43.7 < c_north  # Baku (Alat) and Aktau: the Caspian crossing


def test_only_the_plain_basemap_of_a_scene_with_a_core_fills_the_stage(atlas):
    plain = scene_base(atlas, build_scene(atlas, "transport")).get_root().render()
    assert "getBoundsZoom(stage.pad(-0.01), true)" in plain
    assert plain.count(".fitBounds(") == 0 and "map.setView(centre(shown, zoom)" in plain  # fitted at once, not animated
    tiles = scene_base(atlas, build_scene(atlas, "transport", {"basemap": "osm"})).get_root().render()
    assert "getBoundsZoom" not in tiles and "fitBounds" in tiles  # tiles go on beyond the stage
    overview = scene_base(atlas, build_scene(atlas, "overview")).get_root().render()
    assert "getBoundsZoom" not in overview and "fitBounds" in overview


@pytest.mark.browser
def test_transport_first_view_shows_no_background_beyond_the_stage(browser, app_url, tmp_path):
    """At 1366x768, then at 1920x1080 (the first view is framed again when the map is resized, until touched)."""
    from PIL import Image
    from playwright.sync_api import expect

    from bench.browser import wait_until_settled

    frame = 'iframe[title="streamlit_folium.st_folium"]'
    off = tuple(int(OFF_STAGE[i:i + 2], 16) for i in (1, 3, 5))
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{app_url}/transport", wait_until="domcontentloaded")
    expect(page.frame_locator(frame).locator(".atlas-legend").first).to_be_visible(timeout=60_000)
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        wait_until_settled(page)
        shot = page.locator(frame).screenshot()
        (tmp_path / f"transport-{width}.png").write_bytes(shot)
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        pixels = [image.getpixel((x, y)) for x in range(0, image.width, 3) for y in range(0, image.height, 3)]
        share = sum(1 for p in pixels if p == off) / len(pixels)
        assert share < 0.002, f"{width}x{height}: {share:.1%} of the map is background beyond the stage ({tmp_path})"
        in_view = page.frame_locator(frame).locator(".leaflet-container").evaluate(
            """() => [[41.64, 41.63], [40.23, 49.53], [43.66, 51.17], [43.25, 76.91]].map(
                 p => window.map_div.getBounds().contains(p))""")
        assert in_view == [True, True, True, True], f"{width}x{height}: Batumi, Baku (Alat), Aktau and Almaty in view"
    print(f"screenshots in {tmp_path}")
    context.close()
