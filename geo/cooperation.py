"""Cooperation across borders: transboundary rivers and lakes, water features and the bodies that share water,
land borders and their delimitation, visa regimes among the "5+3" countries.

Plain data (no Streamlit, no renderer). Geometries in EPSG:4326; lengths geodesic km on WGS84. Words come from
`geo.vocab`; an empty cell reads "not recorded". The export layers ``water_features``, ``borders`` and ``visas``
(`geo.export.LAYERS`) are built here from a `Filters`-like object (``iso3``, ``status``).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import shapely

from geo import vocab
from geo.load import Atlas
from geo.measure import length_km
from geo.memberships import in_force
from geo.views import five_plus_three
from geo.vocab import NOT_RECORDED, UNKNOWN

WATER_BODIES = {
    "icwc": "Aral Sea basin (Amu Darya and Syr Darya)",
    "ifas": "Aral Sea basin (Amu Darya and Syr Darya)",
    "chu_talas_commission": "Chu and Talas rivers",
    "tehran_convention": "Caspian Sea",
    "caspian_legal_status": "Caspian Sea",
}
"""The bodies of bodies.csv that share water, with the basin or sea each is about (in the order listed)."""
ARAL_BASIN = "Aral Sea basin (Amu Darya and Syr Darya)"
TOUCH_DEG = 0.02
"""How far (degrees, about 2 km) a river may run outside a country and still be counted as bordering it: rivers
that form a border wander either side of the simplified boundary."""
MIN_RIVER_KM = 10.0
MIN_LAKE_SHARE = 0.005


def _join_names(codes: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(c, c) for c in codes)


# --- water ---------------------------------------------------------------------------------------------------


def _countries_of(geometry, boundaries: gpd.GeoDataFrame) -> list[str]:
    """Countries a river crosses or borders (at least `MIN_RIVER_KM` within `TOUCH_DEG` of the country), or a
    lake covers (at least `MIN_LAKE_SHARE` of its area), largest share first."""
    hits = boundaries.iloc[boundaries.sindex.query(geometry.buffer(TOUCH_DEG), predicate="intersects")]
    shares = []
    for iso3, polygon in zip(hits["iso3"], hits.geometry):
        if geometry.geom_type.endswith("Polygon"):
            share = geometry.intersection(polygon).area / geometry.area if geometry.area else 0
            if share >= MIN_LAKE_SHARE:
                shares.append((share, iso3))
        else:
            km = length_km(geometry.intersection(polygon.buffer(TOUCH_DEG)))
            if km >= MIN_RIVER_KM:
                shares.append((km, iso3))
    return [iso3 for _, iso3 in sorted(shares, reverse=True)]


def physical_countries(atlas: Atlas) -> gpd.GeoDataFrame:
    """Every feature of physical.geojson with ``countries`` (ISO3, ``;``-separated, largest share first) and
    ``countries_text`` (names). Computed once per atlas."""

    def build() -> gpd.GeoDataFrame:
        names = atlas.country_names()
        frame = atlas.physical.copy()
        codes = [_countries_of(g, atlas.boundaries) for g in frame.geometry]
        frame["countries"] = [";".join(c) for c in codes]
        frame["countries_text"] = [_join_names(c, names) or NOT_RECORDED for c in codes]
        return frame

    return atlas.memo(("physical_countries",), build)


def transboundary_water(atlas: Atlas) -> gpd.GeoDataFrame:
    """Rivers and lakes shared by two or more countries, at least one of them a focus country, and the historic
    lake outlines touching a focus country (the Aral Sea of the late 1950s): historic outlines first."""
    frame = physical_countries(atlas)
    focus = set(atlas.focus_iso3())
    codes = frame["countries"].str.split(";")
    touches = codes.map(lambda c: bool(set(c) & focus))
    shared = codes.map(lambda c: len([x for x in c if x]) >= 2)
    keep = touches & (shared | (frame["kind"] == "historic_lake"))
    kept = frame[keep].copy()
    kept["order"] = kept["kind"].map({"historic_lake": 0, "lake": 1, "river": 2})
    return kept.sort_values(["order", "name"]).drop(columns="order").reset_index(drop=True)


def water_points(atlas: Atlas, f=None) -> gpd.GeoDataFrame:
    """The water_features.csv rows as points (None where no coordinates are published), filtered by ``iso3`` and
    ``status`` of `f`; with ``label`` (a one-line description in words)."""
    rows = atlas.water_features
    if f is not None and f.iso3:
        rows = rows[rows["iso3"].isin(f.iso3)]
    if f is not None and f.status:
        rows = rows[rows["status"].isin(f.status)]
    rows = rows.copy()
    rows["label"] = [water_label(r, atlas.country_names()) for r in rows.to_dict("records")]
    geometry = [shapely.Point(lon, lat) if pd.notna(lat) and pd.notna(lon) else None
                for lat, lon in zip(rows["lat"], rows["lon"])]
    return gpd.GeoDataFrame(rows.reset_index(drop=True), geometry=geometry, crs="EPSG:4326")


def capacity_text(row) -> str:
    """Capacity in words: "1,440 MW", "19.5 km³", or "not recorded"."""
    if pd.isna(row["capacity"]):
        return NOT_RECORDED
    return f"{row['capacity']:,g} {vocab.WATER_CAPACITY_UNIT.label(row['capacity_unit'])}"


def water_label(row, names: dict[str, str]) -> str:
    """"Toktogul dam and hydropower plant: hydropower plant, operational, 1,440 MW; Naryn; Kyrgyzstan"."""
    parts = [f"{vocab.WATER_KIND.label(row['kind'])}, {vocab.INFRA_STATUS.label(row['status']).lower()}",
             f"capacity {capacity_text(row)}", f"river {row['river'] or NOT_RECORDED}",
             names.get(row["iso3"], row["iso3"]), f"opened {row['opened'] or NOT_RECORDED}"]
    return f"{row['name']}: " + "; ".join(parts)


def water_bodies(atlas: Atlas, as_of: dt.date | None = None) -> pd.DataFrame:
    """The water bodies (`WATER_BODIES`) with who sits on them on `as_of` (default today): id, body, name,
    about, kind, founded, members, others (other statuses, in words), note, sources."""
    names = atlas.country_names()
    bodies = atlas.bodies.set_index("id")
    rows_in_force = atlas.memberships.loc[in_force(atlas.memberships, as_of)]
    out = []
    for body, about in WATER_BODIES.items():
        if body not in bodies.index:
            continue
        b = bodies.loc[body]
        rows = rows_in_force[rows_in_force["body"] == body]
        members = rows.loc[rows["status"] == "member", "iso3"].tolist()
        others = [f"{names.get(c, c)} ({vocab.STATUS_DISPLAY.label(s).lower() if s else 'status not recorded'})"
                  for c, s in zip(rows["iso3"], rows["status"]) if s != "member"]
        out.append({"id": body, "body": b["short_name"], "name": b["name"], "about": about,
                    "kind": vocab.BODY_KIND.label(b["kind"]), "founded": b["founded"] or NOT_RECORDED,
                    "members": _join_names(members, names) or "none recorded", "others": "; ".join(others) or "none",
                    "note": b["note"], "sources": ";".join([b["sources"], *rows["sources"]])})
    columns = ["id", "body", "name", "about", "kind", "founded", "members", "others", "note", "sources"]
    return pd.DataFrame(out, columns=columns)


def basin_sentence(bodies: pd.DataFrame, about: str = ARAL_BASIN) -> str:
    """Who manages a basin, from `water_bodies`: "Aral Sea basin: ICWC (members: ...); IFAS (members: ...)."."""
    rows = bodies[bodies["about"] == about]
    if not len(rows):
        return f"{about}: no body recorded."
    return f"{about}: " + "; ".join(f"{r['body']} (members today: {r['members']})" for r in rows.to_dict("records"))


# --- borders -------------------------------------------------------------------------------------------------


def border_lines(atlas: Atlas) -> gpd.GeoDataFrame:
    """Each land border of borders.csv as the shared boundary of the two country polygons: id (``ARM-AZE``),
    iso3_a, iso3_b, name, state (``unknown`` where empty), treaty_signed, treaty_in_force, length_km (geodesic),
    note, sources, geometry. Computed once per atlas."""

    def build() -> gpd.GeoDataFrame:
        names = atlas.country_names()
        shapes = atlas.boundaries.set_index("iso3").geometry
        rows = atlas.borders.copy()
        geometries = []
        for a, b in zip(rows["iso3_a"], rows["iso3_b"]):
            shared = shapes[a].boundary.intersection(shapes[b].boundary) if a in shapes.index and b in shapes.index else None
            if shared is not None and not shared.is_empty:
                lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type.endswith("LineString")]
                shared = shapely.line_merge(shapely.MultiLineString(
                    [part for g in lines for part in getattr(g, "geoms", [g])])) if lines else None
            geometries.append(shared if shared is not None and not shared.is_empty else None)
        rows.insert(0, "id", rows["iso3_a"] + "-" + rows["iso3_b"])
        rows.insert(3, "name", [f"{names.get(a, a)}–{names.get(b, b)}" for a, b in zip(rows["iso3_a"], rows["iso3_b"])])
        rows["state"] = rows["state"].replace("", UNKNOWN)
        rows["length_km"] = [round(length_km(g), 1) if g is not None else None for g in geometries]
        columns = ["id", "iso3_a", "iso3_b", "name", "state", "treaty_signed", "treaty_in_force", "length_km",
                   "note", "sources"]
        return gpd.GeoDataFrame(rows[columns].reset_index(drop=True), geometry=geometries, crs="EPSG:4326")

    return atlas.memo(("border_lines",), build)


def borders_layer(atlas: Atlas, f) -> gpd.GeoDataFrame:
    """The ``borders`` export layer: `border_lines` with borders of any of ``f.iso3`` and states in ``f.status``."""
    lines = border_lines(atlas)
    if f.iso3:
        lines = lines[lines["iso3_a"].isin(f.iso3) | lines["iso3_b"].isin(f.iso3)]
    if f.status:
        lines = lines[lines["state"].isin(f.status)]
    return lines.reset_index(drop=True)


def state_text(row) -> str:
    """"Delimited (treaty in force) · treaty signed: 2001-12-15 · in force: not recorded"."""
    state = vocab.BORDER_STATE.label(row["state"])
    state = "State not recorded" if state == NOT_RECORDED else state
    return (f"{state} · treaty signed: {row['treaty_signed'] or NOT_RECORDED} · "
            f"in force: {row['treaty_in_force'] or NOT_RECORDED}")


DELIMITED = "delimitation_in_force"


def delimitation_by_country(atlas: Atlas) -> pd.DataFrame:
    """For each focus country, its land borders with other focus countries (borders.csv) and whether all are
    delimited by a treaty in force: iso3, name, borders, delimited, category (``fully``, ``partly``, ``unknown``:
    some state not recorded, none otherwise not delimited; ``none``: no border recorded), text."""
    names = atlas.country_names()
    lines = border_lines(atlas)
    out = []
    for iso3 in atlas.focus_iso3():
        mine = lines[(lines["iso3_a"] == iso3) | (lines["iso3_b"] == iso3)]
        states = mine["state"].tolist()
        others = [b if a == iso3 else a for a, b in zip(mine["iso3_a"], mine["iso3_b"])]
        if not states:
            category = "none"
        elif all(s == DELIMITED for s in states):
            category = "fully"
        elif all(s in (DELIMITED, UNKNOWN) for s in states):
            category = "unknown"
        else:
            category = "partly"
        listed = "; ".join(f"{names.get(o, o)}: {vocab.BORDER_STATE.label(s).lower()}"
                           for o, s in zip(others, states))
        out.append({"iso3": iso3, "name": names.get(iso3, iso3), "borders": len(states),
                    "delimited": sum(s == DELIMITED for s in states), "category": category,
                    "text": listed or "no land border with another focus country recorded"})
    return pd.DataFrame(out, columns=["iso3", "name", "borders", "delimited", "category", "text"])


def fully_delimited_sentence(table: pd.DataFrame) -> str:
    """The answer to "whose borders with the other focus countries are all delimited?", from the data."""
    def listed(category: str) -> str:
        return ", ".join(table.loc[table["category"] == category, "name"]) or "none"

    return (f"Borders with the other focus countries all delimited by a treaty in force: {listed('fully')}. "
            f"Not fully delimited: {listed('partly')}. Delimited as far as recorded, one border's state not "
            f"recorded: {listed('unknown')}.")


# --- people --------------------------------------------------------------------------------------------------


def visas_layer(atlas: Atlas, f) -> pd.DataFrame:
    """The ``visas`` export layer: id (``ARM-GEO``), from_iso3 (passport), to_iso3, regime, days, since, note,
    sources; ``f.iso3`` keeps passports of those countries, ``f.status`` those regimes."""
    rows = atlas.visas
    if f.iso3:
        rows = rows[rows["from_iso3"].isin(f.iso3)]
    if f.status:
        rows = rows[rows["regime"].isin(vocab.stored(f.status))]
    rows = rows.copy()
    rows.insert(0, "id", rows["from_iso3"] + "-" + rows["to_iso3"])
    return rows.reset_index(drop=True)


def regime_text(regime: str, days) -> str:
    """"Visa-free (90 days)", "Visa required" or "not recorded"."""
    label = vocab.VISA_REGIME.label(regime)
    return label + (f" ({int(days):,} days)" if pd.notna(days) and label != NOT_RECORDED else "")


def visa_matrix(atlas: Atlas) -> pd.DataFrame:
    """The regimes among the eight as words: one row per passport (``Passport of``), one column per destination;
    "—" on the diagonal, "not recorded" where the data holds nothing."""
    eight = five_plus_three(atlas)
    names = atlas.country_names()
    known = {(r["from_iso3"], r["to_iso3"]): regime_text(r["regime"], r["days"]) for r in atlas.visas.to_dict("records")}
    rows = [{"Passport of": names.get(a, a), **{names.get(b, b): "—" if a == b else known.get((a, b), NOT_RECORDED)
                                                for b in eight}} for a in eight]
    return pd.DataFrame(rows)


def visa_shapes(atlas: Atlas, country: str) -> gpd.GeoDataFrame:
    """The focus countries' polygons with ``regime`` for a citizen of `country` (``chosen`` for the country
    itself, ``not_recorded`` where the data holds nothing, ``outside`` for a focus country not among the eight),
    ``days``, ``since``, ``sources`` and ``name``. All focus countries are drawn, as on the other views, so the
    map's base stays the same and the view changes in place."""
    eight = set(five_plus_three(atlas))
    names = atlas.country_names()
    visas = atlas.visas[atlas.visas["from_iso3"] == country].set_index("to_iso3")
    wanted = eight | set(atlas.focus_iso3())
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(wanted)][["iso3", "geometry"]].copy()
    shapes["name"] = shapes["iso3"].map(names)
    regimes = visas["regime"].to_dict()
    shapes["regime"] = ["chosen" if c == country else "outside" if c not in eight else
                        regimes.get(c) or "not_recorded" for c in shapes["iso3"]]
    for column in ("days", "since", "note", "sources"):
        shapes[column] = shapes["iso3"].map(visas[column])
    for column in ("since", "note", "sources"):
        shapes[column] = [x if isinstance(x, str) else "" for x in shapes[column]]
    return shapes.reset_index(drop=True)


