"""The student install, as a student without a network makes it.

The Linux lab kit is built (its wheels come from PyPI once, then from pip's cache),
installed into a fresh virtual environment with every index unreachable, and every lab's
student edition is run in that environment's own kernel to the end: every check must
answer. (The Korean editions are the ones run: their code is the English editions' code,
checked cell by cell, and they need the wheel's Korean texts too; tests/kits.py.) Every system's kit is also built (without notebooks) and resolved offline for each
Python it supports with pip's --dry-run, markers judged for the target system; where this
machine has that Python, the Linux kit is installed for real with its own install script.
"""
from __future__ import annotations

import fcntl
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
from packaging.utils import canonicalize_name

import kits
from conftest import NOTEBOOKS, ROOT
from kits import find_python, offline_env, only_python, unpacked_kit, without_network
from underwatch import editions, labkit

from conftest import group  # noqa: E402

pytestmark = group("kits")



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
    assert "License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "MIT asks for the notice in every copy"
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


def test_a_failed_kit_build_keeps_the_previous_kit_and_leaves_no_half_kit(tmp_path, monkeypatch):
    """A download that fails halfway (the network, PyPI) must not leave a half-made kit under
    the kit's name, nor remove the one a previous build made."""
    (tmp_path / "wheel").mkdir()
    wheel = _fake_wheel(tmp_path / "wheel", "survlab", labkit.student_version(), [])
    name = f"under-watch-labkit-{labkit.student_version()}-linux-x86_64"
    old = tmp_path / "out" / name
    old.mkdir(parents=True)
    (old / "README.txt").write_text("the previous kit")

    def network_down(self, pins, log):
        (self.folder / "half-a-download.whl").write_bytes(b"partial")
        raise labkit.KitError("pip download failed: network unreachable")

    monkeypatch.setattr(labkit.Wheelhouse, "fetch", network_down)
    with pytest.raises(labkit.KitError, match="network unreachable"):
        labkit.build_kit("linux-x86_64", wheel, [], tmp_path / "out")
    assert (old / "README.txt").read_text() == "the previous kit"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [name, f"{name}.log"]


def test_install_scripts_install_offline_with_the_pythons_own_constraints():
    for windows in (False, True):
        scripts = labkit._scripts("survlab-9-py3-none-any.whl", windows)
        install = scripts["install.bat" if windows else "install.sh"]
        pip = [line for line in install.splitlines() if "pip install" in line]
        assert len(pip) == 1 and "--no-index --find-links wheelhouse -c wheelhouse" in pip[0]
        assert pip[0].endswith("survlab-9-py3-none-any.whl jupyterlab")
        for version in labkit.PYTHON_VERSIONS:
            assert version in install
        start = scripts["start.bat" if windows else "start.sh"]
        assert len([line for line in start.splitlines() if line and not line.startswith("#!")]) == 1


def _fake_python(folder: Path, command: str, version: str) -> None:
    """A stand-in interpreter: reports its version, and records that the script chose it."""
    script = folder / command
    script.write_text(f'#!/bin/sh\nif [ "$1" = "-c" ]; then echo {version}; exit 0; fi\n'
                      f'echo "chose {command}" > "$(dirname "$0")/chosen"; exit 1\n')
    script.chmod(0o755)


def _tools(folder: Path) -> None:
    for tool in ("dirname",):
        (folder / tool).symlink_to(shutil.which(tool))


