"""The network build (every segment end is a node, no dangling ends unless terminal) and shortest paths."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.network import NoRouteError, build_network, dangling_nodes, shortest_route, unused_nodes

NODES = pd.DataFrame(
    [
        ("xian", "Xi'an", "CHN", "hub", "true"),
        ("khorgos", "Khorgos", "KAZ", "rail_border_crossing", "false"),
        ("aktau", "Aktau", "KAZ", "seaport", "false"),
        ("baku", "Baku", "AZE", "seaport", "false"),
        ("moscow", "Moscow", "RUS", "hub", "false"),
        ("istanbul", "Istanbul", "TUR", "hub", "true"),
        ("orphan", "Orphan", "KAZ", "hub", "false"),
    ],
    columns=["id", "name", "iso3", "kind", "terminal"],
)
SEGMENTS = pd.DataFrame(
    [
        ("s1", "Xi'an–Khorgos", "xian", "khorgos", "rail", "operational", "middle", 2500.0, ["CHN", "KAZ"]),
        ("s2", "Khorgos–Aktau", "khorgos", "aktau", "rail", "operational", "middle", 2600.0, ["KAZ"]),
        ("s3", "Aktau–Baku ferry", "aktau", "baku", "ferry", "operational", "middle", 450.0, []),
        ("s4", "Baku–Istanbul", "baku", "istanbul", "rail", "operational", "middle", 2300.0, ["AZE", "GEO", "TUR"]),
        ("s5", "Khorgos–Moscow", "khorgos", "moscow", "rail", "operational", "northern", 3500.0, ["KAZ", "RUS"]),
        ("s6", "Moscow–Istanbul", "moscow", "istanbul", "rail", "operational", "northern", 1500.0, ["RUS", "UKR", "TUR"]),
        ("s7", "Aktau–Baku new", "aktau", "baku", "ferry", "planned", "middle", 400.0, []),
    ],
    columns=["id", "name", "from_node", "to_node", "mode", "status", "corridor", "length_km", "countries"],
)


@pytest.fixture
def graph():
    return build_network(NODES, SEGMENTS)


def test_build(graph):
    assert graph.number_of_edges() == 7 and graph.number_of_nodes() == 7
    assert graph["aktau"]["baku"]["s3"]["mode"] == "ferry"
    assert dangling_nodes(graph) == []
    assert unused_nodes(graph) == ["orphan"]


def test_dangling_end_is_reported_unless_terminal():
    nodes = NODES.copy()
    nodes.loc[nodes["id"] == "xian", "terminal"] = "false"
    assert dangling_nodes(build_network(nodes, SEGMENTS)) == ["xian"]


def test_shortest_goes_north_unless_russia_is_avoided(graph):
    plan = shortest_route(graph, "xian", "istanbul")
    assert [leg.segment for leg in plan.legs] == ["s1", "s5", "s6"]
    assert plan.total_km == pytest.approx(7500)
    avoiding = shortest_route(graph, "xian", "istanbul", avoid_iso3=["RUS"])
    assert [leg.segment for leg in avoiding.legs] == ["s1", "s2", "s3", "s4"]
    assert avoiding.sea_crossings == ["Aktau–Baku ferry"]
    assert avoiding.countries == ["CHN", "KAZ", "AZE", "TUR", "GEO"]
    assert avoiding.border_crossings == ["CHN → KAZ at Khorgos", "AZE → TUR on Baku–Istanbul"]


def test_statuses_allow_planned_links(graph):
    plan = shortest_route(graph, "aktau", "baku", statuses=["operational", "planned"])
    assert plan.legs[0].segment == "s7"


def test_no_route_names_the_constraints(graph):
    with pytest.raises(NoRouteError, match=r"no route from Xi'an to Istanbul with statuses operational; avoiding RUS; without ferry"):
        shortest_route(graph, "xian", "istanbul", avoid_iso3=["RUS"], exclude_modes=["ferry"])
    with pytest.raises(NoRouteError, match=r"Moscow lies in RUS, which the route must avoid"):
        shortest_route(graph, "xian", "moscow", avoid_iso3=["RUS"])
    with pytest.raises(NoRouteError, match=r"unknown node 'paris'"):
        shortest_route(graph, "xian", "paris")
    with pytest.raises(NoRouteError, match=r"no route from Xi'an to Orphan"):
        shortest_route(graph, "xian", "orphan")
