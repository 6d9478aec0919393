"""Grade a class's submissions of one lab: in parallel, sandboxed, resumable.

Each submission runs in its own temporary folder in a child process forked from a warm
fork server, with a time and a memory limit (``underwatch.sandbox``). The child only reports
the answers as plain data; they are judged here, in the grader's process, against the
lab's declarations. Every finished submission is written to the CSV at once (atomically),
so a crash of the grader loses no grade already written, and a second run skips what is
already graded.
"""
from __future__ import annotations

import csv
import json
import os
import re
import signal
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import nbformat

from survlab import checks, labs
from . import sandbox

GRADED, ERROR = "graded", "error"


@dataclass
class Grade:
    student: str
    points: dict[str, float]
    status: str
    reason: str = ""
    results: list[checks.Result] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.points.values())


def student_id(path: Path) -> str:
    """The student id is the file name without its extension, made safe for a CSV and a path."""
    return re.sub(r"[^\w.-]+", "_", path.stem).strip("._") or "unnamed"


def _read_submission(path: Path, lab: checks.Lab) -> tuple[nbformat.NotebookNode | None, str]:
    """The notebook, or None and the reason it cannot be graded."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, f"cannot read the file: {err.strerror}"
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        return None, f"not a notebook: the file is not valid JSON ({err.__class__.__name__} at byte {getattr(err, 'pos', '?')})"
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several types for a malformed notebook
        message = str(err).splitlines()[0][:160]
        return None, f"not a notebook: valid JSON but not in Jupyter's notebook format ({message})"
    named = nb.metadata.get("survlab", {}).get("lab")
    if named and named != lab.id:
        return None, f"wrong lab: this is a notebook for lab {named!r}, not {lab.id!r}"
    return nb, ""


def _reason_for(report: dict, lab: checks.Lab, nb: nbformat.NotebookNode, expected_code_cells: int,
                memory_mb: int) -> str:
    reasons = []
    missing = [n for n in lab.answer_names if n not in report.get("answers", {})]
    code_cells = sum(c.cell_type == "code" for c in nb.cells)
    if code_cells < expected_code_cells:
        reasons.append(f"cells deleted ({code_cells} code cells, the lab has {expected_code_cells})")
    if missing:
        reasons.append("answer variables missing: " + ", ".join(missing))
    for err in report.get("errors", []):
        if sandbox.DENIED in err["evalue"]:
            reasons.append(f"cell {err['index']} tried something not allowed: {err['evalue'].split(': ', 1)[-1]}")
        elif err["ename"] == sandbox.CellTimeoutError.__name__:
            reasons.append(f"cell {err['index']} ran too long and was stopped")
        elif err["ename"] == "MemoryError":
            reasons.append(f"cell {err['index']} went over the memory limit of {memory_mb} MB")
        else:
            reasons.append(f"cell {err['index']} raised {err['ename']}: {err['evalue'][:120]}")
    if report.get("output_truncated"):
        reasons.append("output too large: only the first part was kept")
    return "; ".join(reasons)


def grade_one(path: Path, lab: checks.Lab, *, timeout: int, memory_mb: int, expected_code_cells: int) -> Grade:
    """Run one submission in a sandboxed child process and judge its answers here."""
    student = student_id(path)
    zero = {e.name: 0.0 for e in lab.exercises}
    nb, problem = _read_submission(path, lab)
    if nb is None:
        return Grade(student, zero, ERROR, problem)
    with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
        copy = Path(tmp) / "submission.ipynb"
        nbformat.write(nb, copy)
        outcome = sandbox.run(copy, Path(tmp), lab.id, timeout=timeout, memory_mb=memory_mb)
    report = outcome.report
    if report is None or "error" in report:
        return Grade(student, zero, ERROR, _failure_reason(outcome, timeout, memory_mb))
    results = lab.judge_all(report.get("answers", {}))
    points = {r.exercise: float(lab.exercise(r.exercise).points if r.correct else 0) for r in results}
    return Grade(student, points, GRADED, _reason_for(report, lab, nb, expected_code_cells, memory_mb), results)


def _failure_reason(outcome: sandbox.Outcome, timeout: int, memory_mb: int) -> str:
    over_memory = f"stopped: it went over the memory limit of {memory_mb} MB"
    if outcome.problem == "timeout":
        return f"timed out: still running after {sandbox.hard_limit(timeout)} s and was stopped"
    if outcome.report is not None:
        error = outcome.report["error"]
        return over_memory if error == "memory" else f"the run failed: {str(error)[:160]}"
    if outcome.problem == "unreadable":
        return "the run's report could not be read (the notebook wrote over it or made it too large)"
    if outcome.exitcode in (-signal.SIGKILL, -signal.SIGSEGV):
        return over_memory + " or crashed"
    return f"the run ended before its answers could be read (exit code {outcome.exitcode})"


# ---- the CSV and feedback files ----

def csv_columns(lab: checks.Lab) -> list[str]:
    return ["student", *lab.answer_names, "total", "max", "status", "reason"]


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def write_csv(path: Path, lab: checks.Lab, rows: dict[str, dict[str, str]]) -> None:
    """Write the whole CSV to a temporary file, then rename it: never a half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=csv_columns(lab), extrasaction="ignore")
        writer.writeheader()
        for student in sorted(rows):
            writer.writerow(rows[student])
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def grade_row(grade: Grade, lab: checks.Lab) -> dict[str, str]:
    row = {"student": grade.student, "total": f"{grade.total:g}", "max": str(lab.total_points),
           "status": grade.status, "reason": grade.reason}
    row.update({name: f"{grade.points.get(name, 0):g}" for name in lab.answer_names})
    return row


