"""Each kind of damage to the data files: a clear message on every page (never a traceback) and a non-zero exit
from the command line, naming the file, row, column and what was expected."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.browser import REPO
from geo.cli import main
from geo.load import DATA_DIR_ENV
from geo.views import PAGES as REGISTRY

# Each damage changes the tiny data folder through `tiny_tables` and returns the text the message must hold.


def _missing_file(tables):
    tables.path("routes.csv").unlink()
    return r"routes.csv: expected the file to exist in"


def _wrong_encoding(tables):
    path = tables.path("countries.csv")
    path.write_bytes(path.read_bytes().replace(b"Country KAZ", "Country Kazaxstán".encode("latin-1")))
    return "countries.csv: expected UTF-8 text (byte"


def _broken_geometry(tables):
    doc = json.loads(tables.path("boundaries.geojson").read_text())
    doc["features"][1]["geometry"]["coordinates"] = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
    tables.path("boundaries.geojson").write_text(json.dumps(doc))
    return "boundaries.geojson, row 2 (line 3), column 'geometry': found 'Self-intersection"


def _duplicate_ids(tables):
    tables.edit("nodes.csv", 2, "id", "aktau")
    return "nodes.csv, row 3 (line 4), column 'id': found 'aktau', expected a unique value (row 2 has it too)"


def _dangling_source(tables):
    tables.edit("energy_links.csv", 0, "sources", "s-one;s-gone")
    return "energy_links.csv, row 1 (line 2), column 'sources': found 's-one;s-gone', expected source ids listed in sources.csv (unknown: s-gone)"


def _published_km_beyond_the_line(tables):
    tables.edit("published_km.csv", 2, "km", "1100")  # 443 + 249 + 1,100 km of a 1,768 km line
    return ("published_km.csv, row 3 (line 4), column 'km': found '1100', expected km by country of btc that add up "
            "to at most its published length of 1,768 km (they add up to 1,792 km)")


DAMAGE = {"missing file": _missing_file, "wrong encoding": _wrong_encoding, "broken geometry": _broken_geometry,
          "duplicate ids": _duplicate_ids, "dangling source ids": _dangling_source,
          "published km beyond the line": _published_km_beyond_the_line}
PAGES = [page.file for page in REGISTRY.values()]  # every page of the registry


KINDS = list(DAMAGE)


@pytest.mark.parametrize(("kind", "page"), [(KINDS[i % len(KINDS)], PAGES[i % len(PAGES)])
                                            for i in range(max(len(KINDS), len(PAGES)))])  # every damage, every page
def test_page_names_the_damage(kind, page, tiny_data, tiny_tables, monkeypatch, run_page):
    expected = DAMAGE[kind](tiny_tables)
    monkeypatch.setenv(DATA_DIR_ENV, str(tiny_data))
    at = run_page(page)
    assert not at.exception
    assert "could not be loaded" in at.error[0].value
    assert expected in at.code[0].value
    assert not list(at.get("component_instance"))  # no map drawn from broken data


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_command_line_exits_1_and_names_the_damage(kind, tiny_data, tiny_tables, tmp_path, capsys):
    expected = DAMAGE[kind](tiny_tables)
    for argv in (["validate"], ["export", "sources", "-o", str(tmp_path / "s.csv")],
                 ["export", "--view", "?page=transport", "-o", str(tmp_path / "t.png")]):
        assert main(["--data-dir", str(tiny_data), *argv]) == 1
        err = capsys.readouterr().err
        assert "the data is not valid" in err and expected in err
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "t.png").exists()


def test_command_line_process_exit_code(tiny_data, tiny_tables):
    _dangling_source(tiny_tables)
    done = subprocess.run([sys.executable, "-m", "geo", "--data-dir", str(tiny_data), "validate"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "s-gone" in done.stderr
