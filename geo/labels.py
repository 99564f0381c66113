"""Label placement for the slide images: names placed greedily by priority, none overlapping another.

Each label is a `LabelSpec`: its text (and shorter alternatives), an anchor in the axes' data coordinates, a
priority (0 is placed first) and where it may go: beside a point (a place, a sea) or on an area (a country,
inside its visible part). `place_labels` measures every text with the figure's renderer, tries a few positions
for each label in priority order and keeps the first whose box, padded, stays inside the map and meets no box
placed before it nor an obstacle (a marker, the scale bar); a label that fits nowhere is dropped.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

Box = tuple[float, float, float, float]
"""A box in display pixels: (x0, y0, x1, y1), y upwards."""

PAD = 2.0
"""Pixels kept free around every label (its halo is drawn there)."""
SLACK = 1.04
"""Width kept for a label, as a multiple of its measured width: drawn with a halo, a text's glyphs are outlines
without hinting, a little wider than the measure."""

SPILL_DELAY = 0.5
"""How much later an area's label that fits nowhere inside is tried beside its area: after the other focus
countries' names have their places inside theirs, before any key place."""
_POINT_OFFSETS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
"""Where a point's label goes, tried in order: right, left, above, below, then the diagonals."""
_AREA_SHIFTS = ((0, 0), (0, 1.2), (0, -1.2), (0.4, 0), (-0.4, 0), (0.4, 1.2), (-0.4, -1.2), (0, 2.4), (0, -2.4))
"""Where an area's label goes, in heights (vertical) and widths (horizontal) from its centre."""


@dataclass(frozen=True)
class LabelSpec:
    """A label to place.

    `texts`: the text and shorter alternatives ("Armenia", "ARM"), tried in order at every position; `x`, `y`:
    the anchor in data coordinates (the point, or the area's inner centre); `priority`: placement order (lower
    first: a label gives way to every label placed before it); `kind`: what it names (focus, country, place,
    sea, lake, river); `radius`: for a point's label, the pixels between the point and the text, None for an
    area's label, placed over its anchor and moved only inside `inside` (the visible area, data coordinates);
    `max_widths`: the widest each text may be in pixels (None or missing: any); `style`: keyword arguments of
    `matplotlib.axes.Axes.text`."""

    texts: tuple[str, ...]
    x: float
    y: float
    priority: float
    kind: str
    radius: float | None = 4.0
    inside: object = None
    max_widths: tuple[float | None, ...] = ()
    style: dict = field(default_factory=dict)
    more: tuple[tuple[float, float], ...] = ()
    """Other anchors (data coordinates) tried, in order, when no position around the first is free."""
    spill: bool = False
    """For an area's label: when no position inside fits, try beside the anchor as for a point, `SPILL_DELAY`
    later (small countries keep their name next to them)."""


class PlacedLabel(NamedTuple):
    """A label drawn: its text, what it names and its box in display pixels as the renderer measured it."""

    text: str
    kind: str
    box: Box


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share any area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _within(inner: Box, outer: Box) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _free(box: Box, taken: Sequence[Box]) -> bool:
    return not any(overlaps(box, other) for other in taken)


