"""Run a lab notebook in a fresh kernel and read its answers out as plain data.

The answers leave the kernel as JSON and are judged in the caller's process, so nothing
a notebook does to the check functions inside its own kernel can change a verdict.
"""
from __future__ import annotations

import ast
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from survlab import labs

from . import kernel


class LabExecutionError(RuntimeError):
    """A notebook failed to run; the message names the notebook and the cell."""


@dataclass
class Run:
    notebook: nbformat.NotebookNode
    answers: dict[str, Any]  # only the answer variables that exist in the kernel


def collect_cell(lab_id: str, marker: str) -> str:
    """A last cell whose value carries the lab's answer variables as JSON, after ``marker``."""
    # The last expression's repr is read back; a fresh marker per run cannot be forged in advance.
    return (
        "import json as _survlab_json\n"
        "from survlab import labs as _survlab_labs\n"
        "from survlab.checks import collect_answers as _survlab_collect\n"
        f"'{marker}' + _survlab_json.dumps(_survlab_collect(_survlab_labs.get({lab_id!r}), globals()))"
    )


def _first_error(nb: nbformat.NotebookNode) -> int:
    for index, cell in enumerate(nb.cells):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return index
    return -1


def run_and_collect(nb: nbformat.NotebookNode, cwd: str | Path, *, name: str = "<notebook>",
                    timeout: int = 120, lab_id: str | None = None) -> Run:
    """Execute a lab notebook in a Jupyter kernel, as a student would, then read its answer
    variables out of the kernel as plain data. The first failing cell raises LabExecutionError
    naming the cell. (The grader runs submissions differently: underwatch.sandbox.)
    """
    lab_id = lab_id or nb.metadata["survlab"]["lab"]
    labs.get(lab_id)  # fail early on an unknown lab
    marker = f"SURVLAB-ANSWERS-{secrets.token_hex(8)}:"
    own = nbformat.from_dict(nb)  # a copy: the caller's notebook stays as it was
    own.cells.append(nbformat.v4.new_code_cell(collect_cell(lab_id, marker)))
    try:
        kernel.execute(own, timeout=timeout, cwd=cwd)
    except CellTimeoutError as err:
        raise LabExecutionError(f"{name}: a cell ran longer than {timeout} s") from err
    except CellExecutionError as err:
        index = _first_error(own)
        source = nb.cells[index].source if 0 <= index < len(nb.cells) else ""
        raise LabExecutionError(f"{name}: cell {index} raised {err.ename}: {err.evalue}\n"
                                f"--- cell source ---\n{source}") from err
    except DeadKernelError as err:
        raise LabExecutionError(f"{name}: the kernel died (out of memory?): {err}") from err
    answers = read_answers(own.cells.pop(), marker)
    if answers is None:
        raise LabExecutionError(f"{name}: the answers could not be read back from the kernel")
    return Run(own, answers)


def read_answers(collect: nbformat.NotebookNode, marker: str) -> dict[str, Any] | None:
    """The answers a run of :func:`collect_cell` printed, or None if it printed none."""
    for out in collect.get("outputs", []):
        text = out.get("data", {}).get("text/plain", "") if out.get("output_type") == "execute_result" else ""
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) and value.startswith(marker):
            return json.loads(value[len(marker):])
    return None
