"""The Middle Corridor and its comparisons as layers: nodes, measured route segments, air links, the network.

Geometries in EPSG:4326; lengths geodesic km on WGS84. Route lines run through named waypoints and are approximate.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from geo.lines import build_lines, filter_lines, measure_lines
from geo.load import Atlas
from geo.measure import GEOD, add_parts, distance_km
from geo.network import build_network
from geo.published import by_country_table, with_published


def node_points(atlas: Atlas) -> gpd.GeoDataFrame:
    """Return the nodes as points (EPSG:4326). Built once per atlas and shared: treat it as read-only."""

    def build() -> gpd.GeoDataFrame:
        nodes = atlas.nodes
        return gpd.GeoDataFrame(nodes.copy(), geometry=gpd.points_from_xy(nodes["lon"], nodes["lat"]), crs="EPSG:4326")

    return atlas.memo(("node_points",), build)


def _route_lines(atlas: Atlas) -> gpd.GeoDataFrame:
    lines = build_lines(atlas.routes, atlas.route_waypoints, key="route_id", ends=atlas.nodes)
    return with_published(measure_lines(lines, atlas.boundaries), atlas.published_km)


def route_lines(atlas: Atlas) -> gpd.GeoDataFrame:
    """Return every route segment as a measured line: the routes.csv columns plus waypoints, geometry_sources,
    approximate, length_km (geodesic), km_by_country, countries, length_ratio and published_km_by_country (its
    sources added to ``sources``). Computed once per atlas."""
    return atlas.memo(("route_lines",), lambda: _route_lines(atlas))


def transport_network(atlas: Atlas) -> nx.MultiGraph:
    """Return the network graph of `geo.network.build_network` for the atlas's nodes and measured segments."""

    def build() -> nx.MultiGraph:
        lines = route_lines(atlas).assign(countries=lambda f: f["countries"].map(lambda c: [x for x in c.split(";") if x]))
        return build_network(atlas.nodes, lines)

    return atlas.memo(("transport_network",), build)


def filter_routes(
    lines: gpd.GeoDataFrame,
    *,
    corridor: Iterable[str] = (),
    mode: Iterable[str] = (),
    status: Iterable[str] = (),
    iso3: Iterable[str] = (),
) -> gpd.GeoDataFrame:
    """Return the segments matching every filter given (a filter left empty keeps all); `iso3` keeps segments
    that cross one of the countries."""
    return filter_lines(lines, corridor=corridor, mode=mode, status=status, iso3=iso3)


def filter_nodes(
    nodes: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, *, iso3: Iterable[str] = (), status: Iterable[str] = ()
) -> gpd.GeoDataFrame:
    """Return the nodes at the ends of `segments`, further limited to `iso3` and `status` if given."""
    used = set(segments["from_node"]) | set(segments["to_node"])
    keep = nodes["id"].isin(used)
    if set(iso3):
        keep &= nodes["iso3"].isin(set(iso3))
    if set(status):
        keep &= nodes["status"].isin(set(status))
    return nodes.loc[keep]


