"""The Korean book as readers get it: the site (Korean search, axe, the language switch), its
figures (no missing glyph) and the PDF (Korean body font, no missing character). The Korean
student editions are run in tests/test_korean.py (they need no build)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import group, serve
from underwatch import sitecheck, translations

pytestmark = group("korean-book")

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Each query, and a page that uses the word only with particles and endings attached or in
# compounds as well (감시를, 얼굴 인식은, 생체인식, 셋톱박스가, 정보원들): what a stem query must find.
QUERIES = {
    "감시": "book/people/02-awareness-gap",
    "얼굴 인식": "book/cameras/03-faces",
    "생체": "book/biometrics/01-body-to-number",
    "셋톱박스": "book/screens/01-television-over-the-network",
    "정보원": "book/people/01-informants-and-cameras",
}


@pytest.fixture(scope="module")
def korean_site(korean_html_build) -> Path:
    return korean_html_build[0]


@pytest.fixture(scope="module")
def korean_server(korean_site):
    with serve(korean_site) as url:
        yield url


def test_the_korean_build_has_no_warnings(korean_html_build):
    _, result = korean_html_build
    assert "build succeeded" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_translated_pages_are_korean_and_missing_ones_say_so(korean_site):
    for page in translations.status("ko"):
        html = (korean_site / Path(page.english).with_suffix(".html")).read_text(encoding="utf-8")
        assert '<html lang="ko"' in html, page.english
        body = html.split('<article', 1)[1]
        if page.status == translations.MISSING:
            assert "아직 번역되지 않은 페이지" in body, page.english
        else:
            assert len(HANGUL.findall(body)) > 60, f"{page.english}: little Korean text"
            assert ("영어 원문이 바뀐 페이지" in body) == (page.status == translations.OUT_OF_DATE), page.english
    status = (korean_site / "book" / "translation-status.html").read_text(encoding="utf-8")
    assert status.count("<tr") == len(translations.english_pages()) + 1


def test_the_korean_downloads_list_speaks_korean(korean_site):
    html = (korean_site / "book" / "how-to-use.html").read_text(encoding="utf-8")
    listing = html.split('<ul class="underwatch-downloads">', 1)[1].split("</ul>", 1)[0]
    assert "책 전체, PDF 한 권" in listing and "under-watch-ko.pdf" in listing
    lab = (korean_site / "notebooks" / "01-camera-network.html").read_text(encoding="utf-8")
    assert '<p class="admonition-title">풀이</p>' in lab and ">Solution<" not in lab
    assert "the whole book" not in listing and "for pip install" not in listing


def test_korean_figures_have_no_missing_glyph(korean_executed_cache):
    """matplotlib warns "Glyph ... missing from font(s)" when a character has no glyph: none."""
    from jupyter_cache import get_cache

    cache = get_cache(str(korean_executed_cache))
    missing, figures = [], 0
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("output_type") == "stream" else ""
                if "missing from font" in text or "findfont" in text:
                    missing.append(f"{record.uri}: {text.strip()[:120]}")
                figures += "image/png" in output.get("data", {})
    assert figures > 40 and not missing, missing[:5]


def test_korean_search_finds_the_five_queries_in_chromium(korean_server, browser):
    page = browser.new_page()
    found = {}
    for query in QUERIES:
        page.goto(korean_server + "search.html?q=" + query)
        page.wait_for_selector("#search-results .search-summary")
        hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
        found[query] = {h.split(".html")[0] for h in hrefs}
    page.close()
    for query, expected in QUERIES.items():
        assert expected in found[query], f"{query!r} found {sorted(found[query])[:8]}, not {expected}"


def test_every_korean_page_links_to_the_same_english_page(korean_site, html_build):
    english_site = html_build[0]
    for page in sitecheck.site_pages(korean_site):
        html = (korean_site / page).read_text(encoding="utf-8")
        if "http-equiv" in html[:2000]:  # the root redirect
            continue
        if page in ("genindex.html", "search.html"):  # Sphinx's own pages, not the book's
            continue
        if page == "book/translation-status.html":  # the Korean book's own page: no English one
            assert 'class="uw-language"' not in html
            continue
        m = re.search(r'<nav class="uw-language"[^>]*>\s*<a href="([^"]+)" hreflang="en"', html)
        assert m, f"{page}: no link to the English page"
        target, _ = sitecheck.resolve("ko/" + page, m.group(1))
        assert target == page and (english_site / target).is_file(), (page, m.group(1))
        english = (english_site / page).read_text(encoding="utf-8")
        assert re.search(r'<a href="[^"]*ko/' + re.escape(page) + '" hreflang="ko"', english), page


def test_korean_pages_pass_axe_in_both_colour_modes(browser, korean_server, korean_site):
    from test_browser import DESKTOP, Recorder, colours_only_change, problems, visit_pages

    context = browser.new_context(viewport=DESKTOP)
    recorder = Recorder(context, korean_server)
    visits = visit_pages(context, recorder, korean_server, korean_site, axe=True)
    context.close()
    violations = {page: {scheme: [v["id"] for v in found] for scheme, found in v.violations.items() if found}
                  for page, v in visits.items()}
    assert {p: v for p, v in violations.items() if v} == {}
    assert len([v for v in visits.values() if "dark" in v.violations]) == len(visits) - 1  # all but the redirect
    assert colours_only_change(visits) == {}, "the dark theme changes more than colours: run every rule in it"
    assert problems(visits, "errors") == {} and problems(visits, "failed") == {}


# ---------------------------------------------------------------- the PDF

def test_the_korean_pdf_sets_korean_in_noto_serif_cjk_with_no_missing_character(korean_pdf_build):
    latex, _ = korean_pdf_build
    pdf = latex / "under-watch-ko.pdf"
    assert pdf.is_file()
    log = (latex / "under-watch-ko.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "12", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert len(HANGUL.findall(text)) > 1000
    assert "Under Watch 한국어판, 버전" in text and "인용 방법" in text  # the version and licence page
