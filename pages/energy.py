"""Energy: pipelines and power links across the Caspian over a choropleth of a country indicator."""

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import styles
from geo.energy import (
    COMMODITY_LABELS, INDICATOR_LABELS, capacity_totals, energy_lines, filter_energy, km_by_status, latest_indicator,
    links_of_country,
)
from geo.export import Filters, export_frame
from geo.maps import BASEMAPS, Legend, choropleth_layer, escape_text, line_layer, line_legend_items
from geo.measure import SEA, format_parts
from geo.memberships import focus_iso3
from geo.transport import nearest_feature
from pages._ui import (
    atlas, defaults, download_buttons, md_escape, map_section, source_links, sources_panel, view_downloads,
)
from pages._view import begin, finish, link_box, presentation_switch, presenting, selection, story_picker

a = atlas()
begin("energy", a)
names = a.country_names()
focus = focus_iso3(a)
lines_all = energy_lines(a)
statuses = list(styles.INFRA_STATUS_LABELS)
indicators = [i for i in INDICATOR_LABELS if i in set(a.indicators["indicator"])] + sorted(
    set(a.indicators["indicator"]) - set(INDICATOR_LABELS)
)

st.title("Energy: pipelines and power links across the Caspian")
st.caption(
    "Lines are drawn through named waypoints and are approximate; the geodesic length through them is shown beside "
    "the published length. Dashed lines are not operational."
)

defaults(energy_commodity=list(COMMODITY_LABELS), energy_status=statuses)
with st.sidebar:
    commodities = st.multiselect("Commodity", list(COMMODITY_LABELS), format_func=COMMODITY_LABELS.get, key="energy_commodity")
    chosen_status = st.multiselect("Status", statuses, format_func=styles.INFRA_STATUS_LABELS.get, key="energy_status")
    country = st.selectbox(
        "Country view", ["", *focus], format_func=lambda c: "All countries" if not c else names[c], key="energy_country"
    )
    indicator = st.selectbox(
        "Country indicator", indicators, format_func=lambda i: INDICATOR_LABELS.get(i, i), key="energy_indicator"
    )
    basemap = st.selectbox("Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key="energy_basemap")
    presentation_switch()
    story_picker(a)

shown = filter_energy(lines_all, commodity=commodities, status=chosen_status, iso3=[country] if country else [])
m1, m2, m3 = st.columns(3) if not presenting() else [st.empty() for _ in range(3)]
m1.metric("Links", f"{len(shown)} of {len(lines_all)}")
m2.metric("Computed km", f"{shown['length_km'].sum():,.0f}")
m3.metric("Operational", int((shown["status"] == "operational").sum()))

# The map's changing layer: indicator choropleth under the lines.
values = latest_indicator(a, indicator, focus)
unit = next((u for u in values["unit"] if u), "")
shapes = a.boundaries[a.boundaries["iso3"].isin(focus)][["iso3", "geometry"]].merge(values, on="iso3")
shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs="EPSG:4326")
shapes["tip"] = [
    f'<div class="atlas-tip"><b>{escape_text(names[r["iso3"]])}</b><br>'
    + (f"{r['value']:,.1f} {escape_text(r['unit'])} ({int(r['year'])})" if pd.notna(r["value"]) else "no data")
    + "</div>"
    for r in shapes.to_dict("records")
]
shown = shown.assign(
    tip=[
        f'<div class="atlas-tip"><b>{escape_text(r["name"])}</b><br>{escape_text(COMMODITY_LABELS[r["commodity"]])}, '
        f'{escape_text(styles.INFRA_STATUS_LABELS[r["status"]].lower())}; {r["length_km"]:,.0f} km (approximate)</div>'
        for r in shown.to_dict("records")
    ]
)
line_legend = line_legend_items(
    styles.COMMODITY_COLOURS, COMMODITY_LABELS, [s for s in statuses if s in set(shown["status"])], shown["commodity"]
)


def make_layer():
    layer = choropleth_layer(shapes, title=INDICATOR_LABELS.get(indicator, indicator), unit=unit)
    line_layer(shown, colour_column="commodity", colours=styles.COMMODITY_COLOURS, title="Links", fg=layer, weight=3.5)
    Legend("Pipelines and power links", line_legend).add_to(layer)
    return layer

clicked, right = map_section(a, "energy", make_layer, exclude_iso3=focus, basemap=basemap, fit_iso3=focus)
with right:
    pid = selection("energy", clicked, lambda lat, lon: nearest_feature(shown, lat, lon, max_deg=0.6))
    if presenting():
        pass
    elif pid:
        r = lines_all.set_index("id").loc[pid]
        st.subheader(r["name"])
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
            f"**Length: published {published} · computed {r['length_km']:,.0f} km** (geodesic through the waypoints)"
        )
        st.markdown("Km by country: " + md_escape(format_parts(r["km_by_country"], {**names, SEA: "sea"})))
        st.caption(f"Waypoints: {r['waypoints']}")
        if r["note"]:
            st.caption(r["note"])
        st.markdown(source_links(a, f"{r['sources']};{r['geometry_sources']}"))
    elif country:
        st.subheader(names[country])
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

sources_panel(a, ";".join([*shown["sources"], *shown["geometry_sources"], *values["sources"]]))
query = finish("energy")
if presenting():
    st.stop()
link_box("energy", query)
view_downloads(a, page="energy", query=query, layers={
    "energy": export_frame(a, "energy", Filters(commodity=tuple(commodities), status=tuple(chosen_status),
                                                iso3=(country,) if country else ())),
    "indicator": shapes.drop(columns="tip").assign(indicator=indicator),
})

st.subheader("Totals for the links shown")
c1, c2 = st.columns(2)
totals = capacity_totals(shown).assign(commodity=lambda f: f["commodity"].map(COMMODITY_LABELS))
c1.dataframe(totals.rename(columns={"commodity": "Commodity", "capacity_unit": "Unit", "links": "Links",
                                    "with_capacity": "With published capacity", "total_capacity": "Total capacity"}),
             hide_index=True, width="stretch")
c2.dataframe(km_by_status(shown).assign(status=lambda f: f["status"].map(styles.INFRA_STATUS_LABELS))
             .rename(columns={"status": "Status", "links": "Links", "km": "Computed km"}), hide_index=True, width="stretch")

st.subheader("Published and computed lengths")
ratios = lines_all[["name", "status", "published_length_km", "length_km", "length_ratio"]]
st.dataframe(
    ratios.rename(columns={"name": "Line", "status": "Status", "published_length_km": "Published km",
                           "length_km": "Computed km", "length_ratio": "Computed / published"}),
    hide_index=True, width="stretch",
)
st.caption("A ratio under 0.9 means the waypoints a source supports leave out bends of the real route.")

with st.expander(f"{INDICATOR_LABELS.get(indicator, indicator)}: values and sources"):
    shown_values = values.assign(
        country=values["iso3"].map(names),
        value=[f"{v:,.1f}" if pd.notna(v) else "no data" for v in values["value"]],
        year=[f"{int(y)}" if pd.notna(y) else "" for y in values["year"]],
    )
    st.dataframe(shown_values[["country", "value", "unit", "year", "sources"]], hide_index=True, width="stretch")

view_filter = Filters(commodity=tuple(commodities), status=tuple(chosen_status), iso3=(country,) if country else ())
download_buttons(lambda: export_frame(a, "energy", view_filter), layer="energy", filters=view_filter,
                 key="energy_export", label="Links shown")


