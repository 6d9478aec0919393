"""What the book says, in one JSON file: every glued value and every answer key's expected value.

``python -m underwatch values`` writes it after a build (``make html`` does); tests compare it
with ``tests/reference/book-values.json``, each value within its own tolerance, and name every
value that moved. A dependency upgrade or a new machine that changes what the text says then
fails loudly instead of printing a contradiction. After a deliberate change, refresh the
reference with ``python -m underwatch values --out tests/reference/book-values.json``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

GLUED_NUMBER_RTOL = 1e-6  # a glued number printed with more digits than this holds is a page defect


def answer_values() -> dict[str, dict[str, Any]]:
    """Each lab exercise's expected value, with the tolerance its check uses."""
    from survlab import checks, labs

    out: dict[str, dict[str, Any]] = {}
    for lab in labs.all_labs():
        for ex in lab.exercises:
            value = checks.to_plain(ex.expected_value())
            kind = ex.kind
            if isinstance(kind, checks.Choice):
                entry = {"value": str(value), "kind": "choice"}
            elif isinstance(kind, checks.WholeNumber):
                entry = {"value": value, "kind": "whole"}
            else:
                entry = {"value": value, "kind": "number", "rtol": kind.rtol, "atol": kind.atol}
            out[f"{lab.id}/{ex.name}"] = entry
    return out


def glue_in(nb) -> dict[str, str]:
    """Each value the notebook glued, as printed (``editions.glued_in``)."""
    from .editions import glued_in

    return glued_in(nb)


def glued_values(root: str | Path, cache_path: str | Path) -> dict[str, dict[str, Any]]:
    """Every value a page glues, as the page prints it, from the build's execution cache."""
    from . import editions
    from .execute import notebook_pages

    root = Path(root)
    out: dict[str, dict[str, Any]] = {}
    for path in notebook_pages(root):
        nb = editions.with_cached_outputs(editions.read_lab_source(path), cache_path)
        page = path.relative_to(root).with_suffix("").as_posix()
        for name, text in glue_in(nb).items():
            out[f"{page}::{name}"] = {"value": text, "kind": "glued"}
    return out


def _number(text: Any) -> float | None:
    try:
        return float(str(text).replace(",", "").strip("'\""))
    except ValueError:
        return None


def _same(ref: dict[str, Any], cur: dict[str, Any]) -> bool:
    a, b = ref["value"], cur["value"]
    kind = ref.get("kind")
    if kind == "number":
        return math.isclose(float(b), float(a), rel_tol=ref.get("rtol", 0.0), abs_tol=ref.get("atol", 0.0))
    if kind == "glued":
        x, y = _number(a), _number(b)
        if x is not None and y is not None:
            return math.isclose(x, y, rel_tol=GLUED_NUMBER_RTOL, abs_tol=0.0)
    return a == b


def compare(reference: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]],
            only: str | None = None) -> list[str]:
    """One line per value that moved, appeared or disappeared (``only``: 'glued' or 'answers')."""
    def wanted(key: str) -> bool:
        return only is None or (("::" in key) == (only == "glued"))

    problems = []
    for key in sorted(k for k in reference if wanted(k)):
        if key not in current:
            problems.append(f"{key}: in the reference, no longer produced")
        elif not _same(reference[key], current[key]):
            tol = reference[key]
            what = (f" (tolerance rtol={tol.get('rtol', 0)}, atol={tol.get('atol', 0)})"
                    if tol.get("kind") == "number" else "")
            problems.append(f"{key}: was {reference[key]['value']!r}, now {current[key]['value']!r}{what}")
    for key in sorted(k for k in current if wanted(k) and k not in reference):
        problems.append(f"{key}: new, not in the reference (refresh it if this is deliberate)")
    return problems


def write(path: str | Path, values: dict[str, dict[str, Any]]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read(path: str | Path) -> dict[str, dict[str, Any]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: cannot be read as the book's values (JSON): {err}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) and "value" in v for v in data.values()):
        raise ValueError(f"{path}: expected an object of {{name: {{'value': ...}}}} entries")
    return data
