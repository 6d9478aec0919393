"""The whole book as one PDF, through the pdflatex builder with XeLaTeX."""
from __future__ import annotations

import re
import shutil
import subprocess

import yaml

from conftest import ROOT

from conftest import group  # noqa: E402

pytestmark = group("pdf")


def _chapter_titles() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for f in files:
        text = (ROOT / f"{f}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return titles


def _pdf_text(pdf) -> str:
    assert shutil.which("pdftotext"), "pdftotext missing: run `make setup` (poppler-utils)"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


def test_pdf_builds_with_every_chapter(pdf_build):
    latex, _ = pdf_build
    pdf = latex / "under-watch.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    text = _pdf_text(pdf).lower()
    for title in _chapter_titles():
        assert title.lower() in text, f"chapter {title!r} is not in the PDF"


def test_latexmk_writes_the_pdf_once(pdf_build):
    """Three XeLaTeX passes write .xdv only; xdvipdfmx makes the PDF once (underwatch.sphinxext)."""
    _, result = pdf_build
    printed = result.stdout + result.stderr  # latexmk reports on stderr
    assert printed.count("Running 'xelatex --no-pdf") >= 2, printed[-2000:]
    assert printed.count("Running 'xdvipdfmx") == 1, printed[-2000:]


def test_pdf_has_no_missing_glyphs_and_renders_hangul(pdf_build):
    latex, _ = pdf_build
    log = (latex / "under-watch.log").read_text(encoding="utf-8", errors="replace")
    missing = [line for line in log.splitlines() if "Missing character" in line]
    assert not missing, "glyphs missing from the PDF fonts:\n" + "\n".join(missing[:10])
    assert "한국어판" in _pdf_text(latex / "under-watch.pdf")


def test_pdf_includes_lab_figures(pdf_build):
    latex, _ = pdf_build
    figures = [p for p in latex.iterdir() if p.suffix == ".png"]
    assert figures, "no lab figures were included in the PDF sources"
