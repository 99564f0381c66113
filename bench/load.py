"""C6 Atlas load test: many concurrent browser sessions on one server, on loopback only.

    python bench/load.py                 # 20 sessions on a server it starts (about 6 minutes when quiet)
    python bench/load.py --sessions 30 --deadline 1200
    python bench/load.py --url http://127.0.0.1:8080 --pid 1234 5678   # a running server or proxy

From Python (e.g. against a proxy in front of replicas)::

    results = asyncio.run(run("http://127.0.0.1:8080", pids=[1234, 5678], sessions=20))
    print(report(results, sessions=20))

Starts ``streamlit run app.py`` on a free loopback port (or uses the server or proxy at ``--url``) and one headless Chromium; every session is its own
browser tab of one browser profile (its own websocket and Streamlit session; the profile's HTTP cache holds
Streamlit's JavaScript once, as a proxy would) and the profile blocks every request that does not go to loopback.
Sessions start fifteen seconds apart (on a 2-core machine that also runs the browser, 20 tabs drawing at the same
second measure the browser, not the server) and every tab stays open, its session alive on the server, until all
have finished, so all sessions are open together at the end. Each opens a page (the four pages in turn), waits for the map to be drawn,
changes a filter and waits for the map to update, then does the same on the next page. Reported: errors
(console errors, failed requests, exceptions shown by the app, timeouts: the target is none), time from
navigation to map drawn (median, p95, max; target: median under 5 s), filter change to map updated, and the
server's resident memory before, at the peak and per session (shared data is cached once per process; a session
only adds its own state) and its CPU time per session. Memory and CPU are summed over the server processes given
(``pids``; none for a server elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.browser import CHROMIUM_FLAGS, LOOPBACK, chromium_executable, streamlit_server  # noqa: E402
from bench.run import DRAWN, MAP_FRAME, PAGES  # noqa: E402  (one definition of what "map drawn" means)


def cpu_s(pid: int) -> float:
    """CPU time (user + system) a process has used, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


TARGET_MEDIAN_S = 5.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("Pid", "0")) == pid or int(fields.get("PPid", "0").strip() or 0) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


async def _change_filter(page, name: str) -> None:
    if name == "overview":
        box = page.locator('[data-testid="stDateInput"] input').first
        await box.fill("2023-09-14")
        await box.press("Enter")
        await page.keyboard.press("Escape")
        await box.blur()  # the date input commits its value when it loses focus
    elif name == "membership":
        await page.locator('[data-testid="stSelectbox"]').filter(has_text="Organisation").click()
        await page.get_by_role("option", name="OTS · Organization of Turkic States").click()
    elif name == "cooperation":
        await page.locator('[data-testid="stRadio"]').get_by_text("Borders and peace").click()
    else:
        label, option = ("Mode", "Ferry") if name == "transport" else ("Commodity", "Electricity")
        await page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).get_by_role(
            "button", name=f"Remove {option}").click()


async def _loopback_only(context, errors: list[str]) -> None:
    from urllib.parse import urlparse

    async def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            await r.continue_()
        else:
            errors.append(f"request to the internet {r.request.url}")
            await r.abort()

    await context.route("**/*", route)


