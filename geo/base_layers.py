"""The base map's own layers: the context countries and today's rivers and lakes, drawn from packed text
(`geo.packing`) by finished scripts (`geo.leaflet.FinishedScript`). Their text is the same for every run of a
page, so callers remember it per atlas. Coordinates are EPSG:4326 degrees."""

from __future__ import annotations

import json

import geopandas as gpd

from geo import styles
from geo.leaflet import FinishedScript
from geo.packing import packed_json, unpack_script
from geo.text import escape_text


class ContextLayer(FinishedScript):
    """The context countries (land, borders, a tooltip with the name, a highlight on hover) as one Leaflet GeoJSON
    layer. The same for every run of a page, so its script is built from cached packed text (`context_json`) and
    added to the figure without going through Jinja."""

    def __init__(self, data_json: str, *, fill_opacity: float):
        super().__init__(data_json)
        self.style = {"fillColor": styles.LAND, "color": styles.BORDER, "weight": 0.7, "fillOpacity": fill_opacity,
                      "className": "atlas-context"}
        self.highlight = {"weight": 1.5, "color": styles.FOCUS_BORDER}

    def script(self) -> str:
        name, parent = self.get_name(), self._parent.get_name()
        return (
            f"var {name} = L.geoJson({unpack_script(self.data_json)}, {{smoothFactor: 1.0, "
            f"style: function () {{ return {json.dumps(self.style)}; }}, "
            "onEachFeature: function (feature, layer) { "
            "layer.bindTooltip('<b>' + feature.properties.name + '</b>', {sticky: false}); "
            f"layer.on({{mouseover: function (e) {{ e.target.setStyle({json.dumps(self.highlight)}); }}, "
            f"mouseout: function (e) {{ {name}.resetStyle(e.target); }}}}); }}}}).addTo({parent});"
        )


CONTEXT_DECIMALS = 4
"""Decimals of the context countries' coordinates on the map: those of `data/boundaries.geojson`, so the packed
text (`packed_json`) draws exactly the stored borders."""


def context_json(boundaries: gpd.GeoDataFrame, excluded: frozenset) -> str:
    """The countries of `boundaries` but `excluded` (iso3 and escaped name) as packed text (`packed_json`) safe
    inside a ``<script>`` (callers remember it per atlas: it is the same for every run of a page)."""
    context = boundaries.loc[~boundaries["iso3"].isin(excluded), ["iso3", "name", "geometry"]]
    return packed_json(context.assign(name=[escape_text(n) for n in context["name"]]), decimals=CONTEXT_DECIMALS)


PHYSICAL_DECIMALS = 3
"""Decimals of the rivers' and lakes' coordinates on the map (about 110 m, under a pixel at the map's greatest
zoom); `data/physical.geojson` keeps 4."""


def physical_json(physical: gpd.GeoDataFrame) -> str:
    """Today's rivers and lakes (not historic outlines) as packed text (`packed_json`) for the base map: kind only,
    `PHYSICAL_DECIMALS` decimals."""
    import shapely

    today = physical.loc[physical["kind"] != "historic_lake", ["kind", "geometry"]]
    today = today.set_geometry(shapely.set_precision(today.geometry.values, 10.0**-PHYSICAL_DECIMALS))
    return packed_json(today, decimals=PHYSICAL_DECIMALS)


class PhysicalLayer(FinishedScript):
    """Lakes (filled as sea) and rivers (thin blue lines) over the countries, under the labels, not interactive.
    Its script is finished text (streamlit-folium takes it from the ``script`` macro; `render` adds it to a
    standalone figure)."""

    def script(self) -> str:
        m = self._parent.get_name()
        return (
            f"(function () {{ var pane = {m}.createPane('atlasWater'); pane.style.zIndex = 405; "
            "pane.style.pointerEvents = 'none'; "
            f"L.geoJson({unpack_script(self.data_json)}, {{pane: 'atlasWater', interactive: false, style: function (f) {{ "
            f"return f.properties.kind === 'river' ? {{color: '{styles.RIVER}', weight: 1.3, opacity: 0.9, fill: false}} "
            f": {{color: '{styles.RIVER}', weight: 0.6, fillColor: '{styles.SEA}', fillOpacity: 1}}; }}}})"
            f".addTo({m}); }})();"
        )
