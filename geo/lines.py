"""Lines through named waypoints (routes, pipelines, cables), measured on the WGS84 ellipsoid.

A line is drawn through the points the data names, in order, and is therefore approximate: it follows the
real alignment only as closely as its waypoints do. Where a published trace of the line exists (a route traced
from the operator's maps, `energy_traces.csv`), the line is drawn along the trace instead, and the named points
stay on it as cited places, each checked for its distance from the drawn line. Lengths are geodesic km
(`geo.measure`).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely
from shapely import wkt
from shapely.geometry import LineString, Point

from geo.measure import SEA, countries_crossed, distance_km, km_by_country, length_km

THROUGH_WAYPOINTS = "named waypoints"
"""``drawn_from`` of a line drawn through its named waypoints (a traced line says which trace instead)."""


def build_lines(
    table: pd.DataFrame,
    points: pd.DataFrame,
    *,
    key: str,
    ends: pd.DataFrame | None = None,
    traces: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return `table` with a LineString per row through its points (EPSG:4326), or along its trace.

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
    traces : pandas.DataFrame, optional
        Published traces (`energy_traces.csv`: link_id, trace, accuracy, join_start, join_end, sources, wkt). A
        line with a trace is drawn along it (see `along_trace`) rather than through its points.

    Returns
    -------
    geopandas.GeoDataFrame
        `table`'s columns plus ``waypoints`` (the names, ``" → "``-joined), ``geometry_sources`` (the points' and
        the trace's source ids), ``approximate`` (always True), ``drawn_from`` ("named waypoints" or the trace's
        description) and ``waypoint_offset_km`` (how far the named point farthest from the drawn line lies from
        it; 0 for a line drawn through its points).
    """
    grouped = {line_id: group.sort_values("seq") for line_id, group in points.groupby(key)}
    nodes = ends.set_index("id") if ends is not None else None
    by_line = {} if traces is None else {t["link_id"]: t for t in traces.to_dict("records")}
    geometries, names, cited, drawn, offsets = [], [], [], [], []
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
        trace = by_line.get(row["id"])
        if trace is not None and len(coords) >= 2:
            line = along_trace(wkt.loads(trace["wkt"]), coords[0], coords[-1],
                               join_start=trace["join_start"] == "true", join_end=trace["join_end"] == "true")
            sources += trace["sources"].split(";")
            drawn.append(trace_label(trace))
            offsets.append(round(max(offset_km(line, point) for point in coords), 1))
        else:
            line = LineString(coords) if len(coords) >= 2 else None
            drawn.append(THROUGH_WAYPOINTS)
            offsets.append(0.0)
        geometries.append(line)
        names.append(" → ".join(labels))
        cited.append(";".join(dict.fromkeys(s for s in sources if s)))
    frame = table.copy()
    frame["waypoints"] = names
    frame["geometry_sources"] = cited
    frame["approximate"] = True
    frame["drawn_from"] = drawn
    frame["waypoint_offset_km"] = offsets
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")


def along_trace(
    trace: LineString, first: tuple[float, float], last: tuple[float, float], *, join_start: bool, join_end: bool
) -> LineString:
    """Return `trace` run from the end nearer the `first` named point (lon, lat) to the end nearer `last`,
    joined by a straight piece to `first` and/or `last` when `join_start` / `join_end` say the trace stops
    short of the named end (e.g. a trace that begins some km from the terminal the sources name)."""
    coords = list(trace.coords)
    kept = distance_km(coords[0], first) + distance_km(coords[-1], last)
    flipped = distance_km(coords[-1], first) + distance_km(coords[0], last)
    if flipped < kept:
        coords.reverse()
    if join_start and tuple(coords[0]) != tuple(first):
        coords.insert(0, tuple(first))
    if join_end and tuple(coords[-1]) != tuple(last):
        coords.append(tuple(last))
    return LineString(coords)


def offset_km(line: LineString, point: tuple[float, float]) -> float:
    """Geodesic km from `point` (lon, lat) to the nearest point of `line` (found in degrees, measured on WGS84)."""
    nearest = line.interpolate(line.project(Point(point)))
    return distance_km(point, (nearest.x, nearest.y))


def trace_label(trace: dict) -> str:
    """Describe a trace for a reader, e.g. ``"traced route: GEM P0644 (route accuracy: high)"``."""
    accuracy = f" (route accuracy: {trace['accuracy']})" if trace.get("accuracy") else ""
    return f"traced route: {trace['trace']}{accuracy}"


def display_lines(lines: gpd.GeoDataFrame, tolerance: float = 0.003) -> gpd.GeoDataFrame:
    """Return `lines` with geometries simplified for drawing (Douglas-Peucker, `tolerance` degrees; 0.003° is
    about 300 m, a pixel at zoom 9): a traced route of thousands of points keeps the few hundred a screen can
    show. Lengths are measured on the full geometries, never on these."""
    if not len(lines):
        return lines
    simplified = shapely.simplify(lines.geometry.values, tolerance, preserve_topology=False)
    return lines.set_geometry(gpd.GeoSeries(simplified, index=lines.index, crs=lines.crs))


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
    for column, values in columns.items():
        if set(values):
            keep &= lines[column].isin(set(values))
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
