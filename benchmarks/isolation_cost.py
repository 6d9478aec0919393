"""What isolation costs per submission, run by run: one lane, the same Lab 0 submission graded
isolated and not, alternating (not part of run.py: a quick check of the grader's sandbox).

    .venv/bin/python benchmarks/isolation_cost.py [runs]

Needs a machine where the grader can isolate (root, bubblewrap). Prints the medians.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from underwatch import grading, sandbox

CORRECT = Path(__file__).resolve().parents[1] / "tests" / "grading_cases" / "correct.ipynb"


def main(runs: int = 60) -> None:
    lab = grading.labs.get("getting-started")
    sub, problem = grading.read_submission(CORRECT, lab)
    assert sub is not None, problem
    seconds: dict[bool, list[float]] = {True: [], False: []}
    with sandbox.Sandbox(lab.id, lanes=1) as isolated, sandbox.Sandbox(lab.id, lanes=1, unsafe=True) as bare:
        for i in range(runs):
            order = ((True, isolated), (False, bare)) if i % 2 else ((False, bare), (True, isolated))
            for kind, box in order:
                start = time.perf_counter()
                outcome = box.run(sub.cells, timeout=120, memory_mb=1024)
                seconds[kind].append(time.perf_counter() - start)
                assert outcome.report and len(outcome.report["answers"]) == 4, outcome
    iso, plain = statistics.median(seconds[True]), statistics.median(seconds[False])
    print(f"isolated {iso * 1000:.0f} ms, not isolated {plain * 1000:.0f} ms (medians of {runs}): "
          f"isolation costs {(iso - plain) * 1000:.0f} ms per submission")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
