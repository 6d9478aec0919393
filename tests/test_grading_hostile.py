"""The grader against a hostile class, second round: what got past the isolated grader (memory
left by classmates, the kernel keyring and other system calls, the answer key in a wheel install,
the submissions folder's own files, forged reports, crafted sizes, one student slowing others,
a gradebook broken from inside). Cases come from tests/grading_cases/make_cases.py."""
from __future__ import annotations

import ctypes
import csv
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from survlab import checks, labs
from underwatch import grading, inside, sandbox
from underwatch.__main__ import main

CASES = Path(__file__).parent / "grading_cases"
sys.path.insert(0, str(CASES))
import make_cases as mc


from conftest import GRADER  # noqa: E402

pytestmark = [*GRADER]
ROOT = Path(__file__).resolve().parents[1]
UNAVAILABLE = sandbox.availability()
needs_isolation = pytest.mark.skipif(bool(UNAVAILABLE), reason=f"no isolation here: {UNAVAILABLE}")
LAB = "getting-started"
TIMEOUT = 10


def grade(files, out, **kwargs) -> dict[str, dict[str, str]]:
    kwargs = {"jobs": 1, "timeout": TIMEOUT, "progress": False, **kwargs}
    grading.grade_batch(LAB, files, out, **kwargs)
    return grading.read_csv(out)


# ---- nothing of one submission in a process a later one is forked from ----

@needs_isolation
@pytest.mark.parametrize("unsafe", [False, True], ids=["isolated", "unsafe"])
def test_a_later_submission_finds_no_classmate_code_in_its_memory(tmp_path, unsafe):
    # One lane, the classmate first: the scanner is forked from the server that ran before it.
    files = [CASES / "memory_canary.ipynb", CASES / "scans_memory.ipynb"]
    rows = grade(files, tmp_path / "g.csv", unsafe_no_isolation=unsafe)
    assert rows["memory_canary"]["total"] == "4"
    assert (rows["scans_memory"]["total"], rows["scans_memory"]["reason"]) == ("4", ""), rows["scans_memory"]
    assert mc.MEMORY_CANARY not in (tmp_path / "g.csv").read_text()


def test_the_scanner_finds_a_canary_where_one_is(tmp_path):
    """The memory test is not vacuous: the same cell, run where the canary is in memory, finds it."""
    canary = mc.MEMORY_CANARY  # noqa: F841  (in this process's memory)
    namespace: dict = {}
    with pytest.raises(RuntimeError, match="FOUND-MEMORY: " + mc.MEMORY_CANARY):
        exec(mc.SCANS_MEMORY, namespace)


# ---- seccomp and the keyring ----

KEYCTL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
ADD_KEY = {"x86_64": 248, "aarch64": 217}.get(platform.machine())


def _keyring_ids(libc) -> bytes:
    buffer = ctypes.create_string_buffer(4096)
    size = libc.syscall(KEYCTL, 11, -3, buffer, 4096)  # KEYCTL_READ of the session keyring
    assert size >= 0, os.strerror(ctypes.get_errno())
    return buffer.raw[:size]


@needs_isolation
@pytest.mark.skipif(KEYCTL is None, reason="keyring calls numbered for x86_64 and aarch64 only")
def test_keyring_calls_fail_and_the_graders_keyring_is_unchanged(tmp_path):
    libc = ctypes.CDLL(None, use_errno=True)
    # A session keyring of this test's own (not the machine's), holding a key like an instructor's.
    assert libc.syscall(KEYCTL, 1, b"underwatch-test-session") >= 0  # KEYCTL_JOIN_SESSION_KEYRING
    secret = b"instructor-secret"
    key = libc.syscall(ADD_KEY, b"user", b"underwatch-test-canary", secret, len(secret), -3)
    assert key >= 0
    before = _keyring_ids(libc)
    rows = grade([CASES / "uses_the_keyring.ipynb", CASES / "forbidden_calls.ipynb"], tmp_path / "g.csv")
    assert (rows["uses_the_keyring"]["total"], rows["uses_the_keyring"]["reason"]) == ("4", ""), rows
    assert (rows["forbidden_calls"]["total"], rows["forbidden_calls"]["reason"]) == ("4", ""), rows
    assert _keyring_ids(libc) == before  # the same keys, none added or removed
    assert key.to_bytes(4, sys.byteorder) in before


