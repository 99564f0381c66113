"""The code keeps its shape: no import cycles (function-local imports counted), the data and export layers load
no renderer or Streamlit, modules and pages stay small, and geo/ never imports Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "pages")
MAX_MODULE_LINES = 400
MAX_PAGE_LINES = 120


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every project module `path` imports, at the top or inside a function (``from a import b`` counts a.b when
    that is a module, else a); imports under ``if TYPE_CHECKING:`` are for annotations and never run."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}  # annotations only: never run, so never a cycle
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_counting_function_local_imports():
    modules = _modules()
    graph = {name: _imports(path, name, set(modules)) for name, path in modules.items()}
    # A package's __init__ is imported by its modules on the way in; only edges between modules count there.
    graph = {n: {t for t in targets if not n.startswith(t + ".")} for n, targets in graph.items()}
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", ["geo.export", "geo.scenes", "geo.views", "geo.cards", "geo.load"])
def test_data_modules_load_no_renderer_and_no_streamlit(module):
    scenes = "; ".join(f"import geo.scenes.{p}" for p in ("overview", "membership", "transport", "energy"))
    code = f"import sys, {module}; {scenes}; print(sorted(m for m in ('folium', 'streamlit', 'matplotlib') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"


def test_pages_load_no_matplotlib_until_an_image_is_asked_for():
    """Every page runs (through app.py, as the server runs it) without importing matplotlib: the slide images
    import it when a reader asks for one."""
    from geo.views import PAGES

    code = (
        "import sys\nfrom streamlit.testing.v1 import AppTest\n"
        f"for file in {[p.file for p in PAGES.values()]!r}:\n"
        f"    at = AppTest.from_file({str(REPO / 'app.py')!r}, default_timeout=120)\n"
        "    at.session_state['_map_first_' + file.split('/')[-1][:-3]] = None\n"  # the page whole, not only its map
        "    at.switch_page(file)\n    at.run()\n"
        "    assert not at.exception and at.dataframe, (file, at.exception)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib' or m == 'geo.image')[:3])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_geo_never_imports_streamlit():
    for path in (REPO / "geo").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text and "from streamlit" not in text, path


@pytest.mark.parametrize("name, path", sorted(_modules().items()))
def test_module_size(name, path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    is_page = path.parent.name == "pages" and not path.name.startswith("_")
    limit = MAX_PAGE_LINES if is_page else MAX_MODULE_LINES
    assert lines <= limit, f"{path.relative_to(REPO)} has {lines} lines (at most {limit})"


def test_every_page_of_the_registry_has_its_file_and_scene_module():
    import importlib

    from geo.views import PAGES

    for page in PAGES.values():
        assert (REPO / page.file).is_file(), page.file
        assert callable(importlib.import_module(page.scene).build), page.scene


def test_bench_does_not_import_tests():
    for path in (REPO / "bench").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tests":
                pytest.fail(f"{path.relative_to(REPO)} imports {node.module}")
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "tests" for a in node.names):
                pytest.fail(f"{path.relative_to(REPO)} imports tests")


def test_lint_is_clean():
    ruff = pytest.importorskip("ruff")
    del ruff
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], capture_output=True, text=True,
                            cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout[-4000:]
