"""Set comparisons of bodies, the "5+3" coverage, the timeline and country profiles."""

from __future__ import annotations

import datetime as dt

import pytest

from geo import compare as cmp
from geo.load import load_atlas


def test_status_matrix(tiny_atlas):
    matrix = cmp.status_matrix(tiny_atlas, "2024-01-01").set_index("iso3")
    assert list(matrix.columns) == ["name", "ca_consultative", "ots"]  # the proposal is not a column
    assert matrix.at["AZE", "ca_consultative"] == "guest_of_honour"
    assert matrix.at["TKM", "ots"] == "observer" and matrix.at["TUR", "ots"] == "unknown"
    assert list(matrix.index[:5]) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]  # focus order: Central Asia first


def test_compare_members_only(tiny_atlas):
    c = cmp.compare_bodies(tiny_atlas, ["ca_consultative", "ots"], "2024-01-01")
    assert c.in_all() == ["KAZ"]
    assert c.in_any() == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert c.only_in("ca_consultative") == ["KGZ", "TJK", "TKM", "UZB"]
    assert c.only_in("ots") == []
    table = c.table.set_index("iso3")
    assert table.at["KAZ", "category"] == "all" and table.at["KGZ", "category"] == "one"
    assert table.at["GEO", "category"] == "none"  # former member of the OTS does not count


def test_compare_any_participation(tiny_atlas):
    c = cmp.compare_bodies(tiny_atlas, ["ca_consultative", "ots"], "2024-01-01", count_as="any")
    assert c.in_all() == ["KAZ", "TKM"]  # TKM observer in the OTS counts now
    table = c.table.set_index("iso3")
    assert table.at["AZE", "bodies"] == "CA Consultative"  # guest of honour counts as taking part
    assert table.at["TUR", "category"] == "none"  # unknown status never counts


@pytest.mark.parametrize(
    ("bodies", "count_as", "message"),
    [
        (["ots"], "members", r"comparing needs two or more bodies, got 1"),
        (["ots", "nato"], "members", r"unknown body nato; expected one of ca_consultative, ots"),
        (["ots", "ca_consultative"], "most", r"count_as was 'most' but is expected to be in \['members', 'any'\]"),
    ],
)
def test_compare_bad_arguments(tiny_atlas, bodies, count_as, message):
    with pytest.raises(ValueError, match=message):
        cmp.compare_bodies(tiny_atlas, bodies, "2024-01-01", count_as=count_as)


def test_proposal_coverage(tiny_atlas):
    coverage = cmp.proposal_coverage(tiny_atlas, "2026-01-01").set_index("body")
    assert list(coverage.index) == ["ca_consultative", "ots"]  # most members first
    consultative = coverage.loc["ca_consultative"]
    assert consultative["n_members"] == 6 and consultative["left_out"] == "Country ARM, Country GEO"
    ots = coverage.loc["ots"]
    assert ots["members"] == "Country KAZ"
    assert ots["other"] == "Country TKM (observer)"
    assert "Country GEO (former member)" in ots["left_out"] and "Country TJK" in ots["left_out"]
    assert ots["n_taking_part"] == 2


def test_proposal_coverage_needs_a_proposal(tiny_atlas):
    with pytest.raises(ValueError, match=r"'ots' is not a proposal in bodies\.csv"):
        cmp.proposal_coverage(tiny_atlas, proposal="ots")
    assert cmp.proposal_countries(tiny_atlas) == ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE", "ARM", "GEO"]


def test_the_seed_argument_holds_on_the_shipped_data():
    """The OTS leaves out Tajikistan, Armenia and Georgia and has Turkmenistan only as observer; of the bodies recorded,
    only the OSCE (with 49 other states) has all eight as full members."""
    atlas = load_atlas()
    coverage = cmp.proposal_coverage(atlas, "2026-01-01").set_index("body")
    ots = coverage.loc["ots"]
    assert ots["left_out"] == "Tajikistan, Armenia, Georgia"
    assert ots["other"] == "Turkmenistan (observer)"
    assert set(coverage.index[coverage["n_members"] == 8]) == {"osce"}


def test_timeline_is_a_new_event_per_new_row(tiny_data, tiny_tables):
    from geo.load import load_atlas as load

    before = cmp.timeline(load(tiny_data), start="2018-01-01", end="2030-01-01")
    table = tiny_tables.rows("memberships.csv")
    table.append({"iso3": "ARM", "body": "ots", "status": "observer", "since": "2026-05-01", "until": "", "note": "",
                  "sources": "s-one"})
    tiny_tables.write("memberships.csv", table)
    after = cmp.timeline(load(tiny_data), start="2018-01-01", end="2030-01-01")
    added = after[~after["label"].isin(before["label"])]
    assert added[["date", "label"]].values.tolist() == [["2026-05-01", "Country ARM: observer of the OTS"]]


def test_timeline_and_slider_dates(tiny_atlas):
    events = cmp.timeline(tiny_atlas, start="2018-01-01", end="2026-01-01")
    assert events["day"].is_monotonic_increasing
    assert "Country AZE: guest of honour of the CA Consultative" in events["label"].tolist()
    assert "Meeting 5 in Dushanbe" in events["label"].tolist()
    dates = cmp.slider_dates(tiny_atlas, start=dt.date(2018, 1, 1), end=dt.date(2026, 1, 1))
    assert dates[0] == dt.date(2018, 1, 1) and dates[-1] == dt.date(2026, 1, 1)
    assert dt.date(2023, 9, 14) in dates and dt.date(2021, 11, 12) in dates and dt.date(2022, 1, 1) in dates
    assert len(dates) == len(set(dates))


def test_country_profile(tiny_atlas):
    record = cmp.country_memberships(tiny_atlas, "AZE")
    assert record[["body", "status", "since"]].values.tolist() == [
        ["CA Consultative", "Guest of honour", "2023-09-14"],
        ["CA Consultative", "Member / full participant", "2025-11-16"],
    ]
    assert cmp.meetings_hosted(tiny_atlas, "TKM")["city"].tolist() == ["Awaza"]


def test_sources_in_view(tiny_atlas):
    assert cmp.sources_in_view(tiny_atlas, ["ots"], "2024-01-01") == ["s-one", "s-two"]
    assert cmp.sources_in_view(tiny_atlas, ["ca_consultative"], "2020-01-01") == ["s-one"]
