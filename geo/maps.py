"""The folium renderer: a scene's marks drawn as a Leaflet map.

A page's map is split in two so that streamlit-folium can update it in place: `scene_base` (basemap, context
countries, attribution: what does not change with the reader's filters) and `scene_layer`, a
`folium.FeatureGroup` of the scene's marks passed as ``feature_group_to_add``. Each mark class of `geo.marks` has
one drawing function here (`DRAW`); tooltips are laid out here from each mark's plain-text `Tip`, escaped.
Coordinates are EPSG:4326 throughout.
"""

from __future__ import annotations

import contextlib
import re
import threading
import weakref
from collections.abc import Iterable

import folium
import pandas as pd
from jinja2 import UndefinedError

from geo import marks as mk
from geo import styles
from geo.assets import MAP_CSS, MAP_JS, asset_text, local_url, localize
from geo.base_layers import ContextLayer, FitAtOnce, PhysicalLayer, StageFill, context_json, physical_json
from geo.basemaps import ATTRIBUTION, BASEMAPS, DEFAULT_CENTER, DEFAULT_ZOOM
from geo.labels import short_name
from geo.leaflet import (
    AtlasMap,
    Attribution,
    GeoJsonLayer,
    Legend,
    MarkScript,
    Stylesheet,
    circle_markers,
    feature_collection,
    point_markers,
)
from geo.load import Atlas
from geo.map_labels import GroupLabels, LabelLayer, labels_json
from geo.marks import row_dicts
from geo.places import MapLabel, base_labels
from geo.text import escape_text

LEGEND_WIDTH_PX = 130
"""How much of the map's right side (px) the first view keeps free for the legends, which sit in its corners, so
they do not cover what the view fits (the widest legend is 240 px, `geo.leaflet`'s ``.atlas-legend``)."""
LEGEND_WIDTH_LARGE_PX = 200


def tip_html(tip: mk.Tip, rows: Iterable[dict]) -> list[str]:
    """Return each row's tooltip as escaped HTML: the title in bold, then one line each."""
    out = []
    for row in rows:
        title, lines = tip(row)
        body = "<br>".join(escape_text(line) for line in lines)
        out.append(f'<div class="atlas-tip"><b>{escape_text(title)}</b>' + (f"<br>{body}" if body else "") + "</div>")
    return out


def _with_tips(mark, columns: list[str]) -> pd.DataFrame:
    """The columns of a mark's rows that reach the browser, plus each row's tooltip HTML."""
    return mark.frame[columns].assign(tip=tip_html(mark.tip, row_dicts(mark.frame)))


