"""The class report: one offline HTML page that answers "what do I go over again next week?".

``python -m underwatch report grades.csv --out report/`` reads the grades CSV and the grader's
details beside it (``details/<lab>/``: which hint each answer triggered) and writes
``report/index.html``: one file, no network (figures are SVG inside ``data:`` URIs, no script, a
Content-Security-Policy that forbids fetching anything), with headings, alt text, tables with
header cells and colours that pass WCAG AA contrast (tests/test_report.py runs axe on it in
Chromium). Student ids and reasons are escaped: they come from submissions.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from survlab import checks, labs

from . import details

# Colour-blind-safe (Okabe-Ito) fills; each bar segment is also labelled in the tables.
CORRECT_C, WRONG_C, BLANK_C, ERROR_C = "#009E73", "#D55E00", "#999999", "#000000"
TOP_MISTAKES = 10
STYLE = """body{font-family:system-ui,sans-serif;max-width:64rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a;
background:#fff;line-height:1.5}table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600}
th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right}
img{max-width:100%;height:auto}.first{border:2px solid #0b4f9c;padding:.5rem 1rem;background:#f4f6f8}"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class ExerciseStats:
    name: str
    prompt: str
    correct: int = 0
    wrong: int = 0
    blank: int = 0
    error: int = 0  # notebook could not be graded at all
    discrimination: float | None = None
    hints: Counter = field(default_factory=Counter)

    @property
    def n(self) -> int:
        return self.correct + self.wrong + self.blank + self.error


def lab_for_columns(columns: list[str], likely: list[str] = ()) -> checks.Lab:
    """The lab whose exercises are the CSV's points columns. The ``likely`` ids (from the details
    folders beside the CSV) are tried first: importing every lab costs seconds."""
    names = columns[columns.index("student") + 1:columns.index("total")] if "total" in columns else []
    for lab_id in likely:
        try:
            lab = labs.get(lab_id)
        except KeyError:
            continue
        if lab.answer_names == names:
            return lab
    for lab in labs.all_labs():
        if lab.answer_names == names:
            return lab
    raise ValueError(f"no lab has the exercises {names}: is this a grades CSV written by `underwatch grade`?")


def read_grades(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    from ..grading import unsafe_cell

    with Path(path).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [{k: unsafe_cell(v or "") for k, v in row.items() if k is not None} for row in reader]
        return list(reader.fieldnames or []), rows


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """Correlation of an exercise's 0/1 score with the rest of the lab's total (the corrected
    point-biserial): near 0 or negative means the exercise does not separate strong from weak."""
    n = len(item)
    if n < 3:
        return None
    mi, mr = sum(item) / n, sum(rest) / n
    sxy = sum((a - mi) * (b - mr) for a, b in zip(item, rest))
    sxx = sum((a - mi) ** 2 for a in item)
    syy = sum((b - mr) ** 2 for b in rest)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def analyse(lab: checks.Lab, rows: list[dict[str, str]], info: dict[str, dict]) -> list[ExerciseStats]:
    stats = [ExerciseStats(e.name, e.prompt) for e in lab.exercises]
    totals = [float(r.get("total") or 0) for r in rows]
    for s, exercise in zip(stats, lab.exercises):
        scores = []
        for row in rows:
            got = float(row.get(s.name) or 0)
            scores.append(1.0 if got > 0 else 0.0)
            if row.get("status") == "error":
                s.error += 1
                continue
            record = info.get(row["student"], {}).get("exercises", {}).get(s.name)
            if got > 0:
                s.correct += 1
            elif record and record.get("status") == checks.BLANK_STATUS:
                s.blank += 1
            else:
                s.wrong += 1
                if record and record.get("hint"):
                    s.hints[record["hint"]] += 1
        points = exercise.points
        s.discrimination = point_biserial(scores, [t - x * points for t, x in zip(totals, scores)])
    return stats


def figure(draw, alt: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = draw(plt)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue().encode()).decode()
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}">'


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def build(grades_csv: Path, details_folder: Path | None = None) -> str:
    columns, rows = read_grades(grades_csv)
    beside = Path(grades_csv).parent / details.DETAILS
    lab = lab_for_columns(columns, sorted(p.name for p in beside.glob("*") if p.is_dir()) if beside.is_dir() else [])
    folder = Path(details_folder) if details_folder else details.details_dir(Path(grades_csv), lab.id)
    info = details.read_all(folder) if folder.is_dir() else {}
    stats = analyse(lab, rows, info)
    n = len(rows)
    maximum = lab.total_points
    totals = [float(r.get("total") or 0) for r in rows]
    e = html.escape
    parts = [f"<h1>Class report: {e(lab.title)}</h1>",
             f"<p>{n} student(s) in <code>{e(Path(grades_csv).name)}</code>; lab <code>{e(lab.id)}</code>, "
             f"{maximum} point(s). Details of hints: {'yes, ' + str(len(info)) + ' student(s)' if info else 'none found (graded before hints were recorded, or --details not given): blank and wrong answers are counted together as wrong'}.</p>"]
    # --- the first question, answered first
    hardest = sorted(stats, key=lambda s: s.correct / s.n if s.n else 1)[:3]
    mistakes = Counter()
    for s in stats:
        for key, count in s.hints.items():
            mistakes[(s.name, key)] += count
    top = mistakes.most_common(TOP_MISTAKES)
    first = ["<section class=\"first\" aria-labelledby=\"next-week\"><h2 id=\"next-week\">To go over next week</h2><ul>"]
    for s in hardest:
        first.append(f"<li><strong>{e(s.prompt)}</strong> (<code>{e(s.name)}</code>): {_pct(s.correct, s.n)} correct, "
                     f"{_pct(s.blank, s.n)} blank.</li>")
    for (name, key), count in top[:3]:
        first.append(f"<li>{count} student(s) got this hint on <code>{e(name)}</code>: "
                     f"“{e(details.hint_text(lab.exercise(name), key))}”</li>")
    first.append("</ul></section>")
    parts += first
    # --- totals
    mean = sum(totals) / n if n else 0
    parts.append("<h2>Distribution of totals</h2>")
    if n:
        def draw_totals(plt):
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.hist(totals, bins=[x - 0.5 for x in range(0, int(maximum) + 2)], color="#0b4f9c", edgecolor="white")
            ax.set_xlabel(f"points (of {maximum})")
            ax.set_ylabel("students")
            return fig
        counts = Counter(int(round(t)) for t in totals)
        alt = (f"Histogram of the {n} students' totals from 0 to {maximum} points; mean {mean:.1f}. "
               + "; ".join(f"{k} points: {counts.get(k, 0)}" for k in range(0, int(maximum) + 1)))
        parts.append(figure(draw_totals, alt))
        parts.append(f"<p>Mean {mean:.2f} of {maximum}; "
                     f"{sum(t >= maximum for t in totals)} full marks; {sum(t == 0 for t in totals)} with none.</p>")
    # --- per exercise
    parts.append("<h2>Each exercise: correct, wrong, blank</h2>")

    def draw_shares(plt):
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(stats) + 1.2))
        names = [s.name for s in stats][::-1]
        left = [0.0] * len(stats)
        for label, colour, attr in (("correct", CORRECT_C, "correct"), ("wrong", WRONG_C, "wrong"),
                                    ("blank", BLANK_C, "blank"), ("not gradable", ERROR_C, "error")):
            values = [100 * getattr(s, attr) / s.n if s.n else 0 for s in stats][::-1]
            ax.barh(names, values, left=left, color=colour, label=label)
            left = [a + b for a, b in zip(left, values)]
        ax.set_xlabel("share of students (%)")
        ax.set_xlim(0, 100)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False)
        return fig
    alt = "Stacked bars, one per exercise, of the share of students correct, wrong, blank and not gradable: " + "; ".join(
        f"{s.name} {_pct(s.correct, s.n)} correct, {_pct(s.wrong, s.n)} wrong, {_pct(s.blank, s.n)} blank"
        for s in stats)
    parts.append(figure(draw_shares, alt))
    table = ["<table><caption>Each exercise (discrimination: point-biserial correlation of the exercise with the rest "
             "of the lab; below 0.2 the exercise separates strong from weak students poorly)</caption><thead><tr>"
             + "".join(f'<th scope="col">{h}</th>' for h in ("exercise", "question", "correct", "wrong", "blank",
                                                            "not gradable", "discrimination")) + "</tr></thead><tbody>"]
    for s in stats:
        d = "–" if s.discrimination is None else f"{s.discrimination:.2f}"
        table.append(f'<tr><th scope="row"><code>{e(s.name)}</code></th><td>{e(s.prompt)}</td>'
                     f'<td class="n">{_pct(s.correct, s.n)}</td><td class="n">{_pct(s.wrong, s.n)}</td>'
                     f'<td class="n">{_pct(s.blank, s.n)}</td><td class="n">{_pct(s.error, s.n)}</td><td class="n">{d}</td></tr>')
    parts.append("".join(table) + "</tbody></table>")
    # --- mistakes
    parts.append("<h2>Most frequent mistakes, by the hint they triggered</h2>")
    if top:
        def draw_mistakes(plt):
            fig, ax = plt.subplots(figsize=(7, 0.4 * len(top) + 1))
            labels = [f"{name}: {key}" for (name, key), _ in top][::-1]
            ax.barh(labels, [c for _, c in top][::-1], color=WRONG_C)
            ax.set_xlabel("students")
            return fig
        parts.append(figure(draw_mistakes, "Bar chart of the most frequent mistakes: " + "; ".join(
            f"{name} {key}, {count} students" for (name, key), count in top)))
        rows_html = "".join(f'<tr><th scope="row"><code>{e(name)}</code></th><td>{e(key)}</td>'
                            f'<td>{e(details.hint_text(lab.exercise(name), key))}</td><td class="n">{count}</td></tr>'
                            for (name, key), count in top)
        parts.append('<table><caption>Hints shown to students, most frequent first</caption><thead><tr>'
                     '<th scope="col">exercise</th><th scope="col">hint</th><th scope="col">what the student read</th>'
                     f'<th scope="col">students</th></tr></thead><tbody>{rows_html}</tbody></table>')
    else:
        parts.append("<p>No hint was recorded (no wrong answers, or no details beside the grades).</p>")
    # --- students to follow up
    follow = []
    for row in rows:
        blanks = [s.name for s in stats
                  if info.get(row["student"], {}).get("exercises", {}).get(s.name, {}).get("status") == checks.BLANK_STATUS]
        if row.get("status") == "error" or blanks or row.get("reason"):
            follow.append((row, blanks))
    parts.append(f"<h2>Students with blanks or errors ({len(follow)})</h2>")
    if follow:
        body = "".join(f'<tr><th scope="row">{e(r["student"])}</th><td>{e(r.get("status", ""))}</td>'
                       f'<td>{e(", ".join(b))}</td><td>{e(r.get("reason", ""))}</td></tr>' for r, b in follow)
        parts.append('<table><caption>Students whose notebook had blank answers, failing cells or could not be '
                     'graded</caption><thead><tr><th scope="col">student</th><th scope="col">status</th>'
                     f'<th scope="col">blank answers</th><th scope="col">reason</th></tr></thead><tbody>{body}</tbody></table>')
    else:
        parts.append("<p>None.</p>")
    versions = [r for r in rows if r.get("version_note")]
    parts.append(f"<h2>Notebooks made with another library version ({len(versions)})</h2>")
    if versions:
        body = "".join(f'<tr><th scope="row">{e(r["student"])}</th><td>{e(r["version_note"])}</td></tr>' for r in versions)
        parts.append('<table><caption>Re-check these rows if the lab changed between the versions</caption><thead><tr>'
                     f'<th scope="col">student</th><th scope="col">note</th></tr></thead><tbody>{body}</tbody></table>')
    else:
        parts.append("<p>None.</p>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Class report: {e(lab.title)}</title><style>{STYLE}</style></head><body><main>"
            + "\n".join(parts) + "</main></body></html>\n")


def write_report(grades_csv: Path, out_dir: Path, details_folder: Path | None = None) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(build(Path(grades_csv), details_folder), encoding="utf-8")
    tmp.replace(path)
    return path
