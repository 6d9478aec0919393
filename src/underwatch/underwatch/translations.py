"""Translated editions of the course: where a translated page lives, whether it still
matches its English page, and what must stay identical between the two.

A translation of ``book/x.md`` into Korean is ``ko/book/x.md``: a whole MyST page with the
English page's front matter, code cells, labels, cross-reference targets, citation keys and
glued values, and everything else in Korean. ``ko/translated-from.json`` records, per page,
the English text it was translated from (its git blob id, so ``git cat-file -p <id>`` shows
it and ``git diff <id> HEAD:book/x.md`` what changed since). A page is

- **translated**: its record names the English page as it is now;
- **out of date**: the English page changed since (the status page says so; the Korean
  text is still shown, flagged, never silently wrong);
- **missing**: no Korean page yet (the Korean book links to the English one).

``ko/terms.yml`` gives every glossary term's Korean form.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from .execute import toc_pages

ROOT = Path(__file__).resolve().parents[3]
LANGUAGE_DIRS = {"ko": "ko"}
RECORD = "translated-from.json"
TERMS = "terms.yml"
GLUE_UNITS = "glue-units.yml"  # glued values a translation shows in its own units

TRANSLATED, OUT_OF_DATE, MISSING = "translated", "out of date", "missing"

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_CODE_CELL = re.compile(r"^(?P<fence>`{3,})\{code-cell\}[^\n]*\n.*?^(?P=fence)[ \t]*$", re.M | re.S)
_LABEL = re.compile(r"^\((?P<label>[^)\s]+)\)=[ \t]*$", re.M)
_DIRECTIVE = re.compile(r"^[ \t]*(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}", re.M)
_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):(?P<value>[^\n]*)$", re.M)
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")
_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+\S", re.M)
_MATH = re.compile(r"(?<!\\)\$\$.*?(?<!\\)\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", re.S)  # not \$ (a dollar sign)
_URL = re.compile(r"\]\((?P<url>[^)\s]+)\)")

# Options whose value is prose (translated); every other option must stay as in English.
TRANSLATED_OPTIONS = {"alt", "caption", "title"}
# Roles whose text is a key (kept); for the others only the <target> is kept.
KEY_ROLES = {"cite", "cite:p", "cite:t", "cite:ps", "cite:ts", "glue", "glue:text", "glue:md", "glue:any",
             "glue:figure", "eq", "math", "code", "kbd"}


@dataclass(frozen=True)
class Page:
    english: str      # path relative to the repository, e.g. "book/cameras/03-faces.md"
    translated: str   # e.g. "ko/book/cameras/03-faces.md"
    status: str
    recorded: str | None  # the blob id the translation was made from
    current: str          # the English page's blob id now


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what ``git hash-object`` prints), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def english_pages(root: Path = ROOT) -> list[str]:
    """Every page of the English book, in reading order (from _toc.yml)."""
    return toc_pages(root)


def translation_dir(language: str, root: Path = ROOT) -> Path:
    if language not in LANGUAGE_DIRS:
        raise ValueError(f"no translation {language!r}; there are {sorted(LANGUAGE_DIRS)}")
    return root / LANGUAGE_DIRS[language]


def read_record(language: str, root: Path = ROOT) -> dict[str, str]:
    path = translation_dir(language, root) / RECORD
    if not path.is_file():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.relative_to(root)}: not valid JSON ({error})") from None
    if not isinstance(record, dict):
        raise ValueError(f"{path.relative_to(root)}: must map each English page to the blob id it was translated from")
    return record


def status(language: str, root: Path = ROOT) -> list[Page]:
    """Each English page's translation status, in reading order."""
    record = read_record(language, root)
    folder = translation_dir(language, root)
    pages = []
    for english in english_pages(root):
        current = blob_id((root / english).read_bytes())
        translated = folder / english
        recorded = record.get(english)
        if not translated.is_file():
            state = MISSING
        elif recorded == current:
            state = TRANSLATED
        else:
            state = OUT_OF_DATE
        pages.append(Page(english, str(translated.relative_to(root)), state, recorded, current))
    return pages


