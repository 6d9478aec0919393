"""Written answers (reflections, the threat-model write-up): collected at grading time, shown side
by side for marking, and merged into the gradebook.

A lab source marks each written question's answer cell, a **Markdown** cell, with the tag
``written:<question-id>`` (``written:reflection-1``). Markdown is never executed, so the grader
reads the answers from the notebook's JSON in its own process (already parsed with size and depth
limits), not from the sandbox. Each answer is kept as plain text and shown only escaped, on pages
whose Content-Security-Policy allows no script: an answer is hostile input, never HTML.

``python -m underwatch written GRADES_DIR --out marking/`` writes one page per question, the
rubric from the assessment page beside it, and ``marks.csv`` to fill in (anonymous and shuffled
with ``--blind``). ``written --merge marking/marks.csv`` checks every row (a mark above the
question's maximum, an unknown student or question, a missing or repeated mark) and writes
``gradebook.csv`` beside the grades only when all rows are good.
"""
from __future__ import annotations

import csv
import html
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import details
from .written_answers import (HEADING, MAX_ANSWER_CHARS, MAX_QUESTIONS, PLACEHOLDERS,  # noqa: F401
                              QUESTION_ID, WRITTEN_TAG, answer_text, collect, question_ids)

MAX_MARKS_BYTES = 20_000_000
ROOT = Path(__file__).resolve().parents[4]
ASSESSMENT = ROOT / "book" / "instructor" / "assessment.md"
RUBRICS = {"reflection": "### Rubric for reflections", "threat-model": "### Rubric for the threat model"}
MARKS_COLUMNS = ["student", "question", "max", "mark", "comment"]
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class MarksRefused(ValueError):
    """The marks cannot be merged; nothing was written. The message names every bad row."""


# ---- the questions and rubrics, from the course's own sources ----

@dataclass
class Question:
    id: str
    text: str
    rubric: str  # "reflection" or "threat-model"
    title: str = ""

    @property
    def maximum(self) -> int:
        return 4 * len(rubric_table(self.rubric)[1])


def _numbered_items(markdown: str) -> list[str]:
    items: list[str] = []
    for line in markdown.splitlines():
        m = re.match(r"^(\d+)\.\s+(.*)", line)
        if m:
            items.append(m[2].strip())
        elif items and line.startswith("   ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def lab_source(lab_id: str, folder: Path | None = None) -> Path | None:
    """The lab's MyST source, found by its front matter (``survlab: {lab: <id>}``) without parsing
    the other labs."""
    from .. import editions

    pattern = re.compile(r"^\s+lab:\s*['\"]?" + re.escape(lab_id) + r"['\"]?\s*$", re.M)
    for path in sorted(Path(folder or editions.NOTEBOOKS_DIR).glob("*.md")):
        head = path.read_text(encoding="utf-8").split("\n---", 2)[0]
        if pattern.search(head):
            return path
    return None


def lab_questions(lab_id: str) -> dict[str, Question]:
    """The written questions of a lab, read from its source: the tagged answer cells, each with its
    question's words (the Reflection list's item N for ``reflection-N``, else the cell's heading)."""
    from .. import editions

    source = lab_source(lab_id)
    if source is None:
        return {}
    nb = editions.read_lab_source(source)
    reflection: list[str] = []
    found: dict[str, Question] = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## Reflection" in cell.source:
            reflection = _numbered_items(cell.source.split("## Reflection", 1)[1].split("\n## ", 1)[0])
        for qid in question_ids(cell):
            m = re.fullmatch(r"reflection-(\d+)", qid)
            if m and 1 <= int(m[1]) <= len(reflection):  # roles such as {term}`x` read as plain words
                text = editions._plain_roles(reflection[int(m[1]) - 1])
                title = f"Reflection question {m[1]}"
            else:
                text = (cell.source.strip().splitlines() or [qid])[0].strip().strip("*").strip()
                title = "Threat-model write-up" if qid.startswith("threat-model") else f"Written question {qid}"
            text = re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)  # the page shows text, not Markdown
            found[qid] = Question(qid, text, "threat-model" if qid.startswith("threat-model") else "reflection", title)
    return found


