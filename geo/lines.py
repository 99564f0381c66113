"""Lines through named waypoints (routes, pipelines, cables), measured on the WGS84 ellipsoid.

Every line is drawn through the points the data names, in order, and is therefore approximate: it follows the
real alignment only as closely as its waypoints do. Lengths are geodesic km (`geo.measure`).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from geo.measure import SEA, countries_crossed, km_by_country, length_km


def build_lines(
    table: pd.DataFrame,
    points: pd.DataFrame,
    *,
    key: str,
    ends: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return `table` with a LineString per row through its points (EPSG:4326).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per line, with an ``id`` column.
    points : pandas.DataFrame
        Waypoints: `key` (the line id), seq, name, lat, lon, sources.
    key : str
        Column of `points` holding the line id.
    ends : pandas.DataFrame, optional
        Nodes (id, lat, lon, sources) for lines whose first and last points are the nodes named in the table's
        ``from_node`` and ``to_node`` columns; `points` then hold only the intermediate points.

    Returns
    -------
    geopandas.GeoDataFrame
        `table`'s columns plus ``waypoints`` (the names, ``" → "``-joined), ``geometry_sources`` (the points'
        source ids) and ``approximate`` (always True).
    """
    grouped = {line_id: group.sort_values("seq") for line_id, group in points.groupby(key)}
    nodes = ends.set_index("id") if ends is not None else None
    geometries, names, cited = [], [], []
    for row in table.to_dict("records"):
        group = grouped.get(row["id"], points.iloc[0:0])
        coords = list(zip(group["lon"], group["lat"]))
        labels = group["name"].tolist()
        sources = [s for cell in group["sources"] for s in cell.split(";")]
        if nodes is not None:
            start, end = nodes.loc[row["from_node"]], nodes.loc[row["to_node"]]
            coords = [(start["lon"], start["lat"]), *coords, (end["lon"], end["lat"])]
            labels = [start["name"], *labels, end["name"]]
            sources += [*start["sources"].split(";"), *end["sources"].split(";")]
        geometries.append(LineString(coords) if len(coords) >= 2 else None)
        names.append(" → ".join(labels))
        cited.append(";".join(dict.fromkeys(s for s in sources if s)))
    frame = table.copy()
    frame["waypoints"] = names
    frame["geometry_sources"] = cited
    frame["approximate"] = True
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")


def measure_lines(lines: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add geodesic ``length_km``, ``km_by_country`` ({iso3 or "sea": km}), ``countries`` (ISO3 codes crossed,
    ``";"``-joined, longest first) and, where ``published_length_km`` exists, ``length_ratio`` (computed /
    published)."""
    out = lines.copy()
    out["length_km"] = [round(length_km(g), 1) for g in out.geometry]
    parts = [km_by_country(g, boundaries) if g is not None else {} for g in out.geometry]
    out["km_by_country"] = [{k: round(v, 1) for k, v in p.items()} for p in parts]
    out["countries"] = [";".join(countries_crossed(p)) for p in parts]
    if "published_length_km" in out.columns:
        out["length_ratio"] = (out["length_km"] / out["published_length_km"]).round(3)
    return out


def filter_lines(lines: gpd.GeoDataFrame, *, iso3: Iterable[str] = (), **columns: Iterable[str]) -> gpd.GeoDataFrame:
    """Return the lines matching every filter given (a filter left empty keeps all): each keyword names a
    column and the values it may hold; `iso3` keeps lines whose ``countries`` include one of the codes."""
    keep = pd.Series(True, index=lines.index)
    for column, wanted in columns.items():
        wanted = set(wanted)
        if wanted:
            keep &= lines[column].isin(wanted)
    wanted = set(iso3)
    if wanted:
        keep &= lines["countries"].map(lambda c: bool(wanted & set(c.split(";"))))
    return lines.loc[keep]


def country_km_table(lines: gpd.GeoDataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return one row per (line, country or sea) with km: id, name, country, iso3, km."""
    rows = []
    for row in lines.to_dict("records"):
        for iso3, km in row["km_by_country"].items():
            rows.append({"id": row["id"], "name": row["name"], "iso3": iso3,
                         "country": "sea / outside any country" if iso3 == SEA else names.get(iso3, iso3), "km": km})
    return pd.DataFrame(rows, columns=["id", "name", "iso3", "country", "km"])
