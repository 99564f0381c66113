"""Two replicas of the app behind HAProxy (`deploy/trial.py`): what a reader and an analyst meet through the proxy.

- The proxy's own work: security headers on every answer, compressed and year-long-cached front-end files, the
  app's upload limit, the data addresses.
- An uploaded indicator reaches the reader's session on its replica (the sticky cookie), and draws.
- A reader whose replica dies gets the same view back from its link on the other replica within seconds, with
  no error and no traceback; new readers go only to the healthy replica; the replica that comes back rejoins.

Needs Debian's haproxy, Chromium and the playwright package. Without them the tests skip with the reason, except
under CI=true, where a missing one is a failure.
"""

from __future__ import annotations

import gzip
import os
import re
import time
import urllib.error
import urllib.request
from http.client import HTTPConnection
from urllib.parse import parse_qs, urlsplit

import pyogrio
import pytest

from bench.browser import wait_until_settled, watch_page

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LINK = "/membership?body=ots&date=2025-11-16&sel=KAZ&lat=42&lon=60&z=5"
COOKIE = "ATLAS_REPLICA"
# Recorded in every frame (the map's too): a blocked script, style, frame or connection fires this event.
CSP_PROBE = """
document.addEventListener('securitypolicyviolation', e => {
  const where = window.top; where.__csp = where.__csp || [];
  where.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ''}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def trial():
    """Two replicas and HAProxy, shared by this module's tests (each leaves both replicas up)."""
    from deploy.trial import Trial, haproxy_executable

    if haproxy_executable() is None:
        reason = "haproxy is not installed (apt-get install haproxy)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the replica tests are required under CI=true: {reason}")
        pytest.skip(reason)
    with Trial(2) as t:
        yield t


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names and repeated ones joined by ', ', body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            status, message, body = r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        status, message, body = exc.code, exc.headers, exc.read()
    names = {name.lower() for name in message}
    return status, {name: ", ".join(message.get_all(name)) for name in names}, body


def replica_of(headers: dict[str, str]) -> str | None:
    """The replica HAProxy's inserted cookie names in a response, if it set one."""
    found = re.search(rf"{COOKIE}=(\w+)", headers.get("set-cookie", ""))
    return found.group(1) if found else None


def new_readers(trial, count: int) -> list[str]:
    """The replicas that `count` new readers (no cookie) are sent to."""
    return [replica_of(get(f"{trial.url}/")[1]) for _ in range(count)]


