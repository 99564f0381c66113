"""Images of a view for slides: PNG (1920×1080 by default) and SVG, drawn with matplotlib from the same scene,
GeoDataFrames and styles as the interactive map, without a browser and without internet.

The image has the scene's title and the view's filters in words, the map (Web Mercator, EPSG:3857, as on screen,
cut to the data's stage, on the plain basemap with lakes and rivers: tiles need internet), names of countries,
key places, seas and lakes placed without overlaps (`geo.labels`), the legend, a scale bar in km (true at the
map's centre latitude), the boundary attribution and disclaimer, and a line counting the sources behind the view.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import NamedTuple

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display: files only (set before pyplot is imported anywhere)

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from shapely.geometry import box

from geo import labels, styles
from geo import marks as mk
from geo.basemaps import ATTRIBUTION_TEXT, DISCLAIMER
from geo.formats import IMAGE_FORMATS
from geo.load import Atlas

NOMINAL_MAP_WIDTH_PX = 960
"""Width of the on-screen map a link's zoom refers to; a view with ``lat``/``lon``/``z`` is drawn over the
extent such a map shows."""
_MERCATOR = "EPSG:3857"
_WATER_EDGE = "#8fb3cc"
"""Rivers and the shores of lakes."""


def _dashes(dash: str | None, width: float):
    """Leaflet's ``"4 3"`` (pixels) as a matplotlib line style (dashes are in line widths)."""
    if not dash:
        return "solid"
    numbers = [float(x) for x in dash.replace(",", " ").split()]
    return (0, tuple(max(n / max(width, 0.5), 0.5) for n in numbers))


def _extent(atlas: Atlas, scene, aspect: float) -> tuple[float, float, float, float]:
    """Return the map extent (minx, miny, maxx, maxy) in EPSG:3857 with the axes' `aspect` (width / height)."""
    from pyproj import Transformer

    to_merc = Transformer.from_crs("EPSG:4326", _MERCATOR, always_xy=True)
    v = scene.values
    if {"lat", "lon", "z"} <= v.keys():
        cx, cy = to_merc.transform(float(v["lon"]), float(v["lat"]))
        width = NOMINAL_MAP_WIDTH_PX / (256 * 2 ** float(v["z"])) * 2 * math.pi * 6378137.0
        return cx - width / 2, cy - width / aspect / 2, cx + width / 2, cy + width / aspect / 2
    if scene.frame.fit_bounds:
        west, south, east, north = scene.frame.fit_bounds
    else:
        fit = atlas.boundaries[atlas.boundaries["iso3"].isin(set(scene.frame.fit_iso3))]
        west, south, east, north = (fit if len(fit) else atlas.boundaries).total_bounds
    x0, y0 = to_merc.transform(west, south)
    x1, y1 = to_merc.transform(east, north)
    pad = 0.04 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    w, h = max(w, h * aspect), max(h, w / aspect)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _nice_km(target: float) -> float:
    """The round length (1, 2 or 5 × 10^n km) at or below `target` km."""
    exponent = 10 ** math.floor(math.log10(target))
    return max(m * exponent for m in (1, 2, 5) if m * exponent <= target)


def _scale_bar(ax, extent, *, fontsize: float):
    """Draw a scale bar in the lower left (Mercator metres are true at the centre latitude × cos(latitude));
    return its white box."""
    from pyproj import Transformer

    x0, y0, x1, y1 = extent
    _, lat = Transformer.from_crs(_MERCATOR, "EPSG:4326", always_xy=True).transform((x0 + x1) / 2, (y0 + y1) / 2)
    ground_per_unit = math.cos(math.radians(lat))  # ground metres per projected metre at that latitude
    km = _nice_km((x1 - x0) * 0.18 * ground_per_unit / 1000)
    length = km * 1000 / ground_per_unit
    left, bottom = x0 + (x1 - x0) * 0.025, y0 + (y1 - y0) * 0.045
    patch = ax.add_patch(Rectangle((left - (x1 - x0) * 0.01, bottom - (y1 - y0) * 0.02), length + (x1 - x0) * 0.02,
                           (y1 - y0) * 0.085, facecolor="white", edgecolor="none", alpha=0.85, zorder=8))
    ax.plot([left, left + length], [bottom, bottom], color=styles.TEXT, linewidth=4, solid_capstyle="butt", zorder=9)
    for x in (left, left + length):
        ax.plot([x, x], [bottom, bottom + (y1 - y0) * 0.012], color=styles.TEXT, linewidth=2, zorder=9)
    ax.text(left + length / 2, bottom + (y1 - y0) * 0.018, f"{km:,.0f} km (at {lat:.0f}° N)", ha="center", va="bottom",
            fontsize=fontsize, color=styles.TEXT, zorder=9)
    return patch


