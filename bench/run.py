"""C6 Atlas benchmark: server time, map payload and browser time per page, beside a trivial page and a naive baseline.

    python bench/run.py                  # everything (about 5 minutes on a quiet 2-core machine)
    python bench/run.py --no-browser     # server, 10× edition and baseline only
    python bench/run.py --pages transport energy

Not part of the test suite. Prints the machine, the versions, and one table per measure, then every target per
page, met or MISSED: map payload under 300 KB, warm rerun at most 150 ms of server time, a pan or zoom at most
30 ms of server time (with the link following the map), payload and warm time at most a quarter of the
baseline's, a filter change updating the map in place (no iframe remount, view kept), and the browser ratios and
cold first run below.

- Server time: the app's script run as Streamlit's script runner executes it (AppTest in a fresh process per
  page; the run is timed around Streamlit's ``exec_func_with_error_handling``, so the test harness's own
  polling is not counted). Cold: the first run of a fresh process (data loaded and validated, nothing cached).
  Warm: the median of reruns after a filter change, each to a value not seen before (no result reused).
- Payload: the bytes of the map component's arguments in the page's message (base map and layer).
- Browser: headless Chromium against ``streamlit run`` on loopback (every other request blocked): from
  navigation to the map drawn, and from a filter change in the sidebar to the map updated.
- Trivial page (`bench/trivial_app.py`): one streamlit-folium map of 100 polygons and 100 lines passed as
  ``feature_group_to_add``, measured in the same run and browser: the map drawn after the page's title, and a
  select-box change to the map updated in place. Targets: each page at most 1.5 times the trivial page's.
- Cold: the first script run of a freshly started ``streamlit run`` (timed inside the server process by a
  ``sitecustomize`` hook around the same function), and navigation to map drawn on that fresh server. Target:
  first run at most 1.5 s.
- 10× edition (`bench/edition.py`): ten times the nodes, segments, lines and points, through ``ATLAS_DATA_DIR``;
  server time and payload against the real edition. Target: payload under 1 MB at 10×.
- Baseline: the same layers built the naive way on every run: data read from the CSV files, full-resolution
  Natural Earth 1:50m boundaries (the npm package the atlas is built from, not simplified or clipped) read from
  a GeoJSON file, ``GeoDataFrame.explore()`` for each layer, no caching. Its browser time opens the baseline's
  HTML (Leaflet inlined) from a local file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.edition import write_edition  # noqa: E402 - after the repo root is on sys.path
from geo.views import PAGES as REGISTRY  # noqa: E402

PAGES = tuple(REGISTRY)
RUNS = 7
PANS = 5
TARGET_PAN_MS = 30.0
TARGET_PAYLOAD = 300_000
TARGET_WARM_MS = 150.0
TARGET_RATIO = 0.25
TARGET_TRIVIAL_RATIO = 1.5
TARGET_COLD_MS = 1500.0
TARGET_PAYLOAD_10X = 1_000_000
TRIVIAL = REPO / "bench" / "trivial_app.py"
TIMING_HOOK = """
import os, time
from streamlit.runtime.scriptrunner import script_runner

_original = script_runner.exec_func_with_error_handling


def _timed(func, ctx):
    began, start = time.time(), time.perf_counter()
    kind = "fragment" if getattr(ctx, "fragment_ids_this_run", None) else "app"
    try:
        return _original(func, ctx)
    finally:
        with open(os.environ["ATLAS_BENCH_RUNS"], "a", encoding="utf-8") as fh:
            fh.write(f"{began:.3f} {(time.perf_counter() - start) * 1000:.1f} {kind}\\n")