_FRESH_KEYRING = """
import ctypes, sys
from underwatch import inside
libc = ctypes.CDLL(None, use_errno=True)
keyctl = inside.SYSCALLS[inside.os.uname().machine]["keyctl"]
def session():  # KEYCTL_GET_KEYRING_ID of KEY_SPEC_SESSION_KEYRING
    return libc.syscall(keyctl, 0, -3, 0)
assert libc.syscall(keyctl, 1, b"underwatch-test-instructor") >= 0
before = session()
inside.join_fresh_keyring()
print(before, session())
"""


@pytest.mark.skipif(KEYCTL is None, reason="keyring calls numbered for x86_64 and aarch64 only")
def test_a_submission_process_gets_a_fresh_empty_session_keyring():
    # Behind seccomp's denial of keyctl, a second wall: the instructor's keyring is not even ours.
    before, after = subprocess.run([sys.executable, "-c", _FRESH_KEYRING], capture_output=True, text=True,
                                   check=True).stdout.split()
    assert int(before) > 0 and int(after) > 0 and before != after


def _filter_says(program: bytes, nr: int, args=(0,) * 6, arch: int = 0xC000003E) -> int:
    """What a classic-BPF seccomp program returns for one call (the few instructions it uses)."""
    import struct
    data = struct.pack("=iIQ6Q", nr, arch, 0, *args)
    code = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    acc = pc = 0
    while True:
        op, jt, jf, k = code[pc]
        if op == 0x06:
            return k
        if op == 0x20:
            acc, pc = struct.unpack_from("=I", data, k)[0], pc + 1
            continue
        taken = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[op]
        pc += 1 + (jt if taken else jf)


def test_the_filter_is_built_for_known_architectures_only():
    for machine in ("x86_64", "aarch64"):
        program = inside.seccomp_program(machine)
        assert len(program) % 8 == 0 and len(program) // 8 < 4096
        n = inside.SYSCALLS[machine]
        allow, eperm = 0x7FFF0000, 0x50000 | 1
        assert _filter_says(program, 0, arch=inside.AUDIT_ARCH[machine]) == allow  # read(2)
        for name in ("keyctl", "unshare", "setns", "io_uring_setup", "bpf", "ptrace", "mount"):
            assert _filter_says(program, n[name], arch=inside.AUDIT_ARCH[machine]) == eperm, name
        clone = n["clone"]
        assert _filter_says(program, clone, (17, 0, 0, 0, 0, 0), inside.AUDIT_ARCH[machine]) == allow
        assert _filter_says(program, clone, (0x10000000 | 17, 0, 0, 0, 0, 0), inside.AUDIT_ARCH[machine]) == eperm
        for family, protocol, said in ((1, 0, allow), (2, 0, allow), (10, 0, allow), (16, 0, allow),
                                       (16, 12, 0x50000 | 97), (17, 0, 0x50000 | 97)):
            assert _filter_says(program, n["socket"], (family, 3, protocol, 0, 0, 0),
                                inside.AUDIT_ARCH[machine]) == said, (family, protocol)
        assert _filter_says(program, 0, arch=0x40000003) == 0x80000000  # another ABI: killed
    with pytest.raises(ValueError, match="no seccomp filter for the mips architecture"):
        inside.seccomp_program("mips")


# ---- the answer key, whatever the install layout ----

@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    """The toolkit and the student library installed from their wheels (not editable), in a copy
    of the course environment (hard links: quick, and the original is never written)."""
    work = tmp_path_factory.mktemp("wheel-layout")
    for package in ("survlab", "underwatch"):  # built from copies: no build/ folder in the checkout
        shutil.copytree(ROOT / "src" / package, work / "src" / package,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    for isolation in ([], ["--no-build-isolation"]):  # as labkit.build_wheel: the index's setuptools, else ours
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation,
                                work / "src" / "survlab", work / "src" / "underwatch", "-w", work / "wheels"])
        if built.returncode == 0:
            break
    assert built.returncode == 0
    venv = work / "venv"
    subprocess.run(["cp", "-al", sys.prefix, venv], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    for leftover in [*site.glob("__editable__*"), *site.glob("survlab-*.dist-info"), *site.glob("underwatch-*.dist-info")]:
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    *sorted((work / "wheels").glob("*.whl"))], check=True)
    return venv


@needs_isolation
@pytest.mark.parametrize("layout", ["editable", "wheel"])
def test_the_answer_key_is_out_of_the_sandbox_in_every_install_layout(layout, tmp_path, request):
    python = sys.executable if layout == "editable" else str(request.getfixturevalue("wheel_venv") / "bin" / "python")
    where = subprocess.run([python, "-c", "import survlab, sys; print(survlab.__file__)"], capture_output=True,
                           text=True, check=True).stdout
    assert ("site-packages" in where) == (layout == "wheel")
    out = tmp_path / "g.csv"
    subprocess.run([python, "-m", "underwatch", "grade", LAB, "--out", out, "--jobs", "1", "--timeout", str(TIMEOUT),
                    "--", CASES / "steals_the_key.ipynb", CASES / "steals_the_key_files.ipynb"],
                   check=True, capture_output=True)
    rows = grading.read_csv(out)
    assert (rows["steals_the_key_files"]["total"], rows["steals_the_key_files"]["reason"]) == ("1", ""), rows
    assert "tried to read the answer key" in rows["steals_the_key"]["reason"]


