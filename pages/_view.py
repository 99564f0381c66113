"""The page edge of permalinks, presentation mode and story steps (one implementation for every page).

A page calls `begin(page, atlas)` before its widgets and `finish(page)` after them. `begin` applies the URL's
query string to the widgets whenever it changed from outside (a link opened, a story step), shows notices about
parameters it ignored, and in presentation mode hides the sidebar and enlarges the page; `finish` writes the
page's current state back into the URL, so the address bar always holds a link to what is on screen.
"""

from __future__ import annotations

import datetime as dt
import uuid

import streamlit as st

from geo.load import Atlas
from geo.text import md_escape
from geo.views import PAGES, format_view, page_defaults, page_params, parse_view


def _query_now() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def begin(page: str, atlas: Atlas) -> None:
    """Apply the URL to the page's widgets on the page's first run in the session (a link opened) or when an
    in-app link brought a new ``nav`` token (a story step); set up presentation and stories.

    Any other run keeps the widgets as the reader left them: the URL a rerun carries can lag one run behind what
    `finish` wrote, and re-applying it would undo the reader's last change.
    """
    query = _query_now()
    token = (query.get("nav") or [""])[0]
    consumed = st.session_state.setdefault("_nav_tokens", set())
    first = f"_url_seen_{page}" not in st.session_state
    st.session_state[f"_url_seen_{page}"] = True
    if query and (first or (token and token not in consumed)):
        consumed.add(token)
        view = parse_view(page, query, atlas)
        for param in page_params(page):
            if param.name in view.values and param.key:
                st.session_state[param.key] = view.values[param.name]
        if {"lat", "lon", "z"} <= view.values.keys():
            st.session_state[f"_view_{page}"] = (view.values["lat"], view.values["lon"], view.values["z"])
        if "sel" in view.values:
            st.session_state[f"_sel_{page}"] = view.values["sel"]
        st.session_state["present"] = bool(view.values.get("present", False))
        if "story" in view.values:
            st.session_state["_story"] = (view.values["story"], int(view.values["step"]))
        else:
            st.session_state.pop("_story", None)
        st.session_state[f"_notices_{page}"] = view.notices
    start = page_defaults(page, atlas)
    for param in page_params(page):  # widgets start from the page's defaults (never from value=/default=)
        if param.key and param.name in start:
            st.session_state.setdefault(param.key, start[param.name])
    for notice in st.session_state.get(f"_notices_{page}", []):
        st.caption(md_escape(f"Link: {notice}."))
    if presenting():
        _presentation_css()
        if st.button("Exit presentation", key=f"{page}_exit_present", help="Show the sidebar and controls again"):
            st.session_state["present"] = False
            st.rerun()
    _story_bar(page, atlas)


def presenting() -> bool:
    """True in presentation mode (URL ``present=1`` or the sidebar switch)."""
    return bool(st.session_state.get("present", False))


def presentation_switch() -> None:
    """The sidebar switch for presentation mode (every page calls it inside its sidebar)."""
    st.toggle("Presentation mode", key="present", help="Hide controls, give the map the screen, enlarge text")


def _presentation_css() -> None:
    st.html(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
        .block-container, [data-testid="stMainBlockContainer"] {padding-top: 1rem; max-width: 100%;}
        h1 {font-size: 2.6rem !important;}
        [data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] p {font-size: 1.15rem;}
        </style>"""
    )


def initial_view(page: str) -> tuple[list[float] | None, float | None]:
    """Return (center [lat, lon], zoom) to open the map at, if the URL gave one; else (None, None)."""
    view = st.session_state.get(f"_view_{page}")
    return ([view[0], view[1]], view[2]) if view else (None, None)


def remember_view(page: str, returned: dict) -> None:
    """Keep the map's current centre and zoom (from streamlit-folium's return value) for the URL."""
    center, zoom = returned.get("center"), returned.get("zoom")
    if center and zoom is not None:
        st.session_state[f"_current_view_{page}"] = (float(center["lat"]), float(center["lng"]), float(zoom))


def current_view(page: str) -> tuple[float, float, float] | None:
    """Return the map's view (lat, lon, zoom) as the reader left it, else as the link opened it, else None."""
    return st.session_state.get(f"_current_view_{page}") or st.session_state.get(f"_view_{page}")


