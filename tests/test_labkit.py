"""The student install, as a student without a network makes it.

The Linux lab kit is built (its wheels come from PyPI once, then from pip's cache),
installed into a fresh virtual environment with every index unreachable, and every lab's
student edition is run in that environment's own kernel to the end: every check must
answer. The other systems' kits are built by `make labkit` (benchmarks/results.md has
their sizes); the rules they share are tested here on small cases.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from conftest import NOTEBOOKS, OFFLINE_GUARD, ROOT
from underwatch import editions, labkit

KIT_CACHE = ROOT / "_build" / "labkit-test"  # kept between runs; rebuilt when the lock or the library changes
SYSTEM = "linux-x86_64"


# ---------------------------------------------------------------- small rules, no network

def test_wheel_holds_the_student_library_and_not_the_toolkit(tmp_path):
    wheel = labkit.build_wheel(tmp_path)
    assert wheel.name == labkit.wheel_name()
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "survlab/__init__.py" in names and "survlab/checks.py" in names
    assert not [n for n in names if n.startswith("underwatch")]
    assert f"Version: {labkit.student_version()}" in meta
    assert {r.name for r in labkit.wheel_requirements(wheel)} >= {"numpy", "scipy", "matplotlib"}
    again = labkit.build_wheel(tmp_path)  # unchanged source: the same file, not rebuilt
    assert again.stat().st_mtime == wheel.stat().st_mtime


def test_the_pages_name_the_current_wheel():
    how_to = (ROOT / "book" / "how-to-use.md").read_text(encoding="utf-8")
    assert how_to.count(labkit.wheel_name()) >= 2, "book/how-to-use.md names another survlab version"
    assert "{underwatch-downloads}" in how_to


def _lock(path: Path) -> dict[str, str]:
    return labkit.read_lock(path)


def test_hub_environment_pins_the_same_versions_as_the_student_lock():
    lock = _lock(labkit.STUDENT_LOCK)
    hub = _lock(ROOT / "binder" / "requirements.txt")
    assert {name: hub.get(name) for name in lock} == lock, "run `make binder`"
    assert set(hub) - set(lock) == {"nbgitpuller"}
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "src/survlab" in (ROOT / "binder" / "postBuild").read_text()


def test_student_lock_follows_the_dev_lock():
    """Packages the two locks share have one version, except those requirements-student.in pins itself."""
    dev, student = _lock(ROOT / "requirements.lock"), _lock(labkit.STUDENT_LOCK)
    own = {Requirement(line).name for line in (labkit.STUDENT_SOURCE / "requirements-student.in").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "==" in line}
    differ = {n: (dev[n], student[n]) for n in set(dev) & set(student) if dev[n] != student[n] and n not in own}
    assert differ == {}
    for name in ("numpy", "scipy", "matplotlib", "scikit-image", "cryptography", "jupyterlab", "ipykernel"):
        assert name in student


def _fake_wheel(folder: Path, name: str, version: str, requires: list[str]) -> Path:
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        meta = "".join(f"Requires-Dist: {r}\n" for r in requires)
        zf.writestr(f"{name}-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{meta}")
    return path


def test_kit_completion_follows_the_targets_markers(tmp_path):
    """pip download --platform judges markers by this machine; the kit is completed by the target's."""
    _fake_wheel(tmp_path, "app", "1.0", ["lib>=2", 'winonly; sys_platform == "win32"',
                                         'posixonly; os_name == "posix"', "extra_user[fast]"])
    _fake_wheel(tmp_path, "lib", "2.1", [])
    _fake_wheel(tmp_path, "posixonly", "1.0", [])
    _fake_wheel(tmp_path, "extra_user", "1.0", ['speedup; extra == "fast"', 'slow; extra == "slow"'])
    roots = [Requirement("app")]
    windows = labkit.Wheelhouse(tmp_path, labkit.PLATFORMS["windows-x64"], {})
    needed, missing = windows.resolve(roots)
    assert set(missing) == {"winonly", "speedup"} and "posixonly" not in needed
    linux = labkit.Wheelhouse(tmp_path, labkit.PLATFORMS["linux-x86_64"], {})
    needed, missing = linux.resolve(roots)
    assert set(missing) == {"speedup"} and "posixonly" in needed
    _fake_wheel(tmp_path, "lib", "1.0", [])
    (tmp_path / "lib-2.1-py3-none-any.whl").unlink()
    with pytest.raises(labkit.KitError, match="does not satisfy lib>=2"):
        linux.resolve(roots)


def test_install_scripts_are_one_line_and_offline():
    for windows in (False, True):
        for name, text in labkit._scripts("survlab-9-py3-none-any.whl", windows).items():
            lines = [line for line in text.splitlines() if line and not line.startswith("#!")]
            assert len(lines) == 1, (name, text)
            if name.startswith("install"):
                assert "--no-index --find-links wheelhouse survlab-9-py3-none-any.whl jupyterlab" in lines[0]


# ---------------------------------------------------------------- the Linux kit, offline

