"""Hostile text in data files and uploads: shown as text everywhere, never run (in the browser or on the server).

Every free-text field that reaches a map, a table, an export or an image gets markup, script, a JavaScript
template literal and a Jinja expression. branca compiles rendered map scripts as Jinja templates, so an
unescaped ``{{ ... }}`` would run on the server: the marker ``PWNED`` appears only if something was evaluated.
"""

from __future__ import annotations

import json

import pytest

from geo.export import LAYERS, export_bytes, export_frame
from geo.image import render_image
from geo.load import load_atlas
from geo.maps import scene_base, scene_layer, standalone_html
from geo.scenes import build_scene
from geo.upload import read_indicator

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`${window.__pwned=3}`{{ "PWN" ~ "ED" }}{% if 1 %}PWN{{ "ED" }}{% endif %}'
EVALUATED = "PWNED"
FIELDS = {
    "countries.csv": [("KAZ", "name")],
    "meetings.csv": [(0, "city"), (0, "guests"), (0, "note")],
    "nodes.csv": [("aktau", "name")],
    "routes.csv": [("aktau-baku", "name"), ("aktau-baku", "note")],
    "energy_links.csv": [("btc", "name"), ("btc", "operator")],
    "air_links.csv": [("baku-tashkent", "carrier"), ("baku-tashkent", "origin_city")],
    "sources.csv": [("s-one", "title"), ("s-one", "publisher")],
    "bodies.csv": [("ots", "short_name")],
}


@pytest.fixture
def hostile_atlas(tiny_data, tiny_tables):
    for name, fields in FIELDS.items():
        table = tiny_tables.rows(name)
        key = "iso3" if name == "countries.csv" else "id"
        for which, column in fields:
            row = table[which] if isinstance(which, int) else next(r for r in table if r[key] == which)
            row[column] = HOSTILE
        tiny_tables.write(name, table)
    return load_atlas(tiny_data)


def _views():
    return [("overview", {}), ("membership", {}), ("membership", {"body": "ots"}),
            ("membership", {"view": "compare", "compare": ["ots", "ca_consultative"]}),
            ("transport", {"air": True, "plan": True, "from": "xian", "to": "baku"}), ("energy", {}),
            *[("cooperation", {"view": v, "country": "KAZ"}) for v in ("water", "borders", "people")]]


@pytest.mark.parametrize(("page", "values"), _views())
def test_maps_show_hostile_text_as_text(hostile_atlas, page, values):
    scene = build_scene(hostile_atlas, page, values)
    html = standalone_html(scene_base(hostile_atlas, scene), scene_layer(scene))
    assert EVALUATED not in html  # nothing evaluated by Jinja on the server
    assert "<script>window.__pwned" not in html and "<img src=x" not in html  # no live markup
    assert "${window.__pwned" not in html  # no template-literal expression
    assert "window.__pwned" in html  # ...but the text is there, escaped


@pytest.mark.parametrize("page", ["overview", "membership"])
def test_uploaded_names_and_units_are_text(tiny_atlas, page):
    frame, _ = read_indicator(f"iso3,value,unit\nKAZ,1,{HOSTILE.replace(',', ' ')}\n".encode(), tiny_atlas,
                              file=f"{HOSTILE}.csv")
    scene = build_scene(tiny_atlas, page, indicator=frame)
    html = standalone_html(scene_base(tiny_atlas, scene), scene_layer(scene))
    assert EVALUATED not in html and "<script>window.__pwned" not in html and "<img src=x" not in html
    svg = render_image(tiny_atlas, scene, "svg").decode("utf-8")
    assert "<script>" not in svg and "<img" not in svg


@pytest.mark.parametrize("layer", list(LAYERS))
def test_exports_keep_hostile_text_verbatim(hostile_atlas, layer):
    frame = export_frame(hostile_atlas, layer)
    csv_text = export_bytes(frame, "csv", layer=layer).decode("utf-8")
    doc = json.loads(export_bytes(frame, "geojson", layer=layer))
    cells = " ".join(str(v) for f in doc["features"] for v in f["properties"].values())
    if layer in ("countries", "memberships", "meetings", "sources", "routes", "nodes", "air_links", "energy"):
        assert HOSTILE in cells or HOSTILE.replace('"', '""') in csv_text or layer in ("countries", "memberships")
    assert EVALUATED not in cells


@pytest.mark.parametrize("page", ["overview", "transport", "energy"])
def test_image_text_is_escaped(hostile_atlas, page):
    svg = render_image(hostile_atlas, build_scene(hostile_atlas, page), "svg").decode("utf-8")
    assert "<script>" not in svg and "<img" not in svg and EVALUATED not in svg
