"""The Membership page's scene: the focus countries by their status in one organisation, a comparison of
organisations, or what each organisation covers of the proposed "5+3" platform, on a date."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo import compare as cmp
from geo import marks as mk
from geo import styles
from geo.export import Filters, export_frame
from geo.joins import comparison_shapes, countries_with_status, proposal_shapes
from geo.load import Atlas
from geo.memberships import meeting_venues, meetings_until
from geo.scenes import Frame, Scene, capital_places, ids, selected, venue_legend, venue_marks, venue_places
from geo.scenes.overview import status_summary
from geo.views import CONSULTATIVE


@dataclass(frozen=True)
class MembershipFacts:
    """What the Membership page shows beside its map."""

    shapes: pd.DataFrame
    venues: pd.DataFrame
    shown_bodies: list[str]
    comparison: cmp.Comparison | None = None
    coverage: pd.DataFrame | None = None
    chosen: list[str] = field(default_factory=list)


def _comparison_tip(row) -> tuple[str, list[str]]:
    label = styles.COMPARE_STYLES[row["category"]].label
    return str(row["name"]), [label + (f": {row['bodies']}" if row["bodies"] else "")]


def _proposal_tip(row) -> tuple[str, list[str]]:
    if row["status"] == "outside":
        return str(row["name"]), ["not among the eight of the proposed 5+3"]
    return mk.status_tip(row)


def build(atlas: Atlas, v: dict) -> Scene:
    """Return the Membership page's scene for the view `v` (``view``, ``body``, ``compare``, ``count``,
    ``date``)."""
    as_of, body, view = v["date"], v["body"], v["view"]
    short = atlas.bodies.set_index("id")["short_name"].to_dict()
    focus = tuple(atlas.focus_iso3())
    notices: list[str] = []
    chosen = list(v["compare"]) if view == "compare" else []
    venues = pd.DataFrame()
    places = capital_places(atlas, focus)
    comparison = coverage = None
    if view == "compare" and len(chosen) >= 2:
        comparison = cmp.compare_bodies(atlas, chosen, as_of, count_as=v["count"])
        shapes = comparison_shapes(atlas, comparison)
        title = f"{' vs '.join(short[b] for b in chosen)}, {as_of.isoformat()}"
        marks: list[mk.Mark] = [mk.Areas(shapes, "category", styles.COMPARE_STYLES, title, _comparison_tip)]
        shown_bodies = chosen
    else:
        if view == "compare":
            notices.append("Choose two or more organisations to compare; meanwhile the map shows the organisation "
                           "picked above.")
        shown_bodies = [body]
        if view == "5plus3":
            shapes = proposal_shapes(atlas, body, as_of)
            title = f"5+3 in the {short[body]}, {as_of.isoformat()}"
            look = {**styles.STATUS_STYLES, "outside": styles.OUTSIDE_PROPOSAL}
            marks = [mk.Areas(shapes, "status", look, title, _proposal_tip)]
            coverage = cmp.proposal_coverage(atlas, as_of)
            shown_bodies = [body, "5plus3"]
        else:
            shapes = countries_with_status(atlas, body, as_of)
            title = f"{short[body]}, {as_of.isoformat()}"
            if body == CONSULTATIVE:
                held = meetings_until(atlas, as_of)
                venues = meeting_venues(held, atlas.country_names())
                places = [*venue_places(held), *places]
            extra = [venue_legend()] if len(venues) else []
            marks = [mk.Areas(shapes, "status", styles.STATUS_STYLES, title, mk.status_tip, extra_legend=extra),
                     *venue_marks(venues)]
    marks += selected(atlas, v.get("sel"))
    layers = {"countries": shapes}
    if view == "organisation" and body == CONSULTATIVE:
        layers["meetings"] = export_frame(atlas, "meetings", Filters(as_of=as_of))
    sources = ids(cmp.sources_in_view(atlas, shown_bodies, as_of))
    facts = MembershipFacts(shapes, venues, shown_bodies, comparison, coverage, chosen)
    if comparison is not None:
        names = dict(zip(comparison.table["iso3"], comparison.table["name"]))
        summary = f"In all {len(chosen)}: " + (", ".join(names[c] for c in comparison.in_all()) or "none")
    elif coverage is not None:
        row = coverage.set_index("body").loc[body]
        summary = (f"{cmp.coverage_sentence(atlas, coverage, as_of)} The {short[body]} leaves out: "
                   f"{row['left_out'] or 'none'}.")
    else:
        summary = status_summary(shapes, c_number=body == CONSULTATIVE)
    return Scene("membership", title, v, marks, layers, sources, Frame(focus, focus), notices, facts, summary,
                 key_places=places)
