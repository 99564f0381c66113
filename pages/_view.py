"""The page edge of permalinks, presentation mode and story steps (one implementation for every page).

A page calls `begin(page, atlas)` before its widgets and `finish(page)` after them. `begin` applies the URL's
query string to the widgets whenever it changed from outside (a link opened, a story step), shows notices about
parameters it ignored, and in presentation mode hides the sidebar and enlarges the page; `finish` writes the
page's current state back into the URL, so the address bar always holds a link to what is on screen.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import streamlit as st

from geo.load import Atlas
from geo.stories import story_steps, story_titles
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
    if first:  # the page's first run in this session draws its map and stops (`pages._ui.map_section`)
        st.session_state.setdefault(map_first_key(page), time.monotonic())  # None: the session had it already
    if query and (first or (token and token not in consumed)):
        consumed.add(token)
        view = parse_view(page, query, atlas)
        start = page_defaults(page, atlas)
        for param in page_params(page):  # a link is a whole view: what it leaves out takes the page's default
            if param.key and (param.name in view.values or param.name in start):
                st.session_state[param.key] = view.values.get(param.name, start.get(param.name))
        for kept in (f"_view_{page}", f"_current_view_{page}", f"_sel_{page}"):
            st.session_state.pop(kept, None)
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
    _keyboard()
    if presenting():
        _presentation_css()
    else:
        _story_bar(page, atlas)


def map_first_key(page: str) -> str:
    """The session key holding when the page's first run in this session began, while the page shows only its
    map (`pages._ui.map_section`); None once the page is drawn whole."""
    return f"_map_first_{page}"


def presenting() -> bool:
    """True in presentation mode (URL ``present=1`` or the sidebar switch)."""
    return bool(st.session_state.get("present", False))


def presentation_switch() -> None:
    """The sidebar switch for presentation mode (every page calls it inside its sidebar)."""
    st.toggle("Presentation mode", key="present", help="Hide controls, give the map the screen, enlarge text")


PRESENT_RESERVED_PX = 250
"""Height of what a presentation screen shows besides the map: the title, the bar, the source line, margins."""
CONTROLS = "atlas-controls"
"""Key prefix of containers that hold controls and details: hidden (yet still run) in presentation mode."""


def _presentation_css() -> None:
    """Presentation is a layout: the sidebar, header, controls and details are hidden (their widgets still run, so
    the view keeps its state); the map's frame takes the height the screen has left."""
    st.html(
        f"""<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
        [class*="st-key-{CONTROLS}"] {{display: none !important;}}
        .block-container, [data-testid="stMainBlockContainer"] {{padding: 0.6rem 1.5rem 0 1.5rem !important;
          max-width: 100%;}}
        [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{gap: 0.35rem;}}
        h1 {{font-size: 1.9rem !important; padding: 0 0 0.35rem 0 !important;}}
        .st-key-atlas-present-bar p {{font-size: 1.05rem; line-height: 1.4; white-space: nowrap;
          overflow: hidden; text-overflow: ellipsis;}}
        .st-key-atlas-story [data-testid="stPageLink"] a {{border: 1px solid #b8b8b8; border-radius: 0.5rem;
          padding: 0.3rem 0.8rem; background: #ffffff; justify-content: center;}}
        iframe[title="streamlit_folium.st_folium"] {{height: calc(100vh - {PRESENT_RESERVED_PX}px) !important;
          width: 100% !important; min-height: 300px;}}
        .st-key-atlas-present-foot p {{font-size: 0.85rem !important; white-space: nowrap; overflow: hidden;
          text-overflow: ellipsis;}}
        </style>"""
    )


def controls(name: str):
    """A container for controls or details that presentation mode hides (they still run)."""
    return st.container(key=f"{CONTROLS}-{name}")


_KEYS_JS = """<script>
if (!window.__atlasKeys) {
  window.__atlasKeys = true;
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && t && t.matches && t.matches('input[type="checkbox"]')) {
      e.preventDefault(); t.click(); return;  // a switch toggles with Enter as with Space
    }
    if (e.altKey || e.ctrlKey || e.metaKey || (t && t.closest &&
        t.closest('input, textarea, select, [contenteditable="true"], [role="combobox"], [role="slider"], iframe'))) return;
    var label = e.key === "ArrowRight" ? "Next" : e.key === "ArrowLeft" ? "Back" : null;
    if (!label) return;
    var link = Array.from(document.querySelectorAll('.st-key-atlas-story a')).find(function (a) {
      return a.textContent.indexOf(label) !== -1; });
    if (link) { e.preventDefault(); link.click(); }
  });
}
</script>"""


