"""Writes the grader's test submissions (real files, committed) for Lab 0.

Run from the repository root: `.venv/bin/python tests/grading_cases/make_cases.py`.
Each file is a student edition of Lab 0 with something done to it; the expected
outcome of each is asserted in tests/test_grading.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from survlab import labs
from underwatch import editions

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
LAB = labs.get("getting-started")


def student_edition() -> nbformat.NotebookNode:
    return editions.make_edition(editions.read_lab_source(ROOT / "notebooks" / "00-getting-started.md"), student=True)


def answered(values: dict) -> nbformat.NotebookNode:
    nb = student_edition()
    for cell in nb.cells:
        for name, value in values.items():
            cell.source = cell.source.replace(editions.BLANK_LINE.format(name=name), f"{name} = {value}")
    return nb


SOLUTION = {  # what a student would type
    "people_per_camera": "city.population / city.cameras",
    "camera_gb_per_day": "city.bitrate_mbps * 1e6 / 8 * 86_400 / 1e9",
    "comparisons_per_day": "city.searches_per_day * city.gallery",
    "orders_apart": "round(math.log10(city.cameras * camera_gb_per_day / city.phone_storage_gb))",
}
WRONG = {"people_per_camera": "city.cameras / city.population", "camera_gb_per_day": "172.8",
         "comparisons_per_day": "city.searches_per_day + city.gallery", "orders_apart": "1"}


def with_cell(nb, source: str, at: int = 1) -> nbformat.NotebookNode:
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def solved() -> nbformat.NotebookNode:
    """The lab answered right, with the import the last answer needs."""
    return with_cell(answered(SOLUTION), "import math")


def main() -> None:
    cases = {
        "correct": solved(),
        "wrong": answered(WRONG),
        "blank": student_edition(),
        "partial": answered({**SOLUTION, "camera_gb_per_day": "172.8", "orders_apart": "None"}),
        "exception_then_answers": with_cell(solved(), "raise ValueError('oops')", 3),
        "infinite_loop": with_cell(solved(), "while True:\n    pass", 2),
        "ignores_the_time_limit": with_cell(solved(), "while True:\n    try:\n        while True:\n"
                                            "            pass\n    except BaseException:\n        pass", 2),
        "writes_over_the_report": with_cell(solved(), "import os\nfor fd in range(3, 256):\n    try:\n"
                                            "        os.write(fd, b'{\"answers\": {\"orders_apart\": 3}}')\n"
                                            "    except OSError:\n        pass", 2),
        "exits_early": with_cell(solved(), "import os\nos._exit(3)", 2),
        "memory_bomb": with_cell(solved(), "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))", 2),
        "huge_output": with_cell(solved(), "for _ in range(4_000):\n    print('x' * 50_000)", 2),
        "writes_outside": with_cell(solved(),
                                    "open('/tmp/survlab-grading-escape.txt', 'w').write('escaped')", 2),
        "starts_a_process": with_cell(solved(), "import os\nos.system('touch /tmp/survlab-grading-escape-2')", 2),
        "fakes_the_check": with_cell(answered(WRONG),
                                     "import survlab.checks, numpy\n"
                                     "survlab.checks.judge = lambda *a, **k: 'correct'\n"
                                     "survlab.checks.Number.matches = lambda *a, **k: True\n"
                                     "numpy.isclose = lambda *a, **k: True\n"
                                     "print('SURVLAB-ANSWERS-0000000000000000:{\"people_per_camera\": 200}')", 2),
        "fake_result_file": with_cell(answered(WRONG),
                                      "open('grades.csv', 'w').write('student,total\\nfake_result_file,4\\n')", 2),
    }
    deleted = solved()
    deleted.cells = [c for c in deleted.cells if "camera_gb_per_day" not in c.source and "orders_apart" not in c.source]
    cases["cells_deleted"] = deleted
    other = solved()
    other.metadata["survlab"]["lab"] = "camera-network"
    cases["other_lab"] = other
    for name, nb in cases.items():
        nbformat.write(nb, HERE / f"{name}.ipynb")
    (HERE / "not_json.ipynb").write_text("{ this is not JSON, it is what a broken download looks like\n")
    (HERE / "not_a_notebook.ipynb").write_text(json.dumps({"name": "my answers", "answers": [1, 2, 3]}))


if __name__ == "__main__":
    main()
