"""Load and validate the atlas data files.

Every table is read as text, checked column by column against its specification and cross-checked against
the others (ISO codes against countries.csv, source ids against sources.csv, body ids against bodies.csv).
All problems of all files are collected and raised together as one `DataError`.

The data folder is ``data/`` beside the package, or the folder named by the environment variable
``ATLAS_DATA_DIR`` (same file names), so an organisation can keep its own edition of the data.
Geometries are stored and returned in EPSG:4326 (longitude, latitude in degrees).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import _validate as v
from geo._errors import DataError, Problem
from geo.dates import partial_date_start

DATA_DIR_ENV = "ATLAS_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

STATUSES = ("member", "observer", "associate", "dialogue_partner", "partner", "guest_of_honour", "suspended", "former")
"""Membership status vocabulary. An empty status means the status is unknown."""

GROUPS = ("Central Asia", "South Caucasus", "Türkiye", "context")
BODY_KINDS = ("summit_format", "organisation", "proposal")
BOUNDARY_TIERS = ("focus", "neighbour", "context")


def _date_order(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    since, until = record.get("since", ""), record.get("until", "")
    if since and until and v.is_partial_date(since) and v.is_partial_date(until):
        if partial_date_start(until) <= partial_date_start(since):
            return [("until", until, f"a date after since ({since})")]
    return []


def _both_or_neither(a: str, b: str):
    def check(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
        if bool(record.get(a)) != bool(record.get(b)):
            return [(b if record.get(a) else a, "", f"{a} and {b} both filled or both empty")]
        return []

    return check


def _meeting_number(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    numbered, number = record.get("numbered"), record.get("number", "")
    if numbered == "true" and not number:
        return [("number", number, "a meeting number when numbered is true")]
    if numbered == "false" and number:
        return [("number", number, "an empty number when numbered is false (not a numbered meeting)")]
    return []


SOURCES = v.TableSpec(
    "sources.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("title", v.text, required=True),
        v.Column("publisher", v.text),
        v.Column("url", v.url),
        v.Column("published", v.partial_date),
        v.Column("note", v.text),
    ),
)
COUNTRIES = v.TableSpec(
    "countries.csv",
    (
        v.Column("iso3", v.iso3_code, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("group", v.one_of(*GROUPS), required=True),
        v.Column("capital", v.text),
        v.Column("capital_lat", v.number(-90, 90)),
        v.Column("capital_lon", v.number(-180, 180)),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_both_or_neither("capital_lat", "capital_lon"),),
)
BODIES = v.TableSpec(
    "bodies.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("short_name", v.text, required=True),
        v.Column("kind", v.one_of(*BODY_KINDS), required=True),
        v.Column("founded", v.partial_date),
        v.Column("proposed_members", v.known_iso3_list),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
MEMBERSHIPS = v.TableSpec(
    "memberships.csv",
    (
        v.Column("iso3", v.known_iso3, required=True),
        v.Column("body", v.known_body, required=True),
        v.Column("status", v.one_of(*STATUSES)),
        v.Column("since", v.partial_date),
        v.Column("until", v.partial_date),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_date_order,),
)
MEETINGS = v.TableSpec(
    "meetings.csv",
    (
        v.Column("number", v.number(1, 999, integer=True), unique=True),
        v.Column("numbered", v.one_of("true", "false"), required=True),
        v.Column("date", v.partial_date, required=True),
        v.Column("city", v.text, required=True),
        v.Column("host_iso3", v.known_iso3, required=True),
        v.Column("lat", v.number(-90, 90)),
        v.Column("lon", v.number(-180, 180)),
        v.Column("chair", v.text),
        v.Column("guests", v.text),
        v.Column("guest_iso3", v.known_iso3_list),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_both_or_neither("lat", "lon"), _meeting_number),
)

TABLE_SPECS = {spec.file: spec for spec in (SOURCES, COUNTRIES, BODIES, MEMBERSHIPS, MEETINGS)}
BOUNDARIES_FILE = "boundaries.geojson"
DATA_FILES = (*TABLE_SPECS, BOUNDARIES_FILE)


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: `path` if given, else ``$ATLAS_DATA_DIR``, else the repository's ``data/``."""
    if path is not None:
        return Path(path)
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(env) if env else DEFAULT_DATA_DIR


def data_signature(path: str | os.PathLike[str] | None = None) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """Return (folder, ((file, size, mtime_ns), ...)) for the data files: a cheap cache key that changes
    whenever a file is edited."""
    folder = data_dir(path)
    stats = []
    for name in DATA_FILES:
        try:
            st = (folder / name).stat()
            stats.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append((name, -1, -1))
    return str(folder.resolve()), tuple(stats)


def _read_text(folder: Path, name: str, problems: list[Problem]) -> str | None:
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
    content = _read_text(folder, spec.file, problems)
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


