"""Loading and validation: every kind of bad file gets its exact message, all problems of a file at once."""

from __future__ import annotations

import json

import pytest

from geo.errors import DataError
from geo.load import DATA_DIR_ENV, data_dir, load_atlas


def test_tiny_data_loads(tiny_atlas):
    assert len(tiny_atlas.countries) == 10
    assert tiny_atlas.countries["capital_lat"].dtype == float
    assert tiny_atlas.boundaries.crs.to_epsg() == 4326
    assert len(tiny_atlas.version) == 12


def test_data_dir_from_environment(tiny_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    assert data_dir() == tiny_data
    assert len(load_atlas().memberships) == 12


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(DataError, match=r"nowhere: expected a folder holding sources\.csv"):
        load_atlas(tmp_path / "nowhere")


# One damaged file, its exact message. `change` is a (row, column, value) edit of the file's tiny table (row counted
# from 0) or a function `change(tables, file)` given the `tiny_tables` fixture and the file name.


def delete(tables, file):
    tables.path(file).unlink()


def rename_column(old, new):
    """Rename the column `old` to `new`, which moves it last."""

    def change(tables, file):
        table = tables.rows(file)
        for r in table:
            r[new] = r.pop(old)
        tables.write(file, table)

    return change


def replace_bytes(old: bytes, new: bytes):
    def change(tables, file):
        path = tables.path(file)
        path.write_bytes(path.read_bytes().replace(old, new))

    return change


def write_bytes(content: bytes):
    return lambda tables, file: tables.path(file).write_bytes(content)


def name_a_named_route_btc(tables, file):
    """Give the named route the id of an energy link (and drop the published row that named it)."""
    tables.edit(file, 0, "id", "btc")
    tables.write("published_km.csv", tables.rows("published_km.csv")[:3])


DAMAGED_FILES = {
    "missing_file": ("meetings.csv", delete, r"meetings\.csv: expected the file to exist in"),
    "wrong_columns": (
        "memberships.csv", rename_column("status", "state"),
        r"memberships\.csv: found 'iso3,body,since,until,note,sources,state', expected the header iso3,body,status.*missing status; unexpected state",
    ),
    "until_before_since": (
        "memberships.csv", (0, "until", "2017"),
        r"row 1 \(line 2\), column 'until': found '2017', expected a date after since \(2018-03-15\)",
    ),
    "overlapping_periods": (  # AZE member from 2025-01-01 overlaps guest_of_honour until 2025-11-16
        "memberships.csv", (6, "since", "2025-01-01"),
        r"row 7 \(line 8\), column 'since': found '2025-01-01', expected a period of AZE in ca_consultative that does not overlap row 6",
    ),
    "proposal_has_no_members": (
        "memberships.csv", (0, "body", "5plus3"),
        r"row 1 \(line 2\), column 'body': found '5plus3', expected a body that exists \(a proposal has no members\)",
    ),
    "unknown_body": (
        "memberships.csv", (0, "body", "nato"), r"column 'body': found 'nato', expected a body id from bodies\.csv",
    ),
    "missing_sources_cell": (
        "countries.csv", (2, "sources", ""),
        r"countries\.csv: 1 problem\n  - countries\.csv, row 3 \(line 4\), column 'sources': found '', expected a value",
    ),
    "numbered_meeting_needs_number": (
        "meetings.csv", (0, "number", ""),
        r"row 1 \(line 2\), column 'number': found '', expected a meeting number when numbered is true",
    ),
    "wrong_encoding": (
        "countries.csv", replace_bytes("Türkiye".encode(), "Türkiye".encode("latin-1")),
        r"countries\.csv: expected UTF-8 text \(byte \d+, on line 10, is not valid UTF-8\)",
    ),
    "binary_file": (
        "sources.csv", write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
        r"sources\.csv: expected a UTF-8 text file \(it looks binary\)",
    ),
    "malformed_csv": (
        "bodies.csv", write_bytes(b'id,name\n"unterminated,x\n'), r"bodies\.csv: expected well-formed CSV",
    ),
    "unreadable_geojson": (
        "boundaries.geojson", write_bytes(b"{not json"),
        r"boundaries\.geojson: expected a GeoJSON FeatureCollection GDAL can read",
    ),
    "unknown_visa_regime": (
        "visas.csv", (0, "regime", "visa free"),
        r"visas\.csv, row 1 \(line 2\), column 'regime': found 'visa free', expected one of visa_free, visa_on_arrival",
    ),
    "repeated_visa_pair": (
        "visas.csv", (1, "to_iso3", "GEO"),
        r"visas\.csv, row 2 \(line 3\), column 'to_iso3': found 'GEO', expected a unique from_iso3 \+ to_iso3",
    ),
    "unknown_border_state": (
        "borders.csv", (0, "state", "demarcated"),
        r"borders\.csv, row 1 \(line 2\), column 'state': found 'demarcated', expected one of delimitation_in_force",
    ),
    "water_feature_half_a_point": (
        "water_features.csv", (0, "lon", ""),
        r"water_features\.csv, row 1 \(line 2\), column 'lon': found '', expected lat and lon both filled or both empty",
    ),
    "event_of_unknown_kind": (
        "events.csv", (0, "kind", "war"),
        r"events\.csv, row 1 \(line 2\), column 'kind': found 'war', expected one of peace, border, exchange, water",
    ),
    "published_km_of_an_unknown_line": (
        "published_km.csv", (0, "line_id", "bt"),
        r"published_km\.csv, row 1 \(line 2\), column 'line_id': found 'bt', expected an id listed in energy_links\.csv, "
        r"routes\.csv or named_routes\.csv",
    ),
    "published_km_of_an_unknown_country": (
        "published_km.csv", (0, "iso3", "AZR"),
        r"published_km\.csv, row 1 \(line 2\), column 'iso3': found 'AZR', expected an ISO3 code listed in countries\.csv or sea",
    ),
    "published_km_not_positive": (
        "published_km.csv", (2, "km", "0"),
        r"published_km\.csv, row 3 \(line 4\), column 'km': found '0', expected a number from 0\.1 to 40000",
    ),
    "published_km_repeated_country": (
        "published_km.csv", (1, "iso3", "AZE"),
        r"published_km\.csv, row 2 \(line 3\), column 'iso3': found 'AZE', expected a unique line_id \+ iso3 \(row 1 has btc/AZE",
    ),
    "published_km_over_the_line's_length": (  # 443 + 249 + 1,100 > 1,768 + 1.5 of rounding
        "published_km.csv", (2, "km", "1100"),
        r"published_km\.csv, row 3 \(line 4\), column 'km': found '1100', expected km by country of btc that add up to at "
        r"most its published length of 1,768 km \(they add up to 1,792 km\)",
    ),
    "published_km_in_a_country_the_line_does_not_cross": (
        "published_km.csv", (0, "iso3", "KGZ"),
        r"published_km\.csv, row 1 \(line 2\), column 'iso3': found 'KGZ', expected a country \(or the sea\) that btc "
        r"crosses as drawn: GEO, ARM, TUR, AZE",
    ),
    "published_km_at_sea_where_the_line_has_no_sea": (
        "published_km.csv", (3, "iso3", "sea"),
        r"row 4 \(line 5\), column 'iso3': found 'sea', expected a country \(or the sea\) that xian-baku crosses as drawn: KGZ",
    ),
    "published_km_of_an_id_two_line_files_hold": (
        "named_routes.csv", name_a_named_route_btc,
        r"row 1 \(line 2\), column 'line_id': found 'btc', expected the id of one line only \(energy_links\.csv and "
        r"named_routes\.csv both have it\)",
    ),
    "physical_feature_of_unknown_kind": (
        "physical.geojson", write_bytes(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                                        b'{"id":"x","name":"X","kind":"sea","period":"today","sources":"s-one","note":""},'
                                        b'"geometry":{"type":"Point","coordinates":[40.5,40.5]}}]}'),
        r"(?s)physical\.geojson, row 1 \(line 2\), column 'kind': found 'sea', expected one of river, lake, historic_lake.*"
        r"column 'geometry': found 'Point', expected one of LineString",
    ),
}


@pytest.mark.parametrize(("file", "change", "message"), list(DAMAGED_FILES.values()), ids=list(DAMAGED_FILES))
def test_damaged_file_gets_its_message(tiny_data, tiny_tables, file, change, message):
    if callable(change):
        change(tiny_tables, file)
    else:
        tiny_tables.edit(file, *change)
    with pytest.raises(DataError, match=message):
        load_atlas(tiny_data)


def test_unknown_iso_code_and_source_and_status_all_reported(tiny_data, tiny_tables):
    table = tiny_tables.rows("memberships.csv")
    table[6]["iso3"] = "XYZ"
    table[2]["sources"] = "s-one;nope"
    table[3]["status"] = "membr"
    tiny_tables.write("memberships.csv", table)
    with pytest.raises(DataError) as info:
        load_atlas(tiny_data)
    message = str(info.value)
    assert "memberships.csv: 3 problems" in message
    assert "row 7 (line 8), column 'iso3': found 'XYZ', expected an ISO3 code listed in countries.csv" in message
    assert "row 3 (line 4), column 'sources': found 's-one;nope', expected source ids listed in sources.csv (unknown: nope)" in message
    assert "row 4 (line 5), column 'status': found 'membr', expected one of member, observer" in message


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2025-11-16", True), ("2029-08", True), ("2029", True), ("2025-02-30", False), ("16.11.2025", False),
     ("2025-13", False), ("", True)],
)
def test_dates(tiny_data, tiny_tables, value, ok):
    tiny_tables.edit("memberships.csv", 0, "until", value)
    if ok:
        load_atlas(tiny_data)
    else:
        with pytest.raises(DataError, match=rf"row 1 \(line 2\), column 'until': found '{value}', expected an ISO 8601 date"):
            load_atlas(tiny_data)


