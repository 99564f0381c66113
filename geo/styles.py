"""Colours, dashes and labels: the one place where the atlas's look is defined.

Status colours are Okabe-Ito (safe for the common forms of colour blindness); categories that could be
confused also differ by outline dash. Basemap colours make the tile-free map read as sea, land and borders.
"""

from __future__ import annotations

from dataclasses import dataclass

SEA = "#d4e4ee"
OFF_STAGE = "#eceff1"
LAND = "#f3f1ec"
BORDER = "#9c978d"
FOCUS_BORDER = "#3d3d3d"
TEXT = "#222222"


@dataclass(frozen=True)
class StatusStyle:
    label: str
    fill: str
    dash: str | None = None


STATUS_STYLES: dict[str, StatusStyle] = {
    "member": StatusStyle("Member / full participant", "#0072B2"),
    "guest_of_honour": StatusStyle("Guest of honour", "#E69F00"),
    "observer": StatusStyle("Observer", "#56B4E9", "4 3"),
    "associate": StatusStyle("Associate", "#009E73", "4 3"),
    "dialogue_partner": StatusStyle("Dialogue partner", "#CC79A7", "2 3"),
    "partner": StatusStyle("Partner", "#F0E442", "2 3"),
    "suspended": StatusStyle("Suspended / frozen", "#D55E00", "6 3"),
    "former": StatusStyle("Former member", "#8a8a8a", "1 3"),
    "none": StatusStyle("Not a participant", "#e9e6df"),
    "unknown": StatusStyle("Unknown", "#ffffff", "3 3"),
}
"""Style of each membership status, plus ``none`` and ``unknown``."""

COMPARE_STYLES: dict[str, StatusStyle] = {
    "all": StatusStyle("In all compared bodies", "#08519c"),
    "some": StatusStyle("In some, not all", "#4292c6"),
    "one": StatusStyle("In exactly one", "#9ecae1"),
    "none": StatusStyle("In none", "#e9e6df"),
}
"""Categories of a comparison of bodies: ColorBrewer Blues (sequential, colour-blind safe)."""

OUTSIDE_PROPOSAL = StatusStyle("Not in the proposed 5+3", "#ffffff", "1 4")

VENUE_COLOUR = "#000000"


def status_label(status: str) -> str:
    """Return the reader-facing label of a status (the status itself if it has no style)."""
    style = STATUS_STYLES.get(status)
    return style.label if style else status


def status_style(status: str) -> StatusStyle:
    """Return the style of a status; unknown vocabulary falls back to the ``unknown`` style."""
    return STATUS_STYLES.get(status, STATUS_STYLES["unknown"])


STATUS_DASHES: dict[str, str | None] = {
    "operational": None,
    "under_construction": "9 5",
    "planned": "5 5",
    "proposed": "2 6",
    "stalled": "12 4 2 4",
}
"""Line dash by infrastructure status: solid only when operational."""
INFRA_STATUS_LABELS = {
    "operational": "Operational",
    "under_construction": "Under construction",
    "planned": "Planned",
    "proposed": "Proposed",
    "stalled": "Stalled",
}
MODE_COLOURS = {"rail": "#0072B2", "ferry": "#009E73", "sea": "#56B4E9", "road": "#E69F00"}
"""Okabe-Ito colours by transport mode."""
COMMODITY_COLOURS = {"oil": "#D55E00", "gas": "#0072B2", "electricity": "#E69F00"}
"""Okabe-Ito colours by commodity."""
NODE_COLOURS = {"seaport": "#0072B2", "ferry_terminal": "#009E73", "rail_border_crossing": "#ffffff", "hub": "#222222"}
NODE_LABELS = {"seaport": "Seaport", "ferry_terminal": "Ferry terminal", "rail_border_crossing": "Rail border crossing",
               "hub": "Hub"}
CHOROPLETH = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
"""ColorBrewer YlGnBu, six classes (colour-blind safe)."""
NO_DATA = StatusStyle("No data", "#f4f4f4", "2 3")
ROUTE_HIGHLIGHT = "#CC79A7"
