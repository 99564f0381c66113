"""Serve Leaflet from the app itself, so maps draw with no internet.

A Folium map names its JavaScript and CSS by CDN URL; streamlit-folium makes the browser load each one, and the
first that fails stops the map. The `folium-offline` package (PyPI) carries those files as strings; this module
writes the few the atlas uses into the app's static folder, which Streamlit serves at ``/app/static/`` when
``server.enableStaticServing`` is on, and points every element of a map at those local copies.
Nothing third-party is committed to the repository: the files are written at start-up from the installed package.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import branca
import folium

STATIC_URL = "/app/static"
"""URL under which Streamlit serves the app's ``static/`` folder."""

_CDN = {
    "leaflet/leaflet.js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
    "leaflet/leaflet.css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
    "jquery/jquery.min.js": "https://code.jquery.com/jquery-3.7.1.min.js",
}
"""Local file (under the static folder) → the URL folium knows it by (and folium-offline stores it under)."""

MAP_JS = ("leaflet/leaflet.js", "jquery/jquery.min.js")
MAP_CSS = ("leaflet/leaflet.css",)


def _resources() -> dict[str, str]:
    from offlinefolium import elements  # imported late: the module holds ~3 MB of strings

    return elements._res


def asset_text(local_name: str) -> str:
    """Return the content of one local asset (e.g. ``"leaflet/leaflet.js"``)."""
    return _resources()[_CDN[local_name]]


def ensure_static_assets(static_dir: str | Path) -> list[Path]:
    """Write the map assets into `static_dir` where missing or different; return the files written.

    Idempotent and safe to call from several processes: each file is written to a temporary name and moved
    into place.
    """
    static_dir = Path(static_dir)
    written = []
    for local_name in _CDN:
        content = asset_text(local_name).encode("utf-8")
        target = static_dir / local_name
        if target.exists() and hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(content).digest():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # unique per process and thread
        tmp.write_bytes(content)
        tmp.replace(target)
        written.append(target)
    return written


def local_url(local_name: str, base_url: str = STATIC_URL) -> str:
    """Return the URL at which the app serves one local asset."""
    return f"{base_url.rstrip('/')}/{local_name}"


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def localize(m: branca.element.Element, *, base_url: str = STATIC_URL) -> branca.element.Element:
    """Point every JS/CSS link of `m` (a map, or a feature group to add to one) and its elements at the app's
    local copies; return `m`.

    The map itself gets exactly Leaflet (+ jQuery, which folium popups use) and Leaflet's CSS: folium's
    Bootstrap and icon fonts are not needed by the atlas's maps. Elements are given instance-level link
    lists, so folium's shared class lists are never mutated.

    Raises
    ------
    ValueError
        If an element needs a resource the atlas does not serve (its map would be blank offline).
    """
    by_cdn = {cdn: local_url(name, base_url) for name, cdn in _CDN.items()}
    for element in _walk(m):
        if isinstance(element, folium.Map):
            element.default_js = [(name, local_url(name, base_url)) for name in MAP_JS]
            element.default_css = [(name, local_url(name, base_url)) for name in MAP_CSS]
            continue
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            missing = [url for _, url in links if url not in by_cdn and not url.startswith(base_url)]
            if missing:
                raise ValueError(
                    f"{type(element).__name__} needs {', '.join(missing)}, which the atlas does not serve offline; "
                    f"expected only {', '.join(_CDN)}"
                )
            setattr(element, attr, [(name, by_cdn.get(url, url)) for name, url in links])
    return m