def test_the_answer_key_is_hidden_wherever_a_bind_would_show_it(monkeypatch, tmp_path):
    # A survlab installed in the environment (wheel, kit) is under a bind: hidden. The editable
    # source tree is not bound at all: nothing to hide.
    fake = tmp_path / "venv"
    (fake / "lib" / "site" / "survlab" / "answers").mkdir(parents=True)
    monkeypatch.setattr(sandbox, "_venv", lambda: str(fake))
    monkeypatch.setattr(sys, "path", [str(fake / "lib" / "site"), *sys.path])
    assert sandbox.ENV + "/lib/site/survlab/answers" in sandbox.answer_keys_in_view()
    command = sandbox.bwrap_command({})
    assert command[command.index(sandbox.ENV + "/lib/site/survlab/answers") - 1] == "--tmpfs"


# ---- the submissions folder's own files ----

@needs_isolation
def test_links_fifos_folders_and_option_names_each_get_their_own_row(tmp_path, monkeypatch):
    folder = tmp_path / "submissions"
    expected = mc.hostile_folder(folder, tmp_path / "elsewhere")
    victim = (folder / "victim.ipynb").read_bytes()
    out = tmp_path / "grades" / "grades.csv"
    assert main(["grade", LAB, str(folder), "--out", str(out), "--jobs", "2", "--timeout", str(TIMEOUT)]) == 0
    rows = grading.read_csv(out)
    assert set(rows) == set(expected)
    for student, outcome in expected.items():
        if outcome == "graded":
            assert (rows[student]["status"], rows[student]["total"]) == ("graded", "4"), rows[student]
        else:
            assert rows[student]["status"] == "error" and rows[student]["reason"].startswith(outcome), rows[student]
    assert (folder / "victim.ipynb").read_bytes() == victim
    # Files named on the command line after --, as a shell's *.ipynb would give them.
    monkeypatch.chdir(folder)
    names = sorted(p.name for p in folder.iterdir())
    again = tmp_path / "again.csv"
    assert main(["grade", LAB, "--out", str(again), "--jobs", "2", "--timeout", str(TIMEOUT), "--", *names]) == 0
    assert grading.read_csv(again) == rows
    assert (folder / "victim.ipynb").read_bytes() == victim


def test_an_output_file_named_like_a_notebook_is_refused(tmp_path, monkeypatch):
    # What `grade LAB *.ipynb` does in a folder holding `--out=victim.ipynb`, without `--`.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["grade", LAB, str(CASES / "correct.ipynb"), "--out=victim.ipynb"])
    assert not Path("victim.ipynb").exists()


def test_one_name_in_nfc_and_nfd_is_one_student():
    assert grading.student_id(Path("Jos\u00e9.ipynb")) == grading.student_id(Path("Jose\u0301.ipynb"))


# ---- reports are data; nothing raw reaches a terminal or a file ----

CONTROL_OR_BIDI = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x202E, 0x2066]]


@needs_isolation
def test_a_forged_sandbox_error_stops_nothing_and_escapes_reach_nothing_raw(tmp_path, capfd):
    files = [CASES / "forges_a_sandbox_error.ipynb", CASES / "escapes_in_errors.ipynb", CASES / "correct.ipynb"]
    out = tmp_path / "g.csv"
    assert main(["grade", LAB, "--out", str(out), "--jobs", "1", "--timeout", str(TIMEOUT), "--", *map(str, files)]) == 0
    rows = grading.read_csv(out)
    assert rows["correct"]["total"] == "4"
    assert rows["forges_a_sandbox_error"]["status"] == "error"
    assert "the run's report could not be read" in rows["forges_a_sandbox_error"]["reason"]
    assert "\\x1b[2J" in rows["escapes_in_errors"]["reason"] and "\\u202e" in rows["escapes_in_errors"]["reason"]
    captured = capfd.readouterr()
    texts = [out.read_text(), *(p.read_text() for p in (tmp_path / "feedback").glob("*.md")), captured.err.replace(
        "\r", "").replace("\n", "").replace("\x1b[K", "")]
    for text in texts:
        assert not [c for c in CONTROL_OR_BIDI if c in text.replace("\n", "")], text[:300]


