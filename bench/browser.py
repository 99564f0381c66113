"""Helpers for tests (and benchmarks) that drive the real app in headless Chromium.

`streamlit_server` starts ``streamlit run app.py`` on a free loopback port and waits for its health check;
`open_browser` launches Debian's Chromium through Playwright with the flags this closed network needs;
`watch_page` blocks every request that is not to loopback and records console errors and failed requests.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def chromium_executable() -> str | None:
    """Return the path of a Chromium binary, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The server's base URL; ``pid`` is the server process id (for memory figures)."""

    pid: int


@contextlib.contextmanager
def streamlit_server(*, env: dict[str, str] | None = None, timeout: float = 90.0, script: Path | None = None,
                     address: str | None = "127.0.0.1") -> Iterator[str]:
    """Run the app (or `script`) on a free port; yield its base URL on loopback; stop it afterwards.

    `address` is the interface to listen on; None leaves it to the configuration, as ``streamlit run app.py``
    does (every interface).
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script or REPO / "app.py"), "--server.port", str(port),
        *(["--server.address", address] if address else []), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    # a file, not a pipe: a full pipe would block the server; it outlives this call (closed when the server stops)
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class PageWatch:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"failed request: {u}" for u in self.failed_requests]
            + [f"request to the internet: {u}" for u in self.blocked_requests]
        )


def watch_page(context, page) -> PageWatch:
    """Block every request that does not go to loopback, and record errors, on a Playwright context/page."""
    watch = PageWatch()

    def route(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            watch.blocked_requests.append(url)
            route.abort()

    context.route("**/*", route)
    def console(msg):
        if msg.type == "error":
            watch.console_errors.append(f"{msg.text} [{(msg.location or {}).get('url', '')}]")

    def response(res):
        if res.status >= 400:
            watch.failed_requests.append(f"{res.url} (HTTP {res.status})")

    def failed(req):
        if (urlparse(req.url).hostname or "") in LOOPBACK:
            watch.failed_requests.append(f"{req.url} ({req.failure})")

    page.on("console", console)
    page.on("response", response)
    page.on("requestfailed", failed)
    return watch


@contextlib.contextmanager
def open_browser(executable: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_settled(page, *, quiet_ms: int = 1500, timeout_ms: int = 30_000) -> None:
    """Wait until the page's address has not changed for `quiet_ms`: the map has reported its first view (it
    does so once or twice after drawing, each time a rerun that rewrites the URL) and the app is idle."""
    page.wait_for_function(
        """([quiet]) => {
            const now = Date.now();
            if (window.__atlasLastHref !== location.href) { window.__atlasLastHref = location.href; window.__atlasSince = now; }
            return now - window.__atlasSince >= quiet;
        }""",
        arg=[quiet_ms],
        polling=200,
        timeout=timeout_ms,
    )
