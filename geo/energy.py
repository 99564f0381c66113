"""Pipelines and power links as measured lines, and country indicators for a choropleth.

Geometries in EPSG:4326; lengths geodesic km on WGS84. Lines run through named waypoints, or along a published
trace of the route where `energy_traces.csv` has one, and are approximate either way.
An indicator a source does not give stays missing (NaN) and is shown as "no data", never as zero.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo.lines import build_lines, filter_lines, measure_lines
from geo.load import Atlas
from geo.published import by_country_table, with_published


def _energy_lines(atlas: Atlas) -> gpd.GeoDataFrame:
    lines = build_lines(atlas.energy_links, atlas.energy_waypoints, key="link_id", traces=atlas.energy_traces)
    return with_published(measure_lines(lines, atlas.boundaries), atlas.published_km)


def energy_lines(atlas: Atlas) -> gpd.GeoDataFrame:
    """Return every pipeline and power link as a measured line: the energy_links.csv columns plus waypoints,
    geometry_sources, approximate, drawn_from, waypoint_offset_km, length_km, km_by_country, countries,
    length_ratio and published_km_by_country (its sources added to ``sources``). Computed once per atlas."""
    return atlas.memo(("energy_lines",), lambda: _energy_lines(atlas))


def filter_energy(
    lines: gpd.GeoDataFrame, *, commodity: Iterable[str] = (), status: Iterable[str] = (), iso3: Iterable[str] = ()
) -> gpd.GeoDataFrame:
    """Return the links matching every filter given; `iso3` keeps links that start, end or pass in a country."""
    return filter_lines(lines, commodity=commodity, status=status, iso3=iso3)


def capacity_totals(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return capacity summed by commodity and unit (links without a capacity are counted apart, not as zero):
    commodity, capacity_unit, links, with_capacity, total_capacity."""
    rows = []
    for (commodity, unit), group in lines.groupby(["commodity", lines["capacity_unit"]], sort=True):
        known = group["capacity"].dropna()
        rows.append({"commodity": commodity, "capacity_unit": unit, "links": len(group),
                     "with_capacity": len(known), "total_capacity": known.sum() if len(known) else None})
    return pd.DataFrame(rows, columns=["commodity", "capacity_unit", "links", "with_capacity", "total_capacity"])


def km_by_status(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return computed km by status: status, links, km."""
    grouped = lines.groupby("status", sort=False).agg(links=("id", "size"), km=("length_km", "sum"))
    return grouped.reset_index().assign(km=lambda f: f["km"].round())


def published_by_country(lines: gpd.GeoDataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return the links of `lines` that have a published split, their km by country published and computed, in
    words: Line, Country, Published km, Computed km ("not recorded" where no source gives a country's km)."""
    return by_country_table(lines, names)


def latest_indicator(atlas: Atlas, indicator: str, iso3: list[str]) -> pd.DataFrame:
    """Return one row per country in `iso3`: iso3, value (NaN = no data), year, unit, sources — the latest year
    the data holds for `indicator`."""
    rows = atlas.indicators[atlas.indicators["indicator"] == indicator].sort_values("year")
    latest = rows.groupby("iso3").tail(1).set_index("iso3")
    frame = pd.DataFrame({"iso3": iso3})
    for column in ("value", "year", "unit", "sources"):
        frame[column] = frame["iso3"].map(latest[column]) if len(latest) else None
    frame["unit"] = frame["unit"].fillna("")
    frame["sources"] = frame["sources"].fillna("")
    return frame


def links_of_country(lines: gpd.GeoDataFrame, iso3: str) -> gpd.GeoDataFrame:
    """Return the links that start, end or pass through `iso3`."""
    return lines[lines["countries"].map(lambda c: iso3 in c.split(";"))]
