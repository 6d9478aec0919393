"""Written answers: collected by the grader from tagged Markdown cells, shown escaped for marking
(optionally blind), and merged into the gradebook with every bad row named and nothing half-written.

One real batch (Lab 0, five students) is graded once for the module; the marking, the merge and
the report are then run on what the grader wrote.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS
from underwatch import __main__ as cli, editions, grading, sandbox
from underwatch.gradebook import details, report, written

CASES = Path(__file__).parent / "grading_cases"
sys.path.insert(0, str(CASES))
import make_cases as mc  # noqa: E402

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> **bold** [link](http://example.org)'
UNSAFE = bool(sandbox.availability())  # where isolation is missing, grade these trusted notebooks without it


def answer_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {qid: cell for cell in nb.cells for qid in written.question_ids(cell)}


def with_answers(nb, answers: dict[str, str]):
    cells = answer_cells(nb)
    for qid, text in answers.items():
        cells[qid].source = f"**Your answer to reflection question {qid[-1]}.**\n\n{text}"
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    nbs = {
        "alice": with_answers(mc.solved(), {"reflection-1": "Footage stays on recorders; " + HOSTILE,
                                            "reflection-2": "Where are the cameras?\nWho watches?"}),
        "bob": with_answers(mc.answered(mc.WRONG), {"reflection-1": "Only question one."}),  # 2 left as given
        "carol": mc.student_edition(),  # nothing answered
        "dave": mc.answered(mc.WRONG),
        "eve": with_answers(mc.solved(), {"reflection-2": "Copied cell, part one."}),
    }
    # carol deleted her answer cells; eve copied one (both copies count)
    nbs["carol"].cells = [c for c in nbs["carol"].cells if not written.question_ids(c)]
    copy = nbformat.from_dict(json.loads(json.dumps(answer_cells(nbs["eve"])["reflection-2"])))
    copy.id = "copied-cell"
    copy.source = "**Your answer to reflection question 2.**\n\nand part two."
    nbs["eve"].cells.append(copy)
    for name, nb in nbs.items():
        nbformat.write(nb, subs / f"{name}.ipynb")
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    grading.grade_batch("getting-started", sorted(subs.glob("*.ipynb")), out, jobs=2, timeout=20,
                        progress=False, unsafe_no_isolation=UNSAFE)
    return out


# ---- the lab sources and editions carry the tags ----

def test_every_reflection_question_has_a_tagged_answer_cell():
    from survlab import labs

    sources = {lab.id: written.lab_source(lab.id, NOTEBOOKS) for lab in labs.all_labs()}
    assert len(sources) >= 13 and None not in sources.values()
    for lab_id, path in sources.items():
        questions = written.lab_questions(lab_id)
        text = path.read_text(encoding="utf-8")
        items = re.findall(r"^\d+\.\s", text.split("## Reflection", 1)[1].split("\n## Summary", 1)[0], re.M)
        assert sorted(q for q in questions if q.startswith("reflection")) == \
            sorted(f"reflection-{i}" for i in range(1, len(items) + 1)), path
        for q in questions.values():  # the question's own words, not the tag
            assert len(q.text) > 40 and "{term}" not in q.text, (path, q)
    assert "threat-model" in written.lab_questions("capstone-week")
    assert written.lab_questions("capstone-week")["threat-model"].maximum == 24
    assert written.lab_questions("getting-started")["reflection-1"].maximum == 20


def test_student_edition_keeps_only_the_written_tags():
    nb = mc.student_edition()
    tagged = [c.metadata["tags"] for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("tags")]
    assert tagged == [["written:reflection-1"], ["written:reflection-2"]]
    assert written.collect(nb) == {"reflection-1": "", "reflection-2": ""}  # the placeholder is a blank answer


@pytest.mark.parametrize("lab", sorted(p.name for p in (NOTEBOOKS.parent / "ko" / "notebooks").glob("*.md")))
def test_a_korean_student_editions_untouched_answer_cells_are_blank(lab):
    """The Korean labs' answer cells (heading and placeholder in Korean) count as blank until written in."""
    source = NOTEBOOKS.parent / "ko" / "notebooks" / lab
    nb = editions.make_edition(editions.read_lab_source(source), student=True, source=source)
    answers = written.collect(nb)
    english = written.collect(editions.make_edition(editions.read_lab_source(NOTEBOOKS / lab), student=True,
                                                    source=NOTEBOOKS / lab))
    assert set(answers) == set(english) and answers, lab
    assert all(text == "" for text in answers.values()), {k: v[:60] for k, v in answers.items() if v}


