"""Energy: pipelines and power links across the Caspian over a choropleth of a country indicator."""

import pandas as pd
import streamlit as st

from geo import styles
from geo.energy import COMMODITY_LABELS, INDICATOR_LABELS, capacity_totals, km_by_status, links_of_country
from geo.export import export_frame
from geo.lines import THROUGH_WAYPOINTS
from geo.maps import BASEMAPS
from geo.measure import SEA, format_parts
from geo.memberships import focus_iso3
from geo.scenes import build_scene
from geo.transport import nearest_feature
from pages._ui import atlas, download_buttons, md_escape, map_section, source_links, sources_panel, view_downloads
from pages._view import (
    begin, finish, link_box, presentation_switch, presenting, selection, story_picker, widget_values,
)

a = atlas()
begin("energy", a)
names = a.country_names()
focus = focus_iso3(a)
statuses = list(styles.INFRA_STATUS_LABELS)
indicators = [i for i in INDICATOR_LABELS if i in set(a.indicators["indicator"])] + sorted(
    set(a.indicators["indicator"]) - set(INDICATOR_LABELS)
)

st.title("Energy: pipelines and power links across the Caspian")
st.caption(
    "Lines follow a published trace of the route where there is one, otherwise named waypoints; either way they are "
    "approximate, and the geodesic length of the drawn line is shown beside the published length. Dashed lines are "
    "not operational."
)

