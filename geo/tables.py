"""Table specifications: the columns of every CSV file in data/, their checks and so their types.

Each `TableSpec` names its file, its columns in order (a `geo._validate.Column` each: name, check, required,
unique) and whole-row checks. A column checked by `number` is loaded as numbers (`TableSpec.typed`), so a
column's type is declared once, here. Vocabularies come from `geo.vocab`.
"""

from __future__ import annotations

from geo import _validate as v
from geo import vocab
from geo.dates import partial_date_start
from geo.measure import SEA


def _date_order(record: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    since, until = record.get("since", ""), record.get("until", "")
    valid = since and until and v.is_partial_date(since) and v.is_partial_date(until)
    if valid and partial_date_start(until) <= partial_date_start(since):
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
        v.Column("group", v.one_of(*vocab.COUNTRY_GROUP), required=True),
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
        v.Column("kind", v.one_of(*vocab.BODY_KIND), required=True),
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
        v.Column("status", v.one_of(*vocab.MEMBERSHIP_STATUS)),
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
        v.Column("numbered", v.one_of(*vocab.TRUE_FALSE), required=True),
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
        v.Column("kind", v.one_of(*vocab.NODE_KIND), required=True),
        v.Column("iso3", v.known_iso3, required=True),
        v.Column("lat", v.number(-90, 90), required=True),
        v.Column("lon", v.number(-180, 180), required=True),
        v.Column("status", v.one_of(*vocab.INFRA_STATUS), required=True),
        v.Column("opened", v.partial_date),
        v.Column("capacity", v.number(0, 1e12)),
        v.Column("capacity_unit", v.text),
        v.Column("terminal", v.one_of(*vocab.TRUE_FALSE), required=True),
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
        v.Column("corridor", v.one_of(*vocab.CORRIDOR), required=True),
        v.Column("mode", v.one_of(*vocab.MODE), required=True),
        v.Column("status", v.one_of(*vocab.INFRA_STATUS), required=True),
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
        v.Column("operating_verified", v.one_of(*vocab.TRUE_FALSE)),
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
        v.Column("corridor", v.one_of(*vocab.TRANSIT_CORRIDOR), required=True),
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
        v.Column("kind", v.one_of(*vocab.ENERGY_KIND), required=True),
        v.Column("commodity", v.one_of(*vocab.COMMODITY), required=True),
        v.Column("status", v.one_of(*vocab.ENERGY_STATUS), required=True),
        v.Column("opened", v.partial_date),
        v.Column("agreement_date", v.partial_date),
        v.Column("capacity", v.number(0, 1e9)),
        v.Column("capacity_unit", v.one_of(*vocab.CAPACITY_UNIT)),
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
        v.Column("join_start", v.one_of(*vocab.TRUE_FALSE), required=True),
        v.Column("join_end", v.one_of(*vocab.TRUE_FALSE), required=True),
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
        v.Column("story_title", v.text, required=True),
        v.Column("step", v.number(1, 99, integer=True), required=True),
        v.Column("title", v.text, required=True),
        v.Column("caption", v.text),
        v.Column("page", v.known_id("pages"), required=True),
        v.Column("query", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)


PHYSICAL = v.TableSpec(
    "physical.geojson",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("kind", v.one_of(*vocab.PHYSICAL_KIND), required=True),
        v.Column("period", v.text, required=True),
        v.Column("sources", v.known_sources, required=True),
        v.Column("note", v.text),
    ),
    geometry=("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
)
"""Named rivers and lakes of the physical basemap (written by scripts/build_physical.py)."""

WATER_FEATURES = v.TableSpec(
    "water_features.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("name", v.text, required=True),
        v.Column("kind", v.one_of(*vocab.WATER_KIND), required=True),
        v.Column("status", v.one_of(*vocab.INFRA_STATUS), required=True),
        v.Column("river", v.text),
        v.Column("iso3", v.known_iso3, required=True),
        v.Column("lat", v.number(-90, 90)),
        v.Column("lon", v.number(-180, 180)),
        v.Column("capacity", v.number(0, 1e6)),
        v.Column("capacity_unit", v.one_of(*vocab.WATER_CAPACITY_UNIT)),
        v.Column("opened", v.partial_date),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_both_or_neither("lat", "lon"), _capacity_unit),
)
"""Dams, reservoirs, hydropower plants and canals that shape the shared water (a point each)."""
BORDERS = v.TableSpec(
    "borders.csv",
    (
        v.Column("iso3_a", v.known_iso3, required=True),
        v.Column("iso3_b", v.known_iso3, required=True),
        v.Column("state", v.one_of(*vocab.BORDER_STATE)),
        v.Column("treaty_signed", v.partial_date),
        v.Column("treaty_in_force", v.partial_date),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
"""Land borders between two focus countries and the state of their delimitation (an empty state: unknown)."""
VISAS = v.TableSpec(
    "visas.csv",
    (
        v.Column("from_iso3", v.known_iso3, required=True),
        v.Column("to_iso3", v.known_iso3, required=True),
        v.Column("regime", v.one_of(*vocab.VISA_REGIME)),
        v.Column("days", v.number(1, 3660, integer=True)),
        v.Column("since", v.partial_date),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
"""What a citizen of one country needs to enter another (an empty regime: not recorded)."""
EVENTS = v.TableSpec(
    "events.csv",
    (
        v.Column("id", v.slug, required=True, unique=True),
        v.Column("date", v.partial_date, required=True),
        v.Column("kind", v.one_of(*vocab.EVENT_KIND), required=True),
        v.Column("title", v.text, required=True),
        v.Column("iso3", v.known_iso3_list, required=True),
        v.Column("lat", v.number(-90, 90)),
        v.Column("lon", v.number(-180, 180)),
        v.Column("place", v.text),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
    row_checks=(_both_or_neither("lat", "lon"),),
)
"""Dated milestones of peace, borders, water and people-to-people exchange, with their place where known."""
PUBLISHED_KM = v.TableSpec(
    "published_km.csv",
    (
        v.Column("line_id", v.known_id("energy_links.csv", "routes.csv", "named_routes.csv"), required=True),
        v.Column("iso3", v.known_iso3_or(SEA), required=True),
        v.Column("km", v.number(0.1, 40000), required=True),
        v.Column("note", v.text),
        v.Column("sources", v.known_sources, required=True),
    ),
)
"""Published km of a line (energy link, segment or named route) in one country, or at sea, as a source gives it."""

TABLE_SPECS: dict[str, v.TableSpec] = {
    spec.file: spec
    for spec in (
        SOURCES, COUNTRIES, BODIES, MEMBERSHIPS, MEETINGS, NODES, ROUTES, NAMED_ROUTES, ROUTE_WAYPOINTS, AIR_LINKS,
        TITR_VOLUMES, TRANSIT_TIMES, ENERGY_LINKS, ENERGY_WAYPOINTS, ENERGY_TRACES, INDICATORS, STORIES, PHYSICAL,
        WATER_FEATURES, BORDERS, VISAS, EVENTS, PUBLISHED_KM,
    )
}
BOUNDARIES_FILE = "boundaries.geojson"
DATA_FILES = (*TABLE_SPECS, BOUNDARIES_FILE)
