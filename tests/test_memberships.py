"""Status as of a date: periods, open ends, partial dates, unknown status, and the story from the data."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.memberships import (
    in_force,
    meeting_venues,
    meetings_until,
    participants_on,
    status_changes,
    statuses_as_of,
    story_lines,
)


def status(atlas, body, day, iso3):
    return statuses_as_of(atlas, body, day, iso3=[iso3]).iloc[0]["status"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2018-03-14", "none"),
        ("2023-09-13", "none"),
        ("2023-09-14", "guest_of_honour"),  # since is inclusive
        ("2025-11-15", "guest_of_honour"),
        ("2025-11-16", "member"),  # until is exclusive: the next period starts that day
        ("2030-01-01", "member"),  # open end
    ],
)
def test_azerbaijan_in_the_consultative_meetings(tiny_atlas, day, expected):
    assert status(tiny_atlas, "ca_consultative", day, "AZE") == expected


@pytest.mark.parametrize(
    ("day", "expected"), [("2008-12-31", "none"), ("2009-01-01", "member"), ("2012-04-30", "member"), ("2012-05-01", "former")]
)
def test_partial_dates_count_from_their_first_day(tiny_atlas, day, expected):
    assert status(tiny_atlas, "ots", day, "GEO") == expected


def test_empty_status_is_unknown_and_empty_since_applies_always(tiny_atlas):
    assert status(tiny_atlas, "ots", "1990-01-01", "TUR") == "unknown"


def test_country_without_row_is_not_a_participant(tiny_atlas):
    assert status(tiny_atlas, "ots", "2024-01-01", "ARM") == "none"


def test_unknown_body_is_named(tiny_atlas):
    with pytest.raises(ValueError, match=r"body 'nato' is not in bodies\.csv; expected one of ca_consultative, ots, 5plus3"):
        statuses_as_of(tiny_atlas, "nato")


def test_in_force_mask(tiny_atlas):
    mask = in_force(tiny_atlas.memberships, "2024-01-01")
    assert mask.sum() == 10  # five CA members + AZE guest + KAZ, TKM, GEO (former) in OTS + TUR unknown


def test_meetings_with_participants_from_memberships(tiny_atlas):
    meetings = meetings_until(tiny_atlas, "2026-01-01")
    assert [m.number for m in meetings] == ["1", "5", "", "7"]
    fifth, prep, seventh = meetings[1], meetings[2], meetings[3]
    assert fifth.guest_states == ["AZE"] and "AZE" not in fifth.participants
    assert not prep.numbered
    assert seventh.participants == ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE"]
    assert [m.number for m in meetings_until(tiny_atlas, "2023-09-13")] == ["1"]


def test_participants_on(tiny_atlas):
    assert participants_on(tiny_atlas, "ca_consultative", "2025-11-16")[-1] == "AZE"


def test_status_changes_are_ordered_and_dated(tiny_atlas):
    changes = status_changes(tiny_atlas, "ca_consultative")
    aze = changes[changes["iso3"] == "AZE"]
    assert aze[["date", "status"]].values.tolist() == [["2023-09-14", "guest_of_honour"], ["2025-11-16", "member"]]


def test_story_is_told_from_the_data(tiny_atlas):
    before = story_lines(tiny_atlas, "2024-01-01")
    assert before[0] == "On 2024-01-01, 5 states take part in full (C5): Country KAZ, Country KGZ, Country TJK, Country TKM, Country UZB."
    assert "Country AZE attends as guest of honour since 2023-09-14." in before
    assert "2023-09-14: Country AZE becomes guest of honour." in before
    after = story_lines(tiny_atlas, "2026-01-01")
    assert after[0].startswith("On 2026-01-01, 6 states take part in full (C6)")
    assert "2025-11-16: Country AZE becomes member / full participant." in after
    assert "3 numbered meetings held by then: the first on 2018-03-15 in Astana, the latest on 2025-11-16 in Tashkent." in after
    assert story_lines(tiny_atlas, "2017-01-01")[0].startswith("On 2017-01-01 no state takes part")


def test_venues_group_meetings_held_at_the_same_place(tiny_atlas):
    meetings = meetings_until(tiny_atlas, "2026-01-01")
    meetings.append(meetings[0].__class__(**{**meetings[0].__dict__, "number": "6", "date": "2024-08-09"}))
    venues = meeting_venues(meetings, tiny_atlas.country_names())
    astana = venues[venues["label"].str.startswith("Astana")]
    assert astana["label"].tolist() == ["Astana (Country KAZ): meeting 1, 2018-03-15; meeting 6, 2024-08-09"]
    awaza = venues[venues["label"].str.startswith("Awaza")].iloc[0]
    assert awaza["label"].endswith("preparatory meeting (not numbered), 2025-08-05") and pd.isna(awaza["lat"])