def _membership_overlaps(df: pd.DataFrame) -> list[Problem]:
    """Periods of one (iso3, body) must not overlap; only rows with valid dates are compared."""
    problems = []
    far_past, far_future = partial_date_start("0001"), partial_date_start("9999")
    for (iso3, body), group in df.groupby(["iso3", "body"], sort=False):
        spans = []
        for index, row in group.iterrows():
            try:
                start = partial_date_start(row["since"]) if row["since"] else far_past
                end = partial_date_start(row["until"]) if row["until"] else far_future
            except ValueError:
                continue
            spans.append((start, end, int(index) + 1, row))
        spans.sort(key=lambda s: (s[0], s[2]))
        for (s1, e1, r1, _), (s2, e2, r2, row2) in zip(spans, spans[1:]):
            if s2 < e1:
                problems.append(
                    Problem(
                        MEMBERSHIPS.file,
                        r2,
                        "since",
                        row2["since"],
                        f"a period of {iso3} in {body} that does not overlap row {r1}",
                    )
                )
    return problems


def _proposal_memberships(memberships: pd.DataFrame, bodies: pd.DataFrame) -> list[Problem]:
    proposals = set(bodies.loc[bodies["kind"] == "proposal", "id"])
    return [
        Problem(MEMBERSHIPS.file, int(i) + 1, "body", body, "a body that exists (a proposal has no members)")
        for i, body in memberships["body"].items()
        if body in proposals
    ]


def read_boundaries(folder: Path, ctx: v.Context, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Read boundaries.geojson (EPSG:4326) and append its problems: columns, ISO codes, geometries."""
    name = BOUNDARIES_FILE
    empty = gpd.GeoDataFrame({"iso3": [], "name": [], "tier": []}, geometry=[], crs="EPSG:4326")
    if _read_text(folder, name, problems) is None:
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
    for i, (iso3, tier, geom) in enumerate(zip(gdf["iso3"], gdf["tier"], gdf.geometry), start=1):
        iso3 = "" if iso3 is None else str(iso3)
        if iso3 not in ctx.iso3:
            problems.append(Problem(name, i, "iso3", iso3, "an ISO3 code listed in countries.csv"))
        elif iso3 in seen:
            problems.append(Problem(name, i, "iso3", iso3, f"one feature per country (feature {seen[iso3]} has it too)"))
        else:
            seen[iso3] = i
        if tier not in BOUNDARY_TIERS:
            problems.append(Problem(name, i, "tier", str(tier), f"one of {', '.join(BOUNDARY_TIERS)}"))
        if geom is None or geom.is_empty:
            problems.append(Problem(name, i, "geometry", "empty", "a Polygon or MultiPolygon"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(name, i, "geometry", geom.geom_type, "a Polygon or MultiPolygon"))
        elif not geom.is_valid:
            problems.append(Problem(name, i, "geometry", shapely.is_valid_reason(geom), "a valid geometry"))
    gdf["iso3"] = gdf["iso3"].astype(str)
    return gdf[["iso3", "name", "tier", "geometry"]]


@dataclass(frozen=True)
class Atlas:
    """All validated atlas data. DataFrames hold text as found (empty string = unknown), except the
    numeric coordinate columns, which are floats (NaN = unknown). `boundaries` is in EPSG:4326."""

    folder: Path
    version: str
    sources: pd.DataFrame
    countries: pd.DataFrame
    bodies: pd.DataFrame
    memberships: pd.DataFrame
    meetings: pd.DataFrame
    boundaries: gpd.GeoDataFrame

    def country_names(self) -> dict[str, str]:
        """Return {iso3: display name}."""
        return dict(zip(self.countries["iso3"], self.countries["name"]))

    def body_names(self) -> dict[str, str]:
        """Return {body id: full name}."""
        return dict(zip(self.bodies["id"], self.bodies["name"]))


def data_version(folder: Path) -> str:
    """Return a short content hash of the data files, for export metadata and cache keys."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        path = folder / name
        digest.update(name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _to_float(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    df = df.copy()
    for column in columns:
        df[column] = pd.to_numeric(df[column].replace("", None), errors="coerce").astype(float)
    return df


def load_atlas(path: str | os.PathLike[str] | None = None) -> Atlas:
    """Load and validate every data file of the atlas.

    Parameters
    ----------
    path : path-like, optional
        Data folder; default ``$ATLAS_DATA_DIR`` or the repository's ``data/``.

    Returns
    -------
    Atlas

    Raises
    ------
    DataError
        Listing every problem found in every file (file, 1-based row, column, value, what was expected).
    """
    folder = data_dir(path)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, None, None, f"a folder holding {', '.join(DATA_FILES)}")])

    sources = read_table(folder, SOURCES, v.Context(), problems)
    ctx = v.Context(sources=set(sources["id"]))
    countries = read_table(folder, COUNTRIES, ctx, problems)
    ctx = v.Context(iso3=set(countries["iso3"]), sources=ctx.sources)
    bodies = read_table(folder, BODIES, ctx, problems)
    ctx = v.Context(iso3=ctx.iso3, sources=ctx.sources, bodies=set(bodies["id"]))
    memberships = read_table(folder, MEMBERSHIPS, ctx, problems)
    problems.extend(_membership_overlaps(memberships))
    problems.extend(_proposal_memberships(memberships, bodies))
    meetings = read_table(folder, MEETINGS, ctx, problems)
    boundaries = read_boundaries(folder, ctx, problems)
    if problems:
        raise DataError(problems)
    return Atlas(
        folder=folder,
        version=data_version(folder),
        sources=sources,
        countries=_to_float(countries, ["capital_lat", "capital_lon"]),
        bodies=bodies,
        memberships=memberships,
        meetings=_to_float(meetings, ["lat", "lon"]),
        boundaries=boundaries,
    )
