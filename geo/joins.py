"""Joins of country boundaries with cooperation attributes. Geometries stay in EPSG:4326."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo.load import Atlas
from geo.memberships import statuses_as_of


def _check_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError(f"boundaries must be in EPSG:4326, found {gdf.crs}")
    return gdf


def countries_with_status(
    atlas: Atlas, body: str, as_of: dt.date | str | None = None, *, iso3: list[str] | None = None
) -> gpd.GeoDataFrame:
    """Return the boundaries of `iso3` (default the focus countries) with their status in `body` on `as_of`.

    Columns: iso3, name, status, since, until, note, sources, geometry (EPSG:4326). Countries without a boundary
    are left out.
    """
    table = statuses_as_of(atlas, body, as_of, iso3=iso3)
    shapes = _check_crs(atlas.boundaries)[["iso3", "geometry"]]
    merged = shapes.merge(table, on="iso3", how="inner")
    order = {code: i for i, code in enumerate(table["iso3"])}
    merged = merged.sort_values("iso3", key=lambda s: s.map(order)).reset_index(drop=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def countries_with_cooperation(
    atlas: Atlas, as_of: dt.date | str | None = None, *, iso3: list[str] | None = None
) -> gpd.GeoDataFrame:
    """Return country boundaries joined with their status in every body (not proposals) on `as_of`.

    Columns: iso3, name, group, capital, capital_lat, capital_lon, one ``status_<body>`` column per body
    (``none`` = not a participant, ``unknown`` = status unknown), sources (the country row's and the
    membership rows' source ids, semicolon-separated), geometry (EPSG:4326). Default countries: all with a
    boundary.
    """
    boundaries = _check_crs(atlas.boundaries)
    codes = iso3 if iso3 is not None else boundaries["iso3"].tolist()
    countries = atlas.countries.set_index("iso3")
    frame = pd.DataFrame({"iso3": codes})
    frame = frame.join(countries[["name", "group", "capital", "capital_lat", "capital_lon"]], on="iso3")
    cited: dict[str, list[str]] = {c: countries.at[c, "sources"].split(";") for c in codes if c in countries.index}
    for body in atlas.bodies_with_members()["id"]:
        table = statuses_as_of(atlas, body, as_of, iso3=codes).set_index("iso3")
        frame[f"status_{body}"] = frame["iso3"].map(table["status"])
        for code, sources in table["sources"].items():
            if sources:
                cited.setdefault(code, []).extend(sources.split(";"))
    frame["sources"] = [";".join(dict.fromkeys(cited.get(c, []))) for c in frame["iso3"]]
    merged = boundaries[["iso3", "geometry"]].merge(frame, on="iso3", how="inner")
    columns = [*frame.columns, "geometry"]
    return gpd.GeoDataFrame(merged[columns], geometry="geometry", crs="EPSG:4326")


def comparison_shapes(atlas: Atlas, comparison) -> gpd.GeoDataFrame:
    """Return the boundaries of a `geo.compare.Comparison`'s countries with columns iso3, name, category,
    bodies and geometry (EPSG:4326)."""
    merged = _check_crs(atlas.boundaries)[["iso3", "geometry"]].merge(comparison.table, on="iso3", how="inner")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def proposal_shapes(atlas: Atlas, body: str, as_of: dt.date | str | None = None, *, proposal: str = "5plus3") -> gpd.GeoDataFrame:
    """Return the focus countries with their status in `body` on `as_of`; countries outside the proposed
    platform get status ``outside``. Columns as `countries_with_status`."""
    from geo.compare import proposal_countries

    inside = set(proposal_countries(atlas, proposal))
    shapes = countries_with_status(atlas, body, as_of)
    shapes.loc[~shapes["iso3"].isin(inside), "status"] = "outside"
    return shapes


def country_at(boundaries: gpd.GeoDataFrame, lat: float, lon: float) -> str | None:
    """Return the ISO3 code of the country containing the point (degrees, EPSG:4326), or None (sea)."""
    from shapely.geometry import Point

    hits = boundaries.loc[boundaries.geometry.intersects(Point(lon, lat)), "iso3"]
    return None if hits.empty else str(hits.iloc[0])
