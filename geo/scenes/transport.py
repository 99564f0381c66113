"""The Transport page's scene: the corridors' segments and nodes, filtered, with air links and a planned route
on request."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo import marks as mk
from geo import styles, vocab
from geo.export import Filters, export_frame
from geo.load import Atlas
from geo.network import NoRouteError, RoutePlan
from geo.routing import plan_legs, plan_route
from geo.scenes import Frame, Place, Scene, ids, in_words, selected
from geo.transport import air_lines, filter_nodes, filter_routes, node_points, route_lines

FRAMED_CORRIDORS = ("middle", "middle_southern", "cku")
"""Corridors the first view fits (the comparisons reach Rotterdam and Shanghai). Their box, Prague to Xi'an, is
too wide for most screens without showing the background beyond the stage, so the page's map then centres on the
core (`Frame.core_bounds`): their nodes in the focus countries, Türkiye's border to China's, with the Caspian
crossing in the middle; Europe and China are reached by panning."""


@dataclass(frozen=True)
class TransportFacts:
    """What the Transport page shows beside its map."""

    segments: pd.DataFrame
    nodes: pd.DataFrame
    lines_all: pd.DataFrame
    plan: RoutePlan | None
    legs: pd.DataFrame | None
    filters: Filters


def segment_tip(row) -> tuple[str, list[str]]:
    status = vocab.INFRA_STATUS.label(row["status"]).lower()
    return str(row["name"]), [f"{vocab.MODE.label(row['mode'])}, {status}; {row['length_km']:,.0f} km (approximate)"]


def air_tip(row) -> tuple[str, list[str]]:
    operating = {"true": "verified", "false": "suspended"}.get(row["operating_verified"], "unknown")
    return f"{row['origin_city']} – {row['destination_city']}", [
        f"{row['carrier'] or 'carrier unknown'}, first flight {row['first_flight'] or 'unknown'}",
        f"operating: {operating}",
    ]


def build(atlas: Atlas, v: dict) -> Scene:
    """Return the Transport page's scene for the view `v` (corridor, mode, status, iso3 filters; air links; the
    route planner's from, to, avoid, exclude, future)."""
    lines_all, points = route_lines(atlas), node_points(atlas)
    statuses = list(vocab.INFRA_STATUS)
    segments = filter_routes(lines_all, corridor=v["corridor"], mode=v["mode"], status=v["status"], iso3=v["iso3"])
    nodes = filter_nodes(points, segments)
    notices: list[str] = []
    plan = legs = None
    if v["plan"]:
        try:
            plan = plan_route(atlas, v["from"], v["to"], avoid_iso3=v["avoid"], exclude_modes=v["exclude"],
                              statuses=statuses if v["future"] else ["operational"])
            legs = plan_legs(atlas, plan)
        except NoRouteError as exc:
            notices.append(f"No route: {exc}.")
    node_labels = nodes.assign(label=[f"{n} ({vocab.NODE_KIND.label(k)}, {vocab.INFRA_STATUS.label(s).lower()})"
                                      for n, k, s in zip(nodes["name"], nodes["kind"], nodes["status"])])
    legend = mk.line_legend_items(styles.MODE_COLOURS, vocab.MODE,
                                  [s for s in statuses if s in set(segments["status"])], segments["mode"])
    legend += [mk.LegendItem(vocab.NODE_KIND.label(k), c, "dot-outline")
               for k, c in styles.NODE_COLOURS.items() if k in set(nodes["kind"])]
    marks: list[mk.Mark] = []
    if legs is not None:
        marks.append(mk.Highlight(legs, styles.ROUTE_HIGHLIGHT))
        legend.append(mk.LegendItem("Planned route", styles.ROUTE_HIGHLIGHT, "line"))
    air = None
    if v["air"]:
        air = air_lines(atlas)
        if v.get("city"):  # the links of the chosen cities only
            air = air[air["origin_city"].isin(v["city"]) | air["destination_city"].isin(v["city"])]
        status = air["operating_verified"].map({"true": "operational", "false": "stalled"}).fillna("proposed")
        drawn = air.assign(status=status, kind="air")
        marks.append(mk.Lines(drawn, "kind", {"air": styles.AIR_COLOUR}, "Air links", air_tip, weight=1.5,
                              class_prefix="atlas-air"))
        legend.append(mk.LegendItem("Air link (dotted: status unknown)", styles.AIR_COLOUR, "line"))
    marks += [
        mk.Lines(segments, "mode", styles.MODE_COLOURS, "Segments", segment_tip),
        mk.Points(node_labels, styles.NODE_COLOURS),
        *selected(atlas, v.get("sel"), lines=lines_all, points=points),
        mk.Legend("Transport network", legend),
    ]
    filters = Filters(corridor=tuple(v["corridor"]), mode=tuple(v["mode"]), status=tuple(v["status"]),
                      iso3=tuple(v["iso3"]))
    layers: dict[str, pd.DataFrame] = {"routes": export_frame(atlas, "routes", filters), "nodes": nodes}
    if air is not None:
        layers["air_links"] = air
    if legs is not None:
        layers["planned_route"] = legs
    sources = ids([*segments["sources"], *segments["geometry_sources"], *nodes["sources"],
                   *atlas.titr_volumes["sources"], *atlas.transit_times["sources"]])
    corridors = in_words(vocab.CORRIDOR, v["corridor"], "Middle Corridor and comparisons", lower=False)
    title = corridors + (f" · planned route {plan.total_km:,.0f} km" if plan else "")
    if plan is not None:
        names = dict(zip(atlas.nodes["id"], atlas.nodes["name"]))
        countries = atlas.country_names()
        summary = (f"{names[plan.origin]} → {names[plan.destination]}: {plan.total_km:,.0f} km in {len(plan.legs)} "
                   f"legs through {', '.join(countries.get(c, c) for c in plan.countries)}")
    else:
        by_mode = segments.groupby("mode")["length_km"].sum()
        summary = f"{len(segments)} segments: " + ", ".join(
            f"{by_mode[m]:,.0f} km by {vocab.MODE.label(m).lower()}" for m in vocab.MODE if m in by_mode.index)
    frame = atlas.memo(("transport_frame",), lambda: _frame(atlas))
    return Scene("transport", title, v, marks, layers, sources, frame, notices,
                 TransportFacts(segments, nodes, lines_all, plan, legs, filters), summary, subtitle=_subtitle(atlas, v),
                 key_places=[Place(str(n), float(la), float(lo), _NODE_RANK.get(k, 1) if t != "true" else 0, True)
                             for n, la, lo, k, t in zip(nodes["name"], nodes["lat"], nodes["lon"], nodes["kind"],
                                                        nodes["terminal"])])


