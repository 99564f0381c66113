"""Play (Overview and Membership): step through the dated events of the view, one full view per frame, with the
frame's date and what happened shown over the map.

While ``_play_<page>`` is on, a fragment reruns every half second (`st.fragment(run_every=...)`, a cheap rerun of
the fragment alone); once the frame has been shown for the chosen speed's seconds it leaves the next day for the
page's date widget and reruns the app: the map's layer is replaced in place (streamlit-folium's
``feature_group_to_add``), so the map is not reloaded and keeps its zoom, and the link follows the frame. Play stops
at the last event, on Pause (the button, or the P key), and whenever the date changes otherwise (the reader moved it,
a link or a story step set it): a link opens paused at its date, since play is not part of a view.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from geo.load import Atlas
from geo.play import PLAY_SPEEDS, PlayFrame, frame_caption, next_frame, play_frames, previous_frame
from geo.text import md_escape
from pages._view import presenting, widget_values

TICK_SECONDS = 0.5
"""How often the playing fragment looks at the clock."""


def _state(page: str, name: str) -> str:
    return f"_play_{name}_{page}" if name else f"_play_{page}"


def playing(page: str) -> bool:
    """True while `page` plays."""
    return bool(st.session_state.get(_state(page, "")))


def take_frame(page: str, date_key: str) -> None:
    """Before the page's date widget is drawn: give it the day the last tick chose (widgets take new values only
    before they are drawn in a run)."""
    pending = st.session_state.pop(_state(page, "pending"), None)
    if pending is not None:
        st.session_state[date_key] = pending


def speed_choice(page: str) -> None:
    """The sidebar's speed choice (seconds each frame stays on screen)."""
    key = f"{page}_play_speed"
    st.session_state.setdefault(key, "normal")
    st.select_slider("Play speed", options=list(PLAY_SPEEDS), key=key,
                     format_func=lambda s: f"{s} ({PLAY_SPEEDS[s]:g} s a frame)")


def _show(page: str, date_key: str, frame: PlayFrame) -> None:
    st.session_state[date_key] = frame.day
    st.session_state[_state(page, "frame")] = frame.day
    st.session_state[_state(page, "last")] = time.monotonic()


def _toggle(page: str, date_key: str, frames: list[PlayFrame]) -> None:
    if playing(page):
        st.session_state[_state(page, "")] = False
        return
    day = _day(st.session_state.get(date_key))
    first = next_frame(frames, day, restart=True)  # at the last event, play starts again from the first
    if first is not None:
        st.session_state[_state(page, "")] = True
        _show(page, date_key, first)


def _step(page: str, date_key: str, frames: list[PlayFrame], direction: int) -> None:
    day = _day(st.session_state.get(date_key))
    frame = next_frame(frames, day) if direction > 0 else previous_frame(frames, day)
    st.session_state[_state(page, "")] = False
    if frame is not None:
        _show(page, date_key, frame)


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _tick(page: str, date_key: str, frames: list[PlayFrame]) -> None:
    """One look at the clock while playing: after the frame's time, leave the next day for the date widget and
    rerun the app (or stop at the last event)."""
    if not playing(page):
        return
    speed = PLAY_SPEEDS[st.session_state.get(f"{page}_play_speed", "normal")]
    if time.monotonic() - st.session_state.get(_state(page, "last"), 0.0) < speed:
        return
    following = next_frame(frames, st.session_state[_state(page, "frame")])
    if following is None:
        st.session_state[_state(page, "")] = False
    else:
        st.session_state[_state(page, "pending")] = following.day
        st.session_state[_state(page, "frame")] = following.day
        st.session_state[_state(page, "last")] = time.monotonic()
    st.rerun(scope="app")


def play_bar(a: Atlas, page: str, *, date_key: str, start: dt.date | None = None) -> None:
    """Over the top of the map: ◀ previous event, Play/Pause, next event ▶, and the caption of the day shown (its
    date and what happened, from the data). Frames: the events of the view's bodies since `start`
    (`geo.play.play_frames`). Call it where the map is drawn, just before it."""
    frames = play_frames(a, page, widget_values(page), start=start)
    day = _day(st.session_state.get(date_key))
    if playing(page) and day != st.session_state.get(_state(page, "frame")):
        st.session_state[_state(page, "")] = False  # the date was changed otherwise: the reader takes over
    on = playing(page)
    with st.container(key="atlas-play"):  # no height: nothing in it moves the map
        gap = "0.35rem" if presenting() else "1rem"  # the gap before the map, as presentation mode sets it
        st.html(_PLAY_CSS.replace("GAP", gap))
        st.html(_PLAY_KEYS_JS, unsafe_allow_javascript=True)
        _panel(page, date_key, frames, day, on)


def _panel(page: str, date_key: str, frames: list[PlayFrame], day: dt.date, on: bool) -> None:
    with st.container(key="atlas-play-panel"):
        with st.container(horizontal=True, key="atlas-play-buttons", gap="small"):
            st.button("◀", key=f"{page}_play_prev", help="Previous event", on_click=_step,
                      args=(page, date_key, frames, -1), disabled=previous_frame(frames, day) is None)
            st.button("❚❚ Pause" if on else "▶ Play", key=f"{page}_play", on_click=_toggle, args=(page, date_key, frames),
                      help="Step through the dated events (key: P)", disabled=not frames)
            st.button("▶", key=f"{page}_play_next", help="Next event", on_click=_step,
                      args=(page, date_key, frames, 1), disabled=next_frame(frames, day) is None)
        st.container(key="atlas-play-caption").markdown(f"**{md_escape(frame_caption(frames, day))}**")
        if on:
            st.fragment(run_every=TICK_SECONDS)(_tick)(page, date_key, frames)


_PLAY_CSS = """<style>
.st-key-atlas-play {position: relative; z-index: 5; height: 0 !important; gap: 0 !important; overflow: visible;
  pointer-events: none;}
[data-testid="stLayoutWrapper"]:has(> .st-key-atlas-play) {margin-bottom: calc(-1 * GAP); height: 0;}
.st-key-atlas-play-panel {position: absolute; top: 0.6rem; left: 3.4rem; max-width: min(44rem, calc(100% - 18rem));
  width: fit-content; background: rgba(255, 255, 255, 0.94); border: 1px solid #8a8a8a; border-radius: 0.5rem;
  padding: 0.35rem 0.75rem 0.45rem 0.5rem; gap: 0.2rem; pointer-events: auto;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25);}
.st-key-atlas-play-caption p {font-size: 1.3rem; line-height: 1.35; margin: 0; color: #111111;}
.st-key-atlas-play-caption [data-testid="stMarkdownContainer"] {margin-bottom: 0 !important;}
.st-key-atlas-play-buttons button {min-height: 2rem; padding: 0.1rem 0.7rem;}
</style>"""

_PLAY_KEYS_JS = """<script>
if (!window.__atlasPlayKeys) {
  window.__atlasPlayKeys = true;
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "p" && e.key !== "P") return;
    if (e.altKey || e.ctrlKey || e.metaKey || (t && t.closest &&
        t.closest('input, textarea, select, [contenteditable="true"], [role="combobox"], [role="slider"], iframe'))) return;
    var button = Array.from(document.querySelectorAll('.st-key-atlas-play-buttons button')).find(function (b) {
      return /Play|Pause/.test(b.textContent); });
    if (button) { e.preventDefault(); button.click(); }
  });
}
</script>"""
