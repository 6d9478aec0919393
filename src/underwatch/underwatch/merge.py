"""Join the CSVs of a sharded grading run (``grade --shard K/N``) into one.

Each shard grades a disjoint, deterministic slice of the class; ``merge`` refuses a student
found in two shards (a shard run twice with different results, or two shards of different
splits), refuses files of different labs, and reports the students expected but found in
no shard.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import grading


class MergeRefused(ValueError):
    """The shards cannot be joined; nothing was written."""


@dataclass
class Merged:
    rows: dict[str, dict[str, str]]
    columns: list[str]
    missing: list[str] = field(default_factory=list)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Any CSV the grader could have written; MergeRefused naming the file and row otherwise."""
    try:
        return grading.read_grades_file(path)
    except grading.GradesFileError as err:
        raise MergeRefused(str(err)) from None


def merge(shards: Iterable[Path], expected: Iterable[str] = ()) -> Merged:
    columns: list[str] | None = None
    rows: dict[str, dict[str, str]] = {}
    seen: dict[str, Path] = {}
    duplicates = []
    for path in shards:
        path = Path(path)
        header, shard_rows = _read(path)
        if "student" not in header:
            raise MergeRefused(f"{grading.printable(path)} is not a grades CSV (no 'student' column)")
        if columns is None:
            columns = header
        elif header != columns:
            raise MergeRefused(f"{grading.printable(path)} has other columns than the first shard (another lab, or "
                               f"another version of the grader): {grading.printable(header, 500)} != "
                               f"{grading.printable(columns, 500)}")
        for number, row in enumerate(shard_rows, 1):
            student = row.get("student", "")
            if not student:
                raise MergeRefused(f"{grading.printable(path)}, row {number}: no student id")
            if student in seen:
                duplicates.append(f"{grading.printable(student, 100)} (in {grading.printable(seen[student])} and "
                                  f"{grading.printable(path)})")
            seen[student] = path
            rows[student] = row
    if columns is None:
        raise MergeRefused("no shard CSV given")
    if duplicates:
        raise MergeRefused("students graded in more than one shard: " + "; ".join(duplicates[:20])
                           + (f" and {len(duplicates) - 20} more" if len(duplicates) > 20 else ""))
    missing = sorted(set(expected) - set(rows))
    return Merged(rows, columns, missing)


def write(merged: Merged, out: Path) -> None:
    """Atomically, with every cell made safe for spreadsheets, as the grader writes its CSVs."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=merged.columns, extrasaction="ignore")
        writer.writeheader()
        for student in sorted(merged.rows):
            writer.writerow({k: grading.safe_cell(merged.rows[student].get(k, "")) for k in merged.columns})
    tmp.replace(out)


def expected_students(submissions: Iterable[Path]) -> list[str]:
    """The ids of every submission: files, or the *.ipynb of a folder (listed here, never by a shell)."""
    paths = [f for p in map(Path, submissions)
             for f in (grading.submissions_in(p) if p.is_dir() and p.suffix != ".ipynb" else [p])]
    return [grading.student_id(p) for p in paths]
