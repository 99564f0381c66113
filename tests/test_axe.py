"""Accessibility: axe-core finds no serious or critical violation on any page, in any view, with a card open, in
presentation mode, inside the map's frame as well as around it.

axe-core comes inside the axe-playwright-python package (``axe.min.js``): nothing is downloaded. The package runs
axe in the page's top document only, where axe marks the map's iframe "frame-tested: incomplete" and reads nothing
inside it; axe descends into a frame when its script runs there too, so `axe_violations` puts it in every frame
first. Needs Debian's chromium and playwright, like tests/test_browser.py.
"""

from __future__ import annotations

import pytest

from bench.browser import wait_until_settled, watch_page

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
REPORTED = ("serious", "critical")

VIEWS = {
    "overview": "/",
    "membership": "/membership",
    "membership, compare": "/membership?view=compare",
    "membership, 5+3": "/membership?view=5plus3",
    "transport": "/transport",
    "energy": "/energy",
    "cooperation, water": "/cooperation?view=water",
    "cooperation, borders": "/cooperation?view=borders",
    "cooperation, people": "/cooperation?view=people",
    "overview, a country's card": "/?sel=GEO",
    "transport, a segment's card": "/transport?sel=xian-urumqi",
    "energy, a line's card": "/energy?sel=btc",
    "overview, presenting": "/?present=1",
    "membership, presenting": "/membership?present=1",
    "transport, presenting": "/transport?present=1",
    "energy, presenting": "/energy?present=1",
    "cooperation, presenting": "/cooperation?present=1",
}

CARDS = {"/?sel=GEO": "Georgia", "/transport?sel=xian-urumqi": "Xi'an - Urumqi", "/energy?sel=btc": "Baku-Tbilisi-Ceyhan"}
"""The heading of the card each selection opens (the test waits for it before running axe)."""

ACCEPTED: dict[tuple[str, str], str] = {}
"""Violations our code cannot change, as (rule id, target selector) -> the upstream reason. None today: every one
axe found was fixed in our CSS or markup (README, Tests)."""


def axe_results(page) -> dict:
    """axe-core's results for `page`, its frames included (the bundled axe.min.js, run in every frame)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for frame in page.frames[1:]:  # axe reads a frame only where its script runs too
        frame.evaluate(axe.axe_script)
    return axe.run(page, options={"resultTypes": ["violations"]}).response


def reported(results: dict) -> list[str]:
    """One line per serious or critical violation, per element: rule id, impact, target selectors, help."""
    lines = []
    for rule in results["violations"]:
        if rule["impact"] not in REPORTED:
            continue
        for node in rule["nodes"]:
            target = " >> ".join(node["target"])  # a frame's selector, then the element's inside it
            if (rule["id"], target) not in ACCEPTED:
                lines.append(f"{rule['id']} ({rule['impact']}) at {target}: {rule['help']} [{rule['helpUrl']}]")
    return lines


def open_drawn(browser, url: str):
    """A new page on `url`, once the map has drawn and the app is idle; returns (context, page, watch)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.leaflet-interactive").first).to_be_attached(timeout=60_000)
    expect(frame.locator(".atlas-legend").first).to_be_attached(timeout=30_000)
    wait_until_settled(page)
    return context, page, watch


@pytest.mark.parametrize("path", VIEWS.values(), ids=VIEWS.keys())
def test_no_serious_or_critical_violation(browser, app_url, path):
    from playwright.sync_api import expect

    context, page, watch = open_drawn(browser, f"{app_url}{path}")
    if path in CARDS:
        expect(page.get_by_role("heading", name=CARDS[path]).first).to_be_visible()
    results = axe_results(page)
    context.close()
    assert "frame-tested" not in {rule["id"] for rule in results["incomplete"]}, "axe did not read the map's frame"
    problems = reported(results)
    assert problems == [], f"{len(problems)} serious or critical axe violations on {path}:\n" + "\n".join(problems)
    assert watch.problems() == [], "\n".join(watch.problems())


def test_a_violation_inside_the_map_frame_is_reported(browser, app_url):
    """Control: faint text put into the map's frame is found, with the frame's selector first in its target."""
    context, page, _ = open_drawn(browser, f"{app_url}/")
    map_frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
    map_frame.evaluate("""() => {
        const p = document.createElement('p');
        p.id = 'atlas-faint'; p.textContent = 'Faint words';
        p.style.cssText = 'position:fixed;top:0;left:0;z-index:9999;margin:0;color:#dddddd;background:#ffffff';
        document.body.appendChild(p);
    }""")
    problems = reported(axe_results(page))
    context.close()
    assert [line for line in problems if line.startswith("color-contrast (serious) at iframe") and "#atlas-faint" in line]
