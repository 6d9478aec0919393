"""Files each learning platform imports, checked cell by cell against sample exports written in
each platform's own layout (the layouts and the documentation they follow are cited in
underwatch/gradebook/lms.py):

- Canvas: https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
- Moodle: https://docs.moodle.org/311/en/Grade_import ("the same as the corresponding export format")
- Brightspace: https://community.d2l.com/brightspace/kb/articles/3538-importing-grades, https://kb.wisc.edu/page.php?id=4330
- Blackboard: http://library.blackboard.com/ref/3ea64795-6ecc-4abd-b595-0a9a8dfdec94/Content/_instructor_grade_center/grade_center_upload_download.htm
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from survlab import labs
from underwatch import __main__ as cli, grading
from underwatch.gradebook import lms

LAB = labs.get("getting-started")
# grader ids (file names) -> total: by SIS login, by e-mail's local part, by whole e-mail, and one stray
TOTALS = {"kim-01": 4, "sora.lee": 2, "minji.park_uni.edu": 3, "stray-99": 1}

CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Getting started (10234),Current Score,Final Score\n"
    "    Points Possible,,,,,4.00,(read only),(read only)\n"
    '"Kim, Minsu",101,S-0101,kim-01,Section A,,,\n'
    '"Lee, Sora",102,S-0102,sora.lee,Section A,1.00,25.00,25.00\n'
    '"Park, Minji",103,S-0103,minji.park@uni.edu,Section B,,,\n'
    '"Choi, Hana",104,S-0104,hchoi,Section B,,,\n')
MOODLE = (
    "First name,Last name,ID number,Institution,Department,Email address,"
    "Assignment: Getting started (Real),Course total (Real),Last downloaded from this course\n"
    "Minsu,Kim,kim-01,Uni,Media,mkim@uni.edu,-,-,1764892800\n"
    "Sora,Lee,S0102,Uni,Media,sora.lee@uni.edu,1.00,1.00,1764892800\n"
    "Minji,Park,S0103,Uni,Media,minji.park@uni.edu,-,-,1764892800\n"
    "Hana,Choi,S0104,Uni,Media,hchoi@uni.edu,-,-,1764892800\n")
BRIGHTSPACE = (
    "OrgDefinedId,Username,Last Name,First Name,Email,Getting started Points Grade <Numeric MaxPoints:4>,"
    "End-of-Line Indicator\n"
    "#00101,#kim-01,Kim,Minsu,mkim@uni.edu,,#\n"
    "#00102,#slee,Lee,Sora,sora.lee@uni.edu,1,#\n"
    "#00103,#mpark,Park,Minji,minji.park@uni.edu,,#\n"
    "#00104,#hchoi,Choi,Hana,hchoi@uni.edu,,#\n")
BLACKBOARD_HEADER = ["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability",
                     "Getting started [Total Pts: 4 Score] |123456"]
BLACKBOARD_ROWS = [["Kim", "Minsu", "kim-01", "101", "2026-12-01 10:00:00", "Yes", ""],
                   ["Lee", "Sora", "sora.lee", "102", "2026-12-01 10:00:00", "Yes", "1"],
                   ["Park", "Minji", "minji.park@uni.edu", "103", "2026-12-01 10:00:00", "Yes", ""],
                   ["Choi", "Hana", "hchoi", "104", "2026-12-01 10:00:00", "Yes", ""]]


def blackboard_download() -> bytes:
    """As Blackboard's Work Offline > Download writes it: tab-delimited, quoted, UTF-16 with a BOM."""
    lines = ["\t".join(f'"{c}"' for c in row) for row in [BLACKBOARD_HEADER] + BLACKBOARD_ROWS]
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


@pytest.fixture
def grades(tmp_path) -> Path:
    rows = {}
    for student, total in TOTALS.items():
        points = {e.name: (1.0 if i < total else 0.0) for i, e in enumerate(LAB.exercises)}
        rows[student] = grading.grade_row(grading.Grade(student, points, grading.GRADED), LAB)
    path = tmp_path / "grades.csv"
    grading.write_csv(path, LAB, rows)
    return path


