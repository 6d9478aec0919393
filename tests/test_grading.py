"""The batch grader on real hostile files (tests/grading_cases, made by make_cases.py).

One batch grades every case at once, beside canaries it must not touch or leak: a file
outside every folder, a classmate's submission, a variable in the grader's environment, a
TCP and a Unix-socket listener. Each case then has the outcome it must get.
"""
from __future__ import annotations

import csv
import hashlib
import os
import secrets
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from survlab import labs
from underwatch import editions, grading, merge, sandbox

CASES = Path(__file__).parent / "grading_cases"
sys.path.insert(0, str(CASES))
import make_cases as mc


from conftest import GRADER  # noqa: E402

pytestmark = [*GRADER]

UNAVAILABLE = sandbox.availability()
needs_isolation = pytest.mark.skipif(bool(UNAVAILABLE), reason=f"no isolation here: {UNAVAILABLE}")
TIMEOUT = 6  # per cell: Lab 0's cells take under a second, so 6 s holds while the other worker is busy (a run
# that timed out for want of CPU is run again: sandbox.STARVED); the hostile cases then stop sooner
LONG_NAME = "x" * 239
EVERY_CASE = sorted(CASES.glob("*.ipynb"))


class Listeners:
    """A TCP listener on the loopback and a Unix socket listener: they must receive nothing."""

    def __init__(self):
        self.received: list[bytes] = []
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", mc.LISTEN_PORT))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", mc.LISTEN_PORT))
        Path(mc.LISTEN_UNIX).unlink(missing_ok=True)
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(mc.LISTEN_UNIX)
        for s in (self.tcp, self.unix):
            s.listen()
        for s in (self.tcp, self.udp, self.unix):
            s.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            for s in (self.tcp, self.unix):
                try:
                    conn, _ = s.accept()
                    self.received.append(conn.recv(100) or b"(connected)")
                    conn.close()
                except OSError:
                    pass
            try:
                self.received.append(self.udp.recv(100))
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join()
        for s in (self.tcp, self.udp, self.unix):
            s.close()
        Path(mc.LISTEN_UNIX).unlink(missing_ok=True)


def _cgroup_leftovers() -> set[str]:
    found = set()
    for root in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if root.is_dir():
            found |= {str(p) for p in root.rglob("underwatch-*") if p.is_dir()}
    return found


