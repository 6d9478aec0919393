import nbformat
import pytest

from underwatch import runner


def _nb(*sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["survlab"] = {"lab": "getting-started"}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_answers_come_back_as_plain_data(tmp_path):
    run = runner.run_and_collect(_nb("import numpy as np\npeople_per_camera = np.float32(200)"), tmp_path)
    assert run.answers["people_per_camera"] == 200.0
    assert "orders_apart" not in run.answers


def test_a_faked_check_inside_the_kernel_changes_nothing(tmp_path):
    nb = _nb("import survlab.checks as c\nc.judge = lambda *a: 'correct'\npeople_per_camera = 1")
    run = runner.run_and_collect(nb, tmp_path)
    assert run.answers["people_per_camera"] == 1  # the caller judges it: wrong


def test_a_raising_cell_is_named(tmp_path):
    with pytest.raises(runner.LabExecutionError, match=r"lab.md: cell 1 raised ZeroDivisionError"):
        runner.run_and_collect(_nb("x = 1", "1 / 0"), tmp_path, name="lab.md")


def test_a_cell_that_hangs_times_out(tmp_path):
    with pytest.raises(runner.LabExecutionError, match="longer than 2 s"):
        runner.run_and_collect(_nb("while True: pass"), tmp_path, timeout=2)


def test_a_kernel_that_did_not_start_is_tried_once_more_and_a_notebooks_own_error_is_not(tmp_path, monkeypatch):
    """Kernels started at once can pick the same TCP port ("Address already in use"): such a
    start is tried again; a failure of the notebook itself is reported at once."""
    from nbclient import NotebookClient

    original, starts = NotebookClient.execute, []

    def first_start_fails(self, **kwargs):
        starts.append(1)
        if len(starts) == 1:
            raise RuntimeError("Kernel didn't respond in 30 seconds")
        return original(self, **kwargs)

    monkeypatch.setattr(NotebookClient, "execute", first_start_fails)
    assert runner.run_and_collect(_nb("people_per_camera = 3"), tmp_path).answers["people_per_camera"] == 3
    assert len(starts) == 2
    starts.clear()
    starts.append(1)  # from here on every start succeeds: an error must come from the notebook
    with pytest.raises(runner.LabExecutionError, match="ZeroDivisionError"):
        runner.run_and_collect(_nb("1 / 0"), tmp_path, name="lab.md")
    assert len(starts) == 2
