"""Sphinx extension: every lab page offers its student edition as the ".ipynb" download,
the site carries the student downloads, and the book can be built with every solution removed.

Downloads (``downloads/`` in the site, listed where a page says ``{underwatch-downloads}``):
the student library's wheel (built from ``src/survlab`` when the build starts) and its
pinned requirements (``src/survlab/requirements-student.lock``), every student notebook in
one zip (when the build finishes), and the PDF. The site carries nothing else: the lab kits,
the offline bundle and the editions are assets of the course's release, and when the build
knows its repository (``UNDERWATCH_REPOSITORY``, owner/name, as the release workflow sets
it) the list links them on the release of this version (``release.download_items``), with
each kit's size when ``UNDERWATCH_LABKIT_DIR`` holds it.

The version and date (``set_course_version``): ``survlab.__version__`` and the changelog's
date for it become Sphinx's ``version``/``release``/``today``, the MyST substitutions
``course_version``, ``release_date``, ``license_note`` and ``citation`` (the front page),
and a front-matter page after the PDF's title page.

The theme gives MyST Markdown notebooks no notebook download, and myst-nb's
``jupyter_execute`` copy loses its outputs on a cache hit. So for each lab page we take
the executed notebook from the execution cache, make the student edition (answers
blank, figures kept) and write it where the theme's download button points.
"""
from __future__ import annotations

import logging as logging_std
import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import editions, labkit, release

logger = logging.getLogger(__name__)

DOWNLOADS = "downloads"
NOTEBOOKS_ZIP = "under-watch-student-notebooks.zip"
STUDENT_REQUIREMENTS = "requirements-student.txt"  # the student lock, for pip install -c
PDF = "under-watch.pdf"  # copied to the site's root by `make book`


def pdf_name(language: str) -> str:
    """The PDF at the root of an edition's site (the Korean one: under-watch-ko.pdf in ko/)."""
    return PDF if language == "en" else f"under-watch-{language}.pdf"


def _html(app) -> bool:
    return getattr(app.builder, "format", "") == "html"


def _labkit_dir(app) -> Path | None:
    folder = app.config.underwatch_labkit_dir
    if not folder:
        return None
    folder = Path(folder)
    return folder if folder.is_absolute() else Path(app.srcdir) / folder


def _place(source: Path, target: Path) -> None:
    """Put a file into the site: a hard link where possible (kits are large), else a copy."""
    if target.exists():
        if target.stat().st_size == source.stat().st_size and target.stat().st_mtime >= source.stat().st_mtime:
            return
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def prepare_downloads(app):
    """The wheel and any lab kits into ``downloads/`` before pages are read (the list reads that folder)."""
    if not _html(app):
        return
    folder = Path(app.outdir) / DOWNLOADS
    folder.mkdir(parents=True, exist_ok=True)
    try:
        wheel = labkit.build_wheel(labkit.WHEEL_CACHE)
    except labkit.KitError as err:
        raise RuntimeError(f"underwatch: the student wheel could not be built: {err}") from err
    for old in folder.glob("survlab-*.whl"):
        if old.name != wheel.name:
            old.unlink()
    _place(wheel, folder / wheel.name)
    shutil.copy2(labkit.STUDENT_LOCK, folder / STUDENT_REQUIREMENTS)
    for old in folder.glob("under-watch-labkit-*.zip"):  # kits are release assets, not the site's
        old.unlink()


# What the extension writes on a page, in Korean for the Korean book (English is in the code).
KOREAN = {
    "the versions of its dependencies and of JupyterLab that the course is tested with":
        "강좌가 시험을 거친 의존 패키지와 JupyterLab의 버전",
    "every lab's student edition, in one zip": "모든 실습의 학생판, zip 파일 하나",
    "the whole book as one PDF": "책 전체, PDF 한 권",
    "every lab's student edition": "모든 실습의 학생판",
    "every lab's instructor edition, with solutions": "모든 실습의 강사판(풀이 포함)",
    "the site, the PDF and the student notebooks in one zip, to read with no network":
        "사이트, PDF, 학생용 노트북을 담은 zip 하나(네트워크 없이 읽기)",
    "the Korean edition (한국어판) as one PDF": "한국어판 PDF 한 권",
    "every lab's student edition, in Korean": "모든 실습의 한국어 학생판",
    "every lab's instructor edition, in Korean, with solutions": "모든 실습의 한국어 강사판(풀이 포함)",
    "The library, the notebooks and this PDF are on the course site, in its downloads folder; the lab kits "
    "are on the course's release page.":
        "라이브러리, 노트북, 이 PDF는 강좌 사이트의 downloads 폴더에 있고, 실습 키트는 강좌의 릴리스 페이지에 있습니다.",
}
_KOREAN_PATTERNS = (
    (re.compile(r"^the course library survlab (\S+), for pip install$"), r"강좌 라이브러리 survlab \1(pip install용)"),
    (re.compile(r"^lab kit for (.+), to install with no network$"), r"\1용 실습 키트(네트워크 없이 설치)"),
)


