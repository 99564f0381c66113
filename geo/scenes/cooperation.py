"""The Cooperation page's scene: shared water (transboundary rivers and lakes, water works, the bodies that share
water, water dependency), land borders and the steps to peace, and visas and flights among the "5+3" countries."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo import cooperation as coop
from geo import marks as mk
from geo import styles, vocab
from geo.energy import latest_indicator
from geo.export import Filters, export_frame
from geo.load import Atlas
from geo.scenes import Frame, Scene, ids, selected
from geo.scenes.energy import value_tip
from geo.scenes.transport import air_tip

WATER_INDICATOR = "water_dependency_pct"
BORDER_EVENTS = ("peace", "border")
PEOPLE_EVENTS = ("exchange",)


@dataclass(frozen=True)
class CooperationFacts:
    """What the Cooperation page shows beside its map, for the view on screen."""

    view: str
    answer: str
    """The view's question answered from the data (who manages the Aral basin, whose borders are delimited,
    where a citizen can travel visa-free)."""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The view's table: water bodies, countries by delimitation, or the visa matrix."""
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    unplaced: list[str] = field(default_factory=list)
    """Things in the view the map cannot place (no published coordinates)."""


def river_tip(row) -> tuple[str, list[str]]:
    return str(row["name"]), [f"Transboundary river: {row['countries_text']}"]


def lake_tip(row) -> tuple[str, list[str]]:
    when = "today" if row["period"] == "today" else row["period"]
    return str(row["name"]), [f"{vocab.PHYSICAL_KIND.label(row['kind'])}, {when}: {row['countries_text']}"]


def border_tip(row) -> tuple[str, list[str]]:
    return str(row["name"]), [coop.state_text(row), f"{row['length_km']:,.0f} km as drawn (geodesic)"]


def delimitation_tip(row) -> tuple[str, list[str]]:
    head = f"{row['delimited']} of {row['borders']} borders with focus countries delimited (treaty in force)"
    return str(row["name"]), [head, row["text"]]


def visa_tip(row) -> tuple[str, list[str]]:
    if row["regime"] in ("chosen", "outside"):
        return str(row["name"]), ["the citizen's own country" if row["regime"] == "chosen"
                                  else 'not among the eight of the proposed "5+3"']
    regime = "" if row["regime"] == "not_recorded" else row["regime"]
    since = f"; since {row['since']}" if isinstance(row["since"], str) and row["since"] else ""
    return str(row["name"]), [coop.regime_text(regime, row["days"]) + since]


def _dots(colours: dict[str, str], labels, present) -> list[mk.LegendItem]:
    present = set(present)
    return [mk.LegendItem(labels.label(k), c, "dot") for k, c in colours.items() if k in present]


def _placed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[frame["lat"].notna() & frame["lon"].notna()]


def _water(atlas: Atlas, v: dict, focus: tuple[str, ...]):
    names = atlas.country_names()
    values = latest_indicator(atlas, WATER_INDICATOR, list(focus))
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(focus)][["iso3", "geometry"]].merge(values, on="iso3")
    shapes = gpd.GeoDataFrame(shapes.assign(name=shapes["iso3"].map(names)), geometry="geometry", crs="EPSG:4326")
    water = coop.transboundary_water(atlas)
    lakes = water[water["kind"] != "river"]
    lakes = lakes.assign(iso3=[n if k == "lake" else "" for n, k in zip(lakes["name"], lakes["kind"])])  # image label
    rivers = water[water["kind"] == "river"].assign(status="")
    points = export_frame(atlas, "water_features")
    bodies = coop.water_bodies(atlas)
    legend = [mk.LegendItem("Transboundary river", styles.RIVER_COLOUR, "line"),
              *_dots(styles.WATER_KIND_COLOURS, vocab.WATER_KIND, points["kind"])]
    marks: list[mk.Mark] = [
        mk.Choropleth(shapes, vocab.INDICATOR.label(WATER_INDICATOR), value_tip, unit="%"),
        *([mk.Areas(lakes, "kind", styles.LAKE_STYLES, "Lakes", lake_tip)] if len(lakes) else []),
        mk.Lines(rivers, "kind", {"river": styles.RIVER_COLOUR}, "Transboundary rivers", river_tip, weight=2.5,
                 class_prefix="atlas-river"),
        mk.Points(_placed(points), styles.WATER_KIND_COLOURS),
        mk.Legend("Rivers and water works", legend),
    ]
    layers = {"water_features": points, "rivers_lakes": water, "water_bodies": bodies,
              "indicator": shapes.drop(columns="name").assign(indicator=WATER_INDICATOR)}
    sources = ids([*points["sources"], *water["sources"], *bodies["sources"], *values["sources"]])
    unplaced = points.loc[points["lat"].isna() | points["lon"].isna(), "name"].tolist()
    facts = CooperationFacts("water", coop.basin_sentence(bodies), bodies, unplaced=unplaced)
    return "Shared water: rivers, lakes and water works", marks, layers, sources, facts


