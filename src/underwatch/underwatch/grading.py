"""Grade a class's submissions of one lab: in parallel, each isolated by the operating system,
resumable, shardable across machines.

The grader reads each file itself, with size and depth limits checked before anything is
parsed, and sends only the code cells to the sandbox (``underwatch.sandbox``), where the
notebook runs with no answer key installed. The sandbox reports the answers as plain data;
each is judged here, on its own, against the lab's declarations and the full answer key, so
an answer that cannot be read or judged costs that exercise only. Every finished submission
is written to the CSV at once (atomically), under a lock that keeps a second grader out, with
every text cell made safe for spreadsheets.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import re
import signal
import socket
import stat
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

import survlab
from survlab import checks, labs

from . import sandbox
from .gradebook import details, written_answers
from .sandbox import json_depth_ok  # checked before any parse, here and on the sandbox's reports

GRADED, ERROR = "graded", "error"
MAX_NOTEBOOK_BYTES = 25_000_000  # a lab's student edition is under 1 MB, figures included
MAX_JSON_DEPTH = 64  # a notebook's JSON is about 6 levels deep
MAX_ID_CHARS = 100
# What one notebook may hold, counted on its bytes before it is parsed (a lab has under 100 cells
# and a few thousand JSON values; a legitimate 10,000-cell notebook fits with room to spare):
# together they keep parsing one file to about a second and under 200 MB.
MAX_CELLS = 20_000
MAX_CONTAINERS = 200_000  # JSON objects and arrays
MAX_VALUES = 1_000_000  # every JSON value
MAX_REASON_CHARS = 2_000  # a row's reason: enough for every note, never a wall of student text
MAX_MESSAGE_CHARS = 600  # one exercise's feedback line
MAX_FEEDBACK_CHARS = 64_000
MAX_CSV_FIELD = 1 << 27  # reading: any CSV an earlier grader could have written
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")  # what a spreadsheet may read as a formula (and our escape)


@dataclass
class Grade:
    student: str
    points: dict[str, float]
    status: str
    reason: str = ""
    results: list[checks.Result] = field(default_factory=list)
    version_note: str = ""
    isolation: str = ""
    written: dict[str, str] = field(default_factory=dict)  # tagged Markdown answers, as text (gradebook.written_answers)

    @property
    def total(self) -> float:
        return sum(self.points.values())


class BatchRefused(ValueError):
    """Nothing was graded and nothing written: the message says why."""


def student_id(path: Path) -> str:
    """The student id is the file name without its extension, made safe for a CSV and a path
    (never starting with a character a spreadsheet reads as a formula; long names shortened
    with a hash, so that two long names stay two ids)."""
    stem = path.name[:-len(".ipynb")] if path.name.endswith(".ipynb") else path.stem
    stem = unicodedata.normalize("NFC", stem)  # one name typed on macOS (NFD) or elsewhere (NFC): one id
    clean = re.sub(r"[^\w.-]+", "_", stem).strip("._-") or "unnamed"
    if len(clean) > MAX_ID_CHARS:
        clean = clean[:MAX_ID_CHARS - 11] + "-" + hashlib.sha256(stem.encode("utf-8", "replace")).hexdigest()[:10]
    return clean


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Shard K of N (1-based) holds the students whose id hashes to K - 1 modulo N."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(student.encode()).hexdigest(), 16) % n == k - 1


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard wants K/N with 1 <= K <= N (e.g. 1/4), not {text!r}")
    return int(match[1]), int(match[2])


# ---- reading a submission, with limits before any parsing ----

@dataclass
class Submission:
    notebook: nbformat.NotebookNode
    cells: list[list]  # [index in the notebook, source] of every code cell
    notes: list[str]
    version: Any = None
    counted_cells: int = 0  # code cells, the student edition's environment check left out


ENV_CHECK_TAG = "environment-check"  # underwatch.editions.ENV_CHECK_TAG: only student editions have it


def _counted(cell) -> bool:
    """A code cell that counts when cells are compared with the lab's (not the environment check)."""
    if cell.get("cell_type") != "code":
        return False
    tags = cell.get("metadata", {}).get("tags", [])
    return not (isinstance(tags, list) and ENV_CHECK_TAG in tags)


