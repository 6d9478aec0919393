"""The suite's own scheduling: tests that share a build run on one worker."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import group

pytestmark = group("scheduling")

TOY_SUITE = {
    "test_shared_a.py": 'import pytest\npytestmark = pytest.mark.xdist_group("book")\n'
                        + "".join(f"def test_a{i}(): pass\n" for i in range(4)),
    "test_shared_b.py": 'import pytest\npytestmark = pytest.mark.xdist_group("book")\n'
                        + "".join(f"def test_b{i}(): pass\n" for i in range(4)),
    "test_free.py": "".join(f"def test_free{i}(): pass\n" for i in range(8)),
}


def test_loadgroup_sends_a_whole_group_to_one_worker(tmp_path):
    """Without tests/xdist_groups.py, pytest 9.2 with xdist 3.8 spreads the group over both workers."""
    for name, text in TOY_SUITE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    tests = Path(__file__).parent
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "xdist_groups", "-p", "no:cacheprovider",
                             "-n", "2", "--dist", "loadgroup", "-v", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(tests), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout[-3000:]
    ran = re.findall(r"\[(gw\d)\] .*PASSED \S*::(test_\w+)", result.stdout)
    assert len(ran) == 16, result.stdout[-3000:]
    workers_of_group = {worker for worker, test in ran if test.startswith(("test_a", "test_b"))}
    assert len(workers_of_group) == 1, f"the group ran on {sorted(workers_of_group)}:\n{result.stdout[-3000:]}"


SHARING_SUITE = {
    "conftest.py": '''
import time
import pytest
from shared_builds import shared_build

@pytest.fixture(scope="session")
def thing(tmp_path_factory):
    def make(folder):
        with open(tmp_path_factory.getbasetemp().parent.parent / "builds.log", "a") as log:
            log.write("built\\n")
        time.sleep(2)  # long enough that the other worker asks while this one builds
        (folder / "made").write_text("yes")
    return shared_build(tmp_path_factory, "thing", make)

@pytest.fixture(scope="session")
def broken(tmp_path_factory):
    def make(folder):
        time.sleep(1)
        raise RuntimeError("the build broke")
    return shared_build(tmp_path_factory, "broken", make)
''',
    "test_one.py": 'import pytest\npytestmark = pytest.mark.xdist_group("one")\n'
                   'def test_one(thing): assert (thing / "made").read_text() == "yes"\n'
                   'def test_one_broken(broken): pass\n',
    "test_two.py": 'import pytest\npytestmark = pytest.mark.xdist_group("two")\n'
                   'def test_two(thing): assert (thing / "made").read_text() == "yes"\n'
                   'def test_two_broken(broken): pass\n',
}


def test_a_shared_build_is_made_once_for_both_workers_and_its_failure_reported_to_both(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (tmp_path / "run").mkdir()
    for name, text in SHARING_SUITE.items():
        (suite / name).write_text(text, encoding="utf-8")
    tests = Path(__file__).parent
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "xdist_groups", "-p", "no:cacheprovider",
                             "-n", "2", "--dist", "loadgroup", "-v", "--basetemp", str(tmp_path / "run" / "base"),
                             str(suite)], capture_output=True, text=True, cwd=suite,
                            env={"PYTHONPATH": str(tests), "PATH": "/usr/bin:/bin"})
    out = result.stdout
    assert len(set(re.findall(r"\[(gw\d)\] .*PASSED", out))) == 2, f"both workers should have run a test:\n{out[-3000:]}"
    assert re.search(r"PASSED \S*test_one\b", out) and re.search(r"PASSED \S*test_two\b", out), out[-3000:]
    assert (tmp_path / "run" / "builds.log").read_text() == "built\n", "the shared build was made more than once"
    assert out.count("RuntimeError: the build broke") >= 2, out[-4000:]
    assert "the build failed on another worker" in out, out[-4000:]