def say(app, text: str) -> str:
    """``text`` in the book's language (the extension's own few sentences)."""
    if app.config.underwatch_language != "ko":
        return text
    size = re.search(r" \(\d[^()]*B\)$", text)  # a kit's size, kept as it is
    core = text[: size.start()] if size else text
    if core in KOREAN:
        return KOREAN[core] + (size.group(0) if size else "")
    for pattern, korean in _KOREAN_PATTERNS:
        if pattern.match(core):
            return pattern.sub(korean, core) + (size.group(0) if size else "")
    return text


class DownloadsDirective(SphinxDirective):
    """The list of what ``downloads/`` holds, with links, read afresh at every build."""

    has_content = False

    def run(self):
        self.env.note_dependency(__file__)
        pages = getattr(self.env, "underwatch_download_pages", set())
        pages.add(self.env.docname)
        self.env.underwatch_download_pages = pages
        up = "../" * self.env.docname.count("/")
        version = labkit.student_version()
        repository = self.env.app.config.underwatch_repository
        items = release.download_items(version, repository, _labkit_dir(self.env.app), DOWNLOADS, NOTEBOOKS_ZIP,
                                       STUDENT_REQUIREMENTS, pdf_name(self.env.app.config.underwatch_language))
        lines = ['<ul class="underwatch-downloads">']
        for item in items:
            href = item.href if item.where == release.ON_RELEASE else up + item.href
            lines.append(f'<li><a href="{href}" download><code>{item.name}</code></a>: '
                         f'{say(self.env.app, item.text)}</li>')
        lines.append("</ul>")
        korean = self.env.app.config.underwatch_language == "ko"
        if repository:
            page = release.release_page(repository, version)
            lines.append(f'<p>실습 키트, 오프라인 묶음, 학생판과 강사판은 <a href="{page}">{version} 버전의 릴리스 '
                         f'페이지</a>에 있습니다.</p>' if korean else
                         f'<p>The lab kits, the offline bundle and the editions are on the '
                         f'<a href="{page}">release page of version {version}</a>.</p>')
        elif korean:
            lines.append("<p>모든 시스템용 실습 키트, 오프라인 묶음, 학생판과 강사판은 강좌 저장소의 Releases "
                         "페이지에 릴리스마다 첨부됩니다(<code>make offline</code>이 원본에서 만듭니다).</p>")
        else:
            lines.append("<p>The lab kits for every system, the offline bundle and the student and instructor "
                         "editions are attached to each release of the course, on its repository's Releases page "
                         "(<code>make offline</code> builds them from the sources).</p>")
        html_list = nodes.raw("", "\n".join(lines), format="html")
        on_paper = nodes.paragraph(text=say(self.env.app, "The library, the notebooks and this PDF are on the course "
                                                          "site, in its downloads folder; the lab kits are on the "
                                                          "course's release page."))
        latex = addnodes.only(expr="latex")
        latex += on_paper
        return [html_list, latex]


def reread_download_pages(app, env, added, changed, removed):
    """Pages with a downloads list are read again at every build: what the folder holds may change."""
    return sorted(getattr(env, "underwatch_download_pages", set()) - set(removed))


def purge_download_page(app, env, docname):
    getattr(env, "underwatch_download_pages", set()).discard(docname)


def merge_download_pages(app, env, docnames, other):
    env.underwatch_download_pages = (getattr(env, "underwatch_download_pages", set())
                                     | getattr(other, "underwatch_download_pages", set()))


def zip_student_notebooks(app, exception):
    """Every student edition the lab pages offer, in one zip beside the wheel."""
    if exception or not _html(app):
        return
    sources = sorted((Path(app.outdir) / "_sources" / "notebooks").glob("*.ipynb"))
    target = Path(app.outdir) / DOWNLOADS / NOTEBOOKS_ZIP
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for nb in sources:
            zf.write(nb, f"under-watch-student-notebooks/{nb.name}")


def add_student_download(app, pagename, templatename, context, doctree):
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".md" or not source.exists():
        return
    head = source.read_text(encoding="utf-8")[:2000]
    if "survlab:" not in head:
        return
    nb = editions.read_lab_source(source)
    if "survlab" not in nb.metadata:
        return
    cache = app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    student = editions.make_edition(editions.with_cached_outputs(nb, cache), student=True, source=source,
                                    language=app.config.underwatch_language)
    target = Path(app.outdir, "_sources", pagename + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student, target)
    context["ipynb_source"] = pagename + ".ipynb"


