"""Membership status as of a date, and the story of a body's participants told from the data.

Periods are ``since`` inclusive and ``until`` exclusive; a partial date (``2009``) counts from its first day;
an empty ``since`` means the start is unknown and the row applies to any date before ``until``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geo.dates import parse_as_of, partial_date_start
from geo.load import Atlas
from geo.styles import status_label
from geo.vocab import NONE, UNKNOWN


def focus_iso3(atlas: Atlas) -> list[str]:
    """Return the ISO3 codes of the focus countries (see `Atlas.focus_iso3`)."""
    return atlas.focus_iso3()


def in_force(memberships: pd.DataFrame, as_of: dt.date | str | None) -> pd.Series:
    """Return a boolean Series: which membership rows are in force on `as_of` (default today)."""
    day = parse_as_of(as_of)

    def applies(since: str, until: str) -> bool:
        if since and partial_date_start(since) > day:
            return False
        return not (until and partial_date_start(until) <= day)

    return pd.Series(
        [applies(s, u) for s, u in zip(memberships["since"], memberships["until"])],
        index=memberships.index,
        dtype=bool,
    )


def memberships_as_of(memberships: pd.DataFrame, as_of: dt.date | str | None) -> pd.DataFrame:
    """Return the membership rows in force on `as_of` (default today)."""
    return memberships.loc[in_force(memberships, as_of)]


def statuses_as_of(
    atlas: Atlas, body: str, as_of: dt.date | str | None = None, *, iso3: list[str] | None = None
) -> pd.DataFrame:
    """Return one row per country with its status in `body` on `as_of`.

    Parameters
    ----------
    atlas : Atlas
    body : str
        A body id from bodies.csv.
    as_of : date or str, optional
        Default today.
    iso3 : list of str, optional
        Countries to report; default the focus countries.

    Returns
    -------
    pandas.DataFrame
        Columns iso3, name, status, since, until, note, sources. ``status`` is a value of the vocabulary,
        ``"unknown"`` where the row in force has no status, or ``"none"`` where no row is in force.
    """
    if body not in set(atlas.bodies["id"]):
        known = ", ".join(atlas.bodies["id"])
        raise ValueError(f"body {body!r} is not in bodies.csv; expected one of {known}")
    countries = tuple(iso3 if iso3 is not None else atlas.focus_iso3())
    day = parse_as_of(as_of)
    table = atlas.memo(("statuses_as_of", body, day, countries), lambda: _statuses_as_of(atlas, body, day, countries))
    return table.copy()


def _statuses_as_of(atlas: Atlas, body: str, as_of: dt.date, countries: tuple[str, ...]) -> pd.DataFrame:
    rows = memberships_as_of(atlas.memberships[atlas.memberships["body"] == body], as_of)
    by_country = {r["iso3"]: r for r in rows.to_dict("records")}
    names = atlas.country_names()
    records = []
    for code in countries:
        row = by_country.get(code)
        if row is None:
            records.append({"iso3": code, "name": names.get(code, code), "status": NONE, "since": "", "until": "",
                            "note": "", "sources": ""})
        else:
            records.append({"iso3": code, "name": names.get(code, code), "status": row["status"] or UNKNOWN,
                            "since": row["since"], "until": row["until"], "note": row["note"], "sources": row["sources"]})
    return pd.DataFrame(records, columns=["iso3", "name", "status", "since", "until", "note", "sources"])


def participants_on(atlas: Atlas, body: str, day: dt.date | str, *, status: str = "member") -> list[str]:
    """Return the ISO3 codes with `status` in `body` on `day`, in countries.csv order."""
    table = statuses_as_of(atlas, body, day, iso3=atlas.countries["iso3"].tolist())
    return table.loc[table["status"] == status, "iso3"].tolist()


@dataclass(frozen=True)
class Meeting:
    """One meeting of a summit format, with who took part as found in the data."""

    number: str
    numbered: bool
    date: str
    city: str
    host_iso3: str
    lat: float
    lon: float
    participants: list[str]
    guest_states: list[str]
    guests: str
    note: str
    sources: str


def meetings_until(atlas: Atlas, as_of: dt.date | str | None = None, *, body: str = "ca_consultative") -> list[Meeting]:
    """Return the meetings held on or before `as_of`, oldest first, with the full participants (members of
    `body` on the meeting's date) and the guest states named in meetings.csv."""
    day = parse_as_of(as_of)
    return list(atlas.memo(("meetings_until", body, day), lambda: _meetings_until(atlas, day, body)))


def _meetings_until(atlas: Atlas, day: dt.date, body: str) -> list[Meeting]:
    out = []
    table = atlas.meetings.assign(_day=[partial_date_start(d) for d in atlas.meetings["date"]]).sort_values("_day")
    for row in table.to_dict("records"):
        if row["_day"] > day:
            continue
        out.append(
            Meeting(
                number="" if pd.isna(row["number"]) else str(row["number"]),
                numbered=row["numbered"] == "true",
                date=row["date"],
                city=row["city"],
                host_iso3=row["host_iso3"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                participants=participants_on(atlas, body, row["_day"]),
                guest_states=[g for g in row["guest_iso3"].split(";") if g],
                guests=row["guests"],
                note=row["note"],
                sources=row["sources"],
            )
        )
    return out


def meeting_venues(meetings: list[Meeting], names: dict[str, str]) -> pd.DataFrame:
    """Return one row per venue (meetings at the same coordinates together): lat, lon (degrees, EPSG:4326;
    NaN when unknown) and label (plain text naming each meeting held there, e.g.
    ``"Astana (Kazakhstan): meeting 1, 2018-03-15; meeting 6, 2024-08-09"``)."""
    venues: dict[tuple, list[Meeting]] = {}
    for m in meetings:
        place = (m.lat, m.lon) if not (pd.isna(m.lat) or pd.isna(m.lon)) else ("?", m.city, m.date)
        venues.setdefault(place, []).append(m)
    rows = []
    for group in venues.values():
        first = group[0]
        held = "; ".join(
            f"{'meeting ' + m.number if m.numbered else 'preparatory meeting (not numbered)'}, {m.date}" for m in group
        )
        rows.append(
            {"lat": first.lat, "lon": first.lon, "label": f"{first.city} ({names.get(first.host_iso3, first.host_iso3)}): {held}"}
        )
    return pd.DataFrame(rows, columns=["lat", "lon", "label"])


def status_changes(atlas: Atlas, body: str) -> pd.DataFrame:
    """Return every dated status change in `body`: columns date, iso3, name, status, sources, oldest first.

    A change is a row's ``since`` (the status starts) or an ``until`` not followed by another row of the same
    country (the status ends: the country is no longer a participant).
    """
    rows = atlas.memberships[atlas.memberships["body"] == body]
    names = atlas.country_names()
    events = []
    for iso3, group in rows.groupby("iso3", sort=False):
        starts = set(group["since"])
        for r in group.to_dict("records"):
            if r["since"]:
                events.append((r["since"], iso3, r["status"] or UNKNOWN, r["sources"]))
            if r["until"] and r["until"] not in starts:
                events.append((r["until"], iso3, NONE, r["sources"]))
    table = pd.DataFrame(events, columns=["date", "iso3", "status", "sources"])
    table.insert(2, "name", [names.get(c, c) for c in table["iso3"]])
    order = [partial_date_start(d) for d in table["date"]]
    return table.assign(_d=order).sort_values(["_d", "iso3"]).drop(columns="_d").reset_index(drop=True)


def _names(atlas: Atlas, codes: list[str]) -> str:
    names = atlas.country_names()
    return ", ".join(names.get(c, c) for c in codes) or "none"


def story_lines(atlas: Atlas, as_of: dt.date | str | None = None, *, body: str = "ca_consultative") -> list[str]:
    """Return plain-text sentences telling who takes part in `body` on `as_of`, built only from the data.

    The count of full participants gives the format's colloquial name (C5, C6, ...).
    """
    day = parse_as_of(as_of)
    return list(atlas.memo(("story_lines", body, day), lambda: _story_lines(atlas, day, body)))


def _story_lines(atlas: Atlas, day: dt.date, body: str) -> list[str]:
    everyone = atlas.countries["iso3"].tolist()
    table = statuses_as_of(atlas, body, day, iso3=everyone)
    members = table.loc[table["status"] == "member", "iso3"].tolist()
    guests = table.loc[table["status"] == "guest_of_honour"]
    meetings = meetings_until(atlas, day, body=body)
    numbered = [m for m in meetings if m.numbered]
    body_name = atlas.body_names().get(body, body)
    lines = []
    if not members:
        lines.append(f"On {day.isoformat()} no state takes part in the {body_name} yet, according to the data.")
    else:
        lines.append(
            f"On {day.isoformat()}, {len(members)} states take part in full (C{len(members)}): {_names(atlas, members)}."
        )
    for row in guests.to_dict("records"):
        since = f" since {row['since']}" if row["since"] else ""
        lines.append(f"{row['name']} attends as guest of honour{since}.")
    if numbered:
        first, last = numbered[0], numbered[-1]
        lines.append(
            f"{len(numbered)} numbered meeting{'s' if len(numbered) != 1 else ''} held by then: the first on "
            f"{first.date} in {first.city}, the latest on {last.date} in {last.city}."
        )
    founders = set(participants_on(atlas, body, numbered[0].date)) if numbered else set()
    changes = status_changes(atlas, body)
    for row in changes.to_dict("records"):
        if partial_date_start(row["date"]) > day:
            continue
        if row["iso3"] in founders and row["status"] == "member":
            continue
        lines.append(f"{row['date']}: {row['name']} becomes {_status_phrase(row['status'])}.")
    return lines


def _status_phrase(status: str) -> str:
    return {"none": "a non-participant", "unknown": "of unknown status"}.get(status, status_label(status).lower())
