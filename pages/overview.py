"""Overview: the focus countries by their status in the Consultative Meetings on a chosen date, the venues,
and the C5 → C6 story told from the data."""

import datetime as dt

import pandas as pd
import streamlit as st

from geo.joins import countries_with_status
from geo.maps import BASEMAPS, add_venue_markers, country_at, status_layer
from geo.memberships import focus_iso3, meeting_venues, meetings_until, statuses_as_of, story_lines
from geo.styles import VENUE_COLOUR, status_label
from geo.export import Filters, export_frame
from pages._ui import atlas, defaults, md_escape, map_section, source_links, sources_panel, view_downloads
from pages._view import begin, finish, link_box, presentation_switch, presenting, selection, story_picker

BODY = "ca_consultative"

a = atlas()
begin("overview", a)
body_name = a.body_names().get(BODY, BODY)

st.title("C6 Atlas · Central Asia and the South Caucasus")
st.caption(f"Focus countries by their status in the {body_name} on the chosen date.")

defaults(overview_as_of=dt.date.today())
with st.sidebar:
    as_of = st.date_input(
        "As of",
        min_value=dt.date(2017, 1, 1),
        max_value=dt.date(2035, 12, 31),
        format="YYYY-MM-DD",
        key="overview_as_of",
    )
    basemap = st.selectbox(
        "Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key="overview_basemap"
    )
    presentation_switch()
    story_picker(a)

focus = focus_iso3(a)
shapes = countries_with_status(a, BODY, as_of)
meetings = meetings_until(a, as_of, body=BODY)
names = a.country_names()
venues = meeting_venues(meetings, names)


def make_layer():
    layer = status_layer(
        shapes,
        title=f"{a.bodies.set_index('id').at[BODY, 'short_name']}, {as_of.isoformat()}",
        extra_legend=[("Meeting venue (held by then)", VENUE_COLOUR, "dot")] if len(venues) else [],
    )
    return add_venue_markers(layer, venues)


clicked, right = map_section(a, "overview", make_layer, exclude_iso3=focus, basemap=basemap, fit_iso3=focus)
with right:
    st.subheader(f"The format on {as_of.isoformat()}")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in story_lines(a, as_of, body=BODY)))
    iso3 = selection("overview", clicked, lambda lat, lon: country_at(a.boundaries, lat, lon))
    if iso3 and not presenting():
        st.subheader(names.get(iso3, iso3))
        table = statuses_as_of(a, BODY, as_of, iso3=[iso3]).iloc[0]
        since = f" since {table['since']}" if table["since"] else ""
        st.markdown(f"**{md_escape(status_label(table['status']))}**{md_escape(since)} in the {md_escape(body_name)}.")
        rows = a.memberships[(a.memberships["iso3"] == iso3) & (a.memberships["body"] == BODY)]
        if len(rows):
            st.dataframe(
                rows[["status", "since", "until", "note", "sources"]].replace({"status": {"": "unknown"}}),
                hide_index=True,
                width="stretch",
            )
            st.markdown(source_links(a, ";".join(rows["sources"])))
    elif not presenting():
        st.caption("Click a country on the map for its record and sources.")

sources_panel(a, ";".join([*shapes["sources"], *(m.sources for m in meetings)]))
query = finish("overview")
if presenting():
    st.stop()
link_box("overview", query)
held = export_frame(a, "meetings", Filters(as_of=as_of))
view_downloads(a, page="overview", query=query, layers={"countries": shapes.drop(columns="tip"), "meetings": held})

st.subheader("Meetings held by the chosen date")
if meetings:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Meeting": m.number if m.numbered else "preparatory (not numbered)",
                    "Date": m.date,
                    "City": m.city,
                    "Host": names.get(m.host_iso3, m.host_iso3),
                    "Full participants": ", ".join(names.get(c, c) for c in m.participants),
                    "Guest states": ", ".join(names.get(c, c) for c in m.guest_states),
                    "Guests of honour": m.guests,
                    "Sources": m.sources,
                }
                for m in meetings
            ]
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("No meeting had been held by this date.")


