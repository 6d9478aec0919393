"""Benchmarks of the Under Watch course: build times, lab weight, sizes, grading against otter-grader.

One command, from the repository root:

    .venv/bin/python benchmarks/run.py                 # everything, 3 runs of each
    .venv/bin/python benchmarks/run.py --runs 1 --only grading --submissions 20

It writes benchmarks/results.json and benchmarks/results.md (a run with --only updates
its own sections and keeps the others). Nothing is written into the repository's own
_build: the course is copied (git HEAD by default) into a temporary folder, and every
build, lab run and grading batch happens there. What each figure means is in
benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
JUPYTER_BOOK = Path(PYTHON).with_name("jupyter-book")
OTTER_VENV = HERE / ".otter-venv"
OTTER_REQUIREMENTS = HERE / "otter-requirements.txt"
OTTER_MASTER = HERE / "otter" / "lab0-master.md"
OTTER_DRIVER = HERE / "otter" / "grade.py"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"

BUILD_FLAGS = ["-W", "-n", "--keep-going"]  # as the Makefile and CI build
SECTIONS = ("build", "labs", "sizes", "labkit", "grading", "grading_capstone", "gradebook", "korean", "suite")
EDITED_LESSON = "book/cameras/01-camera-networks.md"
EDIT = "\n\nThis paragraph was added by the benchmark to time a rebuild after one edit.\n"
LAB0 = "getting-started"
KINDS = ("correct", "wrong", "blank", "partial")  # the submission mix, in turn
EXPECTED_TOTAL = {"correct": 4, "wrong": 0, "blank": 0, "partial": 2}
MB = 1_000_000
GIB = 1024 ** 3

# The issue's targets: (label, unit, limit, "max" if the figure must stay below it, else "min").
TARGETS = {
    "cold_build_s": ("cold build of the site, every lab executed (`make html`: parallel execution, then Sphinx)",
                     "s", 90, "max"),
    "cold_build_ratio": ("cold build, parallel against serial (same run)", "ratio", 0.6, "max"),
    "nochange_rebuild_s": ("rebuild with nothing changed", "s", 10, "max"),
    "lab_time_s": ("every lab's execution time", "s", 15, "max"),
    "lab_peak_bytes": ("every lab's peak kernel memory", "GiB", GIB, "max"),
    "pdf_build_s": ("PDF build (after the HTML build, as `make book`)", "s", 120, "max"),
    "pdf_cold_build_s": ("PDF build from cold (fresh folder, labs executed in parallel, as `make pdf`)", "s", 120,
                         "max"),
    "pdf_bytes": ("PDF size", "MB", 25 * MB, "max"),
    "offline_zip_bytes": ("offline zip size", "MB", 60 * MB, "max"),
    "grading_speedup": ("grading speed against otter-grader (otter time / our time)", "x", 4, "min"),
    "grading_speedup_capstone": ("grading speed against otter-grader on the capstone (otter time / our time)",
                                 "x", 10, "min"),
    "report_s": ("class report for 2,000 students (`underwatch report`, whole command)", "s", 10, "max"),
    "korean_html_ratio": ("Korean site from cold against the English one", "ratio", 1.2, "max"),
    "korean_pdf_ratio": ("Korean PDF from cold against the English one", "ratio", 1.2, "max"),
    "make_test_s": ("`make test`, the whole suite (both books, kits, browser, grader)", "s", 600, "max"),
}
GRADEBOOK_CLASS = 2000


# ---------------------------------------------------------------- helpers

def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_1min() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(threshold: float, deadline: float) -> dict:
    """Sleep until the 1-minute load is below ``threshold``, or until ``deadline`` (time.monotonic())."""
    start, first = time.monotonic(), load_1min()
    load = first
    while load >= threshold and time.monotonic() < deadline:
        log(f"1-minute load {load:.2f} >= {threshold}: waiting (at most {deadline - time.monotonic():.0f} s more)")
        time.sleep(20)
        load = load_1min()
    return {"load_1min_at_first_check": first, "load_1min_at_start": load,
            "waited_s": round(time.monotonic() - start), "quiet": load < threshold}


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list, *, env: dict, logfile: Path, cwd: Path | None = None, timeout: float = 3600) -> dict:
    """Run a command, its output to ``logfile``; wall time and the CPU time of its process tree."""
    cpu0, t0 = child_cpu_seconds(), time.perf_counter()
    with logfile.open("w") as out:
        proc = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    text = logfile.read_text(errors="replace")
    warnings = [line for line in text.splitlines() if "WARNING:" in line]
    return {"seconds": round(wall, 2), "cpu_seconds": round(child_cpu_seconds() - cpu0, 2),
            "ok": proc.returncode == 0, "returncode": proc.returncode, "warnings": len(warnings),
            "log_tail": "" if proc.returncode == 0 else text[-3000:]}


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "runs": len(values), "values": [round(v, 2) for v in values]}


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not set(p.parts) & set(skip)]
    return sum(p.stat().st_size for p in files), len(files)


def run_git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def snapshot(source: str, dest: Path) -> dict:
    """The course to measure, copied to ``dest``: git HEAD (reproducible) or the working tree."""
    commit = run_git("rev-parse", "--short", "HEAD")
    if source == "head":
        # Streamed through tar, never held in memory (a big parent would inflate its children's ru_maxrss).
        # benchmarks/ is not part of the course, and its scratch must never be measured.
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD", "--", ".",
                                    ":(exclude)benchmarks"], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise RuntimeError("git archive HEAD failed")
        return {"source": "git HEAD", "commit": commit}
    skip = shutil.ignore_patterns(".git", ".venv", "_build", "benchmarks", "node_modules", "__pycache__",
                                  ".pytest_cache", ".ipynb_checkpoints", "*.egg-info")
    shutil.copytree(ROOT, dest, ignore=skip, dirs_exist_ok=True)
    dirty = bool(run_git("status", "--porcelain", "--untracked-files=no"))
    return {"source": "working tree", "commit": commit + ("+uncommitted changes" if dirty else "")}


def course_env(course: Path) -> dict:
    """Children import survlab from the copy (PYTHONPATH comes before the editable install)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    env.update({"PYTHONPATH": os.pathsep.join([str(course / "src" / "survlab"), str(course / "src" / "underwatch")]), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text()
    mem_kib = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")))
    jb = subprocess.run([str(JUPYTER_BOOK), "--version"], capture_output=True, text=True).stdout.split()
    return {"cores": len(os.sched_getaffinity(0)), "memory_gib": round(mem_kib / 1024 ** 2, 1), "cpu": model,
            "python": platform.python_version(), "os": platform.platform(),
            "jupyter_book": next((w for w in jb if w[:1].isdigit()), "?")}


# ---------------------------------------------------------------- build

def build_cmd(course: Path, out: Path, *extra: str) -> list:
    return [JUPYTER_BOOK, "build", course, *BUILD_FLAGS, "--path-output", out, *extra]


def cached_execution_seconds(out: Path, course: Path) -> dict[str, float]:
    """Each page's execution time as the build recorded it in its jupyter-cache (lessons run code too)."""
    from jupyter_cache import get_cache

    cache_dir = out / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        return {}
    return {str(Path(r.uri).relative_to(course)): round(r.data.get("execution_seconds") or 0, 2)
            for r in get_cache(str(cache_dir)).list_cache_records()}


def parallel_build_cmd(course: Path, out: Path, *extra: str) -> list:
    """As `make html` / `make pdf`: the notebooks executed on every core into the cache, then the build."""
    import shlex

    execute = [PYTHON, "-m", "underwatch", "execute", "--root", course, "--cache", out / "_build" / ".jupyter_cache"]
    return ["sh", "-c", f"{shlex.join(map(str, execute))} && {shlex.join(map(str, build_cmd(course, out, *extra)))}"]


def bench_build(course: Path, scratch: Path, runs: int, env: dict) -> tuple[dict, Path]:
    """Cold build (serial, as Jupyter Book alone, and parallel, as `make html`), no-change rebuild,
    rebuild after one edited lesson, PDF; ``runs`` times each."""
    lesson = course / EDITED_LESSON
    original = lesson.read_text(encoding="utf-8")
    figures: dict[str, list[dict]] = {"cold_serial_build": [], "cold_build": [], "nochange_rebuild": [],
                                      "edited_rebuild": [], "pdf_build": [], "pdf_cold_build": []}
    executed: list[dict[str, float]] = []
    out = scratch
    for i in range(runs):
        out = scratch / f"build-{i}"
        shutil.rmtree(out, ignore_errors=True)
        serial = scratch / f"serial-{i}"
        shutil.rmtree(serial, ignore_errors=True)
        log(f"build run {i + 1}/{runs}: cold serial HTML build (jupyter-book alone, --all) into {serial}")
        figures["cold_serial_build"].append(timed(build_cmd(course, serial, "--all"), env=env,
                                                  logfile=scratch / f"cold-serial-{i}.log"))
        executed.append(cached_execution_seconds(serial, course))
        shutil.rmtree(serial, ignore_errors=True)
        log(f"  serial {figures['cold_serial_build'][-1]['seconds']} s; cold parallel build (as make html) into {out}")
        figures["cold_build"].append(timed(parallel_build_cmd(course, out, "--all"), env=env,
                                           logfile=scratch / f"cold-{i}.log"))
        log(f"  cold {figures['cold_build'][-1]['seconds']} s; rebuild with nothing changed")
        figures["nochange_rebuild"].append(timed(build_cmd(course, out), env=env, logfile=scratch / f"nochange-{i}.log"))
        log(f"  no-change {figures['nochange_rebuild'][-1]['seconds']} s; rebuild after editing {EDITED_LESSON}")
        lesson.write_text(original + EDIT, encoding="utf-8")
        try:
            figures["edited_rebuild"].append(timed(build_cmd(course, out), env=env, logfile=scratch / f"edited-{i}.log"))
        finally:
            lesson.write_text(original, encoding="utf-8")
        log(f"  edited {figures['edited_rebuild'][-1]['seconds']} s; PDF (pdflatex builder, as make pdf after make html)")
        shutil.rmtree(out / "_build" / "latex", ignore_errors=True)  # as the Makefile does
        figures["pdf_build"].append(timed(build_cmd(course, out, "--builder", "pdflatex"), env=env,
                                          logfile=scratch / f"pdf-{i}.log"))
        log(f"  PDF {figures['pdf_build'][-1]['seconds']} s; PDF from cold (fresh folder, --all, as tests/test_pdf.py)")
        cold_pdf = scratch / f"pdf-cold-{i}"
        figures["pdf_cold_build"].append(timed(parallel_build_cmd(course, cold_pdf, "--all", "--builder", "pdflatex"),
                                               env=env, logfile=scratch / f"pdf-cold-{i}.log"))
        shutil.rmtree(cold_pdf, ignore_errors=True)
        log(f"  PDF from cold {figures['pdf_cold_build'][-1]['seconds']} s")
        if i < runs - 1:
            shutil.rmtree(out, ignore_errors=True)  # keep only the last build, for the sizes
    result = {}
    for name, rows in figures.items():
        failed = [r for r in rows if not r["ok"]]
        result[name] = {**summary([r["seconds"] for r in rows]),
                        "cpu_seconds": summary([r["cpu_seconds"] for r in rows]),
                        "warnings": max(r["warnings"] for r in rows),
                        "failed_runs": len(failed), "failure_log": failed[0]["log_tail"] if failed else ""}
    notebooks = sorted({k for run in executed for k in run})
    result["execution_in_cold_build"] = {nb: summary([run[nb] for run in executed if nb in run]) for nb in notebooks}
    result["edited_lesson"] = EDITED_LESSON
    return result, out


# ---------------------------------------------------------------- the README's two commands

# What the two commands took before issue 18's work, as that issue and the stops after it
# recorded them (not re-measurable: the code they ran is gone).
SUITE_BEFORE = {
    "make_test": "14.6 min on this machine kind when issue 18 was filed; 12 min 28 s and 13 min 55 s at stop 26 "
                 "(the grader's tests after the rest); 28.7 min on a fresh AMD machine (the issue)",
    "make_book": "10.5 min on a fresh AMD machine, every system's kit included (the issue)",
}
KEPT_CACHES = ("labkit-test", "labkit-test-all", "labkit-test.lock", "labkit-test-all.lock")


def bench_suite(runs: int) -> dict:
    """`make book` from an empty _build/ and then `make test`, in the repository itself, as a
    contributor runs them: the virtual environment, npm's axe-core and pip's cache are there;
    the test suite's kit caches (_build/labkit-test*, kept while the lock is unchanged) are kept."""
    figures: dict[str, list[dict]] = {"make_book": [], "make_test": []}
    logs = ROOT / "_build" / "benchmark-logs"
    for i in range(runs):
        build = ROOT / "_build"
        for child in list(build.iterdir()) if build.is_dir() else []:
            if child.name not in KEPT_CACHES:
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        logs.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
        log(f"suite run {i + 1}/{runs}: make book from an empty _build/")
        figures["make_book"].append(timed(["make", "book"], env=env, cwd=ROOT, logfile=logs / f"make-book-{i}.log",
                                          timeout=3 * 3600))
        log(f"  make book {figures['make_book'][-1]['seconds']} s; make test")
        row = timed(["make", "test"], env=env, cwd=ROOT, logfile=logs / f"make-test-{i}.log", timeout=3 * 3600)
        tail = (logs / f"make-test-{i}.log").read_text(errors="replace").strip().splitlines()
        row["summary"] = next((line.strip("= ") for line in reversed(tail) if " passed" in line), "")
        figures["make_test"].append(row)
        log(f"  make test {row['seconds']} s: {row['summary']}")
    result = {}
    for name, rows in figures.items():
        failed = [r for r in rows if not r["ok"]]
        result[name] = {**summary([r["seconds"] for r in rows]), "cpu_seconds": summary([r["cpu_seconds"] for r in rows]),
                        "failed_runs": len(failed), "failure_log": failed[0]["log_tail"] if failed else "",
                        "before": SUITE_BEFORE[name]}
    result["make_test"]["summary"] = figures["make_test"][-1]["summary"]
    return result


# ---------------------------------------------------------------- the Korean book

def bench_korean(course: Path, scratch: Path, runs: int, env: dict) -> dict:
    """The Korean book against the English one, each from cold as `make html` / `make pdf` build
    them (parallel execution into an empty cache, then Jupyter Book), and the sizes of both."""
    translated = [PYTHON, "-m", "underwatch", "translated", "ko"]
    korean_out = course / "_build" / "ko"
    rows: dict[str, list[dict]] = {"english_html": [], "korean_html": [], "english_pdf": [], "korean_pdf": []}
    sizes = {}
    for i in range(runs):
        english = scratch / f"en-{i}"
        for folder in (english, korean_out):
            shutil.rmtree(folder, ignore_errors=True)
        log(f"korean run {i + 1}/{runs}: English HTML from cold")
        rows["english_html"].append(timed(parallel_build_cmd(course, english, "--all"), env=env,
                                          logfile=scratch / f"en-html-{i}.log"))
        log(f"  {rows['english_html'][-1]['seconds']} s; Korean HTML from cold (python -m underwatch translated ko)")
        rows["korean_html"].append(timed(translated, env=env, cwd=course, logfile=scratch / f"ko-html-{i}.log"))
        log(f"  {rows['korean_html'][-1]['seconds']} s; English PDF from cold")
        english_pdf = scratch / f"en-pdf-{i}"
        rows["english_pdf"].append(timed(parallel_build_cmd(course, english_pdf, "--all", "--builder", "pdflatex"),
                                         env=env, logfile=scratch / f"en-pdf-{i}.log"))
        sizes = {"english_site": folder_bytes(english / "_build" / "html", (".doctrees",)),
                 "korean_site": folder_bytes(korean_out / "_build" / "html", (".doctrees",)),
                 "english_pdf": (english_pdf / "_build" / "latex" / "under-watch.pdf").stat().st_size}
        shutil.rmtree(korean_out, ignore_errors=True)
        log(f"  {rows['english_pdf'][-1]['seconds']} s; Korean PDF from cold")
        rows["korean_pdf"].append(timed([*translated, "--builder", "pdflatex"], env=env, cwd=course,
                                        logfile=scratch / f"ko-pdf-{i}.log"))
        sizes["korean_pdf"] = (korean_out / "_build" / "latex" / "under-watch-ko.pdf").stat().st_size
        log(f"  {rows['korean_pdf'][-1]['seconds']} s")
        shutil.rmtree(english_pdf, ignore_errors=True)
    result = {name: {**summary([r["seconds"] for r in found]), "cpu_seconds": summary([r["cpu_seconds"] for r in found]),
                     "warnings": max(r["warnings"] for r in found), "failed_runs": sum(not r["ok"] for r in found),
                     "failure_log": next((r["log_tail"] for r in found if not r["ok"]), "")}
              for name, found in rows.items()}
    result["sizes"] = sizes
    result["html_ratio"] = round(result["korean_html"]["median"] / result["english_html"]["median"], 2)
    result["pdf_ratio"] = round(result["korean_pdf"]["median"] / result["english_pdf"]["median"], 2)
    return result


# ---------------------------------------------------------------- labs

def child_lab(path: str) -> None:
    """(Child process) run one lab's solution edition via underwatch.runner; print time and kernel peak memory."""
    from survlab import labs
    from underwatch import editions, runner

    source = Path(path)
    nb = editions.read_lab_source(source)
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp:
        t0 = time.perf_counter()
        run = runner.run_and_collect(nb, tmp, name=source.name, timeout=120)
        seconds = time.perf_counter() - t0
    # The kernel has been shut down and reaped: its peak RSS is the children's high-water mark.
    kernel_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lab = labs.get(editions.lab_id(nb, source))
    verdicts = lab.judge_all(run.answers)
    print(json.dumps({"seconds": seconds, "kernel_peak_bytes": kernel_kib * 1024,
                      "correct": sum(r.correct for r in verdicts), "exercises": len(verdicts)}))


def lab_notebooks(course: Path) -> list[Path]:
    return [p for p in sorted((course / "notebooks").glob("*.md"))
            if "\nsurvlab:" in p.read_text(encoding="utf-8")[:2000]]


def bench_labs(course: Path, scratch: Path, runs: int, env: dict) -> dict:
    """Each lab ``runs`` times, each run in a fresh process with a fresh kernel."""
    result = {}
    for path in lab_notebooks(course):
        rows = []
        for i in range(runs):
            proc = subprocess.run([PYTHON, __file__, "_lab", str(path)], env=env, capture_output=True, text=True,
                                  cwd=scratch, timeout=900)
            lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
            if proc.returncode != 0 or not lines:
                result[path.stem] = {"failed": True, "log_tail": (proc.stdout + proc.stderr)[-3000:]}
                log(f"lab {path.stem} FAILED")
                break
            rows.append(json.loads(lines[-1]))
            log(f"lab {path.stem} run {i + 1}/{runs}: {rows[-1]['seconds']:.1f} s, "
                f"kernel peak {rows[-1]['kernel_peak_bytes'] / 2 ** 20:.0f} MiB")
        else:
            result[path.stem] = {"seconds": summary([r["seconds"] for r in rows]),
                                 "kernel_peak_bytes": summary([r["kernel_peak_bytes"] for r in rows]),
                                 "solution_correct": f"{rows[-1]['correct']}/{rows[-1]['exercises']}",
                                 "failed": False}
    return result


# ---------------------------------------------------------------- sizes

def bench_sizes(course: Path, built: Path | None, scratch: Path, env: dict) -> dict:
    """Sizes of the site, the PDF and the offline zip, made as `make offline` makes them."""
    if built is None:  # --only sizes: build once, untimed
        built = scratch / "build-sizes"
        for extra in (["--all"], ["--builder", "pdflatex"]):
            log(f"sizes: building {' '.join(extra)}")
            run = timed(build_cmd(course, built, *extra), env=env, logfile=scratch / "sizes-build.log")
            if not run["ok"]:
                return {"failed": True, "log_tail": run["log_tail"]}
    site, pdf = built / "_build" / "html", built / "_build" / "latex" / "under-watch.pdf"
    site_bytes, site_files = folder_bytes(site)
    parts = {}
    for child in sorted(site.iterdir()):
        parts[child.name] = folder_bytes(child)[0] if child.is_dir() else child.stat().st_size
    biggest = dict(sorted(parts.items(), key=lambda kv: -kv[1])[:6])
    shutil.copy(pdf, site / "under-watch.pdf")  # as `make book` does
    editions_dir = built / "_build" / "editions"
    zip_path = built / "_build" / "under-watch-offline.zip"
    for cmd in ([PYTHON, "-m", "underwatch", "editions", "--out", editions_dir, "--notebooks", course / "notebooks",
                 "--cache", built / "_build" / ".jupyter_cache"],
                [PYTHON, "-m", "underwatch", "bundle", "--site", site, "--pdf", pdf, "--notebooks",
                 editions_dir / "student", "--out", zip_path]):
        run = timed(cmd, env=env, logfile=scratch / "bundle.log")
        if not run["ok"]:
            return {"failed": True, "log_tail": run["log_tail"]}
    return {"site_bytes": site_bytes, "site_files": site_files, "site_biggest_parts": biggest,
            "pdf_bytes": pdf.stat().st_size, "offline_zip_bytes": zip_path.stat().st_size,
            "student_notebooks_bytes": folder_bytes(editions_dir / "student")[0], "failed": False}


# ---------------------------------------------------------------- lab kits

OFFLINE_ENV = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1",
               "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


def no_network(cmd: list) -> list:
    """The command in its own network namespace (loopback only) where the system allows it."""
    if shutil.which("unshare") and shutil.which("ip") and subprocess.run(
            ["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *map(str, cmd)]
    return cmd


def bench_labkit(course: Path, built: Path | None, scratch: Path, runs: int, env: dict) -> dict:
    """The student wheel and the four lab kits (`make labkit`), their sizes, and the Linux kit's
    install into a fresh virtual environment with no network, as `sh install.sh` makes it."""
    out = scratch / "labkit"
    cache = built / "_build" / ".jupyter_cache" if built else course / "_build" / ".jupyter_cache"
    log("labkit: building the wheel and the kits (wheels from PyPI or pip's cache)")
    made = timed([PYTHON, "-m", "underwatch", "labkit", "all", "--out", out, "--cache", cache], env=env,
                 logfile=scratch / "labkit.log", cwd=course)
    if not made["ok"]:
        return {"failed": True, "log_tail": made["log_tail"]}
    wheel = next((course / "_build" / "wheel").glob("survlab-*.whl"))
    kits = {}
    for zip_path in sorted(out.glob("under-watch-labkit-*.zip")):
        folder = zip_path.with_suffix("")
        system = zip_path.stem.rsplit("-", 2)[-2] + "-" + zip_path.stem.rsplit("-", 1)[-1]
        manifest = (folder / "MANIFEST.txt").read_text().splitlines()
        kits[system] = {"zip_bytes": zip_path.stat().st_size, "folder_bytes": folder_bytes(folder)[0],
                        "wheels": len(list((folder / "wheelhouse").glob("*.whl"))),
                        "departures": [line for line in manifest if "  # " in line]}
    installs = []
    linux = next(out.glob("under-watch-labkit-*-linux-x86_64"))
    offline = {**{k: v for k, v in env.items() if not k.startswith(("PIP_", "PYTHONPATH"))}, **OFFLINE_ENV}
    for run in range(runs):
        kit = scratch / f"install-{run}" / linux.name
        shutil.copytree(linux, kit)
        log(f"labkit: offline install {run + 1}/{runs}")
        installed = timed(no_network(["sh", kit / "install.sh"]), env=offline,
                          logfile=scratch / f"install-{run}.log", cwd=kit)
        if not installed["ok"]:
            return {"failed": True, "log_tail": installed["log_tail"]}
        installs.append({"seconds": installed["seconds"], "venv_bytes": folder_bytes(kit / ".venv")[0]})
        shutil.rmtree(kit.parent, ignore_errors=True)
    return {"wheel": wheel.name, "wheel_bytes": wheel.stat().st_size, "build_seconds": made["seconds"],
            "kits": kits, "install_seconds": summary([i["seconds"] for i in installs]),
            "installed_bytes": installs[-1]["venv_bytes"],
            "network_namespace": no_network(["true"])[0] == "unshare", "failed": False}


# ---------------------------------------------------------------- grading

def otter_python() -> Path:
    """The otter virtual environment, (re)made when otter-requirements.txt changes."""
    python = OTTER_VENV / "bin" / "python"
    wanted = hashlib.sha256(OTTER_REQUIREMENTS.read_bytes()).hexdigest()
    stamp = OTTER_VENV / ".requirements-sha256"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    log(f"creating {OTTER_VENV} from {OTTER_REQUIREMENTS.name}")
    shutil.rmtree(OTTER_VENV, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", OTTER_VENV], check=True)
    pip = subprocess.run([python, "-m", "pip", "install", "-q", "-r", OTTER_REQUIREMENTS], capture_output=True, text=True)
    if pip.returncode != 0:
        raise RuntimeError(f"installing {OTTER_REQUIREMENTS.name} failed:\n{pip.stdout[-2000:]}{pip.stderr[-3000:]}")
    stamp.write_text(wanted)
    return python


def otter_autograder(course: Path, scratch: Path, env: dict) -> tuple[Path, Path, str]:
    """`otter assign` on the otter edition of Lab 0: the autograder zip and the student notebook."""
    import jupytext

    python = otter_python()
    folder = scratch / "otter-assign"
    folder.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(OTTER_MASTER), folder / "lab0.ipynb")
    run = timed([python, "-m", "otter", "assign", "lab0.ipynb", "dist"], env=env, cwd=folder,
                logfile=scratch / "otter-assign.log")
    if not run["ok"]:
        raise RuntimeError(f"otter assign failed:\n{run['log_tail']}")
    version = subprocess.run([python, "-c", "import otter; print(otter.__version__)"], capture_output=True,
                             text=True).stdout.strip()
    return next((folder / "dist" / "autograder").glob("*.zip")), folder / "dist" / "student" / "lab0.ipynb", version


def child_submissions(ours: str, theirs: str, otter_student: str, count: str) -> None:
    """(Child process) ``count`` submissions of Lab 0 in both formats, the same answers in each.

    Ours come from tests/grading_cases/make_cases.py (the student edition, answered); the
    otter ones from otter's student notebook, answered with the same expressions.
    """
    import nbformat

    course = Path(os.environ["PYTHONPATH"].split(os.pathsep)[0]).parents[1]  # <course>/src/survlab
    spec = importlib.util.spec_from_file_location("make_cases", course / "tests" / "grading_cases" / "make_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    partial = {**cases.SOLUTION, "camera_gb_per_day": "172.8", "orders_apart": "None"}
    ours_nb = {"correct": cases.solved(), "wrong": cases.answered(cases.WRONG),
               "blank": cases.student_edition(), "partial": cases.answered(partial)}

    def otter_answered(values: dict) -> nbformat.NotebookNode:
        nb = nbformat.read(otter_student, as_version=4)
        for cell in nb.cells:
            for name, value in values.items():
                cell.source = cell.source.replace(f"{name} = ...", f"{name} = {value}")
        return nb

    theirs_nb = {"correct": cases.with_cell(otter_answered(cases.SOLUTION), "import math", 1),
                 "wrong": otter_answered(cases.WRONG), "blank": otter_answered({}), "partial": otter_answered(partial)}
    expected = {}
    for i in range(int(count)):
        kind = KINDS[i % len(KINDS)]
        student = f"s{i:03d}-{kind}"
        nbformat.write(ours_nb[kind], Path(ours) / f"{student}.ipynb")
        nbformat.write(theirs_nb[kind], Path(theirs) / f"{student}.ipynb")
        expected[student] = EXPECTED_TOTAL[kind]
    print(json.dumps(expected))


def child_class(folder: str, students: str) -> None:
    """(Child process) a synthetic graded class: grades.csv and the grader's details beside it."""
    course = Path(os.environ["PYTHONPATH"].split(os.pathsep)[0]).parents[1]
    sys.path.insert(0, str(course / "tests"))
    from gradebook_data import synthetic_class

    synthetic_class(Path(folder), int(students), seed=1)


CANVAS_HEADER = "Student,ID,SIS User ID,SIS Login ID,Section,Getting started (10234)\n"


def bench_gradebook(course: Path, scratch: Path, runs: int, env: dict) -> dict:
    """The gradebook's commands on a synthetic class of GRADEBOOK_CLASS: report, written pages, a
    Canvas file. Each is timed as the instructor runs it, Python's start included."""
    folder = scratch / "gradebook"
    subprocess.run([PYTHON, __file__, "_class", folder, str(GRADEBOOK_CLASS)], env=env, check=True)
    roster = scratch / "canvas-export.csv"
    roster.write_text(CANVAS_HEADER + "".join(f'"Student, N{i:05d}",{10000 + i},S{i:05d},student-{i:05d},A,\n'
                                              for i in range(GRADEBOOK_CLASS)))
    commands = {
        "report": ["report", folder / "grades.csv", "--out", folder / "report"],
        "written": ["written", folder, "--out", folder / "marking", "--blind", "--seed", "1"],
        "export": ["export", folder / "grades.csv", "--lms", "canvas", "--roster", roster, "--out",
                   folder / "canvas-import.csv", "--item", "Getting started"],
    }
    figures: dict = {"students": GRADEBOOK_CLASS}
    for name, args in commands.items():
        times = []
        for i in range(runs):
            run = timed([PYTHON, "-m", "underwatch", *args], env=env, cwd=folder, logfile=scratch / f"gb-{name}-{i}.log")
            if not run["ok"]:
                raise RuntimeError(f"{name} failed:\n{run['log_tail']}")
            times.append(run["seconds"])
        figures[name] = summary(times)
        log(f"gradebook {name}, {GRADEBOOK_CLASS} students: {figures[name]['median']} s")
    figures["report_bytes"] = (folder / "report" / "index.html").stat().st_size
    return figures


CAPSTONE = "capstone-week"
CAPSTONE_WRONG = {"most_unique_system": '"television"'}  # every other answer: 1, a whole number that is wrong


def child_capstone_master(path: str) -> None:
    """(Child process) an otter master notebook for the capstone, made from its declarations: one
    question per exercise, whose test is the exercise's own check (survlab's judge with the answer
    key), so both graders judge every answer alike. No solution is needed: submissions are ours."""
    import nbformat
    from survlab import labs

    lab = labs.get(CAPSTONE)
    raw, code, md = nbformat.v4.new_raw_cell, nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    cells = [raw("# ASSIGNMENT CONFIG\nname: capstone\ninit_cell: false\ncheck_all_cell: false\nexport_cell: false\n"
                 "run_tests: false\ngenerate:\n  pdf: false\n  show_stdout: false\ntests:\n  files: false\n"
                 "  ok_format: true"),
             code("from survlab.labs import capstone_week as _capstone")]
    for e in lab.exercises:
        hint = e.hint.replace('"', "'")
        cells += [raw(f"# BEGIN QUESTION\nname: {e.name}\npoints: {e.points}"), md(e.prompt),
                  raw("# BEGIN SOLUTION"), code(f"{e.name} = None  # SOLUTION"), raw("# END SOLUTION"),
                  raw("# BEGIN TESTS"),
                  code(f'""" # BEGIN TEST CONFIG\nfailure_message: "{hint}"\n""" # END TEST CONFIG\n'
                       f"from survlab.labs import capstone_week as _capstone\n"
                       f'assert _capstone.LAB.check("{e.name}", {e.name}).correct'),
                  raw("# END TESTS"), raw("# END QUESTION")]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def child_capstone_submissions(folder: str, count: str) -> None:
    """(Child process) ``count`` capstone submissions, graded as they are by both graders: the
    instructor edition (correct), its answer cells set to wrong values or None (wrong, blank), and
    half its answers blank (partial). Prints the expected totals."""
    import nbformat
    from survlab import labs
    from underwatch import editions

    lab = labs.get(CAPSTONE)
    course = Path(os.environ["PYTHONPATH"].split(os.pathsep)[0]).parents[1]
    solved = editions.make_edition(editions.read_lab_source(editions.lab_sources(course / "notebooks")[CAPSTONE]),
                                   student=False)
    solved.metadata["otter"] = {"assignment_name": "capstone"}  # otter refuses a notebook without it; ours ignores it

    def replaced(keep: set[str], wrong: bool) -> nbformat.NotebookNode:
        nb = nbformat.from_dict(json.loads(json.dumps(solved)))
        for cell in nb.cells:
            names = [n for n in editions.assigned_names(cell.source) if n in lab.answer_names] \
                if cell.cell_type == "code" else []
            if names and not set(names) <= keep:
                cell.source = "\n".join(f"{n} = {CAPSTONE_WRONG.get(n, '1') if wrong else 'None'}" for n in names)
        return nb

    names = lab.answer_names
    half = set(names[: len(names) // 2])
    kinds = {"correct": (solved, len(names)), "wrong": (replaced(set(), True), 0),
             "blank": (replaced(set(), False), 0), "partial": (replaced(half, False), len(half))}
    expected = {}
    for i in range(int(count)):
        kind = KINDS[i % len(KINDS)]
        student = f"s{i:03d}-{kind}"
        nbformat.write(kinds[kind][0], Path(folder) / f"{student}.ipynb")
        expected[student] = kinds[kind][1]
    print(json.dumps(expected))


def bench_grading_capstone(course: Path, scratch: Path, runs: int, counts: list[int], jobs: int, env: dict,
                           large_runs: int | None) -> dict:
    """The heaviest lab, the capstone, graded by both graders from the very same files."""
    otter = otter_python()
    folder = scratch / "otter-assign-capstone"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([PYTHON, __file__, "_capstone_master", folder / "capstone.ipynb"], env=env, check=True)
    run = timed([otter, "-m", "otter", "assign", "capstone.ipynb", "dist"], env=env, cwd=folder,
                logfile=scratch / "otter-assign-capstone.log")
    if not run["ok"]:
        raise RuntimeError(f"otter assign (capstone) failed:\n{run['log_tail']}")
    autograder = next((folder / "dist" / "autograder").glob("*.zip"))
    version = subprocess.run([otter, "-c", "import otter; print(otter.__version__)"], capture_output=True,
                             text=True).stdout.strip()
    result = {"otter_version": version, "jobs": jobs, "mix": list(KINDS), "lab": CAPSTONE, "batches": {}}
    for count in counts:
        batch = scratch / f"capstone-{count}"
        subs = batch / "submissions"
        subs.mkdir(parents=True)
        proc = subprocess.run([PYTHON, __file__, "_capstone_submissions", subs, str(count)], env=env,
                              capture_output=True, text=True, check=True)
        expected = json.loads(proc.stdout.splitlines()[-1])
        files = sorted(subs.glob("*.ipynb"))
        rows: dict[str, list] = {"ours": [], "otter": []}
        agree = True
        for i in range(runs if large_runs is None or count <= 20 else large_runs):
            for grader in (("ours", "otter") if i % 2 == 0 else ("otter", "ours")):
                out = batch / f"{grader}-{i}.csv"
                cmd = ([PYTHON, "-m", "underwatch", "grade", CAPSTONE, *files, "--out", out, "--jobs", str(jobs),
                        "--timeout", "120"] if grader == "ours" else
                       [otter, OTTER_DRIVER, "--autograder", autograder, "--jobs", str(jobs), "--out", out, *files])
                done = timed(cmd, env=env, cwd=batch, logfile=batch / f"{grader}-{i}.log")
                if not done["ok"]:
                    raise RuntimeError(f"{grader} grading of the capstone failed:\n{done['log_tail']}")
                totals = read_totals(out)
                wrong = {s: (totals.get(s), e) for s, e in expected.items() if totals.get(s) != e}
                agree &= not wrong
                rows[grader].append(done)
                log(f"capstone {count} run {i + 1} {grader}: {done['seconds']} s"
                    + (f"; {len(wrong)} totals differ, e.g. {next(iter(wrong.items()))}" if wrong else "; totals as expected"))
        ours_s, otter_s = summary([r["seconds"] for r in rows["ours"]]), summary([r["seconds"] for r in rows["otter"]])
        result["batches"][str(count)] = {
            "ours": ours_s, "otter": otter_s, "speedup": round(otter_s["median"] / ours_s["median"], 2),
            "ours_per_submission_s": round(ours_s["median"] / count, 3),
            "otter_per_submission_s": round(otter_s["median"] / count, 3), "totals_as_expected": agree}
        shutil.rmtree(batch, ignore_errors=True)
    return result


def read_totals(path: Path) -> dict[str, float]:
    with path.open(newline="", encoding="utf-8") as f:
        return {row["student"]: float(row["total"]) for row in csv.DictReader(f)}


def bench_grading(course: Path, scratch: Path, runs: int, counts: list[int], jobs: int, env: dict,
                  large_runs: int | None) -> dict:
    autograder, otter_student, otter_version = otter_autograder(course, scratch, env)
    otter = otter_python()
    result = {"otter_version": otter_version, "jobs": jobs, "mix": list(KINDS), "batches": {}}
    for count in counts:
        folder = scratch / f"grading-{count}"
        ours_dir, theirs_dir = folder / "ours", folder / "otter"
        ours_dir.mkdir(parents=True)
        theirs_dir.mkdir(parents=True)
        proc = subprocess.run([PYTHON, __file__, "_submissions", ours_dir, theirs_dir, otter_student, str(count)],
                              env=env, capture_output=True, text=True, check=True)
        expected = json.loads(proc.stdout.splitlines()[-1])
        n_runs = runs if large_runs is None or count <= 20 else large_runs
        rows = {"ours": [], "ours_unisolated": [], "otter": []}
        agree = True
        for i in range(n_runs):
            # Neither grader always goes first; ours without isolation measures what isolation costs.
            order = ("ours", "otter", "ours_unisolated") if i % 2 == 0 else ("otter", "ours_unisolated", "ours")
            for grader in order:
                out = folder / f"{grader}-{i}.csv"
                if grader.startswith("ours"):
                    cmd = [PYTHON, "-m", "underwatch", "grade", LAB0, *sorted(ours_dir.glob("*.ipynb")), "--out", out,
                           "--jobs", str(jobs), "--timeout", "120"]
                    if grader == "ours_unisolated":
                        cmd.append("--unsafe-no-isolation")
                else:
                    cmd = [otter, OTTER_DRIVER, "--autograder", autograder, "--jobs", str(jobs), "--out", out,
                           *sorted(theirs_dir.glob("*.ipynb"))]
                run = timed(cmd, env=env, cwd=folder, logfile=folder / f"{grader}-{i}.log")
                if not run["ok"]:
                    raise RuntimeError(f"{grader} grading failed:\n{run['log_tail']}")
                totals = read_totals(out)
                wrong = {s: (totals.get(s), e) for s, e in expected.items() if totals.get(s) != e}
                agree &= not wrong
                rows[grader].append(run)
                log(f"grading {count} run {i + 1}/{n_runs} {grader}: {run['seconds']} s"
                    + (f"; {len(wrong)} totals differ from the expected ones, e.g. {next(iter(wrong.items()))}"
                       if wrong else "; every total as expected"))
        ours_s, otter_s = summary([r["seconds"] for r in rows["ours"]]), summary([r["seconds"] for r in rows["otter"]])
        bare_s = summary([r["seconds"] for r in rows["ours_unisolated"]])
        bare_cpu = summary([r["cpu_seconds"] for r in rows["ours_unisolated"]])
        ours_cpu = summary([r["cpu_seconds"] for r in rows["ours"]])
        result["batches"][str(count)] = {
            "ours": ours_s, "otter": otter_s, "ours_unisolated": bare_s,
            "ours_cpu_seconds": ours_cpu,
            "ours_unisolated_cpu_seconds": bare_cpu,
            "isolation_cost_per_submission_s": round((ours_s["median"] - bare_s["median"]) / count, 4),
            "isolation_cpu_cost_per_submission_s": round((ours_cpu["median"] - bare_cpu["median"]) / count, 4),
            "otter_cpu_seconds": summary([r["cpu_seconds"] for r in rows["otter"]]),
            "speedup": round(otter_s["median"] / ours_s["median"], 2),
            "ours_per_submission_s": round(ours_s["median"] / count, 3),
            "otter_per_submission_s": round(otter_s["median"] / count, 3),
            "totals_as_expected": agree}
        shutil.rmtree(folder, ignore_errors=True)
    return result


# ---------------------------------------------------------------- report

def verdicts(sections: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, limit, measured, passed) for each target; None where it was not measured."""
    out = []

    def add(key: str, measured: float | None, shown: str) -> None:
        label, unit, limit, sense = TARGETS[key]
        limit_text = {"GiB": "1 GiB", "MB": f"{limit / MB:g} MB", "x": f"at least {limit}x",
                      "ratio": f"{limit}x"}.get(unit, f"{limit} s")
        if measured is None:
            out.append((label, limit_text, "not measured", None))
        else:
            out.append((label, limit_text, shown, measured <= limit if sense == "max" else measured >= limit))

    build = sections.get("build", {}).get("figures", {})
    for key, name in (("cold_build_s", "cold_build"), ("nochange_rebuild_s", "nochange_rebuild"),
                      ("pdf_build_s", "pdf_build"), ("pdf_cold_build_s", "pdf_cold_build")):
        fig = build.get(name)
        ok = fig and not fig["failed_runs"]
        add(key, fig["median"] if ok else None, f"{fig['median']:.1f} s" if ok else "")
    serial, parallel = build.get("cold_serial_build"), build.get("cold_build")
    if serial and parallel and not serial["failed_runs"] and not parallel["failed_runs"]:
        ratio = parallel["median"] / serial["median"]
        add("cold_build_ratio", ratio, f"{ratio:.2f} ({parallel['median']:.1f} s against {serial['median']:.1f} s)")
    else:
        add("cold_build_ratio", None, "")
    labs = sections.get("labs", {}).get("figures", {})
    good = {k: v for k, v in labs.items() if not v.get("failed")}
    if labs and len(good) == len(labs):
        slowest = max(good, key=lambda k: good[k]["seconds"]["median"])
        heaviest = max(good, key=lambda k: good[k]["kernel_peak_bytes"]["median"])
        add("lab_time_s", good[slowest]["seconds"]["median"], f"slowest {good[slowest]['seconds']['median']:.1f} s ({slowest})")
        add("lab_peak_bytes", good[heaviest]["kernel_peak_bytes"]["median"],
            f"heaviest {good[heaviest]['kernel_peak_bytes']['median'] / 2 ** 20:.0f} MiB ({heaviest})")
    elif labs:  # a lab that does not run misses both targets
        failed = ", ".join(k for k, v in labs.items() if v.get("failed"))
        for key in ("lab_time_s", "lab_peak_bytes"):
            label, unit, limit, _ = TARGETS[key]
            out.append((label, "15 s" if unit == "s" else "1 GiB", f"failed to run: {failed}", False))
    else:
        add("lab_time_s", None, "")
        add("lab_peak_bytes", None, "")
    sizes = sections.get("sizes", {}).get("figures", {})
    for key in ("pdf_bytes", "offline_zip_bytes"):
        value = sizes.get(key) if not sizes.get("failed") else None
        add(key, value, f"{value / MB:.1f} MB" if value else "")
    batches = sections.get("grading", {}).get("figures", {}).get("batches", {})
    if batches:
        worst = min(batches, key=lambda c: batches[c]["speedup"])
        add("grading_speedup", batches[worst]["speedup"],
            ", ".join(f"{b['speedup']:.1f}x ({c} submissions)" for c, b in batches.items()))
    else:
        add("grading_speedup", None, "")
    capstone = sections.get("grading_capstone", {}).get("figures", {}).get("batches", {})
    if capstone:
        worst = min(capstone, key=lambda c: capstone[c]["speedup"])
        add("grading_speedup_capstone", capstone[worst]["speedup"],
            ", ".join(f"{b['speedup']:.1f}x ({c} submissions)" for c, b in capstone.items()))
    else:
        add("grading_speedup_capstone", None, "")
    book = sections.get("gradebook", {}).get("figures", {})
    add("report_s", book["report"]["median"] if book else None, f"{book['report']['median']:.1f} s" if book else "")
    korean = sections.get("korean", {}).get("figures", {})
    for key, build in (("korean_html_ratio", "html"), ("korean_pdf_ratio", "pdf")):
        ratio = korean.get(f"{build}_ratio")
        add(key, ratio, f"{ratio:.2f} ({korean[f'korean_{build}']['median']:.1f} s against "
                        f"{korean[f'english_{build}']['median']:.1f} s)" if ratio else "")
    suite = sections.get("suite", {}).get("figures", {}).get("make_test")
    ok = suite and not suite["failed_runs"]
    add("make_test_s", suite["median"] if ok else None,
        f"{suite['median'] / 60:.1f} min ({suite['median']:.0f} s)" if ok else "")
    return out


def fmt_runs(s: dict, unit: str = "s") -> str:
    return f"{s['median']:.1f} {unit} (min {s['min']:.1f}, max {s['max']:.1f}; {s['runs']} run{'s' * (s['runs'] != 1)})"


def render(results: dict) -> str:
    m, sections = results["machine"], results["sections"]
    lines = ["# Benchmark results", "",
             "Written by `benchmarks/run.py`; do not edit by hand (re-run it). What each figure means and",
             "how it is taken: [README.md](README.md). Figures are medians of the runs stated.", "",
             "## Machine", "",
             f"- CPU: {m['cpu']}, {m['cores']} cores available; memory {m['memory_gib']} GiB",
             f"- Python {m['python']}, Jupyter Book {m['jupyter_book']}, {m['os']}", ""]
    lines += ["| section | measured at (UTC) | course measured | 1-min load: first check → start → end |",
              "| --- | --- | --- | --- |"]
    for name in SECTIONS:
        s = sections.get(name)
        if s:
            ld = s["load"]
            lines.append(f"| {name} | {s['measured_at']} | {s['course']['source']} {s['course']['commit']} | "
                         f"{ld['load_1min_at_first_check']:.2f} → {ld['load_1min_at_start']:.2f} → "
                         f"{ld.get('load_1min_at_end', float('nan')):.2f}"
                         f"{'' if ld['quiet'] else ' (machine was not quiet)'} |")
    lines += ["", "The load counts this benchmark's own work too: near 2 at the end is its own 2 processes;",
              "well above 2 means others were busy as well.", "", "## Targets", "", "| target | limit | measured | verdict |", "| --- | --- | --- | --- |"]
    for label, limit, shown, passed in verdicts(sections):
        verdict = "not measured" if passed is None else ("**pass**" if passed else "**MISS**")
        lines.append(f"| {label} | {limit} | {shown} | {verdict} |")
    build = sections.get("build", {}).get("figures")
    if build:
        lines += ["", "## Build", "", "`jupyter-book build` with `-W -n --keep-going`, into a fresh `--path-output`.", "",
                  "| build | wall time | CPU time (all processes) | warnings | failed runs |", "| --- | --- | --- | --- | --- |"]
        names = {"cold_serial_build": "cold, serial: `jupyter-book build --all` alone, every notebook executed in turn",
                 "cold_build": "cold, parallel: `underwatch execute` (every core) then the build, as `make html`",
                 "nochange_rebuild": "rebuild, nothing changed",
                 "edited_rebuild": f"rebuild after editing `{build['edited_lesson']}`",
                 "pdf_build": "PDF (`--builder pdflatex`, after the HTML build in the same folder, as `make book`)",
                 "pdf_cold_build": "PDF from cold (fresh folder, parallel execution then `--builder pdflatex`, "
                                   "as `make pdf`)"}
        for key, label in names.items():
            f = build.get(key)
            if not f:
                continue
            lines.append(f"| {label} | {fmt_runs(f)} | {f['cpu_seconds']['median']:.1f} s | {f['warnings']} | "
                         f"{f['failed_runs']} |")
        exe = build["execution_in_cold_build"]
        if exe:
            total = sum(v["median"] for v in exe.values())
            lines += ["", f"Notebook execution inside the cold serial build (from its jupyter-cache), "
                          f"{total:.1f} s in all:", "",
                      "| notebook | execution (median) |", "| --- | --- |"]
            lines += [f"| {nb} | {v['median']:.1f} s |" for nb, v in exe.items()]
        for key in names:
            if build.get(key, {}).get("failure_log"):
                lines += ["", f"Failure of {key}:", "", "```", build[key]["failure_log"][-1500:], "```"]
    labs = sections.get("labs", {}).get("figures")
    if labs:
        lines += ["", "## Labs", "",
                  "Each lab's solution edition run by `underwatch.runner.run_and_collect` in a fresh process: time",
                  "includes starting and stopping the kernel; peak memory is the kernel's maximum resident set",
                  "(`getrusage(RUSAGE_CHILDREN).ru_maxrss` after it is reaped).", "",
                  "| lab | time | kernel peak memory | solution checks |",
                  "| --- | --- | --- | --- |"]
        for name, f in labs.items():
            if f.get("failed"):
                lines.append(f"| {name} | FAILED | | |")
                continue
            lines.append(f"| {name} | {fmt_runs(f['seconds'])} | {f['kernel_peak_bytes']['median'] / 2 ** 20:.0f} MiB "
                         f"(max {f['kernel_peak_bytes']['max'] / 2 ** 20:.0f}) | {f['solution_correct']} correct |")
    sizes = sections.get("sizes", {}).get("figures")
    if sizes and not sizes.get("failed"):
        lines += ["", "## Sizes", "", "| artefact | size |", "| --- | --- |",
                  f"| site (`_build/html`, before the PDF is copied in) | {sizes['site_bytes'] / MB:.1f} MB in "
                  f"{sizes['site_files']} files |",
                  f"| PDF | {sizes['pdf_bytes'] / MB:.1f} MB |",
                  f"| offline zip (site + PDF + student notebooks) | {sizes['offline_zip_bytes'] / MB:.1f} MB |",
                  f"| student notebooks (uncompressed) | {sizes['student_notebooks_bytes'] / MB:.1f} MB |",
                  "", "Largest parts of the site: " + ", ".join(f"`{k}` {v / MB:.1f} MB"
                                                               for k, v in sizes["site_biggest_parts"].items()) + "."]
    kit = sections.get("labkit", {}).get("figures")
    if kit and not kit.get("failed"):
        lines += ["", "## Student wheel and lab kits", "",
                  f"`make labkit` (`python -m underwatch labkit`), {kit['build_seconds']:.0f} s for the wheel and all four "
                  "kits with pip's cache warm. Each kit: the wheel, a wheelhouse of every dependency and JupyterLab "
                  "for Python 3.11, the student notebooks, install and start scripts.", "",
                  f"| artefact | zip | unpacked | wheels | versions other than the student lock's |",
                  "| --- | --- | --- | --- | --- |",
                  f"| student wheel `{kit['wheel']}` | {kit['wheel_bytes'] / 1e3:.0f} kB | | | |"]
        for system, k in kit["kits"].items():
            departures = "; ".join(d.split("  # ")[0] + (" (not in the lock: this system only)"
                                                         if "not in the lock" in d else " (the lock's has no wheel here)")
                                   for d in k["departures"]) or "none"
            lines.append(f"| lab kit, {system} | {k['zip_bytes'] / MB:.0f} MB | {k['folder_bytes'] / MB:.0f} MB | "
                         f"{k['wheels']} | {departures} |")
        lines += ["", f"Offline install of the Linux kit (`sh install.sh`: a fresh virtual environment, then "
                      f"`pip install --no-index --find-links wheelhouse`), "
                      f"{'in a network namespace with no interface but loopback, ' if kit['network_namespace'] else ''}"
                      f"with `PIP_NO_INDEX=1`, no pip configuration and no cache: "
                      f"{fmt_runs(kit['install_seconds'])}; the environment takes {kit['installed_bytes'] / MB:.0f} MB."]
    grading = sections.get("grading", {}).get("figures")
    if grading:
        lines += ["", "## Grading against otter-grader", "",
                  f"Lab 0, submissions in turn {', '.join(grading['mix'])}; both graders with {grading['jobs']} "
                  f"processes at a time, on the same files' answers, in the same run. Ours: `python -m underwatch grade "
                  f"--jobs {grading['jobs']} --timeout 120`: each submission isolated (bubblewrap, its own user, mount, "
                  f"PID and network namespaces, a memory cgroup), forked from a warm server inside the sandbox; and the "
                  f"same with `--unsafe-no-isolation`, to measure what isolation costs. "
                  f"otter-grader {grading['otter_version']}: "
                  f"`otter.api.grade_submission` in {grading['jobs']} worker processes "
                  f"(`benchmarks/otter/grade.py`; otter without Docker, no time limit).", "",
                  "| submissions | ours | otter-grader | otter / ours | wall time per submission (ours, otter) "
                  "| CPU time per submission (ours, otter) | totals as expected |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for count, b in grading["batches"].items():
            n = int(count)
            lines.append(f"| {count} | {fmt_runs(b['ours'])} | {fmt_runs(b['otter'])} | **{b['speedup']:.2f}x** | "
                         f"{b['ours_per_submission_s']:.2f} s, {b['otter_per_submission_s']:.2f} s | "
                         f"{b['ours_cpu_seconds']['median'] / n:.2f} s, {b['otter_cpu_seconds']['median'] / n:.2f} s | "
                         f"{'yes' if b['totals_as_expected'] else 'NO'} |")
        if all("ours_unisolated" in b for b in grading["batches"].values()):
            lines += ["", "What isolation costs: the same batches graded by ours with `--unsafe-no-isolation`.", "",
                      "| submissions | ours, isolated | ours, no isolation | isolation cost per submission "
                      "(wall time) |", "| --- | --- | --- | --- |"]
            for count, b in grading["batches"].items():
                lines.append(f"| {count} | {fmt_runs(b['ours'])} | {fmt_runs(b['ours_unisolated'])} | "
                             f"{b['isolation_cost_per_submission_s'] * 1000:.0f} ms |")
        lines += ["", "CPU time counts the processes each batch waits for: for otter its workers and their kernels;",
                  "for ours only the grader itself, because the sandboxed servers and submissions run in",
                  "bubblewrap's PID namespace, whose usage does not reach the grader's `RUSAGE_CHILDREN` (so compare",
                  "wall times). Ours includes a fixed start-up (the grader, and each lane's sandbox and imports),",
                  "which is why the time per submission falls as the batch grows. The cost of isolation is noisy",
                  "on a busy machine; benchmarks/README.md gives it measured run by run on one lane."]
    capstone = sections.get("grading_capstone", {}).get("figures")
    if capstone:
        lines += ["", "## Grading the capstone against otter-grader", "",
                  f"The heaviest lab, `{capstone['lab']}` (one synthetic week, every part's models joined), graded by "
                  "both graders from the very same files: the instructor edition (correct), its answers set to wrong "
                  "values, to None (blank), or half of them None (partial), in turn. otter's autograder is made by "
                  "`otter assign` from the lab's declarations, each test being the exercise's own check, so both "
                  f"judge alike. Ours isolated as above; otter-grader {capstone['otter_version']} as above; "
                  f"{capstone['jobs']} processes each.", "",
                  "| submissions | ours | otter-grader | otter / ours | wall time per submission (ours, otter) "
                  "| totals as expected |", "| --- | --- | --- | --- | --- | --- |"]
        for count, b in capstone["batches"].items():
            lines.append(f"| {count} | {fmt_runs(b['ours'])} | {fmt_runs(b['otter'])} | **{b['speedup']:.2f}x** | "
                         f"{b['ours_per_submission_s']:.2f} s, {b['otter_per_submission_s']:.2f} s | "
                         f"{'yes' if b['totals_as_expected'] else 'NO'} |")
    book = sections.get("gradebook", {}).get("figures")
    if book:
        lines += ["", "## Gradebook", "",
                  f"A synthetic graded class of {book['students']} Lab 0 students (`tests/gradebook_data.py`), each command "
                  "timed as an instructor runs it, Python's start included.", "",
                  "| command | wall time |", "| --- | --- |",
                  f"| `report grades.csv --out report/` (one HTML page, {book['report_bytes'] / 1e6:.1f} MB) | "
                  f"{fmt_runs(book['report'])} |",
                  f"| `written grades/ --out marking/ --blind` (Lab 0 has two questions) | {fmt_runs(book['written'])} |",
                  f"| `export grades.csv --lms canvas --roster ...` | {fmt_runs(book['export'])} |"]
    korean = sections.get("korean", {}).get("figures")
    if korean:
        sz = korean["sizes"]
        lines += ["", "## The Korean book", "",
                  "Each from cold, as `make html` / `make pdf` build them: every notebook executed (in parallel, "
                  "into an empty cache), then Jupyter Book with `-W -n --keep-going`. The Korean book is staged "
                  "from `ko/` and runs its notebooks with `SURVLAB_LANG=ko` into its own cache "
                  "(`python -m underwatch translated ko`). Target: the Korean build at most 1.2x the English one.", "",
                  "| build | English | Korean | Korean / English |", "| --- | --- | --- | --- |",
                  f"| HTML from cold | {fmt_runs(korean['english_html'])} | {fmt_runs(korean['korean_html'])} | "
                  f"{korean['html_ratio']:.2f} |",
                  f"| PDF from cold | {fmt_runs(korean['english_pdf'])} | {fmt_runs(korean['korean_pdf'])} | "
                  f"{korean['pdf_ratio']:.2f} |",
                  f"| site size (without .doctrees) | {sz['english_site'][0] / MB:.1f} MB, {sz['english_site'][1]:,} files "
                  f"| {sz['korean_site'][0] / MB:.1f} MB, {sz['korean_site'][1]:,} files | |",
                  f"| PDF size | {sz['english_pdf'] / MB:.1f} MB | {sz['korean_pdf'] / MB:.1f} MB | |"]
    suite = sections.get("suite", {}).get("figures")
    if suite:
        lines += ["", "## The README's two commands", "",
                  "In the repository itself, as a contributor runs them: `make book` from an empty `_build/` (pip's "
                  "cache warm; this machine's lab kit downloaded through it), then `make test` (pytest-xdist on every "
                  "core; the tests' kit caches `_build/labkit-test*` kept, as after any earlier run). Wall time and the "
                  "CPU time of every process the command started.", "",
                  "| command | before | now: wall time | CPU time | result |", "| --- | --- | --- | --- | --- |"]
        for name, label in (("make_book", "`make book`"), ("make_test", "`make test`")):
            fig = suite[name]
            result = "failed" if fig["failed_runs"] else fig.get("summary") or "passed"
            lines.append(f"| {label} | {fig['before']} | {fmt_runs(fig)} | {fig['cpu_seconds']['median']:.0f} s | {result} |")
    hardening = sections.get("hardening")
    if hardening:  # written by benchmarks/hardening_cost.py
        f = hardening["figures"]
        sc, ho, ps, b = f["seccomp"], f["handover"], f["per_submission"], f["batch"]
        lines += ["", "## What the grader's second-round protections cost", "",
                  f"Measured {hardening['measured_at']} UTC (1-min load {hardening['load']:.2f}) by "
                  "`benchmarks/hardening_cost.py`: the seccomp filter, the hand-over of each submission's code to "
                  "its own process (never through the warm server), and the grader's own memory over a batch.", "",
                  "| what | cost |", "| --- | --- |",
                  f"| installing the seccomp filter ({sc['program_instructions']} BPF instructions), once per "
                  f"submission | {sc['install_us']:.0f} µs |",
                  f"| each system call a submission makes, with the filter | {sc['per_syscall_ns']:.0f} ns more |",
                  f"| hand-over of Lab 0's cells ({ho['lab0']['bytes']:,} bytes of JSON): encoded, through a pipe, read "
                  f"and parsed by the submission's process (its fork happened before, as it did) | "
                  f"{ho['lab0']['ms']:.2f} ms |",
                  f"| hand-over of a notebook with a 300 kB code cell ({ho['300kB_cell']['bytes']:,} bytes) | "
                  f"{ho['300kB_cell']['ms']:.2f} ms |",
                  f"| one Lab 0 submission, one lane, isolated (all protections) / not isolated (medians of "
                  f"{ps['runs']}) | {ps['isolated_ms']} ms / {ps['unisolated_ms']} ms |",
                  f"| grader's resident memory over {b['submissions']:,} submissions (a mix of honest and hostile), "
                  f"2 lanes, {b['seconds']:.0f} s | {b['rss_before_mb']} MB before, {b['rss_after_first_tenth_mb']} MB "
                  f"after the first tenth, {b['rss_end_mb']} MB at the end (peak {b['rss_peak_mb']} MB) |"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    if argv[:1] == ["_lab"]:
        child_lab(*argv[1:])
        return 0
    if argv[:1] == ["_capstone_master"]:
        child_capstone_master(*argv[1:])
        return 0
    if argv[:1] == ["_capstone_submissions"]:
        child_capstone_submissions(*argv[1:])
        return 0
    if argv[:1] == ["_class"]:
        child_class(*argv[1:])
        return 0
    if argv[:1] == ["_submissions"]:
        child_submissions(*argv[1:])
        return 0
    parser = argparse.ArgumentParser(description="Benchmarks of the Under Watch course (see benchmarks/README.md).")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3); medians are reported")
    parser.add_argument("--only", action="append", choices=SECTIONS,
                        help="measure only this section (repeatable); the others keep their last results")
    parser.add_argument("--submissions", default="20,200", help="batch sizes to grade (default 20,200)")
    parser.add_argument("--large-runs", type=int, default=1,
                        help="runs for batches above 20 submissions (default 1: one batch is already 200 runs)")
    parser.add_argument("--jobs", type=int, default=2, help="processes at a time for both graders (default 2)")
    parser.add_argument("--source", choices=("head", "worktree"), default="head",
                        help="measure git HEAD (default) or the working tree with its uncommitted changes")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="wait before each section until the 1-minute load is below this (default 1.0)")
    parser.add_argument("--max-wait", type=float, default=1200, help="seconds to wait for that at most, in all (default 1200)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (builds, logs) and print it")
    parser.add_argument("--render-only", action="store_true", help="only rewrite results.md from results.json")
    args = parser.parse_args(argv)
    if args.render_only:
        RESULTS_MD.write_text(render(json.loads(RESULTS_JSON.read_text())))
        return 0
    chosen = args.only or [name for name in SECTIONS if name != "suite"]  # suite empties _build/: asked for by name
    counts = [int(c) for c in args.submissions.split(",") if c.strip()]

    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {"sections": {}}
    results["machine"] = machine()
    scratch = Path(tempfile.mkdtemp(prefix="survlab-bench-"))
    built = None
    deadline = time.monotonic() + args.max_wait  # one waiting budget for the whole run
    try:
        course = scratch / "course"
        course.mkdir()
        source = snapshot(args.source, course)
        env = course_env(course)
        log(f"measuring {source['source']} {source['commit']} in {scratch}; sections {', '.join(chosen)}")
        for name in SECTIONS:
            if name not in chosen:
                continue
            load = wait_for_quiet(args.max_load, deadline)
            stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
            log(f"section {name} (1-minute load {load['load_1min_at_start']:.2f})")
            if name == "build":
                figures, built = bench_build(course, scratch, args.runs, env)
            elif name == "labs":
                figures = bench_labs(course, scratch, args.runs, env)
            elif name == "sizes":
                figures = bench_sizes(course, built, scratch, env)
            elif name == "labkit":
                figures = bench_labkit(course, built, scratch, args.runs, env)
            elif name == "grading_capstone":
                figures = bench_grading_capstone(course, scratch, args.runs, counts, args.jobs, env, args.large_runs)
            elif name == "gradebook":
                figures = bench_gradebook(course, scratch, args.runs, env)
            elif name == "korean":
                figures = bench_korean(course, scratch, args.runs, env)
            elif name == "suite":
                figures = bench_suite(args.runs)
            else:
                figures = bench_grading(course, scratch, args.runs, counts, args.jobs, env, args.large_runs)
            load["load_1min_at_end"] = load_1min()
            measured = source
            if name == "suite":  # run in the repository, not in the copy
                dirty = bool(run_git("status", "--porcelain", "--untracked-files=no"))
                measured = {"source": "the repository in place", "commit": source["commit"] + ("+uncommitted changes" if dirty else "")}
            results["sections"][name] = {"measured_at": stamp, "course": measured, "load": load,
                                         "runs": args.runs, "figures": figures}
            RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")
            RESULTS_MD.write_text(render(results))
    finally:
        if args.keep:
            log(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
