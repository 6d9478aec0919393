"""Every lab, three ways, from its exercise declarations:
the solution passes; the blank student edition runs and reports "not answered";
wrong answers fail with a hint. Each lab runs offline, in its own folder, within a timeout."""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass

import nbformat
import pytest

import kernels
from conftest import NOTEBOOKS, OFFLINE_GUARD, ROOT, builds_the_book
from survlab import checks, labs
from underwatch import editions, execute, runner, values

SOURCES = editions.lab_sources(NOTEBOOKS)
LAB_IDS = sorted(SOURCES)
TIMEOUT = 60  # seconds per cell; every lab is meant to run in seconds


def _prepared(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_GUARD))
    return nb


def _run(nb, tmp_path, name):
    return runner.run_and_collect(_prepared(nb), tmp_path, name=name, timeout=TIMEOUT)


def _check_outputs(nb) -> str:
    """The text every check cell printed, in order."""
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and ".check(" in cell.source:
            for out in cell.get("outputs", []):
                texts.append(out.get("data", {}).get("text/plain", "") + out.get("text", ""))
    return "\n".join(texts)


def wrong_answer(exercise: checks.Exercise):
    """A wrong answer for a test: a declared mistake if there is one, else a value off by a lot."""
    expected = exercise.expected_value()
    if exercise.mistakes:
        return exercise.mistakes[0].value(expected), exercise.mistakes[0].hint
    if isinstance(exercise.kind, checks.Choice):
        other = next(o for o in exercise.kind.options if o.lower() != str(expected).lower())
        return other, exercise.hint
    if isinstance(exercise.kind, checks.WholeNumber):
        return int(expected) + 7, exercise.hint
    return float(expected) * 3 + 1, exercise.hint


def test_every_registered_lab_has_one_notebook():
    assert sorted(lab.id for lab in labs.all_labs()) == LAB_IDS


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_lab_declares_at_least_three_exercises_with_hints(lab_id):
    lab = labs.get(lab_id)
    assert len(lab.exercises) >= 3, f"{lab_id} declares {len(lab.exercises)} exercises; a lab needs at least 3"
    for exercise in lab.exercises:
        assert exercise.hint, f"{lab_id}.{exercise.name} has no hint"
        assert exercise.expected_value() is not None


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_each_exercise_has_a_solution_and_a_check_cell(lab_id):
    nb = editions.read_lab_source(SOURCES[lab_id])
    lab = labs.get(lab_id)
    solved = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and editions.SOLUTION_TAG in cell.metadata.get("tags", []):
            solved.update(editions.assigned_names(cell.source))
    checked = {node.args[0].value for cell in nb.cells if cell.cell_type == "code"
               for node in ast.walk(ast.parse(cell.source))
               if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check"
               and node.args and isinstance(node.args[0], ast.Constant)}
    for name in lab.answer_names:
        assert name in solved, f"{SOURCES[lab_id].name}: no solution cell assigns {name!r}"
        assert name in checked, f"{SOURCES[lab_id].name}: no cell calls lab.check({name!r}, ...)"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_answers_are_read_only_by_their_check_cells(lab_id):
    """Otherwise the blank student edition would crash on None."""
    nb = editions.read_lab_source(SOURCES[lab_id])
    answers = set(labs.get(lab_id).answer_names)
    for cell in nb.cells:
        if cell.cell_type != "code" or editions.SOLUTION_TAG in cell.metadata.get("tags", []):
            continue
        if ".check(" in cell.source:
            continue
        used = {n.id for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Name)}
        assert not used & answers, f"{SOURCES[lab_id].name}: a non-check cell reads {used & answers}:\n{cell.source}"


def solution_run(request, lab_id: str, tmp_path) -> runner.Run:
    """The solution edition run to the end, its answers read out of its kernel. A run that
    builds the book executes each lab page once, with another machine's numpy kernels
    (`executed_cache`, answers read back as the runner reads them): that run is judged here.
    Otherwise (`make test-fast`) the lab runs here, offline."""
    if builds_the_book(request.config):
        notebook, answers = execute.executed_answers(request.getfixturevalue("executed_cache"), SOURCES[lab_id])
        assert answers is not None, f"the book's run of {SOURCES[lab_id].name} kept no answers"
        return runner.Run(notebook, answers)
    return _run(editions.read_lab_source(SOURCES[lab_id]), tmp_path, SOURCES[lab_id].name)


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_solution_passes_every_check(lab_id, tmp_path, request):
    run = solution_run(request, lab_id, tmp_path)
    results = labs.get(lab_id).judge_all(run.answers)
    assert all(r.correct for r in results), [str(r) for r in results if not r.correct]
    printed = _check_outputs(run.notebook)
    assert printed.count("Correct") == len(results), printed


@pytest.fixture(scope="module")
def book_values():
    return values.read(ROOT / "tests" / "reference" / "book-values.json")


def check_cell_of(student: nbformat.NotebookNode, name: str) -> str:
    """The source of the cell that checks the answer ``name``."""
    for cell in student.cells:
        if cell.cell_type == "code" and any(isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check"
                                            and node.args and getattr(node.args[0], "value", None) == name
                                            for node in ast.walk(ast.parse(cell.source))):
            return cell.source
    raise AssertionError(f"no cell checks {name!r}")