def selection(page: str, returned: dict, pick) -> str | None:
    """Return the selected id: from a new click (resolved by `pick(lat, lon)`), else as kept (or from the URL)."""
    point = (returned or {}).get("last_object_clicked") or {}
    click = (point.get("lat"), point.get("lng")) if {"lat", "lng"} <= point.keys() else None
    if click and click != st.session_state.get(f"_click_{page}"):
        st.session_state[f"_click_{page}"] = click
        st.session_state[f"_sel_{page}"] = pick(*click)
    return st.session_state.get(f"_sel_{page}")


def widget_values(page: str) -> dict[str, object]:
    """Return the page's widget values by URL parameter name (`geo.views`), as `geo.scenes.build_scene` takes."""
    values: dict[str, object] = {}
    for param in page_params(page):
        if param.key and param.key in st.session_state:
            value = st.session_state[param.key]
            if isinstance(value, dt.datetime):
                value = value.date()
            values[param.name] = value
    return values


def finish(page: str) -> str:
    """Write the page's state into the URL; return the query string (without ``?``)."""
    values = widget_values(page)
    view = current_view(page)
    if view:
        values.update(lat=round(view[0], 4), lon=round(view[1], 4), z=view[2])
    if st.session_state.get(f"_sel_{page}"):
        values["sel"] = st.session_state[f"_sel_{page}"]
    if presenting():
        values["present"] = True
    story = st.session_state.get("_story")
    if story:
        values.update(story=story[0], step=story[1])
    query = format_view(page, values)
    st.query_params.from_dict(dict(_pairs(query)))
    return query


def _pairs(query: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def link_box(page: str, query: str) -> None:
    """Show the link to this view, with Streamlit's copy button."""
    url = (st.context.url or "").split("?")[0]
    root = url.rstrip("/")
    for name in PAGES:
        if root.endswith(f"/{name}"):
            root = root[: -len(name) - 1]
    base = f"{root}/{PAGES[page].path}"
    with st.expander("Link to this view"):
        st.code(f"{base}?{query}", language=None, wrap_lines=True)
        st.caption("Opening the link restores this view: filters, date, selection, map centre and zoom, basemap.")


def _story_bar(page: str, atlas: Atlas) -> None:
    story = st.session_state.get("_story")
    if not story:
        return
    steps = atlas.stories[atlas.stories["story"] == story[0]].assign(_n=lambda f: f["step"].astype(int)).sort_values("_n")
    numbers = steps["_n"].tolist()
    if story[1] not in numbers:
        return
    row = steps[steps["_n"] == story[1]].iloc[0]
    index = numbers.index(story[1])
    back, text, forward = st.columns([1, 10, 1], vertical_alignment="center")
    with back:
        if index > 0:
            step_link(atlas, story[0], numbers[index - 1], "◀ Back")
    text.markdown(f"**Step {index + 1} of {len(numbers)} · {md_escape(row['title'])}**  \n{md_escape(row['caption'])}")
    with forward:
        if index < len(numbers) - 1:
            step_link(atlas, story[0], numbers[index + 1], "Next ▶")


def step_query(atlas: Atlas, story: str, step: int) -> tuple[str, dict[str, str]]:
    """Return (page file, query parameters) of a story step, keeping presentation mode."""
    steps = atlas.stories[(atlas.stories["story"] == story) & (atlas.stories["step"].astype(int) == step)]
    row = steps.iloc[0]
    params = dict(_pairs(row["query"]))
    params.update(story=story, step=str(step), nav=uuid.uuid4().hex[:12])
    if presenting():
        params["present"] = "1"
    return PAGES[row["page"]].file, params


def step_link(atlas: Atlas, story: str, step: int, label: str) -> None:
    """A link to a story step: a real link, so it works with the keyboard and its address is the step's
    permalink."""
    page_file, params = step_query(atlas, story, step)
    st.page_link(page_file, label=label, query_params=params)


def story_picker(atlas: Atlas) -> None:
    """Sidebar links that start each story."""
    stories = sorted(set(atlas.stories["story"]))
    if not stories:
        return
    st.markdown("**Stories**")
    for story in stories:
        steps = atlas.stories[atlas.stories["story"] == story].assign(_n=lambda f: f["step"].astype(int)).sort_values("_n")
        step_link(atlas, story, int(steps["_n"].iloc[0]), f"{story}: {steps['title'].iloc[0]} ({len(steps)} steps)")