def file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return kind
    return "not a regular file"


NOT_REGULAR = "cannot read the file: it is not a regular file ({kind}); only regular files are graded"


def _read_bytes(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes (at most the limit): a regular file only, never through a symbolic link
    (a link to a classmate's file or the instructor edition earns nothing), never blocking on a
    FIFO or a device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError as err:
        with contextlib.suppress(OSError):
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return None, NOT_REGULAR.format(kind="a symbolic link")
        return None, f"cannot read the file: {err.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, NOT_REGULAR.format(kind=file_kind(info.st_mode))
        if info.st_size > MAX_NOTEBOOK_BYTES:
            return None, (f"the file is too large to be a lab notebook ({info.st_size / 1e6:.0f} MB; "
                          f"the limit is {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_NOTEBOOK_BYTES:
                return None, f"the file is too large to be a lab notebook (over {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)"
        return b"".join(chunks), ""
    except OSError as err:
        return None, f"cannot read the file: {err.strerror}"
    finally:
        os.close(fd)


def read_submission(path: Path, lab: checks.Lab) -> tuple[Submission | None, str]:
    """The submission, or None and the reason it cannot be graded, in words a student understands."""
    raw, problem = _read_bytes(path)
    if raw is None:
        return None, problem
    if not json_depth_ok(raw, MAX_JSON_DEPTH):
        return None, f"not a notebook: its JSON is nested more than {MAX_JSON_DEPTH} levels deep"
    too_big = _over_limits(raw)
    if too_big:
        return None, too_big
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        return None, f"not a notebook: the file is not valid JSON ({err.__class__.__name__} at byte {getattr(err, 'pos', '?')})"
    except (ValueError, RecursionError) as err:  # e.g. an integer of more than 4,300 digits
        return None, f"not a notebook: the file cannot be read as JSON ({err.__class__.__name__})"
    if not isinstance(data, dict):
        return None, "not a notebook: valid JSON but not in Jupyter's notebook format (not a JSON object)"
    notes = []
    major = data.get("nbformat")
    try:
        if major == 3:
            nb = nbformat.from_dict(_upgrade_from_v3(data))
            notes.append("the notebook was in the old format 3 and was upgraded to format 4")
        elif major == 4:
            nb = nbformat.from_dict(data)
        elif major is None:
            return None, "not a notebook: valid JSON but not in Jupyter's notebook format (it has no 'nbformat' field)"
        else:
            return None, (f"not a notebook: valid JSON but notebook format {printable(major, 20)!r} is not supported "
                          "(formats 3 and 4 are); open it in Jupyter and save it again")
        # What grading reads, checked here (nbformat's full schema validation costs seconds on a
        # large notebook, and judges outputs and ids that grading never uses).
        problem = _shape_problem(nb)
    except Exception as err:  # nbformat raises several types for a malformed notebook
        problem = printable((str(err).splitlines() or [""])[0], 160)
    if problem:
        return None, f"not a notebook: valid JSON but not in Jupyter's notebook format ({problem})"
    meta = nb.metadata.get("survlab")
    version = None
    if meta is not None and not isinstance(meta, dict):
        notes.append("the notebook's 'survlab' metadata is not a mapping and was ignored")
        meta = None
    if meta:
        named = meta.get("lab")
        if isinstance(named, str) and named and named != lab.id:
            return None, f"wrong lab: this is a notebook for lab {named[:60]!r}, not {lab.id!r}"
        if named is not None and not isinstance(named, str):
            notes.append("the notebook's lab id in its metadata is not text and was ignored")
        version = meta.get("version")
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        cells.append([index, "".join(source) if isinstance(source, list) else str(source)])
    return Submission(nb, cells, notes, version, sum(_counted(c) for c in nb.cells)), ""


def _upgrade_from_v3(data: dict) -> dict:
    """What grading reads of a format-3 notebook, in format 4 (nbformat's converter costs
    seconds on a large one): metadata, and each cell's type, source and metadata."""
    worksheets = data.get("worksheets")
    if not isinstance(worksheets, list) or not all(isinstance(w, dict) for w in worksheets):
        raise ValueError("its worksheets are not a list of mappings")
    cells = []
    for cell in (c for w in worksheets for c in (w.get("cells") if isinstance(w.get("cells"), list) else [None])):
        if not isinstance(cell, dict):
            raise ValueError("a cell is not a mapping")
        kind = cell.get("cell_type")
        source = cell.get("input", "") if kind == "code" else cell.get("source", "")
        if kind == "heading":  # format 3's headings are Markdown in format 4
            kind, source = "markdown", "#" * int(cell.get("level", 1) or 1) + " " + (
                "".join(source) if isinstance(source, list) else str(source))
        upgraded = {"cell_type": kind, "source": source, "metadata": cell.get("metadata", {})}
        if kind == "code":
            upgraded.update(outputs=[], execution_count=None)
        cells.append(upgraded)
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": data.get("metadata", {}), "cells": cells}


def _over_limits(raw: bytes) -> str:
    """Why the file holds more than a notebook may, counted on its bytes (no parse), or ''."""
    cells = raw.count(b'"cell_type"')
    if cells > MAX_CELLS:
        return f"the notebook has too many cells to grade ({cells:,}; the limit is {MAX_CELLS:,})"
    containers, values = sandbox.json_counts(raw)
    if containers > MAX_CONTAINERS or values > MAX_VALUES:
        return (f"the notebook is too complex to grade ({containers:,} JSON objects and lists, {values:,} values; "
                f"the limits are {MAX_CONTAINERS:,} and {MAX_VALUES:,})")
    return ""


def _shape_problem(nb) -> str:
    """'' if the notebook has what grading reads (cells, their types, sources, metadata), else what is wrong."""
    if not isinstance(nb.get("metadata", {}), dict):
        return "its metadata is not a mapping"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return "it has no list of cells"
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            return f"cell {index} is not a cell"
        source = cell.get("source", "")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(x, str) for x in source))):
            return f"cell {index}'s source is not text"
        if not isinstance(cell.get("metadata", {}), dict):
            return f"cell {index}'s metadata is not a mapping"
    return ""


