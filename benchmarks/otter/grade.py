"""Grade Lab 0 submissions with otter-grader's Python API, JOBS at a time (benchmark only).

Run by benchmarks/run.py with the otter virtual environment's Python:

    .otter-venv/bin/python grade.py --autograder lab0-autograder.zip --jobs 2 --out scores.csv SUB.ipynb...

Each worker process grades submissions one after another with ``otter.api.grade_submission``
(otter's own non-container grading: a temporary folder, a fresh kernel, the tests). Using
the API in long-lived workers spares otter a Python start and an import per submission,
so it is the fastest way we know to run otter without Docker. Like ``otter run``, it has
no time limit per submission.
"""
from __future__ import annotations

import argparse
import csv
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def grade(job: tuple[str, str]) -> tuple[str, float, float]:
    submission, autograder = job
    from otter.api import grade_submission

    results = grade_submission(submission, autograder, quiet=True)
    return Path(submission).stem, float(results.total), float(results.possible)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="+")
    parser.add_argument("--autograder", required=True, help="the zip made by otter assign")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", required=True, help="CSV of student, total, possible")
    args = parser.parse_args(argv)
    jobs = [(str(Path(s).resolve()), str(Path(args.autograder).resolve())) for s in args.submissions]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(grade, jobs))
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "total", "possible"])
        writer.writerows(sorted(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
