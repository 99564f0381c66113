"""C6 Atlas load across replicas: bench/load.py's sessions against HAProxy in front of 1, 2 and 3 replicas.

    python bench/replicas.py                             # 1, 2 and 3 replicas, 20 sessions each (about 25 min)
    python bench/replicas.py --replicas 2 --sessions 10 --ramp 10

For each count of replicas, `deploy/trial.py` starts the replicas and HAProxy on this machine (loopback only).
One session per replica first goes straight to it, so every replica has loaded the data (as bench/load.py's
warm-up does for its one server). Then the sessions of bench/load.py (`load.session`: open a page, wait for the
map, change a filter, wait for the map to update, then the next page) go through the proxy, started `--ramp`
seconds apart and all kept open until the last has finished. Each session is a browser context of its own, so it
gets its own sticky cookie and HAProxy places it as it would place a new reader (one browser profile, as in
bench/load.py, would send every tab to one replica). Reported per count: maps drawn, median and p95 of navigation
to map drawn and of filter change to map updated, errors, each replica's resident memory (after its warm-up, at
the peak) and sessions, and the replicas' CPU time per session; HAProxy's CPU time beside it. Chromium runs on
the same machine and takes much of its CPU: on a shared or small machine the times measure the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import load  # noqa: E402  (the sessions, the loopback guard and the /proc readings)
from bench.browser import CHROMIUM_FLAGS, chromium_executable  # noqa: E402
from deploy.trial import COOKIE, Trial, haproxy_executable  # noqa: E402

NO_THROTTLING = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]
VIEWPORT = {"width": 1280, "height": 900}


def _family_cpu_s(pid: int) -> float:
    """CPU time of a process and its direct children (HAProxy's master and its worker), in seconds."""
    total = load.cpu_s(pid)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += load.cpu_s(int(stat.parent.name))
    return total


async def _run(trial: Trial, sessions: int, timeout_ms: int, ramp_s: float) -> dict:
    from playwright.async_api import async_playwright

    pids = {name: replica.pid for name, replica in trial.replicas.items()}
    first = next(iter(pids.values()))
    results: dict = {"drawn": [], "updated": [], "errors": [], "expected": sessions, "pid": first, "pids": list(pids.values()),
                     "done": 0}
    rss: dict[str, list[float]] = {name: [] for name in pids}
    placed: list[str] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for name, pid in pids.items():
                rss[name].append(load.rss_mb(pid))
            stop.wait(0.5)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_executable(), headless=True,
                                           args=[*CHROMIUM_FLAGS, *NO_THROTTLING])
        warm: dict = {"drawn": [], "updated": [], "errors": []}
        for replica in trial.replicas.values():  # every replica loads the data once, straight, not through the proxy
            context = await browser.new_context(viewport=VIEWPORT)
            await load._loopback_only(context, warm["errors"])
            await load.session(context, replica.url, 0, warm, timeout_ms)
            await context.close()
        results["warmup_errors"] = warm["errors"]
        results["rss_before"] = {name: load.rss_mb(pid) for name, pid in pids.items()}
        cpu_before = {name: load.cpu_s(pid) for name, pid in pids.items()}
        proxy_before = _family_cpu_s(trial.haproxy.pid)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        hold = asyncio.Event()

        async def reader(number: int) -> None:
            await asyncio.sleep(number * ramp_s)
            context = await browser.new_context(viewport=VIEWPORT)
            await load._loopback_only(context, results["errors"])
            try:
                await load.session(context, trial.url, number, results, timeout_ms, 0.0, hold)
                placed.extend(c["value"] for c in await context.cookies() if c["name"] == COOKIE)
            finally:
                await context.close()

        start = time.perf_counter()
        await asyncio.gather(*(reader(n) for n in range(sessions)))
        results["wall_s"] = time.perf_counter() - start
        results["cpu_s"] = {name: load.cpu_s(pid) - cpu_before[name] for name, pid in pids.items()}
        results["proxy_cpu_s"] = _family_cpu_s(trial.haproxy.pid) - proxy_before
        stop.set()
        sampler.join()
        await browser.close()
    results["rss_peak"] = {name: max(values, default=float("nan")) for name, values in rss.items()}
    results["placed"] = {name: placed.count(name) for name in pids}
    return results


def _s(values: list[float], q: float | None = None) -> str:
    if not values:
        return "-"
    return f"{(statistics.median(values) if q is None else load._pct(values, q)) / 1000:.1f}"


def row(count: int, sessions: int, r: dict) -> list[str]:
    """One line of the table for `count` replicas."""
    cpu = sum(r["cpu_s"].values())
    return [
        str(count), str(sessions), f"{len(r['drawn'])}/{2 * sessions}",
        _s(r["drawn"]), _s(r["drawn"], 0.95), _s(r["updated"]), _s(r["updated"], 0.95), str(len(r["errors"])),
        " · ".join(f"{r['rss_before'][n]:.0f}→{r['rss_peak'][n]:.0f}" for n in r["rss_before"]),
        " · ".join(str(r["placed"][n]) for n in r["placed"]),
        f"{cpu / sessions:.1f}", f"{r['proxy_cpu_s']:.1f}", f"{r['wall_s']:.0f}",
    ]


HEADER = ["replicas", "sessions", "maps drawn", "nav→map median (s)", "p95", "filter→map median (s)", "p95",
          "errors", "RSS per replica, warm→peak (MB)", "sessions per replica", "replica CPU per session (s)",
          "HAProxy CPU (s)", "wall (s)"]


def table(rows: list[list[str]]) -> str:
    """A Markdown table, columns padded."""
    widths = [max(len(line[i]) for line in [HEADER, *rows]) for i in range(len(HEADER))]
    fmt = [" | ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in [HEADER, *rows]]
    return "\n".join([f"| {fmt[0]} |", "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(f"| {f} |" for f in fmt[1:])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3], help="replica counts (default 1 2 3)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions per run (default 20)")
    parser.add_argument("--ramp", type=float, default=15, help="seconds between session starts (default 15)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one step may take (default 300)")
    parser.add_argument("--deadline", type=float, default=1500, help="stop a run after this many seconds (default 1500)")
    args = parser.parse_args(argv)
    if chromium_executable() is None or haproxy_executable() is None:
        print("needs Chromium and haproxy (apt-get install chromium haproxy)", file=sys.stderr)
        return 2
    rows, failed = [], False
    for count in args.replicas:
        print(f"{count} replica{'s' if count > 1 else ''}: starting ...", flush=True)
        with Trial(count) as trial:
            try:
                results = asyncio.run(asyncio.wait_for(_run(trial, args.sessions, int(args.timeout * 1000), args.ramp),
                                                       timeout=args.deadline))
            except TimeoutError:
                print(f"  the run did not finish within {args.deadline:.0f} s", file=sys.stderr)
                failed = True
                continue
        rows.append(row(count, args.sessions, results))
        print(table([rows[-1]]), flush=True)
        for error in [*results["warmup_errors"][:5], *results["errors"][:20]]:
            print(f"  {error}")
        failed = failed or bool(results["errors"])
    print(f"\n{args.sessions} sessions x 2 pages through HAProxy, started {args.ramp:.0f} s apart; Chromium on the "
          "same machine\n")
    print(table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