def corridor_summary(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return km by corridor and mode: corridor, segments, total_km, rail_km, sea_km (ferry + sea)."""
    totals: dict[str, list] = {}  # corridor → [segments, total, rail, sea], in order of first appearance
    for corridor, mode, km in zip(lines["corridor"], lines["mode"], lines["length_km"]):
        row = totals.setdefault(corridor, [0, 0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += km
        row[2] += km if mode == "rail" else 0.0
        row[3] += km if mode in ("ferry", "sea") else 0.0
    rows = [(corridor, n, round(total), round(rail), round(sea)) for corridor, (n, total, rail, sea) in totals.items()]
    return pd.DataFrame(rows, columns=["corridor", "segments", "total_km", "rail_km", "sea_km"])


def air_lines(atlas: Atlas, *, points: int = 24) -> gpd.GeoDataFrame:
    """Return the air links as great-circle arcs (EPSG:4326) with their geodesic length_km."""
    frame = atlas.air_links.copy()
    geometries, lengths = [], []
    for r in frame.to_dict("records"):
        lon1, lat1, lon2, lat2 = r["origin_lon"], r["origin_lat"], r["destination_lon"], r["destination_lat"]
        inner = GEOD.npts(lon1, lat1, lon2, lat2, points)
        geometries.append(LineString([(lon1, lat1), *inner, (lon2, lat2)]))
        lengths.append(round(distance_km((lon1, lat1), (lon2, lat2)), 1))
    frame["length_km"] = lengths
    frame["approximate"] = False
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")


def published_vs_computed(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the lines with a published length: id, name, published_length_km, length_km, length_ratio."""
    with_published = lines[lines["published_length_km"].notna()]
    return with_published[["id", "name", "published_length_km", "length_km", "length_ratio"]].reset_index(drop=True)


def named_route_lengths(atlas: Atlas) -> pd.DataFrame:
    """Return the named routes (e.g. the Baku–Tbilisi–Kars railway) with the computed length of their segments
    next to the published one: id, name, segments, published_length_km, length_km, length_ratio, km_by_country
    (their segments' added up), published_km_by_country, note, sources (the published split's included).
    Computed once per loaded atlas (a copy is returned)."""
    return atlas.memo(("named_route_lengths",), lambda: _named_route_lengths(atlas)).copy()


def _named_route_lengths(atlas: Atlas) -> pd.DataFrame:
    lines = route_lines(atlas).set_index("id")
    frame = atlas.named_routes.copy()
    segments = [[s for s in cell.split(";") if s] for cell in frame["segments"]]
    frame["length_km"] = [round(sum(lines.at[s, "length_km"] for s in ids), 1) for ids in segments]
    frame["length_ratio"] = (frame["length_km"] / frame["published_length_km"]).round(3)
    frame["km_by_country"] = [add_parts([lines.at[s, "km_by_country"] for s in ids]) for ids in segments]
    frame = with_published(frame, atlas.published_km)
    return frame[["id", "name", "segments", "published_length_km", "length_km", "length_ratio", "km_by_country",
                  "published_km_by_country", "note", "sources"]]


def nearest_feature(frame: gpd.GeoDataFrame, lat: float, lon: float, *, max_deg: float) -> str | None:
    """Return the id of the feature of `frame` (EPSG:4326) nearest to a clicked point, if within `max_deg`
    degrees (a screen-sized tolerance the caller scales with the zoom level), else None."""
    import shapely
    from shapely.geometry import Point

    if len(frame) == 0:
        return None
    # Planar distance in degrees on purpose: the tolerance is about the screen, not the ground.
    distances = shapely.distance(frame.geometry.to_numpy(), Point(lon, lat))
    best = int(np.argmin(distances))
    return str(frame["id"].iloc[best]) if distances[best] <= max_deg else None


COMPARISON_JOURNEYS = (
    ("middle", "Middle Corridor", "xian", "prague", {"avoid_iso3": ["RUS"]}),
    ("northern", "Northern corridor", "xian", "duisburg", {"exclude_modes": ["ferry", "sea"]}),
    ("maritime", "Maritime route via Suez", "shanghai-port", "rotterdam-port", {"exclude_modes": ["rail", "ferry", "road"]}),
)
"""Representative China → Europe journeys for comparing corridors: (corridor, label, from node, to node,
constraints). The distances come from the network; a journey whose nodes are missing from the data is skipped."""


def corridor_journeys(atlas: Atlas) -> pd.DataFrame:
    """Return the distance of each `COMPARISON_JOURNEYS` journey on the network next to the published transit
    times of its corridor: corridor, journey, km, legs, sea_km, days (published ranges, with their origin and
    destination). Computed once per loaded atlas (a copy is returned)."""
    return atlas.memo(("corridor_journeys",), lambda: _corridor_journeys(atlas)).copy()


def _corridor_journeys(atlas: Atlas) -> pd.DataFrame:
    from geo.network import NoRouteError, shortest_route

    graph = transport_network(atlas)
    names = dict(zip(atlas.nodes["id"], atlas.nodes["name"]))
    rows = []
    for corridor, label, start, end, constraints in COMPARISON_JOURNEYS:
        if start not in graph or end not in graph:
            continue
        try:
            plan = shortest_route(graph, start, end, statuses=["operational"], **constraints)
        except NoRouteError:
            continue
        times = atlas.transit_times[atlas.transit_times["corridor"] == corridor]
        days = "; ".join(
            f"{t['days_min']:g}–{t['days_max']:g} days ({t['origin']} → {t['destination']})" for t in times.to_dict("records")
        )
        rows.append(
            {
                "corridor": label,
                "journey": f"{names[start]} → {names[end]}",
                "km": round(plan.total_km),
                "legs": len(plan.legs),
                "sea_km": round(sum(leg.length_km for leg in plan.legs if leg.mode in ("ferry", "sea"))),
                "published_days": days,
            }
        )
    return pd.DataFrame(rows, columns=["corridor", "journey", "km", "legs", "sea_km", "published_days"])


def tables_for_readers(atlas: Atlas, segments: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """The Transport page's tables in words and numbers: km by corridor of `segments` (``corridors``) and by
    country (``route km``), the corridors' journeys, the published transit times, the TITR volumes (and the cargo
    by year, for a chart), and the published lengths of the named routes and of `segments` beside the computed
    ones, whole (``lengths``) and by country (``by country``). What does not depend on `segments` is built once
    per atlas."""
    from geo import vocab
    from geo.lines import country_km_table
    from geo.text import for_readers

    static = atlas.memo(("transport_tables",), lambda: _static_tables(atlas))
    names = atlas.country_names()
    segments = pd.DataFrame(segments[["id", "name", "corridor", "mode", "length_km", "length_ratio", "published_length_km",
                                      "km_by_country", "published_km_by_country"]])  # no geometry: much faster
    route_km = (country_km_table(segments, names).groupby("country", as_index=False)["km"].sum()
                .sort_values("km", ascending=False).rename(columns={"country": "Country", "km": "Route km"}).round(0))
    lengths = pd.concat([published_vs_computed(segments).assign(kind="segment"), static["named lengths"]],
                        ignore_index=True)
    return {
        "corridors": for_readers(corridor_summary(segments), {
            "corridor": "Corridor", "segments": "Segments", "total_km": "Total km", "rail_km": "Rail km",
            "sea_km": "Sea and ferry km"}, {"corridor": vocab.CORRIDOR}),
        "route km": route_km,
        "journeys": static["journeys"],
        "transit times": static["transit times"],
        "volumes": static["volumes"],
        "cargo by year": static["cargo by year"],
        "lengths": for_readers(lengths, {
            "name": "Line", "kind": "Kind", "published_length_km": "Published km", "length_km": "Computed km",
            "length_ratio": "Computed / published"}, digits=3),
        "by country": pd.concat([static["named by country"], by_country_table(segments, names)], ignore_index=True),
    }


def view_tables(atlas: Atlas, segments: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """`tables_for_readers` for `segments`, rows of `route_lines` (as a view's filters leave them), remembered
    per set of segments for this atlas (the last 64): shared, treat them as read-only."""
    return atlas.memo(("transport_view_tables", tuple(segments["id"])), lambda: tables_for_readers(atlas, segments),
                      limit=64)


def _static_tables(atlas: Atlas) -> dict[str, pd.DataFrame]:
    """The parts of `tables_for_readers` that are the same for every view."""
    from geo import vocab
    from geo.text import for_readers

    columns = ["id", "name", "published_length_km", "length_km", "length_ratio"]
    return {
        "journeys": for_readers(corridor_journeys(atlas), {
            "corridor": "Corridor", "journey": "Journey", "km": "km on the network", "legs": "Legs",
            "sea_km": "of which by sea", "published_days": "Published transit times"}),
        "transit times": for_readers(atlas.transit_times, {
            "corridor": "Corridor", "origin": "From", "destination": "To", "days_min": "Days (fewest)",
            "days_max": "Days (most)", "year": "Year", "note": "Note", "sources": "Sources"}, {"corridor": vocab.CORRIDOR}),
        "volumes": for_readers(atlas.titr_volumes, {
            "year": "Year", "cargo_mt": "Cargo (million tonnes)", "teu": "Containers (TEU)", "note": "Note",
            "sources": "Sources"}, digits=3),
        "cargo by year": atlas.titr_volumes.dropna(subset=["cargo_mt"]).assign(
            year=lambda f: f["year"].astype(int).astype(str))[["year", "cargo_mt"]].reset_index(drop=True),
        "named lengths": named_route_lengths(atlas)[columns].assign(kind="named route"),
        "named by country": by_country_table(named_route_lengths(atlas), atlas.country_names()),
    }
