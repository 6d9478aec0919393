"""What the grader knew about each answer, kept beside the CSV for the class report and the
marking of written answers: per student one small JSON file, ``details/<lab>/<student>.json``,
beside the grades CSV (one file per student, so shards and re-grades never rewrite a shared file).

For every exercise it records the status and *which* hint fired (``mistake-2``: the exercise's
second foreseeable mistake; ``hint``: its general hint; ``type``: the answer was not of the kind
asked for; ``unreadable``), and the student's written answers as plain text.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from survlab import checks

DETAILS = "details"
MAX_DETAIL_BYTES = 2_000_000  # written answers are bounded well below this (see written.MAX_ANSWER_CHARS)


def hint_key(exercise: checks.Exercise, result: checks.Result) -> str:
    """Which of the exercise's replies the student got: '' when correct."""
    if result.status == checks.CORRECT:
        return ""
    if result.status == checks.BLANK_STATUS:
        return "blank"
    if result.status == checks.UNCHECKED:
        return "unchecked"
    for number, mistake in enumerate(exercise.mistakes, 1):
        if result.message == mistake.hint:
            return f"mistake-{number}"
    if result.message.startswith("the answer could not be"):
        return "unreadable"
    if result.message == (exercise.hint or "check your working and try again."):
        return "hint"
    return "type"  # judge's TypeError: text for a number, not one of the options, not whole


def hint_text(exercise: checks.Exercise, key: str) -> str:
    """The words the student read for a hint key (for the report)."""
    if key.startswith("mistake-"):
        number = int(key.split("-", 1)[1])
        if 1 <= number <= len(exercise.mistakes):
            return exercise.mistakes[number - 1].hint
    return {"hint": exercise.hint or "check your working and try again.",
            "type": "the answer was not of the kind asked for (text for a number, a fraction for a whole "
                    "number, a word not among the options)",
            "unreadable": "the answer could not be read", "blank": "not answered",
            "unchecked": "not checked"}.get(key, key)


def details_dir(out_csv: Path, lab_id: str) -> Path:
    return Path(out_csv).parent / DETAILS / lab_id


def record(grade, lab: checks.Lab, written: dict[str, str] | None = None) -> dict[str, Any]:
    exercises = {}
    for result, exercise in zip(grade.results, lab.exercises):
        exercises[exercise.name] = {"status": result.status, "hint": hint_key(exercise, result)}
    if not grade.results:  # not graded at all: every exercise counts as not answered
        exercises = {e.name: {"status": "error", "hint": ""} for e in lab.exercises}
    return {"student": grade.student, "lab": lab.id, "status": grade.status, "exercises": exercises,
            "written": dict(written or {})}


def write(folder: Path, data: dict[str, Any]) -> Path:
    """Atomically (temporary file, then rename), like the CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['student']}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_all(folder: Path) -> dict[str, dict[str, Any]]:
    """Every student's details in a folder; a file that is not ours is skipped, never trusted."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            if path.stat().st_size > MAX_DETAIL_BYTES:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("student"), str) and isinstance(data.get("exercises"), dict):
            found[data["student"]] = data
    return found
