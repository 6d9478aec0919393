"""Fail closed, the unsafe flag, clean-up whatever happens, and proof that the attack tests
in tests/test_grading.py are real: without isolation the same notebooks do escape."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from underwatch.__main__ import main

from underwatch import grading, sandbox

CASES = Path(__file__).parent / "grading_cases"
sys.path.insert(0, str(CASES))
import make_cases as mc


from conftest import GRADER  # noqa: E402

pytestmark = [*GRADER]

UNAVAILABLE = sandbox.availability()
needs_isolation = pytest.mark.skipif(bool(UNAVAILABLE), reason=f"no isolation here: {UNAVAILABLE}")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader runs on Linux")


def _refused(tmp_path, monkeypatch, match: str) -> None:
    out = tmp_path / "grades.csv"
    with pytest.raises(sandbox.IsolationUnavailable, match=match) as refused:
        grading.grade_batch("getting-started", [CASES / "correct.ipynb"], out, progress=False)
    assert "--unsafe-no-isolation" in str(refused.value)
    assert sorted(os.listdir(tmp_path)) == []  # nothing was run, nothing written


def test_without_bubblewrap_the_grader_refuses_and_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    _refused(tmp_path, monkeypatch, r"bubblewrap is not installed .*apt-get install bubblewrap")


def test_without_linux_the_grader_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    _refused(tmp_path, monkeypatch, "Linux namespaces and cgroups, which darwin does not have")


@linux_only
def test_without_a_memory_cgroup_the_grader_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "isolation_problem", lambda: "")
    monkeypatch.setattr(sandbox.Cgroups, "detect", classmethod(lambda cls: (None, "only root can create one here")))
    _refused(tmp_path, monkeypatch, "no memory limit can be enforced: only root can create one here")


@needs_isolation
def test_where_namespaces_fail_the_grader_refuses(tmp_path, monkeypatch):
    real = sandbox.bwrap_command
    # As if user namespaces were disabled: bwrap cannot set up the sandbox.
    monkeypatch.setattr(sandbox, "bwrap_command", lambda config: real(config) + ["--userns", "9999"])
    _refused(tmp_path, monkeypatch, "the sandbox failed to start")


def test_the_command_line_refuses_with_a_message_and_status_3(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    status = main(["grade", "getting-started", str(CASES / "correct.ipynb"), "--out", str(tmp_path / "g.csv")])
    assert status == 3 and "cannot isolate submissions: bubblewrap is not installed" in capsys.readouterr().err
    assert not (tmp_path / "g.csv").exists()


@linux_only
def test_the_unsafe_flag_is_explicit_and_recorded_in_the_csv(tmp_path, capsys):
    out = tmp_path / "g.csv"
    status = main(["grade", "getting-started", str(CASES / "correct.ipynb"), str(CASES / "wrong.ipynb"),
                   "--out", str(out), "--unsafe-no-isolation", "--jobs", "1"])
    assert status == 0 and "WARNING: --unsafe-no-isolation" in capsys.readouterr().err
    with out.open(newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert {s: (r["total"], r["isolation"]) for s, r in rows.items()} == {
        "correct": ("4", "NONE (--unsafe-no-isolation)"), "wrong": ("0", "NONE (--unsafe-no-isolation)")}


@linux_only
def test_without_isolation_the_same_attacks_do_escape(tmp_path, monkeypatch):
    """The attack tests are not vacuous: run unsafe, the file attack overwrites the canary and
    the snoop finds what the sandbox hides. (Only these two, harmless, cases are run unsafe.)"""
    Path(mc.CANARY_FILE).write_text("untouched")
    try:
        out = tmp_path / "g.csv"
        grading.grade_batch("getting-started", [CASES / "escapes_by_files.ipynb", CASES / "snoops.ipynb"], out,
                            jobs=1, timeout=20, progress=False, unsafe_no_isolation=True)
        assert Path(mc.CANARY_FILE).read_text() != "untouched"
        assert "FOUND:" in grading.read_csv(out)["snoops"]["reason"]
    finally:
        for path in (mc.CANARY_FILE, mc.CLASSMATE, "/tmp/underwatch-canary-fifo"):
            Path(path).unlink(missing_ok=True)


@needs_isolation
def test_a_stopped_grader_cleans_up_everything(tmp_path):
    """SIGTERM (what a batch engine sends) in the middle of a batch: the sandboxes, cgroups and
    the lock are gone (a cgroup folder can only be removed once every process in it is dead)."""
    out = tmp_path / "grades.csv"
    proc = subprocess.Popen([sys.executable, "-m", "underwatch", "grade", "getting-started",
                             str(CASES / "correct.ipynb"), str(CASES / "ignores_the_time_limit.ipynb"),
                             "--out", str(out), "--jobs", "1", "--timeout", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not grading.read_csv(out) and time.monotonic() < deadline:  # the first row: the batch is under way
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 143
    assert not (tmp_path / "grades.csv.lock").exists()
    leftovers = [p for root in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids"))
                 if root.is_dir() for p in root.rglob(f"underwatch-{proc.pid}-*")]
    assert leftovers == []
    assert list(grading.read_csv(out)) == ["correct"]


@needs_isolation
def test_cgroups_of_a_killed_grader_are_removed_by_the_next(tmp_path):
    cgroups, _ = sandbox.Cgroups.detect()
    try:
        root = next(iter(cgroups.roots.values())).parent
        stale = root / "underwatch-999999999-dead"
        stale.mkdir()
        (stale / "s1").mkdir()
    finally:
        cgroups.remove()
    again, _ = sandbox.Cgroups.detect()
    again.remove()
    assert not stale.exists()


@pytest.mark.skipif(not (sys.platform == "linux" and shutil.which("bwrap") and os.geteuid() == 0),
                    reason="the machine kind CI uses: Linux, bubblewrap installed, run as root")
def test_isolation_works_where_ci_runs_so_the_attack_tests_cannot_skip_silently():
    # Where bubblewrap and root are there, every isolation test must run, not skip: a checkout
    # under /tmp once hid the environment from the sandbox and turned them all into skips.
    assert sandbox.availability() == ""
