"""The Energy page's scene: pipelines and power links, filtered, over a choropleth of a country indicator."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo import marks as mk
from geo import styles, vocab
from geo.energy import energy_lines, filter_energy, latest_indicator
from geo.export import Filters, export_frame
from geo.lines import display_lines
from geo.load import Atlas
from geo.scenes import Frame, Place, Scene, capital_places, ids, in_words, selected


@dataclass(frozen=True)
class EnergyFacts:
    """What the Energy page shows beside its map."""

    shown: pd.DataFrame
    values: pd.DataFrame
    lines_all: pd.DataFrame
    filters: Filters


def value_tip(row) -> tuple[str, list[str]]:
    if pd.isna(row["value"]):
        return str(row["name"]), ["no data"]
    return str(row["name"]), [f"{row['value']:,.1f} {row['unit']} ({int(row['year'])})"]


def link_tip(row) -> tuple[str, list[str]]:
    status = vocab.ENERGY_STATUS.label(row["status"]).lower()
    return str(row["name"]), [f"{vocab.COMMODITY.label(row['commodity'])}, {status}; "
                              f"{row['length_km']:,.0f} km (approximate)"]


def build(atlas: Atlas, v: dict) -> Scene:
    """Return the Energy page's scene for the view `v` (commodity, status, country, indicator)."""
    names = atlas.country_names()
    focus = tuple(atlas.focus_iso3())
    lines_all = energy_lines(atlas)
    country, indicator = v["country"], v["indicator"]
    shown = filter_energy(lines_all, commodity=v["commodity"], status=v["status"], iso3=[country] if country else [])
    values = latest_indicator(atlas, indicator, list(focus))
    unit = next((u for u in values["unit"] if u), "")
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(focus)][["iso3", "geometry"]].merge(values, on="iso3")
    shapes = gpd.GeoDataFrame(shapes.assign(name=shapes["iso3"].map(names)), geometry="geometry", crs="EPSG:4326")
    statuses = list(vocab.ENERGY_STATUS)
    legend = mk.line_legend_items(styles.COMMODITY_COLOURS, vocab.COMMODITY,
                                  [s for s in statuses if s in set(shown["status"])], shown["commodity"])
    label = vocab.INDICATOR.label(indicator)
    marks: list[mk.Mark] = [
        mk.Choropleth(shapes, label, value_tip, unit=unit),
        mk.Lines(display_lines(shown), "commodity", styles.COMMODITY_COLOURS, "Links", link_tip, weight=3.5),
        *selected(atlas, v.get("sel"), lines=display_lines(lines_all)),
        mk.Legend("Pipelines and power links", legend),
    ]
    filters = Filters(commodity=tuple(v["commodity"]), status=tuple(v["status"]), iso3=(country,) if country else ())
    layers = {"energy": export_frame(atlas, "energy", filters),
              "indicator": shapes.drop(columns="name").assign(indicator=indicator)}
    sources = ids([*shown["sources"], *shown["geometry_sources"], *values["sources"]])
    title = f"Pipelines and power links · {label}" + (f" · {names[country]}" if country else "")
    operational = int((shown["status"] == "operational").sum())
    summary = (f"{len(shown)} link{'s' if len(shown) != 1 else ''} shown, {operational} operational, "
               f"{shown['length_km'].sum():,.0f} km in all")
    ends = atlas.energy_waypoints[atlas.energy_waypoints["link_id"].isin(set(shown["id"]))].sort_values("seq")
    ends = pd.concat([ends.groupby("link_id").head(1), ends.groupby("link_id").tail(1)])
    ends = ends[~ends["name"].str.contains("placed at|not published", regex=True)]  # stand-ins, not places
    places = [*(Place(str(n), float(la), float(lo), 0) for n, la, lo in zip(ends["name"], ends["lat"], ends["lon"])),
              *capital_places(atlas, focus, rank=2)]
    words = [in_words(vocab.COMMODITY, v["commodity"], "all commodities"),
             in_words(vocab.ENERGY_STATUS, v["status"], "all statuses", joiner="or"),
             *([f"through {names[country]}"] if country else []),
             "lines along published traces or through named waypoints (approximate)"]
    subtitle = " · ".join(words)
    return Scene("energy", title, v, marks, layers, sources, Frame(focus, focus),
                 facts=EnergyFacts(shown, values, lines_all, filters), summary=summary,
                 subtitle=subtitle[:1].upper() + subtitle[1:], key_places=places)
