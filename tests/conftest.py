"""Shared fixtures: the repository's paths and the book builds (built once per session)."""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

pytest_plugins = ["xdist_groups"]  # --dist loadgroup as documented, on pytest 9.2 too

# Figures drawn in the test process need no screen. (Not MPLBACKEND: book builds started from
# the tests inherit the environment, and their notebooks need the inline backend for figures.)
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

# Run first in every lab kernel the tests start: any connection beyond this machine fails,
# so a lab that quietly downloads something fails its test.
OFFLINE_GUARD = """
import socket as _s
_orig_connect = _s.socket.connect
def _local_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")):
        raise OSError(f"network access attempted in an offline lab: {address!r}")
    return _orig_connect(self, address)
_s.socket.connect = _local_only
del _local_only
"""


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts with no figures left open by the last."""
    yield
    plt.close("all")


def build_book(out: Path, builder: str = "html", book: Path = ROOT, cache: Path | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Build through the CLI, as CI does: every page, warnings are errors.

    With ``cache``, the build starts from a copy of that execution cache (notebooks executed
    once per test run, by ``executed_cache``) and only renders.
    """
    if cache is not None:
        shutil.copytree(cache, out / "_build" / ".jupyter_cache", dirs_exist_ok=True)
    cmd = [str(JUPYTER_BOOK), "build", str(book), "--all", "-W", "-n", "--keep-going",
           "--path-output", str(out), "--builder", builder]
    return subprocess.run(cmd, capture_output=True, text=True,
                          env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", **(env or {})})


# Tests that share the executed book (the site, the PDF, the browser, the kit) run on one
# pytest-xdist worker, so the notebooks are executed once per run. The grader's tests share
# machine-wide things (a loopback port, /tmp canaries, cgroups) and time limits, so `make test`
# runs them after the rest, in one process: `pytest -n auto --dist loadgroup -m "not grader"`,
# then `pytest -m grader`.
BOOK_GROUP = pytest.mark.xdist_group("book")
GRADER_GROUP = pytest.mark.grader


def pytest_collection_modifyitems(config, items):
    """The book's tests first: xdist hands out work in this order, so the long book group starts
    at once on one worker while the other takes the rest."""
    items.sort(key=lambda item: 0 if any(m.args and m.args[0] == "book"
                                          for m in item.iter_markers("xdist_group")) else 1)


@pytest.fixture(scope="session")
def executed_cache(tmp_path_factory) -> Path:
    """Every notebook page executed once, in parallel, into one jupyter-cache for all builds.

    The kernels run with this CPU's widest numpy kernels off, as on a machine of another kind,
    so the site, PDF and glued-value tests check what such a machine's build would say.
    """
    import kernels
    from underwatch import execute

    cache = tmp_path_factory.mktemp("executed") / ".jupyter_cache"
    other = kernels.other_machines()
    disabled = other.get("widest off") or other.get("baseline only", "")
    outcomes = execute.execute_all(ROOT, cache, env={"NPY_DISABLE_CPU_FEATURES": disabled} if disabled else None)
    failed = [f"{o.path.relative_to(ROOT)}: {o.error}" for o in outcomes if o.error]
    assert not failed, "notebooks failed:\n" + "\n".join(failed)
    return cache


@pytest.fixture(scope="session")
def html_build(tmp_path_factory, executed_cache):
    out = tmp_path_factory.mktemp("book")
    result = build_book(out, "html", cache=executed_cache, env={"UNDERWATCH_TRANSLATIONS": "ko"})
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "Executing notebook" not in result.stdout, "the build executed a notebook the cache should have held"
    return out / "_build" / "html", result


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory, executed_cache):
    if not shutil.which("xelatex") or not shutil.which("latexmk"):
        pytest.fail("xelatex/latexmk not installed: run `make setup` (scripts/install-system-packages.sh)")
    out = tmp_path_factory.mktemp("pdf")
    result = build_book(out, "pdflatex", cache=executed_cache)
    assert result.returncode == 0, f"PDF build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return out / "_build" / "latex", result


def _other_machine_env() -> dict[str, str]:
    import kernels

    other = kernels.other_machines()
    disabled = other.get("widest off") or other.get("baseline only", "")
    return {"NPY_DISABLE_CPU_FEATURES": disabled} if disabled else {}


@pytest.fixture(scope="session")
def korean_executed_cache(tmp_path_factory) -> Path:
    """The Korean book's notebooks executed once (SURVLAB_LANG=ko, other numpy kernels as above)."""
    from underwatch import translated_book

    out = tmp_path_factory.mktemp("ko-executed")
    source = translated_book.stage("ko", out=out / "source")
    outcomes = translated_book.execute_into(source, out, {"SURVLAB_LANG": "ko", **_other_machine_env()})
    failed = [f"{o.path.relative_to(source)}: {o.error}" for o in outcomes if o.error]
    assert not failed, "Korean notebooks failed:\n" + "\n".join(failed)
    return out / "_build" / ".jupyter_cache"


def _korean_build(tmp_path_factory, cache: Path, builder: str):
    from underwatch import translated_book

    out = tmp_path_factory.mktemp(f"ko-{builder}")
    shutil.copytree(cache, out / "_build" / ".jupyter_cache")
    result = translated_book.build("ko", builder, out=out, env=_other_machine_env(), log=lambda *_: None,
                                   capture=True)
    assert result.returncode == 0, f"Korean {builder} build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return out, result


@pytest.fixture(scope="session")
def korean_html_build(tmp_path_factory, korean_executed_cache):
    out, result = _korean_build(tmp_path_factory, korean_executed_cache, "html")
    assert "Executing notebook" not in result.stdout, "the Korean build executed a notebook its cache should hold"
    return out / "_build" / "html", result


@pytest.fixture(scope="session")
def korean_pdf_build(tmp_path_factory, korean_executed_cache):
    out, result = _korean_build(tmp_path_factory, korean_executed_cache, "pdflatex")
    return out / "_build" / "latex", result


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """A built site on 127.0.0.1, on a free port; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process: Playwright's sync API allows one running instance per thread."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci --prefix tests/browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
