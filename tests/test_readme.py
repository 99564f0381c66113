"""The README stays true: it documents every data file, page, layer and the two set-up commands."""

from __future__ import annotations

from bench.browser import REPO
from geo.export import LAYERS
from geo.tables import DATA_FILES, TABLE_SPECS
from geo.views import PAGES

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_two_setup_commands():
    assert "pip install -r requirements.txt && streamlit run app.py" in README
    assert "pip install -r requirements-dev.txt && python -m pytest" in README
    assert "pip install -q -r requirements-dev.txt && python -m pytest" in (REPO / ".ci" / "run").read_text()


def test_every_data_file_and_its_columns_documented():
    for name in DATA_FILES:
        assert f"`{name}`" in README, name
    for spec in TABLE_SPECS.values():
        row = next(line for line in README.splitlines() if line.startswith(f"| `{spec.file}`"))
        for column in spec.names:
            assert f"`{column}`" in row, (spec.file, column)


def test_every_page_documented():
    assert PAGES
    for page in PAGES.values():
        assert f"`{page.file}`" in README, page.file


def test_every_export_layer_documented():
    for layer in LAYERS:
        assert f"`{layer}`" in README, layer


def test_benchmark_and_load_test_documented_with_figures():
    assert "pip install -r bench/requirements.txt && python bench/run.py" in README
    assert "python bench/load.py" in README
    for marker in ("BENCH_TABLES", "LOAD_FIGURES", "WARM_SENTENCE"):
        assert marker not in README, f"{marker} placeholder left in the README"
    assert "| page" in README.split("## Performance", 1)[1].split("## Safety", 1)[0]
