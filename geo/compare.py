"""Across bodies: the membership matrix, comparisons of organisations, the "5+3" coverage, country profiles
and the timeline of events. Plain tables; dates as in `geo.memberships` (since inclusive, until exclusive)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geo.dates import parse_as_of, partial_date_start
from geo.load import Atlas
from geo.memberships import memberships_as_of, status_changes, statuses_as_of
from geo.styles import status_label
from geo.vocab import NONE, PARTICIPATION, UNKNOWN

COUNT_AS = {"members": ("member",), "any": PARTICIPATION}
"""What counts as taking part when comparing bodies (``count_as``)."""


def status_matrix(atlas: Atlas, as_of: dt.date | str | None = None, *, iso3: list[str] | None = None) -> pd.DataFrame:
    """Return countries × bodies: one row per country (iso3, name), one column per body id holding the status
    on `as_of` (``none`` = not a participant, ``unknown`` = status unknown). Default countries: the focus ones."""
    codes = iso3 if iso3 is not None else atlas.focus_iso3()
    names = atlas.country_names()
    frame = pd.DataFrame({"iso3": codes, "name": [names.get(c, c) for c in codes]})
    for body in atlas.bodies_with_members()["id"]:
        frame[body] = statuses_as_of(atlas, body, as_of, iso3=codes)["status"].tolist()
    return frame


@dataclass(frozen=True)
class Comparison:
    """Which countries take part in which of the compared bodies.

    `table` has one row per country: iso3, name, bodies (the compared bodies it takes part in, as a
    ``"; "``-joined string of short names), count, and category: ``all`` (in every body), ``some`` (in more than
    one but not all), ``one`` (in exactly one) or ``none``.
    """

    bodies: tuple[str, ...]
    count_as: str
    table: pd.DataFrame
    short_names: dict[str, str]

    def in_all(self) -> list[str]:
        return self.table.loc[self.table["count"] == len(self.bodies), "iso3"].tolist()

    def in_any(self) -> list[str]:
        return self.table.loc[self.table["count"] > 0, "iso3"].tolist()

    def only_in(self, body: str) -> list[str]:
        """Countries that take part in `body` and in none of the other compared bodies."""
        one = (self.table["count"] == 1) & (self.table["bodies"] == self.short_names[body])
        return self.table.loc[one, "iso3"].tolist()


def _short_names(bodies: pd.DataFrame) -> dict[str, str]:
    return dict(zip(bodies["id"], bodies["short_name"]))


def compare_bodies(
    atlas: Atlas,
    bodies: list[str],
    as_of: dt.date | str | None = None,
    *,
    count_as: str = "members",
    iso3: list[str] | None = None,
) -> Comparison:
    """Compare two or more bodies on `as_of`: who is in all, in some, in exactly one, in none.

    Parameters
    ----------
    count_as : {"members", "any"}
        ``"members"``: only full members count; ``"any"``: any participation in `PARTICIPATION`.
    """
    if len(bodies) < 2:
        raise ValueError(f"comparing needs two or more bodies, got {len(bodies)}")
    if count_as not in COUNT_AS:
        raise ValueError(f"count_as was {count_as!r} but is expected to be in {list(COUNT_AS)}")
    counted = set(COUNT_AS[count_as])
    matrix = status_matrix(atlas, as_of, iso3=iso3)
    unknown = [b for b in bodies if b not in matrix.columns]
    if unknown:
        raise ValueError(f"unknown body {', '.join(unknown)}; expected one of {', '.join(matrix.columns[2:])}")
    short = _short_names(atlas.bodies)
    rows = []
    for record in matrix.to_dict("records"):
        inside = [b for b in bodies if record[b] in counted]
        n = len(inside)
        category = "all" if n == len(bodies) else "some" if n > 1 else "one" if n == 1 else "none"
        rows.append(
            {"iso3": record["iso3"], "name": record["name"], "bodies": "; ".join(short[b] for b in inside),
             "count": n, "category": category}
        )
    table = pd.DataFrame(rows, columns=["iso3", "name", "bodies", "count", "category"])
    return Comparison(tuple(bodies), count_as, table, short)


def proposal_coverage(atlas: Atlas, as_of: dt.date | str | None = None, *, proposal: str = "5plus3") -> pd.DataFrame:
    """For each existing body, how it covers the countries of a proposed platform on `as_of`.

    Returns one row per body: body, short_name, members (countries of the proposal that are full members),
    other (the others that take part, with their status, e.g. ``"Turkmenistan (observer)"``), left_out (the
    countries that take no part), n_members, n_taking_part (members + other). Lists are ``", "``-joined names.
    Sorted by n_members, then n_taking_part, descending.
    """
    table = atlas.bodies.set_index("id")
    if proposal not in table.index or table.at[proposal, "kind"] != "proposal":
        raise ValueError(f"{proposal!r} is not a proposal in bodies.csv")
    eight = [c for c in table.at[proposal, "proposed_members"].split(";") if c]
    names = atlas.country_names()
    matrix = status_matrix(atlas, as_of, iso3=eight).set_index("iso3")
    rows = []
    for body in atlas.bodies_with_members().to_dict("records"):
        statuses = matrix[body["id"]]
        members = [c for c in eight if statuses[c] == "member"]
        other = [c for c in eight if statuses[c] in PARTICIPATION and statuses[c] != "member"]
        left_out = [c for c in eight if c not in members and c not in other]
        rows.append(
            {
                "body": body["id"],
                "short_name": body["short_name"],
                "members": ", ".join(names[c] for c in members),
                "other": ", ".join(f"{names[c]} ({status_label(statuses[c]).lower()})" for c in other),
                "left_out": ", ".join(
                    names[c] + (f" ({status_label(statuses[c]).lower()})" if statuses[c] not in (NONE,) else "")
                    for c in left_out
                ),
                "n_members": len(members),
                "n_taking_part": len(members) + len(other),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values(["n_members", "n_taking_part"], ascending=False, kind="stable").reset_index(drop=True)


def proposal_countries(atlas: Atlas, proposal: str = "5plus3") -> list[str]:
    """Return the ISO3 codes a proposal would bring together."""
    value = atlas.bodies.set_index("id").at[proposal, "proposed_members"]
    return [c for c in value.split(";") if c]


def country_memberships(atlas: Atlas, iso3: str) -> pd.DataFrame:
    """Return every membership row of a country over time: body (short name), status (label; ``unknown``
    for empty), since, until, note, sources — ordered by body, then start."""
    short = _short_names(atlas.bodies)
    rows = atlas.memberships[atlas.memberships["iso3"] == iso3].copy()
    rows["_start"] = [partial_date_start(s) if s else dt.date.min for s in rows["since"]]
    rows["_body"] = rows["body"].map({b: i for i, b in enumerate(atlas.bodies["id"])})
    rows = rows.sort_values(["_body", "_start"])
    return pd.DataFrame(
        {
            "body": rows["body"].map(short),
            "status": [status_label(s) if s else UNKNOWN for s in rows["status"]],
            "since": rows["since"],
            "until": rows["until"],
            "note": rows["note"],
            "sources": rows["sources"],
        }
    ).reset_index(drop=True)


def meetings_hosted(atlas: Atlas, iso3: str) -> pd.DataFrame:
    """Return the meetings a country hosted: number, numbered, date, city, sources."""
    rows = atlas.meetings[atlas.meetings["host_iso3"] == iso3]
    return rows[["number", "numbered", "date", "city", "sources"]].reset_index(drop=True)


def timeline(atlas: Atlas, *, start: dt.date | str | None = None, end: dt.date | str | None = None) -> pd.DataFrame:
    """Return the dated events of the data between `start` and `end` (inclusive), oldest first.

    Columns: date (as in the data), day (its first day, a `datetime.date`), body, label (plain text, e.g.
    ``"Uzbekistan: member of the OTS"`` or ``"Meeting 5 in Dushanbe"``), sources. Events are status changes of
    every body and the meetings of meetings.csv.
    """
    first = parse_as_of(start) if start is not None else dt.date.min
    last = parse_as_of(end)
    return atlas.memo(("timeline", first, last), lambda: _timeline(atlas, first, last))


def _timeline(atlas: Atlas, first: dt.date, last: dt.date) -> pd.DataFrame:
    short = _short_names(atlas.bodies)
    rows = []
    for body in atlas.bodies_with_members()["id"]:
        for change in status_changes(atlas, body).to_dict("records"):
            what = "no longer takes part in" if change["status"] == NONE else f"{_phrase(change['status'])} of"
            rows.append((change["date"], body, f"{change['name']}: {what} the {short[body]}", change["sources"]))
    for m in atlas.meetings.to_dict("records"):
        label = f"Meeting {m['number']} in {m['city']}" if m["numbered"] == "true" else f"Preparatory meeting in {m['city']}"
        rows.append((m["date"], "ca_consultative", label, m["sources"]))
    frame = pd.DataFrame(rows, columns=["date", "body", "label", "sources"])
    frame.insert(1, "day", [partial_date_start(d) for d in frame["date"]])
    frame = frame[(frame["day"] >= first) & (frame["day"] <= last)]
    return frame.sort_values(["day", "body", "label"], kind="stable").reset_index(drop=True)


def _phrase(status: str) -> str:
    return {UNKNOWN: "of unknown status as a member"}.get(status, status_label(status).lower().split(" / ")[0])


def slider_dates(atlas: Atlas, *, start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the dates a date slider offers: 1 January of every year from `start` to `end`, every event date
    of `timeline` in that span, and `end` itself; sorted, unique."""
    years = [dt.date(y, 1, 1) for y in range(start.year, end.year + 1) if dt.date(y, 1, 1) >= start]
    events = timeline(atlas, start=start, end=end)["day"].tolist()
    return sorted({*years, *events, start, end})