def base_map(
    atlas: Atlas,
    *,
    exclude_iso3: Iterable[str] = (),
    basemap: str = "plain",
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    fit_iso3: Iterable[str] = (),
    fit_bounds: tuple[float, float, float, float] | None = None,
    core_bounds: tuple[float, float, float, float] | None = None,
    large_text: bool = False,
) -> folium.Map:
    """Return the static part of a page map: basemap, context countries, attribution, offline assets.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas: its boundaries (EPSG:4326) draw the land; the context countries' GeoJSON is built once
        per atlas and exclusion (`Atlas.memo`).
    exclude_iso3 : iterable of str
        Countries drawn by the page's own layer instead (not drawn twice).
    basemap : str
        A key of `BASEMAPS`; ``"plain"`` draws sea and land with no tiles and works offline.
    center : (lat, lon)
        Initial centre in degrees.
    zoom : int
        Initial Leaflet zoom level.
    fit_iso3 : iterable of str
        If given, the initial view fits these countries (overrides `center` and `zoom`).
    fit_bounds : (west, south, east, north), optional
        If given, the initial view fits this box in degrees (overrides `fit_iso3`).
    core_bounds : (west, south, east, north), optional
        With `fit_bounds`, on the plain basemap: where the whole box would leave background beyond the stage (the
        boundaries' box) in view, the first view centres on this core instead, just close enough that the stage
        fills the map (`StageFill`).
    large_text : bool
        Larger legend and tooltips, for presenting on a screen.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap was {basemap!r} but is expected to be in {list(BASEMAPS)}")
    boundaries = atlas.boundaries
    choice = BASEMAPS[basemap]
    m = AtlasMap(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        min_zoom=2,
        max_zoom=10,
        control_scale=True,
        world_copy_jump=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    Stylesheet(large=large_text).add_to(m)
    if choice.tiles:
        folium.TileLayer(choice.tiles, attr=choice.attribution, name=choice.label, max_zoom=19).add_to(m)
    else:
        # The boundaries are clipped to the stage: sea inside it, a neutral frame outside, so the clipped
        # edge reads as the edge of the map rather than as coastline.
        west, south, east, north = (round(float(x), 2) for x in boundaries.total_bounds)
        folium.Rectangle(
            [[south, west], [north, east]],
            stroke=False,
            fill=True,
            fill_color=styles.SEA,
            fill_opacity=1.0,
            interactive=False,
            class_name="atlas-stage",
        ).add_to(m)
    west, south, east, north = (float(x) for x in boundaries.total_bounds)
    m.stage_bounds = [[south, west], [north, east]]
    if len(set(boundaries["iso3"]) - set(exclude_iso3)):
        excluded = frozenset(exclude_iso3)
        text = atlas.memo(("context_json", excluded), lambda: context_json(boundaries, excluded), limit=32)
        ContextLayer(text, fill_opacity=1.0 if choice.offline else 0.35).add_to(m)
    if choice.offline and len(atlas.physical):
        PhysicalLayer(atlas.memo(("physical_json",), lambda: physical_json(atlas.physical))).add_to(m)
    LabelLayer(atlas.memo(("labels_json",), lambda: labels_json(base_labels(atlas)))).add_to(m)
    Attribution(ATTRIBUTION).add_to(m)
    fit_iso3 = frozenset(fit_iso3)
    if fit_bounds is None and fit_iso3:  # selecting the countries copies their shapes: once per set, not per run
        fit_bounds = atlas.memo(("fit_bounds", fit_iso3), lambda: _countries_box(boundaries, fit_iso3))
    if fit_bounds is not None:
        west, south, east, north = (round(float(x), 2) for x in fit_bounds)
        legends = LEGEND_WIDTH_LARGE_PX if large_text else LEGEND_WIDTH_PX  # legends sit on the right: keep it free
        padding = {"padding_top_left": (8, 8), "padding_bottom_right": (legends + 12, 8)}
        if core_bounds is not None and choice.offline:  # tiles go on beyond the stage: nothing to hide there
            core = [[core_bounds[1], core_bounds[0]], [core_bounds[3], core_bounds[2]]]
            StageFill(m.stage_bounds, [[south, west], [north, east]], core, **padding).add_to(m)
        else:
            FitAtOnce([[south, west], [north, east]], **padding).add_to(m)
    return localize(m)


def _countries_box(boundaries, iso3: Iterable[str]) -> tuple[float, float, float, float] | None:
    """The box (west, south, east, north) of the countries `iso3`, or None if none is drawn."""
    fit = boundaries.loc[boundaries["iso3"].isin(set(iso3))]
    return tuple(float(x) for x in fit.total_bounds) if len(fit) else None


def draw_areas(fg: folium.FeatureGroup, mark: mk.Areas) -> None:
    """Countries filled by a category, with their tooltips and legend. Each path has the CSS classes
    ``atlas-focus`` and ``atlas-<column>-<value>``."""
    column, by_value = mark.column, mark.styles_by_value
    fallback = by_value.get("unknown", styles.STATUS_STYLES["unknown"])
    data = _with_tips(mark, ["iso3", column, "geometry"])

    def style(feature: dict) -> dict:
        value = feature["properties"][column]
        look = by_value.get(value, fallback)
        return {"fillColor": look.fill, "color": styles.FOCUS_BORDER, "weight": 1.2, "dashArray": look.dash,
                "fillOpacity": 0.85, "className": f"atlas-focus atlas-{column}-{value}"}

    GeoJsonLayer(feature_collection(data), name=escape_text(mark.title), style_function=style,
                 highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.95},
                 tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)).add_to(fg)
    Legend(mark.title, mark.legend()).add_to(fg)


def draw_choropleth(fg: folium.FeatureGroup, mark: mk.Choropleth) -> None:
    """Countries filled by value in quantile classes of `styles.CHOROPLETH`; "no data" drawn apart (pale, dashed)
    and listed in the legend."""
    palette = styles.CHOROPLETH
    classes, items = mark.classes()
    data = _with_tips(mark, ["iso3", "geometry"]).assign(cls=classes)

    def style(feature: dict) -> dict:
        c = feature["properties"]["cls"]
        if c < 0:
            return {"fillColor": styles.NO_DATA.fill, "color": "#777777", "weight": 0.8, "dashArray": styles.NO_DATA.dash,
                    "fillOpacity": 0.9, "className": "atlas-focus atlas-nodata"}
        return {"fillColor": palette[min(c, len(palette) - 1)], "color": "#555555", "weight": 0.8, "fillOpacity": 0.8,
                "className": "atlas-focus atlas-value"}

    GeoJsonLayer(feature_collection(data), name=escape_text(mark.title), style_function=style,
                 tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)).add_to(fg)
    Legend(mark.title, items, position="topright").add_to(fg)


def draw_lines(fg: folium.FeatureGroup, mark: mk.Lines) -> None:
    """Lines coloured by a column and dashed by status (`styles.STATUS_DASHES`). Each path has the CSS classes
    ``<class_prefix>`` and ``<class_prefix>-<id>``."""
    if len(mark.frame) == 0:
        return
    colour_column, prefix, weight = mark.colour_column, mark.class_prefix, mark.weight
    data = _with_tips(mark, ["id", "status", colour_column, "geometry"])

    def style(feature: dict) -> dict:
        p = feature["properties"]
        return {"color": mark.colours.get(p[colour_column], "#555555"), "weight": weight, "opacity": 0.95,
                "dashArray": styles.STATUS_DASHES.get(p["status"]), "className": f"{prefix} {prefix}-{p['id']}"}

    GeoJsonLayer(feature_collection(data), name=escape_text(mark.title), style_function=style,
                 highlight_function=lambda _f: {"weight": weight + 3},
                 tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)).add_to(fg)


NODE_LABEL_RANK = {"seaport": (2.2, 0), "ferry_terminal": (2.2, 0), "hub": (2.6, 4.5), "rail_border_crossing": (3.0, 5)}
"""Priority and first zoom of a place's name by kind: ports first, then hubs, then border crossings."""