def roster(tmp_path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def table(path: Path, encoding="utf-8", delimiter=",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter))


def matching(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.with_name(path.stem + ".matching.csv").open(newline="")))


def test_canvas(grades, tmp_path):
    out = tmp_path / "canvas-import.csv"
    code = cli.main(["export", str(grades), "--lms", "canvas", "--roster", str(roster(tmp_path, "c.csv", CANVAS)),
                     "--out", str(out), "--item", "Getting started"])
    assert code == 1  # stray-99 matches no one: said, listed, not silently dropped
    assert table(out) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Getting started (10234)"],
        ["    Points Possible", "", "", "", "", "4.00"],
        ["Kim, Minsu", "101", "S-0101", "kim-01", "Section A", "4"],
        ["Lee, Sora", "102", "S-0102", "sora.lee", "Section A", "2"],
        ["Park, Minji", "103", "S-0103", "minji.park@uni.edu", "Section B", "3"],
    ]
    side = matching(out)
    assert [(r["Student"], r["submission"], r["matched_by"]) for r in side] == [
        ("Kim, Minsu", "kim-01", "SIS Login ID"), ("Lee, Sora", "sora.lee", "SIS Login ID"),
        ("Park, Minji", "minji.park_uni.edu", "SIS Login ID"), ("Choi, Hana", "", "NO SUBMISSION"),
        ("", "stray-99", "MATCHES NO ROSTER ROW")]


def test_canvas_new_assignment_gets_its_name_and_points(grades, tmp_path):
    out = tmp_path / "new.csv"
    lms.export(grades, "canvas", roster(tmp_path, "c.csv", CANVAS), out, item="Lab 0 (week 2)")
    assert table(out)[0][-1] == "Lab 0 (week 2)"
    assert table(out)[1] == ["    Points Possible", "", "", "", "", "4"]


def test_moodle(grades, tmp_path):
    out = tmp_path / "moodle.csv"
    done = lms.export(grades, "moodle", roster(tmp_path, "m.csv", MOODLE), out, item="Getting started")
    assert table(out) == [
        ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
         "Assignment: Getting started (Real)", "Last downloaded from this course"],
        ["Minsu", "Kim", "kim-01", "Uni", "Media", "mkim@uni.edu", "4", "1764892800"],
        ["Sora", "Lee", "S0102", "Uni", "Media", "sora.lee@uni.edu", "2", "1764892800"],
        ["Minji", "Park", "S0103", "Uni", "Media", "minji.park@uni.edu", "3", "1764892800"],
    ]
    assert [r["matched_by"] for r in matching(out)][:3] == ["ID number", "Email address (before @)", "Email address"]
    assert done.no_row == ["stray-99"] and len(done.no_submission) == 1 and "Choi" in done.no_submission[0]


def test_brightspace(grades, tmp_path):
    out = tmp_path / "d2l.csv"
    lms.export(grades, "brightspace", roster(tmp_path, "b.csv", BRIGHTSPACE), out, item="Getting started")
    assert table(out) == [
        ["OrgDefinedId", "Username", "Getting started Points Grade <Numeric MaxPoints:4>", "End-of-Line Indicator"],
        ["#00101", "#kim-01", "4", "#"],
        ["#00102", "#slee", "2", "#"],
        ["#00103", "#mpark", "3", "#"],
    ]
    out2 = tmp_path / "d2l-new.csv"
    lms.export(grades, "brightspace", roster(tmp_path, "b.csv", BRIGHTSPACE), out2, item="Lab 0")
    assert table(out2)[0] == ["OrgDefinedId", "Username", "Lab 0 Points Grade", "End-of-Line Indicator"]