def test_collect_reads_only_well_formed_tags_and_bounds_the_text():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["written:ok-1"]}, "source": ["**Your answer x.**\n", "hi"]},
        {"cell_type": "markdown", "metadata": {"tags": "written:not-a-list"}, "source": "x"},
        {"cell_type": "markdown", "metadata": {"tags": ["written:../../etc", "written:" + "a" * 60, 7]}, "source": "x"},
        {"cell_type": "code", "metadata": {"tags": ["written:code"]}, "source": "x = 1"},
        {"cell_type": "markdown", "metadata": {"tags": ["written:long"]}, "source": "y" * (written.MAX_ANSWER_CHARS * 5)},
        "not a cell",
    ]}
    found = written.collect(nb)
    assert set(found) == {"ok-1", "long"}
    assert found["ok-1"] == "hi"
    assert len(found["long"]) == written.MAX_ANSWER_CHARS
    assert written.collect({"cells": "nope"}) == {} and written.collect([]) == {}


# ---- what the grader recorded ----

def test_grader_records_hints_and_written_answers(graded):
    info = details.read_all(graded.parent / "details" / "getting-started")
    assert set(info) == {"alice", "bob", "carol", "dave", "eve"}
    assert info["alice"]["written"]["reflection-1"].endswith(HOSTILE)
    assert info["bob"]["written"] == {"reflection-1": "Only question one.", "reflection-2": ""}
    assert info["carol"]["written"] == {}  # cells deleted: absent, not blank
    assert info["eve"]["written"]["reflection-2"] == "Copied cell, part one.\n\nand part two."
    # the hint that fired: WRONG's people_per_camera is cameras per person, the exercise's first mistake
    assert info["bob"]["exercises"]["people_per_camera"] == {"status": "wrong", "hint": "mistake-1"}
    assert info["carol"]["exercises"]["people_per_camera"] == {"status": "blank", "hint": "blank"}
    assert info["alice"]["exercises"]["people_per_camera"] == {"status": "correct", "hint": ""}


# ---- marking pages ----