def draw_points(fg: folium.FeatureGroup, mark: mk.Points) -> None:
    """A circle marker per place, filled by kind, each with the CSS class ``atlas-node``, and the place's short name
    beside it where there is room (``name`` column)."""
    point_markers(fg, mark.frame, fill_of=lambda row: mark.kind_colours.get(row["kind"], "#999999"), radius=5,
                  color="#222222", weight=1.5, fill_opacity=1.0, class_name="atlas-node")
    if "name" in mark.frame.columns and len(mark.frame):
        rows = mark.frame.dropna(subset=["lat", "lon"])
        labels = [MapLabel(float(la), float(lo), short_name(str(n), port=k in ("seaport", "ferry_terminal")), "node",
                           *NODE_LABEL_RANK.get(k, (3.0, 5)))
                  for n, la, lo, k in zip(rows["name"], rows["lat"], rows["lon"], rows["kind"])]
        GroupLabels(labels_json(labels)).add_to(fg)


def draw_venues(fg: folium.FeatureGroup, mark: mk.Venues) -> None:
    """A circle marker per venue; each has the CSS class ``atlas-venue``."""
    circle_markers(fg, mark.frame, fill_of=lambda _row: styles.VENUE_COLOUR, radius=6, color="#ffffff", weight=2,
                   fill_opacity=0.9, class_name="atlas-venue")


def draw_highlight(fg: folium.FeatureGroup, mark: mk.Highlight) -> None:
    """A broad pale line under the others (``atlas-plan``), or the reader's selection as a dark outline over them
    (``atlas-selected``); not interactive."""
    look = ({"color": mark.colour, "weight": 4, "opacity": 0.95, "className": "atlas-selected"} if mark.selection
            else {"color": mark.colour, "weight": 10, "opacity": 0.55, "className": "atlas-plan"})
    GeoJsonLayer(feature_collection(mark.frame[["geometry"]]), style_function=lambda _f, s=look: s,
                 interactive=False).add_to(fg)


def draw_legend(fg: folium.FeatureGroup, mark: mk.Legend) -> None:
    Legend(mark.title, mark.items, position=mark.position).add_to(fg)


DRAW = {mk.Areas: draw_areas, mk.Choropleth: draw_choropleth, mk.Lines: draw_lines, mk.Points: draw_points,
        mk.Venues: draw_venues, mk.Highlight: draw_highlight, mk.Legend: draw_legend}
"""The drawing function of each mark class."""


