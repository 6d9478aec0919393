import nbformat
import pytest

from survlab import runner


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


def test_with_allow_errors_later_cells_still_run_and_errors_are_listed(tmp_path):
    run = runner.run_and_collect(_nb("1 / 0", "people_per_camera = 5"), tmp_path, allow_errors=True)
    assert run.answers == {"people_per_camera": 5}
    assert [str(e) for e in run.errors] == ["cell 0 raised ZeroDivisionError: division by zero"]


def test_a_prelude_runs_first_and_is_not_counted(tmp_path):
    run = runner.run_and_collect(_nb("people_per_camera = marker", "1 / 0"), tmp_path,
                                 allow_errors=True, prelude="marker = 42")
    assert run.answers["people_per_camera"] == 42
    assert run.errors[0].index == 1 and len(run.notebook.cells) == 2


def test_huge_output_is_dropped_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(runner._CappedClient, "output_limit", 100_000)
    run = runner.run_and_collect(_nb("for _ in range(200): print('x' * 10_000)\npeople_per_camera = 1"), tmp_path)
    kept = sum(len(o.get("text", "")) for c in run.notebook.cells for o in c.outputs)
    assert run.output_truncated and kept <= 100_000 and run.answers["people_per_camera"] == 1
