"""Leaflet elements for folium that the atlas's maps are made of: its stylesheet, attribution, legends, context
layer and a GeoJSON layer whose finished script never goes through Jinja.

branca, under folium, compiles what each element renders as a Jinja template: for large GeoJSON that costs more
than the rest of the map, and it would evaluate ``{{ ... }}`` in the data. The elements here add finished,
escaped text instead. Everything taken from the data is escaped with `geo.text.escape_text`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.features import GeoJsonStyleMapper
from folium.template import Template
from folium.utilities import get_obj_in_upper_tree

from geo import styles
from geo.assets import localize
from geo.marks import LegendItem, row_dicts
from geo.text import escape_text


def feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """Return `frame` (EPSG:4326) as a GeoJSON FeatureCollection dict: its columns as properties (missing values
    as null), geometries encoded by shapely's vectorised GeoJSON writer (much faster than per-feature
    ``__geo_interface__`` for large polygons).

    Braces in text properties become HTML entities: branca compiles the rendered map script as a Jinja
    template, so a ``{{ ... }}`` in the data would otherwise be evaluated on the server.
    """
    import shapely

    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = row_dicts(frame, columns, missing=None)
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
.atlas-label-anchor {{ width: 0; height: 0; }}
.atlas-label {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-size: 11px;
  color: #555; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; visibility: hidden; }}
.atlas-label.focus {{ font-size: 13px; font-weight: 600; color: {styles.TEXT}; }}
.atlas-label.capital {{ transform: translate(-4px, -50%); padding-left: 9px; color: {styles.TEXT}; }}
.atlas-label.capital::before {{ content: ""; position: absolute; left: 0; top: 50%; width: 5px; height: 5px;
  margin-top: -3px; border-radius: 50%; background: {styles.TEXT}; border: 1px solid #fff; }}
.atlas-label.capital.focus {{ font-size: 12px; font-weight: 400; }}
.atlas-label.water {{ color: {styles.WATER_TEXT}; font-style: italic; }}
.atlas-label.node {{ transform: translate(7px, -50%); font-size: 11px; color: {styles.TEXT}; }}
.atlas-label.node.at-left {{ transform: translate(calc(-100% - 7px), -50%); }}
.atlas-label.node.at-above {{ transform: translate(-50%, calc(-100% - 5px)); }}
.atlas-label.node.at-below {{ transform: translate(-50%, 5px); }}
.atlas-label.capital.at-left {{ transform: translate(calc(-100% + 4px), -50%); padding: 0 9px 0 0; }}
.atlas-label.capital.at-left::before {{ left: auto; right: 0; }}
.leaflet-interactive:focus {{ outline: none; }}
path.atlas-line {{ filter: drop-shadow(0 0 1px #fff) drop-shadow(0 0 1px #fff); }}
</style>
"""


_LARGE_CSS = """
<style>
.atlas-legend { font-size: 16px; line-height: 23px; max-width: 340px; }
.atlas-legend b { font-size: 18px; }
.atlas-tip, .leaflet-tooltip { font-size: 15px; }
/* Presenting: the map fills its frame, whose height the page sets from the screen's. */
#map_div, #map_div2 { height: 100vh !important; }
</style>
"""


class Stylesheet(MacroElement):
    """Inline CSS in the map's header (streamlit-folium keeps inline header content)."""

    _template = Template("")

    def __init__(self, *, large: bool = False):
        super().__init__()
        self.large = large

    def render(self, **kwargs):
        self.get_root().header.add_child(Element(_CSS + (_LARGE_CSS if self.large else "")), name="atlas_css")
        super().render(**kwargs)


class Attribution(MacroElement):
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

    def __init__(self, title: str, items: Sequence[LegendItem], *, position: str = "bottomright"):
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


class AtlasMap(folium.Map):
    """A folium map that knows its extent: streamlit-folium asks every run for the bounds of everything on the
    map, which folium computes by walking every coordinate; the stage's box is the same answer, at no cost."""

    stage_bounds: list[list[float]] | None = None

    def get_bounds(self):
        return self.stage_bounds if self.stage_bounds is not None else super().get_bounds()




