"""Run a lab notebook in a fresh kernel and read its answers out as plain data.

The answers leave the kernel as JSON and are judged in the caller's process, so nothing
a notebook does to the check functions inside its own kernel can change a verdict.
"""
from __future__ import annotations

import ast
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from . import labs

OUTPUT_LIMIT_BYTES = 20_000_000  # beyond this a notebook's outputs are dropped, not kept in memory


class LabExecutionError(RuntimeError):
    """A notebook failed to run; the message names the notebook and the cell."""


@dataclass
class CellError:
    index: int  # counted among the notebook's own cells, from 0
    ename: str
    evalue: str

    def __str__(self) -> str:
        return f"cell {self.index} raised {self.ename}: {self.evalue}"


@dataclass
class Run:
    notebook: nbformat.NotebookNode
    answers: dict[str, Any]  # only the answer variables that exist in the kernel
    errors: list[CellError] = field(default_factory=list)
    output_truncated: bool = False


class _CappedClient(NotebookClient):
    """A client that stops keeping outputs past a size limit (a notebook printing
    hundreds of megabytes must not exhaust the grader's memory)."""

    output_limit = OUTPUT_LIMIT_BYTES
    uncapped_from_cell = 10**9
    kept = 0
    truncated = False

    def output(self, outs, msg, display_id, cell_index):
        if cell_index < self.uncapped_from_cell:
            size = len(json.dumps(msg.get("content", {})))
            if self.kept + size > self.output_limit:
                self.truncated = True
                return None
            self.kept += size
        return super().output(outs, msg, display_id, cell_index)


def _collect_cell(lab_id: str, marker: str) -> str:
    # The last expression's repr is read back; a fresh marker per run cannot be forged in advance.
    return (
        "import json as _survlab_json\n"
        "from survlab import labs as _survlab_labs\n"
        "from survlab.checks import collect_answers as _survlab_collect\n"
        f"'{marker}' + _survlab_json.dumps(_survlab_collect(_survlab_labs.get({lab_id!r}), globals()))"
    )


def _errors(nb: nbformat.NotebookNode, offset: int) -> list[CellError]:
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(CellError(index - offset, out.get("ename", "?"), out.get("evalue", "")))
    return found


def run_and_collect(nb: nbformat.NotebookNode, cwd: str | Path, *, name: str = "<notebook>",
                    timeout: int = 120, allow_errors: bool = False, prelude: str = "",
                    lab_id: str | None = None) -> Run:
    """Execute a lab notebook, then read its answer variables out of the kernel as plain data.

    ``allow_errors``: keep going past a raising or timed-out cell (the grader's partial
    credit); otherwise the first failure raises LabExecutionError naming the cell.
    ``prelude``: code run first, in a cell of its own (the grader's sandbox).
    """
    lab_id = lab_id or nb.metadata["survlab"]["lab"]
    labs.get(lab_id)  # fail early on an unknown lab
    marker = f"SURVLAB-ANSWERS-{secrets.token_hex(8)}:"
    own = nbformat.from_dict(nb)  # a copy: the caller's notebook stays as it was
    offset = 1 if prelude else 0
    if prelude:
        own.cells.insert(0, nbformat.v4.new_code_cell(prelude))
    own.cells.append(nbformat.v4.new_code_cell(_collect_cell(lab_id, marker)))
    client = _CappedClient(own, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                           interrupt_on_timeout=allow_errors, resources={"metadata": {"path": str(cwd)}})
    client.uncapped_from_cell = len(own.cells) - 1
    try:
        client.execute()
    except CellTimeoutError as err:
        raise LabExecutionError(f"{name}: a cell ran longer than {timeout} s") from err
    except CellExecutionError as err:
        raised = _errors(own, offset)
        index = raised[0].index if raised else -1
        source = nb.cells[index].source if 0 <= index < len(nb.cells) else ""
        raise LabExecutionError(f"{name}: cell {index} raised {err.ename}: {err.evalue}\n"
                                f"--- cell source ---\n{source}") from err
    except DeadKernelError as err:
        raise LabExecutionError(f"{name}: the kernel died (out of memory?): {err}") from err
    collect = own.cells.pop()
    if prelude:
        own.cells.pop(0)
    errors = _errors(own, 0)
    for out in collect.get("outputs", []):
        text = out.get("data", {}).get("text/plain", "") if out.get("output_type") == "execute_result" else ""
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) and value.startswith(marker):
            return Run(own, json.loads(value[len(marker):]), errors, client.truncated)
    after = f" after cell {errors[-1].index} raised {errors[-1].ename}" if errors else ""
    raise LabExecutionError(f"{name}: the answers could not be read back from the kernel{after}")
