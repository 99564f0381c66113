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
import itertools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import _validate as v
from geo import vocab
from geo.dates import partial_date_start
from geo.errors import DataError, Problem
from geo.files import read_boundaries, read_table
from geo.published import published_km_problems
from geo.tables import (
    AIR_LINKS,
    BODIES,
    BORDERS,
    COUNTRIES,
    DATA_FILES,
    ENERGY_LINKS,
    ENERGY_TRACES,
    ENERGY_WAYPOINTS,
    EVENTS,
    INDICATORS,
    MEETINGS,
    MEMBERSHIPS,
    NAMED_ROUTES,
    NODES,
    PHYSICAL,
    PUBLISHED_KM,
    ROUTE_WAYPOINTS,
    ROUTES,
    SOURCES,
    STORIES,
    TITR_VOLUMES,
    TRANSIT_TIMES,
    VISAS,
    WATER_FEATURES,
)
from geo.views import PAGES, parse_view

DATA_DIR_ENV = "ATLAS_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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
        for (_, e1, r1, _), (s2, _, r2, row2) in itertools.pairwise(spans):
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


def _one_value_per_group(df: pd.DataFrame, spec: v.TableSpec, key: str, column: str) -> list[Problem]:
    """Rows sharing `key` must agree on `column` (e.g. every step of a story has the story's title)."""
    problems, first = [], {}
    for i, (group, value) in enumerate(zip(df[key], df[column]), start=1):
        if group in first and value != first[group][1]:
            problems.append(Problem(spec.file, i, column, value,
                                    f"the same {column} as row {first[group][0]} of {key} {group} ({first[group][1]!r})"))
        first.setdefault(group, (i, value))
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
    physical: gpd.GeoDataFrame
    water_features: pd.DataFrame
    borders: pd.DataFrame
    visas: pd.DataFrame
    events: pd.DataFrame
    published_km: pd.DataFrame
    _memo: dict = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def memo(self, key: tuple, build, *, limit: int = 256):
        """Return `build()`, remembered under `key` for this loaded atlas: the one memo of the `geo` package.

        Derived layers (measured lines, the network) and per-view results (scenes, status tables) are built once
        and shared by every session; at most `limit` results are kept per kind (``key[0]``), the oldest forgotten
        first. What it returns is shared: treat it as read-only.
        """
        kind = key[0]
        with self._lock:  # sessions run in threads: the store is read and trimmed by one at a time
            store = self._memo.setdefault(kind, {})
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

    def bodies_with_members(self) -> pd.DataFrame:
        """Return the bodies that can have members (every kind but ``proposal``), in file order."""
        return self.bodies.loc[self.bodies["kind"] != "proposal"].reset_index(drop=True)

    def focus_iso3(self) -> list[str]:
        """Return the ISO3 codes of the focus countries (every group but ``context``): Central Asia, South
        Caucasus, Türkiye, each by name."""
        focus = self.countries.loc[self.countries["group"].isin(vocab.FOCUS_GROUPS)]
        order = focus.assign(_g=focus["group"].map({g: i for i, g in enumerate(vocab.FOCUS_GROUPS)}))
        return order.sort_values(["_g", "name"], kind="stable")["iso3"].tolist()


def _story_views(atlas: Atlas) -> list[Problem]:
    """A story step's query must be a valid view of its page (checked once the other tables are loaded)."""
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
    ctx = v.Context(iso3=ctx.iso3, sources=ctx.sources, bodies=set(bodies["id"]), refs={"pages": set(PAGES)})
    memberships = read_table(folder, MEMBERSHIPS, ctx, problems)
    problems.extend(_membership_overlaps(memberships))
    problems.extend(_proposal_memberships(memberships, bodies))
    meetings = read_table(folder, MEETINGS, ctx, problems)
    nodes = read_table(folder, NODES, ctx, problems)
    ctx = v.Context(ctx.iso3, ctx.sources, ctx.bodies, {**ctx.refs, "nodes.csv": set(nodes["id"])})
    routes = read_table(folder, ROUTES, ctx, problems)
    energy_links = read_table(folder, ENERGY_LINKS, ctx, problems)
    ctx = v.Context(
        ctx.iso3, ctx.sources, ctx.bodies,
        {**ctx.refs, "routes.csv": set(routes["id"]), "energy_links.csv": set(energy_links["id"])},
    )
    named_routes = read_table(folder, NAMED_ROUTES, ctx, problems)
    ctx = v.Context(ctx.iso3, ctx.sources, ctx.bodies, {**ctx.refs, "named_routes.csv": set(named_routes["id"])})
    published_km = read_table(folder, PUBLISHED_KM, ctx, problems)
    problems.extend(_duplicate_keys(published_km, PUBLISHED_KM, ["line_id", "iso3"]))
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
    problems.extend(_one_value_per_group(stories, STORIES, "story", "story_title"))
    boundaries = read_boundaries(folder, ctx, problems)
    physical = read_table(folder, PHYSICAL, ctx, problems)
    water_features = read_table(folder, WATER_FEATURES, ctx, problems)
    borders = read_table(folder, BORDERS, ctx, problems)
    problems.extend(_duplicate_keys(borders, BORDERS, ["iso3_a", "iso3_b"]))
    visas = read_table(folder, VISAS, ctx, problems)
    problems.extend(_duplicate_keys(visas, VISAS, ["from_iso3", "to_iso3"]))
    events = read_table(folder, EVENTS, ctx, problems)
    if problems:
        raise DataError(problems)
    atlas = Atlas(
        folder=folder,
        version=data_version(folder),
        sources=sources,
        countries=COUNTRIES.typed(countries),
        bodies=bodies,
        memberships=memberships,
        meetings=MEETINGS.typed(meetings),
        boundaries=boundaries,
        nodes=NODES.typed(nodes),
        routes=ROUTES.typed(routes),
        named_routes=NAMED_ROUTES.typed(named_routes),
        route_waypoints=ROUTE_WAYPOINTS.typed(route_waypoints),
        air_links=AIR_LINKS.typed(air_links),
        titr_volumes=TITR_VOLUMES.typed(titr_volumes),
        transit_times=TRANSIT_TIMES.typed(transit_times),
        energy_links=ENERGY_LINKS.typed(energy_links),
        energy_waypoints=ENERGY_WAYPOINTS.typed(energy_waypoints),
        energy_traces=energy_traces,
        indicators=INDICATORS.typed(indicators),
        stories=STORIES.typed(stories),
        physical=physical,
        water_features=WATER_FEATURES.typed(water_features),
        borders=borders,
        visas=VISAS.typed(visas),
        events=EVENTS.typed(events),
        published_km=PUBLISHED_KM.typed(published_km),
    )
    problems = [*_story_views(atlas), *published_km_problems(atlas)]  # these need the tables loaded and valid
    if problems:
        raise DataError(problems)
    return atlas