def test_marking_pages_show_answers_escaped_beside_the_rubric(graded, tmp_path):
    done = written.write_marking(graded.parent, tmp_path / "marking")
    assert [p.name for p in done.pages] == ["getting-started--reflection-1.html", "getting-started--reflection-2.html"]
    page = done.pages[0].read_text(encoding="utf-8")
    assert "<script" not in page and "onerror=\"" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" not in page  # the CSP is not escaped away
    assert "default-src 'none'" in page
    for criterion in ("Uses the numbers", "Limits and uncertainty", "Evidence", "People", "Clarity"):
        assert f'<th scope="row">{criterion}</th>' in page
    assert "<h1>Reflection question 1</h1><blockquote><p>The city" in page and "*anyone*" not in page
    assert "no answer cell (deleted)" in page  # carol
    with (tmp_path / "marking" / "marks.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10
    by = {(r["student"], r["question"]): r for r in rows}
    assert by[("alice", "reflection-1")]["mark"] == "" and by[("alice", "reflection-1")]["max"] == "20"
    assert by[("bob", "reflection-2")]["mark"] == "0" and "blank" in by[("bob", "reflection-2")]["comment"]


def test_blind_marking_hides_names_and_shuffles(graded, tmp_path):
    a = written.write_marking(graded.parent, tmp_path / "a", blind=True, seed=1)
    b = written.write_marking(graded.parent, tmp_path / "b", blind=True, seed=2)
    pages = a.pages[0].read_text(encoding="utf-8")
    for name in ("alice", "bob", "carol", "dave", "eve"):
        assert not re.search(rf"\b{name}\b", pages)
        assert not re.search(rf"\b{name}\b", (tmp_path / "a" / "marks.csv").read_text())
    order = lambda d: [r["student"] for r in csv.DictReader((d / "key.csv").open())]  # noqa: E731
    assert sorted(order(tmp_path / "a")) == ["alice", "bob", "carol", "dave", "eve"]
    assert order(tmp_path / "a") != order(tmp_path / "b")


# ---- merging marks ----

def fill(marks: Path, change=lambda rows: rows) -> None:
    rows = list(csv.DictReader(marks.open(newline="")))
    for r in rows:
        if r["mark"] == "":
            r["mark"] = "15"
    rows = change(rows)
    with marks.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=written.MARKS_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def test_marks_round_trip_into_the_gradebook(graded, tmp_path):
    written.write_marking(graded.parent, tmp_path / "m", blind=True, seed=3)
    fill(tmp_path / "m" / "marks.csv")
    out = tmp_path / "gradebook.csv"
    assert cli.main(["written", "--merge", str(tmp_path / "m" / "marks.csv")]) == 0
    default = graded.with_name("gradebook.csv")
    assert default.exists()
    path = written.merge_marks(tmp_path / "m" / "marks.csv", out)
    book = {r["student"]: r for r in csv.DictReader(path.open(newline=""))}
    assert book["alice"]["written:reflection-1"] == "15" and book["alice"]["written:reflection-2"] == "15"
    assert book["bob"]["written:reflection-2"] == "0"
    assert book["alice"]["overall"] == str(int(book["alice"]["total"]) + 30)
    assert book["alice"]["overall_max"] == "44" and book["alice"]["written_max"] == "40"
    assert set(book) == {"alice", "bob", "carol", "dave", "eve"}
    default.unlink()


@pytest.mark.parametrize("change, message", [
    (lambda rows: [dict(r, mark="21") if i == 0 else r for i, r in enumerate(rows)], "line 2 .* outside 0 to 20"),
    (lambda rows: [dict(r, mark="") if i == 1 else r for i, r in enumerate(rows)], "line 3 .*: no mark"),
    (lambda rows: [dict(r, mark="lots") if i == 1 else r for i, r in enumerate(rows)], "line 3 .* not a number"),
    (lambda rows: rows + [dict(rows[0], student="mallory")], "line 12 .*unknown student 'mallory'"),
    (lambda rows: rows + [dict(rows[0], question="reflection-9")], "line 12 .*unknown question"),
    (lambda rows: rows + [rows[0]], "line 12 .*second row"),
    (lambda rows: rows[1:], r"no row for \w+, reflection-1"),
])
def test_bad_marks_are_refused_naming_the_row_and_nothing_is_written(graded, tmp_path, change, message):
    written.write_marking(graded.parent, tmp_path / "m")
    fill(tmp_path / "m" / "marks.csv", change)
    out = tmp_path / "gradebook.csv"
    out.write_text("earlier gradebook\n")
    with pytest.raises(written.MarksRefused, match=message):
        written.merge_marks(tmp_path / "m" / "marks.csv", out)
    assert out.read_text() == "earlier gradebook\n"
    assert cli.main(["written", "--merge", str(tmp_path / "m" / "marks.csv")]) == 1
    assert not graded.with_name("gradebook.csv").exists()


def test_report_on_a_real_batch(graded, tmp_path):
    page = report.write_report(graded, tmp_path / "report").read_text(encoding="utf-8")
    assert "mistake-1" in page and "that is cameras per person" in page
    assert "<th scope=\"row\">carol</th>" in page  # blanks: followed up


def test_blind_marks_need_their_key(graded, tmp_path):
    written.write_marking(graded.parent, tmp_path / "m", blind=True, seed=5)
    fill(tmp_path / "m" / "marks.csv")
    (tmp_path / "m" / "key.csv").rename(tmp_path / "key-kept-away.csv")
    with pytest.raises(written.MarksRefused, match="key.csv is missing"):
        written.merge_marks(tmp_path / "m" / "marks.csv", tmp_path / "gradebook.csv")
    assert not (tmp_path / "gradebook.csv").exists()
