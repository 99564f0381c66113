"""Bring-your-own indicator: good files are joined; each kind of bad file or row gets a message naming it."""

from __future__ import annotations

import math

import pytest

from geo import marks as mk
from geo.errors import DataError
from geo.maps import tip_html
from geo.scenes import build_scene
from geo.upload import MAX_BYTES, MAX_ROWS, indicator_shapes, indicator_tip, read_indicator


def read(text: str | bytes, atlas, file: str = "my.csv"):
    return read_indicator(text.encode("utf-8") if isinstance(text, str) else text, atlas, file=file)


def test_codes_names_bom_and_latest_year(tiny_atlas):
    frame, problems = read("\ufeffISO3,Value,Year\nKAZ,1.5,2022\nkaz,2.5,2024\nCountry UZB,3,\nTJK,,2024\n", tiny_atlas)
    assert problems == []
    values = dict(zip(frame["iso3"], frame["value"]))
    assert values["KAZ"] == 2.5  # the latest year of a country is kept
    assert values["UZB"] == 3.0
    assert math.isnan(values["TJK"])  # an empty value stays empty: no data, not zero
    assert frame.attrs["name"] == "my"


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated(tiny_atlas, separator):
    frame, problems = read(f"country{separator}value\nKAZ{separator}10\nAZE{separator}20\n", tiny_atlas)
    assert problems == [] and list(frame["iso3"]) == ["KAZ", "AZE"]


def test_name_variants_match(atlas):
    frame, problems = read("country,value\nTurkey,1\nKyrgyz Republic,2\nthe Russian Federation,3\nTÜRKIYE,4\n", atlas)
    assert [str(p) for p in problems] == [
        "my.csv, row 4 (line 5), column 'country': found 'TUR', expected one row per country (first given on row 1)"
    ]
    assert list(frame["iso3"]) == ["TUR", "KGZ", "RUS"]


def test_row_problems_name_row_column_value_and_fix(atlas):
    text = ("country,value,year\nKazakstan,1,2024\nUZB,12,5,2024\nAZE,abc,2024\nGEO,inf,2024\nARM,5,24\n"
            "TJK,7,2024\nTJK,8,2024\n")
    frame, problems = read(text, atlas)
    messages = [str(p) for p in problems]
    assert messages[0] == ("my.csv, row 1 (line 2), column 'country': found 'Kazakstan', expected an ISO3 code or a "
                           "country name from countries.csv (did you mean Kazakhstan?)")
    assert messages[1] == ("my.csv, row 2 (line 3): found '4 values', expected at most 3 values, as in the header "
                           "(a comma in a number? quote it or use a dot for decimals)")
    assert any("column 'value': found 'abc', expected a number" in m for m in messages)
    assert any("column 'value': found 'inf', expected a finite number" in m for m in messages)
    assert any("column 'year': found '24', expected a year from 1900 to 2100" in m for m in messages)
    assert any("row 7 (line 8), column 'country': found 'TJK', expected one row per country and year" in m for m in messages)
    assert list(frame["iso3"]) == ["TJK"]
    assert frame["value"].tolist() == [7.0]


def test_decimal_comma_is_named(tiny_atlas):
    _, problems = read("country;value\nKAZ;12,5\nAZE;3\n", tiny_atlas)
    assert "expected a number with a dot as decimal separator" in str(problems[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "found 'an empty file', expected a CSV with a header row"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "binary content"),
        (b"iso3,value\nKAZ,1\n\x00\x00", "binary content"),
        ("country,value\nT\u00fcrkiye,1\n".encode("latin-1"), "found 'byte 0xfc on line 2, not UTF-8', expected UTF-8 text"),
        (b"state,amount\nKAZ,1\n", "found 'columns state, amount', expected a country column (iso3 or country) and a value column"),
        (b"iso3,year\nKAZ,2024\n", "expected a value column in the header row"),
        (b"iso3,value\nNowhere,1\n", "found 'Nowhere', expected an ISO3 code"),
        (b"x" * (MAX_BYTES + 1), f"expected a file of at most {MAX_BYTES:,} bytes"),
        (("iso3,value\n" + "KAZ,1\n" * (MAX_ROWS + 1)).encode(), f"expected at most {MAX_ROWS:,} rows"),
        ((",".join(f"c{i}" for i in range(60)) + "\n").encode(), "expected at most 50 columns"),
    ],
    ids=["empty", "zip", "nul_bytes", "latin1", "no_country_column", "no_value_column", "unknown_country", "too_big",
         "too_many_rows", "too_many_columns"],
)
def test_bad_files_are_rejected_with_a_message(tiny_atlas, data, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        read(data, tiny_atlas)


def test_shapes_join_focus_and_uploaded_countries(tiny_atlas):
    frame, _ = read("iso3,value,unit\nKAZ,10,<b>MW</b>\nRUS,20,\n", tiny_atlas, file="<script>x</script>.csv")
    shapes = indicator_shapes(tiny_atlas, frame, ["KAZ", "AZE"])
    assert sorted(shapes["iso3"]) == ["AZE", "KAZ", "RUS"]
    assert math.isnan(dict(zip(shapes["iso3"], shapes["value"]))["AZE"])
    tips = " ".join(tip_html(indicator_tip(frame.attrs["unit"]), shapes.to_dict("records")))
    assert "&lt;b&gt;MW&lt;/b&gt;" in tips and "<b>MW" not in tips and "no data" in tips


def test_scene_with_an_upload_draws_and_exports_it(tiny_atlas):
    frame, _ = read("iso3,value\nKAZ,10\nAZE,20\n", tiny_atlas, file="Index.csv")
    scene = build_scene(tiny_atlas, "membership", indicator=frame)
    assert isinstance(scene.marks[0], mk.Choropleth)
    assert dict(zip(scene.layers["my_indicator"]["iso3"], scene.layers["my_indicator"]["value"]))["AZE"] == 20
    assert scene.title.startswith("Index (uploaded)")
    assert "countries" in scene.layers  # the statuses are still exported
    untouched = build_scene(tiny_atlas, "transport", indicator=frame)
    assert "my_indicator" not in untouched.layers  # only the country maps take an upload
