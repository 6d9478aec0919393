#!/usr/bin/env python3
"""Run student editions to the end, in this Python's own Jupyter kernel, as a student would.

    python run-student-editions.py [--check] NOTEBOOK.ipynb ...

Each notebook runs top to bottom with nbclient (which JupyterLab brings) and is written
back with its outputs; a cell that raises stops with the notebook's name. With --check,
each notebook must also say "Ready" in its first cell (the environment check) and
"Not answered yet" in every check cell (a student edition's answers are blank). Used by
the macOS job in .github/workflows/ci.yml and by tests/test_labkit.py.
"""
import sys

import nbformat
from nbclient import NotebookClient


def outputs(cell) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failures = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
        nbformat.write(nb, path)
        if check:
            code = [c for c in nb.cells if c.cell_type == "code"]
            if not outputs(code[0]).startswith("Ready"):
                failures.append(f"{path}: the environment check says {outputs(code[0])!r}")
            unanswered = [outputs(c) for c in code if ".check(" in c.source]
            if not unanswered or not all("Not answered yet" in text for text in unanswered):
                failures.append(f"{path}: a check cell did not say 'Not answered yet'")
        print("ran", path, flush=True)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
