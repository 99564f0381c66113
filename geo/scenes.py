"""Scenes: what a page's map shows for a view, built without Streamlit, so the page, the HTML download, the
image renderer and ``python -m geo export --view`` all draw and export exactly the same thing.

A scene is built from a page name and the view's values (`geo.views` parameter names → values; missing ones
take the page's defaults). It holds the marks to draw (areas, lines, points, legends: renderer-neutral, styled
from `geo.styles`), the visible layers to export, the sources behind them, the base map options and the facts the
page shows beside the map. Coordinates are EPSG:4326 throughout; lengths are geodesic km.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo import styles
from geo.lines import display_lines
from geo.load import Atlas
from geo.maps import escape_text, line_legend_items

CONSULTATIVE = "ca_consultative"
MEMBERSHIP_VIEWS = ("organisation", "compare", "5plus3")


@dataclass(frozen=True)
class Mark:
    """One thing drawn on the map.

    kind is one of ``"category"`` (countries filled by a category column), ``"choropleth"`` (countries filled by
    a numeric ``value``), ``"lines"`` (coloured by a column, dashed by status), ``"points"`` (filled by kind),
    ``"venues"`` (meeting venues), ``"highlight"`` (a planned route under the lines) and ``"legend"``. `options`
    are the keyword options of the matching builder in `geo.maps`.
    """

    kind: str
    frame: pd.DataFrame | None
    options: dict = field(default_factory=dict)


@dataclass
class Scene:
    """What a page's map shows for one view, and what goes with it."""

    page: str
    title: str
    values: dict
    marks: list[Mark]
    layers: dict[str, pd.DataFrame]
    sources: list[str]
    base: dict
    notices: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def source_line(self, atlas: Atlas, limit: int = 4) -> str:
        """Return a one-line credit of the sources behind the scene (publishers, most cited first)."""
        table = atlas.sources.set_index("id")
        counts: dict[str, int] = {}
        for sid in self.sources:
            if sid in table.index:
                publisher = table.at[sid, "publisher"] or table.at[sid, "title"]
                counts[publisher] = counts.get(publisher, 0) + 1
        ranked = sorted(counts, key=lambda p: (-counts[p], p))
        shown = "; ".join(ranked[:limit]) + (f"; and {len(ranked) - limit} more" if len(ranked) > limit else "")
        return f"Sources: {shown or 'none'} ({len(set(self.sources))} sources). Data version {atlas.version}."


def page_defaults(page: str, atlas: Atlas, today: dt.date | None = None) -> dict:
    """Return the values a page starts with (by `geo.views` parameter name) when no link sets them."""
    from geo.energy import COMMODITY_LABELS, INDICATOR_LABELS
    from geo.transport import CORRIDOR_LABELS, MODE_LABELS

    today = today or dt.date.today()
    common = {"basemap": "plain"}
    if page == "overview":
        return {**common, "date": today}
    if page == "membership":
        bodies = atlas.bodies.loc[atlas.bodies["kind"] != "proposal", "id"].tolist()
        pair = [b for b in ("ots", "cis") if b in bodies]
        pair += [b for b in bodies if b not in pair][: 2 - len(pair)]
        return {**common, "view": "organisation", "body": CONSULTATIVE if CONSULTATIVE in bodies else bodies[0],
                "compare": pair, "count": "members", "date": today}
    if page == "transport":
        return {**common, "corridor": list(CORRIDOR_LABELS), "mode": list(MODE_LABELS),
                "status": list(styles.INFRA_STATUS_LABELS)[:4], "iso3": [], "air": False, "plan": False,
                "from": "xian", "to": "istanbul", "avoid": [], "exclude": [], "future": False}
    if page == "energy":
        present = set(atlas.indicators["indicator"])
        indicators = [i for i in INDICATOR_LABELS if i in present] + sorted(present - set(INDICATOR_LABELS))
        return {**common, "commodity": list(COMMODITY_LABELS), "status": list(styles.INFRA_STATUS_LABELS),
                "country": "", "indicator": indicators[0] if indicators else ""}
    raise ValueError(f"page {page!r} is not one of overview, membership, transport, energy")