@contextlib.contextmanager
def warnings_silenced():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def version_note(recorded: Any) -> str:
    if recorded is None:
        return ""
    if not isinstance(recorded, str):
        return "the notebook's survlab version in its metadata is not text"
    if recorded != survlab.__version__:
        return f"made for survlab {recorded[:40]}, graded with survlab {survlab.__version__}"
    return ""


# ---- judging: every answer on its own ----

def judge_one(exercise: checks.Exercise, answer: Any) -> checks.Result:
    """Judge one answer as plain data from the sandbox; never raises."""
    if isinstance(answer, dict) and set(answer) == {"unreadable"}:
        return checks.Result(exercise.name, checks.WRONG, f"the answer could not be read: {str(answer['unreadable'])[:200]}.")
    if isinstance(answer, dict) and "unsupported_type" in answer:
        return checks.Result(exercise.name, checks.WRONG,
                             f"the answer is a {str(answer['unsupported_type'])[:60]}, which cannot be checked.")
    try:
        result = checks.judge(exercise, answer)
        if len(result.message) > MAX_MESSAGE_CHARS:  # a hint that quotes a huge answer
            result = dataclasses.replace(result, message=result.message[:MAX_MESSAGE_CHARS] + " [...]")
        return result
    except Exception as err:  # noqa: BLE001  (OverflowError, RecursionError and the like)
        return checks.Result(exercise.name, checks.WRONG,
                             f"the answer could not be judged ({type(err).__name__}). The answer should be "
                             f"{exercise.kind.describe()}.")


def _is_key_error(err: dict) -> bool:
    text = f"{err.get('ename')}: {err.get('evalue')}"
    return err.get("ename") == "AnswerKeyUnavailable" or "survlab.answers" in text


