"""The shipped data: valid, every source cited somewhere, every source reachable by URL or explained in a note."""

from __future__ import annotations

from geo.load import load_atlas
from geo.tables import TABLE_SPECS


def test_shipped_data_is_valid_and_every_source_is_used():
    atlas = load_atlas()
    cited = set()
    for spec in TABLE_SPECS.values():
        if "sources" in spec.names:
            table = getattr(atlas, spec.file.split(".")[0])
            cited.update(i for cell in table["sources"] for i in cell.split(";") if i)
    assert set(atlas.sources["id"]) - cited == set()
    assert cited - set(atlas.sources["id"]) == set()


def test_every_source_has_a_url_or_a_note():
    sources = load_atlas().sources
    assert sources[(sources["url"] == "") & (sources["note"] == "")].empty
