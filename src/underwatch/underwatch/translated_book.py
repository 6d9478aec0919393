"""The Korean book, built from ``ko/`` and the English tree.

``stage("ko")`` writes a complete book source to ``_build/ko/source``: the English tree's
files that are not pages (``book/_static``, ``references.bib``), every translated page from
``ko/``, the English page where there is no translation yet (under a notice in Korean, so
the book is whole and every cross-reference resolves), a notice on every translation whose
English page changed since it was translated, the translation status page, ``ko/_toc.yml``,
and the English ``_config.yml`` with ``ko/_config.yml``'s settings merged in.

``build("ko", builder)`` executes the notebooks with ``SURVLAB_LANG=ko`` (Korean figures and
check messages) into the Korean book's own execution cache, then runs Jupyter Book:
HTML in ``_build/ko/_build/html``, the PDF in ``_build/ko/_build/latex/under-watch-ko.pdf``.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import translations

ROOT = translations.ROOT
STATUS_PAGE = "book/translation-status.md"
# Which English settings a translation's _config.yml replaces wholesale rather than merges.
_REPLACED = {"extra_extensions", "latex_elements"}

TEXT = {
    "ko": {
        "missing": ":::{{admonition}} 아직 번역되지 않은 페이지\n:class: warning\n이 페이지는 아직 한국어로 "
                   "번역되지 않아 영어 원문을 그대로 싣습니다. 번역 현황은 {{doc}}`{status}`에 있습니다.\n:::\n",
        "out of date": ":::{{admonition}} 영어 원문이 바뀐 페이지\n:class: warning\n이 번역을 만든 뒤 영어 원문이 "
                       "고쳐졌습니다. 고친 내용이 아직 반영되지 않았을 수 있으니 영어 원문과 함께 읽어 주세요. "
                       "번역 현황은 {{doc}}`{status}`에 있습니다.\n:::\n",
        "title": "번역 현황",
        "intro": ("이 한국어판은 영어판과 같은 저장소에서 만들어집니다. 코드 셀은 영어판과 똑같고(시험이 "
                  "확인합니다), 그림과 채점 메시지는 한국어로 나옵니다. 아래 표는 영어판의 각 페이지가 "
                  "번역되었는지, 번역한 뒤 영어 원문이 바뀌었는지, 아직 번역되지 않았는지를 보여 줍니다. "
                  "이 표는 책을 만들 때마다 새로 계산됩니다."),
        "states": {translations.TRANSLATED: "번역됨", translations.OUT_OF_DATE: "영어 원문이 바뀜(갱신 필요)",
                   translations.MISSING: "아직 번역되지 않음(영어 원문 표시)"},
        "columns": ("페이지", "상태"),
        "summary": "전체 {total}쪽 가운데 번역됨 {done}쪽, 갱신 필요 {stale}쪽, 미번역 {missing}쪽.",
    },
}


def _merge(base: dict, extra: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key not in _REPLACED:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def config(language: str, root: Path = ROOT) -> dict:
    english = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((translations.translation_dir(language, root) / "_config.yml").read_text(encoding="utf-8"))
    return _merge(english, extra or {})


def _with_notice(text: str, notice: str) -> str:
    """The page with a notice right under its title (front matter and title kept first)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "".join(lines[: i + 1]) + "\n" + notice + "\n" + "".join(lines[i + 1:])
    raise ValueError("the page has no title line (# ...)")


def status_page(language: str, pages: list[translations.Page]) -> str:
    text = TEXT[language]
    counts = {state: sum(p.status == state for p in pages) for state in text["states"]}
    rows = "\n".join(f"| {{doc}}`/{Path(p.english).with_suffix('').as_posix()}` | {text['states'][p.status]} |"
                     for p in pages)
    summary = text["summary"].format(total=len(pages), done=counts[translations.TRANSLATED],
                                     stale=counts[translations.OUT_OF_DATE], missing=counts[translations.MISSING])
    return (f"# {text['title']}\n\n{text['intro']}\n\n{summary}\n\n"
            f"| {text['columns'][0]} | {text['columns'][1]} |\n| --- | --- |\n{rows}\n")


def stage(language: str, root: Path = ROOT, out: Path | None = None) -> Path:
    """Write the translated book's complete source; returns its folder."""
    out = Path(out or root / "_build" / language / "source")
    folder = translations.translation_dir(language, root)
    pages = translations.status(language, root)
    english_pages = {p.english for p in pages}
    if out.exists():
        shutil.rmtree(out)
    # Everything of book/ and notebooks/ that is not a page: static files, the bibliography.
    for top in ("book", "notebooks"):
        for path in sorted((root / top).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in english_pages and "__pycache__" not in path.parts \
                    and ".ipynb_checkpoints" not in path.parts:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out / rel)
    status_doc = "/" + Path(STATUS_PAGE).with_suffix("").as_posix()
    for page in pages:
        target = out / page.english
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.status == translations.MISSING:
            text = _with_notice((root / page.english).read_text(encoding="utf-8"),
                                TEXT[language]["missing"].format(status=status_doc))
        else:
            text = (root / page.translated).read_text(encoding="utf-8")
            if page.status == translations.OUT_OF_DATE:
                text = _with_notice(text, TEXT[language]["out of date"].format(status=status_doc))
        target.write_text(text, encoding="utf-8")
    (out / STATUS_PAGE).write_text(status_page(language, pages), encoding="utf-8")
    shutil.copy2(folder / "_toc.yml", out / "_toc.yml")
    settings = config(language, root)
    extra = settings.setdefault("sphinx", {}).setdefault("config", {})
    extra["underwatch_language"] = language
    extra["underwatch_translations"] = "en"  # the Korean site sits in the English one, at ko/
    extra["underwatch_pages_only_here"] = [Path(STATUS_PAGE).with_suffix("").as_posix()]
    (out / "_config.yml").write_text("# Made by underwatch/translated_book.py from _config.yml and "
                                     f"{translations.LANGUAGE_DIRS[language]}/_config.yml: edit those.\n"
                                     + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    return out


def build(language: str, builder: str = "html", root: Path = ROOT, out: Path | None = None,
          jobs: int | None = None, env: dict[str, str] | None = None, flags=("-W", "-n", "--keep-going"),
          log=print, capture: bool = False) -> subprocess.CompletedProcess:
    """Stage, execute the notebooks in the language (own cache), and build with Jupyter Book.

    The cache is ``out/_build/.jupyter_cache``: notebooks already in it are not run again."""
    out = Path(out or root / "_build" / language)
    source = stage(language, root, out / "source")
    kernel_env = {"SURVLAB_LANG": language, **(env or {})}
    failed = [o for o in execute_into(source, out, kernel_env, jobs, log) if o.error]
    if failed:
        log(f"{len(failed)} notebooks failed; the build will run them again and report them")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(source), *flags, "--path-output", str(out), "--builder", builder]
    return subprocess.run(cmd, env={**os.environ, **kernel_env, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
                          capture_output=capture, text=True)


def execute_into(source: Path, out: Path, kernel_env: dict[str, str], jobs: int | None = None, log=print):
    """Run a staged book's notebooks into the cache its build reads (``out/_build/.jupyter_cache``)."""
    from . import execute

    return execute.execute_all(source, out / "_build" / ".jupyter_cache", jobs=jobs, env=kernel_env, log=log)
