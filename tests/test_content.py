"""Checks on the course's words, not its code: the kinds of error the December 2026 review found.

Each check is a small function that takes text and returns violations, so it can be tested on a
crafted bad input (the ``test_checker_catches_*`` tests) as well as run over the whole course
(book/**/*.md, notebooks/*.md, book/references.bib, _toc.yml). A violation that is intended (a
page that discusses the pattern itself) goes in an allowlist below, with its reason.

1. Press accounts: a sentence saying "press", "reported", "news reports"... is vouched for by a
   citation that is not the primary report (williams2024panopticon) alone.
2. Bibliography: no two entries print the same label in the configured author_year style (labels
   rendered with sphinxcontrib-bibtex's own templates); every entry has a real title, an author
   or organisation, a date and an address or publisher.
3. Timings: each lesson's At a glance panel adds up, its facilitator plan adds up to the panel;
   the syllabus rows add up; the lesson notes' session plans are the syllabus rows, and what the
   notes or a lesson quote of another page's timing is that page's.
4. Hedges: a registry of claims the sources hedge; every sentence stating one keeps a hedge, and
   press-only findings are never vouched for by the primary report.
5. Superlatives about real systems ("largest", "world's", "most accurate"...) carry a citation in
   the same sentence.
6. Every key cited exists in references.bib, and every entry is cited somewhere.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pybtex.database
import pytest
import yaml
from test_book import _toc_files  # the reading order, as the book tests read it

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "book" / "references.bib"
PRIMARY = "williams2024panopticon"


# --------------------------------------------------------------------------------------------
# Reading the pages: prose only, split into blocks and sentences, with line numbers kept.
# --------------------------------------------------------------------------------------------

def course_pages() -> list[Path]:
    """Every page of the course: what the toc lists plus anything else in book/ and notebooks/."""
    pages = {ROOT / f"{name}.md" for name in _toc_files()}
    pages |= set((ROOT / "book").rglob("*.md")) | set((ROOT / "notebooks").glob("*.md"))
    return sorted(p for p in pages if p.exists())


# Directives whose body is prose; every other fenced block (code, options, bibliography) is not.
_PROSE_DIRECTIVES = {"admonition", "note", "tip", "warning", "important", "caution", "attention",
                     "hint", "seealso", "dropdown", "margin", "epigraph", "sidebar", "topic",
                     "exercise", "solution", "figure", "table", "div", "card"}
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?(.*)$")


def prose_lines(text: str) -> list[str]:
    """The page's lines with everything that is not prose blanked (line numbers are kept)."""
    lines = text.split("\n")
    out = list(lines)
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0)
        for j in range(end + 1):
            out[j] = ""
        i = end + 1
    stack: list[tuple[str, bool]] = []  # open fences: (fence characters, is prose)
    in_comment = False
    while i < len(lines):
        line = lines[i]
        if in_comment:
            out[i] = ""
            in_comment = "-->" not in line
            i += 1
            continue
        if line.lstrip().startswith("<!--"):
            out[i] = ""
            in_comment = "-->" not in line
            i += 1
            continue
        m = _FENCE.match(line)
        if m and stack and m.group(1).startswith(stack[-1][0][0]) and len(m.group(1)) >= len(stack[-1][0]) \
                and not m.group(2) and not m.group(4).strip():
            stack.pop()  # a closing fence
            out[i] = ""
            i += 1
            continue
        if m and (m.group(2) or m.group(1)[0] in "`~"):
            directive = (m.group(3) or "").split(":")[0]
            prose = directive in _PROSE_DIRECTIVES and (not stack or stack[-1][1])
            stack.append((m.group(1), prose))
            out[i] = m.group(4) if prose and directive in {"admonition", "exercise", "figure"} else ""
            i += 1
            # the directive's options, as ":key: value" lines or a YAML block
            if i < len(lines) and lines[i].strip() == "---":
                end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), i)
                for j in range(i, end + 1):
                    out[j] = ""
                i = end + 1
            while i < len(lines) and re.match(r"^\s*:[\w-]+:", lines[i]):
                out[i] = ""
                i += 1
            continue
        if stack and not stack[-1][1]:
            out[i] = ""
        elif re.match(r"^\s*%", line) or re.match(r"^\s*\(.*\)=\s*$", line) or line.strip() == "+++":
            out[i] = ""  # MyST comments, targets, cell breaks
        i += 1
    return out


@dataclass
class Sentence:
    path: str
    line: int        # first line of the sentence, 1-based
    text: str        # the sentence, lines joined by spaces
    block: int       # index of its block (paragraph, list item, table row) on the page