CAPTION_COLOUR = "#63615f"
"""Captions' text colour, opaque: 6.2:1 on white and 5.5:1 on the sidebar's grey (WCAG AA asks 4.5:1). Streamlit
draws captions in its body text at 60 % opacity, 3.9:1, and its theme has no setting for captions alone."""
_READABLE_CSS = f"<style>[data-testid='stCaptionContainer'] {{color: {CAPTION_COLOUR}; opacity: 1;}}</style>"


def _keyboard() -> None:
    """Keys for presenters: the arrow keys step a story back and forth, Enter toggles a switch (as Space does); and
    captions dark enough to read (one element for both: each ``st.html`` adds a gap to the page)."""
    st.html(_READABLE_CSS + _KEYS_JS, unsafe_allow_javascript=True)


def presentation_bar(page: str, atlas: Atlas, *, summary: str = "") -> None:
    """The presenter's bar above the map: the story step (Back, its title and caption, Next) or, outside a
    story, a menu to start one; a one-line `summary` of a result drawn on the map; Exit presentation."""
    with st.container(key="atlas-present-bar"):
        main, leave = st.columns([14, 2], vertical_alignment="bottom")
        with main:
            if not _story_bar(page, atlas, summary=summary):
                _story_menu(atlas, summary=summary)
        leave.button("Exit presentation", key=f"{page}_exit_present", help="Show the sidebar and controls again",
                     on_click=_leave_presentation)


def _leave_presentation() -> None:
    st.session_state["present"] = False  # a callback: it runs before the switch of the same key is drawn


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


def selection(page: str, pick, returned: dict | None = None) -> str | None:
    """Return the selected id: from a new click on the page's map (resolved by `pick(lat, lon)`), else as kept (or
    from the URL). Called before the map is drawn it reads the map's last report from the session (streamlit-folium
    keeps it under the map's key), so the map drawn already outlines what was clicked; called after, with what
    the map `returned`, it catches a report that came without that (as in tests that set the component's value)."""
    report = returned if returned is not None else st.session_state.get(f"{page}_map")
    point = (report or {}).get("last_object_clicked") or {}
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


def _story_bar(page: str, atlas: Atlas, *, summary: str = "") -> bool:
    """Back, the step's title and caption, Next: links, so the keyboard and the arrow keys reach them. Returns
    False when no story is running."""
    story = st.session_state.get("_story")
    if not story:
        return False
    steps = story_steps(atlas, story[0])
    numbers = steps["step"].tolist()
    if story[1] not in numbers:
        return False
    row = steps[steps["step"] == story[1]].iloc[0]
    index = numbers.index(story[1])
    with st.container(key="atlas-story"):
        text, back, forward = st.columns([12, 2, 2], vertical_alignment="bottom")
        with text:
            st.markdown(f"**Step {index + 1} of {len(numbers)}: {md_escape(row['title'])}** · "
                        f"{md_escape(row['story_title'])}")
            if row["caption"]:
                st.markdown(md_escape(row["caption"]))
            if summary:
                st.markdown(f"_{md_escape(summary)}_")
        with back:
            if index > 0:
                step_link(atlas, story[0], numbers[index - 1], "◀ Back")
        with forward:
            if index < len(numbers) - 1:
                step_link(atlas, story[0], numbers[index + 1], "Next ▶")
            else:
                st.markdown("End of the story")
    return True


def _story_menu(atlas: Atlas, *, summary: str = "") -> None:
    """Outside a story, in presentation mode: choose a story and start it (keyboard: Tab, arrows, Enter)."""
    titles = story_titles(atlas)
    if not titles:
        if summary:
            st.markdown(f"_{md_escape(summary)}_")
        return
    pick, start = st.columns([9, 3], vertical_alignment="bottom")
    chosen = pick.selectbox("Story", list(titles), format_func=titles.get, key="present_story_choice")
    with start:
        step_link(atlas, chosen, int(story_steps(atlas, chosen)["step"].iloc[0]), "Start the story ▶")
    if summary:
        st.markdown(f"_{md_escape(summary)}_")


def step_query(atlas: Atlas, story: str, step: int) -> tuple[str, dict[str, str]]:
    """Return (page file, query parameters) of a story step, keeping presentation mode."""
    steps = story_steps(atlas, story)
    row = steps[steps["step"] == step].iloc[0]
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
    """Sidebar links that start each story, by its full title."""
    titles = story_titles(atlas)
    if not titles:
        return
    st.markdown("**Stories**")
    st.html("<style>[data-testid='stSidebar'] [data-testid='stPageLink'] p {white-space: normal;}</style>")
    for story, title in titles.items():
        steps = story_steps(atlas, story)
        step_link(atlas, story, int(steps["step"].iloc[0]), f"{title} ({len(steps)} steps)")