def _legend_handles(items: Sequence[tuple[str, str, str]]) -> list:
    handles = []
    for label, colour, kind in items:
        if kind.startswith("line"):
            dash = kind.partition(":")[2] or None
            handles.append(Line2D([], [], color=colour, linewidth=3.5, linestyle=_dashes(dash, 3.5), label=label))
        elif kind.startswith("dot"):
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor=colour,
                                  markeredgecolor="#222222" if kind == "dot-outline" else "#ffffff", label=label))
        else:
            dashed = kind == "area-dashed"
            handles.append(Patch(facecolor=colour, edgecolor=styles.FOCUS_BORDER, linewidth=1.2,
                                 linestyle="--" if dashed else "-", label=label))
    return handles


def _polygons(ax, geoms, fills, dashes, *, zorder: int) -> None:
    """Fill polygons, one collection per style (fast for many shapes)."""
    groups: dict[tuple, list] = {}
    for geom, fill, dash in zip(geoms, fills, dashes):
        groups.setdefault((fill, dash), []).append(geom)
    for (fill, dash), members in groups.items():
        _fill(ax, members, facecolor=fill, edgecolor=styles.FOCUS_BORDER, linewidth=1.2, linestyle=_dashes(dash, 1.2),
              alpha=0.9, zorder=zorder)