@pytest.fixture(scope="module")
def linux_kit() -> Path:
    """The Linux kit's folder, built with the network (PyPI), reused while nothing it holds changed."""
    import hashlib
    key = hashlib.sha256(b"".join(p.read_bytes() for p in [labkit.STUDENT_LOCK, *sorted(NOTEBOOKS.glob("*.md")),
                                                           Path(labkit.__file__), Path(editions.__file__)])
                         ).hexdigest()[:16] + labkit.source_digest()
    stamp = KIT_CACHE / ".key"
    name = f"under-watch-labkit-{labkit.student_version()}-{SYSTEM}"
    if not (stamp.is_file() and stamp.read_text() == key and (KIT_CACHE / f"{name}.zip").is_file()):
        shutil.rmtree(KIT_CACHE, ignore_errors=True)
        started = time.perf_counter()
        labkit.build_kits([SYSTEM], KIT_CACHE, ROOT / "_build" / ".jupyter_cache")
        print(f"built {name} in {time.perf_counter() - started:.0f} s")
        stamp.write_text(key)
    return KIT_CACHE / name


def offline_env(home: Path) -> dict[str, str]:
    """An environment in which pip can reach no index: no configuration files, no index,
    no find-links but the ones given, and every proxy pointing at a closed local port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update({"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1",
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


def test_kit_holds_wheel_wheelhouse_notebooks_and_scripts(linux_kit):
    version = labkit.student_version()
    assert (linux_kit / labkit.wheel_name(version)).is_file()
    wheels = {p.name.split("-")[0].lower() for p in (linux_kit / "wheelhouse").glob("*.whl")}
    assert {"numpy", "scipy", "matplotlib", "scikit_image", "jupyterlab", "ipykernel", "cryptography"} <= wheels
    stems = sorted(p.stem for p in (linux_kit / "notebooks").glob("*.ipynb"))
    assert stems == sorted(p.stem for p in editions.lab_sources(NOTEBOOKS).values())
    manifest = (linux_kit / "MANIFEST.txt").read_text()
    assert "  # " not in manifest, f"the Linux kit departs from the student lock:\n{manifest}"
    lock = labkit.read_lock()
    pinned = dict(line.split("==") for line in manifest.splitlines() if line and not line.startswith("#"))
    assert {n: v for n, v in pinned.items() if lock.get(n) != v} == {}
    with zipfile.ZipFile(linux_kit.parent / f"{linux_kit.name}.zip") as zf:
        assert zf.testzip() is None
        assert f"{linux_kit.name}/install.sh" in zf.namelist()


def test_linux_kit_installs_offline_and_runs_every_student_edition(linux_kit, tmp_path):
    kit = tmp_path / linux_kit.name
    shutil.copytree(linux_kit, kit)
    env = offline_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    python = shutil.which(f"python{labkit.PYTHON_VERSION}")
    assert python, f"python{labkit.PYTHON_VERSION} is needed to test the kit"
    # install.sh, as a student runs it, but with this Python's full path.
    script = (kit / "install.sh").read_text().replace(f"python{labkit.PYTHON_VERSION} -m venv", f"{python} -m venv")
    (kit / "install.sh").write_text(script)
    started = time.perf_counter()
    result = subprocess.run(without_network(["sh", str(kit / "install.sh")]), env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"offline install of {kit.name}: {seconds:.0f} s")
    bin_ = kit / ".venv" / "bin"
    assert (bin_ / "jupyter-lab").is_file()
    # Every lab's student edition, in the kit's own kernel, offline; each check must answer.
    # One process of the kit's Python runs them all in turn (nbclient comes with JupyterLab).
    runs = []
    for notebook in sorted((kit / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_GUARD))
        nb.cells.append(nbformat.v4.new_code_cell("import sys, survlab; print('KIT', sys.prefix, survlab.__file__)"))
        runs.append(tmp_path / notebook.name)
        nbformat.write(nb, runs[-1])
    driver = tmp_path / "run_all.py"
    driver.write_text(RUN_ALL)
    result = subprocess.run(without_network([str(bin_ / "python"), str(driver), *map(str, runs)]),
                            env=env, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for run in runs:
        done = nbformat.read(run, as_version=4)
        code = [c for c in done.cells if c.cell_type == "code"]
        texts = ["".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in c.get("outputs", []))
                 for c in code]
        assert texts[1].startswith(f"Ready: survlab {labkit.student_version()}"), (run.name, texts[1])
        assert texts[-1].split()[1] == str(kit / ".venv") and texts[-1].split()[2].startswith(str(kit)), texts[-1]
        checks = [t for c, t in zip(code, texts) if ".check(" in c.source]
        assert checks and all("Not answered yet" in t for t in checks), (run.name, checks)
    print(f"{len(runs)} student editions run in the kit's environment, offline")


RUN_ALL = """\
import sys

import nbformat
from nbclient import NotebookClient

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    nbformat.write(nb, path)
    print("ran", path, flush=True)
"""


def test_the_environment_check_names_what_to_run_when_survlab_is_missing(linux_kit, tmp_path):
    """In the kit's Python without survlab, the first cell prints one line, not a traceback."""
    python = shutil.which(f"python{labkit.PYTHON_VERSION}")
    cell = json.loads((next((linux_kit / "notebooks").glob("*.ipynb"))).read_text())["cells"][0]
    result = subprocess.run([python, "-I", "-S", "-c", "".join(cell["source"])], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.count("\n") == 1 and "pip install " + labkit.wheel_name() in result.stdout
