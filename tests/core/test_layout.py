"""The apps' dependency direction: core imports no other app, and no app imports the demo."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"


def _imported_apps(package: Path) -> dict[str, set[str]]:
    """For each module under the package, the other apps it imports (apps.<name>)."""
    found: dict[str, set[str]] = {}
    for module in package.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(module.read_text(), filename=str(module))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for name in modules:
                parts = name.split(".")
                if parts[0] == "apps" and len(parts) > 1 and parts[1] != package.name:
                    names.add(parts[1])
        if names:
            found[str(module.relative_to(package))] = names
    return found


def test_core_imports_no_other_app():
    assert _imported_apps(APPS / "core") == {}


def test_no_app_imports_the_demo_app():
    importers = {
        module
        for app in APPS.iterdir()
        if app.is_dir() and app.name not in {"demo", "__pycache__"}
        for module, names in _imported_apps(app).items()
        if "demo" in names
    }
    assert importers == set()


def test_the_check_sees_an_import_of_another_app(tmp_path):
    package = tmp_path / "core"
    package.mkdir()
    (package / "bad.py").write_text("from apps.patients.models import Participant\n")
    assert _imported_apps(package) == {"bad.py": {"patients"}}
