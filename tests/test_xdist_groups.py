"""The suite's own scheduling: tests that share a build run on one worker."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