class Script(Element):
    """Finished JavaScript added to the figure as it is: never compiled as a Jinja template (branca compiles what
    a MacroElement renders, which for ~150 KB of GeoJSON costs more than the rest of the map together)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class GeoJsonLayer(folium.GeoJson):
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
        figure.script.add_child(Script(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class FinishedScript(MacroElement):
    """An element whose script is finished text (`script()`): streamlit-folium takes it from the ``script`` macro,
    and `render` adds it to a standalone figure; branca never compiles it as a Jinja template."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script() }}{% endmacro %}")

    def __init__(self, data_json: str = ""):
        """`data_json`: the finished data text (GeoJSON or rows) the script embeds, if it embeds any."""
        super().__init__()
        self._name = type(self).__name__
        self.data_json = data_json

    def script(self) -> str:
        raise NotImplementedError

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(Script(self.script()), name=self.get_name())


class MarkScript(JSCSSMixin, FinishedScript):
    """A mark drawn once as finished text (`geo.maps.mark_script`), added as it is to any feature group: the text
    runs in a function of its own, given the group and the map it is added to (named `SLOT` in the text), so its
    names never meet another mark's. Carries the JS and CSS links its elements need."""

    SLOT = "atlas_slot"
    """The ``_id`` of the group and map the text was drawn into: it names them ``feature_group_atlas_slot`` and
    ``map_atlas_slot``."""

    def __init__(self, text: str, *, default_js: list | None = None, default_css: list | None = None,
                 header: dict[str, str] | None = None):
        """`header`: finished HTML its elements add to a standalone page's header (a tooltip's table style), by name."""
        super().__init__(text)
        self.default_js, self.default_css = list(default_js or []), list(default_css or [])
        self.header = dict(header or {})

    def render(self, **kwargs) -> None:
        for name, html in self.header.items():
            self.get_root().header.add_child(Script(html), name=name)
        super().render(**kwargs)

    def script(self) -> str:
        group, m = self._parent.get_name(), get_obj_in_upper_tree(self, folium.Map).get_name()
        return f"(function (feature_group_{self.SLOT}, map_{self.SLOT}) {{\n{self.data_json}\n}})({group}, {m});"


def circle_markers(fg: folium.FeatureGroup, points: pd.DataFrame, *, fill_of, **style) -> folium.FeatureGroup:
    """Add a circle marker per row (lat, lon in degrees; label as plain text, escaped here) to `fg`, skipping
    rows without coordinates; `fill_of(row)` gives the fill colour."""
    for row in row_dicts(points):
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



class PointMarkers(FinishedScript):
    """Circle markers of one style (Leaflet ``circleMarker`` options, e.g. radius, color, weight, fillOpacity,
    className), each with its own fill colour and tooltip, drawn by one finished script from their rows (`rows`:
    [lat, lon, fill colour, escaped tooltip HTML]) into the parent group: as folium's ``CircleMarker`` with a
    ``Tooltip`` draws them, without a Jinja template per marker and in a fifth of the text."""

    def __init__(self, rows: list[list], style: dict):
        super().__init__(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))
        self.options = {"bubblingMouseEvents": True, "dashArray": None, "dashOffset": None, "fill": True,
                        "fillRule": "evenodd", "lineCap": "round", "lineJoin": "round", "opacity": 1.0, "stroke": True,
                        **style}

    def script(self) -> str:
        return (
            f"{self.data_json}.forEach(function (r) {{ L.circleMarker([r[0], r[1]], "
            f"Object.assign({{fillColor: r[2]}}, {json.dumps(self.options)}))"
            f".bindTooltip('<div>' + r[3] + '</div>', {{sticky: true}}).addTo({self._parent.get_name()}); }});"
        )


def point_markers(fg: folium.FeatureGroup, points: pd.DataFrame, *, fill_of, **style) -> folium.FeatureGroup:
    """Add a circle marker per row (lat, lon in degrees; label as plain text, escaped here) to `fg` as one
    `PointMarkers` script, skipping rows without coordinates; `fill_of(row)` gives the fill colour, `style` the
    Leaflet options shared by all (radius, color, weight, fill_opacity, class_name)."""
    rows = [[float(row["lat"]), float(row["lon"]), fill_of(row), escape_text(row["label"])]
            for row in row_dicts(points) if not (pd.isna(row["lat"]) or pd.isna(row["lon"]))]
    if rows:
        PointMarkers(rows, {_camel(k): v for k, v in style.items()}).add_to(fg)
    return fg


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