def build_scene(
    atlas: Atlas, page: str, values: Mapping[str, object] | None = None, *, indicator: pd.DataFrame | None = None
) -> Scene:
    """Return the scene of `page` for the view `values` (parameter name → value, as `geo.views.parse_view`
    gives; missing ones take `page_defaults`). Scenes are remembered per loaded atlas (the last 64 views), so
    returning to a view costs nothing; a returned scene is shared: treat it as read-only.

    Parameters
    ----------
    indicator : pandas.DataFrame, optional
        An uploaded indicator (`geo.upload.read_indicator`: iso3, value, year); on the Overview and Membership
        pages it replaces the status fill by a choropleth and is exported as the ``my_indicator`` layer.
    """
    full = {**page_defaults(page, atlas), **{k: v for k, v in (values or {}).items() if v is not None}}
    if indicator is not None and page in ("overview", "membership"):
        scene = _build(atlas, page, full)
        _use_indicator(atlas, scene, indicator)
        return scene
    key = ("scene", page, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in full.items())))
    return atlas.memo(key, lambda: _build(atlas, page, full), limit=64)


def _build(atlas: Atlas, page: str, values: dict) -> Scene:
    scene = _BUILDERS[page](atlas, values)
    scene.sources = list(dict.fromkeys(scene.sources))
    return scene


def page_and_query(link: str) -> tuple[str, str]:
    """Split a permalink into (page, query string without ``?``).

    Accepts a whole link (``http://host/transport?mode=ferry``; the root is the Overview), a path with a query
    (``/energy?...``) or a bare query string with a ``page`` parameter (``?page=transport&mode=ferry``; without
    one, the Overview).
    """
    from urllib.parse import parse_qsl, urlsplit

    from geo._errors import UsageError
    from geo.views import PAGES

    parts = urlsplit(link.strip())
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    named = [v for k, v in pairs if k == "page"]
    path = parts.path.strip("/").rsplit("/", 1)[-1] if parts.path.strip("/") else ""
    page = named[0] if named else (path or "overview")
    if page not in PAGES:
        raise UsageError(f"page {page!r} in the view is not one of {', '.join(PAGES)}")
    return page, parts.query


def scene_for_link(atlas: Atlas, link: str, *, indicator: pd.DataFrame | None = None) -> tuple[Scene, str, list[str]]:
    """Return (the scene a permalink shows, its normalised query string, notices about ignored parameters)."""
    from geo.views import format_view, parse_view

    page, query = page_and_query(link)
    view = parse_view(page, query, atlas)
    scene = build_scene(atlas, page, view.values, indicator=indicator)
    return scene, format_view(page, view.values), [*view.notices, *scene.notices]


def _use_indicator(atlas: Atlas, scene: Scene, indicator: pd.DataFrame) -> None:
    from geo.upload import indicator_shapes

    name = str(indicator.attrs.get("name", "My indicator"))
    unit = str(indicator.attrs.get("unit", ""))
    shapes = indicator_shapes(atlas, indicator, scene.base["fit_iso3"])
    venues = [m for m in scene.marks if m.kind == "venues"]
    legend = [Mark("legend", None, {"title": "Meetings", "position": "bottomright",
                                    "items": [("Meeting venue (held by then)", styles.VENUE_COLOUR, "dot")]})]
    scene.marks = [Mark("choropleth", shapes, {"title": f"{name} (uploaded)", "unit": unit}), *venues,
                   *(legend if venues else [])]
    scene.layers["my_indicator"] = shapes.drop(columns="tip")
    scene.base = {**scene.base, "exclude_iso3": list(dict.fromkeys([*scene.base["exclude_iso3"], *shapes["iso3"]]))}
    scene.title = f"{name} (uploaded) · {scene.title}"


# Overview ---------------------------------------------------------------------------------------------------


def _venue_marks(venues: pd.DataFrame) -> list[Mark]:
    if not len(venues):
        return []
    return [Mark("venues", venues)]


