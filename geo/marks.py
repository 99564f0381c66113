"""Marks: what a scene draws, as typed data that knows nothing of any renderer.

A scene (`geo.scenes`) is a list of marks; `geo.maps` draws each kind with folium and `geo.image` with
matplotlib, each through a table of one drawing function per mark class (`MARKS` lists them; a test checks both
renderers cover every class). A mark holds its rows (EPSG:4326), its styling from `geo.styles`, and a `Tip`: a
function from a row to the plain text of its tooltip, which the renderer escapes and lays out when it draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from geo import styles, vocab


class LegendItem(NamedTuple):
    """One legend row: its label, its colour and its swatch: ``area``, ``area-dashed``, ``dot``, ``dot-outline``,
    ``line`` or ``line:<dash>`` (a Leaflet dash pattern such as ``"5 5"``)."""

    label: str
    colour: str
    kind: str


Tip = Callable[[Mapping[str, Any]], tuple[str, Sequence[str]]]
"""A row → (title, lines) in plain text: what a tooltip says about one feature."""


_NO_VALUE = object()


def row_dicts(frame: pd.DataFrame, columns: Sequence[str] | None = None, *, missing=_NO_VALUE) -> list[dict]:
    """The rows of `frame` (its `columns`, by default all) as dicts of plain Python values, as a
    `Tip` reads them and ``DataFrame.to_dict("records")`` gives them but read column by column, several times faster on text columns;
    with `missing`, missing values (None, NaN, NA) become it."""
    columns = list(frame.columns if columns is None else columns)
    if not columns:
        return [{} for _ in range(len(frame))]
    values = []
    for column in columns:
        series = frame[column]
        if missing is _NO_VALUE:
            values.append(series.tolist())
        else:
            absent = series.isna().tolist()
            values.append([missing if gone else v for v, gone in zip(series.tolist(), absent)])
    return [dict(zip(columns, row)) for row in zip(*values)]


def no_tip(row: Mapping[str, Any]) -> tuple[str, Sequence[str]]:
    """A tooltip that says nothing (for marks whose rows speak for themselves)."""
    return "", ()


@dataclass(frozen=True, eq=False)
class Areas:
    """Countries (polygons with ``iso3``) filled by the category in `column`, styled by `styles_by_value`."""

    frame: pd.DataFrame
    column: str
    styles_by_value: Mapping[str, styles.StatusStyle]
    title: str
    tip: Tip
    legend_values: Sequence[str] | None = None
    extra_legend: Sequence[LegendItem] = ()

    def legend(self) -> list[LegendItem]:
        return [*category_legend_items(self.frame[self.column], self.styles_by_value, self.legend_values),
                *self.extra_legend]


@dataclass(frozen=True, eq=False)
class Choropleth:
    """Countries (polygons with ``iso3`` and a numeric ``value``; NaN = no data) in quantile classes."""

    frame: pd.DataFrame
    title: str
    tip: Tip
    unit: str = ""
    bins: Sequence[float] | None = None

    def classes(self) -> tuple[list[int], list[LegendItem]]:
        return choropleth_classes(self.frame["value"], unit=self.unit, bins=self.bins)


@dataclass(frozen=True, eq=False)
class Lines:
    """Lines (``id``, ``status`` and `colour_column`) coloured by `colour_column`, dashed by status."""

    frame: pd.DataFrame
    colour_column: str
    colours: Mapping[str, str]
    title: str
    tip: Tip
    weight: float = 3.0
    class_prefix: str = "atlas-line"


@dataclass(frozen=True, eq=False)
class Points:
    """Places (``lat``, ``lon`` in degrees, ``kind``, ``label`` as plain text) filled by kind."""

    frame: pd.DataFrame
    kind_colours: Mapping[str, str]


@dataclass(frozen=True, eq=False)
class Venues:
    """Meeting venues (``lat``, ``lon``, ``label`` as plain text); rows without coordinates are not drawn."""

    frame: pd.DataFrame


@dataclass(frozen=True, eq=False)
class Highlight:
    """A broad, pale line under the others (a planned route), or with `selection` a dark outline over them (what the
    reader chose: a country's border, a line, a ring round a place): only ``geometry`` (lines) is used."""

    frame: pd.DataFrame
    colour: str
    selection: bool = False


@dataclass(frozen=True, eq=False)
class Legend:
    """A legend of its own (for lines and points; areas and choropleths carry theirs)."""

    title: str
    items: Sequence[LegendItem] = field(default_factory=list)
    position: str = "bottomright"


Mark = Areas | Choropleth | Lines | Points | Venues | Highlight | Legend
MARKS: tuple[type, ...] = (Areas, Choropleth, Lines, Points, Venues, Highlight, Legend)
"""Every mark class; each renderer has one drawing function per class."""


def category_legend_items(
    values: Iterable[str], styles_by_value: Mapping[str, styles.StatusStyle], legend_values: Sequence[str] | None = None
) -> list[LegendItem]:
    """Return legend rows (label, fill, ``"area"`` or ``"area-dashed"``) for the categories in `values` (or
    `legend_values`, in that order), in style order, unknown values last in the ``unknown`` style."""
    fallback = styles_by_value.get("unknown", styles.STATUS_STYLES["unknown"])
    if legend_values is None:
        present = list(dict.fromkeys(values))
        legend_values = [v for v in styles_by_value if v in present] + [v for v in present if v not in styles_by_value]
    items = []
    for value in legend_values:
        look = styles_by_value.get(value, fallback)
        items.append(LegendItem(look.label, look.fill, "area-dashed" if look.dash else "area"))
    return items


def line_legend_items(
    colours: Mapping[str, str], labels: Mapping[str, str], statuses: Sequence[str], present: Iterable[str]
) -> list[LegendItem]:
    """Return legend rows: one line per category present (solid), one per status present (dashed, grey)."""
    present = set(present)
    items = [LegendItem(labels.get(k, k), c, "line") for k, c in colours.items() if k in present]
    for status in statuses:
        dash = styles.STATUS_DASHES.get(status)
        items.append(LegendItem(vocab.ENERGY_STATUS.label(status), "#444444", f"line:{dash}" if dash else "line"))
    return items


def choropleth_classes(
    values: pd.Series, *, unit: str = "", bins: Sequence[float] | None = None
) -> tuple[list[int], list[LegendItem]]:
    """Return (the class of each value: an index into `styles.CHOROPLETH`, -1 for no data; the legend rows).

    Classes are quantiles (fifths, `pandas.qcut`, edges rounded to one decimal) of the values present unless
    `bins` (ascending edges) are given; a value belongs to the first class whose upper edge it does not exceed.
    """
    present = pd.to_numeric(values, errors="coerce").dropna()
    if bins is None:
        classes = min(5, present.nunique())  # two values make two classes, not five
        edges = pd.qcut(present, classes, retbins=True, duplicates="drop")[1] if classes > 1 else present.unique()
        bins = sorted({round(float(e), 1) for e in edges})
    palette = styles.CHOROPLETH
    interior = np.asarray(bins[1:-1], dtype=float)
    classes = [-1 if pd.isna(v) else min(int(np.searchsorted(interior, float(v), side="left")), len(palette) - 1)
               for v in values]
    items = []
    digits = 0 if bins and max(abs(b) for b in bins) >= 100 else 1
    for i in range(max(len(bins) - 1, 0)):
        label = f"{bins[i]:,.{digits}f} – {bins[i + 1]:,.{digits}f} {unit}".strip()
        items.append(LegendItem(label, palette[min(i, len(palette) - 1)], "area"))
    if len(bins) == 1:  # one distinct value: one class
        items.append(LegendItem(f"{bins[0]:,.{digits}f} {unit}".strip(), palette[0], "area"))
    if any(c < 0 for c in classes):
        items.append(LegendItem(styles.NO_DATA.label, styles.NO_DATA.fill, "area-dashed"))
    return classes, items


def status_tip(row: Mapping[str, Any]) -> tuple[str, Sequence[str]]:
    """Tooltip of a country's status in a body: name, then e.g. "Guest of honour since 2023-09-14"."""
    parts = [styles.status_label(row["status"])]
    if row.get("since"):
        parts.append(f"since {row['since']}")
    elif row["status"] not in (vocab.NONE, vocab.UNKNOWN):
        parts.append("since: unknown")
    if row.get("until"):
        parts.append(f"until {row['until']}")
    return str(row["name"]), [" ".join(parts)]