def visa_free_sentence(atlas: Atlas, country: str) -> str:
    """The answer to "where can a citizen of <country> travel visa-free among the eight?", from the data."""
    names = atlas.country_names()
    shapes = visa_shapes(atlas, country)
    shapes = shapes[shapes["regime"] != "outside"]
    free = shapes[shapes["regime"] == "visa_free"].sort_values("name")
    listed = ", ".join(f"{n} ({int(d):,} days)" if pd.notna(d) else f"{n} (stay not recorded)"
                       for n, d in zip(free["name"], free["days"]))
    rest = shapes[~shapes["regime"].isin(["visa_free", "chosen"])].sort_values("name")
    others = "; ".join(f"{n}: {vocab.VISA_REGIME.label('' if r == 'not_recorded' else r).lower()}"
                       for n, r in zip(rest["name"], rest["regime"]))
    cited = {i for cell in shapes["sources"] for i in cell.split(";") if i}
    dates = sorted(d for d in atlas.sources.loc[atlas.sources["id"].isin(cited), "published"] if d)
    dated = f" As recorded by sources published up to {dates[-1]}." if dates else ""
    return (f"A citizen of {names.get(country, country)} can travel visa-free to {len(free)} of the other "
            f"{len(shapes) - 1}: {listed or 'none'}." + (f" Elsewhere: {others}." if others else "") + dated)