def place_labels(ax, renderer, specs: Iterable[LabelSpec], obstacles: Sequence[Box] = (), *,
                 halo: float = 0.0, under: bool = False) -> list[PlacedLabel]:
    """Draw the labels that fit, in priority order, and return them with their measured boxes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map; its limits and aspect are final (the transform from data to pixels is used).
    renderer :
        The figure's renderer (``fig.canvas.get_renderer()``), used to measure each text.
    specs : iterable of LabelSpec
    obstacles : sequence of Box
        Boxes (display pixels) no label may cover: markers, the scale bar.
    halo : float
        Width in points of the white halo around each label (0: none).
    under : bool
        Draw the halo as a copy under the label, which stays plain text (for an SVG: its words and glyphs are
        kept as such), rather than as the label's own path effect (for a PNG: hinted glyphs would not line up).
    """
    from matplotlib import patheffects
    from shapely.geometry import Point

    frame = ax.get_window_extent(renderer)
    limits = (frame.x0 + PAD, frame.y0 + PAD, frame.x1 - PAD, frame.y1 - PAD)
    to_pixels = ax.transData.transform
    to_data = ax.transData.inverted().transform
    taken: list[Box] = []
    blocked = list(obstacles)
    placed: list[PlacedLabel] = []
    queue = [(spec.priority, n, spec, False) for n, spec in enumerate(specs)]
    heapq.heapify(queue)
    while queue:
        priority, n, spec, spilling = heapq.heappop(queue)
        px, py = to_pixels((spec.x, spec.y))
        text = ax.text(spec.x, spec.y, spec.texts[0], ha="center", va="center", zorder=10, clip_on=False,
                       **spec.style)
        spot = _beside(spec, text, renderer, px, py, limits, taken, blocked) if spilling else None
        for i, option in enumerate(() if spilling else spec.texts):
            text.set_text(option)
            extent = text.get_window_extent(renderer)
            w, h = extent.width * SLACK, extent.height
            widest = spec.max_widths[i] if i < len(spec.max_widths) else None
            if widest is not None and w > widest:
                continue
            for ox, oy in (to_pixels(xy) for xy in ((spec.x, spec.y), *spec.more)):
                for cx, cy in _centres(spec, ox, oy, w, h):
                    box = (cx - w / 2 - PAD, cy - h / 2 - PAD, cx + w / 2 + PAD, cy + h / 2 + PAD)
                    if not (_within(box, limits) and _free(box, taken) and _free(box, blocked)):
                        continue
                    if spec.radius is None and spec.inside is not None and not spec.inside.contains(Point(*to_data((cx, cy)))):
                        continue
                    spot = (option, cx, cy, box)
                    break
                if spot:
                    break
            if spot:
                break
        if spot is None and spec.spill and not spilling:  # beside the area, once places are named
            heapq.heappush(queue, (priority + SPILL_DELAY, n, spec, True))
        if spot is None:
            text.remove()
            continue
        option, cx, cy, box = spot
        text.set_text(option)
        text.set_position(tuple(to_data((cx, cy))))
        if halo and under:
            ax.text(*to_data((cx, cy)), option, ha="center", va="center", zorder=9.9, clip_on=False,
                    path_effects=[patheffects.Stroke(linewidth=halo, foreground="white")],
                    **{**spec.style, "color": "white"})
        elif halo:
            text.set_path_effects([patheffects.withStroke(linewidth=halo, foreground="white")])
        taken.append(box)
        measured = text.get_window_extent(renderer)
        placed.append(PlacedLabel(option, spec.kind, (measured.x0, measured.y0, measured.x1, measured.y1)))
    return placed


def _beside(spec: LabelSpec, text, renderer, px, py, limits, taken, blocked):
    """The first text of `spec` that fits beside its anchor, as for a point: (text, cx, cy, box) or None."""
    for option in spec.texts:
        text.set_text(option)
        extent = text.get_window_extent(renderer)
        w, h = extent.width * SLACK, extent.height
        for cx, cy in _centres(LabelSpec(spec.texts, spec.x, spec.y, spec.priority, "point", 0.0), px, py, w, h):
            box = (cx - w / 2 - PAD, cy - h / 2 - PAD, cx + w / 2 + PAD, cy + h / 2 + PAD)
            if _within(box, limits) and _free(box, taken) and _free(box, blocked):
                return option, cx, cy, box
    return None


def _centres(spec: LabelSpec, px: float, py: float, w: float, h: float):
    """Candidate centres (pixels) of a `w` × `h` label for `spec` anchored at (`px`, `py`): for an area's label,
    shifts from its centre; for a point's, the eight positions around it, then the same a little farther out."""
    if spec.radius is None:
        for sx, sy in _AREA_SHIFTS:
            yield px + sx * w, py + sy * h
        return
    if spec.kind in ("sea", "lake"):  # water: on it first
        yield px, py
    for r in (spec.radius + PAD, spec.radius + PAD + _FARTHER):
        for dx, dy in _POINT_OFFSETS:
            k = 0.75 if dx and dy else 1.0
            yield px + dx * (k * r + w / 2), py + dy * (k * r + h / 2)


_FARTHER = 10.0
"""Pixels a point's label may move farther out when no position next to the point is free."""


def marker_box(px: float, py: float, radius: float) -> Box:
    """The box (pixels) of a round marker of `radius` pixels centred at (`px`, `py`)."""
    return (px - radius, py - radius, px + radius, py + radius)


_PORT_WORDS = re.compile(r"\s+(international\b.*|deep sea port|sea trade port.*)$", re.IGNORECASE)


def short_name(name: str, *, port: bool = False, limit: int = 18) -> str:
    """A place's name short enough for a slide: what precedes a parenthesis or a comma ("Ceyhan (Haydar Aliyev
    marine terminal)" → "Ceyhan"), or what follows "near" ("CPC marine terminal near Novorossiysk"); when still
    long, a port's first word and "port", else without its trailing lower-case words ("Saman-Depe gas field"),
    else its first part.

    ("Baku International Sea Trade Port (Alat)" → "Baku port", "Kapikule-Kapitan Andreevo" → "Kapikule":
    `tests/test_image.py` lists more.)
    """
    near = re.search(r"\bnear ([^(,]+)", name)
    text = near.group(1).strip() if near else re.split(r"\s*[(,]", name, maxsplit=1)[0].strip() or name
    if len(text) <= limit:
        return text
    if port:
        stem = _PORT_WORDS.sub("", text)
        return (stem if len(stem) <= limit - 5 else stem.split()[0]) + " port"
    words = text.split()
    while len(words) > 1 and words[-1][:1].islower():
        words.pop()
    text = " ".join(words)
    return text if len(text) <= limit else re.split(r"[\s\-–]", text, maxsplit=1)[0]


