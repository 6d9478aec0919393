"""Builds made once per test run and shared by every pytest-xdist worker."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest


def shared_build(tmp_path_factory, name: str, make) -> Path:
    """A folder that ``make(folder)`` fills once per test run, whichever worker asks first.

    The others wait on a lock and reuse it; if the build failed, they fail at once with its
    message instead of building again. (pytest-xdist's documented way to share session data.)
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # one folder per run, above each worker's own
    shared = root / "shared"
    shared.mkdir(exist_ok=True)
    folder, failed = shared / name, shared / f"{name}.failed"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(f"{name}: the build failed on another worker:\n{failed.read_text(encoding='utf-8')}")
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException as err:
                failed.write_text(f"{type(err).__name__}: {err}"[-8000:], encoding="utf-8")
                raise
            (folder / ".done").touch()
    return folder