script_runner.exec_func_with_error_handling = _timed
"""


# ---------------------------------------------------------------------------------------------- server


def _filter_changes(page: str) -> list:
    """Distinct filter values, one per warm run, each new to the session."""
    import datetime as dt
    import itertools

    if page == "overview":
        days = ["2018-03-15", "2019-11-29", "2021-08-06", "2022-07-21", "2023-09-14", "2024-08-09", "2025-11-16"]
        return [("date_input", "overview_as_of", dt.date.fromisoformat(d)) for d in days]
    if page == "membership":
        return [("selectbox", "membership_body", b) for b in ("ots", "cis", "sco", "eaeu", "csto", "eco", "nam")]
    if page == "transport":
        modes = ["rail", "ferry", "sea", "road"]
        subsets = [list(c) for n in (3, 2) for c in itertools.combinations(modes, n)][:RUNS]
        return [("multiselect", "transport_mode", s) for s in subsets]
    if page == "cooperation":
        views = [("radio", "cooperation_view", v) for v in ("borders", "people")]
        return views + [("selectbox", "cooperation_country", c) for c in ("ARM", "AZE", "GEO", "UZB", "TJK")]
    commodities = ["oil", "gas", "electricity"]
    subsets = [list(c) for n in (1, 2, 3) for c in itertools.combinations(commodities, n)][:RUNS]
    return [("multiselect", "energy_commodity", s) for s in reversed(subsets)]


def server_page(page: str) -> dict:
    """Measure one page in this (fresh) process; return cold ms, warm ms list and payload bytes."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    spent: list[float] = []
    original = script_runner.exec_func_with_error_handling

    def timed(func, ctx):
        start = time.perf_counter()
        try:
            return original(func, ctx)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    script_runner.exec_func_with_error_handling = timed

    def run(at):
        spent.clear()
        at.run()
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
        return sum(spent)

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.switch_page(REGISTRY[page].file)
    cold = run(at)  # a first visit: the page's title and map (`pages._ui.map_section`)
    payload = _payload(at)
    at.session_state[_map_element(at).key] = {"last_object_clicked": None, "center": {"lat": 42.0, "lng": 60.0}, "zoom": 4}
    rest = run(at)  # the map's first report: the whole page
    if not at.dataframe:
        raise RuntimeError(f"{page}: the map's first report did not bring the whole page")
    warm = []
    for kind, key, value in _filter_changes(page):
        getattr(at, kind)(key=key).set_value(value)
        warm.append(run(at))
    same = [run(at) for _ in range(3)]
    pans = []
    for step in range(PANS):  # the map reports a new centre and zoom, as after a pan or zoom in the browser
        element = _map_element(at)
        at.session_state[element.key] = {"last_object_clicked": None, "center": {"lat": 41.0 + step * 0.3, "lng": 58.0 + step * 0.4},
                                         "zoom": 4 + step % 2}
        pans.append(run(at))
        lat = at.query_params.get("lat")
        lat = lat[0] if isinstance(lat, list) else lat
        if lat is None or abs(float(lat) - (41.0 + step * 0.3)) > 1e-3:
            raise RuntimeError(f"{page}: the link did not follow the map after a pan: lat={lat!r}")
    return {"cold_ms": cold, "rest_ms": rest, "warm_ms": warm, "unchanged_ms": same, "pan_ms": pans, "payload": payload,
            "payload_after": _payload(at)}


