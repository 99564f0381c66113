"""The server as a reader and an analyst meet it: `streamlit run app.py` on loopback.

- Nothing leaves the machine: the server runs with HTTP(S)_PROXY pointing at a local recorder socket and a
  ``sitecustomize`` that records and refuses any connection or name look-up beyond loopback, and is started as
  the README starts it (no ``--server.address``), so Streamlit's external-IP look-up would be caught.
- Every view's data at an address of the app (`geo.serve`): the same layers and rows as the page's *This view,
  all layers*; a bad view gets 400 with its reasons as plain text.
- A page opened at its own path logs no console errors and makes no failed request (Streamlit issue 7074).
"""

from __future__ import annotations

import io
import json
import os
import socket
import sys
import textwrap
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from bench.browser import streamlit_server, wait_until_settled, watch_page

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
VIEW = "mode=ferry,rail&corridor=middle"

SITECUSTOMIZE = '''
import ipaddress, os, socket

_LOG = os.environ["ATLAS_TEST_NET_LOG"]
_LOCAL_NAMES = {"localhost", "ip6-localhost", ""}


def _local(host):
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _record(what):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(what + "\\n")


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _record(f"connect {address!r}")
        raise OSError("blocked by the test: not loopback")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _record(f"connect_ex {address!r}")
        return 111
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local(host if isinstance(host, str) else host.decode()):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, "blocked by the test: not loopback")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


class Recorder:
    """A loopback socket that records the first line of every connection made to it (the proxy of the test)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seen: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1") or "(connection)")
                except OSError:
                    self.seen.append("(connection)")

    def close(self) -> None:
        self.sock.close()


def guarded_env(folder: Path, recorder: Recorder) -> dict[str, str]:
    """Environment for a process whose every outgoing connection is recorded: proxies at the recorder, and a
    sitecustomize that records and refuses connections and name look-ups beyond loopback (log: net.log)."""
    (folder / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE), encoding="utf-8")
    return {
        **dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"), recorder.url),
        "NO_PROXY": "", "no_proxy": "",
        "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]),
        "ATLAS_TEST_NET_LOG": str(folder / "net.log"),
    }


def outgoing(folder: Path, recorder: Recorder) -> list[str]:
    log = folder / "net.log"
    return recorder.seen + (log.read_text(encoding="utf-8").splitlines() if log.exists() else [])


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """(base URL, folder, recorder) of `streamlit run app.py` started as the README starts it, guarded."""
    folder = tmp_path_factory.mktemp("guard")
    recorder = Recorder()
    with streamlit_server(env=guarded_env(folder, recorder), address=None) as url:
        yield url, folder, recorder
    recorder.close()


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def websocket_handshake(url: str, origin: str) -> str:
    """The status line of a WebSocket upgrade to Streamlit's stream from `origin`."""
    host = url.split("//", 1)[1]
    with socket.create_connection(tuple(host.rsplit(":", 1)), timeout=10) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                   f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {origin}\r\n\r\n").encode())
        return s.recv(4096).split(b"\r\n", 1)[0].decode()


# ------------------------------------------------------------------------------------------ nothing leaves


def test_the_guard_catches_streamlits_external_ip_lookup(tmp_path):
    """The detector works: Streamlit's own look-up, run under the same guard, is recorded."""
    import subprocess

    recorder = Recorder()
    env = {**os.environ, **guarded_env(tmp_path, recorder)}
    code = "from streamlit import net_util; print(net_util.get_external_ip())"
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60, check=True)
    recorder.close()
    assert any("checkip.amazonaws.com" in line for line in outgoing(tmp_path, recorder)), outgoing(tmp_path, recorder)


def test_nothing_leaves_the_machine(guarded):
    url, folder, recorder = guarded
    assert get(f"{url}/_stcore/health")[0] == 200
    assert get(f"{url}/membership")[0] == 200
    assert get(f"{url}/transport.gpkg?{VIEW}")[0] == 200
    assert " 101 " in websocket_handshake(url, url)  # the page's own origin connects
    # A foreign origin is refused without Streamlit asking the internet for this machine's address.
    assert " 403 " in websocket_handshake(url, "http://atlas.example.org")
    assert outgoing(folder, recorder) == []


# ------------------------------------------------------------------------------------------ data addresses


def _expected(page: str, query: str, fmt: str) -> tuple[dict[str, pd.DataFrame], dict]:
    """What the page's "This view, all layers" gives for the view: layers (read back) and metadata."""
    from geo.export import view_bundle, view_metadata
    from geo.load import load_atlas
    from geo.scenes import scene_for_link

    atlas = load_atlas()
    scene, normalised, _ = scene_for_link(atlas, f"/{page}?{query}")
    data = view_bundle(scene.layers, fmt, view_metadata(atlas, page=page, query=normalised, layers=scene.layers))
    return _read_bundle(data, fmt)


def _read_bundle(data: bytes, fmt: str, folder: Path | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    if fmt == "gpkg":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "view.gpkg"
            path.write_bytes(data)
            names = [name for name, _ in pyogrio.list_layers(path)]
            layers = {n: pyogrio.read_dataframe(path, layer=n) for n in names if n != "metadata"}
            meta_rows = pyogrio.read_dataframe(path, layer="metadata")
        meta = {k: v if k in ("page", "view", "data_version", "generated_at", "boundaries", "lines", "licence")
                else json.loads(v) for k, v in zip(meta_rows["key"], meta_rows["value"])}
        return layers, meta
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        meta = json.loads(archive.read("metadata.json"))
        layers = {}
        for name in archive.namelist():
            if name == "metadata.json":
                continue
            raw = archive.read(name)
            layers[name] = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False) if fmt == "csv" \
                else pyogrio.read_dataframe(io.BytesIO(raw))
        return layers, meta


def _same(got: tuple[dict, dict], expected: tuple[dict, dict]) -> None:
    layers, meta = got
    want_layers, want_meta = expected
    assert list(layers) == list(want_layers)
    for name, frame in want_layers.items():
        pd.testing.assert_frame_equal(layers[name], frame, obj=name)
    meta.pop("generated_at"), want_meta.pop("generated_at")
    assert meta == want_meta


@pytest.mark.parametrize("address, page, query, fmt, mime", [
    ("transport.gpkg", "transport", VIEW, "gpkg", "application/geopackage+sqlite3"),
    ("membership.geojson.zip", "membership", "body=ots&date=2025-11-16", "geojson", "application/zip"),
    ("energy.csv.zip", "energy", "commodity=gas", "csv", "application/zip"),
    ("overview.csv", "overview", "date=2024-08-09", "csv", "application/zip"),  # the ZIP also without ".zip"
])
def test_a_view_at_its_data_address_is_the_pages_export(guarded, address, page, query, fmt, mime):
    url = guarded[0]
    status, headers, data = get(f"{url}/{address}?{query}")
    assert status == 200, data[:500]
    assert headers["content-type"] == mime
    assert f'filename="c6-atlas-{page}-view' in headers["content-disposition"]
    got = _read_bundle(data, fmt)
    assert got[1]["page"] == page and got[1]["licence"]
    assert sum(got[1]["rows"].values()) > 0
    _same(got, _expected(page, query, fmt))


@pytest.mark.parametrize("address, message", [
    ("transport.gpkg?mode=bogus", "mode='bogus' ignored: expected"),
    ("transport.gpkg?colour=red", "unknown parameter 'colour' ignored"),
    ("energy.csv.zip?commodity=gas&commodity=oil", "commodity given 2 times"),
    ("atlantis.gpkg", "page 'atlantis' in the view is not one of overview, membership, transport, energy"),
    ("overview.gpkg?date=yesterday", "date='yesterday' ignored"),
    ("transport.gpkg?page=energy", "the address names the page (/transport); leave out the page parameter"),
])
def test_a_bad_view_gets_400_with_the_reason(guarded, address, message):
    status, headers, data = get(f"{guarded[0]}/{address}")
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    text = data.decode("utf-8")
    assert text.startswith("Bad view: ") and message in text, text
    assert "Traceback" not in text


# ------------------------------------------------------------------------------------------ in the browser


# The `browser` fixture (one headless Chromium for the whole run) comes from conftest.py.


@pytest.mark.browser
@pytest.mark.parametrize("path, heading", [("/membership?body=ots", "Membership"), ("/transport?mode=ferry", "Transport"),
                                           ("/energy", "Energy"), ("/", "C6 Atlas")])
def test_a_deep_link_opens_with_no_console_error(guarded, browser, path, heading):
    """No probe of <page>/_stcore/health or host-config (Streamlit issue 7074): nothing fails, nothing is logged;
    and the page opened is the one linked, not the default."""
    from playwright.sync_api import expect

    url, folder, recorder = guarded
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = watch_page(context, page)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/_stcore/" in r.url else None)
    page.goto(f"{url}{path}", wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-container")).to_have_count(1, timeout=60_000)
    wait_until_settled(page)
    expect(page.locator("h1").first).to_contain_text(heading)
    assert watch.problems() == [], "\n".join(watch.problems())
    assert [u for u in asked if not u.startswith(f"{url}/_stcore/")] == []  # every call goes to the root
    context.close()
    assert outgoing(folder, recorder) == []


@pytest.mark.browser
def test_the_pages_geopackage_equals_the_data_address(guarded, browser, tmp_path):
    """The file the page's "This view, all layers" button gives, and the one at the view's data address."""
    from playwright.sync_api import expect

    url = guarded[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/transport?{VIEW}", wait_until="domcontentloaded")
    expect(page.frame_locator(MAP_FRAME).locator("path.atlas-line").first).to_be_attached(timeout=60_000)
    wait_until_settled(page)
    button = page.get_by_role("button", name="GeoPackage", exact=True)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    from_page = _read_bundle(Path(info.value.path()).read_bytes(), "gpkg")
    query = page.url.split("?", 1)[1]
    status, _, data = get(f"{url}/transport.gpkg?{query}")
    assert status == 200
    _same(_read_bundle(data, "gpkg"), from_page)
    context.close()


def test_the_readme_documents_every_data_address():
    from geo.serve import suffixes

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Data addresses", 1)[1].split("\n## ", 1)[0]
    for suffix in suffixes():
        assert f"`/<page>.{suffix}`" in section or f"`.{suffix}`" in section, suffix
