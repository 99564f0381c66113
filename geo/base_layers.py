"""The base map's own layers: the context countries and today's rivers and lakes, drawn from packed text
(`geo.packing`) by finished scripts (`geo.leaflet.FinishedScript`). Their text is the same for every run of a
page, so callers remember it per atlas. Coordinates are EPSG:4326 degrees. And the scripts that set the map's
first view (`FitAtOnce`, `StageFill`)."""

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


class FitAtOnce(FinishedScript):
    """The first view fits `box` at once, as folium's ``fit_bounds`` with the same paddings but not animated: an
    animated fit still running when streamlit-folium applies a link's view makes Leaflet drop that view (it
    ignores a zoom asked during a zoom animation), and the link would open at the fitted view instead."""

    def __init__(self, box: list[list[float]], *, padding_top_left: tuple[int, int],
                 padding_bottom_right: tuple[int, int]):
        super().__init__()
        self.box = [[round(float(x), 4) for x in corner] for corner in box]
        self.padding = (list(padding_top_left), list(padding_bottom_right))

    def script(self) -> str:
        return (f"{self._parent.get_name()}.fitBounds({self.box}, {{paddingTopLeft: {self.padding[0]}, "
                f"paddingBottomRight: {self.padding[1]}, animate: false}});\n")


class StageFill(FinishedScript):
    """The first view without background beyond the stage: fit `box` (as folium's ``fit_bounds``, with the same
    paddings, but at once rather than animated) if the stage then covers the whole map; else centre on `core`,
    at the least zoom at which the stage covers the map (Leaflet's ``getBoundsZoom(stage, inside=true)``) or
    closer if the core fits closer; then pan inside the stage. Done again when the map is resized (presentation
    mode sizes it) until the reader first touches the map or a view is set from outside (streamlit-folium applies
    a link's or Find's view with ``setView`` after this script): the reader may then zoom out freely, and that
    view is kept as it is, also when the frame is resized afterwards. Corners are [[south, west], [north, east]]."""

    def __init__(self, stage: list[list[float]], box: list[list[float]], core: list[list[float]], *,
                 padding_top_left: tuple[int, int], padding_bottom_right: tuple[int, int]):
        super().__init__()
        self.boxes = {name: [[round(float(x), 4) for x in corner] for corner in corners]
                      for name, corners in (("stage", stage), ("box", box), ("core", core))}
        self.padding = (list(padding_top_left), list(padding_bottom_right))

    def script(self) -> str:
        boxes = ", ".join(f"{name} = L.latLngBounds({corners})" for name, corners in self.boxes.items())
        return (
            "(function (map) {\n"
            f"  var {boxes}, touched = false;\n"
            f"  var topLeft = L.point({self.padding[0]}), bottomRight = L.point({self.padding[1]});\n"
            "  function centre(b, zoom) {  // the map centre that puts b's centre mid-way between the paddings\n"
            "    var sw = map.project(b.getSouthWest(), zoom), ne = map.project(b.getNorthEast(), zoom);\n"
            "    return map.unproject(sw.add(ne).divideBy(2).add(bottomRight.subtract(topLeft).divideBy(2)), zoom);\n"
            "  }\n"
            "  var setView = map.setView, filling = false;\n"
            "  map.setView = function () {  // a view set by anyone else (a link's, Find's) is kept from then on\n"
            "    if (!filling) touched = true;\n"
            "    return setView.apply(this, arguments);\n"
            "  };\n"
            "  function fill() {\n"
            "    var size = map.getSize();\n"
            "    if (touched || !size.x || !size.y) return;\n"
            "    filling = true;\n"
            "    // a stage 1 % smaller each side: at the least zoom its edge would fall on the map's last pixel\n"
            "    var least = map.getBoundsZoom(stage.pad(-0.01), true), padding = topLeft.add(bottomRight);\n"
            "    var shown = box, zoom = map.getBoundsZoom(box, false, padding);\n"
            "    if (zoom < least) { shown = core; zoom = Math.max(least, map.getBoundsZoom(core, false, padding)); }\n"
            "    map.setView(centre(shown, zoom), zoom, {animate: false});\n"
            "    map.panInsideBounds(stage, {animate: false});\n"
            "    filling = false;\n"
            "  }\n"
            "  ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function (name) {\n"
            "    map.getContainer().addEventListener(name, function () { touched = true; }, {passive: true});\n"
            "  });\n"
            "  fill();\n"
            "  map.on('resize', fill);\n"
            f"}})({self._parent.get_name()});\n"
        )
