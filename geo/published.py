"""Published lengths by country (`published_km.csv`) beside the computed split of each line.

A line is an energy link, a transport segment or a named route. Its published split is {iso3 or "sea": km} as
its sources give it (a country no source gives is left out: "not recorded"); its computed split is
`geo.measure.km_by_country` of the drawn line (EPSG:4326, geodesic km on WGS84), a named route's the sum of its
segments'. The checks that span files (a split within its line's published length, only countries the line
crosses as drawn) run when the atlas is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from geo.errors import Problem
from geo.lines import build_lines
from geo.measure import SEA, add_parts, km_by_country
from geo.text import number
from geo.vocab import NOT_RECORDED

if TYPE_CHECKING:
    from geo.load import Atlas

FILE = "published_km.csv"
ROUNDING_KM = 0.5
"""How far each published figure may be off its line's published length: it may be rounded to the kilometre."""
SEA_NAME = "Sea (outside any country)"
COLUMNS = ["Country", "Published km", "Computed km"]


def published_splits(published: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Return {line id: {iso3 or "sea": km}} of `published_km.csv`, in file order."""
    out: dict[str, dict[str, float]] = {}
    for line_id, iso3, km in zip(published["line_id"], published["iso3"], published["km"]):
        out.setdefault(line_id, {})[iso3] = float(km)
    return out


def with_published(lines: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Return `lines` (with an ``id`` and a ``sources`` column) with ``published_km_by_country`` ({iso3 or "sea":
    km}, empty where no source gives a split) and the split's source ids added to ``sources``."""
    splits = published_splits(published)
    cited: dict[str, list[str]] = {}
    for line_id, cell in zip(published["line_id"], published["sources"]):
        cited.setdefault(line_id, []).extend(s for s in cell.split(";") if s)
    out = lines.copy()
    out["published_km_by_country"] = [dict(splits.get(i, {})) for i in out["id"]]
    out["sources"] = [";".join(dict.fromkeys([*(s for s in cell.split(";") if s), *cited.get(i, [])]))
                      for i, cell in zip(out["id"], out["sources"])]
    return out


def split_text(parts: dict[str, float]) -> str:
    """Return a split as ``"AZE:443;GEO:249;sea:105"`` (empty for none), as the exports write it."""
    return ";".join(f"{k}:{v:g}" for k, v in parts.items())


def compare(published: dict[str, float], computed: dict[str, float], names: dict[str, str]) -> pd.DataFrame:
    """Return a line's km by country in words: Country, Published km, Computed km (whole km), one row per
    country in either split (the computed order, longest first, then any only published), the sea last;
    "not recorded" where a split has no figure."""
    return pd.DataFrame(_compared(published, computed, names), columns=COLUMNS)


def _compared(published: dict[str, float], computed: dict[str, float], names: dict[str, str]) -> list[tuple]:
    """The rows of `compare`."""
    keys = [k for k in dict.fromkeys([*computed, *published]) if k != SEA]
    keys += [SEA] if SEA in computed or SEA in published else []
    return [(SEA_NAME if k == SEA else names.get(k, k), number(published.get(k), missing=NOT_RECORDED),
             _computed_km(computed.get(k))) for k in keys]


def _computed_km(km: float | None) -> str:
    """Whole km, as the pages give computed lengths; a part under 1 km to 0.1 km, so it never reads "0"."""
    if km is None:
        return NOT_RECORDED
    return number(km, digits=1) if km < 1 else number(round(km))


def by_country_table(lines: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return, for each line of `lines` that has a published split, its km by country in words: Line, Country,
    Published km, Computed km (see `compare`)."""
    rows = [(name, *row) for name, published, computed in
            zip(lines["name"], lines["published_km_by_country"], lines["km_by_country"]) if published
            for row in _compared(published, computed, names)]
    return pd.DataFrame(rows, columns=["Line", *COLUMNS])


def published_totals(atlas: Atlas) -> dict[str, float]:
    """Return {line id: published length in km} of every energy link, segment and named route that has one."""
    totals = {}
    for table in (atlas.energy_links, atlas.routes, atlas.named_routes):
        known = table.dropna(subset=["published_length_km"])
        totals.update(zip(known["id"], known["published_length_km"].astype(float)))
    return totals


def computed_splits(atlas: Atlas, ids: Iterable[str]) -> dict[str, dict[str, float]]:
    """Return {line id: computed km by country} for the energy links, segments and named routes among `ids`,
    drawn and measured as the pages draw and measure them (a named route: its segments' splits added up)."""
    wanted = set(ids)
    named = atlas.named_routes[atlas.named_routes["id"].isin(wanted)]
    segment_ids = wanted | {s for cell in named["segments"] for s in cell.split(";") if s}
    links = atlas.energy_links[atlas.energy_links["id"].isin(wanted)]
    segments = atlas.routes[atlas.routes["id"].isin(segment_ids)]
    drawn = [build_lines(links, atlas.energy_waypoints, key="link_id", traces=atlas.energy_traces),
             build_lines(segments, atlas.route_waypoints, key="route_id", ends=atlas.nodes)]
    out = {i: km_by_country(g, atlas.boundaries) if g is not None else {}  # as `geo.lines.measure_lines` splits it
           for frame in drawn for i, g in zip(frame["id"], frame.geometry)}
    for route_id, cell in zip(named["id"], named["segments"]):
        out[route_id] = add_parts([out[s] for s in cell.split(";") if s])
    return out


def published_km_problems(atlas: Atlas) -> list[Problem]:
    """Check `published_km.csv` against the lines: an id in only one of the line files, a split that adds up to
    no more than the line's published length (allowing `ROUNDING_KM` a figure), and only countries (or the sea)
    the line crosses as drawn. Every problem names the line."""
    published = atlas.published_km
    if not len(published):
        return []
    problems: list[Problem] = []
    files = {"energy_links.csv": set(atlas.energy_links["id"]), "routes.csv": set(atlas.routes["id"]),
             "named_routes.csv": set(atlas.named_routes["id"])}
    for row, line_id in enumerate(published["line_id"], start=1):
        holders = [name for name, ids in files.items() if line_id in ids]
        if len(holders) > 1:
            problems.append(Problem(FILE, row, "line_id", line_id, f"the id of one line only ({' and '.join(holders)} "
                                                                     "both have it)"))
    totals = published_totals(atlas)
    last_row = {line_id: row for row, line_id in enumerate(published["line_id"], start=1)}
    for line_id, split in published_splits(published).items():
        total, added = totals.get(line_id), sum(split.values())
        if total is not None and added > total + ROUNDING_KM * len(split):
            problems.append(Problem(FILE, last_row[line_id], "km", f"{published['km'].iloc[last_row[line_id] - 1]:g}",
                                    f"km by country of {line_id} that add up to at most its published length of "
                                    f"{number(total)} km (they add up to {number(added)} km)"))
    computed = computed_splits(atlas, last_row)
    for row, (line_id, iso3) in enumerate(zip(published["line_id"], published["iso3"]), start=1):
        crossed = computed.get(line_id, {})
        if iso3 not in crossed:
            where = ", ".join(crossed) or "nothing"
            problems.append(Problem(FILE, row, "iso3", iso3, f"a country (or the sea) that {line_id} crosses as "
                                                               f"drawn: {where}"))
    return problems