def _overview(atlas: Atlas, v: dict) -> Scene:
    from geo.export import Filters, export_frame
    from geo.joins import countries_with_status
    from geo.memberships import focus_iso3, meeting_venues, meetings_until

    as_of = v["date"]
    focus = focus_iso3(atlas)
    short = atlas.bodies.set_index("id").at[CONSULTATIVE, "short_name"]
    shapes = countries_with_status(atlas, CONSULTATIVE, as_of)
    meetings = meetings_until(atlas, as_of, body=CONSULTATIVE)
    venues = meeting_venues(meetings, atlas.country_names())
    extra = [("Meeting venue (held by then)", styles.VENUE_COLOUR, "dot")] if len(venues) else []
    title = f"{short}, {as_of.isoformat()}"
    marks = [Mark("category", shapes, {"column": "status", "styles_by_value": styles.STATUS_STYLES, "title": title,
                                       "extra_legend": extra}), *_venue_marks(venues)]
    layers = {"countries": shapes.drop(columns="tip"), "meetings": export_frame(atlas, "meetings", Filters(as_of=as_of))}
    sources = [*_ids(shapes["sources"]), *_ids(m.sources for m in meetings)]
    return Scene("overview", title, v, marks, layers, sources, {"exclude_iso3": focus, "fit_iso3": focus},
                 facts={"shapes": shapes, "meetings": meetings, "venues": venues})


# Membership -------------------------------------------------------------------------------------------------


def _membership(atlas: Atlas, v: dict) -> Scene:
    from geo import compare as cmp
    from geo.export import Filters, export_frame
    from geo.joins import comparison_shapes, countries_with_status, proposal_shapes
    from geo.memberships import focus_iso3, meeting_venues, meetings_until

    as_of, body, view = v["date"], v["body"], v["view"]
    short = atlas.bodies.set_index("id")["short_name"].to_dict()
    focus = focus_iso3(atlas)
    notices: list[str] = []
    facts: dict = {}
    chosen = list(v["compare"]) if view == "compare" else []
    venues = pd.DataFrame()
    if view == "compare" and len(chosen) >= 2:
        comparison = cmp.compare_bodies(atlas, chosen, as_of, count_as=v["count"])
        shapes = comparison_shapes(atlas, comparison)
        title = f"{' vs '.join(short[b] for b in chosen)}, {as_of.isoformat()}"
        marks = [Mark("category", shapes, {"column": "category", "styles_by_value": styles.COMPARE_STYLES,
                                           "title": title})]
        facts["comparison"] = comparison
        shown_bodies = chosen
    else:
        if view == "compare":
            notices.append("Choose two or more organisations to compare; meanwhile the map shows the organisation "
                           "picked above.")
        shown_bodies = [body]
        if view == "5plus3":
            shapes = proposal_shapes(atlas, body, as_of)
            title = f"5+3 in the {short[body]}, {as_of.isoformat()}"
            marks = [Mark("category", shapes, {"column": "status", "title": title,
                                               "styles_by_value": {**styles.STATUS_STYLES, "outside": styles.OUTSIDE_PROPOSAL}})]
            facts["coverage"] = cmp.proposal_coverage(atlas, as_of)
            shown_bodies = [body, "5plus3"]
        else:
            shapes = countries_with_status(atlas, body, as_of)
            title = f"{short[body]}, {as_of.isoformat()}"
            if body == CONSULTATIVE:
                venues = meeting_venues(meetings_until(atlas, as_of), atlas.country_names())
            extra = [("Meeting venue (held by then)", styles.VENUE_COLOUR, "dot")] if len(venues) else []
            marks = [Mark("category", shapes, {"column": "status", "styles_by_value": styles.STATUS_STYLES,
                                               "title": title, "extra_legend": extra}), *_venue_marks(venues)]
    layers = {"countries": shapes.drop(columns=[c for c in ("tip",) if c in shapes.columns])}
    if view == "organisation" and body == CONSULTATIVE:
        layers["meetings"] = export_frame(atlas, "meetings", Filters(as_of=as_of))
    facts.update(shapes=shapes, venues=venues, shown_bodies=shown_bodies)
    sources = _ids(cmp.sources_in_view(atlas, shown_bodies, as_of))
    return Scene("membership", title, v, marks, layers, sources, {"exclude_iso3": focus, "fit_iso3": focus},
                 notices, facts)


