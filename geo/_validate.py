"""Column checks for the CSV tables in data/: each check returns None or what was expected.

The table specifications in `geo.load` are built from these `Column` definitions; `check_table` runs them
all and returns every `Problem` found, so a file is reported in one go.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from geo.dates import EXPECTED_DATE, is_partial_date
from geo.errors import Problem

_ISO3 = re.compile(r"^[A-Z]{3}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LIST_SEPARATOR = ";"


def split_list(value: str) -> list[str]:
    """Split a semicolon-separated cell into its stripped, non-empty items."""
    return [item.strip() for item in str(value).split(LIST_SEPARATOR) if item.strip()]


@dataclass(frozen=True)
class Context:
    """What cross-file checks need: the known ISO codes, source ids and body ids."""

    iso3: Collection[str] = ()
    sources: Collection[str] = ()
    bodies: Collection[str] = ()
    refs: Mapping[str, Collection[str]] = field(default_factory=dict)
    """Ids of other tables, by table file name (e.g. ``{"nodes.csv": {...}}``), for `known_id` checks."""


Check = Callable[[str, Context], "str | None"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, whether it may be empty, and the check for its values."""

    name: str
    check: Check
    required: bool = False
    unique: bool = False

    @property
    def dtype(self) -> str | None:
        """The type the column is loaded as: ``"float64"``, ``"Int64"`` (whole numbers) or None (text)."""
        if isinstance(self.check, number):
            return "Int64" if self.check.integer else "float64"
        return None


