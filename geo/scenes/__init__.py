"""Scenes: what a page's map shows for a view, built without any renderer, so the page, the HTML download, the
slide image and ``python -m geo export --view`` all draw and export exactly the same thing.

A scene is built from a page name and the view's values (`geo.views` parameter names → values; missing ones take
the page's defaults) by the page's scene module (``geo.scenes.<page>``, named in the page registry). It holds the
marks to draw (`geo.marks`), the visible layers to export, the sources behind them, how the map is framed and the
page's facts (a dataclass per page). Coordinates are EPSG:4326 throughout; lengths are geodesic km.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from geo import marks as mk
from geo import styles
from geo.errors import UsageError
from geo.load import Atlas
from geo.views import DEFAULT_PAGE, PAGES, format_view, page_defaults, parse_view


@dataclass(frozen=True)
class Frame:
    """How a scene's map is framed: countries its own marks draw (left out of the context layer), what the
    first view fits (countries, or a box west, south, east, north in degrees), and with `core_bounds` (a box
    inside it) what the page's map shows first when the whole box would leave the background beyond the stage
    in view: the map comes just close enough that the stage fills it, centred on the core (a box wider than the
    stage is high does so on most screens). The slide image fits the whole box, cut to the stage."""

    exclude_iso3: tuple[str, ...] = ()
    fit_iso3: tuple[str, ...] = ()
    fit_bounds: tuple[float, float, float, float] | None = None
    core_bounds: tuple[float, float, float, float] | None = None


class Place(NamedTuple):
    """A place a slide image names: its name, where it is (degrees), its rank (0 names first) and whether the
    scene's marks already draw a point there (if not, the image draws a small dot)."""

    name: str
    lat: float
    lon: float
    rank: int = 1
    marked: bool = False


@dataclass
class Scene:
    """What a page's map shows for one view, and what goes with it."""

    page: str
    title: str
    values: dict
    marks: list[mk.Mark]
    layers: dict[str, pd.DataFrame]
    sources: list[str]
    frame: Frame
    notices: list[str] = field(default_factory=list)
    facts: Any = None
    """The page's own facts (a dataclass defined in the page's scene module)."""
    summary: str = ""
    """One line that sums up what the map shows (a planned route, a comparison), for presenters."""
    subtitle: str = ""
    """The view's filters in words, for the slide image (empty: the image says what the page shows in general)."""
    key_places: list[Place] = field(default_factory=list)
    """Places the slide image names (transport nodes, line ends, venues, capitals), most important first."""
    historic_lakes: bool = False
    """Whether the slide image draws historic lake outlines (the Aral Sea of the late 1950s)."""


INDICATOR_PAGES = ("overview", "membership")
"""Pages whose countries an uploaded indicator can colour."""


def build_scene(
    atlas: Atlas, page: str, values: Mapping[str, object] | None = None, *, indicator: pd.DataFrame | None = None
) -> Scene:
    """Return the scene of `page` for the view `values` (parameter name → value, as `geo.views.parse_view`
    gives; missing ones take the page's defaults). Scenes are remembered per loaded atlas (the last 64 views), so
    returning to a view costs nothing; a returned scene is shared: treat it as read-only.

    Parameters
    ----------
    indicator : pandas.DataFrame, optional
        An uploaded indicator (`geo.upload.read_indicator`: iso3, value, year); on the Overview and Membership
        pages it replaces the status fill by a choropleth and is exported as the ``my_indicator`` layer.
    """
    full = {**page_defaults(page, atlas), **{k: v for k, v in (values or {}).items() if v is not None}}
    key = ("scene", page, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in full.items())))
    scene = atlas.memo(key, lambda: _build(atlas, page, full), limit=64)
    if indicator is not None and page in INDICATOR_PAGES:
        return _with_indicator(atlas, scene, indicator)
    return scene


def _build(atlas: Atlas, page: str, values: dict) -> Scene:
    scene = importlib.import_module(PAGES[page].scene).build(atlas, values)
    scene.sources = list(dict.fromkeys(scene.sources))
    return scene


def page_and_query(link: str) -> tuple[str, str]:
    """Split a permalink into (page, query string without ``?``).

    Accepts a whole link (``http://host/transport?mode=ferry``; the root is the default page), a path with a
    query (``/energy?...``) or a bare query string with a ``page`` parameter (``?page=transport&mode=ferry``;
    without one, the default page).
    """
    parts = urlsplit(link.strip())
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    named = [v for k, v in pairs if k == "page"]
    path = parts.path.strip("/").rsplit("/", 1)[-1] if parts.path.strip("/") else ""
    page = named[0] if named else (path or DEFAULT_PAGE)
    if page not in PAGES:
        raise UsageError(f"page {page!r} in the view is not one of {', '.join(PAGES)}")
    return page, parts.query


def scene_for_link(atlas: Atlas, link: str, *, indicator: pd.DataFrame | None = None) -> tuple[Scene, str, list[str]]:
    """Return (the scene a permalink shows, its normalised query string, notices about ignored parameters)."""
    page, query = page_and_query(link)
    view = parse_view(page, query, atlas)
    scene = build_scene(atlas, page, view.values, indicator=indicator)
    return scene, format_view(page, view.values), [*view.notices, *scene.notices]