def _processes_with(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(proc.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory, monkeypatch_module):
    canary = f"canary-{secrets.token_hex(8)}"
    monkeypatch_module.setenv(mc.CANARY_ENV, canary)
    Path(mc.CANARY_FILE).write_text("untouched")
    shutil.copy(CASES / "correct.ipynb", mc.CLASSMATE)
    classmate_hash = hashlib.sha256(Path(mc.CLASSMATE).read_bytes()).hexdigest()
    for leftover in ("/tmp/underwatch-canary-fifo", "/tmp/survlab-grading-escape.txt", "/tmp/survlab-grading-escape-2"):
        Path(leftover).unlink(missing_ok=True)
    tmp_before = {p.name for p in Path("/tmp").glob("underwatch*")}
    grader_tmp = tmp_path_factory.mktemp("grader-tmp")  # where the grader's own temporary files would go
    monkeypatch_module.setattr("tempfile.tempdir", str(grader_tmp))
    cgroups_before = _cgroup_leftovers()
    listeners = Listeners()
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    start = time.monotonic()
    try:
        grades = grading.grade_batch("getting-started", EVERY_CASE + [Path(mc.CLASSMATE)], out, jobs=2,
                                     timeout=TIMEOUT, memory_mb=1024, progress=False)
    finally:
        listeners.close()
    seconds = time.monotonic() - start
    with out.open(newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    yield {"out": out, "grades": grades, "rows": rows, "canary": canary, "listeners": listeners,
           "classmate_hash": classmate_hash, "seconds": seconds, "tmp_before": tmp_before,
           "tmp_after": {p.name for p in Path("/tmp").glob("underwatch*")}, "grader_tmp": list(grader_tmp.iterdir()),
           "cgroups_before": cgroups_before,
           "cgroups_after": _cgroup_leftovers()}
    for path in (mc.CANARY_FILE, mc.CLASSMATE):
        Path(path).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def row(batch, case: str) -> dict[str, str]:
    return batch["rows"][grading.student_id(Path(case + ".ipynb"))]


# ---- every file gets a row ----

@needs_isolation
def test_every_file_gets_a_row(batch):
    expected = {grading.student_id(p) for p in EVERY_CASE} | {grading.student_id(Path(mc.CLASSMATE))}
    assert set(batch["rows"]) == expected
    assert list(next(iter(batch["rows"].values()))) == [
        "student", "people_per_camera", "camera_gb_per_day", "comparisons_per_day", "orders_apart",
        "total", "max", "status", "reason", "version_note", "isolation"]
    assert {r["isolation"] for r in batch["rows"].values()} == {batch_isolation()}


def batch_isolation() -> str:
    cgroups, _ = sandbox.Cgroups.detect()
    version = cgroups.version
    cgroups.remove()
    return f"bwrap+namespaces, cgroup v{version}"


@needs_isolation
@pytest.mark.parametrize("case,total,status", [
    ("correct", "4", "graded"), ("wrong", "0", "graded"), ("blank", "0", "graded"), ("partial", "2", "graded"),
])
def test_ordinary_submissions(batch, case, total, status):
    r = row(batch, case)
    assert (r["total"], r["status"], r["max"], r["reason"]) == (total, status, "4", "")


@needs_isolation
@pytest.mark.parametrize("case,reason", [
    ("not_json", "not a notebook: the file is not valid JSON"),
    ("not_a_notebook", "valid JSON but not in Jupyter's notebook format"),
    ("nested_too_deep", "not a notebook: its JSON is nested more than 64 levels deep"),
    ("other_lab", "wrong lab: this is a notebook for lab 'camera-network'"),
    ("ignores_the_time_limit", f"timed out: still running after {sandbox.hard_limit(TIMEOUT)} s and was stopped"),
    ("hangs_the_batch", f"timed out: still running after {sandbox.hard_limit(TIMEOUT)} s and was stopped"),
    ("exits_early", "the run ended before its answers could be read (exit code 3)"),
    ("writes_over_the_report", "the run's report could not be read"),
    ("writes_memory", "stopped: it went over the memory limit of 1024 MB"),
])
def test_ungradable_files_get_a_reason_and_zero(batch, case, reason):
    r = row(batch, case)
    assert r["status"] == "error" and r["total"] == "0"
    assert reason in r["reason"]


@needs_isolation
@pytest.mark.parametrize("case,total,reason", [
    ("cells_deleted", "2", "answer variables missing: camera_gb_per_day, orders_apart"),
    ("exception_then_answers", "4", "cell 3 raised ValueError: oops"),
    ("infinite_loop", "4", "cell 2 ran too long and was stopped"),
    ("memory_bomb", "4", "cell 2 went over the memory limit of 1024 MB"),
    ("maps_memory", "4", "Cannot allocate memory"),  # memfd and anonymous maps fail in their cells
    ("huge_output", "4", "output too large"),
    ("format_3", "4", "the notebook was in the old format 3 and was upgraded to format 4"),
    ("metadata_not_a_mapping", "4", "the notebook's 'survlab' metadata is not a mapping and was ignored"),
    ("metadata_wrong_types", "4", "the notebook's lab id in its metadata is not text and was ignored"),
    (LONG_NAME, "4", ""),
])
def test_damaged_or_odd_submissions_keep_the_credit_they_earned(batch, case, total, reason):
    r = row(batch, case)
    assert r["status"] == "graded" and r["total"] == total, r
    assert reason in r["reason"]
    assert "cells deleted" in row(batch, "cells_deleted")["reason"]


@needs_isolation
def test_odd_answers_cost_only_their_own_exercise(batch):
    r = row(batch, "odd_answers")
    assert (r["status"], r["total"], r["people_per_camera"]) == ("graded", "1", "1"), r
    text = (batch["out"].parent / "feedback" / "odd_answers.md").read_text()
    assert "could not be read: a whole number far too large to compare" in text
    assert "could not be read: reading it raised ZeroDivisionError" in text
    assert "could not be read: a list nested more than 20 deep" in text


@needs_isolation
def test_a_long_file_name_gets_a_short_unique_id(batch):
    student = grading.student_id(Path(LONG_NAME + ".ipynb"))
    assert len(student) <= grading.MAX_ID_CHARS and student in batch["rows"]
    assert (batch["out"].parent / "feedback" / f"{student}.md").exists()


# ---- no escape ----

@needs_isolation
def test_nothing_escaped_the_sandbox(batch):
    assert Path(mc.CANARY_FILE).read_text() == "untouched"
    assert hashlib.sha256(Path(mc.CLASSMATE).read_bytes()).hexdigest() == batch["classmate_hash"]
    assert row(batch, "underwatch-canary-classmate")["total"] == "4"
    assert not Path("/tmp/underwatch-canary-fifo").exists()
    for case in ("escapes_by_files", "escapes_by_processes", "writes_outside", "starts_a_process", "pickles_the_server",
                 "leaves_a_daemon", "kills_the_grader", "uses_the_network"):
        r = row(batch, case)
        assert (r["status"], r["total"]) == ("graded", "4"), r
    assert not Path("/tmp/survlab-grading-escape.txt").exists() and not Path("/tmp/survlab-grading-escape-2").exists()


@needs_isolation
def test_no_secret_reaches_any_output(batch):
    texts = [batch["out"].read_text()] + [p.read_text() for p in (batch["out"].parent / "feedback").glob("*.md")]
    assert not any(batch["canary"] in text for text in texts)
    assert not any("FOUND:" in text or "REACHED:" in text for text in texts)
    assert row(batch, "snoops")["reason"] == "" and row(batch, "uses_the_network")["reason"] == ""


@needs_isolation
@pytest.mark.parametrize("case,status,total,reason", [
    ("memory_canary", "graded", "4", ""),
    ("scans_memory", "graded", "4", ""),  # no classmate's code in its memory (tests/test_grading_hostile.py)
    ("steals_the_key_files", "graded", "1", ""),  # no answer-key file in view
    ("uses_the_keyring", "graded", "4", ""),  # every keyring call fails
    ("forbidden_calls", "graded", "4", ""),  # namespaces, io_uring, bpf, perf, ptrace... all fail
    ("forges_a_sandbox_error", "error", "0", "the run's report could not be read"),  # and the batch went on
    ("escapes_in_errors", "graded", "4", "cell 2 raised ValueError: \\x1b[2J\\x1b]8;;http://example.org\\x07click"),
])
def test_second_round_hostile_cases(batch, case, status, total, reason):
    r = row(batch, case)
    assert (r["status"], r["total"]) == (status, total), r
    assert reason in r["reason"] if reason else r["reason"] == "", r
    text = batch["out"].read_text() + "".join(p.read_text() for p in (batch["out"].parent / "feedback").glob("*.md"))
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text


@needs_isolation
def test_the_network_is_unreachable(batch):
    assert batch["listeners"].received == []


@needs_isolation
def test_nothing_a_submission_started_outlives_it(batch):
    assert _processes_with(mc.DAEMON_MARKER) == []


@needs_isolation
def test_no_hang_the_batch_ends_within_its_deadlines(batch):
    # 43 files on 2 lanes, two of which run until the whole-life deadline: bounded, not for ever.
    assert batch["seconds"] < 4 * sandbox.hard_limit(TIMEOUT) + 60


@needs_isolation
def test_nothing_is_left_behind_but_the_csv_and_feedback(batch):
    assert sorted(os.listdir(batch["out"].parent)) == ["details", "feedback", "grades.csv"]  # details: gradebook.details
    assert batch["grader_tmp"] == []
    assert batch["tmp_after"] - batch["tmp_before"] - {Path(mc.CLASSMATE).name, Path(mc.CANARY_FILE).name} == set()
    assert batch["cgroups_after"] - batch["cgroups_before"] == set()


# ---- no stolen answers ----

@needs_isolation
@pytest.mark.parametrize("case", ["steals_expected", "steals_the_key"])
def test_asking_for_the_answer_key_earns_nothing_and_says_why(batch, case):
    r = row(batch, case)
    assert (r["status"], r["total"], r["people_per_camera"]) == ("graded", "1", "1"), r
    assert "tried to read the answer key, which is not available while a notebook is graded" in r["reason"]


@needs_isolation
def test_the_lab_sources_are_not_there_to_copy(batch):
    r = row(batch, "steals_the_sources")
    assert (r["total"], r["orders_apart"]) == ("1", "0"), r


@needs_isolation
@pytest.mark.parametrize("case", ["fakes_the_check", "fake_result_file"])
def test_tampering_inside_the_kernel_changes_no_grade(batch, case):
    assert row(batch, case)["total"] == "0", row(batch, case)


# ---- the CSV is safe to share ----

@needs_isolation
def test_no_cell_can_be_read_as_a_formula(batch):
    with batch["out"].open(newline="") as f:
        cells = [cell for line in csv.reader(f) for cell in line]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "=HYPERLINK" in row(batch, "formula_in_an_error")["reason"]  # kept as text, not as a formula


def test_formula_escaping_round_trips(tmp_path):
    lab = labs.get("getting-started")
    hostile = {"student": "s1", "total": "0", "max": "4", "status": "graded", "reason": "=1+1",
               "version_note": "@SUM(A1)", "isolation": "-x", "people_per_camera": "+1"}
    grading.write_csv(tmp_path / "g.csv", lab, {"s1": hostile})
    text = (tmp_path / "g.csv").read_text()
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'-x" in text
    assert {k: v for k, v in grading.read_csv(tmp_path / "g.csv")["s1"].items() if k in hostile} == hostile
    assert grading.safe_cell("line\nbreak\x00") == "line break\\x00"  # shown, never raw


@needs_isolation
def test_the_version_a_notebook_was_made_with_is_noted(batch):
    assert row(batch, "other_version")["version_note"] == \
        f"made for survlab =0.0.1+HYPERLINK(1), graded with survlab {grading.survlab.__version__}"
    assert row(batch, "correct")["version_note"] == ""
    assert row(batch, "metadata_wrong_types")["version_note"] == "the notebook's survlab version in its metadata is not text"


def test_a_second_grader_on_the_same_csv_is_refused(tmp_path):
    out = tmp_path / "grades.csv"
    with grading.CsvLock(out):
        with pytest.raises(grading.BatchRefused, match="is being written by another grader"):
            grading.grade_batch("getting-started", [CASES / "correct.ipynb"], out, progress=False)
    assert not out.exists() and not (tmp_path / "grades.csv.lock").exists()


# ---- limits in the grader's own process ----

def test_size_and_depth_are_checked_before_parsing(tmp_path):
    lab = labs.get("getting-started")
    big = tmp_path / "big.ipynb"
    with big.open("wb") as f:  # 30 MB of nested JSON: refused by its size, never parsed
        f.write(b"[" * 15_000_000 + b"]" * 15_000_000)
    start = time.monotonic()
    assert grading.read_submission(big, lab) == (None, "the file is too large to be a lab notebook (30 MB; the limit is 25 MB)")
    deep = tmp_path / "deep.ipynb"
    deep.write_bytes(b'{"a": ' * 10_000 + b"1" + b"}" * 10_000)
    assert "nested more than 64 levels" in grading.read_submission(deep, lab)[1]
    assert time.monotonic() - start < 5
    assert grading.json_depth_ok(b'{"a": "[[[[[[[[[[[[[[", "b": [[1]]}', 3)


def test_a_fifo_or_a_device_is_refused_without_blocking(tmp_path):
    lab = labs.get("getting-started")
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    assert grading.read_submission(fifo, lab)[1] == \
        "cannot read the file: it is not a regular file (a FIFO); only regular files are graded"
    link = tmp_path / "zero.ipynb"
    link.symlink_to("/dev/zero")
    assert grading.read_submission(link, lab)[1] == \
        "cannot read the file: it is not a regular file (a symbolic link); only regular files are graded"


def test_student_ids_are_safe_and_unique(tmp_path):
    assert grading.student_id(Path("Kim Ji-woo (1).ipynb")) == "Kim_Ji-woo_1"
    assert grading.student_id(Path("../../etc.ipynb")) == "etc"
    assert grading.student_id(Path("=cmd|' calc'!A0.ipynb")) == "cmd_calc_A0"
    assert grading.student_id(Path("-2+3.ipynb")) == "2_3"
    assert grading.student_id(Path("a" * 300 + "1.ipynb")) != grading.student_id(Path("a" * 300 + "2.ipynb"))
    a, b, c = tmp_path / "a b.ipynb", tmp_path / "a_b.ipynb", tmp_path / "A_B.ipynb"
    kept, clashes = grading._one_file_per_student([a, b, c])  # each clash gets its own error row
    assert kept == [a, c] and set(clashes) == {"a_b", "A_B"}
    assert clashes["a_b"].startswith("3 files map to this student id ('a b.ipynb', 'a_b.ipynb', 'A_B.ipynb')")


# ---- the batch: resumable, sharded ----

@needs_isolation
def test_feedback_file_per_student_with_hints(batch):
    feedback = batch["out"].parent / "feedback"
    assert {p.stem for p in feedback.glob("*.md")} == set(batch["rows"])
    text = (feedback / "wrong.md").read_text()
    assert "Score: 0 of 4" in text and "a byte has 8 bits" in text
    assert "could not be graded" in (feedback / "not_json.md").read_text()


@needs_isolation
def test_second_run_skips_graded_and_regrade_redoes_one(batch, tmp_path):
    copy = tmp_path / "grades.csv"
    shutil.copy(batch["out"], copy)
    files = [CASES / "correct.ipynb", CASES / "wrong.ipynb"]
    assert grading.grade_batch("getting-started", files, copy, progress=False) == {}
    again = grading.grade_batch("getting-started", files, copy, regrade=["wrong"], progress=False)
    assert list(again) == ["wrong"] and len(grading.read_csv(copy)) == len(batch["rows"])
    assert grading.read_csv(copy) == grading.read_csv(batch["out"])  # escaped cells read back as they were


SHARDED = ["correct", "wrong", "blank", "partial", "not_json", "odd_answers", "format_3", "other_version"]


@needs_isolation
def test_sharded_and_merged_grades_equal_one_run(batch, tmp_path):
    files = [CASES / f"{case}.ipynb" for case in SHARDED]
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}" / "grades.csv"
        grading.grade_batch("getting-started", files, out, jobs=1, timeout=TIMEOUT, shard=(k, 2), progress=False)
        shards.append(out)
    sizes = [len(grading.read_csv(s)) for s in shards]
    assert sum(sizes) == len(SHARDED) and 0 not in sizes  # a real split
    merged = merge.merge(shards, merge.expected_students(files))
    assert merged.missing == []
    merge.write(merged, tmp_path / "merged.csv")
    single = {s: r for s, r in grading.read_csv(batch["out"]).items() if s in SHARDED}
    assert grading.read_csv(tmp_path / "merged.csv") == single


def test_shards_are_a_deterministic_partition():
    students = [f"s{i:03d}" for i in range(200)]
    parts = [[s for s in students if grading.in_shard(s, (k, 3))] for k in (1, 2, 3)]
    assert sorted(sum(parts, [])) == students and all(parts)
    assert grading.parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "x", "1/0"):
        with pytest.raises(ValueError):
            grading.parse_shard(bad)