with st.sidebar:
    st.multiselect("Commodity", list(COMMODITY_LABELS), format_func=COMMODITY_LABELS.get, key="energy_commodity")
    st.multiselect("Status", statuses, format_func=styles.INFRA_STATUS_LABELS.get, key="energy_status")
    country = st.selectbox(
        "Country view", ["", *focus], format_func=lambda c: "All countries" if not c else names[c], key="energy_country"
    )
    indicator = st.selectbox(
        "Country indicator", indicators, format_func=lambda i: INDICATOR_LABELS.get(i, i), key="energy_indicator"
    )
    st.selectbox("Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key="energy_basemap")
    presentation_switch()
    story_picker(a)

scene = build_scene(a, "energy", widget_values("energy"))
shown, values, lines_all = scene.facts["shown"], scene.facts["values"], scene.facts["lines_all"]
m1, m2, m3 = st.columns(3) if not presenting() else [st.empty() for _ in range(3)]
m1.metric("Links", f"{len(shown)} of {len(lines_all)}")
m2.metric("Computed km", f"{shown['length_km'].sum():,.0f}")
m3.metric("Operational", int((shown["status"] == "operational").sum()))

clicked, right = map_section(a, scene)
with right:
    pid = selection("energy", clicked, lambda lat, lon: nearest_feature(shown, lat, lon, max_deg=0.6))
    if presenting():
        pass
    elif pid:
        r = lines_all.set_index("id").loc[pid]
        st.subheader(md_escape(r["name"]))
        st.markdown(
            f"{md_escape(COMMODITY_LABELS[r['commodity']])} {md_escape(r['kind'].replace('_', ' '))} · "
            f"{md_escape(styles.INFRA_STATUS_LABELS[r['status']])}"
            + (f" · opened {md_escape(r['opened'])}" if r["opened"] else "")
            + (f" · agreement {md_escape(r['agreement_date'])}" if r["agreement_date"] else "")
        )
        capacity = f"{r['capacity']:,g} {r['capacity_unit']}" if pd.notna(r["capacity"]) else "unknown"
        published = f"{r['published_length_km']:,.0f} km" if pd.notna(r["published_length_km"]) else "none"
        st.markdown(
            f"Capacity: {md_escape(capacity)} · operator: {md_escape(r['operator'] or 'unknown')}  \n"
            f"**Length: published {published} · computed {r['length_km']:,.0f} km** (geodesic along the drawn line)"
        )
        st.markdown("Km by country: " + md_escape(format_parts(r["km_by_country"], {**names, SEA: "sea"})))
        if r["drawn_from"] == THROUGH_WAYPOINTS:
            st.caption(md_escape(f"Drawn through the named waypoints: {r['waypoints']}"))
        else:
            st.caption(md_escape(
                f"Drawn along a {r['drawn_from']}. Named points on the way: {r['waypoints']} (the farthest lies "
                f"{r['waypoint_offset_km']:,.1f} km from the drawn line)."))
        if r["note"]:
            st.caption(md_escape(r["note"]))
        st.markdown(source_links(a, f"{r['sources']};{r['geometry_sources']}"))
    elif country:
        st.subheader(md_escape(names[country]))
        touching = links_of_country(lines_all, country)
        now = touching[touching["status"] == "operational"]
        future = touching[touching["status"] != "operational"]
        st.markdown("**Operational:** " + md_escape(", ".join(now["name"]) or "none"))
        st.markdown("**Not yet operational:** " + md_escape(
            ", ".join(f"{n} ({styles.INFRA_STATUS_LABELS[s].lower()})" for n, s in zip(future["name"], future["status"])) or "none"))
        reach_now = {c for cell in now["countries"] for c in cell.split(";") if c} - {country}
        reach_all = {c for cell in touching["countries"] for c in cell.split(";") if c} - {country}
        added = sorted(reach_all - reach_now, key=lambda c: names.get(c, c))
        st.markdown(
            "**If the links not yet operational were built**, they would add direct connections to: "
            + md_escape(", ".join(names.get(c, c) for c in added) or "no new country")
        )
    else:
        st.caption("Click a line for its facts, or pick a country in the sidebar for everything that touches it.")

sources_panel(a, scene.sources)
query = finish("energy")
if presenting():
    st.stop()
link_box("energy", query)
view_downloads(a, page="energy", query=query, layers=scene.layers)

st.subheader("Totals for the links shown")
c1, c2 = st.columns(2)
totals = capacity_totals(shown).assign(commodity=lambda f: f["commodity"].map(COMMODITY_LABELS))
c1.dataframe(totals.rename(columns={"commodity": "Commodity", "capacity_unit": "Unit", "links": "Links",
                                    "with_capacity": "With published capacity", "total_capacity": "Total capacity"}),
             hide_index=True, width="stretch")
c2.dataframe(km_by_status(shown).assign(status=lambda f: f["status"].map(styles.INFRA_STATUS_LABELS))
             .rename(columns={"status": "Status", "links": "Links", "km": "Computed km"}), hide_index=True, width="stretch")

st.subheader("Published and computed lengths")
ratios = lines_all[["name", "status", "published_length_km", "length_km", "length_ratio", "waypoint_offset_km",
                    "drawn_from"]]
st.dataframe(
    ratios.rename(columns={"name": "Line", "status": "Status", "published_length_km": "Published km",
                           "length_km": "Computed km", "length_ratio": "Computed / published", "drawn_from": "Drawn from",
                           "waypoint_offset_km": "Farthest named point (km)"}),
    hide_index=True, width="stretch",
)
st.caption(
    "A ratio under 0.9 means the line leaves out bends of the real route: the places the sources name are too few. "
    "A traced route (Global Energy Monitor, from operators' maps or OpenStreetMap) follows the bends; its named "
    "points are the cited places on the way, and their distance from the line cross-checks the two sources."
)

with st.expander(f"{INDICATOR_LABELS.get(indicator, indicator)}: values and sources"):
    shown_values = values.assign(
        country=values["iso3"].map(names),
        value=[f"{v:,.1f}" if pd.notna(v) else "no data" for v in values["value"]],
        year=[f"{int(y)}" if pd.notna(y) else "" for y in values["year"]],
    )
    st.dataframe(shown_values[["country", "value", "unit", "year", "sources"]], hide_index=True, width="stretch")

view_filter = scene.facts["filters"]
download_buttons(lambda: export_frame(a, "energy", view_filter), layer="energy", filters=view_filter,
                 key="energy_export", label="Links shown")