def _with_indicator(atlas: Atlas, scene: Scene, indicator: pd.DataFrame) -> Scene:
    """A copy of `scene` whose countries are coloured by an uploaded indicator (venues kept)."""
    from geo.upload import indicator_shapes, indicator_tip

    name = str(indicator.attrs.get("name", "My indicator"))
    unit = str(indicator.attrs.get("unit", ""))
    shapes = indicator_shapes(atlas, indicator, scene.frame.fit_iso3)
    venues = [m for m in scene.marks if isinstance(m, mk.Venues)]
    legend = [mk.Legend("Meetings", [venue_legend()])] if venues else []
    fill = mk.Choropleth(shapes, f"{name} (uploaded)", indicator_tip(unit), unit=unit)
    exclude = tuple(dict.fromkeys([*scene.frame.exclude_iso3, *shapes["iso3"]]))
    return replace(scene, marks=[fill, *venues, *legend], layers={**scene.layers, "my_indicator": shapes},
                   frame=replace(scene.frame, exclude_iso3=exclude), title=f"{name} (uploaded) · {scene.title}")


def venue_legend() -> mk.LegendItem:
    return mk.LegendItem("Meeting venue (held by then)", styles.VENUE_COLOUR, "dot")


def venue_marks(venues: pd.DataFrame) -> list[mk.Mark]:
    """The venues as a mark, or nothing when there are none."""
    return [mk.Venues(venues)] if len(venues) else []


def capital_places(atlas: Atlas, iso3: Iterable[str], rank: int = 1) -> list[Place]:
    """The capitals of the countries `iso3` (those with coordinates) as places."""
    rows = atlas.countries[atlas.countries["iso3"].isin(set(iso3))].dropna(subset=["capital_lat", "capital_lon"])
    return [Place(str(c), float(lat), float(lon), rank) for c, lat, lon in
            zip(rows["capital"], rows["capital_lat"], rows["capital_lon"]) if c]


def venue_places(meetings: Iterable[Any], rank: int = 0) -> list[Place]:
    """The cities of meetings (`geo.memberships.Meeting`, with coordinates) as places drawn by the venue mark."""
    places = {(m.lat, m.lon): Place(str(m.city), float(m.lat), float(m.lon), rank, True) for m in meetings
              if not (pd.isna(m.lat) or pd.isna(m.lon))}
    return list(places.values())


def in_words(vocabulary: Mapping[str, str], chosen: Iterable[str], every: str, *, joiner: str = "and",
             lower: bool = True) -> str:
    """The chosen codes' labels in the vocabulary's order as words ("rail and ferry"); `every` when all or none
    are chosen (a filter left empty keeps all)."""
    wanted = set(chosen)
    labels = [label for code, label in vocabulary.items() if code in wanted]
    if not labels or len(labels) == len(vocabulary):
        return every
    if lower:
        labels = [label[:1].lower() + label[1:] for label in labels]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {joiner} {labels[-1]}"


def ids(cells: str | Iterable[str]) -> list[str]:
    """Source ids from semicolon-separated cells (or one string), in order, without repeats or blanks."""
    if isinstance(cells, str):
        cells = [cells]
    return list(dict.fromkeys(i for cell in cells for i in str(cell).split(";") if i))


def selected(atlas: Atlas, sel: object, *, lines: pd.DataFrame | None = None, points: pd.DataFrame | None = None
             ) -> list[mk.Mark]:
    """The reader's selection (`sel`: a country's ISO3, or the id of one of `lines` or `points`) as a dark outline:
    the country's border, the line itself or a ring round the place. Nothing when nothing (known) is selected."""
    import geopandas as gpd
    from shapely.geometry import Point

    if not sel:
        return []
    geoms = []
    if points is not None and sel in set(points["id"]):
        row = points[points["id"] == sel].iloc[0]
        geoms = [Point(float(row["lon"]), float(row["lat"])).buffer(0.15).exterior]
    elif lines is not None and sel in set(lines["id"]):
        geoms = list(lines.loc[lines["id"] == sel].geometry)
    else:
        geoms = [g.boundary for g in atlas.boundaries.loc[atlas.boundaries["iso3"] == sel].geometry]
    if not geoms:
        return []
    return [mk.Highlight(gpd.GeoDataFrame(geometry=geoms, crs="EPSG:4326"), styles.SELECTED, selection=True)]


def describe(scene: Scene) -> list[str]:
    """The map in words, a line per mark: its title, then each category with the countries or lines in it (a text
    alternative to the map, read where the map cannot be seen)."""
    lines = [f"{scene.title}." + (f" {scene.summary}." if scene.summary else "")]
    for mark in scene.marks:
        if isinstance(mark, mk.Areas):
            groups: dict[str, list[str]] = {}
            for value, name in zip(mark.frame[mark.column], mark.frame["name"]):
                look = mark.styles_by_value.get(value, styles.STATUS_STYLES["unknown"])
                groups.setdefault(look.label, []).append(str(name))
            lines.append("; ".join(f"{label}: {', '.join(names)}" for label, names in groups.items()) + ".")
        elif isinstance(mark, mk.Choropleth):
            tips = [mark.tip(row) for row in mk.row_dicts(mark.frame)]
            lines.append(f"{mark.title}: " + "; ".join(f"{title} {' '.join(rest)}" for title, rest in tips) + ".")
        elif isinstance(mark, mk.Lines) and len(mark.frame):
            tips = [mark.tip(row) for row in mk.row_dicts(mark.frame)]
            lines.append(f"{mark.title}: " + "; ".join(f"{title} ({' '.join(rest)})" for title, rest in tips) + ".")
    return lines
