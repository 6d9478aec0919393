"""Shared fixtures: the repository's paths and the book builds (built once per session)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

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


def build_book(out: Path, builder: str = "html", book: Path = ROOT) -> subprocess.CompletedProcess:
    """Build through the CLI, as CI does: every page, warnings are errors."""
    cmd = [str(JUPYTER_BOOK), "build", str(book), "--all", "-W", "-n", "--keep-going",
           "--path-output", str(out), "--builder", builder]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})


@pytest.fixture(scope="session")
def html_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    result = build_book(out, "html")
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return out / "_build" / "html", result


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory):
    if not shutil.which("xelatex") or not shutil.which("latexmk"):
        pytest.fail("xelatex/latexmk not installed: run `make setup` (scripts/install-system-packages.sh)")
    out = tmp_path_factory.mktemp("pdf")
    result = build_book(out, "pdflatex")
    assert result.returncode == 0, f"PDF build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return out / "_build" / "latex", result