def _fill(ax, geoms, **style) -> None:
    """Fill (multi)polygons as one matplotlib collection (geopandas' plot redraws the whole figure each time)."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    paths = [Path.make_compound_path(*(Path(ring.coords, closed=True) for ring in (p.exterior, *p.interiors)))
             for geom in geoms for p in map(orient, getattr(geom, "geoms", [geom])) if not p.is_empty]
    ax.add_collection(PathCollection(paths, **style), autolim=False)


def _lines(ax, geoms, colours, dashes, *, width: float, zorder: int, alpha: float = 1.0) -> None:
    """Draw lines, one collection per colour and dash."""
    from matplotlib.collections import LineCollection

    groups: dict[tuple, list] = {}
    for geom, colour, dash in zip(geoms, colours, dashes):
        parts = getattr(geom, "geoms", [geom])
        groups.setdefault((colour, dash), []).extend([list(part.coords) for part in parts])
    for (colour, dash), segments in groups.items():
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, linestyles=_dashes(dash, width),
                                         alpha=alpha, zorder=zorder, capstyle="round", joinstyle="round"))


def _areas(ax, mark: mk.Areas) -> tuple[list, list]:
    shapes = mark.frame.to_crs(_MERCATOR)
    fallback = mark.styles_by_value.get("unknown", styles.STATUS_STYLES["unknown"])
    looks = [mark.styles_by_value.get(v, fallback) for v in shapes[mark.column]]
    _polygons(ax, shapes.geometry, [s.fill for s in looks], [s.dash for s in looks], zorder=3)
    return [shapes], [(mark.title, mark.legend())]


def _choropleth(ax, mark: mk.Choropleth) -> tuple[list, list]:
    shapes = mark.frame.to_crs(_MERCATOR)
    classes, items = mark.classes()
    fills = [styles.NO_DATA.fill if c < 0 else styles.CHOROPLETH[c] for c in classes]
    dashes = [styles.NO_DATA.dash if c < 0 else None for c in classes]
    _polygons(ax, shapes.geometry, fills, dashes, zorder=3)
    return [shapes], [(mark.title, items)]


def _highlight(ax, mark: mk.Highlight) -> tuple[list, list]:
    lines = mark.frame.to_crs(_MERCATOR)
    _lines(ax, lines.geometry, [mark.colour] * len(lines), [None] * len(lines), width=9, zorder=4, alpha=0.5)
    return [], []


def _line_mark(ax, mark: mk.Lines) -> tuple[list, list]:
    lines = mark.frame.to_crs(_MERCATOR)
    colours = [mark.colours.get(k, "#555555") for k in lines[mark.colour_column]]
    dashes = [styles.STATUS_DASHES.get(s) for s in lines["status"]]
    _lines(ax, lines.geometry, colours, dashes, width=float(mark.weight) * 1.3, zorder=5)
    return [], []


def _xy(points):
    return gpd.GeoSeries(gpd.points_from_xy(points["lon"], points["lat"]), crs="EPSG:4326").to_crs(_MERCATOR)


def _points(ax, mark: mk.Points) -> tuple[list, list]:
    points = mark.frame.dropna(subset=["lat", "lon"])
    if len(points):
        xy = _xy(points)
        fills = [mark.kind_colours.get(k, "#999999") for k in points["kind"]]
        ax.scatter(xy.x, xy.y, s=45, c=fills, edgecolors="#222222", linewidths=1.2, zorder=7)
    return [], []


def _venues(ax, mark: mk.Venues) -> tuple[list, list]:
    points = mark.frame.dropna(subset=["lat", "lon"])
    if len(points):
        xy = _xy(points)
        ax.scatter(xy.x, xy.y, s=110, c=styles.VENUE_COLOUR, edgecolors="white", linewidths=2, zorder=7)
    return [], []


def _legend(ax, mark: mk.Legend) -> tuple[list, list]:
    return [], [(mark.title, list(mark.items))]


DRAW = {mk.Areas: _areas, mk.Choropleth: _choropleth, mk.Lines: _line_mark, mk.Points: _points, mk.Venues: _venues,
        mk.Highlight: _highlight, mk.Legend: _legend}
"""The drawing function of each mark class: each returns (filled countries to label, legends)."""


def _draw_marks(ax, scene) -> tuple[set[str], list[tuple[str, list]]]:
    """Draw the scene's marks in order; return (the ISO3 codes of the countries they fill, their legends)."""
    legends: list[tuple[str, list]] = []
    filled: set[str] = set()
    for mark in scene.marks:
        shapes, mark_legends = DRAW[type(mark)](ax, mark)
        for frame in shapes:
            filled.update(frame["iso3"])
        legends += mark_legends
    return filled, legends


def _mercator(atlas: Atlas, name: str) -> gpd.GeoDataFrame:
    """The boundaries or the physical basemap in EPSG:3857, projected once per atlas."""
    return atlas.memo(("image", name), lambda: getattr(atlas, name).to_crs(_MERCATOR))


def _fit_stage(extent, stage) -> tuple[float, float, float, float]:
    """Move `extent` inside the stage (the boundaries' box: beyond it the data has neither land nor sea) where it
    is smaller than the stage, and cut it to the stage where it is larger."""
    spans = []
    for lo, hi, low, high in ((extent[0], extent[2], stage[0], stage[2]), (extent[1], extent[3], stage[1], stage[3])):
        shift = max(low - lo, 0) or min(high - hi, 0)  # into the stage, when it fits
        spans.append((low, high) if hi - lo >= high - low else (lo + shift, hi + shift))
    (x0, x1), (y0, y1) = spans
    return x0, y0, x1, y1


def _physical(ax, physical: gpd.GeoDataFrame, frame, *, historic: bool) -> None:
    """Lakes in the sea's colour, rivers as thin blue lines, historic lake outlines dashed when asked for."""
    near = physical[physical.intersects(frame)]
    lakes, rivers, old = (near[near["kind"] == kind] for kind in ("lake", "river", "historic_lake"))
    if len(lakes):
        _fill(ax, lakes.geometry, facecolor=styles.SEA, edgecolor=_WATER_EDGE, linewidth=0.6, zorder=3.5)
    if len(rivers):
        _lines(ax, rivers.geometry, [_WATER_EDGE] * len(rivers), [None] * len(rivers), width=1.1, zorder=3.4)
    if historic and len(old):
        _lines(ax, old.boundary, [labels.WATER_TEXT] * len(old), ["4 3"] * len(old), width=1.3, zorder=3.6)


