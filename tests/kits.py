"""The Linux lab kit for the tests: built once (its wheels from PyPI, then pip's cache), unpacked,
installed with the network off, and its student editions run in its own kernel.

tests/test_labkit.py tests the kit; the Korean student-edition test (tests/test_korean.py)
reads the kit's run of the Korean editions when the run builds the kit anyway.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import nbformat

from conftest import NOTEBOOKS, OFFLINE_GUARD, ROOT
from underwatch import editions, labkit

KIT_CACHE = ROOT / "_build" / "labkit-test"  # kept between runs; rebuilt when the lock or the library changes
SYSTEM = "linux-x86_64"


def linux_kit(executed_cache: Path) -> Path:
    """The Linux kit's folder, built with the network (PyPI), reused while nothing it holds changed."""
    key = hashlib.sha256(b"".join(p.read_bytes() for p in [labkit.STUDENT_LOCK, *sorted(NOTEBOOKS.glob("*.md")),
                                                           *sorted((ROOT / "ko" / "notebooks").glob("*.md")),
                                                           Path(labkit.__file__), Path(editions.__file__)])
                         ).hexdigest()[:16] + labkit.source_digest()
    stamp = KIT_CACHE / ".key"
    name = f"under-watch-labkit-{labkit.student_version()}-{SYSTEM}"
    KIT_CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(KIT_CACHE.with_name(KIT_CACHE.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time (another pytest may share _build/)
        if not (stamp.is_file() and stamp.read_text() == key and (KIT_CACHE / f"{name}.zip").is_file()):
            shutil.rmtree(KIT_CACHE, ignore_errors=True)
            started = time.perf_counter()
            labkit.build_kits([SYSTEM], KIT_CACHE, executed_cache)  # the run's executed notebooks: figures kept
            print(f"built {name} in {time.perf_counter() - started:.0f} s")
            stamp.write_text(key)
    return KIT_CACHE / name


def unpacked_kit(kit: Path, where: Path) -> Path:
    """The kit as a student's unpacked copy, its 400 MB wheelhouse linked rather than copied
    (pip only reads it; install.sh makes .venv beside it)."""
    shutil.copytree(kit, where, ignore=shutil.ignore_patterns("wheelhouse"))
    (where / "wheelhouse").symlink_to(kit / "wheelhouse", target_is_directory=True)
    return where


def offline_env(home: Path) -> dict[str, str]:
    """An environment in which pip can reach no index: no configuration files, no index,
    no find-links but the ones given, and every proxy pointing at a closed local port.
    pip compiles no bytecode here (half of an install's CPU time): Python compiles what the
    labs import when they import it, and a file that does not compile fails that import.
    (pip reads PIP_NO_COMPILE inverted: "0" is --no-compile.)"""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON", "JUPYTER", "SURVLAB_"))}
    env.update({"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1", "PIP_NO_COMPILE": "0",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "HOME": str(home),
                "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9"})
    return env


def without_network(cmd: list[str]) -> list[str]:
    """The command in a network namespace of its own, with only a loopback interface (the
    kernel and nbconvert talk over 127.0.0.1), where the system allows it; otherwise as it
    is, with only the environment's guards (PIP_NO_INDEX, dead proxies, OFFLINE_GUARD)."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare and ip and subprocess.run([unshare, "-rn", ip, "link", "set", "lo", "up"],
                                         capture_output=True).returncode == 0:
        return [unshare, "-rn", "sh", "-c", f'{ip} link set lo up && exec "$@"', "sh", *cmd]
    return cmd


def find_python(version: str) -> str | None:
    """An interpreter of this version on this machine (pyenv's builds, the system's, or PATH)."""
    candidates = [*sorted(Path("/root/.pyenv/versions").glob(f"{version}.*/bin/python{version}")),
                  Path(f"/usr/bin/python{version}"), Path(f"/usr/local/bin/python{version}")]
    which = shutil.which(f"python{version}")
    candidates += [Path(which)] if which else []
    for candidate in candidates:
        if candidate.is_file():
            found = subprocess.run([str(candidate), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.strip() == version:
                return str(candidate)
    return None


def only_python(folder: Path, version: str, python: str) -> Path:
    """A PATH folder whose only Python is this one (and the tools install.sh uses)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"python{version}").symlink_to(python)
    for tool in ("dirname", "sh"):  # what install.sh and without_network's wrapper call by name
        (folder / tool).symlink_to(shutil.which(tool))
    return folder


def install_and_run_student_editions(kit: Path, folder: Path, language: str) -> dict:
    """Unpack the kit into ``folder``, run its install.sh offline on a PATH whose only Python is
    the lock's, then run every student edition of ``language`` in the kit's kernel, offline,
    in one process of the kit's Python (nbclient comes with JupyterLab). Each notebook gets the
    offline guard first and, last, a cell printing the environment it ran in. Returns what
    happened; the executed notebooks are in ``folder / "runs"``."""
    unpacked = unpacked_kit(kit, folder / kit.name)
    home = folder / "home"
    home.mkdir()
    env = offline_env(home)
    python = find_python(labkit.LOCK_PYTHON)
    assert python, f"python{labkit.LOCK_PYTHON} is needed to test the kit"
    env["PATH"] = str(only_python(folder / "bin", labkit.LOCK_PYTHON, python))
    started = time.perf_counter()
    install = subprocess.run(without_network(["sh", str(unpacked / "install.sh")]), env=env,
                             capture_output=True, text=True)
    report = {"kit": str(unpacked), "install_seconds": round(time.perf_counter() - started),
              "install": [install.returncode, install.stdout[-3000:] + install.stderr[-3000:]], "runs": []}
    if install.returncode != 0:
        (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
        return report
    editions_dir = unpacked / "notebooks" / ("" if language == "en" else language)
    runs = folder / "runs"
    runs.mkdir()
    for notebook in sorted(editions_dir.glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_GUARD))
        nb.cells.append(nbformat.v4.new_code_cell("import sys, survlab; print('KIT', sys.prefix, survlab.__file__)"))
        report["runs"].append(str(runs / notebook.name))
        nbformat.write(nb, runs / notebook.name)
    driver = ROOT / "scripts" / "run-student-editions.py"
    bin_ = unpacked / ".venv" / "bin"
    ran = subprocess.run(without_network([str(bin_ / "python"), str(driver), *report["runs"]]),
                         env=env, cwd=runs, capture_output=True, text=True)
    report["driver"] = [ran.returncode, ran.stdout[-3000:] + ran.stderr[-3000:]]
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return report


def code_outputs(notebook: Path) -> list[tuple[str, str]]:
    """Each code cell of an executed notebook: its source and the text it printed or returned."""
    done = nbformat.read(notebook, as_version=4)
    return [(c.source, "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in c.get("outputs", [])))
            for c in done.cells if c.cell_type == "code"]