def test_printable_escapes_controls_and_bidi():
    assert grading.printable("a\x1b[31m\u202eb\nc\x9b") == "a\\x1b[31m\\u202eb c\\x9b"
    assert grading.safe_cell("line\nbreak\x00") == "line break\\x00"


# ---- the gradebook cannot be broken from inside ----

def _row(**extra):
    return {"student": "kim", "total": "0", "max": "4", "status": "graded", "reason": "", "version_note": "",
            "isolation": "x", **extra}


def test_reasons_and_feedback_are_bounded(tmp_path):
    lab = labs.get(LAB)
    long = grading.Grade("kim", {n: 0.0 for n in lab.answer_names}, grading.ERROR, "x" * 200_000)
    assert len(grading.grade_row(long, lab)["reason"]) <= grading.MAX_REASON_CHARS + 10
    assert len(grading.feedback_text(long, lab)) <= grading.MAX_FEEDBACK_CHARS + 40
    result = grading.judge_one(lab.exercise("people_per_camera"), "y" * 10_000)
    assert len(result.message) <= grading.MAX_MESSAGE_CHARS + 10
    # Each line is cut on its own; the whole file is cut too, for a lab with very many exercises.
    many = dataclasses.replace(lab, exercises=tuple(
        dataclasses.replace(lab.exercises[0], name=f"q{i}") for i in range(200)))
    wordy = grading.Grade("kim", {}, "graded", results=[
        checks.Result(f"q{i}", checks.WRONG, "z" * 10_000) for i in range(200)])
    text = grading.feedback_text(wordy, many)
    assert len(text) <= grading.MAX_FEEDBACK_CHARS + 40 and text.endswith("[feedback cut here]\n")


def test_a_csv_an_older_grader_wrote_with_a_huge_reason_is_read_and_merged(tmp_path):
    lab = labs.get(LAB)
    columns = grading.csv_columns(lab)
    for name, student in (("a.csv", "kim"), ("b.csv", "lee")):
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerow({k: "0" for k in columns} | {"student": student, "reason": "r" * 200_000})
    assert len(grading.read_csv(tmp_path / "a.csv")["kim"]["reason"]) == 200_000
    assert main(["merge", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(tmp_path / "m.csv")]) == 0
    assert sorted(grading.read_csv(tmp_path / "m.csv")) == ["kim", "lee"]


