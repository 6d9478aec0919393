"""The boundary between the two packages: the student library never imports the toolkit."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "src" / "survlab" / "survlab"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_student_library_imports_nothing_from_the_toolkit():
    offenders = {str(p.relative_to(ROOT)): sorted(m for m in _imported_modules(p) if m.split(".")[0] == "underwatch")
                 for p in STUDENT.rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_boundary_test_sees_an_offending_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from underwatch import grading\n")
    assert "underwatch" in _imported_modules(bad)
