"""Overview: the focus countries by their status in the Consultative Meetings on a chosen date, the venues,
and the C5 → C6 story told from the data."""

import datetime as dt

import pandas as pd
import streamlit as st

from geo import vocab
from geo.joins import country_at
from geo.memberships import statuses_as_of, story_lines
from geo.scenes import build_scene
from geo.styles import status_label
from geo.text import for_readers
from geo.views import CONSULTATIVE as BODY
from pages._play import play_bar, speed_choice, take_frame
from pages._ui import (
    atlas,
    indicator_held,
    indicator_upload,
    indicator_value,
    map_section,
    md_escape,
    source_links,
    sources_panel,
)
from pages._view import begin, presentation_switch, presenting, selection, story_picker, widget_values
from pages._widgets import basemap_select, find_box, page_intro

a = atlas()
begin("overview", a)
body_name = a.body_names().get(BODY, BODY)

take_frame("overview", "overview_as_of")
# The map is sent before the sidebar: the widgets' values are read from the session (set by the link or the reader).
as_of, mine = widget_values("overview")["date"], indicator_held("overview")
shown = (f"Countries by your indicator \u201c{mine.attrs.get('name')}\u201d (uploaded) and the meeting venues"
         if mine is not None else f"Focus countries by their status in the {body_name}")
page_intro("C6 Atlas · Central Asia and the South Caucasus", f"{shown} on the chosen date.")

names = a.country_names()
def pick(lat: float, lon: float) -> str | None:
    return country_at(a.boundaries, lat, lon)


iso3 = selection("overview", pick)
scene = build_scene(a, "overview", {**widget_values("overview"), "sel": iso3}, indicator=mine)
meetings = scene.facts.meetings

_, right = map_section(a, scene, pick=pick, over_map=lambda: play_bar(a, "overview", date_key="overview_as_of"))
with st.sidebar:
    st.date_input("As of", min_value=dt.date(2017, 1, 1), max_value=dt.date(2035, 12, 31), format="YYYY-MM-DD",
                  key="overview_as_of")
    speed_choice("overview")
    find_box(a, "overview")
    basemap_select("overview")
    indicator_upload(a, "overview")
    presentation_switch()
    story_picker(a)
with right:
    st.subheader(f"The format on {as_of.isoformat()}")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in story_lines(a, as_of, body=BODY)))
    if iso3 and not presenting():
        st.subheader(md_escape(names.get(iso3, iso3)))
        table = statuses_as_of(a, BODY, as_of, iso3=[iso3]).iloc[0]
        since = f" since {table['since']}" if table["since"] else ""
        st.markdown(f"**{md_escape(status_label(table['status']))}**{md_escape(since)} in the {md_escape(body_name)}.")
        indicator_value(mine, iso3)
        rows = a.memberships[(a.memberships["iso3"] == iso3) & (a.memberships["body"] == BODY)]
        if len(rows):
            st.dataframe(for_readers(rows, {"status": "Status", "since": "Since", "until": "Until", "note": "Note",
                                            "sources": "Sources"}, {"status": vocab.STATUS_DISPLAY}),
                         hide_index=True, width="stretch")
            st.markdown(source_links(a, ";".join(rows["sources"])))
    elif not presenting():
        st.caption("Click a country on the map for its record and sources.")

sources_panel(a, scene.sources)
if presenting():
    st.stop()

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


