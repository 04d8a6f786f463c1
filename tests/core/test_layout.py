"""The apps' dependency direction: each app imports only the layers below it (core none)."""

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


# docs/decisions.md, "App dependencies": lowest first; an app may import only apps listed before
# it. Apps on one line are peers and import none of each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("clinical", "accounts", "practitioners"),
    ("sites",),
    ("delegation",),
    ("patients",),
    ("corrections",),
    ("reminders",),
    ("outcomes",),
    ("journey", "conduct"),
    ("cessation", "safety"),
    ("monitoring",),
    ("workspace",),
    ("dashboards",),
    ("demo",),
)
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def _upward_imports(apps_dir: Path) -> set[str]:
    """Every "module -> app" import that goes to the same layer or a higher one."""
    return {
        f"{app.name}/{module} -> {name}"
        for app in apps_dir.iterdir()
        if app.is_dir() and app.name in RANK
        for module, names in _imported_apps(app).items()
        for name in names
        if RANK.get(name, len(LAYERS)) >= RANK[app.name]
    }


def test_every_app_is_in_a_layer():
    assert {p.name for p in APPS.iterdir() if (p / "__init__.py").exists()} == set(RANK)


def test_apps_import_only_lower_layers():
    assert _upward_imports(APPS) == set()


def test_the_layer_check_sees_an_upward_import(tmp_path):
    (tmp_path / "patients").mkdir()
    (tmp_path / "patients" / "views.py").write_text("from apps.journey import services\n")
    (tmp_path / "reminders").mkdir()
    (tmp_path / "reminders" / "links.py").write_text(
        "from apps.patients.models import Participant\n"
    )
    assert _upward_imports(tmp_path) == {"patients/views.py -> journey"}


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
