"""Real-browser tests: the app in headless Chromium with every non-loopback request blocked.

Needs Debian's chromium and the playwright package. Without them the tests skip with the reason, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os

import pytest

from tests.browser_support import chromium_executable, open_browser, streamlit_server, watch_page

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _require_browser() -> str:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    exe = chromium_executable()
    if reason is None and exe is None:
        reason = "Chromium is not installed (apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required under CI=true: {reason}")
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="module")
def browser():
    exe = _require_browser()
    with open_browser(exe) as b:
        yield b


@pytest.fixture(scope="module")
def app_url():
    _require_browser()
    with streamlit_server() as url:
        yield url


def test_overview_map_draws_offline(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{app_url}/overview", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container")).to_have_count(1, timeout=60_000)
    expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
    expect(frame.locator(".atlas-legend")).to_have_count(1)
    expect(frame.locator("path.atlas-venue").first).to_be_visible()
    assert frame.locator("path.atlas-context").count() > 20
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert watch.problems() == [], "\n".join(watch.problems())
    context.close()


def test_membership_filters_update_the_map_in_place(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{app_url}/membership", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
    expect(frame.locator(".atlas-legend")).to_contain_text("CA Consultative Meetings")

    # Mark the map's document and move the view: a reload of the map would lose both.
    map_frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
    map_frame.evaluate("window.__atlasMarker = 'kept'")
    map_frame.locator(".leaflet-control-zoom-in").click()
    map_frame.wait_for_timeout(400)  # Leaflet's zoom animation
    zoom_before = map_frame.evaluate("Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")

    page.locator('[data-testid="stSelectbox"]').filter(has_text="Organisation").click()
    page.get_by_role("option", name="OTS · Organization of Turkic States").click()
    expect(frame.locator(".atlas-legend")).to_contain_text("OTS", timeout=30_000)
    expect(frame.locator("path.atlas-status-observer")).to_have_count(1)  # Turkmenistan
    assert map_frame.evaluate("window.__atlasMarker") == "kept"
    assert map_frame.evaluate("Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()") == zoom_before

    page.get_by_text('The "5+3" platform', exact=True).click()
    expect(frame.locator("path.atlas-status-outside")).to_have_count(1, timeout=30_000)  # Türkiye
    expect(page.get_by_text("No existing body has all 8 as full members", exact=False)).to_be_visible()
    assert map_frame.evaluate("window.__atlasMarker") == "kept"
    page.screenshot(path=str(tmp_path / "membership.png"), full_page=True)
    assert watch.problems() == [], "\n".join(watch.problems())
    context.close()


@pytest.mark.parametrize(
    ("path", "filter_key_label", "option"),
    [("transport", "Mode", "Ferry"), ("energy", "Commodity", "Electricity")],
)
def test_line_pages_draw_and_filter_in_place(browser, app_url, tmp_path, path, filter_key_label, option):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    before = frame.locator("path.atlas-line").count()
    assert before >= 10
    expect(frame.locator(".atlas-legend").first).to_be_visible()
    map_frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
    map_frame.evaluate("window.__atlasMarker = 'kept'")
    # Remove one option from the multiselect: its lines leave the map, the map itself stays.
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=filter_key_label)
    box.get_by_role("button", name=f"Remove {option}").click()
    expect(frame.locator("path.atlas-line")).not_to_have_count(before, timeout=30_000)
    assert map_frame.evaluate("window.__atlasMarker") == "kept"
    page.screenshot(path=str(tmp_path / f"{path}.png"), full_page=True)
    assert watch.problems() == [], "\n".join(watch.problems())
    context.close()
