"""The transport network as a graph: nodes (ports, border crossings, hubs) joined by segments, and the shortest
route between two nodes by geodesic distance, with countries to avoid, modes to exclude and statuses to allow.

Segments are undirected. Lengths are geodesic kilometres on the WGS84 ellipsoid (see `geo.measure`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd


class NoRouteError(ValueError):
    """No path joins the two nodes under the chosen constraints; the message says which constraints."""


def build_network(nodes: pd.DataFrame, segments: pd.DataFrame) -> nx.MultiGraph:
    """Return a MultiGraph with one node per row of `nodes` (attributes: name, iso3, kind, terminal) and one
    edge per segment (key: segment id; attributes: name, mode, status, corridor, length_km, countries).

    `segments` needs columns id, name, from_node, to_node, mode, status, corridor, length_km and countries (a
    list of ISO3 codes crossed, without the sea).
    """
    graph = nx.MultiGraph()
    for row in nodes.to_dict("records"):
        graph.add_node(row["id"], name=row["name"], iso3=row["iso3"], kind=row["kind"], terminal=row["terminal"] == "true")
    for row in segments.to_dict("records"):
        graph.add_edge(
            row["from_node"],
            row["to_node"],
            key=row["id"],
            name=row["name"],
            mode=row["mode"],
            status=row["status"],
            corridor=row["corridor"],
            length_km=float(row["length_km"]),
            countries=list(row["countries"]),
        )
    return graph


def dangling_nodes(graph: nx.MultiGraph) -> list[str]:
    """Return nodes that end a single segment without being marked terminal (likely a data gap)."""
    return sorted(n for n, d in graph.degree() if d == 1 and not graph.nodes[n]["terminal"])


def unused_nodes(graph: nx.MultiGraph) -> list[str]:
    """Return nodes no segment touches."""
    return sorted(n for n, d in graph.degree() if d == 0)


@dataclass(frozen=True)
class Leg:
    segment: str
    name: str
    mode: str
    status: str
    start: str
    end: str
    length_km: float
    countries: list[str]


@dataclass(frozen=True)
class RoutePlan:
    """A path through the network: its legs in travel order, the total, what it crosses."""

    origin: str
    destination: str
    legs: list[Leg]
    nodes: list[str]
    countries: list[str] = field(default_factory=list)
    border_crossings: list[str] = field(default_factory=list)
    """Land border crossings as ``"CHN → KAZ at Khorgos"`` (a border-crossing node) or ``"... on <segment>"``."""
    sea_crossings: list[str] = field(default_factory=list)

    @property
    def total_km(self) -> float:
        return sum(leg.length_km for leg in self.legs)


def shortest_route(
    graph: nx.MultiGraph,
    origin: str,
    destination: str,
    *,
    avoid_iso3: Iterable[str] = (),
    exclude_modes: Iterable[str] = (),
    statuses: Iterable[str] = ("operational",),
) -> RoutePlan:
    """Return the shortest path (geodesic km) from `origin` to `destination`.

    Parameters
    ----------
    avoid_iso3 : iterable of str
        Countries the route may not enter: segments crossing them and nodes in them are left out.
    exclude_modes : iterable of str
        Modes (rail, ferry, sea, road) not to use.
    statuses : iterable of str
        Segment statuses allowed (default operational only).

    Raises
    ------
    NoRouteError
        If a node is unknown, lies in an avoided country, or no path exists; the message names the constraints.
    """
    avoid, no_modes, allowed = set(avoid_iso3), set(exclude_modes), set(statuses)
    for node in (origin, destination):
        if node not in graph:
            raise NoRouteError(f"unknown node {node!r}; expected an id from nodes.csv")
        if graph.nodes[node]["iso3"] in avoid:
            raise NoRouteError(f"{graph.nodes[node]['name']} lies in {graph.nodes[node]['iso3']}, which the route must avoid")
    if origin == destination:
        raise NoRouteError("origin and destination are the same node")
    simple = nx.Graph()
    simple.add_nodes_from(n for n, d in graph.nodes(data=True) if d["iso3"] not in avoid)
    for u, v, key, d in graph.edges(keys=True, data=True):
        if u not in simple or v not in simple:
            continue
        if d["mode"] in no_modes or d["status"] not in allowed or avoid & set(d["countries"]):
            continue
        if not simple.has_edge(u, v) or simple[u][v]["length_km"] > d["length_km"]:
            simple.add_edge(u, v, key=key, **d)
    try:
        path = nx.shortest_path(simple, origin, destination, weight="length_km")
    except nx.NetworkXNoPath:
        constraints = [f"statuses {', '.join(sorted(allowed))}"]
        if avoid:
            constraints.append(f"avoiding {', '.join(sorted(avoid))}")
        if no_modes:
            constraints.append(f"without {', '.join(sorted(no_modes))}")
        raise NoRouteError(
            f"no route from {graph.nodes[origin]['name']} to {graph.nodes[destination]['name']} with "
            + "; ".join(constraints)
        ) from None
    legs = []
    for a, b in itertools.pairwise(path):
        d = simple[a][b]
        legs.append(Leg(d["key"], d["name"], d["mode"], d["status"], a, b, d["length_km"], d["countries"]))
    countries: list[str] = []
    for node_id in path:
        iso3 = graph.nodes[node_id]["iso3"]
        if iso3 not in countries:
            countries.append(iso3)
    for leg in legs:
        for iso3 in leg.countries:
            if iso3 not in countries:
                countries.append(iso3)
    borders = []
    for leg in legs:
        a, b = graph.nodes[leg.start], graph.nodes[leg.end]
        if a["iso3"] == b["iso3"] or leg.mode in ("ferry", "sea"):
            continue
        at = next((n["name"] for n in (b, a) if n["kind"] == "rail_border_crossing"), None)
        borders.append(f"{a['iso3']} → {b['iso3']} " + (f"at {at}" if at else f"on {leg.name}"))
    seas = [leg.name for leg in legs if leg.mode in ("ferry", "sea")]
    return RoutePlan(origin, destination, legs, path, countries, borders, seas)
