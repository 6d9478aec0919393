"""The class report: numbers right, hostile ids escaped, one offline page that opens in Chromium
with its figures, asks no host for anything, and passes axe (WCAG 2.1 A and AA), as the site does
in tests/test_browser.py."""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import numpy as np
import pytest

from gradebook_data import synthetic_class
from survlab import labs
from underwatch import __main__ as cli, grading
from underwatch.gradebook import details, report, written

LAB = labs.get("getting-started")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    return synthetic_class(tmp_path_factory.mktemp("class"), 120, seed=4)


def test_point_biserial_is_pearson_on_a_binary_item():
    rng = np.random.default_rng(1)
    item = (rng.random(50) > 0.5).astype(float)
    rest = item * 2 + rng.normal(size=50)
    assert report.point_biserial(list(item), list(rest)) == pytest.approx(np.corrcoef(item, rest)[0, 1])
    assert report.point_biserial([1.0, 1.0, 1.0], [0.0, 1.0, 2.0]) is None  # everyone right: no information


def test_shares_and_mistakes_match_the_details(klass):
    _, rows = report.read_grades(klass)
    info = details.read_all(klass.parent / "details" / LAB.id)
    stats = report.analyse(LAB, rows, info)
    first = stats[0]
    assert first.n == 120
    correct = sum(1 for r in rows if r["status"] == "graded" and r[first.name] == "1")
    blank = sum(1 for r in rows if info[r["student"]]["exercises"][first.name]["status"] == "blank")
    assert (first.correct, first.blank) == (correct, blank)
    assert first.correct + first.wrong + first.blank + first.error == 120
    hints = sum(1 for r in rows if info[r["student"]]["exercises"][first.name]["hint"] == "mistake-1")
    assert first.hints["mistake-1"] == hints > 0


def test_page_is_one_offline_file_with_escaped_ids(klass, tmp_path):
    rows = grading.read_csv(klass)
    hostile = '<img src=x onerror=alert(1)>'
    rows["student-00001"]["reason"] = hostile
    grading.write_csv(klass, LAB, rows)
    assert cli.main(["report", str(klass), "--out", str(tmp_path)]) == 0
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert hostile not in page and html.escape(hostile) in page
    assert not re.search(r'(src|href)="(?!data:|#)', page)  # nothing to fetch: every figure is inside the file
    assert page.count('<img src="data:image/svg+xml;base64,') == 3
    assert all(alt.strip() for alt in re.findall(r'<img [^>]*alt="([^"]*)"', page))
    assert "<h2 id=\"next-week\">To go over next week</h2>" in page
    assert "that is cameras per person" in page  # a hint's own words, among the frequent mistakes


def test_report_without_details_still_counts_correct(tmp_path):
    folder = tmp_path / "g"
    grades = synthetic_class(folder, 20, seed=2)
    for f in (folder / "details" / LAB.id).glob("*.json"):
        f.unlink()
    page = report.build(grades)
    assert "none found" in page and "No hint was recorded" in page


def test_not_a_grades_file_is_refused(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="no lab has the exercises"):
        report.build(bad)


# ---- in Chromium, with axe ----

def axe_violations(browser, path: Path) -> tuple[list, list, list]:
    from test_browser import RUN_AXE, WCAG_TAGS, AXE, DESKTOP

    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # the page's CSP would refuse axe too
    refused: list[str] = []

    def route(r):
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()
    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(path.as_uri(), wait_until="load")
    images = page.evaluate("() => Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0])")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_TAGS})
    context.close()
    return violations, images, refused + errors


def test_report_opens_offline_with_its_figures_and_passes_axe(browser, klass, tmp_path):
    path = report.write_report(klass, tmp_path)
    violations, images, problems = axe_violations(browser, path)
    assert len(images) == 3 and all(loaded for _, loaded in images), images
    assert problems == []
    assert violations == []


def test_report_runs_no_script(browser, klass, tmp_path):
    """Its Content-Security-Policy forbids every script: a hostile value that slipped through the
    escaping could still run nothing."""
    path = report.write_report(klass, tmp_path)
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri())
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="document.title = 'ran'")
    assert page.title().startswith("Class report")
    context.close()


def test_marking_page_passes_axe(browser, klass, tmp_path, monkeypatch):
    info = details.read_all(klass.parent / "details" / LAB.id)
    for student, data in list(info.items())[:5]:
        data["written"] = {"reflection-1": "<b>not bold</b> and a long answer " * 20, "reflection-2": ""}
        details.write(klass.parent / "details" / LAB.id, data)
    done = written.write_marking(klass.parent, tmp_path / "marking")
    violations, _, problems = axe_violations(browser, done.pages[0])
    assert problems == [] and violations == []