_NEW_BLOCK = re.compile(r"^\s*([-*+]|\d+\.)\s|^\s*#|^\s*\|")
_ABBREVIATIONS = {"e.g", "i.e", "al", "fig", "no", "nos", "st", "mr", "mrs", "ms", "dr", "v", "vs",
                  "cf", "approx", "art", "arts", "para", "paras", "ed", "eds", "p", "pp", "vol",
                  "inc", "ltd", "co", "jr", "sr", "u.s", "u.k", "etc", "ch", "sec", "eq", "ca",
                  "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "n.d", "min"}
_BREAK = re.compile(r"(?<=[.!?])[\"”’)\]*_]*\s+(?=[\"“‘(\[*_]*[A-Z0-9$])")


def split_sentences(text: str, path: str = "<text>") -> list[Sentence]:
    """Prose sentences of a page, each with its line and block."""
    lines = prose_lines(text)
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or re.fullmatch(r":{3,}.*|`{3,}.*", stripped):
            if current:
                blocks.append(current)
            current = []
            continue
        if _NEW_BLOCK.match(line) and current:
            blocks.append(current)
            current = []
        current.append((number, stripped))
        if stripped.startswith("#") or stripped.startswith("|"):
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    sentences = []
    for b, block in enumerate(blocks):
        joined, starts = "", []
        for number, stripped in block:
            starts.append((len(joined), number))
            joined += stripped + " "
        pieces, start = [], 0
        for m in _BREAK.finditer(joined):
            before = joined[start:m.start()].rstrip("\"”’)]*_")
            word = re.search(r"([\w.]+)\.$", before)
            if word and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
                continue
            pieces.append((start, joined[start:m.start()]))
            start = m.end()
        pieces.append((start, joined[start:]))
        for offset, piece in pieces:
            if piece.strip():
                line = max(n for o, n in starts if o <= offset)
                sentences.append(Sentence(path, line, piece.strip(), b))
    return sentences


_CITE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")


def cite_keys(role_text: str) -> list[str]:
    """Keys in one citation role's text, pre- and post-text ({see}key{p. 3}) removed."""
    without_notes = re.sub(r"\{[^{}]*\}", "", role_text)
    return [k.strip() for k in re.split(r"[,;]", without_notes) if k.strip()]


def citations(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, keys) of every citation role in the text."""
    return [(m.start(), m.end(), cite_keys(m.group(1))) for m in _CITE.finditer(text)]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def all_sentences() -> list[Sentence]:
    return [s for p in course_pages() for s in split_sentences(p.read_text(encoding="utf-8"), _rel(p))]


def _allowed(sentence: Sentence, allowlist: dict[tuple[str, str], str]) -> bool:
    return any(path == sentence.path and snippet in sentence.text for path, snippet in allowlist)


# --------------------------------------------------------------------------------------------
# 1. Press accounts are cited to the press, not only to the primary report.
# --------------------------------------------------------------------------------------------

PRESS_MARKER = re.compile(
    r"\b(?:press|reported|news reports?|according to (?:the )?press accounts|"
    r"(?:press|news|media) coverage|coverage of the (?:study|report)|"
    r"as (?:the )?(?:AP|Associated Press|Yonhap|inews24|UPI) (?:wrote|put it|reported|quoted))\b",
    re.IGNORECASE)

# Sentences that use a press word but are not a press account cited to the study.
PRESS_ALLOWLIST: dict[tuple[str, str], str] = {
    ("book/bibliography.md", "news reports of it are listed for readers"):
        "describes the bibliography page itself: the primary report is cited for being the primary "
        "report, and the news reports are listed below it, not summarised",
}


def press_violations(sentences: list[Sentence], primary: str = PRIMARY) -> list[str]:
    """A press word must be answered by a citation that is not the primary report alone.

    The citation that answers a press word is the first one after it in the sentence, else
    the last one before it in the sentence, else the first one of the next sentence in the
    same paragraph ("According to press accounts, the study names X. It is hard {cite}").
    """
    found = []
    for i, s in enumerate(sentences):
        cites = citations(s.text)
        for m in PRESS_MARKER.finditer(s.text):
            after = [c for c in cites if c[0] >= m.end()]
            before = [c for c in cites if c[1] <= m.start()]
            if after:
                keys = after[0][2]
            elif before:
                keys = before[-1][2]
            else:
                following = sentences[i + 1] if i + 1 < len(sentences) else None
                if not (following and following.path == s.path and following.block == s.block
                        and citations(following.text)):
                    continue
                keys = citations(following.text)[0][2]
            if set(keys) <= {primary}:
                found.append(f"{s.path}:{s.line}: \"{m.group(0)}\" answered only by "
                             f"{{cite}}`{primary}`: {s.text[:160]}")
    return found


# --------------------------------------------------------------------------------------------
# 2. Bibliography entries: unique labels as the configured style renders them; complete entries.
# --------------------------------------------------------------------------------------------

def _label_template():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config.get("bibtex_reference_style") == "author_year", (
        "this check renders labels with sphinxcontrib-bibtex's author_year style; "
        "_config.yml now names another: update the check")
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import join, year
    style = AuthorYearReferenceStyle()
    # Exactly what a parenthetical citation {cite:p} prints inside its brackets.
    return style, join(sep=style.author_year_sep)[style.person.author_or_editor_or_title(full=False), year]


def rendered_labels(bib_text: str) -> dict[str, str]:
    """Each entry's citation label, as sphinxcontrib-bibtex's author_year style prints it."""
    style, template = _label_template()
    data = pybtex.database.parse_string(bib_text, "bibtex")
    return {key: template.format_data({"entry": entry, "style": style}).render_as("text")
            for key, entry in data.entries.items()}


def duplicate_labels(bib_text: str) -> list[str]:
    by_label = defaultdict(list)
    for key, label in rendered_labels(bib_text).items():
        by_label[label].append(key)
    found = [f"[{label}] is printed for {', '.join(keys)}" for label, keys in by_label.items() if len(keys) > 1]
    # pybtex prints a literal "and others" as a name: "[Watson and others, 2014]"
    found += [f"[{label}] ({keys[0]}): list every author, or at least three, so the style prints 'et al.'"
              for label, keys in by_label.items() if re.search(r"\bothers\b", label)]
    return found


STAND_IN_TITLE = re.compile(r"\b(?:untitled|title|tbd|todo|xxx|placeholder|unknown|n/?a|lorem)\b", re.I)
_ACCESS_DATE = re.compile(r"\b(?:accessed|retrieved|last (?:reviewed|updated|modified))(?: on)?:? "
                          r"(?:\d{1,2} [A-Z][a-z]+ (?:19|20)\d\d|[A-Z][a-z]+ \d{1,2},? (?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)",
                          re.I)


def incomplete_entries(bib_text: str) -> list[str]:
    """Each entry needs a real title, an author or organisation, a date, and an address or publisher."""
    data = pybtex.database.parse_string(bib_text, "bibtex")
    found = []
    for key, entry in data.entries.items():
        f = {k.lower(): v for k, v in entry.fields.items()}
        title = re.sub(r"[{}]", "", f.get("title", "")).strip()
        if len(title) < 4 or STAND_IN_TITLE.fullmatch(title) or re.match(r"(?i)^(?:untitled|tbd|todo|placeholder)\b", title):
            found.append(f"{key}: no real title ({title!r})")
        if not (entry.persons.get("author") or entry.persons.get("editor")
                or any(f.get(k) for k in ("organization", "institution", "publisher"))):
            found.append(f"{key}: no author, editor or organisation")
        # A date is a year, an access date in the note, or "n.d." recorded on purpose: year = {n.d.}
        # with a note saying the source carries no date. A missing field is not a date.
        undated = re.fullmatch(r"n\.\s?d\.(?:-[a-z])?", f.get("year", "").strip()) and \
            re.search(r"carries no(?: single)? (?:publication )?date|undated|no date", f.get("note", ""), re.I)
        if not (re.fullmatch(r"(?:1[5-9]|20)\d\d[a-z]?", f.get("year", "").strip())
                or re.match(r"(?:1[5-9]|20)\d\d\b", f.get("date", "").strip())
                or _ACCESS_DATE.search(f.get("note", "")) or undated):
            found.append(f"{key}: no date (a year; an access date; or year = {{n.d.}} with a note that "
                         f"the source carries none)")
        if not any(f.get(k) for k in ("url", "doi", "publisher", "journal", "institution", "howpublished",
                                       "booktitle", "organization", "isbn")):
            found.append(f"{key}: no address (url or doi) and no publisher")
    return found


# --------------------------------------------------------------------------------------------
# 6. Every key cited exists, and every entry is cited somewhere.
# --------------------------------------------------------------------------------------------

def cited_keys(pages: dict[str, str]) -> dict[str, list[str]]:
    """key -> places it is cited (path:line), over raw page text (code cells included: a glued
    or printed citation in a notebook's markdown is still a citation)."""
    where = defaultdict(list)
    for path, text in pages.items():
        for number, line in enumerate(text.split("\n"), 1):
            for _, _, keys in citations(line):
                for key in keys:
                    where[key].append(f"{path}:{number}")
    return where


def citation_key_problems(pages: dict[str, str], bib_text: str) -> list[str]:
    data = pybtex.database.parse_string(bib_text, "bibtex")
    bib_keys = set(data.entries.keys())
    # The bibliography page lists every entry (":all:"); being listed there is not being cited.
    where = cited_keys({p: t for p, t in pages.items() if not p.endswith("book/bibliography.md")})
    missing = [f"{key}: cited at {', '.join(places)} but not in references.bib"
               for key, places in sorted(where.items()) if key not in bib_keys]
    unused = [f"{key}: in references.bib but cited nowhere" for key in sorted(bib_keys - set(where))]
    return missing + unused


# --------------------------------------------------------------------------------------------
# 4. A hedge travels with its claim: a registry of the claims the sources hedge.
# --------------------------------------------------------------------------------------------

@dataclass
class HedgedClaim:
    name: str
    patterns: list[str]   # a sentence states the claim when every pattern matches it
    hedge: str            # a word or phrase that must be in that sentence or the one before
                          # ("" when the pattern is itself the unhedged wording)
    source: str           # where the hedge comes from
    press_only: bool = False  # seen only in press coverage: never cited to the primary report alone
    press_cite_is_hedge: bool = False  # citing the outlet in the sentence attributes it well enough


_PRESS_HEDGE = r"press|reported|reporting|\bAP\b|Associated Press|according to|coverage|inews24|news"

HEDGED_CLAIMS = [
    HedgedClaim("video is hard to process in real time",
                [r"(?:large|vast) (?:volumes|amounts) of video|video (?:data )?in real time"],
                _PRESS_HEDGE + r"|not documented",  # said of North Korea only as undocumented
                "facts.md: findings reported in the press; review Part I MAJOR 2", press_only=True),
    HedgedClaim("university research on motion, face and plate recognition",
                [r"universit", r"research", r"motion|movement|face|facial|plate"],
                _PRESS_HEDGE + r"|announced|published",
                "facts.md: findings reported in the press; review Part I MAJOR 2", press_only=True),
    HedgedClaim("smart ID cards possibly involve blood tests",
                [r"\bblood\b"], r"possibl|press|reported|rumou?r|no source|none of|not\b|only in",
                "facts.md: the blood item only in press accounts, with 'possibly'", press_only=True),
    HedgedClaim("electricity and connectivity limit the system",
                [r"electricity", r"connectivity", r"study|report|38 North|North Korea"], _PRESS_HEDGE,
                "facts.md: limits are findings reported in the press; review Part II 2, Part III 5",
                press_only=True, press_cite_is_hedge=True),
    HedgedClaim("IPTV could monitor viewing habits",
                [r"viewing habits", r"IPTV|internet-protocol television|set-top|Manbang|study|North Korea"],
                r"\bcould\b|\bcan\b|capab|possib|might|\bmay\b|inference",
                "facts.md: 'IPTV that could monitor viewing habits' is a capability"),
    HedgedClaim("a set-top box tells what is watched",
                [r"set-top box(?:es)? (?:that )?(?:knows?|records?|logs?|tracks?|sees?) what"],
                "",
                "review Part IV 7 and 18: capability, not documented logging"),
    HedgedClaim("as many as 1 in 20 citizens are informants",
                [r"\b(?:1|one)(?: North Korean)? in (?:20|twenty)\b", r"inform|watch|report"],
                r"estimate|reported|as many as|unverified|Anadolu|press|some",
                "facts.md: UNVERIFIED, an estimate reported by the press"),
    HedgedClaim("the UAE iris threshold 0.262 with no false match",
                [r"0\.262", r"iris|Hamming|UAE|Emirates"],
                r"Abu Dhabi Police|reported|not confirmed|only|says|puts",
                "facts.md: confirmed only by an Abu Dhabi Police page"),
    HedgedClaim("traffic cameras record licence plates",
                [r"traffic cameras?", r"licen[cs]e plates?|plates"],
                r"likely|reported|probably|possibl|may\b|AP wrote|study", "facts.md / seed 002: 'likely'"),
    HedgedClaim("falling cost mattered more than the pandemic (Williams's view)",
                [r"pandemic", r"cost|cheap|price"],
                r"I think|in his view|his view|he thinks|he believes|could have played|his judgement|in his opinion",
                "seed 002: Williams, 'the pandemic could have played a part, but I think...'; review Part IV 3"),
    HedgedClaim("people who believe they are watched censor themselves",
                [r"censor(?:s|ing)? themselves"],
                r"\b(?:can|could|may|might|tend to|often|sometimes|some)\s+(?:\w+\s+)?censor(?:s|ing)? themselves",
                "review Part III 14: hedge it and cite it"),
    HedgedClaim("the plate paper's 96.1% accuracy",
                [r"96\.1", r"accura"], r"\bmay\b|\barea\b|claim|reported|found|finding|if\b|does not define",
                "facts.md: '96.1% may measure finding the plate, not reading it'"),
    HedgedClaim("6.5 to 7 million subscriber lines",
                [r"6\.5 (?:and|to) 7 million|6\.5.7 million"], r"estimate|believe|reported|said|about",
                "facts.md: an estimate (Slavney, via Yonhap / Korea Bizwire)"),
    HedgedClaim("Daily NK's 2018 identity-card report is a report of rumours",
                [r"Daily NK[^.;]{0,150}(?:identity cards?|ID cards?|re-?issu|inminban)|(?:identity cards?|ID cards?|re-?issu|inminban)[^.;]{0,150}Daily NK"], r"rumou?r",
                "review Part I 6; facts.md: a report of rumours"),
    HedgedClaim("Sunan face recognition: an announcement, 'to be used'",
                [r"Sunan", r"announc"], r"to be|was to|would be|planned|reported",
                "UPI 2019: 'to use', not 'in use'"),
    HedgedClaim("rural areas got cards from November 2019 (RFA), not 'by' it",
                [r"rural[^.;]{0,60}\bby November 2019"], "",
                "review Part II 11: the RFA reprint says rural issue restarted that month"),
    HedgedClaim("a hashed serial can be matched by hashing every candidate",
                [r"cannot (?:be )?worked? back|cannot compute the serial|does not reveal the serial|"
                 r"reveals? nothing without"],
                r"list|candidate|every possible|register|guess|all the serials|brute",
                "review Part III M1; facts.md: a mark is a pseudonym, not an anonymous code"),
    HedgedClaim("a network knows an idle phone's cell only roughly",
                [r"(?:which|the) antenna (?:that )?serves", r"phone"],
                r"roughly|group of cells|tracking area|location area|each call|a call|text|data session|in use",
                "review Part III 1; facts.md: idle phones are located to a group of cells"),
    HedgedClaim("co-located lines are not companions", [r"likely companions"], "",
                "review Part IV M1: the lab's own output says nobody knows anybody"),
    HedgedClaim("the join's resilience is the model's battery assumption",
                [r"(?:join|joined records?) (?:is|are|stays?) resilient"], r"in this model|batter|assum",
                "review Part IV 25"),
    HedgedClaim("the case is documented only in part", [r"because it is documented\b"], "",
                "review Part I 15 and Part IV 8: 'documented' is reserved for a narrower class"),
    HedgedClaim("NIST 8280's 10 to 100 times is a one-to-one result",
                [r"10 (?:to|and) 100 times|10.100 ?(?:times|×)"], r"one-to-one|1:1|verification",
                "facts.md: 1:1 false-match differentials; do not present them as 1:N results"),
    HedgedClaim("China's camera counts are estimates", [r"(?:176|210|349|350) million", r"camera"],
                r"estimat|IHS|reported|range", "facts.md: IHS estimates, as reported; give a range"),
    HedgedClaim("NISTIR 7221's worst system (not 'least accurate')",
                [r"least accurate", r"NIST|fingerprint|7221|matcher"], "",
                "facts.md corrections: say 'worst', not 'least accurate system'"),
    HedgedClaim("impostor distances centre near 0.5 (0.499 unconfirmed)", [r"\b0\.499\b"], "",
                "facts.md: write 'about 0.5'; 0.499 was not confirmed"),
    HedgedClaim("the name 'Red Flag' is unverified", [r"\bRed Flag\b"], r"unverified|not verified|could not",
                "facts.md: UNVERIFIED"),
    HedgedClaim("facts marked NOT FOUND are never stated",
                [r"no evidence that metadata is being exploited|Security Council|"
                 r"(?:report|study)(?:'s)? recommendations?|(?:report|study) recommends"], "",
                "facts.md: NOT FOUND (the metadata quote, a UN Security Council presentation, the "
                "report's recommendations)"),
    HedgedClaim("4G is planned", [r"\b4G\b", r"network|3G|mobile|phone"], r"plan|reported|to be|would",
                "facts.md: 3G, with 4G planned (as reported)"),
]

# Sentences that mention a registered claim but do not assert it (each with its reason).
HEDGE_ALLOWLIST: dict[tuple[str, str], str] = {
}


def _answering_keys(text: str, position: int, following: Sentence | None) -> list[str]:
    """The citation that vouches for what is said at `position`: the first one after it in the
    sentence, else the last one before it, else the first of the next sentence in the paragraph."""
    cites = citations(text)
    after = [c for c in cites if c[0] >= position]
    before = [c for c in cites if c[1] <= position]
    if after:
        return after[0][2]
    if before:
        return before[-1][2]
    if following is not None and citations(following.text):
        return citations(following.text)[0][2]
    return []


def hedge_violations(sentences: list[Sentence], claims=HEDGED_CLAIMS, primary: str = PRIMARY,
                     allowlist=HEDGE_ALLOWLIST) -> list[str]:
    """A sentence states a claim when all its patterns match one clause (lists of cards or
    sources are separated by semicolons). The hedge may sit anywhere in the sentence or the one
    before; a press-only claim must not be vouched for by the primary report."""
    found = []
    for i, s in enumerate(sentences):
        if _allowed(s, allowlist):
            continue
        same = lambda j: 0 <= j < len(sentences) and sentences[j].path == s.path and sentences[j].block == s.block
        previous = sentences[i - 1].text if same(i - 1) else ""
        following = sentences[i + 1] if same(i + 1) else None
        clauses = [(m.start(), m.group(0)) for m in re.finditer(r"[^;]+", s.text)]
        for claim in claims:
            hits = [start + re.search(claim.patterns[0], clause, re.I).start() for start, clause in clauses
                    if all(re.search(p, clause, re.I) for p in claim.patterns)]
            if not hits:
                continue
            own_keys = {k for c in citations(s.text) for k in c[2]}
            attributed = claim.press_cite_is_hedge and own_keys - {primary}
            if not (claim.hedge and re.search(claim.hedge, s.text + " " + previous, re.I)) and not attributed:
                found.append(f"{s.path}:{s.line}: [{claim.name}] stated without its hedge "
                             f"({claim.source}): {s.text[:200]}")
            if claim.press_only and any(primary in _answering_keys(s.text, h, following) for h in hits):
                found.append(f"{s.path}:{s.line}: [{claim.name}] is known only from press accounts, "
                             f"yet cited to {primary}: {s.text[:200]}")
    return found


# --------------------------------------------------------------------------------------------
# 5. A superlative about a real system carries its citation in the same sentence.
# --------------------------------------------------------------------------------------------

SUPERLATIVE = re.compile(
    r"\b(?:largest|biggest|world'?s|world’s|in the world|unprecedented|best[- ]known|fastest|"
    r"than any other|than anywhere else|unlike any other|"
    r"most (?:advanced|sophisticated|surveilled|powerful|comprehensive|extensive|widely used|accurate|"
    r"pervasive|watched|monitored|intrusive|common|complete)|"
    r"(?:the )?first (?:country|nation|state|government|system|city|deployment|national|"
    r"to (?:use|deploy|build|introduce|adopt|roll))|"
    r"the only (?:country|nation|state|government|system|city|one in the world))\b", re.I)
REAL_WORLD = re.compile(
    r"North Korea|Pyongyang|Kim Il Sung|China|Chinese|India|Aadhaar|UIDAI|NIST|\bUAE\b|Emirates|"
    r"United States|\bUS\b|\bUK\b|Britain|London|\bEU\b|European|South Wales|police|government|"
    r"Facebook|Meta\b|Clearview|Vizio|Samsung|Illinois|Texas|Russia|Moscow|countr(?:y|ies)|nation|"
    r"world|Daugman|ICAO|Red Star|Woolim|Manbang|Koryolink")

# Sentences with a superlative that is not a claim about a real system (each with its reason).
SUPERLATIVE_ALLOWLIST: dict[tuple[str, str], str] = {
}


def superlative_violations(sentences: list[Sentence], allowlist=SUPERLATIVE_ALLOWLIST) -> list[str]:
    found = []
    for s in sentences:
        m = SUPERLATIVE.search(s.text)
        if m and REAL_WORLD.search(s.text) and not citations(s.text) and not _allowed(s, allowlist):
            found.append(f"{s.path}:{s.line}: \"{m.group(0)}\" about a real system with no citation "
                         f"in the sentence: {s.text[:200]}")
    return found


# --------------------------------------------------------------------------------------------
# 3. Timings: a lesson's panel, its facilitator plan, the syllabus and the lesson notes agree.
#
# Formats (one each):
#   panel        "- **Duration:** 85 minutes (reading 25, lab 50, discussion 10)"
#   lesson notes "**Timing (85 minutes...).** ...prose plan... 25 + 50 + 10 = 85."
#   syllabus     a term row "| 2 | {doc}`...` | cards (15); ...; synthesis (10) | 25 |"
#   lesson-notes "**Session plan** (week 2: 15 + 10 + 15 + 40 + 10 = 90 minutes)." and one
#                bullet "*Activity (15 min):*" per term, in the same order
# --------------------------------------------------------------------------------------------

SESSION = 90  # minutes in one class session of the term (syllabus.md)
_INT = re.compile(r"(?<![\d.,])\d+(?![\d.,]\d)")
_SUM = re.compile(r"((?:\d+\s*\+\s*)+\d+)\s*=\s*(\d+)")


def _paragraph_after(text: str, pattern: str) -> tuple[int, str] | None:
    m = re.search(pattern, text, re.M)
    if not m:
        return None
    end = text.find("\n\n", m.start())
    return text.count("\n", 0, m.start()) + 1, text[m.start(): end if end > 0 else len(text)]


def panel_duration(text: str) -> tuple[int, list[tuple[str, int]], int | None] | None:
    """The At a glance panel: (total, [(label, minutes)], reading beforehand or None).

    Either a sitting with the reading inside ("85 minutes (reading 25, lab 50, discussion 10)")
    or a class session with the reading before it ("90 minutes in class (activity 15, ...),
    after 20 minutes' reading beforehand").
    """
    m = re.search(r"\*\*Duration:\*\*\s*(\d+) minutes( in class)?\s*\(([^)]*)\)([^\n]*(?:\n  [^\n]*)*)", text)
    if not m:
        return None
    parts = []
    for item in m.group(3).replace("\n", " ").split(","):
        n = re.search(r"(.*?)\s*(\d+)\s*$", item.strip())
        parts.append((n.group(1).strip(), int(n.group(2))) if n else (item.strip(), -1))
    before = None
    if m.group(2):
        r = re.search(r"(\d+) minutes'? reading", m.group(4))
        before = int(r.group(1)) if r else 0
    return int(m.group(1)), parts, before


def _coarsens(fine: list[int], coarse: list[int]) -> bool:
    """True if consecutive runs of `fine` add up to `coarse` ("activity and discussion (25)"
    in one plan is "activity (15); discussion (10)" in another)."""
    i = 0
    for target in coarse:
        total = 0
        while i < len(fine) and total < target:
            total += fine[i]
            i += 1
        if total != target:
            return False
    return i == len(fine)


def timing_plan(text: str) -> tuple[int, int, list[int], str] | None:
    """The facilitator notes' **Timing (N minutes)** paragraph: (line, N, terms of its sum, text)."""
    found = _paragraph_after(text, r"^\*\*Timing \(\d+ minutes")
    if not found:
        return None
    line, para = found
    total = int(re.match(r"\*\*Timing \((\d+)", para).group(1))
    m = _SUM.search(para)
    if m:
        terms = [int(x) for x in re.findall(r"\d+", m.group(1))]
    else:  # the ADIDS form: "... (activity, 15); ... (discussion, 10); ..."
        terms = [int(x) for x in re.findall(
            r"\((?:activity|discussion|input|deepening|synthesis)[^,()]*,\s*(\d+)\)", para)]
        terms = terms if len(terms) >= 3 else []
    return line, total, terms, para


def _is_subsequence(small: list[int], big: list[int]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def lesson_timing_problems(path: str, text: str) -> list[str]:
    """A lesson's panel adds up, and its facilitator plan adds up to the panel's total."""
    found = []
    panel = panel_duration(text)
    if panel is None:
        return [f"{path}: no '**Duration:** N minutes (part n, ...)' line in the At a glance panel"]
    total, parts, _ = panel
    if any(n < 0 for _, n in parts) or sum(n for _, n in parts) != total:
        found.append(f"{path}: the panel says {total} minutes but its parts {parts} add to "
                     f"{sum(n for _, n in parts if n > 0)}")
    plan = timing_plan(text)
    if plan is None:
        return found + [f"{path}: no '**Timing (N minutes)**' paragraph in the notes for facilitators"]
    line, plan_total, terms, para = plan
    if not terms:
        found.append(f"{path}:{line}: the Timing paragraph names its parts neither in the ADIDS form "
                     f"\"(activity, 15)\" nor with its sum (\"a + b + ... = {plan_total}\")")
    elif _SUM.search(para):
        stated = int(_SUM.search(para).group(2))
        if sum(terms) != stated or stated != plan_total:
            found.append(f"{path}:{line}: the Timing sum {' + '.join(map(str, terms))} = {stated} is wrong "
                         f"or differs from its heading ({plan_total})")
        before = [int(x) for x in _INT.findall(re.sub(r"\{[^}]*\}`[^`]*`", "", para[:_SUM.search(para).start()]))]
        if not _is_subsequence(terms, before[1:]):
            found.append(f"{path}:{line}: the Timing sum's terms {terms} are not the minutes its plan names {before[1:]}")
    elif sum(terms) != plan_total:
        found.append(f"{path}:{line}: the Timing plan's parts {terms} add to {sum(terms)}, its heading says {plan_total}")
    if terms and panel[2] is not None and not _coarsens(terms, [n for _, n in parts]):
        found.append(f"{path}:{line}: the Timing plan {terms} is not the panel's split {[n for _, n in parts]}")
    if plan_total != total:
        found.append(f"{path}:{line}: the facilitator plan takes {plan_total} minutes, the panel {total}")
    return found


def _doc_target(cell: str) -> str | None:
    m = re.search(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", cell)
    if not m:
        return None
    target = m.group(1).strip()
    return re.sub(r"^(?:\.\./)+", "", target).removeprefix("book/")


def syllabus_term(text: str) -> dict[int, dict]:
    """Week -> {lesson (page under book/), minutes in brackets, reading before (or None), line}."""
    rows = {}
    for number, line in enumerate(text.split("\n"), 1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            minutes = [int(x) for x in re.findall(r"\((\d+)(?:[,;][^()]*)?\)", cells[2])]
            rows[int(cells[0])] = {"lesson": _doc_target(cells[1]), "minutes": minutes,
                                   "reading": int(cells[3]) if cells[3].isdigit() else None, "line": number}
    return rows


def syllabus_problems(text: str, path: str = "book/instructor/syllabus.md") -> list[str]:
    found = []
    term = syllabus_term(text)
    if not term:
        return [f"{path}: no term table found"]
    for week, row in term.items():
        if sum(row["minutes"]) != SESSION:
            found.append(f"{path}:{row['line']}: week {week}'s minutes {row['minutes']} add to "
                         f"{sum(row['minutes'])}, not {SESSION}")
    m = re.search(r"In all: ([\d.]+) hours in class and (\d+) hours? (\d+) minutes of reading", text)
    if not m:
        found.append(f"{path}: no 'In all: H hours in class and H hours M minutes of reading' line")
    else:
        in_class = SESSION * len(term) / 60
        reading = sum(r["reading"] or 0 for r in term.values())
        if float(m.group(1)) != in_class or int(m.group(2)) * 60 + int(m.group(3)) != reading:
            found.append(f"{path}: 'In all' says {m.group(1)} h in class and {m.group(2)} h {m.group(3)} min "
                         f"reading; the table gives {in_class:g} h and {reading // 60} h {reading % 60} min")
    # The workshop: each slot's minutes in brackets fill the slot.
    for number, line in enumerate(text.split("\n"), 1):
        slot = re.match(r"\|\s*(\d\d):(\d\d) to (\d\d):(\d\d)\s*\|[^|]*\|([^|]*)\|", line)
        if slot:
            length = (int(slot.group(3)) - int(slot.group(1))) * 60 + int(slot.group(4)) - int(slot.group(2))
            minutes = [int(x) for x in re.findall(r"\((\d+)(?:[,;][^()]*)?\)", slot.group(5))]
            if minutes and sum(minutes) != length:
                found.append(f"{path}:{number}: a {length}-minute workshop slot is planned as {minutes} "
                             f"= {sum(minutes)}")
    taster = _paragraph_after(text, r"^For a single guest session")
    if taster:
        minutes = [int(x) for x in re.findall(r"\((\d+)\)", taster[1])]
        if sum(minutes) != SESSION:
            found.append(f"{path}:{taster[0]}: the taster's minutes {minutes} add to {sum(minutes)}")
    return found


def lesson_notes_sections(text: str, lessons: list[str]) -> dict[str, tuple[int, str]]:
    """Lesson (page under book/, or notebooks/...) -> (line, section text): the section whose
    Materials line links the lesson, else the first whose At a glance panel links it."""
    sections = {}
    starts = [m.start() for m in re.finditer(r"^## ", text, re.M)] + [len(text)]
    chunks = [(text.count("\n", 0, a) + 1, text[a:b]) for a, b in zip(starts, starts[1:])]
    for line, section in chunks:
        m = re.search(r"\*\*Materials:\*\*\s*(\{doc\}`[^`]*`)", section)
        if m and _doc_target(m.group(1)) in lessons:
            sections.setdefault(_doc_target(m.group(1)), (line, section))
    for lesson in lessons:
        for line, section in chunks:
            panel = section.split("\n:::\n", 1)[0]
            if lesson not in sections and any(_doc_target(d) == lesson for d in re.findall(r"\{doc\}`[^`]*`", panel)):
                sections[lesson] = (line, section)
    return sections


def notes_problems(notes: str, syllabus: str, lessons: dict[str, str],
                   path: str = "book/instructor/lesson-notes.md") -> list[str]:
    """Each lesson's notes: a session plan that adds up to one session and is the syllabus row,
    bullets that match it, and figures quoted from the lesson's panel or plan that are the page's."""
    found = []
    term = {row["lesson"]: (week, row) for week, row in syllabus_term(syllabus).items() if row["lesson"]}
    sections = lesson_notes_sections(notes, list(term))
    for lesson, (week, row) in term.items():
        if lesson not in sections:
            found.append(f"{path}: no section whose Materials line links {lesson} (syllabus week {week})")
            continue
        line, section = sections[lesson]
        plan = re.search(r"\*\*Session plan\*\*\s*\(week (\d+): ((?:\d+\s*\+\s*)+\d+)\s*=\s*(\d+) minutes[^)]*\)", section)
        if not plan:
            found.append(f"{path}:{line}: {lesson}: no '**Session plan** (week {week}: a + b + ... = "
                         f"{SESSION} minutes)' line")
        else:
            terms = [int(x) for x in re.findall(r"\d+", plan.group(2))]
            if int(plan.group(1)) != week:
                found.append(f"{path}:{line}: {lesson}: session plan for week {plan.group(1)}, syllabus week {week}")
            if sum(terms) != int(plan.group(3)) or int(plan.group(3)) != SESSION:
                found.append(f"{path}:{line}: {lesson}: session plan {plan.group(2)} = {plan.group(3)} "
                             f"(must add up, to {SESSION})")
            if not _coarsens(terms, row["minutes"]) and not _coarsens(row["minutes"], terms):
                found.append(f"{path}:{line}: {lesson}: session plan {terms} differs from the syllabus row "
                             f"for week {week} {row['minutes']}")
            rest = section[plan.end():]
            rest = rest[: m.start()] if (m := re.search(r"\n\*\*[A-Z]", rest)) else rest
            bullets = [int(x) for x in re.findall(r"^- \*[^*(]*\((\d+) min\)", rest, re.M)]
            if bullets != terms:
                found.append(f"{path}:{line}: {lesson}: the plan's bullets give {bullets} minutes, its "
                             f"header {terms}")
        duration = re.search(r"\*\*Duration:\*\*(.*?)(?=\n- \*\*|\n:::)", section, re.S)
        page = lessons.get(lesson)
        if duration and page:
            d = " ".join(duration.group(1).split())
            panel = panel_duration(page)
            plan_page = timing_plan(page)
            for m in re.finditer(r"panel (?:gives the lesson|budgets|splits its) (\d+)", d):
                if panel and int(m.group(1)) != panel[0]:
                    found.append(f"{path}:{line}: {lesson}: the notes quote the panel as {m.group(1)} minutes; "
                                 f"it says {panel[0]}")
            for m in re.finditer(r"notes give (?:an?|another) (\d+)-minute plan(?:[^(]*\(([^)]*)\))?", d):
                if plan_page and int(m.group(1)) != plan_page[1]:
                    found.append(f"{path}:{line}: {lesson}: the notes quote the lesson's plan as {m.group(1)} "
                                 f"minutes; it says {plan_page[1]}")
                quoted = [int(x) for x in re.findall(r"\d+", m.group(2) or "")]
                if plan_page and quoted and plan_page[2] and not (
                        _coarsens(plan_page[2], quoted) or _coarsens(quoted, plan_page[2])):
                    found.append(f"{path}:{line}: {lesson}: the notes quote the lesson's plan as {quoted}; "
                                 f"it is {plan_page[2]}")
            if re.search(r"\btwo (?:90-minute )?sessions\b|\bone or two\b", d):
                found.append(f"{path}:{line}: {lesson}: the notes plan two sessions; the syllabus gives "
                             f"week {week} one {SESSION}-minute session")
        # A lesson page that quotes the classroom plan quotes the syllabus row.
        if page and (plan_page := timing_plan(page)):
            for m in re.finditer(r"(\d+)-minute (?:classroom )?plan \(([^)]*)\)", " ".join(plan_page[3].split())):
                quoted = [int(x) for x in re.findall(r"\d+", m.group(2))]
                if int(m.group(1)) != SESSION or not (_coarsens(quoted, row["minutes"])
                                                      or _coarsens(row["minutes"], quoted)):
                    found.append(f"{lesson}: its Timing paragraph quotes a {m.group(1)}-minute plan {quoted}; "
                                 f"the syllabus row for week {week} is {row['minutes']}")
        panel = panel_duration(page) if page else None
        if panel and panel[2] is not None:  # a class-session panel: it is the syllabus row
            if panel[0] != SESSION or not (_coarsens([n for _, n in panel[1]], row["minutes"])
                                           or _coarsens(row["minutes"], [n for _, n in panel[1]])):
                found.append(f"book/instructor/syllabus.md:{row['line']}: week {week} plans {row['minutes']}; "
                             f"{lesson}'s panel plans {panel[0]} minutes in class as {[n for _, n in panel[1]]}")
            if panel[2] != (row["reading"] or 0):
                found.append(f"book/instructor/syllabus.md:{row['line']}: week {week} gives {row['reading']} "
                             f"minutes' reading before class; {lesson}'s panel says {panel[2]}")
        elif panel and row["reading"] is not None:
            reading = [n for label, n in panel[1] if label.lower().startswith("reading")]
            if reading and reading[0] != row["reading"]:
                found.append(f"book/instructor/syllabus.md:{row['line']}: week {week} gives {row['reading']} "
                             f"minutes' reading before class; {lesson}'s panel says reading {reading[0]}")
    return found


# --------------------------------------------------------------------------------------------
# The checks over the whole course.
# --------------------------------------------------------------------------------------------

LESSON_PAGES = ["book/the-case.md", *sorted(_rel(p) for p in (ROOT / "book").glob("*/0*.md"))]


@pytest.fixture(scope="module")
def course_sentences() -> list[Sentence]:
    return all_sentences()


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


def test_press_accounts_are_not_cited_to_the_primary_report_alone(course_sentences):
    sentences = [s for s in course_sentences if not _allowed(s, PRESS_ALLOWLIST)]
    assert not (found := press_violations(sentences)), _report(found)


def test_bibliography_labels_are_unique_as_printed():
    assert not (found := duplicate_labels(BIB.read_text(encoding="utf-8"))), _report(found)


def test_bibliography_entries_are_complete():
    assert not (found := incomplete_entries(BIB.read_text(encoding="utf-8"))), _report(found)


def test_every_cited_key_exists_and_every_entry_is_cited():
    pages = {_rel(p): p.read_text(encoding="utf-8") for p in course_pages()}
    assert not (found := citation_key_problems(pages, BIB.read_text(encoding="utf-8"))), _report(found)


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_panel_and_facilitator_plan_add_up(page):
    assert not (found := lesson_timing_problems(page, (ROOT / page).read_text(encoding="utf-8"))), _report(found)


def test_syllabus_rows_add_up():
    assert not (found := syllabus_problems((ROOT / "book/instructor/syllabus.md").read_text(encoding="utf-8"))), _report(found)


def test_lesson_notes_agree_with_syllabus_and_lessons():
    lessons = {str(p.relative_to(ROOT / "book"))[:-3]: p.read_text(encoding="utf-8")
               for p in (ROOT / "book").rglob("*.md")}
    found = notes_problems((ROOT / "book/instructor/lesson-notes.md").read_text(encoding="utf-8"),
                           (ROOT / "book/instructor/syllabus.md").read_text(encoding="utf-8"), lessons)
    assert not found, _report(found)


def test_hedged_claims_keep_their_hedge_everywhere(course_sentences):
    assert not (found := hedge_violations(course_sentences)), _report(found)


def test_superlatives_about_real_systems_are_cited(course_sentences):
    assert not (found := superlative_violations(course_sentences)), _report(found)


def test_every_allowlist_entry_still_matches_a_sentence(course_sentences):
    """An allowlist entry whose sentence was rewritten must go, or it would silently excuse a new one."""
    sentences = course_sentences
    for allowlist in (PRESS_ALLOWLIST, HEDGE_ALLOWLIST, SUPERLATIVE_ALLOWLIST):
        for (path, snippet), reason in allowlist.items():
            assert reason.strip(), f"{path}: allowlist entry without a reason"
            assert any(s.path == path and snippet in s.text for s in sentences), \
                f"{path}: allowlisted sentence {snippet!r} no longer exists"


# --------------------------------------------------------------------------------------------
# Each checker fails on a crafted bad input (and passes its corrected form).
# --------------------------------------------------------------------------------------------

def _s(text: str) -> list[Sentence]:
    return split_sentences(text, "bad.md")


def test_sentences_split_and_skip_code():
    text = ("---\nkernelspec:\n  name: python3\n---\n# Title\n\nOne sentence, e.g. this. Another one\n"
            "wraps {cite:p}`a`. Smith et al. agree.\n\n```{code-cell} ipython3\nx = 'reported {cite:p}`b`'\n```\n")
    got = [(s.line, s.text) for s in _s(text)]
    assert got == [(5, "# Title"), (7, "One sentence, e.g. this."),
                   (7, "Another one wraps {cite:p}`a`."), (8, "Smith et al. agree.")]


def test_cite_keys_handle_every_role_form():
    text = "{cite:p}`a,b` {cite:t}`c` {cite}`d` {cite:ps}`{see}e{p. 3}, f` {footcite}`g`"
    assert [k for _, _, keys in citations(text) for k in keys] == list("abcdefg")


def test_checker_catches_press_account_cited_to_primary():
    bad = [
        "According to press accounts, the study names the difficulty of video {cite:p}`williams2024panopticon`.",
        "The AP reported that it names two limits {cite:t}`williams2024panopticon`.",
        "It names electricity {cite:p}`ap2024cameras`, and, according to press accounts, video "
        "{cite}`williams2024panopticon`.",
        "According to press accounts, the study names it.\nIt is hard {cite:p}`williams2024panopticon`.",
    ]
    for text in bad:
        assert press_violations(_s(text)), text
    good = [
        "According to press accounts, the study names it {cite:p}`williams2024panopticon,ap2024cameras`.",
        "The AP reported that it names two limits {cite:p}`ap2024cameras`.",
        "The study names its method {cite:p}`williams2024panopticon`.",
    ]
    for text in good:
        assert not press_violations(_s(text)), text


BAD_BIB = """
@misc{one, author = {Daugman, John}, title = {Page one}, url = {http://a}}
@misc{two, author = {Daugman, John}, title = {Page two}, url = {http://b}, note = {Accessed 3 December 2026}}
@misc{three, author = {{ICAO}}, title = {Part 10}, year = {2021}, url = {http://c}}
@misc{four, author = {{ICAO}}, title = {Part 11}, year = {2021}, url = {http://d}}
@misc{five, title = {Title}, year = {2020}}
@misc{six, author = {A}, title = {Undated page}, year = {n.d.}, url = {http://e}, note = {The page carries no date}}
@misc{seven, author = {A}, title = {Silent page}, year = {n.d.}, url = {http://f}}
@misc{eight, author = {A}, title = {Old page}, url = {http://g}, note = {It cites figures up to 2017}}
"""


def test_checker_catches_duplicate_labels():
    found = duplicate_labels(BAD_BIB)
    assert any("[Daugman, n.d.]" in f and "one" in f and "two" in f for f in found)
    assert any("[ICAO, 2021]" in f for f in found)
    others = "@misc{n, author = {Watson, Craig and others}, title = {FpVTE}, year = {2015}, url = {http://x}}"
    assert duplicate_labels(others)
    fixed = BAD_BIB.replace("year = {2021}, url = {http://c}", "year = {2021a}, url = {http://c}")
    assert not any("ICAO" in f for f in duplicate_labels(fixed))


def test_checker_catches_incomplete_entries():
    found = incomplete_entries(BAD_BIB)
    assert any(f.startswith("one: no date") for f in found)
    assert not any(f.startswith("two:") for f in found)  # an access date is a date
    assert not any(f.startswith("six:") for f in found)  # "n.d.", stated on purpose
    assert any(f.startswith("seven: no date") for f in found)
    assert any(f.startswith("eight: no date") for f in found)  # a year in passing is not a date
    assert {"five: no real title ('Title')", "five: no author, editor or organisation",
            "five: no address (url or doi) and no publisher"} <= set(found)


def test_checker_catches_unknown_and_unused_keys():
    bib = "@misc{used, author = {A}, title = {T t}, year = {2020}}\n@misc{spare, author = {A}, title = {T t}, year = {2020}}"
    found = citation_key_problems({"book/x.md": "See {cite:p}`used,missing`."}, bib)
    assert found == ["missing: cited at book/x.md:1 but not in references.bib",
                     "spare: in references.bib but cited nowhere"]
    assert citation_key_problems({"book/x.md": "{cite:p}`used` {cite:t}`spare`"}, bib) == []


def test_checker_catches_timings_that_do_not_add_up():
    good = ("- **Duration:** 85 minutes (reading 25, lab 50, discussion 10)\n\n"
            "**Timing (85 minutes).** Reading 25, lab 50, discussion 10: 25 + 50 + 10 = 85.\n")
    assert lesson_timing_problems("x.md", good) == []
    assert lesson_timing_problems("x.md", good.replace("lab 50, discussion", "lab 45, discussion", 1))
    assert lesson_timing_problems("x.md", good.replace("= 85.", "= 90."))
    assert lesson_timing_problems("x.md", good.replace("**Timing (85", "**Timing (90"))
    assert lesson_timing_problems("x.md", good.replace("lab 50, discussion 10:", "lab 45, discussion 10:"))
    assert lesson_timing_problems("x.md", good.replace(": 25 + 50 + 10 = 85.", "."))
    adids = ("- **Duration:** 90 minutes in class (activity 15, discussion 10, input 10, lab 45, synthesis\n"
             "  10), after 20 minutes' reading beforehand\n\n**Timing (90 minutes),** cards (activity, 15); "
             "why? (discussion, 10); talk (input, 10); the lab (deepening, 45); prompts 1 and 4 (synthesis, 10).\n")
    assert lesson_timing_problems("x.md", adids) == []
    assert panel_duration(adids)[2] == 20
    assert lesson_timing_problems("x.md", adids.replace("(deepening, 45)", "(deepening, 40)"))


SYLLABUS = """
| week | lesson and lab | in class (90 min) | reading before |
| --- | --- | --- | --- |
| 2 | {doc}`../cameras/01-camera-networks`; Lab 1 | cards (15); discussion (10); input (15); Lab 1 (40); synthesis (10) | 25 |

In all: 1.5 hours in class and 0 hours 25 minutes of reading.

| 09:20 to 10:05 | The case | sorting claims (15); input (20); discussion (10) |

For a single guest session: sorting (15); Lab 0 (25); figure (20); capstone (20); synthesis (10).
"""
NOTES = """
## Lesson 1

:::{admonition} At a glance
- **Duration:** one 90-minute session. The lesson's own panel gives the lesson 85 minutes.
- **Materials:** {doc}`../cameras/01-camera-networks`; cards.
:::

**Session plan** (week 2: 15 + 10 + 15 + 40 + 10 = 90 minutes).

- *Activity (15 min):* cards.
- *Discussion (10 min):* why.
- *Input (15 min):* talk.
- *Deepening (40 min):* Lab 1.
- *Synthesis (10 min):* prompts.

**Facilitator notes.** Text.
"""
LESSON = "- **Duration:** 85 minutes (reading 25, lab 50, discussion 10)\n"


def test_checker_catches_syllabus_rows_that_do_not_add_up():
    assert syllabus_problems(SYLLABUS) == []
    assert syllabus_problems(SYLLABUS.replace("Lab 1 (40)", "Lab 1 (45)"))
    assert syllabus_problems(SYLLABUS.replace("0 hours 25 minutes", "0 hours 30 minutes"))
    assert syllabus_problems(SYLLABUS.replace("09:20 to 10:05", "09:20 to 10:00"))
    assert syllabus_problems(SYLLABUS.replace("synthesis (10).", "synthesis (15)."))


def test_checker_catches_lesson_notes_that_disagree():
    lessons = {"cameras/01-camera-networks": LESSON}
    assert notes_problems(NOTES, SYLLABUS, lessons) == []
    assert notes_problems(NOTES.replace("*Input (15 min)", "*Input (20 min)"), SYLLABUS, lessons)
    assert notes_problems(NOTES.replace("15 + 10 + 15 + 40", "15 + 10 + 20 + 35"), SYLLABUS, lessons)
    assert notes_problems(NOTES.replace("gives the lesson 85", "gives the lesson 105"), SYLLABUS, lessons)
    assert notes_problems(NOTES.replace("one 90-minute session", "two 90-minute sessions"), SYLLABUS, lessons)
    assert notes_problems(NOTES, SYLLABUS, {"cameras/01-camera-networks": LESSON.replace("reading 25", "reading 20")})
    assert notes_problems(NOTES.replace("## Lesson 1", "## Lesson 1\n").replace("camera-networks`; cards", "x`"),
                          SYLLABUS, lessons)
    page_plan = LESSON + ("\n**Timing (85 minutes).** Reading 25, lab 50, discussion 10: 25 + 50 + 10 = 85. "
                          "The syllabus gives a 90-minute classroom plan (cards 15, discussion 10, input 15, "
                          "lab 40, synthesis 10).\n")
    assert notes_problems(NOTES, SYLLABUS, {"cameras/01-camera-networks": page_plan}) == []
    assert notes_problems(NOTES, SYLLABUS, {"cameras/01-camera-networks": page_plan.replace("input 15", "input 25")})
    quoting = NOTES.replace("gives the lesson 85 minutes.", "gives the lesson 85 minutes. The lesson's notes "
                            "give an 85-minute plan (reading 25, lab 50, discussion 10).")
    assert notes_problems(quoting, SYLLABUS, {"cameras/01-camera-networks": page_plan}) == []
    assert notes_problems(quoting.replace("lab 50, discussion 10)", "lab 45, discussion 15)"), SYLLABUS,
                          {"cameras/01-camera-networks": page_plan})
    # "activity and discussion (25)" in one plan is activity 15 + discussion 10 in the other
    merged = SYLLABUS.replace("cards (15); discussion (10)", "cards and discussion (25)")
    assert notes_problems(NOTES, merged, lessons) == []


def test_checker_catches_a_dropped_hedge():
    bad = [
        "The study lists the difficulty of processing large volumes of video in real time as a challenge.",
        "North Korean university research on motion detection is growing {cite:p}`ap2024cameras`.",
        "New ID cards will hold fingerprints and blood tests.",
        "The box records what is watched: IPTV monitors viewing habits.",
        "A television set-top box that knows what is being watched.",
        "One in 20 citizens informs on their neighbours.",
        "The UAE iris system runs at a Hamming distance of 0.262 with no false match.",
        "Williams told the AP that falling cost, more than the pandemic, drove the expansion.",
        "People who believe they are watched censor themselves.",
        "It may be the point: people who believe every action is recorded censor themselves.",
        "The plate method is 96.1% accurate.",
        "Daily NK wrote in 2018 that identity cards were to be reissued.",
        "The 38 North study names poor electricity supply and low connectivity as limits.",
        "Cards reached rural areas by November 2019.",
        "A hash works one way: from the mark alone you cannot compute the serial.",
        "A cellular network must know which antenna serves each phone.",
        "The joined records add places and likely companions.",
        "The join is resilient to power cuts.",
        "We use this case because it is documented.",
        "False matches were 10 to 100 times more frequent for some groups {cite:p}`nist8280`.",
        "China had 349 million cameras in 2018.",
        "The least accurate fingerprint matcher in NIST's tests still beat 94%.",
        "Impostor distances centre on 0.499.",
        "The study recommends that donors fund radios.",
        "The 38 North study names poor electricity supply and low connectivity as limits "
        "{cite:p}`williams2024panopticon`.",
        "The 38 North study names poor electricity supply and low connectivity as limits "
        "{cite:p}`williams2024panopticon,ap2024cameras`.",
        "Cameras, and a television set-top box that knows what is being watched: parts that can be understood.",
    ]
    for text in bad:
        assert hedge_violations(_s(text), allowlist={}), text
    good = [
        "According to press accounts, processing large volumes of video in real time is hard {cite:p}`ap2024cameras`.",
        "Daily NK reported rumours in 2018 that identity cards would be reissued.",
        "IPTV could monitor viewing habits.",
        "You cannot compute the serial from the mark, but you can hash every candidate serial and compare.",
        "In this model, with card readers on batteries, the join is resilient.",
        "Williams told the AP that, in his view, falling cost mattered more than the pandemic.",
        "The study names poor electricity supply and low connectivity {cite:p}`ap2024cameras`.",
    ]
    for text in good:
        assert not hedge_violations(_s(text), allowlist={}), text
    # a press account cited to the primary report alone, even with its hedge
    assert hedge_violations(_s("According to press accounts, the study names processing large volumes "
                               "of video in real time {cite:p}`williams2024panopticon`."), allowlist={})


def test_checker_catches_an_unsourced_superlative():
    assert superlative_violations(_s("India's Aadhaar programme is the largest public example."), allowlist={})
    assert superlative_violations(_s("North Korea has the world's most surveilled population."), allowlist={})
    assert superlative_violations(_s("China has more cameras than any other country."), allowlist={})
    assert superlative_violations(_s("- If it did as well as the two most accurate in NIST's 2004 tests, "
                                     "fewer would fail ({numref}`fig-x`)."), allowlist={})
    assert not superlative_violations(_s("Aadhaar is one of the largest {cite:p}`vadvert2012uidai`."), allowlist={})
    assert not superlative_violations(_s("Take the largest F1 score."), allowlist={})


def test_allowlists_are_applied():
    s = Sentence("book/x.md", 1, "The largest country in the world.", 0)
    assert superlative_violations([s], allowlist={}) and \
        not superlative_violations([s], allowlist={("book/x.md", "largest country"): "a test"})


def test_course_scan_finds_violations_planted_in_a_copy_of_the_course(tmp_path, monkeypatch):
    """The whole pipeline (toc, page discovery, prose extraction) reaches a real page: plant one
    violation of each kind in a copy of the course and each course-wide check reports it."""
    import shutil
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("_build", "*.ipynb"))
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.ipynb", "_build"))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = tmp_path / "notebooks" / "01-camera-network.md"
    planted = ("\n\nAccording to press accounts, real-time processing of large volumes of video is hard "
               "{cite:p}`williams2024panopticon`. India's Aadhaar programme is the largest public "
               "example. We use this case because it is documented.\n")
    page.write_text(page.read_text(encoding="utf-8") + planted, encoding="utf-8")
    sentences = all_sentences()
    where = "notebooks/01-camera-network.md:"
    assert any(v.startswith(where) for v in press_violations(sentences))
    hedges = [v for v in hedge_violations(sentences) if v.startswith(where)]
    assert any("real time" in v for v in hedges) and any("documented" in v for v in hedges)
    assert any(v.startswith(where) for v in superlative_violations(sentences))
