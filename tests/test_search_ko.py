"""Korean search (underwatch.search_ko): a stem finds its inflected forms, in Python and in the
browser. A small Sphinx site with language "ko" is built and searched in Debian's Chromium with
the five queries the Korean edition must answer."""
from __future__ import annotations

import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from underwatch import search_ko

# Each page uses the words only with particles or inside compounds, never in the bare form searched.
PAGES = {
    "cameras": "카메라\n======\n\n도시의 감시를 맡은 카메라는 얼굴 인식을 한다고 보도되었다.\n",
    "biometrics": "생체 정보\n=========\n\n생체인식은 지문과 홍채를 쓴다. 감시는 등록에서 시작된다.\n",
    "screens": "텔레비전\n========\n\n셋톱박스를 통한 시청 기록과 정보원이 함께 언급된다.\n",
}
QUERIES = {"감시": {"cameras", "biometrics"}, "얼굴 인식": {"cameras"}, "생체": {"biometrics"},
           "셋톱박스": {"screens"}, "정보원": {"screens"}}


@pytest.mark.parametrize("word, stem", [("감시를", "감시"), ("감시는", "감시"), ("감시가", "감시"),
                                        ("정보원이", "정보원"), ("셋톱박스를", "셋톱박스"), ("등록에서", "등록"),
                                        ("감시", "감시"), ("아이", "아이"), ("camera", "camera")])
def test_particles_are_stripped_leaving_at_least_two_syllables(word, stem):
    assert search_ko.strip_suffix(word) == stem


def test_compounds_are_indexed_by_syllable_pairs():
    words = search_ko.SearchKorean({}).split("생체인식은 중요하다")
    assert {"생체", "체인", "인식"} <= set(words)


def test_without_the_stemmer_a_stem_finds_nothing():
    # The fault this language fixes: English tokenising keeps the particle on the word.
    from sphinx.search.en import SearchEnglish

    english = SearchEnglish({})
    assert "감시" not in {english.stem(w) for w in english.split("도시의 감시를 맡은 카메라")}


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("ko-src")
    (src / "conf.py").write_text("project = 'ko'\nlanguage = 'ko'\nextensions = ['underwatch.search_ko']\n"
                                 "html_theme = 'basic'\n", encoding="utf-8")
    toc = "\n".join(f"   {name}" for name in PAGES)
    (src / "index.rst").write_text(f"시험\n====\n\n.. toctree::\n\n{toc}\n", encoding="utf-8")
    for name, text in PAGES.items():
        (src / f"{name}.rst").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("ko-html")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(src), str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def test_the_five_queries_find_their_pages_in_chromium(korean_site, browser):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(korean_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    found = {}
    try:
        page = browser.new_page()
        for query in QUERIES:
            page.goto(base + "search.html?q=" + query)
            page.wait_for_selector("#search-results p.search-summary, #search-results .search-summary")
            hrefs = page.eval_on_selector_all("#search-results li a",
                                              "links => links.map(a => a.getAttribute('href'))")
            found[query] = {h.split(".html")[0] for h in hrefs}
        page.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    for query, pages in QUERIES.items():
        assert pages <= found[query], f"{query!r} found {sorted(found[query])}, not {sorted(pages)}"
