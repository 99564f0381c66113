"""Route planning on the atlas's transport network: the plan, as text and as GeoJSON (EPSG:4326)."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd

from geo.load import Atlas
from geo.measure import SEA, format_parts
from geo.network import NoRouteError, RoutePlan, shortest_route
from geo.transport import route_lines, transport_network


def plan_route(
    atlas: Atlas,
    origin: str,
    destination: str,
    *,
    avoid_iso3: Iterable[str] = (),
    exclude_modes: Iterable[str] = (),
    statuses: Iterable[str] = ("operational",),
) -> RoutePlan:
    """Return the shortest route between two node ids (see `geo.network.shortest_route`)."""
    unknown = [c for c in avoid_iso3 if c not in set(atlas.countries["iso3"])]
    if unknown:
        raise NoRouteError(f"unknown ISO3 code(s) to avoid: {', '.join(unknown)}")
    return shortest_route(
        transport_network(atlas), origin, destination, avoid_iso3=avoid_iso3, exclude_modes=exclude_modes, statuses=statuses
    )


def plan_legs(atlas: Atlas, plan: RoutePlan) -> gpd.GeoDataFrame:
    """Return the plan's legs in travel order as lines (EPSG:4326): leg, segment, name, mode, status, start, end
    (node names), length_km, km_by_country (text)."""
    names = dict(zip(atlas.nodes["id"], atlas.nodes["name"]))
    countries = atlas.country_names()
    lines = route_lines(atlas).set_index("id")
    rows, geometries = [], []
    for i, leg in enumerate(plan.legs, start=1):
        line = lines.loc[leg.segment]
        rows.append(
            {
                "leg": i,
                "segment": leg.segment,
                "name": leg.name,
                "mode": leg.mode,
                "status": leg.status,
                "start": names[leg.start],
                "end": names[leg.end],
                "length_km": round(leg.length_km, 1),
                "km_by_country": format_parts(line["km_by_country"], {**countries, SEA: "sea"}),
            }
        )
        geometries.append(line.geometry)
    return gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")


def plan_text(atlas: Atlas, plan: RoutePlan) -> str:
    """Return the plan as lines of text: one per leg, then the total, countries, crossings."""
    names = atlas.country_names()
    legs = plan_legs(atlas, plan)
    out = [f"{r.leg:>2}. {r.start} → {r.end}: {r.name} ({r.mode}), {r.length_km:,.0f} km" for r in legs.itertuples()]
    out.append(f"Total: {plan.total_km:,.0f} km in {len(plan.legs)} legs (geodesic, through approximate waypoints)")
    out.append(f"Countries: {', '.join(names.get(c, c) for c in plan.countries)}")
    if plan.border_crossings:
        out.append(f"Border crossings: {'; '.join(plan.border_crossings)}")
    if plan.sea_crossings:
        out.append(f"Sea crossings: {'; '.join(plan.sea_crossings)}")
    return "\n".join(out)


def plan_geojson(atlas: Atlas, plan: RoutePlan) -> dict:
    """Return the plan as a GeoJSON FeatureCollection of its legs, with the totals in a top-level ``route``."""
    import json

    doc = json.loads(plan_legs(atlas, plan).to_json(drop_id=True))
    doc["route"] = {
        "origin": plan.origin,
        "destination": plan.destination,
        "total_km": round(plan.total_km, 1),
        "countries": plan.countries,
        "border_crossings": plan.border_crossings,
        "sea_crossings": plan.sea_crossings,
    }
    return doc