def sources_in_view(atlas: Atlas, bodies: list[str], as_of: dt.date | str | None = None, *, iso3: list[str] | None = None) -> list[str]:
    """Return the source ids behind what a view shows: the membership rows of `bodies` in force on `as_of`
    for `iso3` (default the focus countries), and the bodies' own rows; each id once, in order of use."""
    codes = set(iso3 if iso3 is not None else atlas.focus_iso3())
    rows = memberships_as_of(atlas.memberships, as_of)
    rows = rows[rows["body"].isin(bodies) & rows["iso3"].isin(codes)]
    cited = [*atlas.bodies.loc[atlas.bodies["id"].isin(bodies), "sources"], *rows["sources"]]
    return list(dict.fromkeys(i for cell in cited for i in cell.split(";") if i))


COVERAGE_COLUMNS = {"short_name": "Body", "members": "Full members", "other": "Other status", "left_out": "Left out",
                    "n_members": "Members of 8", "n_taking_part": "Taking part of 8"}
"""Reader-facing headers of `proposal_coverage`'s columns."""


def coverage_sentence(atlas: Atlas, coverage: pd.DataFrame, as_of: dt.date) -> str:
    """Say whether an existing body has all the proposal's countries as full members on `as_of`, or which comes
    closest (`coverage`: `proposal_coverage`)."""
    best = coverage.iloc[0]
    eight = len(proposal_countries(atlas))
    if best["n_members"] == eight:
        wide = coverage.loc[coverage["n_members"] == eight, "short_name"].tolist()
        verb = "has" if len(wide) == 1 else "have"
        return (f"The {' and the '.join(wide)} {verb} all {eight} as full members on this date: "
                f"{'a wider framework' if len(wide) == 1 else 'wider frameworks'} with states beyond the region; "
                "no regional body brings the eight together.")
    return (f"No existing body has all {eight} as full members on {as_of.isoformat()}. The closest, the "
            f"{best['short_name']}, has {best['n_members']} of {eight}.")


