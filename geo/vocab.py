"""Vocabularies: every coded value the data and the views use, with the words a reader sees for it.

One place maps codes to labels (``guest_of_honour`` → "Guest of honour"). The table specifications
(`geo.tables`), the view parameters (`geo.views`), the styles (`geo.styles`), the pages and the exports all read
these, so a new value is added once, here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

NOT_RECORDED = "not recorded"
"""What a reader sees where the data holds no value (an empty cell means unknown)."""


@dataclass(frozen=True)
class Vocabulary(Mapping[str, str]):
    """An ordered set of codes with their reader-facing labels; reads as ``{code: label}``.

    Parameters
    ----------
    name : str
        What the codes are, for messages (e.g. ``"status"``).
    labels : mapping of str to str
        Code → label, in the order lists and legends show them.
    """

    name: str
    labels: Mapping[str, str]

    def __getitem__(self, code: str) -> str:
        return self.labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes, in order."""
        return tuple(self.labels)

    def label(self, code: object) -> str:
        """Return the label of `code`; an empty code, or `UNKNOWN` where this vocabulary has no label of its own for
        it, reads `NOT_RECORDED`; an unlisted one reads as itself."""
        if code is None or code == "" or code != code or (code == UNKNOWN and UNKNOWN not in self.labels):
            return NOT_RECORDED
        return self.labels.get(str(code), str(code))

    def subset(self, *codes: str) -> Vocabulary:
        """Return the vocabulary limited to `codes` (in this vocabulary's order)."""
        unknown = [c for c in codes if c not in self.labels]
        if unknown:
            raise ValueError(f"{self.name} {unknown} not in {list(self.labels)}")
        return Vocabulary(self.name, {c: label for c, label in self.labels.items() if c in codes})


MEMBERSHIP_STATUS = Vocabulary("status", {
    "member": "Member / full participant",
    "observer": "Observer",
    "associate": "Associate",
    "dialogue_partner": "Dialogue partner",
    "partner": "Partner",
    "guest_of_honour": "Guest of honour",
    "suspended": "Suspended / frozen",
    "former": "Former member",
    "signatory": "Signatory",
})
"""Membership statuses of memberships.csv (an empty status means unknown). ``signatory``: a state that signed a
convention and is not (or not yet) a party to it."""
NONE = "none"
"""Status of a country with no row in force for a body: not a participant."""
UNKNOWN = "unknown"
"""Status of a country whose row in force has an empty status."""


def stored(codes) -> set[str]:
    """The codes of a filter as the data stores them: `UNKNOWN` is an empty cell."""
    return {"" if c == UNKNOWN else c for c in codes}
STATUS_DISPLAY = Vocabulary("status", {**MEMBERSHIP_STATUS, NONE: "Not a participant", UNKNOWN: "Unknown"})
"""Every status a map or table shows: the vocabulary plus ``none`` and ``unknown``."""
PARTICIPATION = ("member", "observer", "associate", "dialogue_partner", "partner", "guest_of_honour")
"""Statuses that count as taking part (not suspended, former or unknown)."""

BODY_KIND = Vocabulary("kind", {
    "summit_format": "Summit format",
    "organisation": "Organisation",
    "commission": "Commission",
    "convention": "Convention",
    "proposal": "Proposal",
})
COUNTRY_GROUP = Vocabulary("group", {"Central Asia": "Central Asia", "South Caucasus": "South Caucasus",
                                     "Türkiye": "Türkiye", "context": "Context"})
FOCUS_GROUPS = ("Central Asia", "South Caucasus", "Türkiye")
BOUNDARY_TIER = Vocabulary("tier", {"focus": "Focus", "neighbour": "Neighbour", "context": "Context"})

ENERGY_STATUS = Vocabulary("status", {
    "operational": "Operational",
    "under_construction": "Under construction",
    "planned": "Planned",
    "proposed": "Proposed",
    "stalled": "Stalled",
})
"""Statuses of lines and places; only energy links may be stalled."""
INFRA_STATUS = ENERGY_STATUS.subset("operational", "under_construction", "planned", "proposed")
NODE_KIND = Vocabulary("kind", {"seaport": "Seaport", "ferry_terminal": "Ferry terminal",
                                "rail_border_crossing": "Rail border crossing", "hub": "Hub"})
CORRIDOR = Vocabulary("corridor", {
    "middle": "Middle Corridor (TITR)",
    "middle_southern": "Middle Corridor, southern branch",
    "cku": "China–Kyrgyzstan–Uzbekistan railway",
    "northern": "Northern corridor (via Russia)",
    "maritime": "Maritime route (via Suez)",
    "zangezur": "Zangezur corridor and TRIPP",
    "north_south_east": "Kazakhstan–Turkmenistan–Iran railway",
    "bakhty": "Bakhty–Ayagoz railway",
    "trans_afghan": "Trans-Afghan railway",
})
TRANSIT_CORRIDOR = CORRIDOR.subset("middle", "northern", "maritime")
MODE = Vocabulary("mode", {"rail": "Rail", "ferry": "Ferry", "sea": "Sea", "road": "Road"})
ENERGY_KIND = Vocabulary("kind", {"pipeline": "Pipeline", "power_line": "Power line"})
COMMODITY = Vocabulary("commodity", {"oil": "Oil", "gas": "Gas", "electricity": "Electricity"})
CAPACITY_UNIT = Vocabulary("capacity unit", {"bcm/yr": "bcm/yr", "bbl/d": "bbl/d", "Mt/yr": "Mt/yr", "MW": "MW"})
INDICATOR = Vocabulary("indicator", {
    "renewable_capacity_mw": "Renewable installed capacity (MW)",
    "hydro_share_pct": "Hydropower share of electricity generation (%)",
    "gas_production_bcm": "Natural gas production (bcm)",
    "oil_production_kbd": "Oil production (thousand barrels/day)",
    "electricity_generation_twh": "Electricity generation (TWh)",
    "water_dependency_pct": "Renewable water resources from outside the country (%)",
})
"""Labels of the indicators the atlas knows; indicators.csv may hold others (shown by their code)."""
PHYSICAL_KIND = Vocabulary("kind", {"river": "River", "lake": "Lake", "historic_lake": "Historic lake outline"})
WATER_KIND = Vocabulary("kind", {"dam": "Dam", "reservoir": "Reservoir", "hydropower": "Hydropower plant",
                                  "canal": "Canal"})
WATER_CAPACITY_UNIT = Vocabulary("capacity unit", {"MW": "MW", "km3": "km³"})
BORDER_STATE = Vocabulary("state", {
    "delimitation_in_force": "Delimited (treaty in force)",
    "ratified": "Treaty ratified",
    "signed": "Treaty signed",
    "partly_delimited": "Partly delimited",
    "not_delimited": "Not delimited",
})
VISA_REGIME = Vocabulary("regime", {"visa_free": "Visa-free", "visa_on_arrival": "Visa on arrival", "e_visa": "e-Visa",
                                    "visa_required": "Visa required"})
EVENT_KIND = Vocabulary("kind", {"peace": "Peace and normalisation", "border": "Borders", "exchange": "People-to-people",
                                 "water": "Water and environment"})
COOPERATION_VIEW = Vocabulary("view", {"water": "Shared water", "borders": "Borders and peace",
                                       "people": "Visas and flights"})
MEMBERSHIP_VIEW = Vocabulary("view", {"organisation": "One organisation", "compare": "Compare organisations",
                                      "5plus3": 'The "5+3" platform'})
COUNT_AS = Vocabulary("count", {"members": "Full members only", "any": "Any participation (observer, partner…)"})
TRUE_FALSE = ("true", "false")
