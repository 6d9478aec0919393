"""What a student installs: the survlab wheel, and offline lab kits built around it.

- ``build_wheel``: the student package's wheel (``pip wheel --no-deps`` of ``src/survlab``,
  built from a copy so the source tree stays clean; reused while the source is unchanged).
- ``build_kit``: for one system (``PLATFORMS``), a folder and a zip with the wheel, a
  wheelhouse of every dependency including JupyterLab (``pip download --platform ...
  --python-version 3.11 --only-binary=:all:``, pinned to the student lock where the
  platform allows), the student notebooks, and one-line install and start scripts that
  work with the network off (``pip install --no-index --find-links wheelhouse``).

``pip download --platform`` evaluates environment markers for the machine it runs on, not
for the target, so each wheel is fetched with ``--no-deps`` and the kit is then completed
here: every wheel's ``Requires-Dist`` is evaluated with the target's markers, a requirement
no wheel satisfies is fetched (newest release that fits), and wheels the target never
needs are dropped. ``MANIFEST.txt`` in each kit lists the versions and every departure
from the lock, with its reason.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[3]
STUDENT_SOURCE = ROOT / "src" / "survlab"
STUDENT_LOCK = STUDENT_SOURCE / "requirements-student.lock"
WHEEL_CACHE = ROOT / "_build" / "wheel"  # every build reuses the wheel made here while the source is unchanged
PYTHON_VERSION = "3.11"
# What a student environment holds beyond the wheel's own dependencies.
EXTRA_REQUIREMENTS = ("jupyterlab", "ipykernel")


@dataclass(frozen=True)
class Platform:
    name: str  # in file names: under-watch-labkit-<version>-<name>.zip
    label: str  # for people
    tags: tuple[str, ...]  # pip download --platform values
    markers: dict  # PEP 508 environment of the target
    windows: bool = False


def _posix(sys_platform: str, system: str, machine: str) -> dict:
    return {"sys_platform": sys_platform, "platform_system": system, "os_name": "posix",
            "platform_machine": machine}


_MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)) + ("manylinux2014_x86_64",)
PLATFORMS = {p.name: p for p in (
    Platform("linux-x86_64", "Linux (x86-64, glibc 2.28 or later)", _MANYLINUX,
             _posix("linux", "Linux", "x86_64")),
    Platform("macos-arm64", "macOS 12 or later on Apple silicon", ("macosx_12_0_arm64",),
             _posix("darwin", "Darwin", "arm64")),
    Platform("macos-x86_64", "macOS 12 or later on Intel", ("macosx_12_0_x86_64",),
             _posix("darwin", "Darwin", "x86_64")),
    Platform("windows-x64", "Windows 10 or 11 (64-bit)", ("win_amd64",),
             {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
             windows=True),
)}
for _p in PLATFORMS.values():
    _p.markers.update({"python_version": PYTHON_VERSION, "python_full_version": PYTHON_VERSION + ".0",
                       "implementation_name": "cpython", "platform_python_implementation": "CPython",
                       "implementation_version": PYTHON_VERSION + ".0", "platform_release": "", "platform_version": ""})


class KitError(RuntimeError):
    """A kit that cannot be completed; the message says which package and why."""


# ---------------------------------------------------------------- the wheel

def student_version(source: Path = STUDENT_SOURCE) -> str:
    text = (source / "survlab" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def wheel_name(version: str | None = None) -> str:
    return f"survlab-{version or student_version()}-py3-none-any.whl"


def _source_files(source: Path) -> list[Path]:
    return sorted(p for p in [source / "pyproject.toml", *(source / "survlab").rglob("*")]
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def source_digest(source: Path = STUDENT_SOURCE) -> str:
    digest = hashlib.sha256()
    for path in _source_files(source):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_wheel(out_dir: str | Path, source: Path = STUDENT_SOURCE) -> Path:
    """The student wheel in ``out_dir``; built again only when the package's source changed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / wheel_name(student_version(source))
    stamp = out_dir / f".{target.name}.source"
    digest = source_digest(source)
    if target.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "survlab"
        for path in _source_files(source):
            (copy / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy / path.relative_to(source))
        built = Path(tmp) / target.name
        # As pip normally builds (an isolated environment with setuptools from the index); with
        # no index reachable, with this environment's own setuptools and wheel, if it has them.
        for isolation in ([], ["--no-build-isolation"]):
            result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *isolation,
                                     "-w", tmp, str(copy)], capture_output=True, text=True)
            if result.returncode == 0 and built.is_file():
                break
        else:
            raise KitError(f"pip wheel {source} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        shutil.move(built, target)
    stamp.write_text(digest)
    return target


# ---------------------------------------------------------------- the wheelhouse

def read_lock(path: Path = STUDENT_LOCK) -> dict[str, str]:
    """Canonical name -> pinned version, from a ``name==version`` lock (comments allowed)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    return pins


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        headers = HeaderParser().parsestr(zf.read(meta).decode("utf-8"))
    return [Requirement(r) for r in headers.get_all("Requires-Dist") or []]


def _applies(req: Requirement, markers: dict, extras: frozenset[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**markers, "extra": extra}) for extra in (extras or {""}))


@dataclass
class Wheelhouse:
    folder: Path
    platform: Platform
    pins: dict[str, str]
    departures: dict[str, str] = field(default_factory=dict)  # name -> why its version is not the lock's

    def wheels(self) -> dict[str, tuple[Version, Path]]:
        found = {}
        for path in self.folder.glob("*.whl"):
            name, version, _, _ = parse_wheel_filename(path.name)
            found[canonicalize_name(name)] = (version, path)
        return found

    def _pip_download(self, requirements: list[str], log) -> subprocess.CompletedProcess:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(requirements) + "\n")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--progress-bar", "off",
               "--python-version", PYTHON_VERSION, "--implementation", "cp", "--abi", "cp311",
               *[arg for tag in self.platform.tags for arg in ("--platform", tag)],
               "-d", str(self.folder), "-r", listing.name]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True)
        finally:
            os.unlink(listing.name)
        log.write(f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}\n")
        return result

    def fetch(self, wanted: dict[str, str | None], log) -> None:
        """Download each wanted package (pinned version, or newest when None); an unavailable
        pin falls back to the newest release with a wheel for this system, and says so."""
        wanted = dict(wanted)
        while wanted:
            result = self._pip_download([f"{n}=={v}" if v else n for n, v in wanted.items()], log)
            if result.returncode == 0:
                return
            missing = re.search(r"No matching distribution found for ([A-Za-z0-9._-]+)(?:==(\S+))?", result.stderr)
            if not missing:
                raise KitError(f"{self.platform.name}: pip download failed:\n{result.stderr[-3000:]}")
            name = canonicalize_name(missing.group(1))
            if missing.group(2) is None:
                raise KitError(f"{self.platform.name}: no wheel of {name} for this system and Python {PYTHON_VERSION}")
            self.departures[name] = (f"the lock's {missing.group(2)} has no wheel for {self.platform.label} "
                                     f"that installs on every Python {PYTHON_VERSION}: the newest release that has one")
            wanted = {n: (None if n == name else v) for n, v in wanted.items()}

    def complete(self, roots: list[Requirement], log) -> None:
        """Fetch what the target needs that the wheelhouse lacks; drop what it never needs."""
        for _ in range(10):
            needed, missing = self.resolve(roots)
            if not missing:
                for name, (_, path) in self.wheels().items():
                    if name not in needed:
                        path.unlink()
                return
            for name, req in missing.items():
                self.departures.setdefault(name, f"needed on {self.platform.label} only ({req}); not in the lock")
            self.fetch({name: self.pins.get(name) for name in missing}, log)
        raise KitError(f"{self.platform.name}: requirements still missing after 10 rounds: {sorted(missing)}")

    def resolve(self, roots: list[Requirement]) -> tuple[set[str], dict[str, Requirement]]:
        """Walk the requirements from ``roots`` with the target's markers: the packages
        needed, and the requirements no wheel here provides. A wheel whose version a
        requirement excludes is an error."""
        wheels = self.wheels()
        needed: set[str] = set()
        missing: dict[str, Requirement] = {}
        todo = [(req, frozenset()) for req in roots]
        seen: set[tuple[str, frozenset]] = set()
        while todo:
            req, parent_extras = todo.pop()
            if not _applies(req, self.platform.markers, parent_extras):
                continue
            name = canonicalize_name(req.name)
            if name not in wheels:
                missing.setdefault(name, req)
                continue
            version, path = wheels[name]
            if not req.specifier.contains(version, prereleases=True):
                raise KitError(f"{self.platform.name}: {path.name} does not satisfy {req}")
            needed.add(name)
            key = (name, frozenset(req.extras))
            if key not in seen:
                seen.add(key)
                todo.extend((sub, frozenset(req.extras)) for sub in wheel_requirements(path))
        return needed, missing


# ---------------------------------------------------------------- the kit

def _scripts(wheel: str, windows: bool) -> dict[str, str]:
    install = f"--no-index --find-links wheelhouse {wheel} jupyterlab"
    if windows:
        return {"install.bat": f'cd /d "%~dp0" && py -{PYTHON_VERSION} -m venv .venv && '
                               f".venv\\Scripts\\python -m pip install {install}\r\n",
                "start.bat": 'cd /d "%~dp0" && .venv\\Scripts\\jupyter-lab notebooks\r\n'}
    return {"install.sh": f'#!/bin/sh\ncd "$(dirname "$0")" && python{PYTHON_VERSION} -m venv .venv && '
                          f".venv/bin/python -m pip install {install}\n",
            "start.sh": '#!/bin/sh\ncd "$(dirname "$0")" && .venv/bin/jupyter-lab notebooks\n'}


def _readme(platform: Platform, wheel: str, version: str) -> str:
    install, start = ("install.bat", "start.bat") if platform.windows else ("sh install.sh", "sh start.sh")
    python = (f"Python {PYTHON_VERSION} from python.org (the installer's \"py\" launcher)" if platform.windows
              else f"Python {PYTHON_VERSION} (the command python{PYTHON_VERSION})")
    nl = "\r\n" if platform.windows else "\n"
    text = (f"Under Watch lab kit {version} for {platform.label}\n\n"
            f"Everything the course's labs need, with no network: the course library ({wheel}),\n"
            f"JupyterLab and every package they use (wheelhouse/), and the labs (notebooks/).\n\n"
            f"You need {python}.\n\n"
            f"1. Install, once (a minute or two; no network needed):  {install}\n"
            f"   It makes a virtual environment in .venv here and installs from wheelhouse/ only.\n"
            f"2. Start JupyterLab on the labs:  {start}\n"
            f"3. In each lab, run the first cell: it says \"Ready\" when the environment is right.\n\n"
            f"MANIFEST.txt lists every package and version in this kit.\n")
    return text.replace("\n", nl)


def build_kit(platform_name: str, wheel: Path, notebooks: list[Path], out_dir: str | Path,
              lock: Path = STUDENT_LOCK) -> Path:
    """One system's kit, as a folder and a zip in ``out_dir``; returns the zip."""
    platform = PLATFORMS[platform_name]
    out_dir = Path(out_dir)
    version = student_version()
    name = f"under-watch-labkit-{version}-{platform.name}"
    folder = out_dir / name
    if folder.exists():
        shutil.rmtree(folder)
    house = Wheelhouse(folder / "wheelhouse", platform, read_lock(lock))
    house.folder.mkdir(parents=True)
    shutil.copy2(wheel, folder / wheel.name)
    roots = wheel_requirements(wheel) + [Requirement(r) for r in EXTRA_REQUIREMENTS]
    with open(out_dir / f"{name}.log", "w", encoding="utf-8") as log:
        house.fetch({canonicalize_name(r.name): house.pins.get(canonicalize_name(r.name))
                     for r in roots} | dict(house.pins), log)
        house.complete(roots, log)
    (folder / "notebooks").mkdir()
    for nb in notebooks:
        shutil.copy2(nb, folder / "notebooks" / nb.name)
    for script, text in _scripts(wheel.name, platform.windows).items():
        (folder / script).write_text(text, encoding="utf-8", newline="")
        (folder / script).chmod(0o755)
    (folder / "README.txt").write_text(_readme(platform, wheel.name, version), encoding="utf-8", newline="")
    wheels = house.wheels()
    manifest = [f"# Under Watch lab kit {version}, {platform.label}, Python {PYTHON_VERSION}",
                f"# {wheel.name} and {len(wheels)} wheels in wheelhouse/; versions from {lock.name} except as noted"]
    manifest += [f"{n}=={v}" + (f"  # {house.departures[n]}" if n in house.departures else "")
                 for n, (v, _) in sorted(wheels.items())]
    (folder / "MANIFEST.txt").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    zip_path = out_dir / f"{name}.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, f"{name}/{path.relative_to(folder).as_posix()}")
                info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                with open(path, "rb") as src:
                    zf.writestr(info, src.read())
    return zip_path


def kit_zips(folder: str | Path, version: str | None = None) -> list[Path]:
    """The kits of this version in a folder, in the order of PLATFORMS."""
    version = version or student_version()
    folder = Path(folder)
    return [folder / f"under-watch-labkit-{version}-{p}.zip" for p in PLATFORMS
            if (folder / f"under-watch-labkit-{version}-{p}.zip").is_file()]


def build_kits(platform_names: list[str], out_dir: str | Path, cache: str | Path | None = None,
               notebooks_dir: str | Path | None = None) -> list[Path]:
    """The wheel, the student editions (figures from the book's execution cache when there is
    one) and a kit for each system named; returns the zips."""
    from . import editions

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(WHEEL_CACHE)
    student = out_dir / "notebooks"
    if student.exists():
        shutil.rmtree(student)
    student.mkdir()
    for path in editions.lab_sources(notebooks_dir or editions.NOTEBOOKS_DIR).values():
        nb = editions.with_cached_outputs(editions.read_lab_source(path), cache)
        editions.nbformat.write(editions.make_edition(nb, student=True, source=path), student / f"{path.stem}.ipynb")
    notebooks = sorted(student.glob("*.ipynb"))
    return [build_kit(name, wheel, notebooks, out_dir) for name in platform_names]