def _borders(atlas: Atlas, v: dict, focus: tuple[str, ...]):
    lines = export_frame(atlas, "borders")
    drawn = lines[lines.geometry.notna()].assign(status="")
    table = coop.delimitation_by_country(atlas)
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(focus)][["iso3", "geometry"]].merge(table, on="iso3")
    shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs="EPSG:4326")
    events = coop.event_points(atlas, BORDER_EVENTS)
    labels = {**vocab.BORDER_STATE, vocab.UNKNOWN: styles.BORDER_UNKNOWN_LABEL}
    present = set(drawn["state"])
    legend = [mk.LegendItem(labels[k], c, "line") for k, c in styles.BORDER_STATE_COLOURS.items() if k in present]
    legend += _dots(styles.EVENT_KIND_COLOURS, vocab.EVENT_KIND, _placed(events)["kind"])
    marks: list[mk.Mark] = [
        mk.Areas(shapes, "category", styles.DELIMITATION_STYLES, "Focus countries", delimitation_tip),
        mk.Lines(drawn, "state", styles.BORDER_STATE_COLOURS, "Land borders", border_tip, weight=5,
                 class_prefix="atlas-border"),
        mk.Points(_placed(events), styles.EVENT_KIND_COLOURS),
        mk.Legend("Borders and events", legend),
    ]
    layers = {"borders": lines, "events": events}
    sources = ids([*lines["sources"], *events["sources"]])
    unplaced = [f"{r['date']} · {r['title']}" for r in events.to_dict("records") if pd.isna(r["lat"])]
    facts = CooperationFacts("borders", coop.fully_delimited_sentence(table), table, events, unplaced)
    return "Land borders and the steps to peace", marks, layers, sources, facts


def _people(atlas: Atlas, v: dict, focus: tuple[str, ...]):
    names = atlas.country_names()
    country = v["country"]
    shapes = coop.visa_shapes(atlas, country)
    flights = coop.flights_of(atlas, country)
    status = pd.Series([{"true": "operational", "false": "stalled"}.get(x, "proposed") for x in flights["operating_verified"]],
                       index=flights.index, dtype=object)
    events = coop.event_points(atlas, PEOPLE_EVENTS)
    legend = [mk.LegendItem("Direct flight", styles.AIR_COLOUR, "line")]
    for code, label in (("stalled", "Flight suspended"), ("proposed", "Flight, operation not verified")):
        if (status == code).any():
            legend.append(mk.LegendItem(label, styles.AIR_COLOUR, f"line:{styles.STATUS_DASHES[code]}"))
    legend += _dots(styles.EVENT_KIND_COLOURS, vocab.EVENT_KIND, _placed(events)["kind"])
    marks: list[mk.Mark] = [
        mk.Areas(shapes, "regime", styles.VISA_STYLES, f"Entry for a citizen of {names.get(country, country)}",
                 visa_tip),
        mk.Lines(flights.assign(status=status, kind="air"), "kind", {"air": styles.AIR_COLOUR}, "Direct flights",
                 air_tip, weight=2, class_prefix="atlas-air"),
        mk.Points(_placed(events), styles.EVENT_KIND_COLOURS),
        mk.Legend("Flights and exchanges", legend),
    ]
    layers = {"visas": export_frame(atlas, "visas", Filters(iso3=(country,))), "air_links": flights, "events": events}
    sources = ids([*shapes["sources"], *flights["sources"], *events["sources"]])
    facts = CooperationFacts("people", coop.visa_free_sentence(atlas, country), coop.visa_matrix(atlas), events)
    title = f"Visas and flights for a citizen of {names.get(country, country)}"
    return title, marks, layers, sources, facts


VIEWS = {"water": _water, "borders": _borders, "people": _people}


def _selection(atlas: Atlas, sel: object) -> list[mk.Mark]:
    """The selection outlined: a water work (a ring), a river, a lake's shore, a border, the focus countries that
    sit on a body sharing water, or a country."""
    if not sel:
        return []
    points = coop.water_points(atlas)
    if sel in set(points["id"]):
        return selected(atlas, sel, points=_placed(points))
    water, borders = coop.physical_countries(atlas), coop.border_lines(atlas)
    things = pd.concat([water[["id", "geometry"]], borders.loc[borders.geometry.notna(), ["id", "geometry"]]])
    if sel in set(things["id"]):
        shapes = gpd.GeoDataFrame(things[things["id"] == sel], geometry="geometry", crs="EPSG:4326")
        lines = shapes.assign(geometry=[g.boundary if g.geom_type.endswith("Polygon") else g for g in shapes.geometry])
        return selected(atlas, sel, lines=lines)
    if sel in set(coop.water_bodies(atlas)["id"]):
        focus = set(atlas.focus_iso3())
        members = atlas.boundaries[atlas.boundaries["iso3"].isin(
            {c for c in atlas.memberships.loc[atlas.memberships["body"] == sel, "iso3"] if c in focus})]
        outline = gpd.GeoDataFrame(geometry=list(members.geometry.boundary), crs="EPSG:4326")
        return [mk.Highlight(outline, styles.SELECTED, selection=True)] if len(outline) else []
    return selected(atlas, sel)


def build(atlas: Atlas, v: dict) -> Scene:
    """Return the Cooperation page's scene for the view `v` (``view``: water, borders or people; ``country``: the
    citizen's country of the people view)."""
    focus = tuple(atlas.focus_iso3())
    title, marks, layers, sources, facts = VIEWS[v["view"]](atlas, v, focus)
    marks = [*marks[:-1], *_selection(atlas, v.get("sel")), marks[-1]]  # over the layers, under the legend
    # the same frame for every view: the base map stays the same and a change of view updates it in place
    return Scene("cooperation", title, v, marks, layers, sources, Frame(focus, focus), facts=facts,
                 summary=facts.answer)