@dataclass
class StudentRun:
    """One kernel run of a lab's student edition: top to bottom with every answer blank, then,
    for each exercise, its wrong answer set and its check cell run again. The answers are read
    only by their check cells (test_answers_are_read_only_by_their_check_cells), so this is what
    a student who typed the wrong answers would see, for one lab run instead of two."""
    blank: runner.Run
    wrong: runner.Run
    wrong_answers: dict  # exercise name -> (answer, the hint it must get)


_student_runs: dict[str, StudentRun] = {}


def student_run(lab_id: str, tmp_path) -> StudentRun:
    if lab_id not in _student_runs:
        lab = labs.get(lab_id)
        student = editions.make_edition(editions.read_lab_source(SOURCES[lab_id]), student=True)
        # As a student on the oldest x86-64 would run it: every numpy kernel beyond the baseline off.
        nb = _prepared(student)
        marker = f"BLANK-ANSWERS-{lab_id}:"
        nb.cells.append(nbformat.v4.new_code_cell(runner.collect_cell(lab_id, marker)))
        blank_cells = len(nb.cells)
        wrong = {e.name: wrong_answer(e) for e in lab.exercises}
        for name, (value, _) in wrong.items():
            nb.cells.append(nbformat.v4.new_code_cell(f"{name} = {value!r}\n{check_cell_of(student, name)}"))
        with pytest.MonkeyPatch.context() as env:
            env.setenv("NPY_DISABLE_CPU_FEATURES", kernels.other_machines().get("baseline only", ""))
            run = runner.run_and_collect(nb, tmp_path, name=f"student edition of {SOURCES[lab_id].name}",
                                         timeout=TIMEOUT)
        blank = nbformat.from_dict({**run.notebook, "cells": run.notebook.cells[:blank_cells]})
        answers = runner.read_answers(blank.cells[-1], marker)
        assert answers is not None, f"{SOURCES[lab_id].name}: the blank answers were not read back"
        after = nbformat.from_dict({**run.notebook, "cells": run.notebook.cells[blank_cells:]})
        _student_runs[lab_id] = StudentRun(runner.Run(blank, answers), runner.Run(after, run.answers), wrong)
    return _student_runs[lab_id]


# Both tests of a lab read one run, so they go to the same worker (one small xdist group per lab).
ONE_WORKER_PER_LAB = [pytest.param(lab, marks=pytest.mark.xdist_group(f"student-{lab}")) for lab in LAB_IDS]


@pytest.mark.parametrize("lab_id", ONE_WORKER_PER_LAB)
def test_blank_student_edition_runs_and_reports_not_answered(lab_id, tmp_path, book_values):
    run = student_run(lab_id, tmp_path).blank
    # What the page glues must still be what the book says (tests/reference/book-values.json).
    page = f"notebooks/{SOURCES[lab_id].stem}"
    glued = {f"{page}::{name}": {"value": text, "kind": "glued"} for name, text in values.glue_in(run.notebook).items()}
    reference = {k: v for k, v in book_values.items() if k.startswith(page + "::") and k in glued}
    moved = values.compare(reference, glued)
    assert not moved, "with other numpy kernels, the page would say:\n" + "\n".join(moved)
    results = labs.get(lab_id).judge_all(run.answers)
    assert [r.status for r in results] == [checks.BLANK_STATUS] * len(results)
    printed = _check_outputs(run.notebook)
    assert printed.count("Not answered yet") == len(results), printed
    assert "Correct" not in printed


@pytest.mark.parametrize("lab_id", ONE_WORKER_PER_LAB)
def test_wrong_answers_fail_with_a_hint(lab_id, tmp_path):
    student = student_run(lab_id, tmp_path)
    results = {r.exercise: r for r in labs.get(lab_id).judge_all(student.wrong.answers)}
    printed = _check_outputs(student.wrong.notebook)
    for name, (answer, hint) in student.wrong_answers.items():
        assert results[name].status == checks.WRONG, f"{lab_id}.{name}: {answer!r} judged {results[name]}"
        assert results[name].message == hint
        assert hint in printed, f"{lab_id}.{name}: hint not shown in the notebook"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_student_edition_carries_no_solution(lab_id):
    source = editions.read_lab_source(SOURCES[lab_id])
    student = editions.make_edition(source, student=True)
    text = json.dumps(student)
    for cell in source.cells:
        if cell.cell_type == "code" and editions.SOLUTION_TAG in cell.metadata.get("tags", []):
            for line in cell.source.splitlines():
                if line.strip() and not line.strip().startswith(("import ", "from ", "#")):
                    assert line.strip() not in text, f"solution line leaked into the student edition: {line!r}"
    assert "solution-start" not in text and "{exercise" not in text
    for cell in student.cells:
        if cell.cell_type == "markdown":
            assert "```{" not in cell.source and ":::{" not in cell.source, f"MyST directive left in:\n{cell.source}"


def test_no_lab_source_stores_outputs():
    for path in NOTEBOOKS.rglob("*.ipynb"):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{path} stores outputs"
