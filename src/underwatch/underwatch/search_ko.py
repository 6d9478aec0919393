"""A Korean search language for the site's search box (Sphinx 7.4 has none).

Sphinx falls back to English for ``language: ko``: every word is indexed as written, so a page
that says 감시를 or 감시는 is not found by a search for 감시. Korean attaches particles and
endings to the word they follow. This language strips the common ones (the same rule in Python
for the index and in JavaScript for the query), and also indexes each two-syllable piece of a
longer word, so that 생체 finds 생체인식 and 인식 finds 얼굴인식.

Why not a morphological analyser such as kiwipiepy: its model is about 100 MB at build time
for a site of a few dozen pages whose vocabulary is small and technical; stripping a closed
list of particles and indexing syllable pairs finds the words students search for, in a few
lines that the query side can repeat exactly.
"""
from __future__ import annotations

import re

from sphinx.search import SearchLanguage

# Particles and common endings, longest first, so 에서 is stripped before 서 could be.
SUFFIXES = sorted({
    "으로부터", "에게서", "이라고", "이라는", "에서는", "에서도", "으로는", "으로도", "까지는", "부터는",
    "에서", "에게", "께서", "으로", "까지", "부터", "보다", "처럼", "이나", "이란", "이다", "라고", "라는",
    "에는", "에도", "와는", "과는", "하는", "하고", "하여", "해서", "했다", "한다", "된다", "되는", "되어",
    "되고", "들은", "들이", "들을", "들의", "들과", "들도", "입니다", "습니다",
    "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "들", "한", "된",
}, key=len, reverse=True)
MIN_STEM = 2  # syllables a stem keeps: 감시를 -> 감시, but 아이 stays 아이
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def strip_suffix(word: str) -> str:
    """The word without one trailing particle or ending, if at least MIN_STEM syllables remain."""
    if not _HANGUL.search(word):
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    stopwords: set[str] = set()
    js_stemmer_code = """
/** Korean: strip one trailing particle or ending (underwatch/search_ko.py, same list and rule). */
var Stemmer = function() {
  var suffixes = %s;
  var hangul = /[\\uac00-\\ud7a3]/;
  this.stemWord = function(w) {
    if (!hangul.test(w)) return w;
    for (var i = 0; i < suffixes.length; i++) {
      var s = suffixes[i];
      if (w.length - s.length >= %d && w.slice(-s.length) === s) return w.slice(0, -s.length);
    }
    return w;
  };
};
""" % ("[" + ", ".join(f'"{s}"' for s in SUFFIXES) + "]", MIN_STEM)

    def split(self, input: str) -> list[str]:
        words = []
        for token in self._word_re.findall(input):
            words.append(token)
            stem = strip_suffix(token)
            if _HANGUL.search(stem) and len(stem) > 2:  # a compound: index its syllable pairs too
                words += [stem[i:i + 2] for i in range(len(stem) - 1)]
        return words

    def stem(self, word: str) -> str:
        return strip_suffix(word.lower())

    def word_filter(self, word: str) -> bool:
        return len(word) >= 1 and not word.isdigit()


def setup(app):
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
