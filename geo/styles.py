"""Colours, dashes and labels: the one place where the atlas's look is defined.

Status colours are Okabe-Ito (safe for the common forms of colour blindness); categories that could be
confused also differ by outline dash. Basemap colours make the tile-free map read as sea, land and borders.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo import vocab

SEA = "#d4e4ee"
OFF_STAGE = "#eceff1"
LAND = "#f3f1ec"
BORDER = "#9c978d"
FOCUS_BORDER = "#3d3d3d"
TEXT = "#222222"
RIVER = "#6b9bc3"
"""Rivers and lake shores on the interactive map."""
WATER_TEXT = "#3f6f92"
"""Names of seas, lakes and rivers."""


@dataclass(frozen=True)
class StatusStyle:
    label: str
    fill: str
    dash: str | None = None


_STATUS_LOOKS = {
    "member": ("#0072B2", None),
    "guest_of_honour": ("#E69F00", None),
    "observer": ("#56B4E9", "4 3"),
    "associate": ("#009E73", "4 3"),
    "dialogue_partner": ("#CC79A7", "2 3"),
    "partner": ("#F0E442", "2 3"),
    "suspended": ("#D55E00", "6 3"),
    "former": ("#8a8a8a", "1 3"),
    "signatory": ("#c6dbef", "6 2"),
    "none": ("#e9e6df", None),
    "unknown": ("#ffffff", "3 3"),
}
STATUS_STYLES: dict[str, StatusStyle] = {
    code: StatusStyle(vocab.STATUS_DISPLAY[code], *look) for code, look in _STATUS_LOOKS.items()
}
"""Style of each membership status, plus ``none`` and ``unknown``, in legend order (labels from `geo.vocab`)."""

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
    return vocab.STATUS_DISPLAY.labels.get(status, status)


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
AIR_COLOUR = "#777777"
MODE_COLOURS = {"rail": "#0072B2", "ferry": "#009E73", "sea": "#56B4E9", "road": "#E69F00"}
"""Okabe-Ito colours by transport mode."""
COMMODITY_COLOURS = {"oil": "#D55E00", "gas": "#0072B2", "electricity": "#E69F00"}
"""Okabe-Ito colours by commodity."""
NODE_COLOURS = {"seaport": "#0072B2", "ferry_terminal": "#009E73", "rail_border_crossing": "#ffffff", "hub": "#222222"}
CHOROPLETH = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
"""ColorBrewer YlGnBu, six classes (colour-blind safe)."""
NO_DATA = StatusStyle("No data", "#f4f4f4", "2 3")
ROUTE_HIGHLIGHT = "#CC79A7"
SELECTED = "#111111"
"""Outline of what the reader selected."""

RIVER_COLOUR = "#2b8cbe"
LAKE_STYLES: dict[str, StatusStyle] = {
    "historic_lake": StatusStyle("Aral Sea, late 1950s (outline)", "#e0f3f8", "6 4"),
    "lake": StatusStyle("Lake today", "#4a98c9"),
}
"""Lakes of the Cooperation page's water view: the historic outline pale and dashed under today's lake."""
WATER_KIND_COLOURS = {"hydropower": "#E69F00", "dam": "#0072B2", "reservoir": "#56B4E9", "canal": "#009E73"}
"""Okabe-Ito colours by kind of water feature."""
BORDER_STATE_COLOURS = {"delimitation_in_force": "#009E73", "ratified": "#56B4E9", "signed": "#0072B2",
                        "partly_delimited": "#E69F00", "not_delimited": "#D55E00", "unknown": "#999999"}
"""Okabe-Ito colours by the state of a border's delimitation; a state not recorded is grey."""
BORDER_UNKNOWN_LABEL = "State not recorded"
DELIMITATION_STYLES: dict[str, StatusStyle] = {
    "fully": StatusStyle("All borders delimited", "#d9f0e6"),
    "unknown": StatusStyle("Delimited where recorded", "#f2f2f2", "3 3"),
    "partly": StatusStyle("Not all delimited", "#fbe6c2"),
    "none": StatusStyle("No border recorded", "#ffffff", "1 4"),
}
"""A focus country by whether its recorded borders with the other focus countries are all delimited (pale fills,
so the border lines stand out)."""
EVENT_KIND_COLOURS = {"peace": "#CC79A7", "border": "#000000", "exchange": "#F0E442", "water": "#56B4E9"}
VISA_STYLES: dict[str, StatusStyle] = {
    "chosen": StatusStyle("Citizen's own country", "#0072B2"),
    "visa_free": StatusStyle(vocab.VISA_REGIME["visa_free"], "#009E73"),
    "visa_on_arrival": StatusStyle(vocab.VISA_REGIME["visa_on_arrival"], "#56B4E9", "4 3"),
    "e_visa": StatusStyle(vocab.VISA_REGIME["e_visa"], "#F0E442", "2 3"),
    "visa_required": StatusStyle(vocab.VISA_REGIME["visa_required"], "#D55E00"),
    "not_recorded": StatusStyle("Not recorded", "#ffffff", "3 3"),
    "outside": StatusStyle("Not among the eight", "#e9e6df", "1 4"),
}
"""Entry regimes for a citizen of the chosen country (Okabe-Ito; a regime not recorded is white, dashed)."""
