"""Transport: the Middle Corridor and its comparisons as a network to filter, measure and route on."""

import streamlit as st

from geo import transport as tr
from geo import vocab
from geo.cards import node_card, segment_card
from geo.export import export_frame
from geo.scenes import build_scene
from geo.text import for_readers
from geo.views import choices
from pages import _view as view
from pages._ui import atlas, download_buttons, map_section, md_escape, sources_panel
from pages._widgets import basemap_select, find_box, metrics, page_intro, show_card

CARGO_CHART = {  # what st.bar_chart draws, as its spec: altair builds and validates that on every run (~10 ms)
    "mark": {"type": "bar"}, "params": [{"name": "param_1", "select": {"type": "interval", "encodings": ["x", "y"]}, "bind": "scales"}],
    "encoding": {"tooltip": [{"field": "year", "type": "nominal", "title": "Year"},
                             {"field": "cargo_mt", "type": "quantitative", "title": "Cargo (million tonnes)"}],
                 "x": {"axis": {"grid": False}, "field": "year", "scale": {}, "title": "", "type": "ordinal"},
                 "y": {"axis": {"grid": True}, "field": "cargo_mt", "scale": {}, "title": "", "type": "quantitative"}}}
a = atlas()
view.begin("transport", a)
names, lines_all, nodes_all = a.country_names(), tr.route_lines(a), tr.node_points(a)
node_names = dict(zip(nodes_all["id"], nodes_all["name"]))

page_intro("Transport: the Middle Corridor as a network",
           "Segments are drawn through named waypoints and are approximate; lengths are geodesic (WGS84) through "
           "those points. Published lengths, where they exist, are shown beside them.")
# The map is sent first: everything the browser draws before it delays it. Containers keep the order on screen;
# the widgets are read from the session (set by the link or by the reader) and drawn after the map.
figures, planner_box = view.controls("figures"), view.controls("planner")
values = view.widget_values("transport")
def pick(lat: float, lon: float) -> str | None:  # on a click: the nearest of the segments and nodes on the map
    shown = build_scene(a, "transport", values).facts
    return tr.nearest_feature(shown.nodes, lat, lon, max_deg=0.35) or tr.nearest_feature(shown.segments, lat, lon, max_deg=0.6)


pid = view.selection("transport", pick)
scene = build_scene(a, "transport", {**values, "sel": pid})
facts = scene.facts
segments, plan = facts.segments, facts.plan
_, right = map_section(a, scene, pick=pick)
with st.sidebar:
    st.multiselect("Corridor", list(vocab.CORRIDOR), format_func=vocab.CORRIDOR.get, key="transport_corridor")
    st.multiselect("Mode", list(vocab.MODE), format_func=vocab.MODE.get, key="transport_mode")
    st.multiselect("Status", list(vocab.INFRA_STATUS), format_func=vocab.INFRA_STATUS.get, key="transport_status")
    st.multiselect("Crossing country (empty: all)", sorted(set(";".join(lines_all["countries"]).split(";")) - {""}, key=names.get),
                   format_func=lambda c: names.get(c, c), key="transport_iso3")
    if st.toggle("Air links between the region's cities", key="transport_air"):
        st.multiselect("Air links of (empty: all)", choices("transport", "city", a), key="transport_city")
    find_box(a, "transport")
    basemap_select("transport")
    view.presentation_switch()
    view.story_picker(a)

planner = planner_box.expander("Plan a route", expanded=bool(st.session_state.get("transport_plan_on")))
with planner:
    st.toggle("Plan a route and draw it on the map", key="transport_plan_on")
    ids, (c1, c2) = sorted(nodes_all["id"], key=node_names.get), st.columns(2)
    c1.selectbox("From", ids, format_func=node_names.get, key="transport_from")
    c2.selectbox("To", ids, format_func=node_names.get, key="transport_to")
    c3, c4, c5 = st.columns([2, 2, 1])
    c3.multiselect("Avoid countries", sorted(names, key=names.get), format_func=names.get, key="transport_avoid")
    c4.multiselect("Exclude modes", list(vocab.MODE), format_func=vocab.MODE.get, key="transport_exclude")
    c5.checkbox("Include lines not yet operational", key="transport_future")

    for notice in scene.notices:
        st.warning(md_escape(notice))
    if plan is not None:
        st.markdown(
            f"**{md_escape(node_names[plan.origin])} → {md_escape(node_names[plan.destination])}: {plan.total_km:,.0f} km** "
            f"in {len(plan.legs)} legs · countries: {md_escape(', '.join(names.get(c, c) for c in plan.countries))}"
        )
        if plan.border_crossings:
            st.markdown("Border crossings: " + md_escape("; ".join(plan.border_crossings)))
        if plan.sea_crossings:
            st.markdown("Sea crossings: " + md_escape("; ".join(plan.sea_crossings)))
        st.dataframe(for_readers(facts.legs, {"leg": "Leg", "name": "Segment", "mode": "Mode", "status": "Status", "start": "From",
                                              "end": "To", "length_km": "km", "km_by_country": "Km by country"},
                                 {"mode": vocab.MODE, "status": vocab.INFRA_STATUS}), hide_index=True, width="stretch")
with figures:
    metrics({"Segments": f"{len(segments)} of {len(lines_all)}", "Nodes": len(facts.nodes),
             "Rail km": f"{segments.loc[segments['mode'] == 'rail', 'length_km'].sum():,.0f}",
             "Sea and ferry km": f"{segments.loc[segments['mode'].isin(['ferry', 'sea']), 'length_km'].sum():,.0f}"})

with right:
    if pid:
        show_card(a, node_card(a, pid) if pid in set(nodes_all["id"]) else segment_card(a, lines_all, pid))
    st.caption("" if pid else "Click a segment or a node on the map, or find one, for its facts and sources.")

sources_panel(a, scene.sources)
if view.presenting():
    st.stop()

st.subheader("Measured: kilometres by corridor and by country")
tables = tr.view_tables(a, segments)  # remembered per set of segments: built once for each filter
st.dataframe(tables["corridors"], hide_index=True, width="stretch")
c1, c2 = st.columns(2)
c1.dataframe(tables["route km"], hide_index=True, width="stretch")
c2.dataframe(tables["lengths"], hide_index=True, width="stretch")
st.dataframe(tables["by country"], hide_index=True, width="stretch")  # published and computed km by country

st.subheader("Corridors compared")
st.dataframe(tables["journeys"], hide_index=True, width="stretch")
st.caption("Distances are shortest paths on this network; transit times are the published ranges cited in the data.")
st.markdown("**Cargo on the Trans-Caspian International Transport Route (million tonnes)**")
st.vega_lite_chart(tables["cargo by year"], CARGO_CHART, width="stretch", height=220)
with st.expander("Transit times and volumes with their sources"):
    st.dataframe(tables["transit times"], hide_index=True, width="stretch")
    st.dataframe(tables["volumes"], hide_index=True, width="stretch")
download_buttons(lambda: export_frame(a, "routes", facts.filters), layer="routes", filters=facts.filters,
                 key="transport_routes_export", label="Segments shown")
