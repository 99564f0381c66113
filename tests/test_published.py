"""Published lengths by country: read from published_km.csv, shown beside the computed split in cards and
tables, exported with the lines, and checked against the lines they describe."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from bench.browser import REPO
from geo.cards import energy_card, segment_card
from geo.energy import energy_lines, published_by_country
from geo.export import export_frame, to_bytes, view_metadata
from geo.load import load_atlas
from geo.measure import SEA
from geo.published import compare, split_text
from geo.transport import named_route_lengths, route_lines, tables_for_readers


def test_a_line_gets_its_published_split_and_its_sources(tiny_atlas):
    btc = energy_lines(tiny_atlas).set_index("id").loc["btc"]
    assert btc["published_km_by_country"] == {"AZE": 443, "GEO": 249, "TUR": 1076}
    assert btc["sources"] == "s-one;s-two"  # the record's, then the split's
    assert energy_lines(tiny_atlas).set_index("id").loc["cable", "published_km_by_country"] == {}
    named = named_route_lengths(tiny_atlas).iloc[0]
    assert named["published_km_by_country"] == {"KAZ": 300.5}
    segments = route_lines(tiny_atlas).set_index("id")
    assert named["km_by_country"]["KAZ"] == pytest.approx(sum(segments.loc[s, "km_by_country"].get("KAZ", 0)
                                                              for s in ("xian-aktau", "aktau-baku")), abs=0.2)


def test_compare_puts_published_beside_computed_in_words():
    names = {"AZE": "Azerbaijan", "GEO": "Georgia", "TUR": "Türkiye", "ARM": "Armenia"}
    table = compare({"AZE": 443, "GEO": 249.5, SEA: 12}, {"TUR": 989.9, "AZE": 430.4, "GEO": 0.4, "ARM": 1076.0}, names)
    assert list(table.columns) == ["Country", "Published km", "Computed km"]
    assert table.values.tolist() == [
        ["Türkiye", "not recorded", "990"],
        ["Azerbaijan", "443", "430"],
        ["Georgia", "249.5", "0.4"],  # a part under 1 km keeps its tenth, never "0"
        ["Armenia", "not recorded", "1,076"],
        ["Sea (outside any country)", "12", "not recorded"],
    ]


def test_the_card_shows_published_and_computed_side_by_side(tiny_atlas):
    card = energy_card(tiny_atlas, energy_lines(tiny_atlas), "btc")
    rows = card.table.set_index("Country")
    assert rows.loc["Country GEO", "Published km"] == "249" and rows.loc["Country TUR", "Published km"] == "1,076"
    assert rows.loc["Country ARM", "Published km"] == "not recorded"  # crossed as drawn, no source gives its km
    assert rows.loc["Country GEO", "Computed km"] == f"{energy_lines(tiny_atlas).set_index('id').loc['btc', 'km_by_country']['GEO']:,.0f}"
    assert ("Km by country", "published and computed") in card.lines
    segment = segment_card(tiny_atlas, route_lines(tiny_atlas), "aktau-baku").table
    assert set(segment["Published km"]) == {"not recorded"} and len(segment) == len(route_lines(tiny_atlas).set_index("id").loc["aktau-baku", "km_by_country"])


def test_the_readme_example_is_what_the_btc_card_shows(atlas):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    published, computed = re.search(r"BTC's card gives\s+Georgia (\d+) km published beside (\d+) km computed", readme).groups()
    rows = energy_card(atlas, energy_lines(atlas), "btc").table.set_index("Country")
    assert (rows.loc["Georgia", "Published km"], rows.loc["Georgia", "Computed km"]) == (published, computed)
    assert rows.loc["Azerbaijan", "Published km"] == "443" and rows.loc["Türkiye", "Published km"] == "1,076"


def test_shipped_splits_where_sources_give_them(atlas):
    lines = energy_lines(atlas).set_index("id")
    assert lines.loc["btc", "published_km_by_country"] == {"AZE": 443, "GEO": 249, "TUR": 1076}
    assert lines.loc["tap", "published_km_by_country"] == {"GRC": 550, "ALB": 215, SEA: 105, "ITA": 8}
    assert lines.loc["cagp-d", "published_km_by_country"] == {"UZB": 205, "TJK": 391, "KGZ": 215, "CHN": 155}
    assert lines.loc["cpc", "published_km_by_country"] == {}  # no source splits it: not recorded, never a guess
    assert "KAZ" not in lines.loc["cagp-abc", "published_km_by_country"]  # sources disagree with the total: left out
    named = named_route_lengths(atlas).set_index("id")
    assert named.loc["btk", "published_km_by_country"] == {"AZE": 405, "GEO": 254, "TUR": 76}
    for line_id, split in lines["published_km_by_country"].items():  # the load checks, seen from the lines
        if split and pd.notna(lines.loc[line_id, "published_length_km"]):
            assert sum(split.values()) <= lines.loc[line_id, "published_length_km"] + 0.5 * len(split), line_id
        assert set(split) <= set(lines.loc[line_id, "km_by_country"]), line_id


def test_the_measured_tables_gain_the_published_split(atlas):
    names = atlas.country_names()
    energy = published_by_country(energy_lines(atlas), names)
    assert list(energy.columns) == ["Line", "Country", "Published km", "Computed km"]
    btc = energy[energy["Line"].str.contains("BTC")].set_index("Country")
    assert btc.loc["Georgia", "Published km"] == "249"
    tap = energy[energy["Line"].str.contains("TAP")].set_index("Country")
    assert tap.loc["Sea (outside any country)", "Published km"] == "105"
    tables = tables_for_readers(atlas, route_lines(atlas))
    by_country = tables["by country"]
    btk = by_country[by_country["Line"] == "Baku-Tbilisi-Kars railway"].set_index("Country")
    assert btk.loc["Georgia", "Published km"] == "254" and btk.loc["Türkiye", "Published km"] == "76"
    assert "304.94" in set(by_country["Published km"])  # the CKU railway's Kyrgyz section, as published
    assert {"Line", "Kind", "Published km", "Computed km", "Computed / published"} == set(tables["lengths"].columns)
    assert tables["lengths"].set_index("Line").loc["Baku-Tbilisi-Kars railway", "Published km"] == "826"


@pytest.mark.parametrize("layer", ["energy", "routes"])
def test_exports_carry_both_splits(tiny_atlas, layer):
    frame = export_frame(tiny_atlas, layer)
    assert {"km_by_country", "published_km_by_country"} <= set(frame.columns)
    text = to_bytes(frame, "csv", layer=layer).decode()
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).set_index("id")
    if layer == "energy":
        assert table.loc["btc", "published_km_by_country"] == "AZE:443;GEO:249;TUR:1076"
        assert table.loc["btc", "km_by_country"].startswith("GEO:91.3;")
        assert table.loc["cable", "published_km_by_country"] == ""  # no source splits it
    else:
        assert set(table["published_km_by_country"]) == {""}
    doc = json.loads(to_bytes(frame, "geojson", layer=layer))
    assert all("published_km_by_country" in f["properties"] for f in doc["features"])


def test_a_view_export_and_the_card_cite_the_sources_of_the_published_split(tiny_data, tiny_tables):
    sources = tiny_tables.rows("sources.csv")
    tiny_tables.write("sources.csv", [*sources, {**sources[1], "id": "s-split", "title": "The split"}])
    tiny_tables.write("published_km.csv", [{**r, "sources": "s-split"} for r in tiny_tables.rows("published_km.csv")])
    atlas = load_atlas(tiny_data)
    layers = {"energy": export_frame(atlas, "energy")}
    cited = {s["id"] for s in view_metadata(atlas, page="energy", query="", layers=layers)["sources"]}
    assert "s-split" in cited
    assert "s-split" in energy_card(atlas, energy_lines(atlas), "btc").sources.split(";")


def test_split_text():
    assert split_text({"AZE": 443.0, "sea": 105.5}) == "AZE:443;sea:105.5"
    assert split_text({}) == ""