@pytest.mark.parametrize("content,says", [
    (b"student,total\nkim,\xff\xfe4\n", "line 2: not valid UTF-8"),
    (b"student,total\nkim,4\x00\n", "line 2: a NUL character"),
    (b'student,total\nkim,"4\n', "row 1: not a readable CSV row"),
    (b"name,total\nkim,4\n", "is not a grades CSV (no 'student' column)"),
    (b"student,total\n\x1b]0;pwned\x07,4\nx,4\n\x1b]0;pwned\x07,4\n", "students graded in more than one shard"),
])
def test_merge_answers_a_bad_csv_with_file_and_row_never_a_traceback(tmp_path, capsys, content, says):
    bad = tmp_path / "bad\x1b[2J.csv"
    bad.write_bytes(content)
    with pytest.raises(SystemExit) as stopped:
        main(["merge", str(bad), "--out", str(tmp_path / "m.csv")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "bad\\x1b[2J.csv" in err and "Traceback" not in err
    assert "\x1b" not in err and "\x07" not in err
    if says.startswith(("line", "row")):
        with pytest.raises(grading.GradesFileError, match=says.split(":")[0]):
            grading.read_csv(bad)


# ---- bounded parsing in the grader's own process ----

_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from survlab import checks, labs
from underwatch import grading
lab = labs.get("getting-started")
def status(field):
    return int(next(l for l in open("/proc/self/status") if l.startswith(field)).split()[1]) / 1024
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # peak resident size starts again from here
before = status("VmRSS:")
start = time.monotonic()
sub, problem = grading.read_submission(Path(sys.argv[1]), lab)
print(json.dumps({"seconds": time.monotonic() - start, "peak_mb": status("VmHWM:") - before,
                  "problem": problem, "cells": len(sub.cells) if sub else None}))
"""


@pytest.mark.parametrize("name", sorted(mc.crafted_to_cost()))
def test_a_crafted_file_costs_the_grader_seconds_and_under_200_mb(tmp_path, name):
    path = tmp_path / f"{name}.ipynb"
    path.write_bytes(mc.crafted_to_cost()[name])
    assert path.stat().st_size < grading.MAX_NOTEBOOK_BYTES
    result = json.loads(subprocess.run([sys.executable, "-c", _MEASURE, path], capture_output=True, text=True,
                                       check=True).stdout)
    assert result["seconds"] < 5 and result["peak_mb"] < 200, result
    if name in ("cells_300k", "floats_6m", "attachments_100k"):
        assert result["problem"].startswith(("the notebook has too many cells", "the notebook is too complex")), result
    else:
        assert result["problem"] == "" and result["cells"] == 19_000, result


@needs_isolation
def test_large_legitimate_notebooks_are_graded(tmp_path):
    for name, nb in mc.large_legitimate().items():
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    assert len(nbformat.read(tmp_path / "many_cells.ipynb", 4).cells) == 10_000
    assert (tmp_path / "big_cell.ipynb").stat().st_size > 300_000
    rows = grade(sorted(tmp_path.glob("*.ipynb")), tmp_path / "out" / "g.csv", timeout=60)
    for name in ("big_cell", "many_cells"):
        assert (rows[name]["status"], rows[name]["total"], rows[name]["reason"]) == ("graded", "4", ""), rows[name]


# ---- one student does not slow the others ----

@needs_isolation
def test_a_cpu_hog_gets_one_cpu_however_many_processes_it_starts():
    cells = [[0, "import math"], [1, mc.HOGS_THE_CPU]]
    with sandbox.Sandbox(LAB, lanes=1) as box:
        outcome = box.run(cells, timeout=TIMEOUT, memory_mb=512)
    assert outcome.report is not None and outcome.cpu_seconds is not None, outcome
    # Four busy processes for 6 s would use ~12 CPU-seconds on two cores; one CPU's quota allows ~6.
    assert outcome.cpu_seconds < 1.25 * outcome.seconds, outcome


@needs_isolation
def test_a_spent_cpu_budget_ends_the_run_before_the_wall_clock_deadline(monkeypatch):
    # Where no CPU quota can be set, processes on every core spend CPU time faster than the
    # clock runs: the CPU-time deadline stops them. Here the budget reads as spent at once.
    monkeypatch.setattr(sandbox.Slot, "cpu_seconds", lambda self: 1e9)
    with sandbox.Sandbox(LAB, lanes=1) as box:
        outcome = box.run([[0, "import time\ntime.sleep(20)"]], timeout=TIMEOUT, memory_mb=256)
    assert outcome.problem == "timeout" and outcome.seconds < 15, outcome


@needs_isolation
def test_each_submission_cgroup_has_one_cpus_quota():
    # The hog test above cannot fail on a machine already busy (four processes then get about one
    # CPU anyway): this checks the quota itself, in the cgroup a submission joins.
    cgroups, problem = sandbox.Cgroups.detect()
    assert cgroups is not None, problem
    try:
        if not {"cpu", "unified"} & set(cgroups.roots):
            pytest.skip("no cpu controller for the grader's cgroups here")
        slot = cgroups.slot("quota-check", 64 << 20)
        try:
            for folder in slot.dirs:
                if (folder / "cpu.cfs_quota_us").exists():
                    assert (folder / "cpu.cfs_quota_us").read_text().split() == ["100000"]
                    assert (folder / "cpu.cfs_period_us").read_text().split() == ["100000"]
                    break
                if (folder / "cpu.max").exists():
                    assert (folder / "cpu.max").read_text().split() == ["100000", "100000"]
                    break
            else:
                pytest.fail("the submission's cgroup has no CPU quota")
            assert slot.cpu_seconds() is not None
        finally:
            slot.remove()
    finally:
        cgroups.remove()


def test_a_run_slowed_by_others_is_retried_once(monkeypatch):
    box = sandbox.Sandbox(LAB, lanes=1)
    runs = [sandbox.Outcome(None, "timeout", seconds=20, waited_seconds=12), sandbox.Outcome({"answers": {}})]
    monkeypatch.setattr(box, "_run_once", lambda *a, **k: runs.pop(0))
    outcome = box.run([], timeout=5, memory_mb=64)
    assert (outcome.report, outcome.tries) == ({"answers": {}}, 2)
    sleeper = [sandbox.Outcome(None, "timeout", seconds=20, waited_seconds=0.1)]
    monkeypatch.setattr(box, "_run_once", lambda *a, **k: sleeper.pop(0))
    assert box.run([], timeout=5, memory_mb=64).tries == 1  # its own slowness: not run again


def test_not_root_the_grader_refuses_and_says_why(monkeypatch):
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    cgroups, problem = sandbox.Cgroups.detect()
    assert cgroups is None and "can only be created by root" in problem
