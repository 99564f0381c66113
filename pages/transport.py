"""Transport: the Middle Corridor and its comparisons as a network to filter, measure and route on."""

import pandas as pd
import streamlit as st

from geo import styles
from geo.export import export_frame
from geo.lines import country_km_table
from geo.maps import BASEMAPS
from geo.measure import SEA, format_parts
from geo.scenes import build_scene
from geo.transport import (
    CORRIDOR_LABELS, MODE_LABELS, corridor_journeys, corridor_summary, named_route_lengths, nearest_feature,
    node_points, published_vs_computed, route_lines,
)
from pages._ui import atlas, download_buttons, md_escape, map_section, source_links, sources_panel, view_downloads
from pages._view import (
    begin, finish, link_box, presentation_switch, presenting, selection, story_picker, widget_values,
)

a = atlas()
begin("transport", a)
names = a.country_names()
lines_all = route_lines(a)
nodes_all = node_points(a)
node_names = dict(zip(nodes_all["id"], nodes_all["name"]))
statuses = list(styles.INFRA_STATUS_LABELS)[:4]

st.title("Transport: the Middle Corridor as a network")
st.caption(
    "Segments are drawn through named waypoints and are approximate; lengths are geodesic (WGS84) through those "
    "points. Published lengths, where they exist, are shown beside them."
)