def _map_element(at):
    return next(e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium")


def _payload(at) -> dict:
    element = _map_element(at)
    args = json.loads(element.proto.json_args)
    total = len(element.proto.json_args.encode("utf-8"))
    layer = len((args.get("feature_group") or "").encode("utf-8"))
    return {"total": total, "layer": layer, "base": total - layer}


# ---------------------------------------------------------------------------------------------- baseline


def full_resolution_boundaries(folder: Path) -> Path:
    """Write the unsimplified Natural Earth 1:50m countries of the atlas's stage to GeoJSON; return the path."""
    from geo.load import load_atlas
    from scripts.build_boundaries import PACKAGE_SHA256, fetch_topology, load_topology
    from scripts.topology import decode_object

    topology = load_topology(fetch_topology(), expected_sha256=PACKAGE_SHA256)
    world = decode_object(topology, "countries")
    codes = set(load_atlas().boundaries["iso3"])
    world = world[world["a3"].isin(codes)].rename(columns={"a3": "iso3"})[["iso3", "geometry"]]
    path = folder / "countries-full.geojson"
    world.to_file(path, driver="GeoJSON")
    return path


def baseline_page(page: str, boundaries_path: Path) -> tuple[float, str]:
    """Build `page`'s layers the naive way; return (ms, the map's HTML)."""
    import geopandas as gpd

    from geo.energy import energy_lines
    from geo.joins import countries_with_status
    from geo.load import load_atlas
    from geo.transport import route_lines

    start = time.perf_counter()
    atlas = load_atlas()  # read and validated from the CSV files every run: no cache
    countries = gpd.read_file(boundaries_path)
    if page in ("overview", "membership"):
        body = "ca_consultative" if page == "overview" else "ots"
        status = countries_with_status(atlas, body, iso3=countries["iso3"].tolist())[["iso3", "status"]]
        shapes = countries.merge(status, on="iso3")
        m = shapes.explore(column="status", tooltip=["iso3", "status"], tiles=None)
    elif page == "transport":
        m = countries.explore(tooltip=["iso3"], tiles=None, color="#dddddd")
        lines = route_lines(atlas)[["id", "name", "mode", "status", "geometry"]]
        lines.explore(m=m, column="mode", tooltip=["name", "mode", "status"])
    elif page == "cooperation":
        m = countries.explore(tooltip=["iso3"], tiles=None, color="#dddddd")
        atlas.physical[["name", "kind", "geometry"]].explore(m=m, column="kind", tooltip=["name", "kind"])
    else:
        from geo.energy import latest_indicator

        values = latest_indicator(atlas, "renewable_capacity_mw", countries["iso3"].tolist())
        shapes = countries.merge(values[["iso3", "value"]], on="iso3")
        m = shapes.explore(column="value", tooltip=["iso3", "value"], tiles=None)
        energy_lines(atlas)[["id", "name", "commodity", "status", "geometry"]].explore(
            m=m, column="commodity", tooltip=["name", "commodity", "status"])
    html = m.get_root().render()
    return (time.perf_counter() - start) * 1000, html


def baseline_offline_html(html_page: str) -> str:
    """The baseline's HTML with every CDN file it links inlined from the installed folium-offline package (the
    one the atlas serves its Leaflet from), so it can draw with no internet; files that package does not hold
    stay linked and fail offline, as they would for the naive page."""
    import re

    from geo.assets import _resources

    files = _resources()
    out = re.sub(r'<script src="([^"]+)"></script>',
                 lambda m: "<script>" + files[m.group(1)].replace("</script", "<\\/script") + "</script>"
                 if m.group(1) in files else m.group(0), html_page)
    return re.sub(r'<link rel="stylesheet" href="([^"]+)"/>',
                  lambda m: "<style>" + files[m.group(1)] + "</style>" if m.group(1) in files else m.group(0), out)


# ---------------------------------------------------------------------------------------------- browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DRAWN = {"overview": "path.atlas-focus", "membership": "path.atlas-focus", "transport": "path.atlas-line",
         "energy": "path.atlas-line", "cooperation": "path.atlas-focus"}


def _change_filter(page, name: str) -> None:
    if name == "overview":
        box = page.locator('[data-testid="stDateInput"] input').first
        box.fill("2023-09-14")
        box.press("Enter")
        page.keyboard.press("Escape")
        box.blur()  # the date input commits its value when it loses focus
    elif name == "membership":
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Organisation").click()
        page.get_by_role("option", name="OTS · Organization of Turkic States").click()
    elif name == "cooperation":
        page.locator('[data-testid="stRadio"]').get_by_text("Borders and peace").click()
    else:
        label, option = ("Mode", "Ferry") if name == "transport" else ("Commodity", "Electricity")
        page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).get_by_role(
            "button", name=f"Remove {option}").click()


