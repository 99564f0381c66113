"""Cards: what the atlas says about one selected thing (a node, a segment, an energy link, a country), as plain
text a page lays out. Words come from `geo.vocab`; numbers are formatted here; an unknown value says so."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo import cooperation as coop
from geo import vocab
from geo.energy import links_of_country
from geo.lines import THROUGH_WAYPOINTS
from geo.load import Atlas
from geo.published import compare
from geo.text import number
from geo.vocab import NOT_RECORDED


@dataclass(frozen=True)
class Card:
    """One selected thing: a title, lines of (label, text) (a label is shown in bold; "" for none), a `lead` line
    in bold, a `table` in words (e.g. a line's km by country, published and computed), captions (notes) and the
    sources behind it."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    lead: str = ""
    captions: list[str] = field(default_factory=list)
    sources: str = ""
    table: pd.DataFrame | None = None


def _capacity(row) -> str:
    if pd.notna(row["capacity"]):
        return f"capacity {number(row['capacity'], row['capacity_unit'])}"
    return "capacity unknown"


def _opened(row) -> str:
    return f" · opened {row['opened']}" if row["opened"] else ""


def node_card(atlas: Atlas, node_id: str) -> Card:
    """The card of a port, border crossing or hub."""
    r = atlas.nodes.set_index("id").loc[node_id]
    names = atlas.country_names()
    line = (f"{vocab.NODE_KIND.label(r['kind'])} in {names.get(r['iso3'], r['iso3'])} · "
            f"{vocab.INFRA_STATUS.label(r['status'])}{_opened(r)} · {_capacity(r)}")
    return Card(r["name"], [("", line)], captions=[r["note"]] if r["note"] else [], sources=r["sources"])


def segment_card(atlas: Atlas, lines: pd.DataFrame, segment_id: str) -> Card:
    """The card of a transport segment (`lines`: `geo.transport.route_lines`)."""
    r = lines.set_index("id").loc[segment_id]
    names = atlas.country_names()
    published = f"{r['published_length_km']:,.1f} km" if pd.notna(r["published_length_km"]) else "none"
    line = (f"{vocab.MODE.label(r['mode'])} · {vocab.CORRIDOR.label(r['corridor'])} · "
            f"{vocab.INFRA_STATUS.label(r['status'])}{_opened(r)} · {_capacity(r)}")
    return Card(
        r["name"], [("", line), ("Km by country", "published and computed")],
        lead=f"Geodesic length {r['length_km']:,.0f} km (approximate, through the waypoints) · published: {published}",
        captions=[f"Waypoints: {r['waypoints']}", *([r["note"]] if r["note"] else [])],
        sources=f"{r['sources']};{r['geometry_sources']}",
        table=compare(r["published_km_by_country"], r["km_by_country"], names),
    )


def energy_card(atlas: Atlas, lines: pd.DataFrame, link_id: str) -> Card:
    """The card of a pipeline or power link (`lines`: `geo.energy.energy_lines`)."""
    r = lines.set_index("id").loc[link_id]
    names = atlas.country_names()
    capacity = number(r["capacity"], r["capacity_unit"], missing="unknown")
    published = f"{r['published_length_km']:,.0f} km" if pd.notna(r["published_length_km"]) else "none"
    head = (f"{vocab.COMMODITY.label(r['commodity'])} {vocab.ENERGY_KIND.label(r['kind']).lower()} · "
            f"{vocab.ENERGY_STATUS.label(r['status'])}{_opened(r)}"
            + (f" · agreement {r['agreement_date']}" if r["agreement_date"] else ""))
    if r["drawn_from"] == THROUGH_WAYPOINTS:
        drawn = f"Drawn through the named waypoints: {r['waypoints']}"
    else:
        drawn = (f"Drawn along a {r['drawn_from']}. Named points on the way: {r['waypoints']} (the farthest lies "
                 f"{r['waypoint_offset_km']:,.1f} km from the drawn line).")
    return Card(
        r["name"], [("", head), ("", f"Capacity: {capacity} · operator: {r['operator'] or 'unknown'}"),
                    ("Km by country", "published and computed")],
        lead=f"Length: published {published} · computed {r['length_km']:,.0f} km (geodesic along the drawn line)",
        captions=[drawn, *([r["note"]] if r["note"] else [])],
        sources=f"{r['sources']};{r['geometry_sources']}",
        table=compare(r["published_km_by_country"], r["km_by_country"], names),
    )


def country_energy_card(atlas: Atlas, lines: pd.DataFrame, iso3: str) -> Card:
    """Everything among `lines` that starts, ends or passes in a country, and the countries the links not yet
    operational would add."""
    names = atlas.country_names()
    touching = links_of_country(lines, iso3)
    now = touching[touching["status"] == "operational"]
    future = touching[touching["status"] != "operational"]
    reach_now = {c for cell in now["countries"] for c in cell.split(";") if c} - {iso3}
    reach_all = {c for cell in touching["countries"] for c in cell.split(";") if c} - {iso3}
    added = sorted(reach_all - reach_now, key=lambda c: names.get(c, c))
    planned = ", ".join(n if f"({vocab.ENERGY_STATUS.label(s).lower()})" in n.lower()  # no "(proposed) (proposed)"
                        else f"{n} ({vocab.ENERGY_STATUS.label(s).lower()})" for n, s in zip(future["name"], future["status"]))
    return Card(names[iso3], [
        ("Operational", ", ".join(now["name"]) or "none"),
        ("Not yet operational", planned or "none"),
        ("If the links not yet operational were built", "they would add direct connections to "
         + (", ".join(names.get(c, c) for c in added) or "no new country")),
    ])


def water_card(atlas: Atlas, item: str) -> Card | None:
    """The card of a water feature or of a river or lake (by id), or None if `item` is neither."""
    features = atlas.water_features.set_index("id")
    if item in features.index:
        r = features.loc[item]
        names = atlas.country_names()
        lines = [("", f"{vocab.WATER_KIND.label(r['kind'])} · {vocab.INFRA_STATUS.label(r['status'])} · "
                      f"{names.get(r['iso3'], r['iso3'])}"),
                 ("Capacity", coop.capacity_text(r)), ("River", r["river"] or NOT_RECORDED),
                 ("Opened", r["opened"] or NOT_RECORDED)]
        return Card(r["name"], lines, captions=[r["note"]] if r["note"] else [], sources=r["sources"])
    physical = coop.physical_countries(atlas).set_index("id")
    if item in physical.index:
        r = physical.loc[item]
        when = "" if r["period"] == "today" else f" ({r['period']})"
        return Card(f"{r['name']}{when}", [("", vocab.PHYSICAL_KIND.label(r["kind"])),
                                           ("Countries", r["countries_text"])],
                    captions=[r["note"]] if r["note"] else [], sources=r["sources"])
    return None


def border_card(atlas: Atlas, border_id: str) -> Card | None:
    """The card of a land border (``ARM-AZE``)."""
    lines = coop.border_lines(atlas).set_index("id")
    if border_id not in lines.index:
        return None
    r = lines.loc[border_id]
    length = f"{r['length_km']:,.0f} km as drawn (geodesic)" if pd.notna(r["length_km"]) else NOT_RECORDED
    return Card(r["name"], [("", coop.state_text(r)), ("Length", length)], captions=[r["note"]] if r["note"] else [],
                sources=r["sources"])


def visa_card(atlas: Atlas, country: str, to_iso3: str) -> Card | None:
    """The card of what a citizen of `country` needs to enter `to_iso3`."""
    if to_iso3 == country or to_iso3 not in coop.five_plus_three(atlas):
        return None
    names = atlas.country_names()
    rows = atlas.visas[(atlas.visas["from_iso3"] == country) & (atlas.visas["to_iso3"] == to_iso3)]
    title = f"{names.get(country, country)} → {names.get(to_iso3, to_iso3)}"
    if not len(rows):
        return Card(title, [("", f"Regime: {NOT_RECORDED}")])
    r = rows.iloc[0]
    return Card(title, [("Regime", coop.regime_text(r["regime"], r["days"])), ("Since", r["since"] or NOT_RECORDED)],
                captions=[r["note"]] if r["note"] else [], sources=r["sources"])


def card_for(atlas: Atlas, view: str, country: str, selected: str | None) -> Card | None:
    """The card of what is selected in a view, or None."""
    if not selected:
        return None
    if view == "water":
        return water_card(atlas, selected)
    if view == "borders":
        return border_card(atlas, selected)
    return visa_card(atlas, country, selected)
