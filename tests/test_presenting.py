"""Presenters in a real browser: every step of every story fits the screen at 1920x1080 and 1366x768 (map, legends,
boundary line and sources inside the viewport, no input widget shown), stories are stepped with the arrow keys,
started from presentation mode with the keyboard alone, and a switch toggles with Enter.

A screenshot of every step at both sizes is saved in the test's temporary folder (its path is printed)."""

from __future__ import annotations

import re

import pytest

from bench.browser import wait_until_settled
from geo.load import load_atlas
from geo.stories import story_steps, story_titles
from geo.views import PAGES

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SIZES = ((1920, 1080), (1366, 768))
ATLAS = load_atlas()
STORIES = list(story_titles(ATLAS))


def _step_url(app_url: str, story: str, step: int) -> str:
    row = story_steps(ATLAS, story).set_index("step").loc[step]
    return f"{app_url}/{PAGES[row['page']].path}?{row['query']}&story={story}&step={step}&present=1"


def _wait_for_map(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=60_000)
    # while a page runs (a new page, or a rerun in another layout), the previous map stays on screen (stale) beside
    # the new one: wait until the runs are over (the address settles) and one map is left
    wait_until_settled(page)
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=60_000)
    expect(page.frame_locator(MAP_FRAME).locator(".atlas-legend").first).to_be_visible(timeout=60_000)
    wait_until_settled(page)


def _boxes(page) -> dict:
    """Boxes (top, bottom, left, right in page pixels) of the map, each legend, the boundary line and the sources."""
    frame_box = page.locator(MAP_FRAME).bounding_box()
    legends = page.frame_locator(MAP_FRAME).locator(".atlas-legend").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; })")
    def box(b):
        return (b["y"], b["y"] + b["height"], b["x"], b["x"] + b["width"])
    out = {"map": box(frame_box),
           "boundary line": box(page.locator(".st-key-atlas-present-foot").bounding_box()),
           "sources": box(page.get_by_text("Sources for this view").bounding_box() and
                          page.locator('[data-testid="stExpander"]').last.bounding_box())}
    for i, (top, bottom, left, right) in enumerate(legends):
        out[f"legend {i + 1}"] = (frame_box["y"] + top, frame_box["y"] + bottom, frame_box["x"] + left,
                                  frame_box["x"] + right)
    return out


def _visible_inputs(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        'input, textarea, select, [role="combobox"], [role="slider"], [role="switch"]'))
      .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                     return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; })
      .map(e => e.outerHTML.slice(0, 80))""")


@pytest.mark.parametrize("story", STORIES)
def test_every_story_step_fits_both_screens_and_steps_with_the_arrow_keys(story, browser, app_url, tmp_path):
    steps = story_steps(ATLAS, story)
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page = context.new_page()
    page.goto(_step_url(app_url, story, int(steps["step"].iloc[0])), wait_until="domcontentloaded")
    for index, row in enumerate(steps.to_dict("records")):
        _wait_for_map(page, f"Step {index + 1} of {len(steps)}")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            wait_until_settled(page, quiet_ms=700)
            for name, (top, bottom, left, right) in _boxes(page).items():
                where = f"{story} step {row['step']} at {width}x{height}: {name} {top:.0f}-{bottom:.0f}"
                assert top >= 0 and bottom <= height + 0.5 and left >= 0 and right <= width + 0.5, where
            assert _visible_inputs(page) == [], f"{story} step {row['step']}: inputs shown"
            page.screenshot(path=str(tmp_path / f"{story}-{row['step']}-{width}.png"))
        if index < len(steps) - 1:
            page.locator("body").press("ArrowRight")  # the keyboard steps the story
    if len(steps) > 1:
        page.locator("body").press("ArrowLeft")
        _wait_for_map(page, f"Step {len(steps) - 1} of {len(steps)}")
    print(f"screenshots in {tmp_path}")
    context.close()


def test_a_story_starts_from_presentation_mode_with_the_keyboard(browser, app_url):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{app_url}/?present=1", wait_until="domcontentloaded")
    menu = page.get_by_role("combobox", name="Story")
    expect(menu).to_be_visible(timeout=60_000)
    wait_until_settled(page)  # the map reports its first view (a rerun) before the presenter starts typing
    last = story_titles(ATLAS)[STORIES[-1]]
    for _ in range(60):  # Tab to the story menu, as a presenter would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.getAttribute('role') === 'combobox'"):
            break
    page.keyboard.type(last[:12])
    page.keyboard.press("Enter")
    expect(menu).to_have_value(last, timeout=10_000)
    start = page.get_by_role("link", name="Start the story ▶")
    expect(start).to_have_attribute("href", re.compile(f"story={STORIES[-1]}&"), timeout=30_000)  # after the rerun
    for _ in range(60):  # Tab on to the link that starts it
        page.keyboard.press("Tab")
        if "Start the story" in page.evaluate("document.activeElement ? document.activeElement.textContent : ''"):
            break
    assert "Start the story" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    _wait_for_map(page, f"Step 1 of {len(story_steps(ATLAS, STORIES[-1]))}")
    assert "present=1" in page.evaluate("location.href") and f"story={STORIES[-1]}" in page.evaluate("location.href")
    context.close()


def test_enter_toggles_the_presentation_switch(browser, app_url):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{app_url}/", wait_until="domcontentloaded")
    switch = page.get_by_role("switch", name="Presentation mode").or_(page.get_by_role("checkbox", name="Presentation mode"))
    expect(switch).to_be_attached(timeout=60_000)
    switch.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Exit presentation")).to_be_visible(timeout=30_000)
    context.close()