def _updated(frame, name: str, before: str):
    """Wait until the map's layer differs from `before` (its legend text and path count)."""
    frame.wait_for_function(
        """(before) => {
            const legend = [...document.querySelectorAll('.atlas-legend')].map(e => e.textContent).join('|');
            return legend + '#' + document.querySelectorAll('path.atlas-line, path.atlas-focus').length !== before;
        }""",
        arg=before, timeout=60_000, polling=50,
    )


def _state(frame) -> str:
    return frame.evaluate(
        """() => [...document.querySelectorAll('.atlas-legend')].map(e => e.textContent).join('|') + '#' +
                 document.querySelectorAll('path.atlas-line, path.atlas-focus').length""")


def _visit(page, url: str, drawn_selector: str) -> tuple[float, float]:
    """Navigate; return (ms to the page's title, ms to the map drawn)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator("h1").first.wait_for(state="attached", timeout=90_000)
    title = (time.perf_counter() - start) * 1000
    page.frame_locator(MAP_FRAME).locator(drawn_selector).first.wait_for(state="attached", timeout=90_000)
    return title, (time.perf_counter() - start) * 1000


def _map_frame(page):
    return next(f for f in page.frames if f.locator(".leaflet-container").count())


def _zoom(frame) -> int:
    return frame.evaluate("Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")


@contextlib.contextmanager
def timed_server():
    """``streamlit run`` of the app with a ``sitecustomize`` hook that records every script run, full or fragment
    (its start and server ms, around ``exec_func_with_error_handling``); yield (base URL, the file of runs)."""
    from bench.browser import streamlit_server

    with tempfile.TemporaryDirectory() as temporary:
        hook = Path(temporary)
        (hook / "sitecustomize.py").write_text(TIMING_HOOK, encoding="utf-8")
        runs = hook / "runs.txt"
        env = {"PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]), "ATLAS_BENCH_RUNS": str(runs)}
        with streamlit_server(env=env) as url:
            yield url, runs


def run_log(path: Path) -> list[tuple[float, float, str]]:
    """The script runs the timing hook recorded: (began, ms, "app" or "fragment")."""
    if not path.exists():
        return []
    return [(float(b), float(ms), kind) for b, ms, kind in (line.split() for line in path.read_text(encoding="utf-8").splitlines())]


def _pan(page, frame, runs: Path, step: int) -> float:
    """Pan or zoom the map in the browser (as a reader's drag or wheel does, through Leaflet); wait until the
    address bar follows the new centre and the server is idle; return the server time of the runs it caused (ms)."""
    seen = len(run_log(runs))
    before = page.url
    frame.evaluate("""(step) => {
        const map = Object.values(window).find(v => v && v._leaflet_id && v.getZoom);
        if (step % 2) { map.setZoom(map.getZoom() + (step % 4 === 1 ? 1 : -1), {animate: false}); }
        else { map.panBy([120 - 60 * (step % 3), 70], {animate: false}); }
    }""", step)
    page.wait_for_function("(before) => location.href !== before && /[?&]lat=/.test(location.href)", arg=before,
                           timeout=30_000, polling=50)
    wait_until_settled_runs(runs, seen)
    return sum(ms for _, ms, _ in run_log(runs)[seen:])


def wait_until_settled_runs(runs: Path, seen: int, *, quiet_s: float = 0.6, timeout_s: float = 30.0) -> None:
    """Wait until the server has recorded a run after the first `seen` and then none for `quiet_s`."""
    deadline, count, since = time.monotonic() + timeout_s, seen, time.monotonic()
    while time.monotonic() < deadline:
        now = len(run_log(runs))
        if now != count:
            count, since = now, time.monotonic()
        elif count > seen and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.05)
    raise RuntimeError("the server recorded no script run after a pan or zoom")


def trivial_figures(browser) -> dict:
    """The trivial page, three times: title → map drawn, and a select-box change → map updated in place."""
    from bench.browser import streamlit_server, wait_until_settled, watch_page

    after_title, updated, kept, problems = [], [], [], []
    with streamlit_server(script=TRIVIAL) as url:
        for attempt in range(4):  # the first visit warms the server (its data and imports), as for the atlas
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            watch = watch_page(context, page)
            title, drawn = _visit(page, f"{url}/", "path.trivial-shape")
            wait_until_settled(page)
            frame = _map_frame(page)
            frame.evaluate("window.__benchMarker = 'kept'")
            zoom = _zoom(frame)
            before = frame.evaluate("document.querySelector('path.trivial-shape').getAttribute('d')")
            start = time.perf_counter()
            page.locator('[data-testid="stSelectbox"]').filter(has_text="Variant").click()
            page.get_by_role("option", name=str(attempt + 1), exact=True).click()
            frame.wait_for_function(
                "(before) => { const p = document.querySelector('path.trivial-shape'); return p && p.getAttribute('d') !== before; }",
                arg=before, timeout=60_000, polling=50)
            if attempt:
                updated.append((time.perf_counter() - start) * 1000)
                after_title.append(drawn - title)
                kept.append(frame.evaluate("window.__benchMarker") == "kept" and _zoom(frame) == zoom)
                problems += watch.problems()
            context.close()
    return {"after_title_ms": after_title, "updated_ms": updated, "in_place": all(kept), "problems": problems}


def cold_figures(browser) -> dict:
    """Per page: a fresh ``streamlit run``, one visit; the server's script runs (ms) until the map is drawn."""
    from bench.browser import wait_until_settled

    out = {}
    for name in PAGES:
        print(f"cold: {name}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        with timed_server() as (url, runs):
            healthy = (time.perf_counter() - start) * 1000
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            _, drawn = _visit(page, f"{url}/{'' if name == 'overview' else name}", DRAWN[name])
            seen = time.time()
            ran = [ms for began, ms, _ in run_log(runs) if began < seen]
            wait_until_settled(page)  # the map reported its view: the whole page's run, then the map's own
            after = [f"{ms:,.0f} ({kind})" for began, ms, kind in run_log(runs) if began >= seen]
            context.close()
            # The runs that began before the map was drawn: a deep link's first run can be Streamlit's legacy
            # router, which app.py's page code turns off with a rerun; runs after it are the map reporting its view.
            out[name] = {"first_run_ms": sum(ran) if ran else float("nan"), "runs_ms": ran, "drawn_ms": drawn,
                         "start_ms": healthy, "after_ms": after}
    return out


def browser_figures(baseline_files: dict[str, Path]) -> dict:
    from bench.browser import (
        chromium_executable,
        open_browser,
        wait_until_settled,
        watch_page,
    )

    exe = chromium_executable()
    if exe is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    out: dict = {}
    with open_browser(exe) as browser:
        print("browser: trivial page", file=sys.stderr, flush=True)
        out["trivial"] = trivial_figures(browser)
        with timed_server() as (url, runs):
            warmup = browser.new_context()  # the server's first request loads the data: not part of a page's figure
            warmup.new_page().goto(f"{url}/", wait_until="networkidle")
            warmup.close()
            for name in PAGES:
                print(f"browser: {name}", file=sys.stderr, flush=True)
                drawn, after_title, updated, kept, problems, revisit, pans = [], [], [], [], [], [], []
                for _ in range(3):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    watch = watch_page(context, page)
                    title, first = _visit(page, f"{url}/{'' if name == 'overview' else name}", DRAWN[name])
                    drawn.append(first)
                    after_title.append(first - title)
                    wait_until_settled(page)
                    frame = _map_frame(page)
                    frame.evaluate("window.__benchMarker = 'kept'")
                    zoom = _zoom(frame)
                    before = _state(frame)
                    start = time.perf_counter()
                    _change_filter(page, name)
                    _updated(frame, name, before)
                    updated.append((time.perf_counter() - start) * 1000)
                    kept.append(frame.evaluate("window.__benchMarker") == "kept" and _zoom(frame) == zoom)
                    wait_until_settled(page)
                    pans += [_pan(page, frame, runs, step) for step in range(PANS)]
                    # A second visit in the same browser: Streamlit's JavaScript (about 6 MB) is cached by then. Let
                    # the filter's rerun finish first, or the navigation aborts a request still in flight (the
                    # favicon, which Streamlit sets again after each run) and that counts as a failed request.
                    wait_until_settled(page)
                    page.wait_for_load_state("networkidle")
                    problems += watch.problems()
                    watch.failed_requests.clear(), watch.console_errors.clear(), watch.blocked_requests.clear()
                    revisit.append(_visit(page, f"{url}/{'' if name == 'overview' else name}", DRAWN[name])[1])
                    # A request the revisit's own navigation aborts is the benchmark's doing, not the page's.
                    problems += [p for p in watch.problems() if "net::ERR_ABORTED" not in p]
                    context.close()
                base_ms = []
                for _ in range(3):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(baseline_files[name].as_uri(), wait_until="commit")
                    try:
                        page.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
                        base_ms.append((time.perf_counter() - start) * 1000)
                    except Exception:
                        base_ms.append(float("nan"))
                    context.close()
                out[name] = {"drawn_ms": drawn, "after_title_ms": after_title, "updated_ms": updated,
                             "in_place": all(kept), "problems": problems, "revisit_ms": revisit,
                             "baseline_drawn_ms": base_ms, "pan_ms": pans}
        out["cold"] = cold_figures(browser)
    return out


# ---------------------------------------------------------------------------------------------- report


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    memory = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    chromium = "not installed"
    with contextlib.suppress(OSError):
        chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True, timeout=30,
                                  check=False).stdout.strip()
    packages = ", ".join(f"{p} {version(p)}" for p in ("streamlit", "streamlit-folium", "folium", "geopandas", "shapely",
                                                        "pandas", "matplotlib", "playwright"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [f"machine: {platform.platform()}; {os.cpu_count()} CPUs ({cpu}); memory {memory}; load average at start "
            f"{load} (other work on the machine skews every figure)",
            f"python {platform.python_version()}; {packages}; {chromium}"]


def _median(values: list[float]) -> float:
    clean = [v for v in values if v == v]
    return statistics.median(clean) if clean else float("nan")


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    global PAGES  # noqa: PLW0603 - `--pages` sets the pages every measure in this module goes through
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measures")
    parser.add_argument("--pages", nargs="+", choices=PAGES, metavar="PAGE",
                        help=f"measure only these pages (default: all of {', '.join(PAGES)})")
    parser.add_argument("--server-page", choices=PAGES, help=argparse.SUPPRESS)  # internal: one page, JSON out
    args = parser.parse_args(argv)
    if args.server_page:
        print(json.dumps(server_page(args.server_page)))
        return 0

    PAGES = tuple(args.pages or PAGES)
    print("\n".join(machine()))
    server = measure_server()
    if server is None:
        return 1
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        print("edition: 10×", file=sys.stderr, flush=True)
        tenfold = measure_server(write_edition(folder / "tenfold", 10))
        if tenfold is None:
            return 1
        full = full_resolution_boundaries(folder)
        baseline, files = {}, {}
        for page in PAGES:
            times, html = [], ""
            for _ in range(3):
                ms, html = baseline_page(page, full)
                times.append(ms)
            files[page] = folder / f"baseline-{page}.html"
            files[page].write_text(baseline_offline_html(html), encoding="utf-8")
            baseline[page] = {"ms": times, "payload": len(html.encode("utf-8"))}
        browser = None if args.no_browser else browser_figures(files)
    met = report(server, tenfold, baseline, browser)
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("all targets met" if met else "some targets missed (see above)")
    return 0


def measure_server(data: Path | None = None) -> dict | None:
    """Server time and payload per page, one fresh process each (cold is really cold); `data`: ATLAS_DATA_DIR."""
    out = {}
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **({"ATLAS_DATA_DIR": str(data)} if data else {})}
    for page in PAGES:
        print(f"server: {page}{' (' + data.name + ')' if data else ''}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, "--server-page", page], capture_output=True, text=True,
                              cwd=REPO, env=env, timeout=900, check=False)
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            return None
        out[page] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference == reference and reference > 0 else "n/a"


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(server: dict, tenfold: dict, baseline: dict, browser: dict | None) -> bool:
    """Print every table, ratios first, then the targets; return whether all were met."""
    met = True
    if browser:
        t = browser["trivial"]
        t_title, t_updated = _median(t["after_title_ms"]), _median(t["updated_ms"])
        rows = []
        for page in PAGES:
            f, c = browser[page], browser["cold"][page]
            after, updated = _median(f["after_title_ms"]), _median(f["updated_ms"])
            ok_title = after <= TARGET_TRIVIAL_RATIO * t_title
            ok_update = updated <= TARGET_TRIVIAL_RATIO * t_updated and f["in_place"]
            ok_cold = c["first_run_ms"] <= TARGET_COLD_MS
            met &= ok_title and ok_update and ok_cold
            rows.append([page, f"{_ratio(after, t_title)} ({after:,.0f} ms) {_mark(ok_title)}",
                         f"{_ratio(updated, t_updated)} ({updated:,.0f} ms) {_mark(ok_update)}",
                         f"{c['first_run_ms']:,.0f} ms {_mark(ok_cold)}", f"{c['drawn_ms']:,.0f}"])
        print(f"\nRatios to the trivial page (bench/trivial_app.py, same run and browser; median of 3): map drawn "
              f"after the title {t_title:,.0f} ms, select box → map updated {t_updated:,.0f} ms "
              f"(in place: {'yes' if t['in_place'] else 'NO'}). Targets: ≤ {TARGET_TRIVIAL_RATIO}× trivial; "
              f"cold first run ≤ {TARGET_COLD_MS / 1000:.1f} s")
        print(_table(["page", "map drawn after title / trivial", "filter → map updated / trivial",
                      "cold: first run after server start", "cold: navigation → map drawn (ms)"], rows))
        for problem in t["problems"][:5]:
            print(f"  trivial: {problem}")

    rows = []
    for page in PAGES:
        s, b = server[page], baseline[page]
        warm, base_ms = _median(s["warm_ms"]), _median(b["ms"])
        rows.append([page, f"{s['cold_ms']:,.0f} + {s['rest_ms']:,.0f}", f"{warm:,.0f}", f"{_median(s['unchanged_ms']):,.0f}",
                     f"{_median(s['pan_ms']):,.0f}",
                     f"{s['payload']['total'] / 1000:,.0f} KB ({s['payload']['base'] / 1000:,.0f} + "
                     f"{s['payload']['layer'] / 1000:,.0f})",
                     f"{base_ms:,.0f}", f"{b['payload'] / 1000:,.0f} KB",
                     f"{warm / base_ms:.2f}", f"{s['payload']['total'] / b['payload']:.2f}"])
    print("\nServer time (ms; cold = first run of a fresh process, in AppTest: the title and the map, + the run the "
          "map's first report starts: the whole page; warm = median of 7 filter changes to new values) and map payload")
    print(_table(["page", "cold: map + whole page", "warm", "rerun, no change", f"view change, full run (median of {PANS})", "payload (base + layer)", "baseline run",
                  "baseline payload", "warm / baseline", "payload / baseline"], rows))

    rows = []
    for page in PAGES:
        s, x = server[page], tenfold[page]
        ok = x["payload"]["total"] < TARGET_PAYLOAD_10X
        met &= ok
        rows.append([page, f"{s['payload']['total'] / 1000:,.0f} → {x['payload']['total'] / 1000:,.0f} KB "
                     f"({x['payload']['total'] / s['payload']['total']:.1f}×) {_mark(ok)}",
                     f"{s['cold_ms']:,.0f} → {x['cold_ms']:,.0f} ({x['cold_ms'] / s['cold_ms']:.1f}×)",
                     f"{_median(s['warm_ms']):,.0f} → {_median(x['warm_ms']):,.0f} "
                     f"({_median(x['warm_ms']) / _median(s['warm_ms']):.1f}×)",
                     f"{_median(s['unchanged_ms']):,.0f} → {_median(x['unchanged_ms']):,.0f}"])
    print(f"\n10× edition (bench/edition.py: 10× nodes, segments, lines and points), real → 10×; target: payload "
          f"< {TARGET_PAYLOAD_10X // 1_000_000} MB")
    print(_table(["page", "payload", "cold (ms)", "warm (ms)", "rerun, no change (ms)"], rows))

    if browser:
        rows = []
        for page in PAGES:
            f = browser[page]
            rows.append([page, f"{_median(f['drawn_ms']):,.0f}", f"{_median(f['revisit_ms']):,.0f}",
                         f"{_median(f['updated_ms']):,.0f}",
                         "yes" if f["in_place"] else "NO", f"{_median(f['pan_ms']):,.0f}",
                         f"{_median(f['baseline_drawn_ms']):,.0f}",
                         str(len(f["problems"]))])
        print("\nChromium (ms, median of 3): navigation to map drawn (first visit: empty browser cache; revisit: "
              "same browser); filter change to map updated")
        print(_table(["page", "map drawn, first visit", "map drawn, revisit", "filter → map updated", "in place (same map, same zoom)",
                      f"pan/zoom: server ms (median of {3 * PANS})", "baseline map drawn", "console/network problems"], rows))
        for page in PAGES:
            for problem in browser[page]["problems"][:5]:
                print(f"  {page}: {problem}")
            cold = browser["cold"][page]
            print(f"  {page}: fresh server: start → health {cold['start_ms']:,.0f} ms; script runs begun before the map "
                  f"was drawn (ms): " + ", ".join(f"{r:,.0f}" for r in cold["runs_ms"]) + "; after it, until the page "
                  "settled: " + (", ".join(cold["after_ms"]) or "none"))

    print("\nTargets")
    for page in PAGES:
        s, b = server[page], baseline[page]
        warm = _median(s["warm_ms"])
        checks = {
            f"payload < {TARGET_PAYLOAD // 1000} KB": s["payload"]["total"] < TARGET_PAYLOAD,
            f"warm <= {TARGET_WARM_MS:.0f} ms": warm <= TARGET_WARM_MS,
            f"pan/zoom <= {TARGET_PAN_MS:.0f} ms": _median((browser or {}).get(page, s)["pan_ms"]) <= TARGET_PAN_MS,
            "payload <= 1/4 baseline": s["payload"]["total"] <= TARGET_RATIO * b["payload"],
            "warm <= 1/4 baseline": warm <= TARGET_RATIO * _median(b["ms"]),
            f"10× payload < {TARGET_PAYLOAD_10X // 1_000_000} MB": tenfold[page]["payload"]["total"] < TARGET_PAYLOAD_10X,
        }
        if browser:
            f, t, c = browser[page], browser["trivial"], browser["cold"][page]
            checks["updates in place"] = f["in_place"]
            checks["map after title <= 1.5× trivial"] = _median(f["after_title_ms"]) <= TARGET_TRIVIAL_RATIO * _median(t["after_title_ms"])
            checks["filter → map <= 1.5× trivial"] = _median(f["updated_ms"]) <= TARGET_TRIVIAL_RATIO * _median(t["updated_ms"])
            checks[f"cold first run <= {TARGET_COLD_MS / 1000:.1f} s"] = c["first_run_ms"] <= TARGET_COLD_MS
        met &= all(checks.values())
        print(f"  {page:<11} " + "; ".join(f"{k}: {_mark(v)}" for k, v in checks.items()))
    return met


if __name__ == "__main__":
    raise SystemExit(main())
