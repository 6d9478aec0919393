"""Shared fixtures: the repository's paths and the book builds (built once per test run, see shared_builds)."""
from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from shared_builds import shared_build  # noqa: E402

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


# The expensive builds (each book's executed notebooks, its site, its PDF) are made once per
# run by whichever pytest-xdist worker needs one first; a worker that needs it meanwhile waits
# for it (`shared_build`). Each module that sets up costly module fixtures (a browser visiting
# every page) is one xdist group, so its tests stay on one worker; the longest start first.
# The grader's tests share machine-wide things (a loopback port, /tmp canaries, cgroups), so
# they are one group too: one worker runs them in turn while the other runs the rest, and
# their waits (time limits, sandboxes starting) leave it CPU. `make test` runs
# `pytest -n auto --dist loadgroup --no-loadscope-reorder` (groups in the order below, not by size).
# "scheduling" (tests/test_xdist_groups.py) mostly waits on pytest runs of its own: started
# among the groups, its waits overlap the other worker's work instead of ending the run alone.
GROUPS_LONGEST_FIRST = ("browser", "korean-book", "kits", "grader", "book", "pdf", "values", "scheduling")


def group(name: str) -> pytest.MarkDecorator:
    assert name in GROUPS_LONGEST_FIRST, name
    return pytest.mark.xdist_group(name)


GRADER = [pytest.mark.grader, group("grader")]  # a grader module's `pytestmark = [*GRADER]`


def pytest_collection_modifyitems(config, items):
    """Grouped tests first, longest group first: xdist hands out work in this order, so the
    long chains start at once and the short tests fill the gaps."""
    order = {name: i for i, name in enumerate(GROUPS_LONGEST_FIRST)}

    def rank(item) -> int:
        names = [m.args[0] for m in item.iter_markers("xdist_group") if m.args]
        return min((order.get(n, len(order)) for n in names), default=len(order) + 1)

    items.sort(key=rank)
    for item in items:  # `make test-fast` leaves out every test that needs a book or kit build
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)


BUILDS_THE_BOOK = pytest.StashKey[bool]()


def pytest_collection_finish(session):
    """Whether this run builds the book anyway (a test it runs needs a build): tests that can
    read what the build executed then do so instead of executing it again (`builds_the_book`)."""
    session.config.stash[BUILDS_THE_BOOK] = any(item.get_closest_marker("build") for item in session.items)


def builds_the_book(config: pytest.Config) -> bool:
    return config.stash.get(BUILDS_THE_BOOK, False)


BUILD_FIXTURES = {"executed_cache", "html_build", "pdf_build", "korean_executed_cache", "korean_html_build",
                  "korean_pdf_build", "linux_kit", "kit_korean_runs", "every_kit"}


def _kept(folder: Path, result: subprocess.CompletedProcess) -> None:
    """A build's output, kept beside it for the workers that reuse it."""
    (folder / "build-stdout.txt").write_text(result.stdout or "", encoding="utf-8")
    (folder / "build-stderr.txt").write_text(result.stderr or "", encoding="utf-8")


def _result(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess("jupyter-book build", 0, (folder / "build-stdout.txt").read_text(encoding="utf-8"),
                                       (folder / "build-stderr.txt").read_text(encoding="utf-8"))


def _other_machine_env() -> dict[str, str]:
    import kernels

    other = kernels.other_machines()
    disabled = other.get("widest off") or other.get("baseline only", "")
    return {"NPY_DISABLE_CPU_FEATURES": disabled} if disabled else {}


@pytest.fixture(scope="session")
def executed_cache(tmp_path_factory) -> Path:
    """Every notebook page executed once, in parallel, into one jupyter-cache for all builds.

    The kernels run with this CPU's widest numpy kernels off, as on a machine of another kind,
    so the site, PDF and glued-value tests check what such a machine's build would say.
    """
    from underwatch import execute

    def make(folder: Path) -> None:
        outcomes = execute.execute_all(ROOT, folder / ".jupyter_cache", env=_other_machine_env() or None,
                                       answers=True)
        failed = [f"{o.path.relative_to(ROOT)}: {o.error}" for o in outcomes if o.error]
        assert not failed, "notebooks failed:\n" + "\n".join(failed)

    return shared_build(tmp_path_factory, "executed", make) / ".jupyter_cache"


@pytest.fixture(scope="session")
def html_build(tmp_path_factory, executed_cache):
    def make(out: Path) -> None:
        result = build_book(out, "html", cache=executed_cache, env={"UNDERWATCH_TRANSLATIONS": "ko"})
        assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        assert "Executing notebook" not in result.stdout, "the build executed a notebook the cache should have held"
        _kept(out, result)

    out = shared_build(tmp_path_factory, "html", make)
    return out / "_build" / "html", _result(out)


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory, executed_cache):
    if not shutil.which("xelatex") or not shutil.which("latexmk"):
        pytest.fail("xelatex/latexmk not installed: run `make setup` (scripts/install-system-packages.sh)")

    def make(out: Path) -> None:
        result = build_book(out, "pdflatex", cache=executed_cache)
        assert result.returncode == 0, f"PDF build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        _kept(out, result)

    out = shared_build(tmp_path_factory, "pdf", make)
    return out / "_build" / "latex", _result(out)


@pytest.fixture(scope="session")
def korean_executed_cache(tmp_path_factory) -> Path:
    """The Korean book's notebooks executed once (SURVLAB_LANG=ko, other numpy kernels as above)."""
    from underwatch import translated_book

    def make(out: Path) -> None:
        source = translated_book.stage("ko", out=out / "source")
        outcomes = translated_book.execute_into(source, out, {"SURVLAB_LANG": "ko", **_other_machine_env()})
        failed = [f"{o.path.relative_to(source)}: {o.error}" for o in outcomes if o.error]
        assert not failed, "Korean notebooks failed:\n" + "\n".join(failed)

    return shared_build(tmp_path_factory, "ko-executed", make) / "_build" / ".jupyter_cache"


@pytest.fixture(scope="session")
def linux_kit(executed_cache) -> Path:
    import kits
    return kits.linux_kit(executed_cache)


@pytest.fixture(scope="session")
def kit_korean_runs(tmp_path_factory, linux_kit) -> dict:
    """The Linux kit installed offline and every Korean student edition run in its kernel, once
    per run: tests/test_labkit.py judges the kit by it, tests/test_korean.py the Korean editions.
    (The Korean editions' code is the English editions' code: test_labkit checks it.)"""
    import kits

    folder = shared_build(tmp_path_factory, "kit-ko-runs", lambda out: kits.install_and_run_student_editions(
        linux_kit, out, "ko"))
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _korean_build(tmp_path_factory, cache: Path, builder: str):
    from underwatch import translated_book

    def make(out: Path) -> None:
        shutil.copytree(cache, out / "_build" / ".jupyter_cache")
        result = translated_book.build("ko", builder, out=out, env=_other_machine_env(), log=lambda *_: None,
                                       capture=True)
        assert result.returncode == 0, f"Korean {builder} build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        _kept(out, result)

    out = shared_build(tmp_path_factory, f"ko-{builder}", make)
    return out, _result(out)


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
