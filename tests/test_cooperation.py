"""The Cooperation page: shared water, land borders, visas. Scenes on the tiny data, answers on the shipped data,
exports through the command line, and an AppTest of each view."""

from __future__ import annotations

import pyogrio
import pytest

from geo import cooperation as coop
from geo import marks as mk
from geo.cards import border_card, visa_card, water_card
from geo.cli import main
from geo.export import Filters, export_frame
from geo.load import DATA_DIR_ENV
from geo.maps import scene_base, scene_layer, standalone_html, tip_html
from geo.scenes import build_scene

VIEWS = ("water", "borders", "people")


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_builds_with_marks_layers_and_sources(tiny_atlas, view):
    scene = build_scene(tiny_atlas, "cooperation", {"view": view, "country": "ARM"})
    assert scene.marks and scene.layers and scene.sources and scene.summary
    assert set(scene.sources) <= set(tiny_atlas.sources["id"])
    html = standalone_html(scene_base(tiny_atlas, scene), scene_layer(scene))
    assert "atlas-legend" in html
    assert "nan" not in " ".join(" ".join(tip_html(m.tip, m.frame.to_dict("records")))
                                 for m in scene.marks if hasattr(m, "tip"))


def test_border_lines_are_the_shared_boundaries(tiny_atlas):
    lines = coop.border_lines(tiny_atlas).set_index("id")
    # the tiny countries are 1-degree squares side by side: KAZ and KGZ share the meridian 41°E from 40°N to 41°N
    xs = {round(x, 6) for x, _ in lines.loc["KAZ-KGZ"].geometry.coords}
    assert xs == {41.0}
    assert lines.loc["KAZ-KGZ", "length_km"] == pytest.approx(111.1, abs=0.5)
    scene = build_scene(tiny_atlas, "cooperation", {"view": "borders"})
    drawn = next(m for m in scene.marks if isinstance(m, mk.Lines))
    assert set(drawn.frame["state"]) == {"delimitation_in_force", "partly_delimited"}
    assert "treaty signed: 2001-12-15 · in force: 2008" in " ".join(tip_html(drawn.tip, drawn.frame.to_dict("records")))


def test_fully_delimited_borders_on_shipped_data(atlas):
    table = coop.delimitation_by_country(atlas).set_index("iso3")
    assert sorted(table.index[table["category"] == "fully"]) == ["KAZ", "KGZ", "TJK", "TUR"]
    assert sorted(table.index[table["category"] == "partly"]) == ["ARM", "AZE", "GEO"]
    assert sorted(table.index[table["category"] == "unknown"]) == ["TKM", "UZB"]  # their shared border: no state
    sentence = coop.fully_delimited_sentence(coop.delimitation_by_country(atlas))
    assert sentence.startswith("Borders with the other focus countries all delimited by a treaty in force: "
                               "Kazakhstan, Kyrgyzstan, Tajikistan, Türkiye.")


def test_visa_free_for_a_citizen_of_armenia(atlas):
    sentence = coop.visa_free_sentence(atlas, "ARM")
    assert sentence.startswith("A citizen of Armenia can travel visa-free to 5 of the other 7: Georgia (360 days), "
                               "Kazakhstan (90 days), Kyrgyzstan (stay not recorded), Tajikistan (90 days), Uzbekistan")
    assert "Turkmenistan: visa required" in sentence and "Azerbaijan: not recorded" in sentence
    matrix = coop.visa_matrix(atlas).set_index("Passport of")
    assert matrix.loc["Armenia", "Armenia"] == "—" and matrix.loc["Armenia", "Azerbaijan"] == "not recorded"
    assert matrix.loc["Armenia", "Georgia"] == "Visa-free (360 days)"
    assert visa_card(atlas, "ARM", "TKM").lines[0] == ("Regime", "Visa required")


def test_aral_basin_bodies_and_their_members(atlas):
    bodies = coop.water_bodies(atlas).set_index("id")
    five = "Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan"
    assert bodies.loc["icwc", "members"] == five and bodies.loc["ifas", "members"] == five
    assert bodies.loc["caspian_legal_status", "members"] == "none recorded"  # signed, not in force
    assert "ICWC (members today: " + five in coop.basin_sentence(coop.water_bodies(atlas))