def _reason_for(report: dict, lab: checks.Lab, sub: Submission, expected_code_cells, memory_mb: int) -> str:
    reasons = list(sub.notes)
    missing = [n for n in lab.answer_names if n not in report["answers"]]
    # Counting the lab's own cells means reading its source (about a second), so it is done only
    # when it can explain something: answers that are missing.
    expected = expected_code_cells() if missing and callable(expected_code_cells) else (
        expected_code_cells if isinstance(expected_code_cells, int) else 0)
    if sub.counted_cells < expected:
        reasons.append(f"cells deleted ({sub.counted_cells} code cells, the lab has {expected})")
    if missing:
        reasons.append("answer variables missing: " + ", ".join(missing))
    for err in report["errors"]:
        if err["ename"] == "CellTimeoutError":
            reasons.append(f"cell {err['index']} ran too long and was stopped")
        elif err["ename"] == "MemoryError":
            reasons.append(f"cell {err['index']} went over the memory limit of {memory_mb} MB")
        elif _is_key_error(err):
            reasons.append(f"cell {err['index']} tried to read the answer key, which is not available while a "
                           "notebook is graded (no credit for answers taken from it)")
        else:
            reasons.append(f"cell {err['index']} raised {err['ename']}: {err['evalue'][:120]}")
    if report["output_truncated"]:
        reasons.append("output too large: only the first part was kept")
    return "; ".join(reasons)


def clean_report(report: dict) -> dict | None:
    """The report with the shape we expect, or None: it came from the submission's process."""
    answers, errors = report.get("answers"), report.get("errors", [])
    if not isinstance(answers, dict) or not isinstance(errors, list):
        return None
    good = []
    for err in errors[:50]:
        if isinstance(err, dict) and isinstance(err.get("index"), int):
            good.append({"index": err["index"], "ename": str(err.get("ename", ""))[:80],
                         "evalue": str(err.get("evalue", ""))[:500]})
    return {"answers": {str(k): v for k, v in answers.items()}, "errors": good,
            "output_truncated": report.get("output_truncated") is True}


def grade_one(path: Path, lab: checks.Lab, box: sandbox.Sandbox, *, timeout: int, memory_mb: int,
              expected_code_cells: int) -> Grade:
    """Read one submission here, run it in the sandbox, judge its answers here."""
    student = student_id(path)
    zero = {e.name: 0.0 for e in lab.exercises}
    sub, problem = read_submission(path, lab)
    if sub is None:
        return Grade(student, zero, ERROR, problem, isolation=box.description)
    note = version_note(sub.version)
    texts = written_answers.collect(sub.notebook)  # Markdown, never run: read here, not in the sandbox
    outcome = box.run(sub.cells, timeout=timeout, memory_mb=memory_mb)
    report = outcome.report
    if outcome.isolation_failed and not box.unsafe:  # our own process said so, not the submission
        raise sandbox.IsolationUnavailable(sandbox.unavailable_message(printable(report["sandbox_error"], 300)))
    cleaned = clean_report(report) if report is not None and "error" not in report else None
    if cleaned is None:
        reason = "; ".join(sub.notes + [_failure_reason(outcome, timeout, memory_mb)])
        return Grade(student, zero, ERROR, reason, version_note=note, isolation=box.description, written=texts)
    answers = cleaned["answers"]
    results = [judge_one(e, answers.get(e.name, checks.BLANK)) for e in lab.exercises]
    points = {r.exercise: float(lab.exercise(r.exercise).points if r.correct else 0) for r in results}
    return Grade(student, points, GRADED, _reason_for(cleaned, lab, sub, expected_code_cells, memory_mb), results,
                 version_note=note, isolation=box.description, written=texts)


def _failure_reason(outcome: sandbox.Outcome, timeout: int, memory_mb: int) -> str:
    over_memory = f"stopped: it went over the memory limit of {memory_mb} MB"
    if outcome.over_memory:
        return over_memory
    if outcome.problem == "timeout":
        again = " (run twice: the first run was slowed by other work on the machine)" if outcome.tries > 1 else ""
        return f"timed out: still running after {sandbox.hard_limit(timeout)} s and was stopped{again}"
    if outcome.problem == "sandbox":
        return "the grader's sandbox failed while running this notebook; grade it again with --regrade"
    if outcome.report is not None and "error" in outcome.report:
        error = outcome.report.get("error")
        return over_memory if error == "memory" else f"the run failed: {printable(error, 160)}"
    if outcome.problem == "unreadable" or outcome.report is not None:
        return "the run's report could not be read (the notebook wrote over it or made it too large)"
    if outcome.exitcode in (-signal.SIGKILL, -signal.SIGSEGV, 128 + signal.SIGKILL, 128 + signal.SIGSEGV):
        return over_memory + " or crashed"
    return f"the run ended before its answers could be read (exit code {outcome.exitcode})"


