"""Sphinx extension: every lab page offers its student edition as the ".ipynb" download.

The theme gives MyST Markdown notebooks no notebook download, and myst-nb's
``jupyter_execute`` copy loses its outputs on a cache hit. So for each lab page we take
the executed notebook from the execution cache, make the student edition (answers
blank, figures kept) and write it where the theme's download button points.
"""
from __future__ import annotations

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


def setup(app):
    # Before the theme's header buttons (priority 501) read context["ipynb_source"].
    app.connect("html-page-context", add_student_download, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
