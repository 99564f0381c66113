"""Views as URL query strings: which parameters each page has, how they are parsed, checked and written.

A permalink is ``/<page>?name=value&...``. Parsing never fails: a malformed, unknown, repeated or oversized
parameter is left out and named in a notice, and the page keeps its default for it. Lists are comma-separated
(an empty value is an empty list); dates are ``YYYY-MM-DD``; booleans ``1``/``0``. The map view is ``lat``,
``lon`` (degrees) and ``z`` (Leaflet zoom); ``sel`` is the selected country, segment or line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from geo import vocab
from geo.basemaps import BASEMAPS

if TYPE_CHECKING:  # the atlas is only passed through: views are parsed while it is being loaded
    from geo.load import Atlas

MAX_VALUE_LENGTH = 400
"""Longest value accepted for one parameter; longer ones are ignored with a notice."""
MAX_PARAMETERS = 60


@dataclass(frozen=True)
class Param:
    """One URL parameter of a page, bound to the widget whose session key is `key` (None: not a widget)."""

    name: str
    kind: str  # "choice", "choices", "date", "bool", "float", "int"
    key: str | None = None
    choices: Callable[[Atlas], Sequence[str]] | None = None
    lo: float | None = None
    hi: float | None = None

    def allowed(self, atlas: Atlas) -> list[str]:
        return list(self.choices(atlas)) if self.choices else []

    def parse(self, raw: str, atlas: Atlas):
        """Return the value `raw` stands for, or raise ValueError saying what was expected."""
        if self.kind == "choice":
            allowed = self.allowed(atlas)
            if raw not in allowed:
                raise ValueError(f"one of {_short_list(allowed)}")
            return raw
        if self.kind == "choices":
            allowed = self.allowed(atlas)
            items = [x for x in raw.split(",") if x] if raw else []
            bad = [x for x in items if x not in allowed]
            if bad:
                raise ValueError(f"comma-separated values from {_short_list(allowed)} (unknown: {', '.join(bad)})")
            return list(dict.fromkeys(items))
        if self.kind == "date":
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise ValueError("a date YYYY-MM-DD") from None
            if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
                raise ValueError("a date between 1900 and 2100")
            return day
        if self.kind == "bool":
            if raw not in ("0", "1"):
                raise ValueError("1 or 0")
            return raw == "1"
        if self.kind == "token":
            if not (0 < len(raw) <= 40 and all(c.isalnum() or c == "-" for c in raw)):
                raise ValueError("a token of up to 40 letters, digits or '-'")
            return raw
        if self.kind in ("float", "int"):
            try:
                number = float(raw) if self.kind == "float" else int(raw)
            except ValueError:
                raise ValueError(f"a number from {self.lo:g} to {self.hi:g}") from None
            if not (self.lo <= number <= self.hi) or number != number:
                raise ValueError(f"a number from {self.lo:g} to {self.hi:g}")
            return number
        raise AssertionError(f"unknown parameter kind {self.kind}")

    def format(self, value) -> str:
        if self.kind == "choices":
            return ",".join(value)
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return f"{value:.4f}".rstrip("0").rstrip(".")
        return str(value)


def _short_list(values: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


def _bodies(atlas: Atlas) -> list[str]:
    return atlas.bodies_with_members()["id"].tolist()


def _basemaps(atlas: Atlas) -> list[str]:
    return list(BASEMAPS)


def _fixed(*values: str) -> Callable[[Atlas], list[str]]:
    return lambda atlas: list(values)


MAP_VIEW = (
    Param("lat", "float", lo=-85, hi=85),
    Param("lon", "float", lo=-180, hi=180),
    Param("z", "float", lo=1, hi=12),
)
COMMON = (Param("present", "bool"), Param("story", "choice", choices=lambda a: sorted(set(a.stories["story"]))),
          Param("step", "int", lo=1, hi=99), Param("nav", "token"))
"""Parameters every page understands. ``nav`` is a one-time token that in-app links (story steps) carry so the
page knows the URL was set by a navigation, not by its own last write."""


def _sel(choices: Callable[[Atlas], Sequence[str]]) -> Param:
    return Param("sel", "choice", choices=choices)


def _countries(atlas: Atlas) -> list[str]:
    return atlas.countries["iso3"].tolist()


def _air_cities(atlas: Atlas) -> list[str]:
    return sorted(set(atlas.air_links["origin_city"]) | set(atlas.air_links["destination_city"]))


def _nodes(atlas: Atlas) -> list[str]:
    return atlas.nodes["id"].tolist()


def _indicators(atlas: Atlas) -> list[str]:
    """Indicators in the data: the known ones in `vocab.INDICATOR` order, then the others by code."""
    present = set(atlas.indicators["indicator"])
    return [i for i in vocab.INDICATOR if i in present] + sorted(present - set(vocab.INDICATOR))


def _overview_defaults(atlas: Atlas, today: dt.date) -> dict:
    return {"basemap": "plain", "date": today}


CONSULTATIVE = "ca_consultative"
"""The body whose story the atlas tells: the Consultative Meetings of the Heads of State of Central Asia."""


def _membership_defaults(atlas: Atlas, today: dt.date) -> dict:
    bodies = _bodies(atlas)
    pair = [b for b in ("ots", "cis") if b in bodies]
    pair += [b for b in bodies if b not in pair][: 2 - len(pair)]
    return {"basemap": "plain", "view": "organisation", "body": CONSULTATIVE if CONSULTATIVE in bodies else bodies[0],
            "compare": pair, "count": "members", "date": today}


def _transport_defaults(atlas: Atlas, today: dt.date) -> dict:
    return {"basemap": "plain", "corridor": list(vocab.CORRIDOR), "mode": list(vocab.MODE),
            "status": list(vocab.INFRA_STATUS), "iso3": [], "air": False, "city": [], "plan": False, "from": "xian",
            "to": "istanbul", "avoid": [], "exclude": [], "future": False}


def _energy_defaults(atlas: Atlas, today: dt.date) -> dict:
    indicators = _indicators(atlas)
    return {"basemap": "plain", "commodity": list(vocab.COMMODITY), "status": list(vocab.ENERGY_STATUS),
            "country": "", "indicator": indicators[0] if indicators else ""}


def five_plus_three(atlas: Atlas) -> list[str]:
    """The eight countries of the proposed "5+3" platform (bodies.csv), else Central Asia and the South Caucasus."""
    rows = atlas.bodies[atlas.bodies["id"] == "5plus3"]
    listed = [c for c in str(rows["proposed_members"].iloc[0]).split(";") if c] if len(rows) else []
    groups = ("Central Asia", "South Caucasus")
    return listed or atlas.countries.loc[atlas.countries["group"].isin(groups), "iso3"].tolist()


def _cooperation_sel(atlas: Atlas) -> list[str]:
    """What the Cooperation page selects (by a click or its Find box): a water feature, a river or lake, a border, a
    country, or a body (those that share water have a card)."""
    borders = [f"{a}-{b}" for a, b in zip(atlas.borders["iso3_a"], atlas.borders["iso3_b"])]
    return [*atlas.water_features["id"], *atlas.physical["id"], *borders, *atlas.countries["iso3"], *atlas.bodies["id"]]


def _cooperation_defaults(atlas: Atlas, today: dt.date) -> dict:
    eight = five_plus_three(atlas)
    return {"basemap": "plain", "view": "water", "country": eight[0] if eight else ""}


@dataclass(frozen=True)
class Page:
    """One page of the atlas: what app.py registers, what its link holds and which scene draws it.

    Parameters
    ----------
    name : str
        The page id, also its URL path (``/membership``); the default page is served at the root.
    title : str
        Navigation title.
    file : str
        The Streamlit page file, relative to the repository.
    scene : str
        The module of `geo.scenes` that builds its scene (a ``build(atlas, values)`` function).
    params : tuple of Param
        Its own URL parameters (the map view and the common ones are added by `page_params`).
    defaults : callable
        ``defaults(atlas, today)`` → the values the page starts with, by parameter name.
    """

    name: str
    title: str
    file: str
    scene: str
    params: tuple[Param, ...]
    defaults: Callable[[Atlas, dt.date], dict]
    default: bool = False

    @property
    def path(self) -> str:
        """The URL path ("" for the default page, served at the root)."""
        return "" if self.default else self.name


def _page(name: str, title: str, params: tuple[Param, ...], defaults, *, default: bool = False) -> Page:
    return Page(name, title, f"pages/{name}.py", f"geo.scenes.{name}", params, defaults, default)


PAGES: dict[str, Page] = {p.name: p for p in (
    _page("overview", "Overview", (
        Param("date", "date", "overview_as_of"),
        Param("basemap", "choice", "overview_basemap", _basemaps),
        _sel(_countries),
    ), _overview_defaults, default=True),
    _page("membership", "Membership", (
        Param("view", "choice", "membership_view", _fixed(*vocab.MEMBERSHIP_VIEW)),
        Param("body", "choice", "membership_body", _bodies),
        Param("compare", "choices", "membership_compare", _bodies),
        Param("count", "choice", "membership_count_as", _fixed(*vocab.COUNT_AS)),
        Param("date", "date", "membership_date"),
        Param("basemap", "choice", "membership_basemap", _basemaps),
        _sel(_countries),
    ), _membership_defaults),
    _page("transport", "Transport", (
        Param("corridor", "choices", "transport_corridor", _fixed(*vocab.CORRIDOR)),
        Param("mode", "choices", "transport_mode", _fixed(*vocab.MODE)),
        Param("status", "choices", "transport_status", _fixed(*vocab.INFRA_STATUS)),
        Param("iso3", "choices", "transport_iso3", _countries),
        Param("air", "bool", "transport_air"),
        Param("city", "choices", "transport_city", _air_cities),
        Param("basemap", "choice", "transport_basemap", _basemaps),
        Param("plan", "bool", "transport_plan_on"),
        Param("from", "choice", "transport_from", _nodes),
        Param("to", "choice", "transport_to", _nodes),
        Param("avoid", "choices", "transport_avoid", _countries),
        Param("exclude", "choices", "transport_exclude", _fixed(*vocab.MODE)),
        Param("future", "bool", "transport_future"),
        _sel(lambda a: [*a.routes["id"], *a.nodes["id"]]),
    ), _transport_defaults),
    _page("energy", "Energy", (
        Param("commodity", "choices", "energy_commodity", _fixed(*vocab.COMMODITY)),
        Param("status", "choices", "energy_status", _fixed(*vocab.ENERGY_STATUS)),
        Param("country", "choice", "energy_country", lambda a: ["", *a.focus_iso3()]),
        Param("indicator", "choice", "energy_indicator", _indicators),
        Param("basemap", "choice", "energy_basemap", _basemaps),
        _sel(lambda a: a.energy_links["id"].tolist()),
    ), _energy_defaults),
    _page("cooperation", "Cooperation", (
        Param("view", "choice", "cooperation_view", _fixed(*vocab.COOPERATION_VIEW)),
        Param("country", "choice", "cooperation_country", five_plus_three),
        Param("basemap", "choice", "cooperation_basemap", _basemaps),
        _sel(_cooperation_sel),
    ), _cooperation_defaults),
)}
"""The pages, in navigation order: the one registry app.py, the page edge, scenes, story checks, tests and the
benchmark read."""
DEFAULT_PAGE = next(name for name, page in PAGES.items() if page.default)


def page_defaults(page: str, atlas: Atlas, today: dt.date | None = None) -> dict:
    """Return the values a page starts with (by parameter name) when no link sets them."""
    return _spec(page).defaults(atlas, today or dt.date.today())


def _spec(page: str) -> Page:
    if page not in PAGES:
        raise ValueError(f"page {page!r} is not one of {', '.join(PAGES)}")
    return PAGES[page]


@dataclass(frozen=True)
class View:
    """A parsed view: the page, its parameter values by name, and notices about what was ignored."""

    page: str
    values: dict
    notices: list[str]


def choices(page: str, name: str, atlas: Atlas) -> list[str]:
    """The values parameter `name` of `page` may take (what its widget offers)."""
    return next(p for p in page_params(page) if p.name == name).allowed(atlas)


def page_params(page: str) -> tuple[Param, ...]:
    """Return every parameter a page understands (its own, the map view and the common ones)."""
    return (*_spec(page).params, *MAP_VIEW, *COMMON)


def parse_view(page: str, query: Mapping[str, Iterable[str]] | str, atlas: Atlas) -> View:
    """Parse a query string (``"?a=1&b=2"`` or a mapping of name → list of values) for `page`.

    Unknown names, malformed values, repeated names (the first value is used), oversized values and an
    excess of parameters give notices; the rest is returned in ``View.values``.
    """
    if isinstance(query, str):
        pairs: dict[str, list[str]] = {}
        for name, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
            pairs.setdefault(name, []).append(value)
        if "page" in pairs:
            pairs.pop("page")
    else:
        pairs = {name: list(values) for name, values in query.items()}
    params = {p.name: p for p in page_params(page)}
    values: dict = {}
    notices: list[str] = []
    names = list(pairs)
    if len(names) > MAX_PARAMETERS:
        notices.append(f"{len(names) - MAX_PARAMETERS} parameters beyond the first {MAX_PARAMETERS} were ignored")
        names = names[:MAX_PARAMETERS]
    for name in names:
        raw_values = pairs[name]
        shown = name if len(name) <= 40 else name[:39] + "…"
        if name not in params:
            notices.append(f"unknown parameter {shown!r} ignored")
            continue
        if len(raw_values) > 1:
            notices.append(f"{shown} given {len(raw_values)} times: the first value is used")
        raw = raw_values[0] if raw_values else ""
        if len(raw) > MAX_VALUE_LENGTH:
            notices.append(f"{shown}: a value of {len(raw)} characters ignored (at most {MAX_VALUE_LENGTH})")
            continue
        try:
            values[name] = params[name].parse(raw, atlas)
        except ValueError as exc:
            clipped = raw if len(raw) <= 40 else raw[:39] + "…"
            notices.append(f"{shown}={clipped!r} ignored: expected {exc}")
    if ("story" in values) != ("step" in values):
        values.pop("story", None), values.pop("step", None)
        notices.append("story and step go together: both ignored")
    return View(page, values, notices)


def format_view(page: str, values: Mapping[str, object]) -> str:
    """Return the query string (without ``?``) for `values` of `page`, in the page's parameter order."""
    params = page_params(page)
    pairs = [(p.name, p.format(values[p.name])) for p in params if p.name in values and values[p.name] is not None]
    return urlencode(pairs, safe=",")