def test_transboundary_water_names_the_countries(atlas):
    water = coop.transboundary_water(atlas).set_index("id")
    assert {"amu-darya", "syr-darya", "aral-sea", "aral-sea-late-1950s"} <= set(water.index)
    assert "issyk-kul" not in water.index  # wholly in Kyrgyzstan
    assert set(water.loc["aral-sea", "countries"].split(";")) == {"KAZ", "UZB"}
    assert {"TJK", "UZB", "TKM", "AFG"} <= set(water.loc["amu-darya", "countries"].split(";"))
    card = water_card(atlas, "toktogul")
    assert ("Capacity", "1,440 MW") in card.lines
    assert water_card(atlas, "kambarata-2").lines[1] == ("Capacity", "not recorded")
    assert border_card(atlas, "TKM-UZB").lines[0][1].startswith("State not recorded · treaty signed: 2000")


def test_layers_and_filters(tiny_atlas):
    assert list(export_frame(tiny_atlas, "visas", Filters(iso3=("ARM",), status=("unknown",)))["to_iso3"]) == ["AZE"]
    assert list(export_frame(tiny_atlas, "borders", Filters(status=("partly_delimited",)))["id"]) == ["ARM-AZE"]
    points = export_frame(tiny_atlas, "water_features", Filters(status=("under_construction",)))
    assert list(points["id"]) == ["canal-one"] and points.geometry.isna().all()  # no coordinates: no point


def test_cli_exports_borders_and_the_view(tiny_data, tmp_path, capsys):
    out = tmp_path / "b.gpkg"
    assert main(["--data-dir", str(tiny_data), "export", "borders", "-o", str(out)]) == 0
    back = pyogrio.read_dataframe(out, layer="borders")
    assert list(back["id"]) == ["KAZ-KGZ", "ARM-AZE"] and back["length_km"].gt(100).all()
    view = tmp_path / "v.gpkg"
    assert main(["--data-dir", str(tiny_data), "export", "--view", "?page=cooperation&view=borders", "-o", str(view)]) == 0
    assert len(pyogrio.read_dataframe(view, layer="borders")) == 2
    assert "wrote the cooperation view" in capsys.readouterr().out


def test_page_views_answer_their_questions(monkeypatch, run_page):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    at = run_page("pages/cooperation.py")
    text = " ".join(m.value for m in at.markdown)
    assert not at.exception and "ICWC" in text and "Uzbekistan" in text
    at.radio(key="cooperation_view").set_value("borders").run()
    text = " ".join(m.value for m in at.markdown)
    assert "all delimited by a treaty in force: Kazakhstan, Kyrgyzstan, Tajikistan, Türkiye" in text
    at.radio(key="cooperation_view").set_value("people").run()
    at.selectbox(key="cooperation_country").set_value("ARM").run()
    text = " ".join(m.value for m in at.markdown)
    assert "A citizen of Armenia can travel visa" in text and "Georgia \\(360 days\\)" in text
    assert not at.exception and not at.error
    matrix = next(d.value for d in at.dataframe if "Passport of" in d.value.columns)
    assert "nan" not in matrix.to_string() and "None" not in matrix.to_string()
    at = run_page("pages/cooperation.py", {"view": "borders", "sel": "ARM-AZE"})
    assert "Armenia–Azerbaijan" in [h.value for h in at.subheader] and not at.exception


def test_views_share_one_frame_so_the_map_changes_in_place(atlas):
    frames = {build_scene(atlas, "cooperation", {"view": v, "country": "ARM"}).frame for v in VIEWS}
    assert len(frames) == 1
    people = build_scene(atlas, "cooperation", {"view": "people", "country": "ARM"})
    regimes = dict(zip(people.layers["visas"]["to_iso3"], people.layers["visas"]["regime"]))
    drawn = next(m for m in people.marks if isinstance(m, mk.Areas)).frame.set_index("iso3")["regime"]
    assert drawn["TUR"] == "outside" and drawn["ARM"] == "chosen" and regimes["TKM"] == drawn["TKM"] == "visa_required"