def stamp(language: str, english: list[str], root: Path = ROOT, source: dict[str, bytes] | None = None) -> dict[str, str]:
    """Record that the translations of ``english`` pages match the English text now (or the
    text given in ``source``, e.g. the commit a translator started from)."""
    path = translation_dir(language, root) / RECORD
    record = read_record(language, root)
    for page in english:
        if not (translation_dir(language, root) / page).is_file():
            raise ValueError(f"{LANGUAGE_DIRS[language]}/{page}: no such translation to record")
        data = source[page] if source and page in source else (root / page).read_bytes()
        record[page] = blob_id(data)
    path.write_text(json.dumps(dict(sorted(record.items())), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


# ------------------------------------------------------------------ what must stay the same

def front_matter(text: str) -> str:
    m = _FRONT.match(text)
    return m.group(0) if m else ""


def code_cells(text: str) -> list[str]:
    return [m.group(0) for m in _CODE_CELL.finditer(text)]


# In a code cell's options, the figure's alt text and caption are prose and are translated.
_PROSE_OPTION = re.compile(r"^\s*:?(alt|caption):")


def _cell_header_end(lines: list[str]) -> int:
    """Index of the first code line of a code cell's lines (after the fence and its options)."""
    if len(lines) > 1 and lines[1] == "---":
        return lines.index("---", 2) + 1
    end = 1
    while end < len(lines) and lines[end].startswith(":"):
        end += 1
    return end


def _prose_blocks(lines: list[str], end: int) -> list[tuple[int, int]]:
    """(start, stop) of each alt/caption option in a cell's header, continuation lines included."""
    blocks, i = [], 1
    while i < end:
        if _PROSE_OPTION.match(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())
            j = i + 1
            while j < end and lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) > indent \
                    and lines[j].strip() != "---":
                j += 1
            blocks.append((i, j))
            i = j
        else:
            i += 1
    return blocks


def cell_code(cell: str) -> str:
    """A code cell with its prose options (alt text, caption) left out: what must not differ."""
    lines = cell.split("\n")
    end = _cell_header_end(lines)
    prose = {k for start, stop in _prose_blocks(lines, end) for k in range(start, stop)}
    return "\n".join(x for k, x in enumerate(lines) if k not in prose)


def _cell_prose(cell: str) -> list[str]:
    lines = cell.split("\n")
    return ["\n".join(lines[a:b]) for a, b in _prose_blocks(lines, _cell_header_end(lines))]


def _with_prose(english_cell: str, translated_cell: str) -> str:
    """The English cell, with the translation's alt text and caption where it has them."""
    lines = english_cell.split("\n")
    blocks = _prose_blocks(lines, _cell_header_end(lines))
    prose = _cell_prose(translated_cell)
    if len(blocks) != len(prose):
        return english_cell
    out, last = [], 0
    for (start, stop), text in zip(blocks, prose):
        out += lines[last:start] + [text]
        last = stop
    return "\n".join(out + lines[last:])


def _without_code(text: str) -> str:
    return _CODE_CELL.sub("", _FRONT.sub("", text, count=1))


def _without_literals(text: str) -> str:
    """The text without inline code spans (`{doc}`, ``{term}`x <y>` ``: MyST shown as text,
    not roles); a role's own backticks (after its closing brace) are kept."""
    out, i = [], 0
    while i < len(text):
        if text[i] != "`":
            out.append(text[i])
            i += 1
            continue
        run = len(text[i:]) - len(text[i:].lstrip("`"))
        close = text.find("`" * run, i + run)
        if close == -1:
            out.append(text[i:i + run])
            i += run
        elif i and text[i - 1] == "}":  # a role's text: kept
            out.append(text[i:close + run])
            i = close + run
        else:  # a code span: dropped
            i = close + run
    return "".join(out)


def skeleton(text: str) -> dict[str, list]:
    """What a translation must keep from its English page, outside code cells."""
    body = _without_code(text)
    roles = []
    for m in _ROLE.finditer(_without_literals(body)):
        role, inner = m.group("role"), m.group("text")
        if role in KEY_ROLES:
            roles.append((role, inner))
        else:
            t = _TARGET.match(inner)
            # {doc}`target` and {ref}`target` name their target; {term}`word` names the term itself.
            target = t.group("target") if t else inner
            # Sphinx matches glossary terms in lower case; {doc} and {ref} targets are exact.
            roles.append((role, " ".join(target.split()).lower() if role == "term" else target))
    options = [(m.group("key"), m.group("value").strip()) for m in _OPTION.finditer(body)
               if m.group("key") not in TRANSLATED_OPTIONS]
    return {
        "labels": _LABEL.findall(body),
        "directives": [m.group("name") for m in _DIRECTIVE.finditer(body)],
        "options": options,
        "headings": [len(m.group("hashes")) for m in _HEADING.finditer(body)],
        "math": _MATH.findall(body),
        "urls": [m.group("url") for m in _URL.finditer(body)],
        "roles": roles,
    }


def _glued_names(roles, units: dict[str, str]) -> list[tuple[str, str]]:
    """Roles with each glued value named by its English name (a glue role's format is the
    translator's: thousands separators, decimals)."""
    english_name = {translated: english for english, translated in units.items()}
    out = []
    for role, inner in roles:
        if role.startswith("glue"):
            name = inner.split(":", 1)[0].strip()
            inner = english_name.get(name, name)
        out.append((role, inner))
    return out


def differences(english_text: str, translated_text: str, terms: dict[str, str] | None = None,
                units: dict[str, str] | None = None) -> list[str]:
    """Every way a translation departs from what must stay as in English (empty: none).
    ``units``: English glue name -> the name of the same value in the translation's units
    (``read_glue_units``), which the page's code glues too."""
    problems = []
    if front_matter(english_text) != front_matter(translated_text):
        problems.append("front matter differs from the English page's")
    e_cells, t_cells = code_cells(english_text), code_cells(translated_text)
    if len(e_cells) != len(t_cells):
        problems.append(f"{len(t_cells)} code cells, the English page has {len(e_cells)}")
    for i, (a, b) in enumerate(zip(e_cells, t_cells), 1):
        a, b = cell_code(a), cell_code(b)
        if a != b:
            line = next((x for x, y in zip(a.splitlines(), b.splitlines()) if x != y), "(length)")
            problems.append(f"code cell {i} differs from English (first differing English line: {line.strip()[:80]!r})")
    for i, cell in enumerate(t_cells, 1):
        lines = cell.split("\n")
        if len(lines) > 1 and lines[1] == "---":
            try:
                yaml.safe_load("\n".join(lines[2:_cell_header_end(lines) - 1]))
            except yaml.YAMLError as error:
                problems.append(f"code cell {i}: its options are not valid YAML (quote an alt text or caption that "
                                f"holds ': '): {str(error).splitlines()[0]}")
    e, t = skeleton(english_text), skeleton(translated_text)
    for key in ("labels", "directives", "headings", "math", "urls"):
        if e[key] != t[key]:
            problems.append(f"{key} differ: English {_delta(e[key], t[key])}")
    if Counter(e["options"]) != Counter(t["options"]):
        problems.append(f"directive options differ: English {_delta(e['options'], t['options'])}")
    e_roles = Counter(r for r in _glued_names(e["roles"], {}) if r[0] != "term")
    t_roles = Counter(r for r in _glued_names(t["roles"], units or {}) if r[0] != "term")
    if e_roles != t_roles:
        problems.append(f"roles differ: {_delta(sorted(e_roles.elements()), sorted(t_roles.elements()))}")
    e_terms = {target for role, target in e["roles"] if role == "term"}
    t_terms = {target for role, target in t["roles"] if role == "term"}
    if e_terms - t_terms:
        problems.append(f"glossary links missing: {sorted(e_terms - t_terms)}")
    if terms is not None:
        problems += term_form_problems(translated_text, terms)
    problems += emphasis_problems(translated_text)
    return problems


# CommonMark's flanking rule: a * or ** next to punctuation opens only after a space or
# punctuation, and closes only before one. "*무엇인가?*에" stays literal: the particle 에
# glued to the closing mark after "?" keeps it from closing.
_STARS = re.compile(r"(?<!\*)\*{1,2}(?!\*)")
_CODE_SPAN = re.compile(r"`[^`]*`")


def _kind(char: str) -> str:
    if not char or char.isspace():
        return "space"
    return "word" if char.isalnum() else "punct"


def emphasis_problems(translated_text: str) -> list[str]:
    """Emphasis marks that Markdown will print as asterisks (Korean particles glued to them)."""
    problems = []
    for paragraph in re.split(r"\n[ \t]*\n", _without_code(translated_text)):
        # A bullet's * is not emphasis; a paragraph's lines are one run of text.
        line = " ".join(re.sub(r"^[ \t]*[*-][ \t]+", "", x) for x in paragraph.splitlines())
        text = _CODE_SPAN.sub(lambda m: "x" * len(m.group(0)), line)
        runs = list(_STARS.finditer(text))
        seen = {1: 0, 2: 0}  # * and ** pair up separately (*t* inside **...**)
        for m in runs:
            seen[len(m.group(0))] += 1
            before = _kind(text[m.start() - 1] if m.start() else "")
            after = _kind(text[m.end()] if m.end() < len(text) else "")
            opener = seen[len(m.group(0))] % 2 == 1
            if opener and not (after != "space" and (after != "punct" or before != "word")):
                bad = True
            elif not opener and not (before != "space" and (before != "punct" or after != "word")):
                bad = True
            else:
                bad = False
            if bad:
                around = line[max(0, m.start() - 20): m.end() + 10]
                problems.append(f"emphasis will print as asterisks (a letter glued to a mark beside punctuation; "
                                f"add a space or move the punctuation inside): {around!r}")
    return problems


def term_form_problems(translated_text: str, terms: dict[str, str]) -> list[str]:
    """{term} links in a translation that do not use the term's agreed form."""
    lower = {k.lower(): v for k, v in terms.items()}
    problems = []
    for m in _ROLE.finditer(_without_literals(_without_code(translated_text))):
        if m.group("role") != "term":
            continue
        t = _TARGET.match(m.group("text"))
        if not t:
            problems.append(f"{m.group(0)}: give the English term as target: {{term}}`<Korean> <english>`")
            continue
        target, shown = " ".join(t.group("target").split()).lower(), t.group("text")
        if target not in lower:
            problems.append(f"{m.group(0)}: {target!r} is not a glossary term")
        elif not shown.startswith(lower[target]):
            problems.append(f"{m.group(0)}: write the term as {lower[target]!r} (ko/terms.yml)")
    return problems


def _delta(a: list, b: list) -> str:
    ca, cb = Counter(map(str, a)), Counter(map(str, b))
    only_e, only_t = sorted((ca - cb).elements()), sorted((cb - ca).elements())
    if not only_e and not only_t:
        return "same items, another order"
    return f"has {only_e[:6]}, translation has {only_t[:6]}"


def read_glue_units(language: str, root: Path = ROOT) -> dict[str, str]:
    """English glue name -> the translation's name for the same value in its own units."""
    path = translation_dir(language, root) / GLUE_UNITS
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if data is not None and not (isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items())):
        raise ValueError(f"{path}: must map English glue names to glue names, one per line")
    return data or {}


def read_terms(language: str, root: Path = ROOT) -> dict[str, str]:
    path = translation_dir(language, root) / TERMS
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def sync_code(english_text: str, translated_text: str) -> str:
    """The translation with its code cells and front matter replaced by the English page's,
    keeping its own figure alt text and captions (same count and order of cells required: a
    changed number of cells needs a translator)."""
    e_cells, t_cells = code_cells(english_text), code_cells(translated_text)
    if len(e_cells) != len(t_cells):
        raise ValueError(f"{len(t_cells)} code cells against English {len(e_cells)}: a translator must add or remove them")
    cells = iter(zip(e_cells, t_cells))
    text = _CODE_CELL.sub(lambda m: _with_prose(*next(cells)), translated_text)
    return front_matter(english_text) + text[len(front_matter(text)):]
