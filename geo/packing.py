"""Geometry packed for the browser: lines and polygons as compact JSON text that a few lines of JavaScript turn back
into GeoJSON, in about half the bytes.

The base map's layers (context countries, rivers and lakes) are most of a page map's payload; GeoJSON spends most
of it on decimals and on repeating whole coordinates. Packed, each line or ring is a flat list of integers in
1/scale degree, its first point whole and every other one as the step from the point before, and a point comes
back exactly as it was written (to the decimals chosen). Coordinates are EPSG:4326 degrees.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np


def packed_json(frame: gpd.GeoDataFrame, *, decimals: int) -> str:
    """`frame` (EPSG:4326; lines and polygons) as compact JSON text that `unpack_script` turns back into a GeoJSON
    FeatureCollection in the browser: ``{"scale", "keys", "features": [[values, type, coordinates]]}``, each line
    or ring a flat list of integers in 1/scale degree, its first point whole and every other one as the step from
    the point before. The points are those of `frame` rounded to `decimals` (exactly them if they have no more),
    in about half the bytes of GeoJSON. Text values are written as they are (escape them first); the text is safe
    inside a ``<script>``."""
    scale = 10**decimals
    keys = [c for c in frame.columns if c != frame.geometry.name]
    values = frame[keys].astype(object).where(frame[keys].notna(), None).to_dict("split")["data"]
    features = [[row, geom.geom_type, _packed(geom, scale)]
                for row, geom in zip(values, frame.geometry) if geom is not None and not geom.is_empty]
    text = json.dumps({"scale": scale, "keys": keys, "features": features}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/")


def _packed(geom, scale: int) -> list:
    """The coordinates of a (Multi)LineString or (Multi)Polygon, nested as in GeoJSON, each line or ring packed."""
    kind = geom.geom_type
    if kind == "LineString":
        return _packed_line(geom.coords, scale)
    if kind == "Polygon":
        return [_packed_line(ring.coords, scale) for ring in (geom.exterior, *geom.interiors)]
    if kind in ("MultiLineString", "MultiPolygon"):
        return [_packed(part, scale) for part in geom.geoms]
    raise ValueError(f"geometry type was {kind!r} but is expected to be in ['LineString', 'MultiLineString', "
                     "'Polygon', 'MultiPolygon']")


def _packed_line(coords, scale: int) -> list[int]:
    """[x0, y0, dx1, dy1, ...]: the first point in 1/scale degree, then each step from the point before."""
    points = np.rint(np.asarray(coords)[:, :2] * scale).astype(np.int64)
    points[1:] = np.diff(points, axis=0)
    return points.ravel().tolist()


_UNPACK_JS = (
    "(function (p) {  // packed_json: lines and rings as steps in 1/p.scale degree\n"
    "  var depth = {LineString: 0, Polygon: 1, MultiLineString: 1, MultiPolygon: 2};\n"
    "  function line(r) {\n"
    "    var out = [], x = 0, y = 0;\n"
    "    for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out.push([x / p.scale, y / p.scale]); }\n"
    "    return out;\n"
    "  }\n"
    "  function coords(c, d) { return d ? c.map(function (x) { return coords(x, d - 1); }) : line(c); }\n"
    "  return {type: 'FeatureCollection', features: p.features.map(function (f) {\n"
    "    var props = {};\n"
    "    p.keys.forEach(function (k, i) { props[k] = f[0][i]; });\n"
    "    return {type: 'Feature', properties: props, geometry: {type: f[1], coordinates: coords(f[2], depth[f[1]])}};\n"
    "  })};\n"
    "})(%s)"
)


def unpack_script(data_json: str) -> str:
    """A JavaScript expression that turns `packed_json` text back into a GeoJSON FeatureCollection."""
    return _UNPACK_JS % data_json