with st.sidebar:
    st.multiselect("Corridor", list(CORRIDOR_LABELS), format_func=CORRIDOR_LABELS.get, key="transport_corridor")
    st.multiselect("Mode", list(MODE_LABELS), format_func=MODE_LABELS.get, key="transport_mode")
    st.multiselect("Status", statuses, format_func=styles.INFRA_STATUS_LABELS.get, key="transport_status")
    st.multiselect(
        "Crossing country (empty: all)", sorted(set(";".join(lines_all["countries"]).split(";")) - {""}, key=names.get),
        format_func=lambda c: names.get(c, c), key="transport_iso3",
    )
    st.toggle("Air links between the region's cities", key="transport_air")
    st.selectbox("Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key="transport_basemap")
    presentation_switch()
    story_picker(a)

# The planner's widgets come before the scene is built (they sit in an expander under the metrics).
metrics = st.container()
planner = st.expander("Plan a route", expanded=bool(st.session_state.get("transport_plan_on"))) if not presenting() else st.container()
with planner:
    st.toggle("Plan a route and draw it on the map", key="transport_plan_on")
    ids = sorted(nodes_all["id"], key=node_names.get)
    c1, c2 = st.columns(2)
    origin = c1.selectbox("From", ids, format_func=node_names.get, key="transport_from")
    destination = c2.selectbox("To", ids, format_func=node_names.get, key="transport_to")
    c3, c4, c5 = st.columns([2, 2, 1])
    c3.multiselect("Avoid countries", sorted(names, key=names.get), format_func=names.get, key="transport_avoid")
    c4.multiselect("Exclude modes", list(MODE_LABELS), format_func=MODE_LABELS.get, key="transport_exclude")
    c5.checkbox("Include lines not yet operational", key="transport_future")

scene = build_scene(a, "transport", widget_values("transport"))
segments, nodes, plan, legs = (scene.facts[k] for k in ("segments", "nodes", "plan", "legs"))
with planner:
    for notice in scene.notices:
        st.warning(md_escape(notice))
    if plan is not None:
        st.markdown(
            f"**{md_escape(node_names[origin])} → {md_escape(node_names[destination])}: {plan.total_km:,.0f} km** in "
            f"{len(plan.legs)} legs · countries: {md_escape(', '.join(names.get(c, c) for c in plan.countries))}"
        )
        if plan.border_crossings:
            st.markdown("Border crossings: " + md_escape("; ".join(plan.border_crossings)))
        if plan.sea_crossings:
            st.markdown("Sea crossings: " + md_escape("; ".join(plan.sea_crossings)))
        st.dataframe(legs.drop(columns="geometry"), hide_index=True, width="stretch")

m1, m2, m3, m4 = metrics.columns(4) if not presenting() else [st.empty() for _ in range(4)]
m1.metric("Segments", f"{len(segments)} of {len(lines_all)}")
m2.metric("Nodes", len(nodes))
m3.metric("Rail km", f"{segments.loc[segments['mode'] == 'rail', 'length_km'].sum():,.0f}")
m4.metric("Sea and ferry km", f"{segments.loc[segments['mode'].isin(['ferry', 'sea']), 'length_km'].sum():,.0f}")


def _pick(lat: float, lon: float) -> str | None:
    return nearest_feature(nodes, lat, lon, max_deg=0.35) or nearest_feature(segments, lat, lon, max_deg=0.6)


clicked, right = map_section(a, scene)
with right:
    pid = selection("transport", clicked, _pick)
    if presenting():
        pass
    elif pid:
        if pid in set(nodes_all["id"]):
            r = nodes_all.set_index("id").loc[pid]
            st.subheader(md_escape(r["name"]))
            st.markdown(
                f"{md_escape(styles.NODE_LABELS[r['kind']])} in {md_escape(names.get(r['iso3'], r['iso3']))} · "
                f"{md_escape(styles.INFRA_STATUS_LABELS[r['status']])}"
                + (f" · opened {md_escape(r['opened'])}" if r["opened"] else "")
                + (f" · capacity {r['capacity']:,g} {md_escape(r['capacity_unit'])}" if pd.notna(r["capacity"]) else " · capacity unknown")
            )
            if r["note"]:
                st.caption(md_escape(r["note"]))
            st.markdown(source_links(a, r["sources"]))
        else:
            r = lines_all.set_index("id").loc[pid]
            st.subheader(md_escape(r["name"]))
            published = f"{r['published_length_km']:,.1f} km" if pd.notna(r["published_length_km"]) else "none"
            st.markdown(
                f"{md_escape(MODE_LABELS[r['mode']])} · {md_escape(CORRIDOR_LABELS[r['corridor']])} · "
                f"{md_escape(styles.INFRA_STATUS_LABELS[r['status']])}"
                + (f" · opened {md_escape(r['opened'])}" if r["opened"] else "")
                + (f" · capacity {r['capacity']:,g} {md_escape(r['capacity_unit'])}" if pd.notna(r["capacity"]) else " · capacity unknown")
            )
            st.markdown(
                f"**Geodesic length {r['length_km']:,.0f} km** (approximate, through the waypoints) · published: {published}"
            )
            st.markdown("Km by country: " + md_escape(format_parts(r["km_by_country"], {**names, SEA: "sea"})))
            st.caption(md_escape(f"Waypoints: {r['waypoints']}"))
            if r["note"]:
                st.caption(md_escape(r["note"]))
            st.markdown(source_links(a, f"{r['sources']};{r['geometry_sources']}"))
    else:
        st.caption("Click a segment or a node on the map for its facts and sources.")

sources_panel(a, scene.sources)
query = finish("transport")
if presenting():
    st.stop()
link_box("transport", query)
view_downloads(a, page="transport", query=query, layers=scene.layers)

st.subheader("Measured: kilometres by corridor and by country")
summary = corridor_summary(segments).assign(corridor=lambda f: f["corridor"].map(CORRIDOR_LABELS))
st.dataframe(summary, hide_index=True, width="stretch")
by_country = country_km_table(segments, names)
pivot = by_country.groupby("country", as_index=False)["km"].sum().sort_values("km", ascending=False)
c1, c2 = st.columns(2)
c1.dataframe(pivot.rename(columns={"country": "Country", "km": "Route km"}).round(0), hide_index=True, width="stretch")
published = pd.concat(
    [published_vs_computed(segments).assign(kind="segment"),
     named_route_lengths(a)[["id", "name", "published_length_km", "length_km", "length_ratio"]].assign(kind="named route")]
)
c2.dataframe(
    published.rename(columns={"name": "Line", "published_length_km": "Published km", "length_km": "Computed km",
                              "length_ratio": "Computed / published"}).drop(columns=["id"]),
    hide_index=True, width="stretch",
)

st.subheader("Corridors compared")
st.dataframe(corridor_journeys(a), hide_index=True, width="stretch")
st.caption("Distances are shortest paths on this network; transit times are the published ranges cited in the data.")
volumes = a.titr_volumes.dropna(subset=["cargo_mt"]).assign(year=lambda f: f["year"].astype(int).astype(str))
st.markdown("**Cargo on the Trans-Caspian International Transport Route (million tonnes)**")
st.bar_chart(volumes.set_index("year")["cargo_mt"], height=220)
with st.expander("Transit times and volumes with their sources"):
    st.dataframe(a.transit_times, hide_index=True, width="stretch")
    st.dataframe(a.titr_volumes, hide_index=True, width="stretch")

view_filter = scene.facts["filters"]
download_buttons(lambda: export_frame(a, "routes", view_filter), layer="routes", filters=view_filter,
                 key="transport_routes_export", label="Segments shown")