def rubric_table(kind: str) -> tuple[list[str], list[list[str]]]:
    """The rubric's table from the assessment page: (header, rows)."""
    text = ASSESSMENT.read_text(encoding="utf-8")
    section = text.split(RUBRICS[kind], 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([c.strip().replace("**", "") for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    header, body = rows[0], [r for r in rows[2:]]
    return header, body


# ---- pages and the marks CSV ----

PAGE_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a;
background:#fff;line-height:1.5}a{color:#0b4f9c}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}
.answer{white-space:pre-wrap;overflow-wrap:anywhere;border-left:4px solid #0b4f9c;padding:.5rem 1rem;background:#f4f6f8}
.blank{color:#444;font-style:italic}"""


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def rubric_html(kind: str) -> str:
    header, rows = rubric_table(kind)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + f'<th scope="row">{html.escape(r[0])}</th>'
                   + "".join(f"<td>{html.escape(c)}</td>" for c in r[1:]) + "</tr>" for r in rows)
    return f"<table><caption>Score each row from 1 to 4</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Marking:
    pages: list[Path]
    marks: Path
    answers: int


def _grades_students(grades_csv: Path) -> list[str]:
    from .. import grading

    return sorted(grading.read_csv(grades_csv))


def _is_grades(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        header = f.readline().strip().split(",")
    return header[:1] == ["student"] and "total" in header


def find_grades(grades_dir: Path) -> tuple[Path, str]:
    """The grades CSV in a folder and its lab (from the details folder beside it)."""
    grades_dir = Path(grades_dir)
    csvs = [grades_dir] if grades_dir.is_file() else sorted(
        p for p in grades_dir.glob("*.csv") if p.name != "gradebook.csv" and _is_grades(p))
    labs_found = sorted(p.name for p in (grades_dir if grades_dir.is_dir() else grades_dir.parent).joinpath(
        details.DETAILS).glob("*") if p.is_dir())
    if len(csvs) != 1:
        raise FileNotFoundError(f"{grades_dir}: expected one grades CSV, found {[p.name for p in csvs] or 'none'}")
    if len(labs_found) != 1:
        raise FileNotFoundError(f"{grades_dir}: expected the grader's details/<lab>/ folder for one lab, found "
                                f"{labs_found or 'none'} (grade with this version of the grader first)")
    return csvs[0], labs_found[0]


def write_marking(grades_dir: Path, out: Path, *, blind: bool = False, seed: int | None = None) -> Marking:
    grades_csv, lab_id = find_grades(grades_dir)
    answers = details.read_all(grades_csv.parent / details.DETAILS / lab_id)
    questions = lab_questions(lab_id)
    if not questions:
        raise FileNotFoundError(f"lab {lab_id!r} has no written questions (no answer cell tagged 'written:...')")
    students = _grades_students(grades_csv)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    order = list(students)
    codes = {s: s for s in students}
    if blind:
        random.Random(seed).shuffle(order)
        codes = {s: f"S{i:04d}" for i, s in enumerate(order, 1)}
    pages, rows, count = [], [], 0
    for q in questions.values():
        items = []
        for student in order:
            text = answers.get(student, {}).get("written", {}).get(q.id)
            who = html.escape(codes[student])
            if text:
                count += 1
                items.append(f'<h3 id="{who}">{who}</h3><div class="answer">{html.escape(text)}</div>')
                rows.append([codes[student], q.id, q.maximum, "", ""])
            else:
                said = "no answer cell (deleted)" if text is None else "blank"
                items.append(f'<h3 id="{who}">{who}</h3><p class="blank">{said}</p>')
                rows.append([codes[student], q.id, q.maximum, "0", f"no answer ({said})"])
        name = f"{lab_id}--{q.id}.html"
        body = (f"<h1>{html.escape(q.title)}</h1><blockquote><p>{html.escape(q.text)}</p></blockquote><p>Lab {html.escape(lab_id)}; {len(order)} students"
                f"{', anonymous, in a shuffled order' if blind else ''}. Mark in <code>marks.csv</code> "
                f"(column <code>mark</code>, out of {q.maximum}).</p><h2>Rubric</h2>{rubric_html(q.rubric)}"
                f"<h2>Answers</h2>{''.join(items)}")
        (out / name).write_text(page(f"{q.title} ({lab_id})", body), encoding="utf-8")
        pages.append(out / name)
    links = "".join(f'<li><a href="{p.name}">{html.escape(q.title)}</a>: {html.escape(q.text)}</li>' for p, q in zip(pages, questions.values()))
    (out / "index.html").write_text(page(f"Written answers: {lab_id}", f"<h1>Written answers: {html.escape(lab_id)}</h1>"
                                         f"<ul>{links}</ul>"), encoding="utf-8")
    _write_rows(out / "marks.csv", MARKS_COLUMNS, rows)
    if blind:  # who is who, kept out of the pages and the marks file
        _write_rows(out / "key.csv", ["code", "student"], [[codes[s], s] for s in order])
    manifest = {"grades": str(grades_csv.resolve()), "lab": lab_id, "blind": blind,
                "questions": {q.id: q.maximum for q in questions.values()}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return Marking(pages, out / "marks.csv", count)


def _write_rows(path: Path, header: list[str], rows: list[list]) -> None:
    from ..grading import safe_cell

    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([safe_cell(c) for c in row] for row in rows)
    os.replace(tmp, path)


# ---- merging the marks into the gradebook ----

def _read_marks(path: Path) -> list[dict[str, str]]:
    from ..grading import unsafe_cell

    if path.stat().st_size > MAX_MARKS_BYTES:
        raise MarksRefused(f"{path}: too large to be a marks file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            rows = [{k: unsafe_cell((v or "").strip()) for k, v in row.items() if k is not None} for row in reader]
            header = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error) as err:
        raise MarksRefused(f"{path}: not a readable CSV ({err})") from None
    missing = [c for c in ("student", "question", "mark") if c not in header]
    if missing:
        raise MarksRefused(f"{path}: no column {missing} (the file written by `written` has {MARKS_COLUMNS})")
    return rows


def merge_marks(marks_csv: Path, out: Path | None = None) -> Path:
    """Check every row of the marks file, then write the gradebook: the grades CSV's columns, one
    ``written:<question>`` column per question, ``written_total``, ``overall`` and ``overall_max``.
    Nothing is written when any row is wrong; the error names each bad row (line in the file)."""
    from .. import grading

    marks_csv = Path(marks_csv)
    manifest_path = marks_csv.parent / "manifest.json"
    if not manifest_path.exists():
        raise MarksRefused(f"{manifest_path} is missing: merge the marks.csv that `written` wrote, in its folder")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    questions: dict[str, int] = manifest["questions"]
    grades_csv = Path(manifest["grades"])
    grades = grading.read_csv(grades_csv)
    codes = {s: s for s in grades}
    if manifest.get("blind"):
        if not (marks_csv.parent / "key.csv").exists():
            raise MarksRefused(f"{marks_csv.parent / 'key.csv'} is missing: these marks are anonymous; put the key "
                               "that `written --blind` wrote back beside marks.csv to merge them")
        with (marks_csv.parent / "key.csv").open(newline="", encoding="utf-8") as f:
            codes = {row["code"]: grading.unsafe_cell(row["student"]) for row in csv.DictReader(f)}
    problems: list[str] = []
    marks: dict[tuple[str, str], float] = {}
    seen: set[tuple[str, str]] = set()  # rows found, good or bad: a bad row is not also "missing"
    for line, row in enumerate(_read_marks(marks_csv), 2):
        who, qid, text = row.get("student", ""), row.get("question", ""), row.get("mark", "")
        where = f"{marks_csv.name} line {line} ({who or '?'}, {qid or '?'})"
        student = codes.get(who)
        if student is None or student not in grades:
            problems.append(f"{where}: unknown student {who!r}")
            continue
        if qid not in questions:
            problems.append(f"{where}: unknown question {qid!r}; the questions are {sorted(questions)}")
            continue
        if (student, qid) in seen:
            problems.append(f"{where}: a second row for the same answer")
            continue
        seen.add((student, qid))
        if not text:
            problems.append(f"{where}: no mark")
            continue
        try:
            mark = float(text)
        except ValueError:
            problems.append(f"{where}: the mark {text!r} is not a number")
            continue
        if not 0 <= mark <= questions[qid]:
            problems.append(f"{where}: the mark {text} is outside 0 to {questions[qid]}")
            continue
        marks[(student, qid)] = mark
    code_of = {name: code for code, name in codes.items()}
    for student in sorted(grades):
        for qid in questions:
            if (student, qid) not in seen:
                problems.append(f"{marks_csv.name}: no row for {code_of.get(student, student)}, {qid}")
    if problems:
        raise MarksRefused(f"{len(problems)} problem(s) in the marks, nothing written:\n  "
                           + "\n  ".join(problems[:50]) + (f"\n  and {len(problems) - 50} more" if len(problems) > 50 else ""))
    columns = list(next(iter(grades.values())).keys()) if grades else ["student"]
    extra = [f"written:{q}" for q in questions] + ["written_total", "written_max", "overall", "overall_max"]
    written_max = sum(questions.values())
    rows = []
    for student in sorted(grades):
        row = dict(grades[student])
        total = 0.0
        for qid in questions:
            row[f"written:{qid}"] = f"{marks[(student, qid)]:g}"
            total += marks[(student, qid)]
        lab_total = float(row.get("total") or 0)
        lab_max = float(row.get("max") or 0)
        row.update({"written_total": f"{total:g}", "written_max": str(written_max),
                    "overall": f"{lab_total + total:g}", "overall_max": f"{lab_max + written_max:g}"})
        rows.append([row.get(c, "") for c in columns + extra])
    out = Path(out) if out else grades_csv.with_name("gradebook.csv")
    _write_rows(out, columns + extra, rows)
    return out