# Transport --------------------------------------------------------------------------------------------------


def _transport(atlas: Atlas, v: dict) -> Scene:
    from geo.export import Filters, export_frame
    from geo.network import NoRoute
    from geo.routing import plan_legs, plan_route
    from geo.transport import MODE_LABELS, air_lines, filter_nodes, filter_routes, node_points, route_lines

    lines_all = route_lines(atlas)
    statuses = list(styles.INFRA_STATUS_LABELS)[:4]
    segments = filter_routes(lines_all, corridor=v["corridor"], mode=v["mode"], status=v["status"], iso3=v["iso3"])
    nodes = filter_nodes(node_points(atlas), segments)
    notices: list[str] = []
    plan = legs = None
    if v["plan"]:
        try:
            plan = plan_route(atlas, v["from"], v["to"], avoid_iso3=v["avoid"], exclude_modes=v["exclude"],
                              statuses=statuses if v["future"] else ["operational"])
            legs = plan_legs(atlas, plan)
        except NoRoute as exc:
            notices.append(f"No route: {exc}.")
    segments = segments.assign(tip=[
        f'<div class="atlas-tip"><b>{escape_text(r["name"])}</b><br>{escape_text(MODE_LABELS[r["mode"]])}, '
        f'{escape_text(styles.INFRA_STATUS_LABELS[r["status"]].lower())}; {r["length_km"]:,.0f} km (approximate)</div>'
        for r in segments.to_dict("records")
    ])
    node_labels = nodes.assign(label=[f"{n} ({styles.NODE_LABELS[k]}, {styles.INFRA_STATUS_LABELS[s].lower()})"
                                      for n, k, s in zip(nodes["name"], nodes["kind"], nodes["status"])])
    legend = line_legend_items(styles.MODE_COLOURS, MODE_LABELS,
                               [s for s in statuses if s in set(segments["status"])], segments["mode"])
    legend += [(styles.NODE_LABELS[k], c, "dot-outline") for k, c in styles.NODE_COLOURS.items() if k in set(nodes["kind"])]
    marks: list[Mark] = []
    if legs is not None:
        marks.append(Mark("highlight", legs, {"colour": styles.ROUTE_HIGHLIGHT}))
        legend.append(("Planned route", styles.ROUTE_HIGHLIGHT, "line"))
    air = None
    if v["air"]:
        air = air_lines(atlas)
        air["status"] = air["operating_verified"].map({"true": "operational", "false": "stalled"}).fillna("proposed")
        air["kind"] = "air"
        air["tip"] = [
            f'<div class="atlas-tip"><b>{escape_text(r["origin_city"])} – {escape_text(r["destination_city"])}</b><br>'
            f'{escape_text(r["carrier"] or "carrier unknown")}, first flight {escape_text(r["first_flight"] or "unknown")}<br>'
            f'operating: {"verified" if r["operating_verified"] == "true" else "suspended" if r["operating_verified"] == "false" else "unknown"}</div>'
            for r in air.to_dict("records")
        ]
        marks.append(Mark("lines", air, {"colour_column": "kind", "colours": {"air": "#777777"}, "title": "Air links",
                                         "weight": 1.5, "class_prefix": "atlas-air"}))
        legend.append(("Air link (dotted: status unknown)", "#777777", "line"))
    marks += [
        Mark("lines", segments, {"colour_column": "mode", "colours": styles.MODE_COLOURS, "title": "Segments"}),
        Mark("points", node_labels, {"kind_colours": styles.NODE_COLOURS}),
        Mark("legend", None, {"title": "Transport network", "items": legend}),
    ]
    filters = Filters(corridor=tuple(v["corridor"]), mode=tuple(v["mode"]), status=tuple(v["status"]),
                      iso3=tuple(v["iso3"]))
    layers: dict[str, pd.DataFrame] = {"routes": export_frame(atlas, "routes", filters), "nodes": nodes}
    if air is not None:
        layers["air_links"] = air.drop(columns=["tip", "kind", "status"])
    if legs is not None:
        layers["planned_route"] = legs
    sources = _ids([*segments["sources"], *segments["geometry_sources"], *nodes["sources"],
                    *atlas.titr_volumes["sources"], *atlas.transit_times["sources"]])
    bounds = tuple(float(x) for x in lines_all[lines_all["corridor"].isin(["middle", "middle_southern", "cku"])].total_bounds)
    title = "Middle Corridor and comparisons" + (f" · planned route {plan.total_km:,.0f} km" if plan else "")
    return Scene("transport", title, v, marks, layers, sources, {"exclude_iso3": (), "fit_bounds": bounds}, notices,
                 {"segments": segments, "nodes": nodes, "lines_all": lines_all, "plan": plan, "legs": legs,
                  "filters": filters})