def _obstacles(ax, scene, places, places_xy) -> tuple[list, list[float]]:
    """Pixel boxes of every point marker (no label may cover one) and each key place's marker radius."""
    to_pixels = ax.transData.transform
    boxes, marked = [], _DOT_RADIUS
    for mark in (m for m in scene.marks if isinstance(m, (mk.Points, mk.Venues))):
        marked = _VENUE_RADIUS if isinstance(mark, mk.Venues) else _NODE_RADIUS
        xy = _xy(mark.frame.dropna(subset=["lat", "lon"]))
        boxes += [labels.marker_box(*to_pixels((x, y)), marked) for x, y in zip(xy.x, xy.y)]
    radii = [marked if place.marked else _DOT_RADIUS for place in places]
    boxes += [labels.marker_box(*to_pixels(xy), _DOT_RADIUS) for place, xy in zip(places, places_xy) if not place.marked]
    return boxes, radii


_NODE_RADIUS, _VENUE_RADIUS, _DOT_RADIUS = 6.0, 9.0, 4.0
"""Pixel radii of a node, a venue and a key place's dot (markers of 45, 110 and 22 square points, with edges)."""


class Rendered(NamedTuple):
    """An image and what was drawn in it: the labels placed (boxes in pixels, y upwards) and the map's box."""

    data: bytes
    labels: list[labels.PlacedLabel]
    map_box: tuple[float, float, float, float]


def render_image(atlas: Atlas, scene, fmt: str = "png", *, width: int = 1920, height: int = 1080) -> bytes:
    """Return the scene as a PNG (`width` × `height` pixels) or an SVG of the same layout.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas (boundaries in EPSG:4326, sources for the source line).
    scene : geo.scenes.Scene
        What to draw; a view with ``lat``, ``lon`` and ``z`` is drawn over the extent an on-screen map of
        `NOMINAL_MAP_WIDTH_PX` shows, otherwise over the scene's fitted countries or bounds (in both cases moved
        or cut to the data's stage).
    fmt : str
        ``"png"`` or ``"svg"``.
    """
    return render(atlas, scene, fmt, width=width, height=height).data


