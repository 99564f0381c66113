"""Membership: every focus country by its status in a chosen organisation on a chosen date; comparisons of
organisations; what a "5+3" platform would bring together; country profiles."""

import datetime as dt

import streamlit as st

from geo import compare as cmp
from geo import vocab
from geo.export import Filters, export_frame
from geo.joins import country_at
from geo.scenes import build_scene
from geo.styles import COMPARE_STYLES, status_label
from geo.text import md_escape
from pages import _ui as ui
from pages import _view as view
from pages._play import play_bar, speed_choice, take_frame
from pages._widgets import basemap_select, event_date_slider, find_box, page_intro

TIMELINE_START = dt.date(1991, 1, 1)  # the focus states' independence; earlier events still count as of later dates

a = ui.atlas()
view.begin("membership", a)
bodies = a.bodies_with_members()
short, full = dict(zip(bodies["id"], bodies["short_name"])), dict(zip(bodies["id"], bodies["name"]))
names = a.country_names()

page_intro("Membership: who belongs where")

take_frame("membership", "membership_date")
with view.controls("date"):
    as_of, events = event_date_slider(a, "membership", start=TIMELINE_START)
def pick(lat: float, lon: float) -> str | None:
    return country_at(a.boundaries, lat, lon)


iso3, mine = view.selection("membership", pick), ui.indicator_held("membership")  # the sidebar comes after the map
view_name, body = st.session_state["membership_view"], st.session_state["membership_body"]
scene = build_scene(a, "membership", {**view.widget_values("membership"), "sel": iso3}, indicator=mine)
for notice in scene.notices:
    st.info(md_escape(notice))
facts = scene.facts
_, right = ui.map_section(a, scene, pick=pick, over_map=lambda: play_bar(a, "membership", date_key="membership_date", start=TIMELINE_START))
with st.sidebar:
    st.radio("View", list(vocab.MEMBERSHIP_VIEW), format_func=vocab.MEMBERSHIP_VIEW.get, key="membership_view")
    st.selectbox("Organisation", bodies["id"].tolist(), format_func=lambda b: f"{short[b]} · {full[b]}", key="membership_body")
    if view_name == "compare":
        st.multiselect("Organisations to compare", bodies["id"].tolist(), format_func=short.get, key="membership_compare")
        st.radio("Counts as taking part", list(vocab.COUNT_AS), format_func=vocab.COUNT_AS.get, key="membership_count_as")
    speed_choice("membership")
    find_box(a, "membership")
    basemap_select("membership")
    ui.indicator_upload(a, "membership")
    view.presentation_switch()
    view.story_picker(a)

with right:
    if facts.comparison is not None:
        st.subheader("Compared")
        listed = {"In all": facts.comparison.in_all(), "In any": facts.comparison.in_any(),
                  **{f"Only in the {short[b]}": facts.comparison.only_in(b) for b in facts.chosen}}
        for label, codes in listed.items():
            st.markdown(f"**{md_escape(label)}:** {md_escape(', '.join(names[c] for c in codes) or 'none')}")
    elif view_name == "5plus3":
        st.subheader("The eight together?")
        st.markdown(md_escape(cmp.coverage_sentence(a, facts.coverage, as_of)))
        row = facts.coverage.set_index("body").loc[body]
        st.markdown(f"**{md_escape(short[body])}** · members: {md_escape(row['members'] or 'none')} · "
                    f"other status: {md_escape(row['other'] or 'none')} · left out: {md_escape(row['left_out'] or 'none')}")
    else:
        st.subheader(md_escape(f"{short[body]} on {as_of.isoformat()}"))
        counts = facts.shapes["status"].map(status_label).value_counts()
        st.dataframe(counts.rename_axis("Status").rename("Countries"), width="stretch")
    if iso3 in a.focus_iso3():
        st.subheader(md_escape(names[iso3]))
        ui.indicator_value(mine, iso3)
        st.markdown(f"**Today ({dt.date.today().isoformat()})**")
        st.dataframe(cmp.memberships_today(a, iso3).rename(columns=str.capitalize), hide_index=True, width="stretch")
        record = cmp.country_memberships(a, iso3)
        st.markdown("**History**")
        st.dataframe(record.drop(columns=["note", "sources"]).rename(columns=str.capitalize), hide_index=True,
                     width="stretch")
        hosted = cmp.meetings_hosted(a, iso3)
        if len(hosted):
            st.markdown("**Hosted:** " + md_escape("; ".join(cmp.hosted_labels(hosted))))
        with st.expander("Notes and sources"):
            for r in record[record["note"] != ""].to_dict("records"):
                st.markdown(f"- **{md_escape(r['body'])}**: {md_escape(r['note'])}")
            st.markdown(ui.source_links(a, ";".join([*record["sources"], *hosted["sources"]])))
    elif iso3:
        st.caption(md_escape(f"{names.get(iso3, iso3)} is not one of the focus countries."))
    else:
        st.caption("Click a country on the map for its memberships over time, meetings hosted and sources.")

ui.sources_panel(a, scene.sources)
if view.presenting():
    st.stop()

st.subheader(f"Membership matrix on {as_of.isoformat()}")
st.dataframe(ui.styled_statuses(cmp.status_matrix(a, as_of), bodies["id"].tolist(), {"iso3": "ISO3", "name": "Country", **short}),
             hide_index=True, width="stretch")
focus_filter = Filters(iso3=tuple(a.focus_iso3()), as_of=as_of)
ui.download_buttons(lambda: export_frame(a, "countries", focus_filter), layer="countries", filters=focus_filter,
                 key="membership_matrix_export", label="Matrix with boundaries")
if facts.comparison is not None:
    st.subheader("Comparison by country")
    table = facts.comparison.table.assign(category=facts.comparison.table["category"].map(lambda c: COMPARE_STYLES[c].label))
    st.dataframe(table.rename(columns={"iso3": "ISO3", "name": "Country", "bodies": "Takes part in", "count": "Count",
                                       "category": "Category"}), hide_index=True, width="stretch")
if view_name == "5plus3":
    st.subheader('What each body covers of the proposed "5+3"')
    st.dataframe(facts.coverage.drop(columns=["body"]).rename(columns=cmp.COVERAGE_COLUMNS), hide_index=True, width="stretch")
    proposal = a.bodies.set_index("id").loc["5plus3"]
    st.caption(md_escape(f"{proposal['name']}: {proposal['note']}"))
rows_filter = Filters(body=(body,), as_of=as_of)
ui.download_buttons(lambda: export_frame(a, "memberships", rows_filter), layer="memberships", filters=rows_filter,
                 key="membership_rows_export", label=f"{short[body]} rows in force")
with st.expander(f"Timeline: {len(events)} dated events from {TIMELINE_START.year} to today"):
    st.dataframe(events[["date", "label"]].rename(columns={"date": "Date", "label": "Event"}), hide_index=True, width="stretch")