def remove_solutions(app, doctree):
    """With survlab_hide_solutions, drop every solution (text and code) from the page.

    sphinx-exercise's own hide_solutions crashes on gated solutions (its issue 89), so
    its option stays off and the merged solution nodes are removed here instead, before
    sphinx-exercise registers them.
    """
    if not app.config.survlab_hide_solutions:
        return
    from sphinx_exercise.nodes import solution_node

    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def hide_copied_sources(app, config):
    if config.survlab_hide_solutions:
        config.html_copy_source = False  # the copied .md would carry the solutions


def drop_source_button(app, pagename, templatename, context, doctree):
    """Without copied sources, the theme's ".md" download would point at nothing."""
    if not app.config.survlab_hide_solutions:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-source-button"]


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each script a page loads.

    Sphinx 7.4 lists an inline script twice when an extension adds it after the builder
    starts (sphinx-thebe, sphinx-togglebutton): once with filename None, then again with
    "" when writing begins. The second ``const THEBE_JS_URL`` is a SyntaxError in every
    page's console. ``script_files`` is the builder's own list, restored after each page.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", getattr(script, "priority", 0),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


# The editions in other languages, and where each one's site sits relative to this one's root.
EDITIONS = {"en": {"label": "English", "root": ""}, "ko": {"label": "한국어", "root": "ko/"}}


def _other_editions(app) -> list[str]:
    wanted = [c.strip() for c in app.config.underwatch_translations.split(",") if c.strip()]
    return [c for c in wanted if c in EDITIONS and c != app.config.underwatch_language]


def add_language_switch(app, pagename, templatename, context, doctree):
    """A link on every page to the same page in each other language's edition (built with it:
    ``underwatch_translations``), and the matching ``<link rel="alternate" hreflang>``."""
    if not _html(app) or doctree is None or pagename in app.config.underwatch_pages_only_here:
        return
    here = EDITIONS[app.config.underwatch_language]["root"]
    to_site_root = "../" * (pagename.count("/") + here.count("/"))
    links, tags = [], []
    for code in _other_editions(app):
        href = f"{to_site_root}{EDITIONS[code]['root']}{pagename}.html"
        links.append(f'<a href="{href}" hreflang="{code}" lang="{code}">{EDITIONS[code]["label"]}</a>')
        tags.append(f'<link rel="alternate" hreflang="{code}" href="{href}">')
    if links:
        label = "다른 언어" if app.config.underwatch_language == "ko" else "Other languages"
        context["body"] = (f'<nav class="uw-language" aria-label="{label}">{" · ".join(links)}</nav>\n'
                           + context.get("body", ""))
        context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


def set_course_version(app, config):
    """The course's version, date, licence and citation from their single sources."""
    version = release.course_version()
    date = release.release_date(version)
    config.version = config.release = version
    config.today = release.human_date(date)
    citation = release.citation_text(version)
    repository = getattr(config, "underwatch_repository", "")
    if repository:  # the published site knows where it lives (the release workflow sets it)
        citation += f" https://github.com/{repository}"
    config.myst_substitutions = {**(config.myst_substitutions or {}), "course_version": version,
                                 "release_date": release.human_date(date), "license_note": release.LICENSE_NOTE,
                                 "citation": citation}
    latex = dict(config.latex_elements or {})
    front = (_latex_front_matter_ko if getattr(config, "underwatch_language", "en") == "ko" else _latex_front_matter)
    latex.setdefault("maketitle", "\\sphinxmaketitle\n" + front(version, date, citation))
    config.latex_elements = latex


def _latex_front_matter_ko(version: str, date, citation: str) -> str:
    """The same page for the Korean PDF (the licences' names and the citation stay as they are)."""
    return ("\\begingroup\\noindent\\textbf{Under Watch 한국어판, 버전 " + version + ", " + date.isoformat()
            + ".}\\par\\medskip\\noindent 본문, 그림, 실습 설명: CC BY 4.0. 코드: MIT. 인용문과 제3자 자료는 각 "
              "권리자의 것입니다. 전체 조항: https://creativecommons.org/licenses/by/4.0/ (CC BY 4.0)과 강좌의 LICENSE "
              "파일에 있는 MIT 라이선스.\\par\\medskip\\noindent\\textbf{인용 방법:} " + _latex_escape(citation)
            + "\\par\\endgroup\\clearpage\n")


def _latex_escape(text: str) -> str:
    return "".join("\\" + c if c in "&%$#_{}" else c for c in text)


