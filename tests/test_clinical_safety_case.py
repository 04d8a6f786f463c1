"""docs/clinical-safety.md names the test behind each control: every one named must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAFETY_CASE = ROOT / "docs" / "clinical-safety.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_test_the_safety_case_names_exists():
    references = REFERENCE.findall(SAFETY_CASE.read_text())
    assert len(references) >= 20
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not (ROOT / path).exists() or name not in _test_names(ROOT / path)
    ]
    assert missing == []


def test_each_hazard_names_a_control_test_or_is_marked_open():
    sections = re.split(r"^### ", SAFETY_CASE.read_text(), flags=re.M)[1:]
    assert len(sections) == 8
    for section in sections:
        title = section.splitlines()[0]
        assert REFERENCE.search(section) or "**open**" in section, title
        assert "Residual risk" in section, title
