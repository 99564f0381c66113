"""HTTP beside the app: every view's data at an address of its own, and two guards for the Streamlit server.

app.py hands these to ``st.App`` (Starlette routes and ASGI middleware); this module imports no Streamlit.

- `data_routes`: ``/<page>.gpkg?<view>``, ``/<page>.geojson.zip?<view>`` and ``/<page>.csv.zip?<view>`` (the
  Overview is ``/overview.gpkg``) answer with exactly the file the page's *This view, all layers* gives for that
  view: `geo.scenes.scene_for_link`, then `geo.export.view_bundle` with `geo.export.view_metadata`. ``.geojson``
  and ``.csv`` are accepted for the ZIPs too. A view with an unknown, malformed or repeated parameter, or an
  unknown page, gets 400 and the reasons as plain text; data that fails validation gets 503 and its problems.
- `BaseURLScript`: Streamlit's front end, opened at a page's own path (``/membership``), guesses the server's
  base path by probing ``/membership/_stcore/health`` and ``/membership/_stcore/host-config`` (two 404s in the
  console; Streamlit issue 7074). The page's HTML gets one line setting ``window.__streamlit`` (the front end's
  own configuration hook) to the real base URL, so it asks the root directly.
- `LocalOrigins`: Streamlit decides whether a cross-origin WebSocket may connect by comparing the origin with the
  machine's internal and external IP addresses, and finds the external one by asking checkip.amazonaws.com. A
  connection from an origin that is neither same-origin, loopback, ``browser.serverAddress`` nor in
  ``server.corsAllowedOrigins`` is refused here first, so the server never makes that request.
"""

from __future__ import annotations

import importlib
import threading
import traceback
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from geo.errors import DataError, UsageError
from geo.formats import FORMATS, VIEW_FORMATS

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"})
_ATLAS_LOCK = threading.Lock()
_ATLAS: dict = {}

# ------------------------------------------------------------------------------------------------ data addresses


def suffixes() -> dict[str, str]:
    """Address suffix → view format: ``gpkg``, ``geojson.zip``, ``csv.zip``, and ``geojson``/``csv`` for the ZIPs."""
    out: dict[str, str] = {}
    for name in VIEW_FORMATS:
        f = FORMATS[name]
        out[f"{f.extension}.{f.bundle_extension}" if f.bundle_extension else f.extension] = name
    for name in VIEW_FORMATS:
        out.setdefault(FORMATS[name].extension, name)
    return out


def file_name(page: str, fmt: str) -> str:
    """The download's file name, as the page's button names it."""
    f = FORMATS[fmt]
    return f"c6-atlas-{page}-view-{fmt}.{f.view_extension}" if f.bundle_extension else f"c6-atlas-{page}-view.{f.view_extension}"


def _atlas():
    """The validated atlas of the data folder, loaded once per version of its files (DataError if invalid)."""
    from geo.load import data_signature, load_atlas

    signature = data_signature()
    with _ATLAS_LOCK:
        if _ATLAS.get("signature") != signature:
            _ATLAS.clear()
            _ATLAS.update(signature=signature, atlas=load_atlas(signature[0]))
        return _ATLAS["atlas"]


def view_file(page: str, query: str, fmt: str) -> tuple[bytes, str]:
    """Return (the view's bundle in `fmt`, its file name) for `page` and a query string without ``?``.

    Raises
    ------
    UsageError
        For an unknown page or format, or a query the page would ignore part of (each reason on a line).
    DataError
        If the data files fail validation.
    """
    from geo.export import view_bundle, view_metadata
    from geo.scenes import page_and_query, scene_for_link
    from geo.views import parse_view

    if fmt not in VIEW_FORMATS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(VIEW_FORMATS)}")
    if any(name == "page" for name, _ in parse_qsl(query, keep_blank_values=True)):
        raise UsageError(f"the address names the page (/{page}); leave out the page parameter")
    atlas = _atlas()
    link = f"/{page}?{query}"
    page, query = page_and_query(link)
    notices = parse_view(page, query, atlas).notices
    if notices:
        raise UsageError("\n".join(notices))
    scene, normalised, _ = scene_for_link(atlas, link)
    data = view_bundle(scene.layers, fmt, view_metadata(atlas, page=scene.page, query=normalised, layers=scene.layers))
    return data, file_name(scene.page, fmt)