def _latex_front_matter(version: str, date, citation: str) -> str:
    """A page after the PDF's title page: version and date, licences, how to cite."""
    return ("\\begingroup\\noindent\\textbf{Under Watch, version " + version + ", " + release.human_date(date)
            + ".}\\par\\medskip\\noindent " + _latex_escape(release.LICENSE_NOTE)
            + " Full terms: https://creativecommons.org/licenses/by/4.0/ (CC BY 4.0) and the MIT licence in the "
              "course's LICENSE file.\\par\\medskip\\noindent\\textbf{How to cite:} " + _latex_escape(citation)
            + "\\par\\endgroup\\clearpage\n")


class _NoBabelForKorean(logging_std.Filter):
    """Sphinx warns that Babel has no option for Korean and, by its own comment, changes nothing;
    the Korean PDF sets xetexko and its fonts itself (ko/_config.yml). With -W that warning
    would fail the build, so this one message, for this one language, is dropped."""

    def filter(self, record) -> bool:
        return not (record.getMessage() == "no Babel option known for language 'ko'")


def korean_solution_titles(app, doctree, docname):
    """sphinx-exercise has Korean for "Solution to" but not for a lab's gated "Solution": 풀이."""
    if app.config.underwatch_language != "ko":
        return
    for title in list(doctree.findall(nodes.title)):
        if title.astext() == "Solution" and "solution" in " ".join(title.parent.get("classes", [])) + \
                type(title.parent).__name__.lower():
            title.children = [nodes.Text("풀이")]


def _cache_pybtex_plugin_lookups() -> None:
    """pybtex looks a plugin up in the installed entry points on every call, and
    sphinxcontrib-bibtex asks for one per citation it resolves: ~9 ms each, 4.5 s of a 29 s
    render. Entry points do not change during a build, so each found plugin is kept."""
    import functools

    import pybtex.plugin

    if not hasattr(pybtex.plugin._load_entry_point, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(pybtex.plugin._load_entry_point)


def latexmk_in_xelatex_mode(app, exception):
    """Sphinx's LaTeX Makefile runs latexmk in PDF mode: each of its three XeLaTeX passes writes
    the whole PDF (fonts and figures embedded each time). In latexmk's -xelatex mode the passes
    write only .xdv and xdvipdfmx makes the PDF once, the same file for a fifth less CPU time."""
    makefile = Path(app.outdir) / "Makefile"
    if exception or app.builder.name != "latex" or not makefile.is_file():
        return
    text = makefile.read_text(encoding="utf-8")
    if "\nLATEXMKOPTS ?=\n" not in text:
        raise RuntimeError(f"{makefile}: no 'LATEXMKOPTS ?=' line to set -xelatex in (Sphinx changed its Makefile)")
    makefile.write_text(text.replace("\nLATEXMKOPTS ?=\n", "\nLATEXMKOPTS ?= -xelatex\n"), encoding="utf-8")


def setup(app):
    _cache_pybtex_plugin_lookups()
    app.connect("doctree-resolved", korean_solution_titles)
    for where in ("sphinx.sphinx.builders.latex", "sphinx.sphinx.writers.latex"):
        logging_std.getLogger(where).addFilter(_NoBabelForKorean())
    app.add_config_value("underwatch_repository", os.environ.get("UNDERWATCH_REPOSITORY", ""), "env")
    app.connect("config-inited", set_course_version)
    app.add_config_value("survlab_hide_solutions", os.environ.get("SURVLAB_HIDE_SOLUTIONS") == "1", "env")
    app.add_config_value("underwatch_labkit_dir", os.environ.get("UNDERWATCH_LABKIT_DIR", ""), "")
    app.add_config_value("underwatch_language", "en", "html")  # the translated book sets its own
    # Editions built into the same site (make html builds both): "ko" here, "en" in the Korean book.
    app.add_config_value("underwatch_translations", os.environ.get("UNDERWATCH_TRANSLATIONS", ""), "html")
    app.add_config_value("underwatch_pages_only_here", [], "html")  # e.g. the Korean status page
    app.connect("html-page-context", add_language_switch)
    app.add_directive("underwatch-downloads", DownloadsDirective)
    app.connect("builder-inited", prepare_downloads)
    app.connect("env-get-outdated", reread_download_pages)
    app.connect("env-purge-doc", purge_download_page)
    app.connect("env-merge-info", merge_download_pages)
    app.connect("build-finished", zip_student_notebooks)
    app.connect("build-finished", latexmk_in_xelatex_mode)
    app.connect("config-inited", hide_copied_sources)
    app.connect("doctree-read", remove_solutions, priority=400)
    # Before the theme's header buttons (priority 501) read context["ipynb_source"].
    app.connect("html-page-context", add_student_download, priority=500)
    app.connect("html-page-context", drop_source_button, priority=502)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