def test_blackboard_tab_delimited_in_its_own_encoding(grades, tmp_path):
    out = tmp_path / "bb.xls"
    lms.export(grades, "blackboard", roster(tmp_path, "bb.xls", blackboard_download()), out, item="Getting started")
    raw = out.read_bytes()
    assert raw.startswith(b"\xff\xfe")  # UTF-16 with its byte-order mark, as Blackboard downloads it
    assert table(out, "utf-16", "\t") == [
        ["Last Name", "First Name", "Username", "Student ID", "Getting started [Total Pts: 4 Score] |123456"],
        ["Kim", "Minsu", "kim-01", "101", "4"],
        ["Lee", "Sora", "sora.lee", "102", "2"],
        ["Park", "Minji", "minji.park@uni.edu", "103", "3"],
    ]


def test_a_submission_matching_two_rows_is_refused_naming_both(grades, tmp_path):
    twins = CANVAS.replace('"Choi, Hana",104,S-0104,hchoi', '"Kim, Minsu",105,S-0105,kim-other')
    path = roster(tmp_path, "twins.csv", twins)
    rows = {s: grading.grade_row(grading.Grade(s, {e.name: 0.0 for e in LAB.exercises}, grading.GRADED), LAB)
            for s in ("minsu-kim", "hchoi")}
    grading.write_csv(grades, LAB, rows)
    out = tmp_path / "x.csv"
    with pytest.raises(lms.ExportRefused, match=r"'minsu-kim' matches roster row 3 .*'101'.* and roster row 6 .*'105'"):
        lms.export(grades, "canvas", path, out)
    assert not out.exists() and not out.with_name("x.matching.csv").exists()


def test_two_submissions_for_one_row_are_refused(grades, tmp_path):
    rows = {s: grading.grade_row(grading.Grade(s, {e.name: 0.0 for e in LAB.exercises}, grading.GRADED), LAB)
            for s in ("kim-01", "minsu-kim")}
    grading.write_csv(grades, LAB, rows)
    with pytest.raises(lms.ExportRefused, match=r"roster row 3 .* several submissions: \['kim-01', 'minsu-kim'\]"):
        lms.export(grades, "canvas", roster(tmp_path, "c.csv", CANVAS), tmp_path / "x.csv")


def test_the_matching_file_corrected_by_hand_says_who_is_who(grades, tmp_path):
    path = roster(tmp_path, "c.csv", CANVAS)
    out = tmp_path / "canvas.csv"
    lms.export(grades, "canvas", path, out, item="Getting started")
    side = out.with_name("canvas.matching.csv")
    rows = matching(out)
    rows[3]["submission"] = "stray-99"  # the instructor knows stray-99 is Choi Hana
    with side.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    done = lms.export(grades, "canvas", path, out, item="Getting started", mapping=side)
    assert done.no_row == [] and done.no_submission == []
    assert table(out)[-1] == ["Choi, Hana", "104", "S-0104", "hchoi", "Section B", "1"]


@pytest.mark.parametrize("lms_name, content, message", [
    ("canvas", MOODLE, "must start with Student,ID"),
    ("brightspace", CANVAS, "none of the columns"),
    ("blackboard", MOODLE, "none of the columns"),
    ("moodle", BRIGHTSPACE, "looks like a Brightspace export"),
    ("blackboard", BRIGHTSPACE, "looks like a Brightspace export"),
    ("moodle", b"\xff\x00\xfe garbage", "not UTF-8"),
])
def test_a_roster_from_another_platform_is_refused(grades, tmp_path, lms_name, content, message):
    with pytest.raises(lms.ExportRefused, match=message):
        lms.export(grades, lms_name, roster(tmp_path, "r.csv", content), tmp_path / "x.csv")


def test_the_gradebook_with_written_marks_exports_overall(tmp_path):
    path = tmp_path / "gradebook.csv"
    path.write_text("student,total,max,overall,overall_max\nkim-01,4,4,35,44\n")
    out = tmp_path / "c.csv"
    lms.export(path, "canvas", roster(tmp_path, "c.csv", CANVAS), out, item="Lab 0 with reflections")
    assert table(out)[1][-1] == "44" and table(out)[2][-1] == "35"