def event_points(atlas: Atlas, kinds: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The events of `kinds`, newest first, as points (None where no place is given), with ``label``
    ("2025-08-08 · title (place)") and ``countries`` (names)."""
    names = atlas.country_names()
    rows = atlas.events[atlas.events["kind"].isin(kinds)].sort_values("date", ascending=False).copy()
    rows["countries"] = [_join_names([c for c in cell.split(";") if c], names) for cell in rows["iso3"]]
    rows["label"] = [f"{d} · {t}" + (f" ({p})" if p else "") for d, t, p in zip(rows["date"], rows["title"], rows["place"])]
    geometry = [shapely.Point(lon, lat) if pd.notna(lat) and pd.notna(lon) else None
                for lat, lon in zip(rows["lat"], rows["lon"])]
    return gpd.GeoDataFrame(rows.reset_index(drop=True), geometry=geometry, crs="EPSG:4326")


def flights_of(atlas: Atlas, country: str) -> gpd.GeoDataFrame:
    """The direct flights (great-circle lines) between `country` and the other "5+3" countries."""
    from geo.transport import air_lines

    eight = set(five_plus_three(atlas))
    lines = air_lines(atlas)
    ends = lines[["origin_iso3", "destination_iso3"]]
    keep = (ends == country).any(axis=1) & ends.isin(eight).all(axis=1)
    return lines[keep].reset_index(drop=True)


def pick(atlas: Atlas, view: str, lat: float, lon: float, *, max_deg: float = 0.5) -> str | None:
    """What a click at (lat, lon) selects in a view: a water feature (else a river or lake), a border, a country."""
    from geo.joins import country_at
    from geo.transport import nearest_feature

    if view == "water":
        placed = water_points(atlas)
        placed = placed[placed.geometry.notna()]
        return (nearest_feature(placed, lat, lon, max_deg=max_deg / 2)
                or nearest_feature(transboundary_water(atlas), lat, lon, max_deg=max_deg))
    if view == "borders":
        lines = border_lines(atlas)
        return nearest_feature(lines[lines.geometry.notna()], lat, lon, max_deg=max_deg)
    return country_at(atlas.boundaries, lat, lon)


def reader_tables(atlas: Atlas, view: str, table: pd.DataFrame, events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables under a view's map, with headers and cells in words."""
    names = atlas.country_names()
    if view == "water":
        bodies = table.drop(columns=["id", "note", "sources"]).rename(columns={
            "body": "Body", "name": "Full name", "about": "Waters", "kind": "Kind", "founded": "Founded or signed",
            "members": "Members today", "others": "Other participants today"})
        features = water_points(atlas)
        works = pd.DataFrame({
            "Name": features["name"], "Kind": features["kind"].map(vocab.WATER_KIND.label),
            "Status": features["status"].map(vocab.INFRA_STATUS.label), "River": features["river"].replace("", NOT_RECORDED),
            "Country": features["iso3"].map(lambda c: names.get(c, c)),
            "Capacity": [capacity_text(r) for r in features.to_dict("records")],
            "Opened": features["opened"].replace("", NOT_RECORDED),
            "On the map": features.geometry.notna().map({True: "yes", False: "no (no coordinates)"})})
        return {"Bodies that share water, and who sits on them today": bodies, "Dams, hydropower plants and canals": works}
    tables: dict[str, pd.DataFrame] = {}
    if view == "borders":
        lines = border_lines(atlas)
        tables["Countries"] = table.rename(columns={"name": "Country", "borders": "Borders with focus countries",
                                                    "delimited": "Delimited (treaty in force)", "text": "Borders"}
                                           ).drop(columns=["iso3", "category"])
        tables["Land borders"] = pd.DataFrame({
            "Border": lines["name"], "State": [state_text(r).split(" · ")[0] for r in lines.to_dict("records")],
            "Treaty signed": lines["treaty_signed"].replace("", NOT_RECORDED),
            "Treaty in force": lines["treaty_in_force"].replace("", NOT_RECORDED),
            "Length as drawn (km)": [f"{k:,.0f}" if pd.notna(k) else NOT_RECORDED for k in lines["length_km"]]})
    else:
        tables["Entry regimes among the eight (rows: passport; columns: destination)"] = table
    tables["Events"] = pd.DataFrame({"Date": events["date"], "Kind": events["kind"].map(vocab.EVENT_KIND.label),
                                     "Event": events["title"], "Countries": events["countries"],
                                     "Place": events["place"].replace("", NOT_RECORDED)})
    return tables