async def session(context, url: str, number: int, results: dict, timeout_ms: int, delay_s: float = 0.0,
                  hold: asyncio.Event | None = None) -> None:
    """One Streamlit session: a browser tab of its own (its own websocket and session state). With `hold`, the
    tab stays open (its session alive on the server) until every session has done its steps."""
    await asyncio.sleep(delay_s)
    errors: list[str] = []
    page = await context.new_page()
    page.on("console", lambda m: errors.append(f"session {number}: console {m.text}")
            if m.type == "error" and "/_stcore/" not in (m.location or {}).get("url", "") else None)
    page.on("response", lambda r: errors.append(f"session {number}: HTTP {r.status} {r.url}")
            if r.status >= 400 and "/_stcore/" not in r.url else None)
    for step in range(2):
        name = PAGES[(number + step) % len(PAGES)]
        try:
            start = time.perf_counter()
            await page.goto(f"{url}/{'' if name == 'overview' else name}", wait_until="commit")
            frame = page.frame_locator(MAP_FRAME)
            await frame.locator(DRAWN[name]).first.wait_for(state="attached", timeout=timeout_ms)
            results["drawn"].append((time.perf_counter() - start) * 1000)
            await page.wait_for_timeout(1500)  # the map reports its view once or twice after drawing
            legend = await frame.locator(".atlas-legend").first.text_content(timeout=timeout_ms)
            count = await frame.locator("path.atlas-line, path.atlas-focus").count()
            start = time.perf_counter()
            await _change_filter(page, name)
            await page.wait_for_function(
                """([legend, count]) => {
                    const doc = document.querySelector('iframe[title="streamlit_folium.st_folium"]').contentDocument;
                    if (!doc) return false;
                    const now = doc.querySelector('.atlas-legend');
                    return (now && now.textContent !== legend) ||
                           doc.querySelectorAll('path.atlas-line, path.atlas-focus').length !== count;
                }""", arg=[legend, count], timeout=timeout_ms, polling=100)
            results["updated"].append((time.perf_counter() - start) * 1000)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"session {number}: the app showed an exception on {name}")
        except Exception as exc:
            errors.append(f"session {number}: {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    results["errors"].extend(errors)
    results.setdefault("done", 0)
    results["done"] += 1
    if hold is not None:
        if results["done"] == results.get("expected", 0):
            results["rss_all_open"] = _rss(results["pids"])
            hold.set()
        await hold.wait()
    await page.close()


def _rss(pids) -> float:
    return sum(rss_mb(p) for p in pids) if pids else float("nan")


def _cpu(pids) -> float:
    return sum(cpu_s(p) for p in pids) if pids else float("nan")


async def run(base_url: str, *, pids=(), sessions: int = 20, timeout_ms: int = 300_000, ramp_s: float = 15.0) -> dict:
    """Run the load against `base_url` (a server or a proxy in front of several); `pids`: the server processes
    whose memory (with their children) and CPU time are measured. Returns the raw results; `report` prints them."""
    from playwright.async_api import async_playwright

    url, pids = base_url.rstrip("/"), list(pids)
    results: dict = {"drawn": [], "updated": [], "errors": [], "rss": [], "sessions": sessions, "url": url,
                     "ramp_s": ramp_s}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            results["rss"].append(_rss(pids))
            stop.wait(0.5)

    async with async_playwright() as pw:
        # Tabs in the background must not be throttled: each stands for a reader looking at their own screen.
        flags = [*CHROMIUM_FLAGS, "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]
        browser = await pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=flags)
        # One browser profile, many tabs: each tab is its own Streamlit session (own websocket and state), and
        # Streamlit's JavaScript is fetched once into the shared HTTP cache, as for people on one office network
        # proxy; the load falls on the server, not on parsing 6 MB of JavaScript 24 times on a 2-core client.
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await _loopback_only(context, results["errors"])
        warm = {"drawn": [], "updated": [], "errors": [], "rss": []}
        await session(context, url, 0, warm, timeout_ms)  # load the data once: the shared part of the memory
        results["rss_before"] = _rss(pids)
        results["cpu_before"] = _cpu(pids)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        hold = asyncio.Event()
        results.update(expected=sessions, pids=pids)
        await asyncio.gather(*(session(context, url, n, results, timeout_ms, delay_s=n * ramp_s, hold=hold)
                               for n in range(sessions)))
        results["wall_s"] = time.perf_counter() - start
        results["server_cpu_s"] = _cpu(pids) - results["cpu_before"]
        stop.set()
        sampler.join()
        await asyncio.sleep(2)
        results["rss_after"] = _rss(pids)
        await context.close()
        await browser.close()
        results["warmup_errors"] = warm["errors"]
    return results


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(results: dict, *, sessions: int | None = None) -> str:
    """The results of `run` as text: the target first (met or missed), then times, memory, CPU and errors."""
    n = sessions or results["sessions"]
    drawn, updated, errors = results["drawn"], results["updated"], results["errors"]
    median = statistics.median(drawn) / 1000 if drawn else float("nan")
    ok = median < TARGET_MEDIAN_S and len(drawn) == 2 * n
    rss = [r for r in results["rss"] if r == r]
    peak = max(rss, default=results["rss_before"])
    per_session = (results.get("rss_all_open", peak) - results["rss_before"]) / n
    lines = [
        f"{n} sessions x 2 pages on {results['url']} ({results['wall_s']:.0f} s in all; sessions start "
        f"{results.get('ramp_s', 15):.0f} s apart and all stay open until the last is done)",
        f"navigation → map drawn: median {median:.1f} s ({'met' if ok else 'MISSED'}: target under "
        f"{TARGET_MEDIAN_S:.0f} s, all {2 * n} maps drawn); p95 {_pct(drawn, 0.95) / 1000:.1f} s, "
        f"max {max(drawn, default=float('nan')) / 1000:.1f} s; {len(drawn)} of {2 * n} drawn",
    ]
    if updated:
        lines.append(f"filter change → map updated: median {statistics.median(updated) / 1000:.1f} s, "
                     f"p95 {_pct(updated, 0.95) / 1000:.1f} s; {len(updated)} of {2 * n}")
    if results["pids"]:
        lines += [
            f"server memory: {results['rss_before']:.0f} MB after one session (data loaded), "
            f"{results.get('rss_all_open', float('nan')):.0f} MB with all {n} open, peak {peak:.0f} MB, "
            f"{results['rss_after']:.0f} MB after: {per_session:.1f} MB per open session",
            f"server CPU: {results['server_cpu_s']:.0f} s over {results['wall_s']:.0f} s: "
            f"{results['server_cpu_s'] / n:.1f} s per session (2 pages, 2 filter changes); "
            f"{os.cpu_count()} cores shared with the browser and its {n} tabs",
        ]
    else:
        lines.append("server memory and CPU: not measured (no server process ids given)")
    lines.append(f"errors: {len(errors)}" + (":" if errors else ""))
    lines += [f"  {e}" for e in errors[:30]]
    if results.get("warmup_errors"):
        lines.append(f"warm-up session errors: {results['warmup_errors'][:5]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--deadline", type=float, default=1500, help="stop after this many seconds (default 1500)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one step may take (default 300)")
    parser.add_argument("--ramp", type=float, default=15, help="seconds between session starts (default 15)")
    parser.add_argument("--url", help="load this running server or proxy instead of starting one (base URL)")
    parser.add_argument("--pid", type=int, nargs="*", default=[],
                        help="with --url: the server processes to measure memory and CPU of")
    args = parser.parse_args(argv)
    if chromium_executable() is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2

    def go(url: str, pids: list[int]) -> dict | None:
        try:
            return asyncio.run(asyncio.wait_for(
                run(url, pids=pids, sessions=args.sessions, timeout_ms=int(args.timeout * 1000), ramp_s=args.ramp),
                timeout=args.deadline))
        except TimeoutError:
            print(f"the load test did not finish within {args.deadline:.0f} s", file=sys.stderr)
            return None

    if args.url:
        results = go(args.url, args.pid)
    else:
        with streamlit_server(timeout=120) as url:
            results = go(url, [url.pid])
    if results is None:
        return 1
    print(report(results, sessions=args.sessions))
    return 0 if not results["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
