"""Membership: every focus country by its status in a chosen organisation on a chosen date; comparisons of
organisations; what a "5+3" platform would bring together; country profiles."""

import datetime as dt

import streamlit as st

from geo import compare as cmp
from geo.export import Filters, export_frame
from geo.maps import BASEMAPS, country_at
from geo.memberships import focus_iso3
from geo.scenes import build_scene
from geo.styles import COMPARE_STYLES, status_label
from pages._ui import (
    atlas, download_buttons, indicator_upload, indicator_value, md_escape, map_section, source_links, sources_panel, styled_statuses,
    view_downloads,
)
from pages._view import (
    begin, finish, link_box, presentation_switch, presenting, selection, story_picker, widget_values,
)

VIEWS = {"organisation": "One organisation", "compare": "Compare organisations", "5plus3": 'The "5+3" platform'}
TIMELINE_START = dt.date(1991, 1, 1)  # the focus states' independence; earlier events still count as of later dates

a = atlas()
begin("membership", a)
bodies = cmp.bodies_in_use(a)
short = dict(zip(bodies["id"], bodies["short_name"]))
full = dict(zip(bodies["id"], bodies["name"]))
names = a.country_names()
focus = focus_iso3(a)
today = dt.date.today()

st.title("Membership: who belongs where")