SEAS: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("Caspian Sea", ((42.0, 50.6), (38.6, 51.2), (43.6, 50.0))),
    ("Black Sea", ((43.2, 34.2), (42.6, 31.0), (43.8, 37.3), (44.1, 32.0), (42.4, 35.6), (43.0, 29.8))),
    ("Sea of Azov", ((46.1, 36.7),)),
    ("Mediterranean Sea", ((34.0, 19.5), (33.6, 27.0))),
    ("Aegean Sea", ((38.6, 25.0),)),
    ("Adriatic Sea", ((42.8, 16.2),)),
    ("Red Sea", ((20.5, 38.6), (24.0, 36.4))),
    ("Persian Gulf", ((27.0, 51.3),)),
    ("Gulf of Oman", ((24.6, 58.6),)),
    ("Arabian Sea", ((19.5, 63.0),)),
    ("Baltic Sea", ((56.0, 19.0),)),
    ("Bay of Bengal", ((19.0, 89.0),)),
    ("Yellow Sea", ((35.5, 123.5),)),
)
"""Seas named on the slide images: (name, places for the label: latitude, longitude, tried in order). Names as in
the IHO's *Limits of Oceans and Seas* (S-23, 3rd edition, 1953); the Caspian, which S-23 does not cover, by its
common English name. Each point was placed by hand in open water, well inside the sea; `tests/test_image.py`
checks that none lies on or near a country of the boundaries."""


WATER_TEXT = "#3f6f92"
"""Colour of the names of seas, lakes and rivers."""
CONTEXT_TEXT = "#6b6b6b"
"""Colour of the names of countries around the focus countries."""


def _main_part(geom):
    """The largest polygon (or longest line) of a geometry."""
    parts = getattr(geom, "geoms", [geom])
    return max(parts, key=lambda g: g.area if g.area else g.length)


def country_specs(shapes, frame, focus: set[str], px_per_unit: float, base: float) -> list[LabelSpec]:
    """Labels of the countries in view: focus countries first (the smaller first, by name or, when the name is
    wider than the country, by ISO3 code), then neighbours and context countries (by name, only where it fits).

    `shapes` has iso3, name, tier and geometry in the axes' coordinates; `frame` is the visible box;
    `px_per_unit` converts those coordinates to pixels; `base` is the base font size in points."""
    from shapely.ops import polylabel

    specs = []
    for iso3, name, tier, geom in zip(shapes["iso3"], shapes["name"], shapes["tier"], shapes.geometry):
        visible = geom.intersection(frame)
        if visible.is_empty or visible.area == 0:
            continue
        part = _main_part(visible)
        minx, _, maxx, _ = part.bounds
        width = (maxx - minx) * px_per_unit
        anchor = polylabel(part, tolerance=max((maxx - minx) / 50, 1.0))
        if iso3 in focus:
            specs.append(LabelSpec((str(name), str(iso3)), anchor.x, anchor.y, part.area / 1e15, "focus", None, part,
                                   (width * 1.4, None), {"fontsize": base * 0.95, "color": "#222222"}, spill=True))
        elif width > 40:
            order = 2.0 if tier == "neighbour" else 2.5
            specs.append(LabelSpec((str(name),), anchor.x, anchor.y, order + 1 / (1 + part.area / 1e10), "country",
                                   None, part, (width * 0.95,), {"fontsize": base * 0.78, "color": CONTEXT_TEXT}))
    return specs


def unique_places(places: Sequence) -> list:
    """Key places (`geo.scenes.Place`) without repeats: a place whose short name was given before (a capital
    that is also a venue, a terminal at the end of two lines) is left out."""
    out, seen = [], set()
    for place in places:
        label = place_label(place.name)
        if label not in seen:
            seen.add(label)
            out.append(place)
    return out


def place_label(name: str) -> str:
    """A place's name as a slide shows it (`short_name`, ports recognised by their name)."""
    return short_name(name, port=" port" in name.lower() or "seaport" in name.lower())