def test_the_proxy_adds_headers_compresses_caches_and_limits(trial):
    status, headers, html = get(f"{trial.url}/", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    html = gzip.decompress(html).decode()
    csp = headers["content-security-policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "connect-src 'self'"):
        assert directive in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert replica_of(headers) in trial.replicas

    # Streamlit's hashed front-end files: gzip from the proxy (the replica sends them raw), cached for a year.
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', html).group(1)
    status, headers, body = get(f"{trial.url}/{script}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"]
    replica = next(iter(trial.replicas.values()))
    raw = get(f"{replica.url}/{script}", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw[1]
    assert gzip.decompress(body) == raw[2]
    assert len(body) < len(raw[2]) / 2

    # The upload limit is the app's own (server.maxUploadSize = 5 MB): one byte more is refused at the proxy,
    # before any body is read; a body of unknown length too.
    from deploy.trial import max_upload_bytes

    assert max_upload_bytes() == 5 * 1024 * 1024
    host, port = urlsplit(trial.url).hostname, urlsplit(trial.url).port
    for extra, expected in (({"Content-Length": str(max_upload_bytes() + 1)}, 413),
                            ({"Transfer-Encoding": "chunked"}, 411)):
        conn = HTTPConnection(host, port, timeout=10)
        conn.putrequest("PUT", "/_stcore/upload_file/session/file")
        for name, value in extra.items():
            conn.putheader(name, value)
        conn.endheaders()
        assert conn.getresponse().status == expected
        conn.close()


def test_the_data_addresses_work_through_the_proxy(trial, tmp_path):
    query = "body=ots&date=2025-11-16"
    status, headers, body = get(f"{trial.url}/membership.gpkg?{query}")
    assert status == 200 and headers["content-type"] == "application/geopackage+sqlite3"
    assert 'filename="c6-atlas-membership-view.gpkg"' in headers["content-disposition"]
    through, direct = tmp_path / "through.gpkg", tmp_path / "direct.gpkg"
    through.write_bytes(body)
    direct.write_bytes(get(f"{next(iter(trial.replicas.values())).url}/membership.gpkg?{query}")[2])
    layers = [name for name, _ in pyogrio.list_layers(through)]
    assert "countries" in layers and "metadata" in layers
    assert layers == [name for name, _ in pyogrio.list_layers(direct)]
    for layer in layers:
        assert len(pyogrio.read_dataframe(through, layer=layer)) == len(pyogrio.read_dataframe(direct, layer=layer))
    status, _, body = get(f"{trial.url}/membership.gpkg?body=nowhere")
    assert status == 400 and body.startswith(b"Bad view:")


def test_an_upload_reaches_the_readers_replica(trial, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    watch = watch_page(context, page)
    page.goto(f"{trial.url}/", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.atlas-focus")).to_have_count(9, timeout=60_000)
    wait_until_settled(page)
    page.get_by_text("Your indicator (CSV)").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files=[{
        "name": "readers.csv", "mimeType": "text/csv", "buffer": b"iso3,value,year\nKAZ,10,2024\nUZB,20,2024\n"}])
    expect(frame.locator("path.atlas-value").first).to_be_attached(timeout=60_000)
    expect(frame.locator(".atlas-legend").first).to_contain_text("readers (uploaded)")
    expect(page.get_by_text("readers: 2 countries joined", exact=False)).to_be_visible()
    assert {c["name"]: c["value"] for c in context.cookies()}[COOKIE] in trial.replicas
    assert page.evaluate("window.__csp || []") == []  # the map, its layer and the upload, with the proxy's CSP
    assert watch.problems() == [], "\n".join(watch.problems())
    context.close()


def _view_on_screen(page) -> dict:
    """What the reader sees: the link's parameters, the selected country's card, the legend and the map's zoom."""
    frame = page.frame_locator(MAP_FRAME)
    map_frame = next(f for f in page.frames if f.url.split("?")[0].endswith("st_folium/index.html"))
    zoom = map_frame.evaluate("Object.values(window).find(v => v && v._leaflet_id && v.getZoom).getZoom()")
    query = parse_qs(urlsplit(page.evaluate("location.href")).query)  # page.url can lag behind history.replaceState
    return {
        "query": {k: v for k, v in query.items() if k != "nav"},
        "card": page.get_by_role("heading", name="Kazakhstan").count() > 0,
        "legend": frame.locator(".atlas-legend").first.text_content(),
        "focus": frame.locator("path.atlas-focus").count(),
        "zoom": zoom,
    }


def _open_view(page, url: str, timeout_ms: int = 60_000) -> None:
    """Open the link and wait until the map is drawn and the address holds the link's map position again."""
    from playwright.sync_api import expect

    page.goto(url, wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).locator("path.atlas-focus")).to_have_count(9, timeout=timeout_ms)
    # Right after drawing, the map reports its position (reruns that rewrite the address, for a moment with the
    # page's default position, with or without a proxy); wait for the view the link asked for, then for the page
    # to be idle.
    try:
        page.wait_for_function("() => /[?&]lat=42&lon=60&z=5(&|$)/.test(location.search)", timeout=timeout_ms)
    except Exception as exc:
        raise AssertionError(f"the map did not come back to the link's position: {page.evaluate('location.href')}") from exc
    wait_until_settled(page)


def test_a_reader_keeps_the_view_when_its_replica_dies(trial, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    watch = watch_page(context, page)
    _open_view(page, f"{trial.url}{LINK}")
    before = _view_on_screen(page)
    link = page.evaluate("location.href")  # the reader's link, as the address bar holds it
    assert before["card"] and "OTS" in before["legend"] and before["zoom"] == 5, before
    assert before["query"]["sel"] == ["KAZ"] and before["query"]["body"] == ["ots"], before

    # Its replica (the one the sticky cookie names) crashes.
    victim = {c["name"]: c["value"] for c in context.cookies()}[COOKIE]
    survivor = next(name for name in trial.replicas if name != victim)
    trial.kill(victim)
    killed = time.monotonic()

    # The reader opens its link again: the same view, from the other replica, with no error and no traceback.
    _open_view(page, link, timeout_ms=45_000)
    back_after = time.monotonic() - killed
    assert {c["name"]: c["value"] for c in context.cookies()}[COOKIE] == survivor
    assert _view_on_screen(page) == before
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    assert back_after < 45, f"the view came back {back_after:.1f} s after its replica died"

    # HAProxy's health checks take the dead replica out within seconds; new readers go only to the survivor.
    assert trial.wait_state(victim, "DOWN", timeout=10) < 10
    assert set(new_readers(trial, 4)) == {survivor}

    # It comes back: the health checks let it in again, and new readers land on it (the survivor holds this
    # reader's WebSocket, so the replica with the fewest connections is the one that came back).
    trial.restart(victim)
    trial.wait_state(victim, "UP", timeout=15)
    assert victim in new_readers(trial, 4)
    reader = browser.new_context(viewport={"width": 1400, "height": 1100})
    host = urlsplit(trial.url).hostname
    reader.add_cookies([{"name": COOKIE, "value": victim, "domain": host, "path": "/"}])
    second = reader.new_page()
    second.goto(f"{trial.url}/energy?commodity=gas", wait_until="domcontentloaded")
    expect(second.frame_locator(MAP_FRAME).locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    assert {c["name"]: c["value"] for c in reader.cookies()}[COOKIE] == victim
    reader.close()

    assert page.evaluate("window.__csp || []") == []
    # The page's own reconnection attempts (health check, host config) that reopening the link cut short are not
    # failures; anything else is.
    problems = [p for p in watch.problems() if not ("/_stcore/" in p and "net::ERR_ABORTED" in p)]
    assert problems == [], "\n".join(problems)
    context.close()


def test_the_configuration_for_several_machines_is_valid_and_matches_kubernetes(tmp_path):
    """``--print-config`` writes a configuration HAProxy accepts, one server line per machine; the Kubernetes
    manifest sends the same security headers and upload limit."""
    import subprocess
    import sys

    from deploy.trial import REPO, haproxy_executable, max_upload_bytes

    out = subprocess.run([sys.executable, str(REPO / "deploy" / "trial.py"), "--print-config", "--server", "10.0.0.11:8501",
                          "--server", "10.0.0.12:8501", "--port", "80", "--stats-socket", str(tmp_path / "s.sock")],
                         capture_output=True, text=True, check=True).stdout
    assert "    server r1 10.0.0.11:8501 cookie r1\n    server r2 10.0.0.12:8501 cookie r2\n" in out
    assert f"gt {max_upload_bytes()} }}" in out and "bind *:80" in out
    if haproxy_executable():
        config = tmp_path / "haproxy.cfg"
        config.write_text(out, encoding="utf-8")
        check = subprocess.run([haproxy_executable(), "-c", "-f", str(config)], check=False, capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    headers = {m.group(1): m.group(2) for m in re.finditer(r'http-response set-header ([\w-]+) "?(.+?)"?( if .*)?$', out, re.M)}
    manifest = (REPO / "deploy" / "k8s.yaml").read_text(encoding="utf-8")  # read as text: no YAML library needed
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        found = re.search(rf'^  {name}: "?(.+?)"?$', manifest, re.M)
        assert found and found.group(1) == headers[name], name
    assert f"proxy-body-size: {max_upload_bytes() // 1024 // 1024}m" in manifest
    assert f"session-cookie-name: {COOKIE}" in manifest and "affinity: cookie" in manifest
    assert len(re.findall(r"httpGet: \{path: /_stcore/health, port: http\}", manifest)) == 3