def test_duplicate_source_id_and_bad_url(tiny_data, tiny_tables):
    table = tiny_tables.rows("sources.csv")
    table[1]["id"] = "s-one"
    table[0]["url"] = "javascript:alert(1)"
    tiny_tables.write("sources.csv", table)
    with pytest.raises(DataError) as info:
        load_atlas(tiny_data)
    message = str(info.value)
    assert "row 2 (line 3), column 'id': found 's-one', expected a unique value (row 1 has it too)" in message
    assert "row 1 (line 2), column 'url': found 'javascript:alert(1)', expected an http:// or https:// URL" in message


def test_coordinates_out_of_range_and_half_empty(tiny_data, tiny_tables):
    table = tiny_tables.rows("meetings.csv")
    table[0]["lat"] = "191"
    table[1]["lon"] = ""
    tiny_tables.write("meetings.csv", table)
    with pytest.raises(DataError) as info:
        load_atlas(tiny_data)
    message = str(info.value)
    assert "row 1 (line 2), column 'lat': found '191', expected a number from -90 to 90" in message
    assert "row 2 (line 3), column 'lon': found '', expected lat and lon both filled or both empty" in message


def test_broken_geometry(tiny_data):
    doc = json.loads((tiny_data / "boundaries.geojson").read_text())
    doc["features"][1]["geometry"]["coordinates"] = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]  # bow-tie
    doc["features"][2]["properties"]["iso3"] = "QQQ"
    (tiny_data / "boundaries.geojson").write_text(json.dumps(doc))
    with pytest.raises(DataError) as info:
        load_atlas(tiny_data)
    message = str(info.value)
    assert "boundaries.geojson, row 2 (line 3), column 'geometry': found 'Self-intersection" in message
    assert "expected a valid geometry" in message
    assert "boundaries.geojson, row 3 (line 4), column 'iso3': found 'QQQ', expected an ISO3 code listed in countries.csv" in message


def test_problems_of_several_files_together(tiny_data, tiny_tables):
    (tiny_data / "meetings.csv").unlink()
    table = tiny_tables.rows("bodies.csv")
    table[0]["kind"] = "club"
    tiny_tables.write("bodies.csv", table)
    with pytest.raises(DataError) as info:
        load_atlas(tiny_data)
    assert {p.file for p in info.value.problems} == {"meetings.csv", "bodies.csv"}