# ---- the CSV and feedback files ----

def csv_columns(lab: checks.Lab) -> list[str]:
    return ["student", *lab.answer_names, "total", "max", "status", "reason", "version_note", "isolation"]


_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]")
# Never raw in a terminal, a CSV or a feedback file: C0 and C1 control characters (terminal
# escape sequences start with ESC or CSI), and the Unicode format characters that reorder or
# hide text (bidi embeddings, overrides and isolates; zero-width characters).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                     "\ufeff\ufff9-\ufffb]")


def printable(value: Any, limit: int | None = None) -> str:
    """Text safe to print or store: one line, valid UTF-8, every unsafe character shown as an
    escape (\\x1b, \\u202e); cut to ``limit`` characters first."""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + " [...]"
    text = _LINE_BREAKS.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def safe_cell(value: Any) -> str:
    """Text for a CSV cell: one line, valid UTF-8, no control or bidi character, and never read
    as a formula by a spreadsheet (a leading = + - @ tab or CR, or our own escape ', gets a '
    in front)."""
    text = printable(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    return text.removeprefix("'")


class GradesFileError(BatchRefused):
    """A grades CSV that cannot be read; the message names the file and the row."""


def read_grades_file(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of a grades CSV, as any version of the grader wrote it (long fields
    included); GradesFileError naming the file and row for anything else."""
    path = Path(path)
    name = printable(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise GradesFileError(f"{name}: cannot read it ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise GradesFileError(f"{name}, line {line}: not valid UTF-8 text (byte {err.start}); is it a grades CSV "
                              "saved by the grader (not re-saved by a spreadsheet in another encoding)?") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise GradesFileError(f"{name}, line {line}: a NUL character, which no grades CSV holds")
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, MAX_CSV_FIELD))
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for row in reader:
            rows.append({k: unsafe_cell(v or "") for k, v in row.items() if isinstance(k, str)})
    except csv.Error as err:
        raise GradesFileError(f"{name}, row {len(rows) + 1}: not a readable CSV row "
                              f"({printable(err, 200)})") from None
    finally:
        csv.field_size_limit(previous)
    return list(reader.fieldnames or []), rows


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    if not Path(path).exists():
        return {}
    _, rows = read_grades_file(path)
    return {row["student"]: row for row in rows if row.get("student")}


def write_csv(path: Path, lab: checks.Lab, rows: dict[str, dict[str, str]]) -> None:
    """Write the whole CSV to a temporary file, then rename it: never a half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    columns = csv_columns(lab)
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for student in sorted(rows):
            writer.writerow({k: safe_cell(rows[student].get(k, "")) for k in columns})
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class CsvLock:
    """One batch at a time per CSV: an exclusive lock on ``<csv>.lock``, removed at the end."""

    def __init__(self, csv_path: Path):
        self.csv_path = csv_path
        self.path = csv_path.with_name(csv_path.name + ".lock")
        self.fd: int | None = None

    def __enter__(self) -> CsvLock:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
                os.close(fd)
                raise BatchRefused(f"{self.csv_path} is being written by another grader ({holder}): wait for it to "
                                   f"finish, or grade into another --out file and join the files with "
                                   f"`python -m underwatch merge`") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a lock file that its holder removed while we waited for it
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%H:%M:%S')}".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)


def grade_row(grade: Grade, lab: checks.Lab) -> dict[str, str]:
    row = {"student": grade.student, "total": f"{grade.total:g}", "max": str(lab.total_points),
           "status": grade.status, "reason": printable(grade.reason, MAX_REASON_CHARS),
           "version_note": printable(grade.version_note, MAX_REASON_CHARS),
           "isolation": grade.isolation}
    row.update({name: f"{grade.points.get(name, 0):g}" for name in lab.answer_names})
    return row


def _md(text: str, limit: int = MAX_REASON_CHARS) -> str:
    return printable(text, limit)


def feedback_text(grade: Grade, lab: checks.Lab) -> str:
    lines = [f"# {lab.title}: feedback for {grade.student}", "",
             f"Score: {grade.total:g} of {lab.total_points}", ""]
    if grade.status == ERROR:
        lines += [f"Your notebook could not be graded: {_md(grade.reason)}.", "",
                  "Check that you handed in the right lab as a .ipynb file, that it runs from top "
                  "to bottom (Kernel > Restart and Run All), and hand it in again."]
    else:
        for result, exercise in zip(grade.results, lab.exercises):
            lines.append(f"- **{exercise.prompt}** ({exercise.points} point{'s' if exercise.points != 1 else ''}): "
                         + _md(str(result).split("] ", 1)[1], MAX_MESSAGE_CHARS))
        if grade.reason:
            lines += ["", f"Notes: {_md(grade.reason)}."]
    if grade.version_note:
        lines += ["", f"Library version: {_md(grade.version_note)}."]
    text = "\n".join(lines) + "\n"
    return text if len(text) <= MAX_FEEDBACK_CHARS else text[:MAX_FEEDBACK_CHARS] + "\n\n[feedback cut here]\n"


def write_new_text(path: Path, text: str) -> None:
    """Write a file the grader owns, never through a symbolic link someone left in its place."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


# ---- the batch ----

def _progress(done: int, total: int, grade: Grade, stream=sys.stderr) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {grade.student[:40]}: "
                 f"{grade.total:g} ({grade.status})\033[K")
    if done == total:
        stream.write("\n")
    stream.flush()


def expected_code_cells(lab_id: str) -> int:
    """How many code cells the lab's student edition has, to notice deleted cells."""
    from . import editions
    try:
        sources = editions.lab_sources(editions.NOTEBOOKS_DIR) if editions.NOTEBOOKS_DIR.exists() else {}
        if lab_id not in sources:
            return 0
        student = editions.make_edition(editions.read_lab_source(sources[lab_id]), student=True)
    except Exception:  # noqa: BLE001  (another lab's source being edited must not stop grading)
        return 0
    return sum(_counted(c) for c in student.cells)


def _once(compute):
    """``compute()`` on the first call only (thread-safe), its result after."""
    lock, done = threading.Lock(), []

    def value():
        with lock:
            if not done:
                done.append(compute())
            return done[0]
    return value


def _one_file_per_student(paths: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """One path per student id, and the ids that several files claim (also ids that differ only
    in case, which are one file on a case-insensitive disk), each with its reason: those get an
    error row of their own and none of their files is graded."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(student_id(path).casefold(), []).append(path)
    kept, clashes = [], {}
    for group in groups.values():
        ids = list(dict.fromkeys(student_id(p) for p in group))
        kept += [next(p for p in group if student_id(p) == i) for i in ids]
        if len(group) > 1:
            names = ", ".join(repr(printable(p.name, 80)) for p in group[:5]) + (" ..." if len(group) > 5 else "")
            for i in ids:
                clashes[i] = (f"{len(group)} files map to this student id ({names}): none of them was graded; "
                              "rename them so that each student has one file, and grade again")
    return kept, clashes


def _same_file(path: Path, other: Path) -> bool:
    with contextlib.suppress(OSError):
        return os.path.samefile(path, other) or Path(path).resolve() == Path(other).resolve()
    return Path(path).absolute() == Path(other).absolute()


def _refused(student: str, reason: str, lab: checks.Lab, box: sandbox.Sandbox) -> Grade:
    return Grade(student, {e.name: 0.0 for e in lab.exercises}, ERROR, reason, isolation=box.description)


def submissions_in(folder: Path) -> list[Path]:
    """Every entry named *.ipynb directly in a folder, whatever it is (a link, a folder, a FIFO
    gets its own error row when graded); never parsed as an option, never followed."""
    with os.scandir(folder) as entries:
        return sorted(Path(folder) / e.name for e in entries if e.name.endswith(".ipynb"))


def _refuse_another_labs_csv(out_csv: Path, rows: dict, lab) -> None:
    if rows and not set(lab.answer_names) <= set(next(iter(rows.values()))):
        raise BatchRefused(f"{out_csv} has other columns than lab {lab.id!r} writes: is it another lab's file?")


def grade_batch(lab_id: str, submissions: Iterable[Path], out_csv: Path, *, feedback_dir: Path | None = None,
                jobs: int | None = None, timeout: int = 120, memory_mb: int = 1024,
                regrade: Iterable[str] = (), regrade_all: bool = False, progress: bool = True,
                unsafe_no_isolation: bool = False, shard: tuple[int, int] | None = None) -> dict[str, Grade]:
    """Grade every submission not already in ``out_csv`` (of this shard, if given); return this
    run's grades by student. Raises ``sandbox.IsolationUnavailable`` where submissions cannot be
    isolated (unless ``unsafe_no_isolation``) and ``BatchRefused`` before grading anything."""
    labs.check_id(lab_id)
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    feedback_dir = Path(feedback_dir) if feedback_dir else out_csv.parent / "feedback"
    paths, clashes = _one_file_per_student(sorted({Path(p) for p in submissions}))
    if any(_same_file(p, out_csv) for p in paths):
        raise BatchRefused(f"--out {printable(out_csv)} is one of the submissions: grading would overwrite it")
    with CsvLock(out_csv):
        rows = read_csv(out_csv)
        redo = set(regrade)
        todo = [p for p in paths if in_shard(student_id(p), shard)
                and (regrade_all or student_id(p) in redo or student_id(p) not in rows)]
        graded: dict[str, Grade] = {}
        if not todo:
            _refuse_another_labs_csv(out_csv, rows, labs.get(lab_id))
            return graded
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        box = sandbox.Sandbox(lab_id, lanes=jobs, unsafe=unsafe_no_isolation)
        box.start()  # the servers load the lab while this process loads it (a second for the capstone)
        with contextlib.closing(box):  # closed however this ends, also when the batch is refused: nothing ran
            lab = labs.get(lab_id)
            _refuse_another_labs_csv(out_csv, rows, lab)
            cells = _once(lambda: expected_code_cells(lab.id))
            lock = threading.Lock()
            box.wait_ready()
            pool = ThreadPoolExecutor(max_workers=jobs)
            finished = False
            try:
                feedback_dir.mkdir(parents=True, exist_ok=True)  # only once submissions can be run
                futures = {(pool.submit(_refused, student_id(p), clashes[student_id(p)], lab, box)
                            if student_id(p) in clashes else
                            pool.submit(grade_one, p, lab, box, timeout=timeout, memory_mb=memory_mb,
                                        expected_code_cells=cells)): p for p in todo}
                for done, future in enumerate(as_completed(futures), 1):
                    path = futures[future]
                    try:
                        grade = future.result()
                    except sandbox.IsolationUnavailable:
                        raise  # fail closed: a submission could not be isolated, none is run without it
                    except Exception as err:  # a bug of ours must not stop the batch either
                        grade = Grade(student_id(path), {n: 0.0 for n in lab.answer_names}, ERROR,
                                      f"the grader failed on this file ({err.__class__.__name__}: {printable(err, 200)})",
                                      isolation=box.description)
                    with lock:
                        graded[grade.student] = grade
                        rows[grade.student] = grade_row(grade, lab)
                        write_csv(out_csv, lab, rows)
                        write_new_text(feedback_dir / f"{grade.student}.md", feedback_text(grade, lab))
                        details.write(details.details_dir(out_csv, lab.id), details.record(grade, lab, grade.written))
                    if progress:
                        _progress(done, len(todo), grade)
                finished = True
            finally:
                if not finished:  # interrupted (SIGTERM, Ctrl-C, a crash): stop every run now, not at its deadline
                    box.abort()
                pool.shutdown(wait=True, cancel_futures=True)
    return graded
