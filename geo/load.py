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
import threading
from dataclasses import dataclass, field
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

INFRA_STATUSES = ("operational", "under_construction", "planned", "proposed")
ENERGY_STATUSES = (*INFRA_STATUSES, "stalled")
NODE_KINDS = ("seaport", "rail_border_crossing", "hub", "ferry_terminal")
CORRIDORS = ("middle", "middle_southern", "cku", "northern", "maritime")
MODES = ("rail", "ferry", "sea", "road")
ENERGY_KINDS = ("pipeline", "power_line")
COMMODITIES = ("oil", "gas", "electricity")
CAPACITY_UNITS = ("bcm/yr", "bbl/d", "Mt/yr", "MW")
TRACE_MAX_POINTS = 20_000
"""Most points one traced route in energy_traces.csv may hold (a trace is drawn simplified; this bounds the file)."""


def _capacity_unit(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    if record.get("capacity") and not record.get("capacity_unit"):
        return [("capacity_unit", "", "a unit when capacity is given (e.g. Mt/yr, TEU/yr)")]
    return []


def _days_order(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    try:
        low, high = float(record["days_min"]), float(record["days_max"])
    except (KeyError, ValueError):
        return []
    return [("days_max", record["days_max"], f"at least days_min ({record['days_min']})")] if high < low else []


def _point_columns() -> tuple[v.Column, ...]:
    return (
        v.Column("seq", v.number(1, 9999, integer=True), required=True),
        v.Column("name", v.text, required=True),
        v.Column("lat", v.number(-90, 90), required=True),
        v.Column("lon", v.number(-180, 180), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    )


NODES = v.TableSpec(
    "nodes.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("kind", v.one_of(*NODE_KINDS), required=True),
        v.Column("iso3", v.known_iso3, required=True),
        v.Column("lat", v.number(-90, 90), required=True),
        v.Column("lon", v.number(-180, 180), required=True),
        v.Column("status", v.one_of(*INFRA_STATUSES), required=True),
        v.Column("opened", v.partial_date),
        v.Column("capacity", v.number(0, 1e12)),
        v.Column("capacity_unit", v.text),
        v.Column("terminal", v.one_of("true", "false"), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_capacity_unit,),
)
ROUTES = v.TableSpec(
    "routes.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("corridor", v.one_of(*CORRIDORS), required=True),
        v.Column("mode", v.one_of(*MODES), required=True),
        v.Column("status", v.one_of(*INFRA_STATUSES), required=True),
        v.Column("opened", v.partial_date),
        v.Column("capacity", v.number(0, 1e12)),
        v.Column("capacity_unit", v.text),
        v.Column("published_length_km", v.number(0.1, 40000)),
        v.Column("from_node", v.known_id("nodes.csv"), required=True),
        v.Column("to_node", v.known_id("nodes.csv"), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_capacity_unit,),
)
NAMED_ROUTES = v.TableSpec(
    "named_routes.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("segments", v.known_id_list("routes.csv"), required=True),
        v.Column("published_length_km", v.number(0.1, 40000), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
ROUTE_WAYPOINTS = v.TableSpec(
    "route_waypoints.csv", (v.Column("route_id", v.known_id("routes.csv"), required=True), *_point_columns())
)
AIR_LINKS = v.TableSpec(
    "air_links.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("origin_iso3", v.known_iso3, required=True),
        v.Column("origin_city", v.text, required=True),
        v.Column("origin_lat", v.number(-90, 90), required=True),
        v.Column("origin_lon", v.number(-180, 180), required=True),
        v.Column("destination_iso3", v.known_iso3, required=True),
        v.Column("destination_city", v.text, required=True),
        v.Column("destination_lat", v.number(-90, 90), required=True),
        v.Column("destination_lon", v.number(-180, 180), required=True),
        v.Column("carrier", v.text),
        v.Column("first_flight", v.partial_date),
        v.Column("operating_verified", v.one_of("true", "false")),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
TITR_VOLUMES = v.TableSpec(
    "titr_volumes.csv",
    (
        v.Column("year", v.number(1990, 2100, integer=True), required=True, unique=True),
        v.Column("cargo_mt", v.number(0, 1e4)),
        v.Column("teu", v.number(0, 1e9)),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
TRANSIT_TIMES = v.TableSpec(
    "transit_times.csv",
    (
        v.Column("corridor", v.one_of("middle", "northern", "maritime"), required=True),
        v.Column("origin", v.text, required=True),
        v.Column("destination", v.text, required=True),
        v.Column("days_min", v.number(0, 365), required=True),
        v.Column("days_max", v.number(0, 365), required=True),
        v.Column("year", v.number(1990, 2100, integer=True)),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_days_order,),
)
ENERGY_LINKS = v.TableSpec(
    "energy_links.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("kind", v.one_of(*ENERGY_KINDS), required=True),
        v.Column("commodity", v.one_of(*COMMODITIES), required=True),
        v.Column("status", v.one_of(*ENERGY_STATUSES), required=True),
        v.Column("opened", v.partial_date),
        v.Column("agreement_date", v.partial_date),
        v.Column("capacity", v.number(0, 1e9)),
        v.Column("capacity_unit", v.one_of(*CAPACITY_UNITS)),
        v.Column("published_length_km", v.number(0.1, 40000)),
        v.Column("operator", v.text),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_capacity_unit,),
)
ENERGY_WAYPOINTS = v.TableSpec(
    "energy_waypoints.csv", (v.Column("link_id", v.known_id("energy_links.csv"), required=True), *_point_columns())
)
ENERGY_TRACES = v.TableSpec(
    "energy_traces.csv",
    (
        v.Column("link_id", v.known_id("energy_links.csv"), required=True, unique=True),
        v.Column("trace", v.text, required=True),
        v.Column("accuracy", v.text),
        v.Column("join_start", v.one_of("true", "false"), required=True),
        v.Column("join_end", v.one_of("true", "false"), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
        v.Column("wkt", v.line_wkt(TRACE_MAX_POINTS), required=True),
    ),
)
INDICATORS = v.TableSpec(
    "indicators.csv",
    (
        v.Column("iso3", v.known_iso3, required=True),
        v.Column("indicator", v.slug, required=True),
        v.Column("year", v.number(1990, 2100, integer=True), required=True),
        v.Column("value", v.number(-1e15, 1e15), required=True),
        v.Column("unit", v.text, required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)

STORIES = v.TableSpec(
    "stories.csv",
    (
        v.Column("story", v.slug, required=True),
        v.Column("step", v.number(1, 99, integer=True), required=True),
        v.Column("title", v.text, required=True),
        v.Column("caption", v.text),
        v.Column("page", v.one_of("overview", "membership", "transport", "energy"), required=True),
        v.Column("query", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)

TABLE_SPECS = {
    spec.file: spec
    for spec in (
        SOURCES, COUNTRIES, BODIES, MEMBERSHIPS, MEETINGS, NODES, ROUTES, NAMED_ROUTES, ROUTE_WAYPOINTS, AIR_LINKS,
        TITR_VOLUMES, TRANSIT_TIMES, ENERGY_LINKS, ENERGY_WAYPOINTS, ENERGY_TRACES, INDICATORS, STORIES,
    )
}
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


def _duplicate_keys(df: pd.DataFrame, spec: v.TableSpec, keys: list[str]) -> list[Problem]:
    """Rows that repeat the combination `keys` (e.g. a waypoint's route and sequence number)."""
    problems = []
    seen: dict[tuple, int] = {}
    for i, row in enumerate(df[keys].itertuples(index=False, name=None), start=1):
        if "" in row:
            continue
        if row in seen:
            problems.append(
                Problem(spec.file, i, keys[-1], row[-1], f"a unique {' + '.join(keys)} (row {seen[row]} has {'/'.join(row)} too)")
            )
        else:
            seen[row] = i
    return problems


def _lines_without_points(lines: pd.DataFrame, points: pd.DataFrame, spec: v.TableSpec, key: str, minimum: int) -> list[Problem]:
    """Each line needs at least `minimum` points in its waypoints table."""
    counts = points[key].value_counts()
    return [
        Problem(spec.file, None, key, line_id, f"at least {minimum} points for {line_id} (found {int(counts.get(line_id, 0))})")
        for line_id in lines["id"]
        if counts.get(line_id, 0) < minimum
    ]


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
    nodes: pd.DataFrame
    routes: pd.DataFrame
    named_routes: pd.DataFrame
    route_waypoints: pd.DataFrame
    air_links: pd.DataFrame
    titr_volumes: pd.DataFrame
    transit_times: pd.DataFrame
    energy_links: pd.DataFrame
    energy_waypoints: pd.DataFrame
    energy_traces: pd.DataFrame
    indicators: pd.DataFrame
    stories: pd.DataFrame
    _derived: dict = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def derived(self, name: str, build):
        """Return `build(self)`, computed once per loaded atlas (derived layers such as measured lines).

        The atlas is shared between sessions, so what `build` returns must be treated as read-only.
        """
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    def memo(self, key: tuple, build, *, limit: int = 256):
        """Return `build()`, remembered under `key` for this loaded atlas (at most `limit` results per kind,
        the oldest forgotten first). What it returns is shared between sessions: treat it as read-only."""
        kind = key[0]
        with self._lock:  # sessions run in threads: the store is read and trimmed by one at a time
            store = self._derived.setdefault(("memo", kind), {})
            if key in store:
                return store[key]
        value = build()  # outside the lock: two sessions may build the same value once each, never block
        with self._lock:
            if len(store) >= limit:
                store.pop(next(iter(store)))
            store[key] = value
        return value

    def country_names(self) -> dict[str, str]:
        """Return {iso3: display name}."""
        return dict(zip(self.countries["iso3"], self.countries["name"]))

    def body_names(self) -> dict[str, str]:
        """Return {body id: full name}."""
        return dict(zip(self.bodies["id"], self.bodies["name"]))


def _story_views(atlas: "Atlas") -> list[Problem]:
    """A story step's query must be a valid view of its page (checked once the other tables are loaded)."""
    from geo.views import parse_view

    problems = []
    for i, row in enumerate(atlas.stories.to_dict("records"), start=1):
        notices = parse_view(row["page"], row["query"], atlas).notices
        if notices:
            problems.append(Problem(STORIES.file, i, "query", row["query"], f"a view of the {row['page']} page ({'; '.join(notices)})"))
    return problems


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
    nodes = read_table(folder, NODES, ctx, problems)
    ctx = v.Context(ctx.iso3, ctx.sources, ctx.bodies, {"nodes.csv": set(nodes["id"])})
    routes = read_table(folder, ROUTES, ctx, problems)
    energy_links = read_table(folder, ENERGY_LINKS, ctx, problems)
    ctx = v.Context(
        ctx.iso3, ctx.sources, ctx.bodies,
        {**ctx.refs, "routes.csv": set(routes["id"]), "energy_links.csv": set(energy_links["id"])},
    )
    named_routes = read_table(folder, NAMED_ROUTES, ctx, problems)
    route_waypoints = read_table(folder, ROUTE_WAYPOINTS, ctx, problems)
    problems.extend(_duplicate_keys(route_waypoints, ROUTE_WAYPOINTS, ["route_id", "seq"]))
    energy_waypoints = read_table(folder, ENERGY_WAYPOINTS, ctx, problems)
    problems.extend(_duplicate_keys(energy_waypoints, ENERGY_WAYPOINTS, ["link_id", "seq"]))
    problems.extend(_lines_without_points(energy_links, energy_waypoints, ENERGY_WAYPOINTS, "link_id", 2))
    energy_traces = read_table(folder, ENERGY_TRACES, ctx, problems)
    air_links = read_table(folder, AIR_LINKS, ctx, problems)
    titr_volumes = read_table(folder, TITR_VOLUMES, ctx, problems)
    transit_times = read_table(folder, TRANSIT_TIMES, ctx, problems)
    indicators = read_table(folder, INDICATORS, ctx, problems)
    problems.extend(_duplicate_keys(indicators, INDICATORS, ["iso3", "indicator", "year"]))
    stories = read_table(folder, STORIES, ctx, problems)
    problems.extend(_duplicate_keys(stories, STORIES, ["story", "step"]))
    boundaries = read_boundaries(folder, ctx, problems)
    if problems:
        raise DataError(problems)
    atlas = Atlas(
        folder=folder,
        version=data_version(folder),
        sources=sources,
        countries=_to_float(countries, ["capital_lat", "capital_lon"]),
        bodies=bodies,
        memberships=memberships,
        meetings=_to_float(meetings, ["lat", "lon"]),
        boundaries=boundaries,
        nodes=_to_float(nodes, ["lat", "lon", "capacity"]),
        routes=_to_float(routes, ["capacity", "published_length_km"]),
        named_routes=_to_float(named_routes, ["published_length_km"]),
        route_waypoints=_to_float(route_waypoints, ["seq", "lat", "lon"]),
        air_links=_to_float(air_links, ["origin_lat", "origin_lon", "destination_lat", "destination_lon"]),
        titr_volumes=_to_float(titr_volumes, ["year", "cargo_mt", "teu"]),
        transit_times=_to_float(transit_times, ["days_min", "days_max", "year"]),
        energy_links=_to_float(energy_links, ["capacity", "published_length_km"]),
        energy_waypoints=_to_float(energy_waypoints, ["seq", "lat", "lon"]),
        energy_traces=energy_traces,
        indicators=_to_float(indicators, ["year", "value"]),
        stories=stories,
    )
    story_problems = _story_views(atlas)
    if story_problems:
        raise DataError(story_problems)
    return atlas
