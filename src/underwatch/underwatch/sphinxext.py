"""Sphinx extension: every lab page offers its student edition as the ".ipynb" download,
the site carries the student downloads, and the book can be built with every solution removed.

Downloads (``downloads/`` in the site, listed where a page says ``{underwatch-downloads}``):
the student library's wheel (built from ``src/survlab`` when the build starts) and its
pinned requirements (``src/survlab/requirements-student.lock``), every
student notebook in one zip (when the build finishes), and the offline lab kits when
``UNDERWATCH_LABKIT_DIR`` names a folder holding them (``make labkit``; the Makefile sets
it). The list names only files the site holds, so it never promises a missing download.

The theme gives MyST Markdown notebooks no notebook download, and myst-nb's
``jupyter_execute`` copy loses its outputs on a cache hit. So for each lab page we take
the executed notebook from the execution cache, make the student edition (answers
blank, figures kept) and write it where the theme's download button points.
"""
from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import editions, labkit

logger = logging.getLogger(__name__)

DOWNLOADS = "downloads"
NOTEBOOKS_ZIP = "under-watch-student-notebooks.zip"
STUDENT_REQUIREMENTS = "requirements-student.txt"  # the student lock, for pip install -c
PDF = "under-watch.pdf"  # copied to the site's root by `make book`


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
    kits = labkit.kit_zips(_labkit_dir(app)) if _labkit_dir(app) else []
    for old in folder.glob("under-watch-labkit-*.zip"):
        if old.name not in {k.name for k in kits}:
            old.unlink()
    for kit in kits:
        _place(kit, folder / kit.name)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"


class DownloadsDirective(SphinxDirective):
    """The list of what ``downloads/`` holds, with links, read afresh at every build."""

    has_content = False

    def run(self):
        self.env.note_dependency(__file__)
        pages = getattr(self.env, "underwatch_download_pages", set())
        pages.add(self.env.docname)
        self.env.underwatch_download_pages = pages
        outdir = Path(self.env.app.outdir)
        folder = outdir / DOWNLOADS
        up = "../" * self.env.docname.count("/")
        version = labkit.student_version()
        items = [(f"{DOWNLOADS}/{labkit.wheel_name(version)}",
                  f"the course library survlab {version}, for <code>pip install</code>")]
        items.append((f"{DOWNLOADS}/{STUDENT_REQUIREMENTS}",
                      "the versions of its dependencies and of JupyterLab that the course is tested with"))
        items.append((f"{DOWNLOADS}/{NOTEBOOKS_ZIP}", "every lab's student edition, in one zip"))
        for kit in labkit.kit_zips(folder, version):
            platform = labkit.PLATFORMS[kit.stem.rsplit(f"{version}-", 1)[1]]
            items.append((f"{DOWNLOADS}/{kit.name}",
                          f"lab kit for {platform.label}, to install with no network ({_size(kit)})"))
        items.append((PDF, "the whole book as one PDF"))
        lines = ['<ul class="underwatch-downloads">']
        for href, text in items:
            lines.append(f'<li><a href="{up}{href}" download><code>{Path(href).name}</code></a>: {text}</li>')
        lines.append("</ul>")
        html_list = nodes.raw("", "\n".join(lines), format="html")
        on_paper = nodes.paragraph(text="These files are on the course site, in its downloads folder.")
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
    student = editions.make_edition(editions.with_cached_outputs(nb, cache), student=True, source=source)
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


def setup(app):
    app.add_config_value("survlab_hide_solutions", os.environ.get("SURVLAB_HIDE_SOLUTIONS") == "1", "env")
    app.add_config_value("underwatch_labkit_dir", os.environ.get("UNDERWATCH_LABKIT_DIR", ""), "")
    app.add_directive("underwatch-downloads", DownloadsDirective)
    app.connect("builder-inited", prepare_downloads)
    app.connect("env-get-outdated", reread_download_pages)
    app.connect("env-purge-doc", purge_download_page)
    app.connect("env-merge-info", merge_download_pages)
    app.connect("build-finished", zip_student_notebooks)
    app.connect("config-inited", hide_copied_sources)
    app.connect("doctree-read", remove_solutions, priority=400)
    # Before the theme's header buttons (priority 501) read context["ipynb_source"].
    app.connect("html-page-context", add_student_download, priority=500)
    app.connect("html-page-context", drop_source_button, priority=502)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
