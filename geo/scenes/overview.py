"""The Overview's scene: the focus countries by their status in the Consultative Meetings on a date, and the
venues of the meetings held by then."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo import marks as mk
from geo import styles, vocab
from geo.export import Filters, export_frame
from geo.joins import countries_with_status
from geo.load import Atlas
from geo.memberships import Meeting, meeting_venues, meetings_until
from geo.scenes import Frame, Scene, capital_places, ids, selected, venue_legend, venue_marks, venue_places
from geo.views import CONSULTATIVE


@dataclass(frozen=True)
class OverviewFacts:
    """What the Overview shows beside its map: the countries with their status, the meetings, the venues."""

    shapes: pd.DataFrame
    meetings: list[Meeting]
    venues: pd.DataFrame


def build(atlas: Atlas, v: dict) -> Scene:
    """Return the Overview's scene for the view `v` (``date``)."""
    as_of = v["date"]
    focus = tuple(atlas.focus_iso3())
    short = atlas.bodies.set_index("id").at[CONSULTATIVE, "short_name"]
    shapes = countries_with_status(atlas, CONSULTATIVE, as_of)
    meetings = meetings_until(atlas, as_of, body=CONSULTATIVE)
    venues = meeting_venues(meetings, atlas.country_names())
    title = f"{short}, {as_of.isoformat()}"
    extra = [venue_legend()] if len(venues) else []
    marks = [mk.Areas(shapes, "status", styles.STATUS_STYLES, title, mk.status_tip, extra_legend=extra),
             *venue_marks(venues), *selected(atlas, v.get("sel"))]
    layers = {"countries": shapes, "meetings": export_frame(atlas, "meetings", Filters(as_of=as_of))}
    sources = [*ids(shapes["sources"]), *ids(m.sources for m in meetings)]
    return Scene("overview", title, v, marks, layers, sources, Frame(focus, focus),
                 facts=OverviewFacts(shapes, meetings, venues), summary=status_summary(shapes, c_number=True),
                 key_places=[*venue_places(meetings), *capital_places(atlas, focus)])


def status_summary(shapes: pd.DataFrame, *, c_number: bool = False) -> str:
    """One line: who takes part in full (with `c_number`, the format's C-number) and in what other status, e.g.
    "5 full participants (C5): Kazakhstan, …; guest of honour: Azerbaijan"."""
    members = shapes.loc[shapes["status"] == "member", "name"].tolist()
    named = f" (C{len(members)})" if c_number else ""
    parts = [f"{len(members)} full participant{'s' if len(members) != 1 else ''}{named}: " + (", ".join(members) or "none")]
    for status in dict.fromkeys(shapes["status"]):
        if status not in ("member", vocab.NONE):
            names = shapes.loc[shapes["status"] == status, "name"].tolist()
            parts.append(f"{styles.status_label(status).lower()}: {', '.join(names)}")
    return "; ".join(parts)
