"""The house rules a reader relies on (shared STYLE.md): rooms as packages, small modules, thin pages, core apart from
the app, and translations the catalog tools can see."""

import ast

import pytest

from tests.conftest import ROOT

CORE, DASHBOARD = ROOT / "core", ROOT / "dashboard"
SOURCES = sorted([*CORE.rglob("*.py"), *DASHBOARD.rglob("*.py")])


def relative(path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_core_is_rooms_not_a_flat_folder():
    rooms = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").is_file())
    assert len(rooms) >= 3 and {"data", "training", "pool", "lessons"} <= set(rooms), rooms


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_module_is_over_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500


@pytest.mark.parametrize("path", sorted((DASHBOARD / "views").glob("*.py")), ids=relative)
def test_a_page_is_a_description_of_its_ui_in_at_most_150_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 150


def imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=relative)
def test_core_never_imports_streamlit_or_the_dashboard(path):
    assert not imports(path) & {"streamlit", "dashboard"}


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_nothing_edits_sys_path(path):
    """The project is installed (pip install -e .): imports work from any folder without path edits."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    edits = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "path"
             and isinstance(node.value, ast.Name) and node.value.id == "sys"]
    assert not edits


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_translated_text_is_where_the_catalog_tools_can_see_it(path):
    """Babel reads a Python 3.11 f-string as one token, so ``_("...")`` inside one never reaches the catalog; and a
    throwaway ``_`` (``a, b, _ = ...``) would hide the translator from everything after it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [m.lineno for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for m in ast.walk(node)
              if isinstance(m, ast.Call) and getattr(m.func, "id", None) in ("_", "N_")]
    shadowing = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "_"
                 and isinstance(node.ctx, ast.Store) and DASHBOARD in path.parents]  # core translates nothing
    assert not hidden, f"_() inside an f-string at lines {hidden}"
    assert not shadowing, f"_ assigned at lines {shadowing}"
