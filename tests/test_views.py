"""Views as query strings: parsing with notices (never an error), formatting, round trips."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.views import MAX_VALUE_LENGTH, format_view, parse_view


def test_round_trip(tiny_atlas):
    values = {"date": dt.date(2024, 1, 1), "basemap": "osm", "sel": "AZE", "lat": 41.5, "lon": 60.25, "z": 4.5,
              "present": True}
    query = format_view("overview", values)
    assert query == "date=2024-01-01&basemap=osm&sel=AZE&lat=41.5&lon=60.25&z=4.5&present=1"
    view = parse_view("overview", "?" + query, tiny_atlas)
    assert view.notices == [] and view.values == values


def test_lists_and_empty_lists(tiny_atlas):
    view = parse_view("transport", "mode=rail,ferry&corridor=&status=operational", tiny_atlas)
    assert view.values == {"mode": ["rail", "ferry"], "corridor": [], "status": ["operational"]}
    assert format_view("transport", view.values) == "corridor=&mode=rail,ferry&status=operational"


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("date=yesterday", "date='yesterday' ignored: expected a date YYYY-MM-DD"),
        ("date=2024-02-30", "date='2024-02-30' ignored: expected a date YYYY-MM-DD"),
        ("basemap=satellite", "basemap='satellite' ignored: expected one of plain, osm, carto-light"),
        ("sel=XXX", "sel='XXX' ignored: expected one of"),
        ("z=99", "z='99' ignored: expected a number from 1 to 12"),
        ("lat=nan", "lat='nan' ignored: expected a number from -85 to 85"),
        ("present=yes", "present='yes' ignored: expected 1 or 0"),
        ("colour=red", "unknown parameter 'colour' ignored"),
        ("date=2024-01-01&date=2025-01-01", "date given 2 times: the first value is used"),
        ("date=" + "9" * (MAX_VALUE_LENGTH + 1), f"date: a value of {MAX_VALUE_LENGTH + 1} characters ignored"),
        ("story=c6", "story and step go together: both ignored"),
        ("<script>alert(1)</script>=1", "unknown parameter '<script>alert(1)</script>' ignored"),
    ],
)
def test_bad_parameters_give_notices(tiny_atlas, query, notice):
    view = parse_view("overview", query, tiny_atlas)
    assert any(n.startswith(notice) for n in view.notices), view.notices


def test_repeated_uses_first(tiny_atlas):
    assert parse_view("overview", "date=2024-01-01&date=2025-01-01", tiny_atlas).values["date"] == dt.date(2024, 1, 1)


def test_too_many_parameters(tiny_atlas):
    query = "&".join(f"p{i}=1" for i in range(100))
    view = parse_view("overview", query, tiny_atlas)
    assert view.notices[0] == "40 parameters beyond the first 60 were ignored"
    assert len(view.notices) == 61


def test_unknown_choice_in_list(tiny_atlas):
    view = parse_view("transport", "mode=rail,camel", tiny_atlas)
    assert view.values == {} and "unknown: camel" in view.notices[0]


def test_unknown_page(tiny_atlas):
    with pytest.raises(ValueError, match=r"page 'roads' is not one of overview, membership, transport, energy"):
        parse_view("roads", "", tiny_atlas)


def test_story_steps_are_valid_views_on_shipped_data():
    from geo.load import load_atlas

    atlas = load_atlas()
    assert len(atlas.stories) >= 5
    for row in atlas.stories.to_dict("records"):
        assert parse_view(row["page"], row["query"], atlas).notices == []
