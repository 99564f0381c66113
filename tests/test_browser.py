"""Real-browser tests: the app in headless Chromium with every non-loopback request blocked.

Needs Debian's chromium and the playwright package. Without them the tests skip with the reason, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import pytest

from bench.browser import streamlit_server, wait_until_settled, watch_page

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_overview_map_draws_offline(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{app_url}/", wait_until="domcontentloaded")  # the default page lives at the root
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
    wait_until_settled(page)
    map_frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
    map_frame.evaluate("window.__atlasMarker = 'kept'")
    map_frame.locator(".leaflet-control-zoom-in").click()
    wait_until_settled(page)
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
    expect(page.get_by_text("no regional body brings the eight together", exact=False).first).to_be_visible()
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
    wait_until_settled(page)
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


def _leaflet_zoom(page) -> float:
    map_frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
    return map_frame.evaluate("Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")


def test_a_link_reopens_the_same_view_in_a_fresh_browser(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = first.new_page()
    watch = watch_page(first, page)
    page.goto(f"{app_url}/membership?view=5plus3&body=ots&date=2025-11-16&lat=41&lon=58&z=5", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-status-outside")).to_have_count(1, timeout=60_000)
    expect(frame.locator("path.atlas-status-observer")).to_have_count(1)  # Turkmenistan in the OTS
    page.wait_for_function("() => location.search.includes('view=5plus3')", timeout=30_000)
    page.wait_for_timeout(1000)
    assert _leaflet_zoom(page) == 5
    link = page.evaluate("location.href")  # page.url can lag behind history.replaceState
    assert "body=ots" in link and "z=5" in link
    first.close()

    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    again = second.new_page()
    watch_again = watch_page(second, again)
    again.goto(link, wait_until="domcontentloaded")
    frame = again.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-status-outside")).to_have_count(1, timeout=60_000)
    expect(again.get_by_text("no regional body brings the eight together", exact=False).first).to_be_visible()
    again.wait_for_timeout(1000)
    assert _leaflet_zoom(again) == 5
    again.screenshot(path=str(tmp_path / "link.png"))
    assert watch.problems() + watch_again.problems() == []
    second.close()


def test_presentation_mode_and_story_steps(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{app_url}/?date=2018-03-15&story=c6&step=1&present=1", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
    expect(page.get_by_text("Step 1 of", exact=False)).to_be_visible()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    page.screenshot(path=str(tmp_path / "present-step1.png"))
    # The map reports its first view once drawn (reruns that redraw the page): wait for it before using the keys.
    wait_until_settled(page)
    page.get_by_role("link", name="Next ▶").press("Enter")  # keyboard works as well as the mouse
    expect(page.get_by_text("Step 2 of", exact=False)).to_be_visible(timeout=30_000)
    page.wait_for_function("() => location.search.includes('step=2') && location.search.includes('present=1')", timeout=30_000)
    expect(frame.locator("path.atlas-status-guest_of_honour")).to_have_count(1, timeout=30_000)
    wait_until_settled(page)
    page.get_by_role("link", name="Next ▶").click()
    expect(page.get_by_text("Step 3 of", exact=False)).to_be_visible(timeout=30_000)
    wait_until_settled(page)
    page.get_by_role("link", name="Next ▶").click()  # step 4 is on another page
    expect(page.get_by_text("Step 4 of", exact=False)).to_be_visible(timeout=30_000)
    page.wait_for_function("() => location.pathname.endsWith('/membership') && location.search.includes('body=ca_consultative')", timeout=30_000)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    wait_until_settled(page)
    page.get_by_role("link", name="◀ Back").click()
    expect(page.get_by_text("Step 3 of", exact=False)).to_be_visible(timeout=30_000)
    expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=30_000)  # the map draws after the switch
    expect(frame.locator("path.atlas-status-member")).to_have_count(6)  # the C6 on 2025-11-16
    wait_until_settled(page)
    page.screenshot(path=str(tmp_path / "present-step3.png"))
    assert watch.problems() == [], "\n".join(watch.problems())
    context.close()


def test_first_request_after_a_restart_can_be_a_deep_link(browser, tmp_path):
    """The first page opened on a fresh server goes through app.py's router (not Streamlit's legacy one)."""
    from playwright.sync_api import expect

    with streamlit_server() as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        watch = watch_page(context, page)
        page.goto(f"{url}/transport?mode=ferry", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("path.atlas-line").first).to_be_attached(timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Energy")
        assert "ui" not in nav.inner_text().split()  # not the file-name menu of the legacy router
        assert frame.locator("path.atlas-line").count() < 10  # the link's filter applied: ferries only
        assert watch.problems() == [], "\n".join(watch.problems())
        context.close()


def test_map_html_download_opens_offline(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/energy?commodity=gas", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    wait_until_settled(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Map as HTML (works offline)").click()
    saved = tmp_path / "map.html"
    download.value.save_as(saved)
    context.close()

    offline = browser.new_context(viewport={"width": 1200, "height": 800})
    blocked = []
    offline.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                  else (blocked.append(route.request.url), route.abort()))
    view = offline.new_page()
    errors = []
    view.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    view.goto(saved.as_uri())
    expect(view.locator(".leaflet-container")).to_have_count(1, timeout=30_000)
    lines = view.locator("path.atlas-line")
    expect(lines.first).to_be_attached()
    assert 0 < lines.count() < 15  # gas only, as on screen
    expect(view.locator(".atlas-legend").first).to_be_visible()
    view.screenshot(path=str(tmp_path / "standalone.png"))
    assert blocked == [] and errors == []
    offline.close()


def test_view_download_holds_exactly_the_visible_rows(browser, app_url, tmp_path):
    import pyogrio
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/transport?mode=ferry&corridor=middle,middle_southern", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    wait_until_settled(page)
    classes = frame.locator("path.atlas-line").evaluate_all("els => els.map(e => e.getAttribute('class'))")
    on_map = sorted({c.split("atlas-line-")[1].split()[0] for c in classes})
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="GeoPackage").click()
    saved = tmp_path / "view.gpkg"
    download.value.save_as(saved)
    context.close()
    exported = pyogrio.read_dataframe(saved, layer="routes")
    assert sorted(exported["id"]) == on_map and len(on_map) >= 3
    assert set(exported["mode"]) == {"ferry"}
    meta = dict(pyogrio.read_dataframe(saved, layer="metadata")[["key", "value"]].values)
    assert "mode=ferry" in meta["view"] and meta["page"] == "transport"


HOSTILE = '<img src=x onerror="window.__pwned=1"><b>bold</b>`${window.__pwned=2}`{{ "PWN" ~ "ED" }}'


def _hostile_data(folder):
    """A copy of data/ with hostile text in a country name, a route name and an energy link's operator."""
    import csv
    import shutil

    from bench.browser import REPO

    shutil.copytree(REPO / "data", folder)
    for name, key, value, column in (("countries.csv", "iso3", "KAZ", "name"), ("routes.csv", "id", None, "name"),
                                     ("energy_links.csv", "id", None, "operator")):
        path = folder / name
        with path.open(encoding="utf-8", newline="") as fh:
            table = list(csv.DictReader(fh))
        target = next(r for r in table if value is None or r[key] == value)
        target[column] = HOSTILE
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    return folder