def place_specs(places, points, radii, base: float) -> list[LabelSpec]:
    """Labels of key places (`geo.scenes.Place`, most important first, without repeats: `unique_places`) at
    `points` (x, y in the axes' coordinates) beside markers of `radii` pixels: rank 0 and 1 before
    neighbouring countries' names, rank 2 after them."""
    specs = []
    for i, (place, (x, y), radius) in enumerate(zip(places, points, radii)):
        label = place_label(place.name)
        priority = (1.0 + 0.3 * place.rank if place.rank < 2 else 2.2) + i * 1e-4
        specs.append(LabelSpec((label,), x, y, priority, "place", radius,
                               style={"fontsize": base * 0.8, "color": "#222222"}))
    return specs


def water_specs(physical, seas, frame, px_per_unit: float, base: float, *, historic: bool) -> list[LabelSpec]:
    """Labels of seas (`seas`: name, [(x, y)...] in the axes' coordinates), lakes by size, historic lake outlines when
    drawn, and rivers whose visible course is long enough, after every country and place (the Caspian Sea before
    border crossings)."""
    from shapely.geometry import Point
    from shapely.ops import polylabel

    water = {"fontsize": base * 0.85, "color": WATER_TEXT, "style": "italic"}
    specs = []
    for name, points in seas:
        inside = [xy for xy in points if frame.contains(Point(*xy))]
        if inside:
            # The Caspian, which the corridors cross, is named before border crossings (as on the interactive map).
            priority = 2.1 if name == "Caspian Sea" else 3.0
            specs.append(LabelSpec((name,), *inside[0], priority, "sea", 0.0, style=water, more=tuple(inside[1:])))
    width = frame.bounds[2] - frame.bounds[0]
    for name, kind, period, geom in zip(physical["name"], physical["kind"], physical["period"], physical.geometry):
        visible = geom.intersection(frame)
        if visible.is_empty or (kind == "historic_lake" and not historic):
            continue
        part = _main_part(visible)
        if kind == "river":
            if part.length < 0.08 * width:
                continue
            at = part.interpolate(0.5, normalized=True)
            specs.append(LabelSpec((str(name),), at.x, at.y, 4.0 + 1 / (1 + part.length / 1e5), "river", 2.0,
                                   style={**water, "fontsize": base * 0.65}))
            continue
        minx, _, maxx, _ = part.bounds
        if (maxx - minx) * px_per_unit < 6:  # too small to name at this scale
            continue
        at = polylabel(part, tolerance=max((maxx - minx) / 50, 1.0))
        text = f"{name} ({period})" if kind == "historic_lake" else str(name)
        order = 3.9 if kind == "historic_lake" else 3.5 + 1 / (1 + part.area / 1e8)
        specs.append(LabelSpec((text,), at.x, at.y, order, "lake", 0.0, style={**water, "fontsize": base * 0.7}))
    return specs


class SourceCredit(NamedTuple):
    """The sources behind a view grouped by publisher: `total` distinct sources; `shown` the publishers named
    with their counts, most cited first; `others` how many other publishers, `other_sources` their sources;
    `unlisted` ids not in the sources table. ``sum of shown counts + other_sources + unlisted == total``."""

    total: int
    publishers: int
    shown: list[tuple[str, int]]
    others: int
    other_sources: int
    unlisted: int

    @property
    def text(self) -> str:
        if not self.total:
            return "Sources: none."
        named = [f"{who} ({n})" for who, n in self.shown]
        if self.others:
            named.append(f"{self.others} other publisher{'s' if self.others > 1 else ''} ({self.other_sources})")
        if self.unlisted:
            named.append(f"not in the sources table ({self.unlisted})")
        many = "s" if self.publishers != 1 else ""
        return (f"Sources: {self.total} from {self.publishers} publisher{many} — "
                f"{', '.join(named[:-1]) + ' and ' + named[-1] if len(named) > 1 else named[0]}.")


def source_credit(sources, source_ids, *, limit: int = 4, max_chars: int = 150) -> SourceCredit:
    """Count the distinct `source_ids` by publisher (a source without one by its title) in the sources table
    `sources` (id, title, publisher) and name the `limit` most cited publishers, fewer if the line would pass
    `max_chars` characters."""
    table = sources.set_index("id")
    counts: dict[str, int] = {}
    unique = list(dict.fromkeys(source_ids))
    listed = [sid for sid in unique if sid in table.index]
    for sid in listed:
        who = str(table.at[sid, "publisher"] or table.at[sid, "title"] or sid)
        counts[who] = counts.get(who, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    while True:
        shown, rest = ranked[:limit], ranked[limit:]
        credit = SourceCredit(len(unique), len(ranked), shown, len(rest), sum(n for _, n in rest),
                              len(unique) - len(listed))
        if limit <= 1 or len(credit.text) <= max_chars:
            return credit
        limit -= 1
