"""Widgets and layouts several pages share: the basemap choice, the event date slider, figures above the map,
and the card of a selected thing. Streamlit only; what they show comes from `geo`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo import compare as cmp
from geo.basemaps import BASEMAPS
from geo.cards import Card
from geo.load import Atlas
from geo.text import md_escape
from pages._ui import source_links
from pages._view import presenting


def basemap_select(page: str) -> None:
    """The sidebar's basemap choice (every page has one)."""
    st.selectbox("Basemap", list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label, key=f"{page}_basemap")


def show_card(a: Atlas, card: Card) -> None:
    """Lay out a `geo.cards.Card`: title, bold lead, lines (labels in bold), its table, captions, sources; all
    escaped (the table is a dataframe, never HTML)."""
    st.subheader(md_escape(card.title))
    lines = [f"**{md_escape(label)}:** {md_escape(text)}" if label else md_escape(text) for label, text in card.lines]
    if card.lead:
        lines.insert(min(1, len(lines)), f"**{md_escape(card.lead)}**")
    for line in lines:
        st.markdown(line)
    if card.table is not None:
        st.dataframe(card.table, hide_index=True, width="stretch")
    for caption in card.captions:
        st.caption(md_escape(caption))
    if card.sources:
        st.markdown(source_links(a, card.sources))


def metrics(values: dict[str, object]) -> None:
    """A row of figures above the map (left out in presentation mode)."""
    if presenting():
        return
    for col, (label, value) in zip(st.columns(len(values)), values.items()):
        col.metric(label, value)


def event_date_slider(a: Atlas, page: str, *, start: dt.date) -> tuple[dt.date, pd.DataFrame]:
    """A date slider over 1 January of each year and the exact dates of the data's events (◆), with ◀ ▶ to step
    from event to event, and the event of the day (or the latest before) under it. Returns (the date, the
    events from `start` to today). Widget keys: ``<page>_date``, ``<page>_prev``, ``<page>_next``."""
    key = f"{page}_date"
    today = dt.date.today()
    dates = cmp.slider_dates(a, start=start, end=today)
    events = cmp.timeline(a, start=start, end=today)
    event_days = set(events["day"])
    wanted = st.session_state.get(key, dates[-1])
    if wanted not in dates:  # a date from a link: the latest slider date on or before it
        st.session_state[key] = max((d for d in dates if d <= wanted), default=dates[0])

    def step(direction: int) -> None:
        current = st.session_state[key]
        marked = sorted(d for d in event_days if (d > current if direction > 0 else d < current))
        if marked:
            st.session_state[key] = marked[0] if direction > 0 else marked[-1]

    def label(day: dt.date) -> str:
        if day in event_days:
            return f"{day.isoformat()} ◆"
        return str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()

    back, slider, forward = st.columns([1, 12, 1], vertical_alignment="bottom")
    back.button("◀", key=f"{page}_prev", help="Previous event", on_click=step, args=(-1,))
    with slider:
        as_of = st.select_slider("Date (◆ marks a dated event in the data)", options=dates, format_func=label, key=key)
    forward.button("▶", key=f"{page}_next", help="Next event", on_click=step, args=(1,))
    on_day = events[events["day"] == as_of]
    if len(on_day):
        st.markdown("**On this date:** " + "; ".join(md_escape(x) for x in on_day["label"]))
    else:
        before = events[events["day"] < as_of].tail(1)
        if len(before):
            st.caption(md_escape(f"Latest event before this date: {before['date'].iloc[0]}, {before['label'].iloc[0]}"))
    return as_of, events


def page_intro(title: str, caption: str = "") -> None:
    """The page's title, and under it (not in presentation mode) a caption saying how to read the map."""
    st.title(title)
    if caption and not presenting():
        st.caption(md_escape(caption))


def find_box(a: Atlas, page: str) -> None:
    """One box that finds a country, place, line or organisation by any of its names and selects it (the selection
    and the map's new centre and zoom go into the view's link)."""
    from geo.search import search_targets
    from geo.views import page_params

    targets = search_targets(a, page)
    keys = {p.name: p.key for p in page_params(page)}

    def chosen() -> None:
        index = st.session_state.get(f"{page}_find")
        if index is None:
            return
        target = targets[index]
        if target.param == "sel":
            st.session_state[f"_sel_{page}"] = target.value
        elif keys.get(target.param):
            st.session_state[keys[target.param]] = target.value
        if target.lat is not None:
            st.session_state[f"_view_{page}"] = (target.lat, target.lon, target.zoom)
            st.session_state.pop(f"_current_view_{page}", None)
        st.session_state[f"{page}_find"] = None  # ready for the next search

    st.selectbox("Find", range(len(targets)), index=None, format_func=lambda i: targets[i].label, key=f"{page}_find",
                 placeholder="A country, place, line or organisation", on_change=chosen,
                 help="Type any part of a name; choosing selects it and the map goes there")
