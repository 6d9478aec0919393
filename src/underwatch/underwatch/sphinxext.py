"""Sphinx extension: every lab page offers its student edition as the ".ipynb" download,
and the book can be built with every solution removed.

The theme gives MyST Markdown notebooks no notebook download, and myst-nb's
``jupyter_execute`` copy loses its outputs on a cache hit. So for each lab page we take
the executed notebook from the execution cache, make the student edition (answers
blank, figures kept) and write it where the theme's download button points.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from sphinx.util import logging

from . import editions

logger = logging.getLogger(__name__)


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
    app.connect("config-inited", hide_copied_sources)
    app.connect("doctree-read", remove_solutions, priority=400)
    # Before the theme's header buttons (priority 501) read context["ipynb_source"].
    app.connect("html-page-context", add_student_download, priority=500)
    app.connect("html-page-context", drop_source_button, priority=502)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