# Energy -----------------------------------------------------------------------------------------------------


def _energy(atlas: Atlas, v: dict) -> Scene:
    from geo.energy import COMMODITY_LABELS, INDICATOR_LABELS, energy_lines, filter_energy, latest_indicator
    from geo.export import Filters, export_frame
    from geo.memberships import focus_iso3

    names = atlas.country_names()
    focus = focus_iso3(atlas)
    lines_all = energy_lines(atlas)
    country, indicator = v["country"], v["indicator"]
    shown = filter_energy(lines_all, commodity=v["commodity"], status=v["status"], iso3=[country] if country else [])
    values = latest_indicator(atlas, indicator, focus)
    unit = next((u for u in values["unit"] if u), "")
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(focus)][["iso3", "geometry"]].merge(values, on="iso3")
    shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs="EPSG:4326")
    shapes["tip"] = [
        f'<div class="atlas-tip"><b>{escape_text(names[r["iso3"]])}</b><br>'
        + (f"{r['value']:,.1f} {escape_text(r['unit'])} ({int(r['year'])})" if pd.notna(r["value"]) else "no data")
        + "</div>"
        for r in shapes.to_dict("records")
    ]
    shown = shown.assign(tip=[
        f'<div class="atlas-tip"><b>{escape_text(r["name"])}</b><br>{escape_text(COMMODITY_LABELS[r["commodity"]])}, '
        f'{escape_text(styles.INFRA_STATUS_LABELS[r["status"]].lower())}; {r["length_km"]:,.0f} km (approximate)</div>'
        for r in shown.to_dict("records")
    ])
    statuses = list(styles.INFRA_STATUS_LABELS)
    legend = line_legend_items(styles.COMMODITY_COLOURS, COMMODITY_LABELS,
                               [s for s in statuses if s in set(shown["status"])], shown["commodity"])
    label = INDICATOR_LABELS.get(indicator, indicator)
    marks = [
        Mark("choropleth", shapes, {"title": label, "unit": unit}),
        Mark("lines", display_lines(shown), {"colour_column": "commodity", "colours": styles.COMMODITY_COLOURS,
                                             "title": "Links", "weight": 3.5}),
        Mark("legend", None, {"title": "Pipelines and power links", "items": legend}),
    ]
    filters = Filters(commodity=tuple(v["commodity"]), status=tuple(v["status"]), iso3=(country,) if country else ())
    layers = {"energy": export_frame(atlas, "energy", filters),
              "indicator": shapes.drop(columns="tip").assign(indicator=indicator)}
    sources = _ids([*shown["sources"], *shown["geometry_sources"], *values["sources"]])
    title = f"Pipelines and power links · {label}" + (f" · {names[country]}" if country else "")
    return Scene("energy", title, v, marks, layers, sources, {"exclude_iso3": focus, "fit_iso3": focus},
                 facts={"shown": shown, "values": values, "lines_all": lines_all, "filters": filters})


def _ids(cells) -> list[str]:
    """Source ids from semicolon-separated cells (or one string), in order, without repeats or blanks."""
    if isinstance(cells, str):
        cells = [cells]
    return list(dict.fromkeys(i for cell in cells for i in str(cell).split(";") if i))


_BUILDERS: dict[str, Callable[[Atlas, dict], Scene]] = {
    "overview": _overview, "membership": _membership, "transport": _transport, "energy": _energy,
}
