"""Reading the data files: CSV tables and GeoJSON files as text first, then checked against their `TableSpec`.

Every reader appends what is wrong to a list of `Problem`s and returns what it could read (an empty table with the
spec's columns when the file could not be used), so `geo.load.load_atlas` reports every file's problems at once.
Geometries are EPSG:4326.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import _validate as v
from geo import vocab
from geo.errors import Problem
from geo.tables import BOUNDARIES_FILE


def read_text(folder: Path, name: str, problems: list[Problem]) -> str | None:
    path = folder / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(name, None, None, None, f"the file to exist in {folder}"))
        return None
    except OSError as exc:
        problems.append(Problem(name, None, None, None, f"a readable file ({exc.strerror})"))
        return None
    if b"\x00" in raw[:4096]:
        problems.append(Problem(name, None, None, None, "a UTF-8 text file (it looks binary)"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(name, None, None, None, f"UTF-8 text (byte {exc.start}, on line {line}, is not valid UTF-8)")
        )
        return None


def read_table(folder: Path, spec: v.TableSpec, ctx: v.Context, problems: list[Problem]) -> pd.DataFrame:
    """Read one CSV table as strings and append its problems to `problems`.

    Returns the table (empty, with the spec's columns, if it could not be read).
    """
    empty = pd.DataFrame({name: pd.Series(dtype=str) for name in spec.names})
    if spec.geometry:
        return read_geotable(folder, spec, ctx, problems)
    content = read_text(folder, spec.file, problems)
    if content is None:
        return empty
    if not content.strip():
        problems.append(Problem(spec.file, None, None, None, f"a header row: {','.join(spec.names)}"))
        return empty
    try:
        df = pd.read_csv(io.StringIO(content), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        problems.append(Problem(spec.file, None, None, None, f"well-formed CSV ({str(exc).strip()})"))
        return empty
    found = len(problems)
    problems.extend(v.check_table(df, spec, ctx))
    if len(problems) > found and list(df.columns) != spec.names:
        return empty
    return df


def read_geotable(folder: Path, spec: v.TableSpec, ctx: v.Context, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Read a GeoJSON file whose feature properties are `spec`'s columns (checked as a table's, features counted
    as rows) and whose geometries must be valid and of `spec.geometry`'s types; EPSG:4326."""
    empty = gpd.GeoDataFrame({name: pd.Series(dtype=str) for name in spec.names}, geometry=[], crs="EPSG:4326")
    if read_text(folder, spec.file, problems) is None:
        return empty
    try:
        gdf = gpd.read_file(folder / spec.file)
    except Exception as exc:  # pyogrio raises several types for unreadable files; all mean the same here
        problems.append(Problem(spec.file, None, None, None, f"a GeoJSON FeatureCollection GDAL can read ({exc})"))
        return empty
    table = pd.DataFrame({c: gdf[c] for c in gdf.columns if c != "geometry"}).astype(object)
    table = table.where(table.notna(), "").astype(str)
    found = len(problems)
    problems.extend(v.check_table(table, spec, ctx))
    if len(problems) > found and list(table.columns) != spec.names:
        return empty
    for i, geom in enumerate(gdf.geometry, start=1):
        if geom is None or geom.is_empty or geom.geom_type not in spec.geometry:
            found_type = "empty" if geom is None or geom.is_empty else geom.geom_type
            problems.append(Problem(spec.file, i, "geometry", found_type, f"one of {', '.join(spec.geometry)}"))
        elif not geom.is_valid:
            problems.append(Problem(spec.file, i, "geometry", shapely.is_valid_reason(geom), "a valid geometry"))
    return gpd.GeoDataFrame(table, geometry=list(gdf.geometry), crs="EPSG:4326")


def read_boundaries(folder: Path, ctx: v.Context, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Read boundaries.geojson (EPSG:4326) and append its problems: columns, ISO codes, geometries."""
    name = BOUNDARIES_FILE
    empty = gpd.GeoDataFrame({"iso3": [], "name": [], "tier": []}, geometry=[], crs="EPSG:4326")
    if read_text(folder, name, problems) is None:
        return empty
    try:
        gdf = gpd.read_file(folder / name)
    except Exception as exc:  # pyogrio raises several types for unreadable files; all mean the same here
        problems.append(Problem(name, None, None, None, f"a GeoJSON FeatureCollection GDAL can read ({exc})"))
        return empty
    missing = [c for c in ("iso3", "name", "tier") if c not in gdf.columns]
    if missing:
        problems.append(Problem(name, None, None, ",".join(gdf.columns), f"properties iso3, name, tier (missing {', '.join(missing)})"))
        return empty
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    elif gdf.crs.to_epsg() != 4326:
        problems.append(Problem(name, None, None, str(gdf.crs), "coordinates in EPSG:4326 (longitude, latitude)"))
    seen: dict[str, int] = {}
    for i, (code, tier, geom) in enumerate(zip(gdf["iso3"], gdf["tier"], gdf.geometry), start=1):
        iso3 = "" if code is None else str(code)
        if iso3 not in ctx.iso3:
            problems.append(Problem(name, i, "iso3", iso3, "an ISO3 code listed in countries.csv"))
        elif iso3 in seen:
            problems.append(Problem(name, i, "iso3", iso3, f"one feature per country (feature {seen[iso3]} has it too)"))
        else:
            seen[iso3] = i
        if tier not in vocab.BOUNDARY_TIER:
            problems.append(Problem(name, i, "tier", str(tier), f"one of {', '.join(vocab.BOUNDARY_TIER)}"))
        if geom is None or geom.is_empty:
            problems.append(Problem(name, i, "geometry", "empty", "a Polygon or MultiPolygon"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(name, i, "geometry", geom.geom_type, "a Polygon or MultiPolygon"))
        elif not geom.is_valid:
            problems.append(Problem(name, i, "geometry", shapely.is_valid_reason(geom), "a valid geometry"))
    gdf["iso3"] = gdf["iso3"].astype(str)
    return gdf[["iso3", "name", "tier", "geometry"]]
