"""Energy: pipelines and power links across the Caspian over a choropleth of a country indicator."""

import streamlit as st

from geo import vocab
from geo.cards import country_energy_card, energy_card
from geo.energy import capacity_totals, km_by_status, published_by_country
from geo.export import export_frame
from geo.scenes import build_scene
from geo.text import for_readers
from geo.transport import nearest_feature
from geo.views import choices
from pages._ui import atlas, download_buttons, map_section, sources_panel
from pages._view import begin, presentation_switch, presenting, selection, story_picker, widget_values
from pages._widgets import basemap_select, find_box, metrics, page_intro, show_card

a = atlas()
begin("energy", a)
names = a.country_names()
indicators = choices("energy", "indicator", a)

page_intro("Energy: pipelines and power links across the Caspian",
           "Lines follow a published trace of the route where there is one, otherwise named waypoints; either way "
           "they are approximate, and the geodesic length of the drawn line is shown beside the published length. "
           "Dashed lines are not operational.")
# The map is sent first: everything the browser draws before it delays it. The figures keep their place above
# it in a container; the sidebar's widgets are read from the session and drawn after the map.
figures = st.container()
view_values = widget_values("energy")
def pick(lat: float, lon: float) -> str | None:
    return nearest_feature(build_scene(a, "energy", view_values).facts.shown, lat, lon, max_deg=0.6)


pid = selection("energy", pick)
scene = build_scene(a, "energy", {**view_values, "sel": pid})
shown, values, lines_all = scene.facts.shown, scene.facts.values, scene.facts.lines_all
_, right = map_section(a, scene, pick=pick)
with st.sidebar:
    st.multiselect("Commodity", list(vocab.COMMODITY), format_func=vocab.COMMODITY.get, key="energy_commodity")
    st.multiselect("Status", list(vocab.ENERGY_STATUS), format_func=vocab.ENERGY_STATUS.get, key="energy_status")
    st.selectbox("Country view", ["", *a.focus_iso3()], format_func=lambda c: names[c] if c else "All countries",
                 key="energy_country")
    st.selectbox("Country indicator", indicators, format_func=vocab.INDICATOR.label, key="energy_indicator")
    find_box(a, "energy")
    basemap_select("energy")
    presentation_switch()
    story_picker(a)

with figures:
    metrics({"Links": f"{len(shown)} of {len(lines_all)}", "Computed km": f"{shown['length_km'].sum():,.0f}",
             "Operational": int((shown["status"] == "operational").sum())})
with right:
    if presenting():
        pass
    elif pid:
        show_card(a, energy_card(a, lines_all, pid))
    elif country := st.session_state.get("energy_country"):
        show_card(a, country_energy_card(a, shown, country))  # what the filters show, as the map
    else:
        st.caption("Click a line for its facts, or pick a country in the sidebar for everything that touches it.")

sources_panel(a, scene.sources)
if presenting():
    st.stop()

st.subheader("Totals for the links shown")
c1, c2 = st.columns(2)
c1.dataframe(for_readers(capacity_totals(shown), {"commodity": "Commodity", "links": "Links", "with_capacity": "With published capacity",
                                                 "total_capacity": "Total capacity", "capacity_unit": "Unit"},
                         {"commodity": vocab.COMMODITY}), hide_index=True, width="stretch")
c2.dataframe(for_readers(km_by_status(shown), {"status": "Status", "links": "Links", "km": "Computed km"},
                         {"status": vocab.ENERGY_STATUS}), hide_index=True, width="stretch")

st.subheader("Published and computed lengths")
st.dataframe(
    for_readers(lines_all, {"name": "Line", "status": "Status", "published_length_km": "Published km",
                            "length_km": "Computed km", "length_ratio": "Computed / published", "drawn_from": "Drawn from",
                            "waypoint_offset_km": "Farthest named point (km)"}, {"status": vocab.ENERGY_STATUS}, digits=3),
    hide_index=True, width="stretch",
)
st.dataframe(published_by_country(lines_all, names), hide_index=True, width="stretch")  # published and computed
st.caption(
    "A ratio under 0.9 means the line leaves out bends of the real route: the places the sources name are too few. "
    "A traced route (Global Energy Monitor, from operators' maps or OpenStreetMap) follows the bends; its named "
    "points are the cited places on the way, and their distance from the line cross-checks the two sources."
)
with st.expander(f"{vocab.INDICATOR.label(st.session_state['energy_indicator'])}: values and sources"):
    st.dataframe(for_readers(values.assign(country=values["iso3"].map(names)),
                             {"country": "Country", "value": "Value", "unit": "Unit", "year": "Year", "sources": "Sources"}),
                 hide_index=True, width="stretch")
download_buttons(lambda: export_frame(a, "energy", scene.facts.filters), layer="energy", filters=scene.facts.filters,
                 key="energy_export", label="Links shown")
