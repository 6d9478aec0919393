"""The book, built through the CLI as CI builds it (--all -W -n --keep-going), and its files."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import yaml

import survlab
from conftest import NOTEBOOKS, ROOT, build_book
from underwatch import editions

from conftest import group  # noqa: E402

pytestmark = group("book")


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(toc.get("parts", []))
    return files


def test_every_toc_entry_exists():
    for entry in _toc_files():
        assert (ROOT / f"{entry}.md").exists() or (ROOT / f"{entry}.ipynb").exists(), f"_toc.yml lists missing {entry}"


def test_every_source_page_is_in_the_toc():
    listed = set(_toc_files())
    pages = [p for d in ("book", "notebooks") for p in (ROOT / d).rglob("*") if p.suffix in (".md", ".ipynb")
             and "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    for page in pages:
        assert str(page.relative_to(ROOT).with_suffix("")) in listed, f"{page} is not in _toc.yml"


def test_site_builds_without_warnings(html_build):
    html, result = html_build
    assert (html / "index.html").exists()
    assert "WARNING:" not in result.stdout + result.stderr  # Sphinx warnings (the kernel's TCP notice is noise)


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def _pages(html: Path):
    return [p for p in html.rglob("*.html") if "_static" not in p.parts and p.name not in ("search.html", "genindex.html")]


def test_every_image_has_alt_text(html_build):
    html, _ = html_build
    for page in _pages(html):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        for img in parser.images:
            if "logo" in img.get("class", ""):
                continue
            assert img.get("alt", "").strip(), f"{page.relative_to(html)}: image {img.get('src')} has no alt text"


def test_lab_pages_offer_the_student_edition_with_figures_inside(html_build):
    html, _ = html_build
    for lab_id, source in editions.lab_sources(NOTEBOOKS).items():
        page = html / "notebooks" / f"{source.stem}.html"
        assert f"_sources/notebooks/{source.stem}.ipynb" in page.read_text(encoding="utf-8"), f"{page}: no .ipynb download"
        nb = nbformat.read(html / "_sources" / "notebooks" / f"{source.stem}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["survlab"] == {"lab": lab_id, "edition": "student", "version": survlab.__version__,
                                          "language": "en"}
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        figures = [o for o in outputs if "image/png" in o.get("data", {})]
        if "plot" in source.read_text() or "imshow" in source.read_text():
            assert figures, f"{source.name}: the download has no embedded figures"
        assert not any("Correct" in str(o) for o in outputs), f"{source.name}: download shows solved checks"


def test_site_needs_no_cdn_for_math(html_build):
    html, _ = html_build
    assert list((html / "_static").rglob("tex-chtml*.js")) or list((html / "_static").rglob("MathJax*")), \
        "MathJax is not served from _static"
    for page in _pages(html):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, f"{page.name} loads MathJax from a CDN"


def test_execution_times_page_lists_every_lab(html_build):
    html, _ = html_build
    text = (html / "book" / "execution-times.html").read_text(encoding="utf-8")
    for source in editions.lab_sources(NOTEBOOKS).values():
        assert source.stem in text, f"execution-times page misses {source.stem}"


def test_a_raising_lab_fails_the_build_naming_notebook_and_cell(tmp_path):
    book = tmp_path / "book"
    (book / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: broken-lab\n")
    (book / "index.md").write_text("# Home\n\n```{bibliography}\n```\n")
    (book / "broken-lab.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n"
        "  display_name: Python 3\n---\n# Broken\n\n```{code-cell} ipython3\nsurvey = 1 / 0\n```\n")
    result = build_book(tmp_path / "out", book=book)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "broken-lab.md" in log and "survey = 1 / 0" in log and "ZeroDivisionError" in log



def test_hidden_solutions_variant_carries_no_solution_anywhere(tmp_path, monkeypatch, executed_cache):
    monkeypatch.setenv("SURVLAB_HIDE_SOLUTIONS", "1")
    result = build_book(tmp_path, cache=executed_cache)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = tmp_path / "_build" / "html"
    solution_lines = []
    for source in editions.lab_sources(NOTEBOOKS).values():
        nb = editions.read_lab_source(source)
        solution_lines += [line.strip() for c in nb.cells if editions.SOLUTION_TAG in c.metadata.get("tags", [])
                           for line in c.source.splitlines() if "=" in line]
        page = (html / "notebooks" / f"{source.stem}.html").read_text(encoding="utf-8")
        assert 'class="solution' not in page and "solution dropdown" not in page
    assert solution_lines
    for file in html.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".txt", ".md", ".ipynb", ".js"):
            text = file.read_text(encoding="utf-8", errors="ignore")
            leaked = [line for line in solution_lines if line in text]
            assert not leaked, f"{file.relative_to(html)} carries solution code: {leaked[:2]}"
