"""One submission in the grader's sandbox: a process forked from the warm fork server."""
from __future__ import annotations

import multiprocessing.forkserver
from pathlib import Path

import nbformat
import pytest

from underwatch import sandbox


@pytest.fixture(scope="module", autouse=True)
def server():
    with sandbox.fork_server():
        yield


def run(tmp_path: Path, *sources: str, timeout: int = 10) -> sandbox.Outcome:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A lab")] + [nbformat.v4.new_code_cell(s) for s in sources]
    folder = tmp_path / "submission"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "submission.ipynb")
    return sandbox.run(folder / "submission.ipynb", folder, "getting-started", timeout=timeout, memory_mb=1024)


def test_answers_come_back_as_plain_data_and_missing_ones_are_left_out(tmp_path):
    outcome = run(tmp_path, "import numpy as np\npeople_per_camera = np.float32(200)")
    assert outcome.report == {"answers": {"people_per_camera": 200.0}, "errors": [], "output_truncated": False}


def test_a_raising_cell_is_listed_by_its_index_and_later_cells_still_run(tmp_path):
    outcome = run(tmp_path, "1 / 0", "people_per_camera = 5")
    assert outcome.report["errors"] == [{"index": 1, "ename": "ZeroDivisionError", "evalue": "division by zero"}]
    assert outcome.report["answers"] == {"people_per_camera": 5}


def test_a_cell_past_its_time_limit_is_stopped_and_the_next_one_runs(tmp_path):
    outcome = run(tmp_path, "while True:\n    pass", "people_per_camera = 5", timeout=1)
    assert [e["ename"] for e in outcome.report["errors"]] == ["CellTimeoutError"]
    assert outcome.report["answers"] == {"people_per_camera": 5}


def test_a_submission_runs_in_its_folder_and_may_write_only_there(tmp_path):
    outcome = run(tmp_path, "import os, tempfile\npeople_per_camera = [os.getcwd(), os.environ['HOME'], "
                            "tempfile.gettempdir()]\nopen('notes.txt', 'w').write('mine')",
                  f"open({str(tmp_path / 'escape.txt')!r}, 'w')")
    folder = str(tmp_path / "submission")
    assert outcome.report["answers"]["people_per_camera"] == [folder, folder, folder + "/tmp"]
    assert (tmp_path / "submission" / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "escape.txt").exists()
    assert sandbox.DENIED in outcome.report["errors"][0]["evalue"]


def test_printed_output_is_counted_not_kept(tmp_path):
    outcome = run(tmp_path, "for _ in range(21):\n    print('x' * 1_000_000)", "people_per_camera = 1")
    assert outcome.report["output_truncated"] and outcome.report["answers"] == {"people_per_camera": 1}
    assert run(tmp_path / "small", "print('hello')").report["output_truncated"] is False


def test_figures_are_closed_after_every_cell_as_in_jupyter(tmp_path):
    outcome = run(tmp_path, "import matplotlib.pyplot as plt\nplt.plot([1, 2])",
                  "people_per_camera = len(plt.get_fignums())")
    assert outcome.report["answers"] == {"people_per_camera": 0}


def test_the_fork_server_is_stopped_at_the_end(tmp_path):
    with sandbox.fork_server():
        assert run(tmp_path, "people_per_camera = 1").report["answers"] == {"people_per_camera": 1}
        assert multiprocessing.forkserver._forkserver._forkserver_pid is not None
    assert multiprocessing.forkserver._forkserver._forkserver_pid is None
