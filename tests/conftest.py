"""Shared fixtures: a tiny, consistent atlas data folder written into a temporary directory.

- `tiny_data`: the folder, every table of TABLES written as CSV plus boundaries.geojson and physical.geojson.
- `tiny_atlas`: that folder loaded; `atlas`: the shipped data/ loaded once per run.
- `tiny_tables`: the tiny tables of that same folder, to read a fresh copy of, change and write back; tests damage
  one file at a time with it and assert the exact message.
- `run_page`: runs one page of the app through its router with Streamlit's AppTest.

Test modules take these as fixture arguments; they never import this module.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FOCUS = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE", "ARM", "GEO", "TUR"]
GROUP = {"KAZ": "Central Asia", "KGZ": "Central Asia", "TJK": "Central Asia", "TKM": "Central Asia",
         "UZB": "Central Asia", "AZE": "South Caucasus", "ARM": "South Caucasus", "GEO": "South Caucasus",
         "TUR": "Türkiye", "RUS": "context"}

TABLES: dict[str, list[dict[str, str]]] = {
    "sources.csv": [
        {"id": "s-one", "title": "Source one", "publisher": "Pub", "url": "https://example.org/one",
         "published": "2025-11-16", "note": ""},
        {"id": "s-two", "title": "Source two", "publisher": "", "url": "", "published": "", "note": ""},
    ],
    "countries.csv": [
        {"iso3": c, "name": f"Country {c}", "group": GROUP[c], "capital": f"Capital {c}",
         "capital_lat": "40.0", "capital_lon": str(40 + i), "sources": "s-one"}
        for i, c in enumerate([*FOCUS, "RUS"])
    ],
    "bodies.csv": [
        {"id": "ca_consultative", "name": "Consultative Meetings", "short_name": "CA Consultative",
         "kind": "summit_format", "founded": "2018-03-15", "proposed_members": "", "note": "", "sources": "s-one"},
        {"id": "ots", "name": "Organization of Turkic States", "short_name": "OTS", "kind": "organisation",
         "founded": "2009-10-03", "proposed_members": "", "note": "", "sources": "s-one"},
        {"id": "5plus3", "name": "5+3 platform", "short_name": "5+3", "kind": "proposal", "founded": "",
         "proposed_members": "KAZ;KGZ;TJK;TKM;UZB;AZE;ARM;GEO", "note": "", "sources": "s-two"},
    ],
    "memberships.csv": [
        *[{"iso3": c, "body": "ca_consultative", "status": "member", "since": "2018-03-15", "until": "",
           "note": "", "sources": "s-one"} for c in FOCUS[:5]],
        {"iso3": "AZE", "body": "ca_consultative", "status": "guest_of_honour", "since": "2023-09-14",
         "until": "2025-11-16", "note": "guest", "sources": "s-one"},
        {"iso3": "AZE", "body": "ca_consultative", "status": "member", "since": "2025-11-16", "until": "",
         "note": "", "sources": "s-one;s-two"},
        {"iso3": "KAZ", "body": "ots", "status": "member", "since": "2009-10-03", "until": "", "note": "",
         "sources": "s-one"},
        {"iso3": "TKM", "body": "ots", "status": "observer", "since": "2021-11-12", "until": "", "note": "",
         "sources": "s-one"},
        {"iso3": "GEO", "body": "ots", "status": "member", "since": "2009", "until": "2012-05", "note": "",
         "sources": "s-one"},
        {"iso3": "GEO", "body": "ots", "status": "former", "since": "2012-05", "until": "", "note": "",
         "sources": "s-one"},
        {"iso3": "TUR", "body": "ots", "status": "", "since": "", "until": "", "note": "unverified",
         "sources": "s-two"},
    ],
    "meetings.csv": [
        {"number": "1", "numbered": "true", "date": "2018-03-15", "city": "Astana", "host_iso3": "KAZ",
         "lat": "51.1801", "lon": "71.446", "chair": "", "guests": "", "guest_iso3": "", "note": "",
         "sources": "s-one"},
        {"number": "5", "numbered": "true", "date": "2023-09-14", "city": "Dushanbe", "host_iso3": "TJK",
         "lat": "38.5358", "lon": "68.7791", "chair": "", "guests": "Guest <b>of</b> honour",
         "guest_iso3": "AZE", "note": "", "sources": "s-one"},
        {"number": "", "numbered": "false", "date": "2025-08-05", "city": "Awaza", "host_iso3": "TKM",
         "lat": "", "lon": "", "chair": "", "guests": "", "guest_iso3": "", "note": "preparatory",
         "sources": "s-one"},
        {"number": "7", "numbered": "true", "date": "2025-11-16", "city": "Tashkent", "host_iso3": "UZB",
         "lat": "41.2646", "lon": "69.2163", "chair": "", "guests": "", "guest_iso3": "", "note": "",
         "sources": "s-one"},
    ],
    "nodes.csv": [
        {"id": "xian", "name": "Xi'an", "kind": "hub", "iso3": "RUS", "lat": "40.5", "lon": "49.5",
         "status": "operational", "opened": "", "capacity": "", "capacity_unit": "", "terminal": "true", "note": "",
         "sources": "s-one"},
        {"id": "aktau", "name": "Aktau", "kind": "seaport", "iso3": "KAZ", "lat": "40.5", "lon": "40.5",
         "status": "operational", "opened": "", "capacity": "7.5", "capacity_unit": "Mt/yr", "terminal": "false",
         "note": "", "sources": "s-one"},
        {"id": "baku", "name": "Baku", "kind": "seaport", "iso3": "AZE", "lat": "40.5", "lon": "45.5",
         "status": "operational", "opened": "2018-05-14", "capacity": "", "capacity_unit": "", "terminal": "true",
         "note": "", "sources": "s-one"},
    ],
    "routes.csv": [
        {"id": "xian-aktau", "name": "Xi'an–Aktau rail", "corridor": "middle", "mode": "rail", "status": "operational",
         "opened": "", "capacity": "", "capacity_unit": "", "published_length_km": "", "from_node": "xian",
         "to_node": "aktau", "note": "", "sources": "s-one"},
        {"id": "aktau-baku", "name": "Aktau–Baku ferry", "corridor": "middle", "mode": "ferry",
         "status": "operational", "opened": "", "capacity": "", "capacity_unit": "", "published_length_km": "470",
         "from_node": "aktau", "to_node": "baku", "note": "", "sources": "s-one"},
    ],
    "named_routes.csv": [
        {"id": "xian-baku", "name": "Xi'an to Baku", "segments": "xian-aktau;aktau-baku", "published_length_km": "1000",
         "note": "", "sources": "s-one"},
    ],
    "route_waypoints.csv": [
        {"route_id": "xian-aktau", "seq": "1", "name": "Midway", "lat": "40.5", "lon": "45.0", "note": "",
         "sources": "s-one"},
    ],
    "air_links.csv": [
        {"id": "baku-tashkent", "origin_iso3": "AZE", "origin_city": "Baku", "origin_lat": "40.5",
         "origin_lon": "45.5", "destination_iso3": "UZB", "destination_city": "Tashkent", "destination_lat": "40.5",
         "destination_lon": "44.5", "carrier": "AZAL", "first_flight": "2018-06-30", "operating_verified": "",
         "note": "", "sources": "s-one"},
    ],
    "titr_volumes.csv": [
        {"year": "2023", "cargo_mt": "2.764", "teu": "", "note": "", "sources": "s-one"},
        {"year": "2024", "cargo_mt": "4.484", "teu": "", "note": "", "sources": "s-one"},
    ],
    "transit_times.csv": [
        {"corridor": "middle", "origin": "China", "destination": "Europe", "days_min": "10", "days_max": "20",
         "year": "2023", "note": "", "sources": "s-one"},
    ],
    "energy_links.csv": [
        {"id": "btc", "name": "Baku–Tbilisi–Ceyhan", "kind": "pipeline", "commodity": "oil", "status": "operational",
         "opened": "2006-07-13", "agreement_date": "", "capacity": "1000000", "capacity_unit": "bbl/d",
         "published_length_km": "1768", "operator": "BTC Co.", "note": "", "sources": "s-one"},
        {"id": "cable", "name": "Caspian cable", "kind": "power_line", "commodity": "electricity",
         "status": "proposed", "opened": "", "agreement_date": "2024-11-13", "capacity": "", "capacity_unit": "",
         "published_length_km": "", "operator": "", "note": "", "sources": "s-two"},
    ],
    "energy_waypoints.csv": [
        {"link_id": "btc", "seq": "1", "name": "Sangachal", "lat": "40.5", "lon": "45.5", "note": "", "sources": "s-one"},
        {"link_id": "btc", "seq": "2", "name": "Tbilisi", "lat": "40.5", "lon": "47.5", "note": "", "sources": "s-one"},
        {"link_id": "btc", "seq": "3", "name": "Ceyhan", "lat": "40.5", "lon": "48.5", "note": "", "sources": "s-one"},
        {"link_id": "cable", "seq": "1", "name": "Aktau", "lat": "40.5", "lon": "40.5", "note": "", "sources": "s-two"},
        {"link_id": "cable", "seq": "2", "name": "Baku", "lat": "40.5", "lon": "45.5", "note": "", "sources": "s-two"},
    ],
    "energy_traces.csv": [
        {"link_id": "btc", "trace": "Trace T1", "accuracy": "high", "join_start": "true", "join_end": "false",
         "note": "Runs Ceyhan to Baku side, stopping short of Sangachal", "sources": "s-two",
         "wkt": "LINESTRING (48.5 40.5, 47.5 40.9, 46 40.6)"},
    ],
    "published_km.csv": [
        {"line_id": "btc", "iso3": "AZE", "km": "443", "note": "", "sources": "s-two"},
        {"line_id": "btc", "iso3": "GEO", "km": "249", "note": "The operator's figure", "sources": "s-two"},
        {"line_id": "btc", "iso3": "TUR", "km": "1076", "note": "", "sources": "s-two"},
        {"line_id": "xian-baku", "iso3": "KAZ", "km": "300.5", "note": "", "sources": "s-one"},
    ],
    "stories.csv": [
        {"story": "c6", "story_title": "From C5 to C6", "step": "1", "title": "The C5", "caption": "", "page": "overview", "query": "date=2018-03-15",
         "sources": "s-one"},
        {"story": "c6", "story_title": "From C5 to C6", "step": "2", "title": "The C6", "caption": "", "page": "overview", "query": "date=2025-11-16",
         "sources": "s-one"},
    ],
    "water_features.csv": [
        {"id": "dam-one", "name": "Dam One", "kind": "hydropower", "status": "operational", "river": "River One",
         "iso3": "KGZ", "lat": "40.5", "lon": "41.5", "capacity": "1440", "capacity_unit": "MW", "opened": "1976",
         "note": "", "sources": "s-one"},
        {"id": "canal-one", "name": "Canal One", "kind": "canal", "status": "under_construction", "river": "",
         "iso3": "TKM", "lat": "", "lon": "", "capacity": "", "capacity_unit": "", "opened": "", "note": "",
         "sources": "s-two"},
    ],
    "borders.csv": [
        {"iso3_a": "KAZ", "iso3_b": "KGZ", "state": "delimitation_in_force", "treaty_signed": "2001-12-15",
         "treaty_in_force": "2008", "note": "", "sources": "s-one"},
        {"iso3_a": "ARM", "iso3_b": "AZE", "state": "partly_delimited", "treaty_signed": "", "treaty_in_force": "",
         "note": "", "sources": "s-two"},
    ],
    "visas.csv": [
        {"from_iso3": "ARM", "to_iso3": "GEO", "regime": "visa_free", "days": "360", "since": "", "note": "",
         "sources": "s-one"},
        {"from_iso3": "ARM", "to_iso3": "TKM", "regime": "visa_required", "days": "", "since": "", "note": "",
         "sources": "s-one"},
        {"from_iso3": "ARM", "to_iso3": "AZE", "regime": "", "days": "", "since": "", "note": "not recorded",
         "sources": "s-two"},
    ],
    "events.csv": [
        {"id": "peace-one", "date": "2025-08-08", "kind": "peace", "title": "Text initialled", "iso3": "ARM;AZE",
         "lat": "40.5", "lon": "44.5", "place": "A city", "note": "", "sources": "s-one"},
    ],
    "indicators.csv": [
        {"iso3": "KAZ", "indicator": "renewable_capacity_mw", "year": "2024", "value": "5419", "unit": "MW",
         "note": "", "sources": "s-one"},
        {"iso3": "TKM", "indicator": "renewable_capacity_mw", "year": "2024", "value": "2", "unit": "MW",
         "note": "", "sources": "s-one"},
    ],
}


def square(x: float, y: float, size: float = 1.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def boundaries_doc() -> dict:
    features = []
    for i, code in enumerate([*FOCUS, "RUS"]):
        tier = "context" if code == "RUS" else "focus"
        features.append({"type": "Feature", "properties": {"iso3": code, "name": f"Country {code}", "tier": tier},
                         "geometry": square(40 + i, 40)})
    return {"type": "FeatureCollection", "features": features}


def physical_doc() -> dict:
    """One lake and one river of the physical basemap, inside the tiny countries."""
    lake = {"type": "Feature", "properties": {"id": "lake-one", "name": "Lake One", "kind": "lake", "period": "today",
                                              "sources": "s-one", "note": ""}, "geometry": square(41.2, 40.2, 0.3)}
    river = {"type": "Feature", "properties": {"id": "river-one", "name": "River One", "kind": "river",
                                               "period": "today", "sources": "s-two", "note": ""},
             "geometry": {"type": "LineString", "coordinates": [[40.1, 40.5], [42.5, 40.6], [44.9, 40.4]]}}
    return {"type": "FeatureCollection", "features": [lake, river]}


def _write_csv(folder: Path, name: str, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    """Write `rows` as CSV (header from the first row unless given) and return the path."""
    path = folder / name
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(name: str) -> list[dict[str, str]]:
    """Return a fresh copy of the tiny table `name`."""
    return [dict(r) for r in TABLES[name]]


class TinyTables:
    """The tables of one tiny data folder: `rows` gives a fresh copy of a table as TABLES holds it, `write` writes
    rows back as that file, `edit` does both to change single cells."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, name: str) -> Path:
        """The file `name` in the tiny data folder."""
        return self.folder / name

    def rows(self, name: str) -> list[dict[str, str]]:
        """A fresh copy of the tiny table `name` (free to change: TABLES is untouched)."""
        return _rows(name)

    def write(self, name: str, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
        """Write `rows` as the file `name` (header from the first row unless given) and return its path."""
        return _write_csv(self.folder, name, rows, header)

    def edit(self, name: str, row: int, column: str, value: str) -> Path:
        """Write the tiny table `name` with one cell changed: `row` counts data rows from 0."""
        table = self.rows(name)
        table[row][column] = value
        return self.write(name, table)


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A folder of tiny, consistent data files: every table of TABLES plus boundaries.geojson and physical.geojson."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in TABLES:
        _write_csv(folder, name, _rows(name))
    (folder / "boundaries.geojson").write_text(json.dumps(boundaries_doc()), encoding="utf-8")
    (folder / "physical.geojson").write_text(json.dumps(physical_doc()), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_atlas(tiny_data: Path):
    """The tiny data folder, loaded (unchanged)."""
    from geo.load import load_atlas

    return load_atlas(tiny_data)


@pytest.fixture(scope="session")
def atlas():
    """The atlas as shipped in data/ (loaded once per test run)."""
    from geo.load import load_atlas

    return load_atlas()


@pytest.fixture
def tiny_tables(tiny_data: Path) -> TinyTables:
    """The tables of `tiny_data` (the same folder, when a test takes both), to read, change and write back:

        table = tiny_tables.rows("memberships.csv"); table[0]["until"] = "2017"
        tiny_tables.write("memberships.csv", table)  # or: tiny_tables.edit("memberships.csv", 0, "until", "2017")
    """
    return TinyTables(tiny_data)


def _run_page(path: str, query: dict[str, str] | None = None):
    """Run the app through its router (app.py), on the page `path`, opened with the query parameters given."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    # A page's first run in a session draws only its map and waits for the map's report, which AppTest's map
    # never sends; these tests want the whole page, as the session has it from its second run on (a test in
    # test_app.py covers the first run itself).
    at.session_state[f"_map_first_{Path(path).stem}"] = None
    return at.switch_page(path).run()


@pytest.fixture
def run_page():
    """A function `run_page(path, query=None) -> AppTest`: the app run through its router (app.py) on the page
    `path` (e.g. "pages/overview.py"), opened with the query parameters given; the data folder is the one named
    by the environment (DATA_DIR_ENV) when it is set, as for the app."""
    return _run_page


def _require_browser() -> str:
    from bench.browser import chromium_executable

    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    exe = chromium_executable()
    if reason is None and exe is None:
        reason = "Chromium is not installed (apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required under CI=true: {reason}")
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), shared by the browser tests; skipped without it, except under CI=true."""
    exe = _require_browser()
    from bench.browser import open_browser

    with open_browser(exe) as b:
        yield b


@pytest.fixture(scope="session")
def app_url():
    """A `streamlit run app.py` on a free loopback port, shared by the browser tests."""
    _require_browser()
    from bench.browser import streamlit_server

    with streamlit_server() as url:
        yield url
