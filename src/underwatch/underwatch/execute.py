"""Run the book's notebooks in parallel into the build's execution cache, before Sphinx reads them.

Jupyter Book executes notebooks one after another while Sphinx reads the pages, so a cold build
uses one core. This fills the same jupyter-cache that myst-nb reads (``execute_notebooks: cache``),
one kernel per notebook, ``jobs`` at a time, longest first; the Sphinx build that follows finds
every notebook cached and only renders. A notebook that fails is reported with its cell and
traceback and left out of the cache, so the Sphinx build runs it again and fails on it as usual.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass
class Outcome:
    path: Path
    seconds: float
    cached_before: bool
    error: str | None = None


def toc_pages(root: str | Path) -> list[str]:
    """Every page the table of contents lists, in reading order ("book/index.md", ...)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return [name if name.endswith(".md") else name + ".md" for name in files]


def notebook_pages(root: str | Path) -> list[Path]:
    """Every page in the table of contents that is a notebook (MyST Markdown with a kernelspec)."""
    root = Path(root)
    pages = []
    for name in toc_pages(root):
        path = root / name
        if path.exists() and "kernelspec:" in path.read_text(encoding="utf-8")[:1000]:
            pages.append(path)
    return pages


def _read(path: Path):
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)


def _run(path: str, timeout: int, answers: bool) -> tuple[str, float, str | None, dict | None]:
    # In a worker process: one kernel, the notebook's own folder as working directory (as myst-nb).
    import secrets

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    from . import runner
    from .kernel import failed_to_start

    for attempt in (1, 2):
        nb = _read(Path(path))
        lab = (nb.metadata.get("survlab") or {}).get("lab") if answers else None
        marker = f"SURVLAB-ANSWERS-{secrets.token_hex(8)}:"
        if lab:  # read back after the page's own cells, then removed: the cache holds the page as it is
            nb.cells.append(nbformat.v4.new_code_cell(runner.collect_cell(lab, marker)))
        result = single_nb_execution(nb, cwd=str(Path(path).parent), allow_errors=False, timeout=timeout,
                                     meta_override=True, startup_timeout=30)
        if not failed_to_start(result.err):
            break
    collected = runner.read_answers(nb.cells.pop(), marker) if lab else None
    error = None
    if result.err is not None:
        error = f"{type(result.err).__name__}\n{result.exc_string or ''}"
    return nbformat.writes(nb), result.time, error, collected


def execute_all(root: str | Path, cache_path: str | Path, jobs: int | None = None,
                timeout: int = 120, log=print, env: dict[str, str] | None = None,
                answers: bool = False) -> list[Outcome]:
    """Execute every notebook page not already in the cache, ``jobs`` at a time.

    ``env`` is added to the kernels' environment (the tests set NPY_DISABLE_CPU_FEATURES there,
    to build the book as a machine with other numpy kernels would). With ``answers``, each
    lab's answer variables are read out of its kernel at the end, as ``runner`` reads them, and
    kept in its cache record (``executed_answers``): the tests judge the book's own run.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(root).resolve()
    cache = get_cache(str(cache_path))
    jobs = jobs or len(os.sched_getaffinity(0))
    outcomes: list[Outcome] = []
    todo: list[Path] = []
    for path in notebook_pages(root):
        try:
            cache.match_cache_notebook(_read(path))
            outcomes.append(Outcome(path, 0.0, cached_before=True))
        except KeyError:
            todo.append(path)
    if not todo:
        return outcomes
    # Longest first, so two long labs do not end up one after the other at the end.
    previous = {}
    for record in cache.list_cache_records():
        previous[record.uri] = (record.data or {}).get("execution_seconds", 0)
    todo.sort(key=lambda p: (previous.get(str(p), 0), p.stat().st_size), reverse=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=os.environ.update,
                             initargs=(dict(env or {}),)) as pool:
        futures = {pool.submit(_run, str(p), timeout, answers): p for p in todo}
        for future in as_completed(futures):
            path = futures[future]
            try:
                text, seconds, error, collected = future.result()
            except Exception as err:  # the worker itself died
                text, seconds, error, collected = None, 0.0, f"{type(err).__name__}: {err}", None
            rel = path.relative_to(root)
            if error:
                log(f"FAILED {rel} ({seconds:.1f} s): {error}")
            else:
                cache.cache_notebook_bundle(
                    CacheBundleIn(nbformat.reads(text, as_version=4), str(path),
                                  data={"execution_seconds": seconds, "answers": collected}),
                    check_validity=False, overwrite=True)
                log(f"executed {rel} in {seconds:.1f} s")
            outcomes.append(Outcome(path, seconds, cached_before=False, error=error))
    log(f"{len(todo)} notebooks executed in {time.perf_counter() - started:.1f} s on {jobs} workers")
    return outcomes


def executed_answers(cache_path: str | Path, page: str | Path) -> tuple["nbformat.NotebookNode", dict | None]:
    """A page's executed notebook from the cache, and the answers ``execute_all(answers=True)``
    read out of its kernel (None if they were not read)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    page = Path(page).resolve()
    for record in cache.list_cache_records():
        if Path(record.uri).resolve() == page:
            return cache.get_cache_bundle(record.pk).nb, (record.data or {}).get("answers")
    raise KeyError(f"{page} is not in the execution cache {cache_path}")