def _endpoint(fmt: str):
    def endpoint(request: Request) -> Response:  # sync: Starlette runs it in its thread pool
        page = request.path_params["page"]
        try:
            data, name = view_file(page, request.url.query, fmt)
        except UsageError as exc:
            return PlainTextResponse(f"Bad view: {exc}\n", status_code=400)
        except DataError as exc:
            return PlainTextResponse(f"The data files have problems:\n{exc}\n", status_code=503)
        except Exception:  # never a traceback to the client; the server's log keeps it
            traceback.print_exc()
            return PlainTextResponse("The view could not be exported (the server's log has the error).\n", status_code=500)
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        return Response(data, media_type=FORMATS[fmt].view_mime, headers=headers)

    return endpoint


def data_routes() -> list[Route]:
    """The Starlette routes of the data addresses (GET and HEAD), longest suffix first."""
    ordered = sorted(suffixes().items(), key=lambda item: -len(item[0]))
    return [Route(f"/{{page}}.{suffix}", _endpoint(fmt), methods=["GET"]) for suffix, fmt in ordered]


# ------------------------------------------------------------------------------------------------ start-up


def preload(modules: Iterable[str], *, background: bool = True) -> threading.Thread | None:
    """Import `modules` (in a background thread, or now), so that a script run finds them loaded."""

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # a preload is only a head start; the script's own import reports any error
                traceback.print_exc()

    if not background:
        run()
        return None
    thread = threading.Thread(target=run, name="atlas-preload", daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------------------------------------------------ middleware

_STREAMLIT_PREFIXES = ("_stcore/", "static/", "component/", "media/", "app/static/")


class BaseURLScript:
    """ASGI middleware: set ``window.__streamlit`` in every HTML page Streamlit serves, so its front end takes the
    server's base URL as given instead of probing the page's own path for it."""

    def __init__(self, app, base_path: str = "") -> None:
        self.app = app
        self.base = "/" + "/".join(p for p in base_path.split("/") if p)
        base = self.base.rstrip("/") + "/"
        self.script = (
            f'<script>(function(){{var u=new URL("{base}",location.href).href;'
            "window.__streamlit=Object.assign({},window.__streamlit,{BACKEND_BASE_URL:u,MAIN_PAGE_BASE_URL:u});"
            "})();</script>"
        ).encode()

    def _is_page(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        path: str = scope["path"]
        if not path.startswith(self.base):
            return False
        rest = path[len(self.base):].lstrip("/")
        return not rest.startswith(_STREAMLIT_PREFIXES) and "." not in rest.rsplit("/", 1)[-1]

    async def __call__(self, scope, receive, send) -> None:
        if not self._is_page(scope):
            await self.app(scope, receive, send)
            return
        # Uncompressed, so the page can be edited (the HTML is about 8 KB).
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        body: list[bytes] = []

        async def patched(message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    start["pass"] = True
                    await send(message)
                    return
                start["message"] = message
                return
            if start.get("pass") or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            if b"<head>" in html:
                html = html.replace(b"<head>", b"<head>" + self.script, 1)
            headers = [(k, v) for k, v in start["message"].get("headers", [])
                       if k.lower() not in (b"content-length", b"etag")]
            await send({**start["message"], "headers": [*headers, (b"content-length", str(len(html)).encode())]})
            await send({"type": "http.response.body", "body": html if scope["method"] == "GET" else b""})

        await self.app(scope, receive, patched)


class LocalOrigins:
    """ASGI middleware: refuse a WebSocket from a foreign origin before Streamlit looks up the machine's external
    IP address to judge it (a request to checkip.amazonaws.com). Same-origin, loopback, `server_address` and
    `allowed_origins` pass to Streamlit, which applies its own checks; with `enabled` false (Streamlit's
    ``server.enableCORS = false``) everything passes, as Streamlit then allows every origin without a look-up."""

    def __init__(self, app, server_address: str = "localhost", allowed_origins: Iterable[str] = (),
                 enabled: bool = True) -> None:
        self.app = app
        self.hosts = {*LOCAL_HOSTS, server_address}
        self.origins = {o.strip() for o in allowed_origins}
        self.enabled = enabled

    def allows(self, origin: str | None, host: str | None) -> bool:
        if not self.enabled or origin is None or origin in self.origins:
            return True
        parts = urlsplit(origin)
        return parts.netloc == host or (parts.hostname or "") in self.hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if not self.allows(headers.get("origin"), headers.get("host")):
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)
