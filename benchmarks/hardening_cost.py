"""What the grader's second-round protections cost: the seccomp filter, the hand-over of each
submission's code to its own process, and the grader's own memory over a batch of 1,000.

    .venv/bin/python benchmarks/hardening_cost.py [--runs 60] [--batch 1000]

Needs a machine where the grader can isolate (root, bubblewrap). Writes its figures into
benchmarks/results.json (section "hardening") and re-renders benchmarks/results.md.
"""
from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from underwatch import grading, inside, sandbox

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "tests" / "grading_cases"
sys.path.insert(0, str(CASES))
import make_cases as mc  # noqa: E402


def _in_child(action) -> float:
    """Seconds ``action`` takes in a forked child (so that the filter stays there)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            start = time.perf_counter()
            action()
            os.write(write, repr(time.perf_counter() - start).encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 100)
    os.close(read)
    os.waitpid(pid, 0)
    return float(answer)


def seccomp_costs(runs: int) -> dict:
    libc = ctypes.CDLL(None, use_errno=True)
    calls = 200_000

    def install():
        libc.prctl(inside.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        inside.install_seccomp()

    def syscalls(filtered: bool):
        def run():
            if filtered:
                install()
            start = time.perf_counter()
            for _ in range(calls):
                libc.getppid()
            return time.perf_counter() - start
        return run

    install_s = statistics.median(_in_child(install) for _ in range(runs))
    plain = statistics.median(_in_child(syscalls(False)) for _ in range(max(3, runs // 10)))
    filtered = statistics.median(_in_child(syscalls(True)) for _ in range(max(3, runs // 10)))
    return {"install_us": round(install_s * 1e6, 1), "program_instructions": len(inside.seccomp_program()) // 8,
            "per_syscall_ns": round((filtered - plain) / calls * 1e9, 1)}


def handover_costs(runs: int) -> dict:
    """The grader encodes the cells as JSON and writes them into a pipe; the submission's process reads
    and parses them (inside.read_code)."""
    lab = grading.labs.get("getting-started")
    sizes = {}
    for name, nb in (("lab0", mc.solved()), ("300kB_cell", mc.large_legitimate()["big_cell"])):
        path = Path(tempfile.mkdtemp()) / "s.ipynb"
        import nbformat
        nbformat.write(nb, path)
        sub, _ = grading.read_submission(path, lab)
        shutil.rmtree(path.parent)
        code = json.dumps({"cells": sub.cells}).encode()
        times = []
        for _ in range(runs):  # the reader in a thread: the fork itself happens in any case, and is not counted
            read, write = os.pipe()
            reader = threading.Thread(target=inside.read_code, args=(read,))
            start = time.perf_counter()
            reader.start()
            view = memoryview(json.dumps({"cells": sub.cells}).encode())
            while view:
                view = view[os.write(write, view[:1 << 16]):]
            os.close(write)
            reader.join()
            times.append(time.perf_counter() - start)
        sizes[name] = {"bytes": len(code), "ms": round(statistics.median(times) * 1000, 2)}
    return sizes


def per_submission(runs: int) -> dict:
    lab = grading.labs.get("getting-started")
    sub, _ = grading.read_submission(CASES / "correct.ipynb", lab)
    seconds = {True: [], False: []}
    with sandbox.Sandbox(lab.id, lanes=1) as isolated, sandbox.Sandbox(lab.id, lanes=1, unsafe=True) as bare:
        for i in range(runs):
            for kind, box in (((True, isolated), (False, bare)) if i % 2 else ((False, bare), (True, isolated))):
                start = time.perf_counter()
                outcome = box.run(sub.cells, timeout=120, memory_mb=1024)
                seconds[kind].append(time.perf_counter() - start)
                assert outcome.report and len(outcome.report["answers"]) == 4, outcome
    return {"isolated_ms": round(statistics.median(seconds[True]) * 1000), "unisolated_ms":
            round(statistics.median(seconds[False]) * 1000), "runs": runs}


MIX = ["correct", "wrong", "partial", "odd_answers", "escapes_in_errors", "exception_then_answers", "huge_output",
       "not_json", "formula_in_an_error", "forges_a_sandbox_error"]


def batch_memory(count: int) -> dict:
    """The grader's own resident memory while it grades ``count`` submissions (a mix of honest and
    hostile ones), sampled every 0.2 s: after the first tenth, at the end, and its peak."""
    folder = Path(tempfile.mkdtemp(prefix="hardening-batch-"))
    try:
        for i in range(count):
            shutil.copy(CASES / f"{MIX[i % len(MIX)]}.ipynb", folder / f"s{i:04d}.ipynb")
        samples, done = [], threading.Event()

        def rss_mb() -> float:
            with open("/proc/self/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024

        def sample():
            while not done.is_set():
                samples.append((time.monotonic(), rss_mb()))
                time.sleep(0.2)

        before = rss_mb()
        thread = threading.Thread(target=sample, daemon=True)
        start = time.monotonic()
        thread.start()
        graded = []
        real = grading._progress
        grading._progress = lambda done_, total, grade, stream=None: graded.append((time.monotonic(), done_))
        try:
            out = folder.parent / f"{folder.name}-out" / "g.csv"
            grading.grade_batch("getting-started", grading.submissions_in(folder), out, jobs=2, timeout=10,
                                progress=True)
        finally:
            grading._progress = real
            done.set()
            thread.join()
        seconds = time.monotonic() - start
        tenth = next(t for t, n in graded if n >= count // 10)
        at_tenth = max(r for t, r in samples if t <= tenth)
        return {"submissions": count, "seconds": round(seconds, 1), "rss_before_mb": round(before),
                "rss_after_first_tenth_mb": round(at_tenth), "rss_end_mb": round(samples[-1][1]),
                "rss_peak_mb": round(max(r for _, r in samples))}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(folder.parent / f"{folder.name}-out", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--only-handover", action="store_true", help="measure the hand-over again, keep the rest")
    args = parser.parse_args()
    if args.only_handover:
        results = json.loads((HERE / "results.json").read_text())
        results["sections"]["hardening"]["figures"]["handover"] = handover_costs(args.runs)
        print(results["sections"]["hardening"]["figures"]["handover"])
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        subprocess.run([sys.executable, str(HERE / "run.py"), "--render-only"], check=True, stdout=subprocess.DEVNULL)
        return
    if sandbox.availability():
        sys.exit(f"cannot isolate here: {sandbox.availability()}")
    figures = {"seccomp": seccomp_costs(args.runs), "handover": handover_costs(args.runs),
               "per_submission": per_submission(args.runs), "batch": batch_memory(args.batch)}
    print(json.dumps(figures, indent=1))
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text())
    results["sections"]["hardening"] = {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "load": os.getloadavg()[0], "figures": figures}
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    subprocess.run([sys.executable, str(HERE / "run.py"), "--render-only"], check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
