"""The benchmark's yardstick: a trivial Streamlit page with one streamlit-folium map, nothing else.

    streamlit run bench/trivial_app.py

A title, one select box and a map whose layer (100 polygons and 100 lines, about 340 KB of GeoJSON, new shapes
for each choice) is passed as ``feature_group_to_add``, so a change updates the map in place, as the atlas's
pages do. Leaflet is served locally (``bench/static``, written from folium-offline), so it draws offline.
`bench/run.py` measures it beside every page of the atlas.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.assets import ensure_static_assets, localize

SHAPES = 100
VERTICES = 40


@st.cache_resource(show_spinner=False)
def _assets() -> bool:
    ensure_static_assets(Path(__file__).resolve().parent / "static")
    return True


@st.cache_data(show_spinner=False, max_entries=16)
def layer_geojson(variant: int) -> str:
    """100 polygons and 100 lines over Central Asia, different for each variant."""
    features = []
    for i in range(SHAPES):
        lon, lat = 45 + (i % 10) * 3 + variant * 0.1, 36 + (i // 10) * 1.5
        ring = [[round(lon + math.cos(2 * math.pi * k / VERTICES) * 1.2, 5),
                 round(lat + math.sin(2 * math.pi * k / VERTICES) * 0.6, 5)] for k in range(VERTICES)]
        features.append({"type": "Feature", "properties": {"name": f"shape {i}", "kind": "polygon"},
                         "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}})
        line = [[round(lon + k * 0.07, 5), round(lat + 0.7 + math.sin(k / 3 + variant) * 0.3, 5)] for k in range(VERTICES)]
        features.append({"type": "Feature", "properties": {"name": f"line {i}", "kind": "line"},
                         "geometry": {"type": "LineString", "coordinates": line}})
    return json.dumps({"type": "FeatureCollection", "features": features})


st.set_page_config(page_title="Trivial map", layout="wide")
_assets()
st.title("Trivial map")
variant = st.selectbox("Variant", list(range(10)), key="variant")
base = localize(folium.Map(location=[42.5, 58], zoom_start=4, tiles=None))
group = folium.FeatureGroup(name="layer")
folium.GeoJson(
    json.loads(layer_geojson(variant)),
    style_function=lambda f: {"color": "#0072B2" if f["properties"]["kind"] == "line" else "#555555",
                              "weight": 2, "fillOpacity": 0.3, "className": "trivial-shape"},
    tooltip=folium.GeoJsonTooltip(["name"]),
).add_to(group)
st_folium(base, key="map", height=620, use_container_width=True, feature_group_to_add=localize(group),
          returned_objects=["last_object_clicked", "center", "zoom"], render=False)