def _frame(atlas: Atlas) -> Frame:
    """The first view: the `FRAMED_CORRIDORS`' box, and their nodes in the focus countries as its core (the same
    for every view of the page)."""
    lines_all, points = route_lines(atlas), node_points(atlas)
    framed = lines_all[lines_all["corridor"].isin(FRAMED_CORRIDORS)]
    bounds = tuple(float(x) for x in framed.total_bounds)
    ends = set(framed["from_node"]) | set(framed["to_node"])
    core = points[points["id"].isin(ends) & points["iso3"].isin(atlas.focus_iso3())]
    core_bounds = (float(core["lon"].min()), float(core["lat"].min()), float(core["lon"].max()), float(core["lat"].max()))
    return Frame(fit_bounds=bounds, core_bounds=core_bounds if len(core) else None)


_NODE_RANK = {"seaport": 0, "ferry_terminal": 0, "hub": 1, "rail_border_crossing": 2}
"""Which nodes a slide names first: network ends and ports, then hubs, then border crossings."""


def _subtitle(atlas: Atlas, v: dict) -> str:
    """The view's filters in words: "Rail and ferry · operational · lines drawn through named waypoints..."."""
    names = atlas.country_names()
    parts = [in_words(vocab.MODE, v["mode"], "all modes"), in_words(vocab.INFRA_STATUS, v["status"], "all statuses",
                                                                     joiner="or")]
    if v["iso3"]:
        parts.append("through " + " or ".join(names.get(c, c) for c in v["iso3"]))
    if v["air"]:
        parts.append("with air links")
    parts.append("lines drawn through named waypoints (approximate)")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]