@dataclass(frozen=True)
class TableSpec:
    """The columns a CSV file must have, in order, plus optional whole-row checks."""

    file: str
    columns: tuple[Column, ...]
    row_checks: tuple[Callable[[dict[str, str]], list[tuple[str | None, str | None, str]]], ...] = field(
        default=()
    )
    geometry: tuple[str, ...] = ()
    """For a GeoJSON file (EPSG:4326): the geometry types its features may have; its properties are the columns."""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def typed(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return `df` (text as read) with its numeric columns as numbers; an empty cell becomes missing."""
        out = df.copy()
        for column in self.columns:
            if column.dtype and column.name in out.columns:
                values = pd.to_numeric(out[column.name].replace("", None), errors="coerce")
                out[column.name] = values.round().astype("Int64") if column.dtype == "Int64" else values.astype(float)
        return out


def text(value: str, ctx: Context) -> str | None:
    if "\x00" in value:
        return "text without NUL characters"
    return None


def slug(value: str, ctx: Context) -> str | None:
    return None if _SLUG.match(value) else "an id of lowercase letters, digits, '-' or '_'"


def iso3_code(value: str, ctx: Context) -> str | None:
    return None if _ISO3.match(value) else "an ISO 3166-1 alpha-3 code (three capital letters)"


def known_iso3(value: str, ctx: Context) -> str | None:
    if not _ISO3.match(value):
        return "an ISO 3166-1 alpha-3 code (three capital letters)"
    return None if value in ctx.iso3 else "an ISO3 code listed in countries.csv"


def known_iso3_or(*words: str) -> Check:
    """Check that a value is an ISO3 code listed in countries.csv or one of `words` (e.g. ``sea``)."""

    def check(value: str, ctx: Context) -> str | None:
        return None if value in words or value in ctx.iso3 else f"an ISO3 code listed in countries.csv or {' or '.join(words)}"

    return check


def known_iso3_list(value: str, ctx: Context) -> str | None:
    bad = [item for item in split_list(value) if item not in ctx.iso3]
    return None if not bad else f"semicolon-separated ISO3 codes listed in countries.csv (unknown: {', '.join(bad)})"


def known_body(value: str, ctx: Context) -> str | None:
    return None if value in ctx.bodies else f"a body id from bodies.csv ({', '.join(sorted(ctx.bodies))})"


def known_sources(value: str, ctx: Context) -> str | None:
    ids = split_list(value)
    if not ids:
        return "one or more source ids from sources.csv, separated by ';'"
    bad = [item for item in ids if item not in ctx.sources]
    return None if not bad else f"source ids listed in sources.csv (unknown: {', '.join(bad)})"


def known_id(*tables: str) -> Check:
    """Check that a value is an id of another table (e.g. a segment's from_node in nodes.csv), or of one of
    several tables (a line of energy_links.csv, routes.csv or named_routes.csv)."""

    def check(value: str, ctx: Context) -> str | None:
        if any(value in ctx.refs.get(table, ()) for table in tables):
            return None
        return f"an id listed in {', '.join(tables[:-1])} or {tables[-1]}" if len(tables) > 1 else f"an id listed in {tables[0]}"

    return check


def known_id_list(table: str) -> Check:
    """Check that a value is a semicolon-separated list of ids of another table."""

    def check(value: str, ctx: Context) -> str | None:
        bad = [item for item in split_list(value) if item not in ctx.refs.get(table, ())]
        return None if not bad else f"ids listed in {table}, separated by ';' (unknown: {', '.join(bad)})"

    return check


def partial_date(value: str, ctx: Context) -> str | None:
    return None if is_partial_date(value) else EXPECTED_DATE


def url(value: str, ctx: Context) -> str | None:
    parsed = urlparse(value)
    ok = parsed.scheme in ("http", "https") and bool(parsed.netloc) and not any(c.isspace() for c in value)
    return None if ok else "an http:// or https:// URL"


def one_of(*choices: str) -> Check:
    def check(value: str, ctx: Context) -> str | None:
        return None if value in choices else f"one of {', '.join(choices)}"

    return check


@dataclass(frozen=True)
class number:  # noqa: N801 - used like the other check factories: v.number(0, 90)
    """Check that a value is a number from `lo` to `hi` (a whole number if `integer`). A column with this check
    is loaded as numbers: floats, or nullable integers (``Int64``) for whole numbers."""

    lo: float
    hi: float
    integer: bool = False

    def __call__(self, value: str, ctx: Context) -> str | None:
        kind = "a whole number" if self.integer else "a number"
        expected = f"{kind} from {self.lo:g} to {self.hi:g}"
        try:
            x = float(value)
        except ValueError:
            return expected
        if not math.isfinite(x) or not self.lo <= x <= self.hi or (self.integer and not x.is_integer()):
            return expected
        return None


def line_wkt(max_points: int) -> Check:
    """Check that a value is a WKT ``LINESTRING (lon lat, ...)`` of 2 to `max_points` points in WGS84 degrees."""
    expected = f"a WKT LINESTRING of 2 to {max_points:,} lon/lat points (degrees, lon -180..180, lat -90..90)"

    def check(value: str, ctx: Context) -> str | None:
        import warnings

        import shapely
        from shapely import wkt

        try:
            with warnings.catch_warnings():  # "nan" coordinates warn before they are rejected below
                warnings.simplefilter("ignore", RuntimeWarning)
                line = wkt.loads(value)
        except (shapely.errors.ShapelyError, ValueError):
            return expected
        if line.geom_type != "LineString" or not 2 <= len(line.coords) <= max_points:
            return expected
        xy = shapely.get_coordinates(line)
        if not np.isfinite(xy).all():
            return expected
        ok = (xy[:, 0] >= -180).all() and (xy[:, 0] <= 180).all() and (xy[:, 1] >= -90).all() and (xy[:, 1] <= 90).all()
        return None if ok and line.is_valid and line.length > 0 else expected

    return check


def check_table(df: pd.DataFrame, spec: TableSpec, ctx: Context) -> list[Problem]:
    """Return every problem in `df` against `spec`: columns, empty required cells, bad values, duplicates.

    `df` must hold strings only (read with ``dtype=str, keep_default_na=False``).
    """
    problems: list[Problem] = []
    found = list(df.columns)
    if found != spec.names:
        missing = [c for c in spec.names if c not in found]
        extra = [c for c in found if c not in spec.names]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(extra)}")
        if not detail:
            detail.append("columns in another order")
        problems.append(
            Problem(spec.file, None, None, ",".join(found), f"the header {','.join(spec.names)} ({'; '.join(detail)})")
        )
        return problems
    for column in spec.columns:
        seen: dict[str, int] = {}
        for i, value in enumerate(df[column.name].tolist(), start=1):
            if value == "":
                if column.required:
                    problems.append(Problem(spec.file, i, column.name, value, "a value (this column may not be empty)"))
                continue
            if value != value.strip():
                problems.append(Problem(spec.file, i, column.name, value, "no leading or trailing spaces"))
                continue
            expected = column.check(value, ctx)
            if expected:
                problems.append(Problem(spec.file, i, column.name, value, expected))
            if column.unique:
                if value in seen:
                    problems.append(
                        Problem(spec.file, i, column.name, value, f"a unique value (row {seen[value]} has it too)")
                    )
                else:
                    seen[value] = i
    for i, record in enumerate(df.to_dict("records"), start=1):
        for row_check in spec.row_checks:
            for column_name, value, expected in row_check(record):
                problems.append(Problem(spec.file, i, column_name, value, expected))
    return problems