def feedback_text(grade: Grade, lab: checks.Lab) -> str:
    lines = [f"# {lab.title}: feedback for {grade.student}", "",
             f"Score: {grade.total:g} of {lab.total_points}", ""]
    if grade.status == ERROR:
        lines += [f"Your notebook could not be graded: {grade.reason}.", "",
                  "Check that you handed in the right lab as a .ipynb file, that it runs from top "
                  "to bottom (Kernel > Restart and Run All), and hand it in again."]
    else:
        for result, exercise in zip(grade.results, lab.exercises):
            lines.append(f"- **{exercise.prompt}** ({exercise.points} point{'s' if exercise.points != 1 else ''}): "
                         + str(result).split("] ", 1)[1])
        if grade.reason:
            lines += ["", f"Notes: {grade.reason}."]
    return "\n".join(lines) + "\n"


# ---- the batch ----

def _progress(done: int, total: int, grade: Grade, stream=sys.stderr) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {grade.student}: "
                 f"{grade.total:g} ({grade.status})\033[K")
    if done == total:
        stream.write("\n")
    stream.flush()


def expected_code_cells(lab_id: str) -> int:
    """How many code cells the lab's student edition has, to notice deleted cells."""
    from . import editions
    sources = editions.lab_sources(editions.NOTEBOOKS_DIR) if editions.NOTEBOOKS_DIR.exists() else {}
    if lab_id not in sources:
        return 0
    student = editions.make_edition(editions.read_lab_source(sources[lab_id]), student=True)
    return sum(c.cell_type == "code" for c in student.cells)


def grade_batch(lab_id: str, submissions: Iterable[Path], out_csv: Path, *, feedback_dir: Path | None = None,
                jobs: int | None = None, timeout: int = 120, memory_mb: int = 1024,
                regrade: Iterable[str] = (), regrade_all: bool = False, progress: bool = True) -> dict[str, Grade]:
    """Grade every submission not already in ``out_csv``; return this run's grades by student.

    From a script of your own, call this under ``if __name__ == "__main__":``: the fork server
    imports the script once, as multiprocessing does."""
    lab = labs.get(lab_id)
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    feedback_dir = Path(feedback_dir) if feedback_dir else out_csv.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    rows = read_csv(out_csv)
    redo = set(regrade)
    paths = sorted({Path(p) for p in submissions})
    ids = [student_id(p) for p in paths]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"two submissions map to the same student id: {sorted(duplicates)}")
    todo = [p for p in paths if regrade_all or student_id(p) in redo or student_id(p) not in rows]
    cells = expected_code_cells(lab.id)
    jobs = jobs or os.cpu_count() or 1
    graded: dict[str, Grade] = {}
    lock = threading.Lock()
    with sandbox.fork_server(), ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, p, lab, timeout=timeout, memory_mb=memory_mb,
                               expected_code_cells=cells): p for p in todo}
        for done, future in enumerate(as_completed(futures), 1):
            path = futures[future]
            try:
                grade = future.result()
            except Exception as err:  # a bug of ours must not stop the batch either
                grade = Grade(student_id(path), {n: 0.0 for n in lab.answer_names}, ERROR,
                              f"the grader failed on this file ({err.__class__.__name__}: {err})")
            with lock:
                graded[grade.student] = grade
                rows[grade.student] = grade_row(grade, lab)
                write_csv(out_csv, lab, rows)
                (feedback_dir / f"{grade.student}.md").write_text(feedback_text(grade, lab), encoding="utf-8")
            if progress:
                _progress(done, len(todo), grade)
    return graded