with st.sidebar:
    view = st.radio("View", list(VIEWS), format_func=VIEWS.get, key="membership_view")
    body = st.selectbox(
        "Organisation", bodies["id"].tolist(), format_func=lambda b: f"{short[b]} · {full[b]}", key="membership_body"
    )
    chosen = []
    if view == "compare":
        chosen = st.multiselect(
            "Organisations to compare", bodies["id"].tolist(), format_func=short.get, key="membership_compare",
        )
        st.radio(
            "Counts as taking part", list(cmp.COUNT_AS),
            format_func={"members": "Full members only", "any": "Any participation (observer, partner…)"}.get,
            key="membership_count_as",
        )
    st.selectbox("Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key="membership_basemap")
    mine = indicator_upload(a, "membership")
    presentation_switch()
    story_picker(a)

# The date: years and the exact dates of events, from the data.
dates = cmp.slider_dates(a, start=TIMELINE_START, end=today)
events = cmp.timeline(a, start=TIMELINE_START, end=today)
event_days = set(events["day"])
wanted = st.session_state.get("membership_date", dates[-1])
if wanted not in dates:  # a date from a link: the latest slider date on or before it
    st.session_state["membership_date"] = max((d for d in dates if d <= wanted), default=dates[0])
elif "membership_date" not in st.session_state:
    st.session_state["membership_date"] = dates[-1]


def _step(direction: int) -> None:
    current = st.session_state["membership_date"]
    marked = sorted(d for d in event_days if (d > current if direction > 0 else d < current))
    if marked:
        st.session_state["membership_date"] = marked[0] if direction > 0 else marked[-1]


def _label(day: dt.date) -> str:
    if day in event_days:
        return f"{day.isoformat()} ◆"
    return str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()


back, slider, forward = st.columns([1, 12, 1], vertical_alignment="bottom")
back.button("◀", key="membership_prev", help="Previous event", on_click=_step, args=(-1,))
with slider:
    as_of = st.select_slider(
        "Date (◆ marks a dated event in the data)", options=dates, format_func=_label, key="membership_date"
    )
forward.button("▶", key="membership_next", help="Next event", on_click=_step, args=(1,))
on_day = events[events["day"] == as_of]
if len(on_day):
    st.markdown("**On this date:** " + "; ".join(md_escape(x) for x in on_day["label"]))
else:
    before = events[events["day"] < as_of].tail(1)
    if len(before):
        st.caption(md_escape(f"Latest event before this date: {before['date'].iloc[0]}, {before['label'].iloc[0]}"))

scene = build_scene(a, "membership", widget_values("membership"), indicator=mine)
for notice in scene.notices:
    st.info(md_escape(notice))
shapes, comparison, coverage = scene.facts["shapes"], scene.facts.get("comparison"), scene.facts.get("coverage")
clicked, right = map_section(a, scene)

with right:
    if comparison is not None:
        st.subheader("Compared")
        listed = {
            "In all": comparison.in_all(),
            "In any": comparison.in_any(),
            **{f"Only in the {short[b]}": comparison.only_in(b) for b in chosen},
        }
        for label, codes in listed.items():
            st.markdown(f"**{md_escape(label)}:** {md_escape(', '.join(names[c] for c in codes) or 'none')}")
    elif view == "5plus3":
        best = coverage.iloc[0]
        eight = cmp.proposal_countries(a)
        st.subheader("The eight together?")
        if best["n_members"] == len(eight):
            st.markdown(f"The {md_escape(best['short_name'])} has all {len(eight)} as full members on this date.")
        else:
            st.markdown(
                f"No existing body has all {len(eight)} as full members on {as_of.isoformat()}. The closest, the "
                f"{md_escape(best['short_name'])}, has {best['n_members']} of {len(eight)}."
            )
        row = coverage.set_index("body").loc[body]
        st.markdown(
            f"**{md_escape(short[body])}** · members: {md_escape(row['members'] or 'none')} · "
            f"other status: {md_escape(row['other'] or 'none')} · left out: {md_escape(row['left_out'] or 'none')}"
        )
    else:
        st.subheader(md_escape(f"{short[body]} on {as_of.isoformat()}"))
        counts = shapes["status"].map(status_label).value_counts()
        st.dataframe(counts.rename_axis("Status").rename("Countries"), width="stretch")
    iso3 = selection("membership", clicked, lambda lat, lon: country_at(a.boundaries, lat, lon))
    if presenting():
        pass
    elif iso3 in focus:
        st.subheader(md_escape(names[iso3]))
        indicator_value(mine, iso3)
        record = cmp.country_memberships(a, iso3)
        st.dataframe(record.drop(columns=["note", "sources"]), hide_index=True, width="stretch")
        hosted = cmp.meetings_hosted(a, iso3)
        if len(hosted):
            st.markdown(
                "**Hosted:** "
                + "; ".join(md_escape(f"{'meeting ' + r['number'] if r['numbered'] == 'true' else 'preparatory meeting'}, "
                                      f"{r['date']}, {r['city']}") for r in hosted.to_dict("records"))
            )
        with st.expander("Notes and sources"):
            for r in record.to_dict("records"):
                if r["note"]:
                    st.markdown(f"- **{md_escape(r['body'])}**: {md_escape(r['note'])}")
            st.markdown(source_links(a, ";".join([*record["sources"], *hosted["sources"]])))
    elif iso3:
        st.caption(md_escape(f"{names.get(iso3, iso3)} is not one of the focus countries."))
    else:
        st.caption("Click a country on the map for its memberships over time, meetings hosted and sources.")

sources_panel(a, scene.sources)
query = finish("membership")
if presenting():
    st.stop()
link_box("membership", query)
view_downloads(a, page="membership", query=query, layers=scene.layers)

st.subheader(f"Membership matrix on {as_of.isoformat()}")
matrix = cmp.status_matrix(a, as_of)
body_cols = bodies["id"].tolist()
st.dataframe(
    styled_statuses(matrix, body_cols, {"iso3": "ISO3", "name": "Country", **short}),
    hide_index=True,
    width="stretch",
)
focus_filter = Filters(iso3=tuple(focus), as_of=as_of)
download_buttons(
    lambda: export_frame(a, "countries", focus_filter), layer="countries", filters=focus_filter,
    key="membership_matrix_export", label="Matrix with boundaries",
)

if comparison is not None:
    st.subheader("Comparison by country")
    table = comparison.table.assign(category=comparison.table["category"].map(lambda c: COMPARE_STYLES[c].label))
    st.dataframe(table.rename(columns={"iso3": "ISO3", "name": "Country", "bodies": "Takes part in", "count": "Count",
                                       "category": "Category"}), hide_index=True, width="stretch")
if view == "5plus3":
    st.subheader('What each body covers of the proposed "5+3"')
    st.dataframe(
        coverage.drop(columns=["body"]).rename(
            columns={"short_name": "Body", "members": "Full members", "other": "Other status", "left_out": "Left out",
                     "n_members": "Members of 8", "n_taking_part": "Taking part of 8"}
        ),
        hide_index=True,
        width="stretch",
    )
    proposal = a.bodies.set_index("id").loc["5plus3"]
    st.caption(md_escape(f"{proposal['name']}: {proposal['note']}"))

rows_filter = Filters(body=(body,), as_of=as_of)
download_buttons(
    lambda: export_frame(a, "memberships", rows_filter), layer="memberships", filters=rows_filter,
    key="membership_rows_export", label=f"{short[body]} rows in force",
)

with st.expander(f"Timeline: {len(events)} dated events from {TIMELINE_START.year} to today"):
    st.dataframe(events[["date", "label"]].rename(columns={"date": "Date", "label": "Event"}), hide_index=True, width="stretch")


