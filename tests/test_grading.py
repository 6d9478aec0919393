"""The batch grader on real hostile files (tests/grading_cases, made by make_cases.py)."""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from survlab import labs
from underwatch import editions, grading

CASES = Path(__file__).parent / "grading_cases"
ESCAPES = [Path("/tmp/survlab-grading-escape.txt"), Path("/tmp/survlab-grading-escape-2")]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    for path in ESCAPES:
        path.unlink(missing_ok=True)
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    grades = grading.grade_batch("getting-started", sorted(CASES.glob("*.ipynb")), out, jobs=2, timeout=5,
                                 memory_mb=1024, progress=False)
    with out.open(newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    return out, grades, rows


def test_every_file_gets_a_row(batch):
    _, _, rows = batch
    assert set(rows) == {p.stem for p in CASES.glob("*.ipynb")}
    assert list(next(iter(rows.values()))) == ["student", "people_per_camera", "camera_gb_per_day",
                                               "comparisons_per_day", "orders_apart", "total", "max", "status", "reason"]


@pytest.mark.parametrize("case,total,status", [
    ("correct", "4", "graded"), ("wrong", "0", "graded"), ("blank", "0", "graded"), ("partial", "2", "graded"),
])
def test_ordinary_submissions(batch, case, total, status):
    _, _, rows = batch
    assert (rows[case]["total"], rows[case]["status"], rows[case]["max"]) == (total, status, "4")


@pytest.mark.parametrize("case,reason", [
    ("not_json", "not a notebook: the file is not valid JSON"),
    ("not_a_notebook", "valid JSON but not in Jupyter's notebook format"),
    ("other_lab", "wrong lab: this is a notebook for lab 'camera-network'"),
    ("ignores_the_time_limit", "timed out: still running after 20 s and was stopped"),
    ("exits_early", "the run ended before its answers could be read (exit code 3)"),
    ("writes_over_the_report", "the run's report could not be read"),
])
def test_ungradable_files_get_a_reason_and_zero(batch, case, reason):
    _, _, rows = batch
    assert rows[case]["status"] == "error" and rows[case]["total"] == "0"
    assert reason in rows[case]["reason"]


@pytest.mark.parametrize("case,total,reason", [
    ("cells_deleted", "2", "answer variables missing: camera_gb_per_day, orders_apart"),
    ("exception_then_answers", "4", "cell 3 raised ValueError: oops"),
    ("infinite_loop", "4", "cell 2 ran too long and was stopped"),
    ("memory_bomb", "4", "cell 2 went over the memory limit of 1024 MB"),
    ("huge_output", "4", "output too large"),
    ("writes_outside", "4", "write outside the submission folder: /tmp/survlab-grading-escape.txt"),
    ("starts_a_process", "4", "starting processes (os.system) is not allowed"),
])
def test_damaged_or_hostile_submissions_keep_the_credit_they_earned(batch, case, total, reason):
    _, _, rows = batch
    assert rows[case]["status"] == "graded" and rows[case]["total"] == total
    assert reason in rows[case]["reason"]
    assert "cells deleted" in rows["cells_deleted"]["reason"]


def test_nothing_escaped_the_sandbox(batch):
    assert not any(path.exists() for path in ESCAPES)


def _child_processes() -> set[str]:
    return set(Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split())


def test_no_process_is_left_running_after_a_batch(tmp_path):
    before = _child_processes()
    grading.grade_batch("getting-started", [CASES / "correct.ipynb", CASES / "infinite_loop.ipynb"],
                        tmp_path / "grades.csv", timeout=1, progress=False)
    assert _child_processes() - before == set()


@pytest.mark.parametrize("source", sorted(editions.lab_sources(editions.NOTEBOOKS_DIR).values()), ids=lambda p: p.stem)
def test_every_lab_grades_its_solution_full_and_its_blank_zero(source, tmp_path):
    lab_nb = editions.read_lab_source(source)
    lab = labs.get(editions.lab_id(lab_nb, source))
    for edition, student in (("solution", False), ("blank", True)):
        nbformat.write(editions.make_edition(lab_nb, student=student), tmp_path / f"{edition}.ipynb")
    grades = grading.grade_batch(lab.id, sorted(tmp_path.glob("*.ipynb")), tmp_path / "out" / "grades.csv",
                                 jobs=2, progress=False)
    assert {s: (g.total, g.status, g.reason) for s, g in grades.items()} == {
        "solution": (lab.total_points, "graded", ""), "blank": (0, "graded", "")}


@pytest.mark.parametrize("case", ["fakes_the_check", "fake_result_file"])
def test_tampering_inside_the_kernel_changes_no_grade(batch, case):
    _, _, rows = batch
    assert rows[case]["total"] == "0", rows[case]


def test_feedback_file_per_student_with_hints(batch):
    out, _, rows = batch
    feedback = out.parent / "feedback"
    assert {p.stem for p in feedback.glob("*.md")} == set(rows)
    text = (feedback / "wrong.md").read_text()
    assert "Score: 0 of 4" in text and "a byte has 8 bits" in text
    assert "could not be graded" in (feedback / "not_json.md").read_text()


def test_second_run_skips_graded_and_regrade_redoes_one(batch, tmp_path):
    out, _, rows = batch
    copy = tmp_path / "grades.csv"
    shutil.copy(out, copy)
    files = [CASES / "correct.ipynb", CASES / "wrong.ipynb"]
    assert grading.grade_batch("getting-started", files, copy, progress=False) == {}
    again = grading.grade_batch("getting-started", files, copy, regrade=["wrong"], progress=False)
    assert list(again) == ["wrong"] and len(grading.read_csv(copy)) == len(rows)


def test_a_crash_of_the_grader_loses_no_grade_already_written(tmp_path, monkeypatch):
    real = grading.grade_one
    calls = []

    def crash_on_second(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise SystemExit("the grader's machine went down")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(grading, "grade_one", crash_on_second)
    out = tmp_path / "grades.csv"
    files = [CASES / "correct.ipynb", CASES / "not_json.ipynb"]
    with pytest.raises(SystemExit):
        grading.grade_batch("getting-started", files, out, jobs=1, progress=False)
    assert list(grading.read_csv(out)) == ["correct"]
    monkeypatch.setattr(grading, "grade_one", real)
    grading.grade_batch("getting-started", files, out, progress=False)
    assert sorted(grading.read_csv(out)) == ["correct", "not_json"]


def test_student_ids_are_safe_and_unique(tmp_path):
    assert grading.student_id(Path("Kim Ji-woo (1).ipynb")) == "Kim_Ji-woo_1"
    assert grading.student_id(Path("../../etc.ipynb")) == "etc"
    a, b = tmp_path / "a b.ipynb", tmp_path / "a_b.ipynb"
    a.write_text("{}"), b.write_text("{}")
    with pytest.raises(ValueError, match="same student id"):
        grading.grade_batch("getting-started", [a, b], tmp_path / "g.csv", progress=False)