def _not_pwned(page) -> None:
    for frame in page.frames:
        assert frame.evaluate("typeof window.__pwned") == "undefined", f"script ran in {frame.url}"


def test_hostile_data_and_uploads_show_as_text(browser, tmp_path):
    from playwright.sync_api import expect

    data = _hostile_data(tmp_path / "data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data)}) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page = context.new_page()
        watch = watch_page(context, page)
        page.goto(f"{url}/?sel=KAZ", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
        wait_until_settled(page)
        # The click card (Markdown) and the map's tooltip show the name as text.
        expect(page.get_by_text('<b>bold</b>', exact=False).filter(visible=True).first).to_be_visible(timeout=30_000)
        kaz = frame.locator("path.atlas-status-member").first
        kaz.hover(force=True)
        tip = frame.locator(".leaflet-tooltip")
        expect(tip.first).to_be_attached(timeout=10_000)
        _not_pwned(page)

        # An upload with a hostile name and unit, and one bad row: drawn as a choropleth, named as text.
        upload = tmp_path / "{{ 7*7 }}<b>Index.csv"
        upload.write_text(f"iso3,value,year,unit\nKAZ,10,2024,{HOSTILE.replace(',', ' ')}\nUZB,20,2024,\nATL,5,2024,\n",
                          encoding="utf-8")
        page.get_by_text("Your indicator (CSV)").click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        expect(frame.locator("path.atlas-value").first).to_be_attached(timeout=30_000)
        expect(frame.locator(".atlas-legend").first).to_contain_text("{{ 7*7 }}<b>Index (uploaded)")
        expect(page.get_by_text("1 row left out", exact=False)).to_be_visible()
        expect(page.get_by_text("found 'ATL', expected an ISO3 code", exact=False)).to_be_visible()
        _not_pwned(page)

        # The same text, verbatim, in the view's CSV export (once the upload's reruns are over: a click during a
        # rerun can land on a button that is being replaced).
        wait_until_settled(page)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="CSV (zip)").click()
        saved = tmp_path / "view.zip"
        download.value.save_as(saved)
        import zipfile

        with zipfile.ZipFile(saved) as archive:
            assert "my_indicator.csv" in archive.namelist()
            countries = archive.read("countries.csv").decode("utf-8")
        assert "<b>bold</b>" in countries and "PWNED" not in countries
        page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        _not_pwned(page)
        assert watch.problems() == [], "\n".join(watch.problems())
        context.close()


def test_slide_image_download_is_a_1920_png(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    from geo.image import image_size

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/energy?commodity=gas", wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    wait_until_settled(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Image for slides (PNG)").click()
    saved = tmp_path / "slide.png"
    download.value.save_as(saved)
    assert image_size(saved.read_bytes()) == (1920, 1080)
    context.close()


def test_a_pan_reruns_only_the_map_and_a_click_selects(browser, tmp_path):
    """A pan or zoom reruns only the map's fragment (the server records fragment runs and no app run) and the
    address bar and the link box follow the new view; a click on a country reruns the page, which shows the
    country's record and outlines it, on the same map (not reloaded)."""
    from playwright.sync_api import expect

    from bench.run import run_log, timed_server

    with timed_server() as (url, runs):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        watch = watch_page(context, page)
        page.goto(f"{url}/?date=2025-11-16&lat=43&lon=60&z=4", wait_until="domcontentloaded")  # a link's view
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
        wait_until_settled(page)
        leaflet = next(f for f in page.frames if f.locator(".leaflet-container").count())
        leaflet.evaluate("window.__kept = 'yes'")
        find_map = "Object.values(window).find(v => v && v._leaflet_id && v.getZoom)"
        assert leaflet.evaluate(f"[{find_map}.getCenter().lat, {find_map}.getCenter().lng, {find_map}.getZoom()]") == [43, 60, 4]

        seen = len(run_log(runs))
        leaflet.evaluate(f"{find_map}.setView([41.5, 64.5], 5, {{animate: false}})")
        page.wait_for_function("() => /[?&]lat=41\\.5(&|$)/.test(location.search) && /[?&]z=5(&|$)/.test(location.search)",
                               timeout=30_000)
        wait_until_settled(page)
        kinds = [kind for _, _, kind in run_log(runs)[seen:]]
        assert kinds and set(kinds) == {"fragment"}, f"a pan ran {kinds}, expected fragment runs only"
        page.get_by_text("Link to this view").click()
        expect(page.get_by_text("lat=41.5&lon=64.5&z=5", exact=False)).to_be_visible()
        expect(page.get_by_text("Click a country on the map for its record and sources.")).to_be_visible()

        seen = len(run_log(runs))
        point = leaflet.evaluate(f"(() => {{ const p = {find_map}.latLngToContainerPoint([41.5, 64.5]); return [p.x, p.y]; }})()")
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        box = page.locator(MAP_FRAME).bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        expect(page.get_by_role("heading", name="Uzbekistan")).to_be_visible(timeout=30_000)
        expect(frame.locator("path.atlas-selected")).to_have_count(1, timeout=30_000)
        page.wait_for_function("() => /[?&]sel=UZB(&|$)/.test(location.search)", timeout=30_000)
        wait_until_settled(page)
        assert "app" in [kind for _, _, kind in run_log(runs)[seen:]]
        assert leaflet.evaluate("window.__kept") == "yes", "the map was reloaded"
        assert leaflet.evaluate(f"{find_map}.getZoom()") == 5
        page.screenshot(path=str(tmp_path / "selected.png"))
        assert watch.problems() == [], "\n".join(watch.problems())
        context.close()