def render(atlas: Atlas, scene, fmt: str = "png", *, width: int = 1920, height: int = 1080) -> Rendered:
    """Return the image of `render_image` with the labels it placed and the map's box (see `Rendered`)."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"fmt was {fmt!r} but is expected to be in {list(IMAGE_FORMATS)}")
    dpi = 100
    base = 15 * height / 1080
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    try:
        fig.patch.set_facecolor("white")
        ax = fig.add_axes((0.015, 0.085, 0.76, 0.80))
        boundaries = _mercator(atlas, "boundaries")
        extent = _fit_stage(_extent(atlas, scene, (0.76 * width) / (0.80 * height)), boundaries.total_bounds)
        frame = box(*extent)
        ax.set_facecolor(styles.SEA)  # the frame lies inside the stage: what no country covers is sea
        nearby = boundaries[boundaries.intersects(frame)]
        if len(nearby):
            _fill(ax, nearby.geometry, facecolor=styles.LAND, edgecolor=styles.BORDER, linewidth=0.7, zorder=2)
        filled, legends = _draw_marks(ax, scene)
        _physical(ax, _mercator(atlas, "physical"), frame, historic=scene.historic_lakes)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal", adjustable="box", anchor="N")
        ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
        plt.setp(list(ax.spines.values()), color="#bbbbbb")
        scale = _scale_bar(ax, extent, fontsize=base * 0.85)
        ax.apply_aspect()
        renderer = fig.canvas.get_renderer()
        placed = _labels(ax, atlas, scene, nearby, frame, filled, scale, renderer, base, fmt == "svg")
        _side_texts(fig, atlas, scene, legends, base, height, ax.get_position().y0)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt, scene))
        bbox = ax.get_window_extent(renderer)
        return Rendered(buffer.getvalue(), placed, (bbox.x0, bbox.y0, bbox.x1, bbox.y1))
    finally:
        plt.close(fig)


def _labels(ax, atlas, scene, nearby, frame, filled, scale, renderer, base, svg) -> list[labels.PlacedLabel]:
    """Key places' dots, then every label placed by priority (`geo.labels.place_labels`)."""
    from pyproj import Transformer

    to_merc = Transformer.from_crs("EPSG:4326", _MERCATOR, always_xy=True)
    places = labels.unique_places(scene.key_places)
    places_xy = [to_merc.transform(p.lon, p.lat) for p in places]
    dots = [xy for p, xy in zip(places, places_xy) if not p.marked]
    if dots:
        ax.scatter(*zip(*dots), s=22, c="white", edgecolors=styles.TEXT, linewidths=1.2, zorder=7)
    obstacles, radii = _obstacles(ax, scene, places, places_xy)
    obstacles.append(tuple(scale.get_window_extent(renderer).extents))
    px_per_unit = ax.get_window_extent(renderer).width / (frame.bounds[2] - frame.bounds[0])
    focus = set(filled) | set(nearby.loc[nearby["tier"] == "focus", "iso3"])
    seas = [(name, [to_merc.transform(lon, lat) for lat, lon in points]) for name, points in labels.SEAS]
    specs = [*labels.country_specs(nearby, frame, focus, px_per_unit, base),
             *labels.place_specs(places, places_xy, radii, base),
             *labels.water_specs(_mercator(atlas, "physical"), seas, frame, px_per_unit, base,
                                 historic=scene.historic_lakes)]
    return labels.place_labels(ax, renderer, specs, obstacles, halo=3.0, under=svg)


_SUBTITLES = {"overview": "Central Asia and the South Caucasus", "membership": "Who belongs where",
              "transport": "Lines drawn through named waypoints: approximate",
              "energy": "Lines along published traces or through named waypoints: approximate"}
"""What the image says under the title when the scene has no subtitle of its own."""


def _side_texts(fig, atlas, scene, legends, base, height, bottom: float) -> None:
    """The legends beside the map, the title and subtitle above it, the sources and the credit just below its
    `bottom` (a fraction of the figure's height: a map cut to the stage can be less tall than its place)."""
    top = 0.885  # legends stacked in the right-hand column, beside the map, never over it
    for title, items in legends:
        if not items:
            continue
        legend = fig.legend(handles=_legend_handles(items), title=_wrap(title, 30), loc="upper left",
                            bbox_to_anchor=(0.785, top), fontsize=base * 0.85, title_fontsize=base * 0.95,
                            frameon=False, borderpad=0.2, labelspacing=0.55, alignment="left")
        top -= legend.get_window_extent(fig.canvas.get_renderer()).height / height + 0.02
    fig.text(0.015, 0.955, f"C6 Atlas · {scene.title}", fontsize=base * 1.9, weight="bold", color=styles.TEXT,
             va="center")
    fig.text(0.015, 0.905, scene.subtitle or _SUBTITLES.get(scene.page, ""), fontsize=base * 1.1, color="#555555",
             va="center")
    credit = labels.source_credit(atlas.sources, scene.sources)
    fig.text(0.015, bottom - 0.033, f"{credit.text} Data version {atlas.version}.", fontsize=base * 0.8,
             color=styles.TEXT, va="center")
    fig.text(0.015, bottom - 0.06, f"{ATTRIBUTION_TEXT} {DISCLAIMER.split('. ', 1)[-1]}", fontsize=base * 0.7,
             color="#555555", va="center")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _metadata(fmt: str, scene) -> dict:
    title = f"C6 Atlas · {scene.title}"
    return {"Title": title, "Software": "C6 Atlas (matplotlib)"} if fmt == "png" else {"Title": title, "Date": None}


def image_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) in pixels of PNG bytes (from the IHDR header)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