def test_merge_refuses_duplicates_and_reports_missing(tmp_path):
    lab = labs.get("getting-started")
    row_ = {"total": "4", "max": "4", "status": "graded", "reason": "", "version_note": "", "isolation": "x"}
    grading.write_csv(tmp_path / "a.csv", lab, {"kim": {"student": "kim", **row_}})
    grading.write_csv(tmp_path / "b.csv", lab, {"lee": {"student": "lee", **row_}})
    merged = merge.merge([tmp_path / "a.csv", tmp_path / "b.csv"], ["kim", "lee", "park"])
    assert sorted(merged.rows) == ["kim", "lee"] and merged.missing == ["park"]
    with pytest.raises(merge.MergeRefused, match="more than one shard: kim"):
        merge.merge([tmp_path / "a.csv", tmp_path / "a.csv"])
    from underwatch.__main__ import main
    assert main(["merge", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(tmp_path / "m.csv")]) == 0
    assert sorted(grading.read_csv(tmp_path / "m.csv")) == ["kim", "lee"]
    park = tmp_path / "park.ipynb"
    park.write_text("{}")
    assert main(["merge", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(tmp_path / "m.csv"),
                 "--expect", str(park)]) == 1


def _child_processes() -> set[str]:
    return set(Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split())


@needs_isolation
def test_no_process_is_left_running_after_a_batch(tmp_path):
    before = _child_processes()
    grading.grade_batch("getting-started", [CASES / "correct.ipynb", CASES / "infinite_loop.ipynb"],
                        tmp_path / "grades.csv", timeout=1, progress=False)
    assert _child_processes() - before == set()


@needs_isolation
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


@needs_isolation
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
    assert not (tmp_path / "grades.csv.lock").exists()
    monkeypatch.setattr(grading, "grade_one", real)
    grading.grade_batch("getting-started", files, out, progress=False)
    assert sorted(grading.read_csv(out)) == ["correct", "not_json"]