def test_install_script_takes_the_newest_supported_python(tmp_path):
    """python3 is 3.10 (too old), python3.15 is not supported: 3.13 is the newest it may take."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    _tools(bin_)
    for command, version in [("python3", "3.10"), ("python3.12", "3.12"), ("python3.13", "3.13"),
                             ("python", "3.15")]:
        _fake_python(bin_, command, version)
    (tmp_path / "install.sh").write_text(labkit._scripts("survlab-9-py3-none-any.whl", False)["install.sh"])
    result = subprocess.run(["/bin/sh", str(tmp_path / "install.sh")], env={"PATH": str(bin_)},
                            capture_output=True, text=True)
    assert "Installing for Python 3.13 (python3.13)" in result.stdout, result.stdout + result.stderr
    assert (bin_ / "chosen").read_text().strip() == "chose python3.13"


def test_install_script_says_in_one_line_what_to_install_when_there_is_no_python(tmp_path):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    _tools(bin_)
    _fake_python(bin_, "python3", "3.9")
    (tmp_path / "install.sh").write_text(labkit._scripts("survlab-9-py3-none-any.whl", False)["install.sh"])
    result = subprocess.run(["/bin/sh", str(tmp_path / "install.sh")], env={"PATH": str(bin_)},
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == "" and not (bin_ / "chosen").exists()
    assert result.stderr.count("\n") == 1 and f"install Python {labkit.PYTHON_TO_INSTALL}" in result.stderr


# ---------------------------------------------------------------- the Linux kit, offline

def test_kit_holds_wheel_wheelhouse_notebooks_and_scripts(linux_kit):
    version = labkit.student_version()
    assert (linux_kit / labkit.wheel_name(version)).is_file()
    wheels = {p.name.split("-")[0].lower() for p in (linux_kit / "wheelhouse").glob("*.whl")}
    assert {"numpy", "scipy", "matplotlib", "scikit_image", "jupyterlab", "ipykernel", "cryptography"} <= wheels
    stems = sorted(p.stem for p in (linux_kit / "notebooks").glob("*.ipynb"))
    assert stems == sorted(p.stem for p in editions.lab_sources(NOTEBOOKS).values())
    manifest = (linux_kit / "MANIFEST.txt").read_text()
    assert "lock's" not in manifest and "not in the lock" not in manifest, \
        f"the Linux kit departs from the student lock:\n{manifest}"
    lock = labkit.read_lock()
    for python in labkit.PYTHON_VERSIONS:
        pinned = labkit.read_lock(linux_kit / "wheelhouse" / labkit.constraints_name(python))
        assert {n: v for n, v in pinned.items() if lock.get(n) != v} == {}, python
    with zipfile.ZipFile(linux_kit.parent / f"{linux_kit.name}.zip") as zf:
        assert zf.testzip() is None
        assert f"{linux_kit.name}/install.sh" in zf.namelist()
    # The Korean labs, one student edition for each English one, in Korean from the first cell.
    english = sorted(p.name for p in (linux_kit / "notebooks").glob("*.ipynb"))
    korean = sorted((linux_kit / "notebooks" / "ko").glob("*.ipynb"))
    assert [p.name for p in korean] == english
    first = nbformat.read(korean[0], as_version=4)
    assert first.metadata["survlab"]["language"] == "ko" and 'set_language("ko")' in first.cells[0].source


def test_the_korean_editions_run_the_english_editions_code(linux_kit):
    """Every code cell of a Korean student edition is its English edition's, but the first cell's
    language: the kit's run of the Korean editions (next test) runs every English lab's code too."""
    for english in sorted((linux_kit / "notebooks").glob("*.ipynb")):
        korean = linux_kit / "notebooks" / "ko" / english.name
        en_code, ko_code = ([c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
                            for p in (english, korean))
        assert len(en_code) == len(ko_code) and en_code[1:] == ko_code[1:], english.name


def test_linux_kit_installs_offline_and_runs_every_student_edition(kit_korean_runs):
    """install.sh, as a student runs it with the network off, on a PATH where the lock's Python
    is the only one; then every lab's student edition (the Korean ones: the English ones' code,
    and the wheel's Korean texts too) in the kit's own kernel, offline: each check must answer."""
    status, printed = kit_korean_runs["install"]
    assert status == 0, printed
    kit = Path(kit_korean_runs["kit"])
    print(f"offline install of {kit.name}: {kit_korean_runs['install_seconds']} s")
    assert (kit / ".venv" / "bin" / "jupyter-lab").is_file()
    status, printed = kit_korean_runs["driver"]
    assert status == 0, printed
    runs = [Path(r) for r in kit_korean_runs["runs"]]
    assert sorted(r.name for r in runs) == sorted(p.name for p in (kit / "notebooks").glob("*.ipynb"))
    for run in runs:
        code = kits.code_outputs(run)
        texts = [text for _, text in code]
        assert texts[1].startswith("준비 완료") and f"survlab {labkit.student_version()}" in texts[1], (run.name, texts[1])
        assert texts[-1].split()[1] == str(kit / ".venv") and texts[-1].split()[2].startswith(str(kit)), texts[-1]
        checks = [t for source, t in code if ".check(" in source]
        assert checks and all("아직 답하지 않음" in t for t in checks), (run.name, checks)
    print(f"{len(runs)} student editions run in the kit's environment, offline")


def test_the_environment_check_names_what_to_run_when_survlab_is_missing(linux_kit, tmp_path):
    """In the kit's Python without survlab, the first cell prints one line, not a traceback."""
    python = find_python(labkit.LOCK_PYTHON)
    cell = json.loads((next((linux_kit / "notebooks").glob("*.ipynb"))).read_text())["cells"][0]
    result = subprocess.run([python, "-I", "-S", "-c", "".join(cell["source"])], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.count("\n") == 1 and "pip install " + labkit.wheel_name() in result.stdout


# ---------------------------------------------------------------- every system, every Python

ALL_KITS = ROOT / "_build" / "labkit-test-all"  # wheelhouses only, no notebooks


@pytest.fixture(scope="module")
def every_kit() -> Path:
    """Every system's kit (wheel, wheelhouse, constraints per Python; no notebooks), reused
    while the lock, the library's requirements and the kit builder are unchanged."""
    import hashlib
    key = hashlib.sha256(b"".join(p.read_bytes() for p in [labkit.STUDENT_LOCK, Path(labkit.__file__),
                                                           labkit.STUDENT_SOURCE / "pyproject.toml"])
                         + labkit.student_version().encode()).hexdigest()[:16]
    stamp = ALL_KITS / ".key"
    ALL_KITS.parent.mkdir(parents=True, exist_ok=True)
    # One builder at a time (another pytest process may share _build/), into a folder of its
    # own that replaces the old one only when every kit is made.
    with open(ALL_KITS.with_name("labkit-test-all.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == key):
            building = ALL_KITS.with_name(f"labkit-test-all.{os.getpid()}")
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            wheel = labkit.build_wheel(labkit.WHEEL_CACHE)
            for name in labkit.PLATFORMS:
                started = time.perf_counter()
                labkit.build_kit(name, wheel, [], building)
                print(f"built the {name} kit in {time.perf_counter() - started:.0f} s")
            (building / ".key").write_text(key)
            shutil.rmtree(ALL_KITS, ignore_errors=True)
            building.rename(ALL_KITS)
    return ALL_KITS


@pytest.mark.parametrize("python", labkit.PYTHON_VERSIONS)
@pytest.mark.parametrize("system", list(labkit.PLATFORMS))
def test_every_kit_resolves_offline_for_every_python(every_kit, system, python):
    """pip install --dry-run --no-index from the kit's wheelhouse alone, for the target system
    and Python: everything resolves, to the versions the kit pins for that Python."""
    kit = every_kit / f"under-watch-labkit-{labkit.student_version()}-{system}"
    result = labkit.resolve_offline(kit, system, python, wrap=without_network)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    installed = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
                 for item in report["install"]}
    pins = labkit.read_lock(kit / "wheelhouse" / labkit.constraints_name(python))
    assert installed.pop("survlab") == labkit.student_version()
    assert {"numpy", "scipy", "matplotlib", "scikit-image", "cryptography", "jupyterlab"} <= set(installed)
    assert {n: v for n, v in installed.items() if pins.get(n) != v} == {}
    # Binary wheels are this Python's own; pure-Python ones are shared by every version.
    tags = labkit.PLATFORMS[system].supported_tags(python)
    for item in report["install"]:
        wheel = Path(item["download_info"]["url"]).name
        assert labkit.parse_wheel_filename(wheel)[3] & tags, (wheel, python)


def test_the_kits_departures_are_named_in_their_manifests(every_kit):
    lock = labkit.read_lock()
    for system in labkit.PLATFORMS:
        kit = every_kit / f"under-watch-labkit-{labkit.student_version()}-{system}"
        manifest = (kit / "MANIFEST.txt").read_text()
        for python in labkit.PYTHON_VERSIONS:
            for name, version in labkit.read_lock(kit / "wheelhouse" / labkit.constraints_name(python)).items():
                if lock.get(name) != version:
                    line = next(l for l in manifest.splitlines() if l.startswith(f"{name}=={version}"))
                    assert "lock" in line, (system, python, line)
        sizes = sum(p.stat().st_size for p in (kit / "wheelhouse").glob("*.whl"))
        print(f"{system}: {sizes / 1e6:.0f} MB of wheels for Python {', '.join(labkit.PYTHON_VERSIONS)}")


@pytest.mark.parametrize("python", labkit.PYTHON_VERSIONS)
def test_linux_kit_installs_for_real_on_each_python_this_machine_has(every_kit, python, tmp_path):
    """The Linux kit's install.sh, offline, on a PATH where this Python is the only one; the
    environment then imports what the labs need."""
    if python == labkit.LOCK_PYTHON:
        pytest.skip(f"Python {python}: installed and every lab run by "
                    "test_linux_kit_installs_offline_and_runs_every_student_edition")
    interpreter = find_python(python)
    if interpreter is None:
        pytest.skip(f"no Python {python} on this machine (resolved offline above instead)")
    kit = tmp_path / "kit"
    unpacked_kit(every_kit / f"under-watch-labkit-{labkit.student_version()}-linux-x86_64", kit)
    (tmp_path / "home").mkdir()
    env = offline_env(tmp_path / "home")
    env["PATH"] = str(only_python(tmp_path / "bin", python, interpreter))
    result = subprocess.run(without_network(["/bin/sh", str(kit / "install.sh")]), env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"Installing for Python {python}" in result.stdout
    check = subprocess.run([str(kit / ".venv" / "bin" / "python"), "-c",
                            "import sys, survlab, numpy, scipy, skimage, matplotlib, cryptography, jupyterlab; "
                            "print('%d.%d' % sys.version_info[:2], survlab.__version__)"],
                           env=env, capture_output=True, text=True)
    assert check.stdout.split() == [python, labkit.student_version()], check.stdout + check.stderr
