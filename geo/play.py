"""Play: the dated events a page's view steps through, one frame per day, each with the caption that says what
happened that day ("16 Nov 2025 · Meeting 7 in Tashkent · Azerbaijan: member of the CA Consultative Meetings").

Plain text from the data; the page escapes it. Frames are the days of `geo.compare.timeline` for the bodies the
view shows: the Overview's Consultative Meetings; on Membership the chosen organisation, the compared ones, or
every body for the "5+3" view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo import compare as cmp
from geo.load import Atlas
from geo.views import CONSULTATIVE

PLAY_SPEEDS = {"slow": 5.0, "normal": 3.0, "fast": 1.5}
"""Seconds each frame stays on screen, by the name the speed choice shows."""


@dataclass(frozen=True)
class PlayFrame:
    """One frame: a day with events in the data, and what happened on it (plain text, events joined by " · ")."""

    day: dt.date
    events: str

    @property
    def caption(self) -> str:
        return f"{day_label(self.day)} · {self.events}"


def day_label(day: dt.date) -> str:
    """A day as a caption writes it: ``16 Nov 2025``."""
    return f"{day.day} {day:%b %Y}"


def play_bodies(atlas: Atlas, page: str, values: dict) -> list[str]:
    """The bodies whose events a view of `page` plays through (`values`: the view's values by parameter name)."""
    if page == "overview":
        return [CONSULTATIVE]
    view = values.get("view", "organisation")
    if view == "compare" and len(values.get("compare") or []) >= 2:
        return list(values["compare"])
    if view == "5plus3":
        return atlas.bodies_with_members()["id"].tolist()
    return [values["body"]] if values.get("body") else []


def play_frames(atlas: Atlas, page: str, values: dict, *, start: dt.date | None = None,
                end: dt.date | None = None) -> list[PlayFrame]:
    """Return the frames a view steps through, oldest first: each day from `start` to `end` (default today) on
    which the data records an event of the view's bodies, with those events. Status changes of several countries
    that day in the same words are named together ("Kazakhstan, Kyrgyzstan and Uzbekistan: member of the ...")."""
    end = end or dt.date.today()
    bodies = set(play_bodies(atlas, page, values))
    key = ("play_frames", tuple(sorted(bodies)), start, end)
    return atlas.memo(key, lambda: _frames(atlas, bodies, start, end))


def _frames(atlas: Atlas, bodies: set[str], start: dt.date | None, end: dt.date) -> list[PlayFrame]:
    events = cmp.timeline(atlas, start=start, end=end)
    events = events[events["body"].isin(bodies)]
    names = set(atlas.country_names().values())
    frames = []
    for day, rows in events.groupby("day", sort=True):
        meetings: list[str] = []
        changes: dict[str, list[str]] = {}  # what happened → who
        for label in rows["label"]:
            who, sep, what = label.partition(": ")
            if sep and who in names:
                changes.setdefault(what, []).append(who)
            else:
                meetings.append(label)
        said = [*meetings, *(f"{_and(who)}: {what}" for what, who in changes.items())]
        frames.append(PlayFrame(day, " · ".join(said)))
    return frames


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def frame_caption(frames: list[PlayFrame], day: dt.date) -> str:
    """The caption for `day`: its frame's, or the day with the latest event before it ("5 Dec 2026 · latest
    event: 16 Nov 2025, ..."), or the day alone."""
    earlier = [f for f in frames if f.day <= day]
    if earlier and earlier[-1].day == day:
        return earlier[-1].caption
    if earlier:
        return f"{day_label(day)} · latest event: {day_label(earlier[-1].day)}, {earlier[-1].events}"
    return f"{day_label(day)} · no event recorded yet"


def next_frame(frames: list[PlayFrame], day: dt.date, *, restart: bool = False) -> PlayFrame | None:
    """The first frame after `day`; None at the end, or with `restart` the first frame (play from the start)."""
    later = [f for f in frames if f.day > day]
    if later:
        return later[0]
    return frames[0] if restart and frames else None


def previous_frame(frames: list[PlayFrame], day: dt.date) -> PlayFrame | None:
    """The last frame before `day`, or None."""
    earlier = [f for f in frames if f.day < day]
    return earlier[-1] if earlier else None