def hosted_labels(hosted: pd.DataFrame) -> list[str]:
    """Label each meeting of `meetings_hosted`: "meeting 5, 2023-09-14, Dushanbe" or "preparatory meeting, …"."""
    return [f"{'meeting ' + str(r['number']) if r['numbered'] == 'true' else 'preparatory meeting'}, {r['date']}, {r['city']}"
            for r in hosted.to_dict("records")]


def memberships_today(atlas: Atlas, iso3: str, day: dt.date | str | None = None) -> pd.DataFrame:
    """What a country belongs to on `day` (default today): one row per body in which it takes part, is suspended
    or has a status not recorded (not a former member, not a non-participant): body (full name), status (label),
    since — members first."""
    matrix = status_matrix(atlas, day, iso3=[iso3]).iloc[0]
    bodies = atlas.bodies_with_members()
    rows = []
    for body, name in zip(bodies["id"], bodies["name"]):
        status = matrix[body]
        if status not in (NONE, "former"):
            since = statuses_as_of(atlas, body, day, iso3=[iso3])["since"].iloc[0]
            rows.append({"body": name, "status": status_label(status), "since": since or "not recorded",
                         "_order": 0 if status == "member" else 1})
    frame = pd.DataFrame(rows, columns=["body", "status", "since", "_order"])
    return frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