def scene_layer(scene, *, fg: folium.FeatureGroup | None = None) -> folium.FeatureGroup:
    """Return the feature group that draws a `geo.scenes.Scene`'s marks (the part of a page map that changes
    with the reader's filters), in the scene's order. Each mark is drawn once into finished text (`MarkScript`)
    and that text is reused for as long as the mark lives (a remembered scene's marks are the same objects on
    every run), so a rerun or a pan that shows the same view does not draw the layer again."""
    fg = fg if fg is not None else folium.FeatureGroup(name=scene.page)
    for mark in scene.marks:
        if type(mark) not in DRAW:
            raise ValueError(f"mark was {type(mark).__name__!r} but is expected to be in {[m.__name__ for m in DRAW]}")
        mark_script(mark).add_to(fg)
    return fg


_MARK_TEXT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Each live mark's finished text and assets (marks are frozen and compared by identity: a mark never changes)."""
_MARK_LOCK = threading.Lock()


def mark_script(mark: mk.Mark) -> MarkScript:
    """Return a `MarkScript` that draws `mark` into the group it is added to, drawn once per mark object."""
    with _MARK_LOCK:
        done = _MARK_TEXT.get(mark)
    if done is None:
        done = _draw_once(mark)
        with _MARK_LOCK:
            _MARK_TEXT[mark] = done
    text, js, css, header = done
    return MarkScript(text, default_js=js, default_css=css, header=header)


def _draw_once(mark: mk.Mark) -> tuple[str, list, list, dict]:
    """Draw `mark` with its folium elements into a throwaway group and map, and return their scripts as
    streamlit-folium would render them (each element's script, in tree order), their JS and CSS links and what
    they add to a page's header."""
    m, group = folium.Map(tiles=None), folium.FeatureGroup()
    m._id = group._id = MarkScript.SLOT  # the names the text uses for its group and map
    group.add_to(m)
    page_header = set(m.get_root().header._children)  # what every page has (its charset), not the mark's
    DRAW[type(mark)](group, mark)
    drawn = list(group._children.values())  # the mark's elements, not what rendering adds to the group itself
    for i, element in enumerate(e for top in drawn for e in _descendants(top)):  # the same text on every build
        element._id = str(i)
    localize(group)
    group.render()  # completes the elements (a GeoJSON layer's styles); what it adds to the map is thrown away
    scripts, js, css = [], [], []
    for element in (e for top in drawn for e in _descendants(top)):
        with contextlib.suppress(AttributeError, UndefinedError):  # as streamlit-folium: no script macro, no script
            scripts.append(element._template.module.script(element, {}))
        js += [link for link in getattr(element, "default_js", []) if link not in js]
        css += [link for link in getattr(element, "default_css", []) if link not in css]
    header = {name: element.render() for name, element in m.get_root().header._children.items()
              if name not in page_header}
    return "\n".join(s.strip() for s in scripts if s.strip()), js, css, header


def _descendants(element):
    yield element
    for child in list(element._children.values()):
        yield from _descendants(child)


def scene_base(atlas: Atlas, scene, *, large_text: bool = False) -> folium.Map:
    """Return the base map of a scene: `base_map` with the scene's basemap, excluded and fitted countries."""
    f = scene.frame
    return base_map(atlas, basemap=scene.values.get("basemap", "plain"), large_text=large_text,
                    exclude_iso3=f.exclude_iso3, fit_iso3=f.fit_iso3, fit_bounds=f.fit_bounds, core_bounds=f.core_bounds)


def standalone_html(m: folium.Map, layer: folium.FeatureGroup | None = None, *, title: str = "C6 Atlas map") -> str:
    """Return the map (with `layer` added) as one HTML file that opens offline: Leaflet's JS and CSS are
    inlined from the installed package instead of linked, and the page title is set (escaped).

    `m` must not be shown elsewhere afterwards: the layer is added to it.
    """
    if layer is not None:
        layer.add_to(m)
    html = m.get_root().render()
    for name in MAP_JS:
        tag = re.compile(r'<script src="' + re.escape(local_url(name)) + r'"></script>')
        html = tag.sub(lambda _m, name=name: "<script>" + asset_text(name).replace("</script", "<\\/script") + "</script>", html)
    for name in MAP_CSS:
        tag = re.compile(r'<link rel="stylesheet" href="' + re.escape(local_url(name)) + r'"/>')
        html = tag.sub(lambda _m, name=name: "<style>" + asset_text(name) + "</style>", html)
    if "/app/static/" in html:
        raise ValueError("a map asset is still linked to the app's static folder; expected every asset inlined")
    return html.replace("<head>", f"<head><title>{escape_text(title)}</title>", 1)
