"""What a student installs: the survlab wheel, and offline lab kits built around it.

- ``build_wheel``: the student package's wheel (``pip wheel --no-deps`` of ``src/survlab``,
  built from a copy so the source tree stays clean; reused while the source is unchanged).
- ``build_kit``: for one system (``PLATFORMS``), a folder and a zip with the wheel, a
  wheelhouse of every dependency including JupyterLab for each of ``PYTHON_VERSIONS``
  (``pip download --platform ... --python-version 3.X --only-binary=:all:``: pure-Python
  wheels once, binary wheels once per version), pinned to the student lock where the
  system and version allow, the student notebooks, and install and start scripts that
  work with the network off (``pip install --no-index --find-links wheelhouse``). The
  install script takes the newest supported Python it finds.

The student lock is made on Python 3.11 (``LOCK_PYTHON``). Where a pinned version has no
wheel for a system and a later Python, that Python gets the newest release that has one:
each kit holds one constraints file per Python (``wheelhouse/constraints-3.X.txt``, what
the install script installs there), and ``MANIFEST.txt`` names every such departure.

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
import platform as pyplatform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from packaging import tags as wheeltags
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[3]
STUDENT_SOURCE = ROOT / "src" / "survlab"
STUDENT_LOCK = STUDENT_SOURCE / "requirements-student.lock"
WHEEL_CACHE = ROOT / "_build" / "wheel"  # every build reuses the wheel made here while the source is unchanged
# Every kit installs on each of these; the student lock is pinned on the first.
PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
LOCK_PYTHON = PYTHON_VERSIONS[0]
PYTHON_TO_INSTALL = "3.13"  # what the install script suggests when it finds no supported Python
# What a student environment holds beyond the wheel's own dependencies.
EXTRA_REQUIREMENTS = ("jupyterlab", "ipykernel")


@dataclass(frozen=True)
class Platform:
    name: str  # in file names: under-watch-labkit-<version>-<name>.zip
    label: str  # for people
    tags: tuple[str, ...]  # pip download --platform values
    markers: dict  # PEP 508 environment of the target, less the Python version
    windows: bool = False

    def environment(self, python: str) -> dict:
        """The PEP 508 environment of this system running CPython ``python`` (e.g. "3.12")."""
        return {**self.markers, "python_version": python, "python_full_version": python + ".0",
                "implementation_name": "cpython", "platform_python_implementation": "CPython",
                "implementation_version": python + ".0", "platform_release": "", "platform_version": ""}

    def supported_tags(self, python: str) -> frozenset:
        """Wheel tags CPython ``python`` installs here (as pip expands ``--platform``)."""
        platforms = []
        for tag in self.tags:
            mac = re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", tag)
            platforms += list(wheeltags.mac_platforms((int(mac[1]), int(mac[2])), mac[3])) if mac else [tag]
        version = tuple(int(x) for x in python.split("."))
        abi = f"cp{version[0]}{version[1]}"
        return frozenset([*wheeltags.cpython_tags(version, [abi], platforms),
                          *wheeltags.compatible_tags(version, abi, platforms)])


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


def host_platform() -> str:
    """The kit for the machine this runs on (``make book`` builds only this one)."""
    machine = pyplatform.machine().lower()
    name = {("linux", "x86_64"): "linux-x86_64", ("linux", "amd64"): "linux-x86_64",
            ("darwin", "arm64"): "macos-arm64", ("darwin", "x86_64"): "macos-x86_64",
            ("win32", "amd64"): "windows-x64", ("win32", "x86_64"): "windows-x64"}.get((sys.platform, machine))
    if name is None:
        raise KitError(f"no lab kit is made for {sys.platform} on {machine}; choose from {sorted(PLATFORMS)}")
    return name


def platform_names(requested: list[str]) -> list[str]:
    """Systems named on the command line: "host" (the default), "all", or names from PLATFORMS."""
    names: list[str] = []
    for item in requested or ["host"]:
        expanded = list(PLATFORMS) if item == "all" else [host_platform()] if item == "host" else [item]
        for name in expanded:
            if name not in PLATFORMS:
                raise KitError(f"unknown system {name!r}; choose from host, all, {', '.join(PLATFORMS)}")
            if name not in names:
                names.append(name)
    return names


class KitError(RuntimeError):
    """A kit that cannot be completed; the message says which package and why."""


# ---------------------------------------------------------------- the wheel

def student_version(source: Path = STUDENT_SOURCE) -> str:
    text = (source / "survlab" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def wheel_name(version: str | None = None) -> str:
    return f"survlab-{version or student_version()}-py3-none-any.whl"


def _source_files(source: Path) -> list[Path]:
    return sorted(p for p in [source / "pyproject.toml", source / "LICENSE", *(source / "survlab").rglob("*")]
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
    """One kit's wheel folder, seen by one Python version (several versions share a folder)."""
    folder: Path
    platform: Platform
    pins: dict[str, str]
    python: str = LOCK_PYTHON
    departures: dict[str, str] = field(default_factory=dict)  # name -> why its version is not the lock's

    def wheels(self) -> dict[str, tuple[Version, Path]]:
        """For each package, the wheel this Python installs: of the wheels whose tags fit it,
        the lock's version where there is one, else the newest."""
        supported = self.platform.supported_tags(self.python)
        options: dict[str, list[tuple[Version, Path]]] = {}
        for path in sorted(self.folder.glob("*.whl")):
            name, version, _, wheel_tags = parse_wheel_filename(path.name)
            if wheel_tags & supported:
                options.setdefault(canonicalize_name(name), []).append((version, path))
        found = {}
        for name, choices in options.items():
            pin = self.pins.get(name)
            pinned = [c for c in choices if pin is not None and c[0] == Version(pin)]
            found[name] = pinned[0] if pinned else max(choices)
        return found

    def _pip_download(self, requirements: list[str], log) -> subprocess.CompletedProcess:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(requirements) + "\n")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--progress-bar", "off",
               "--python-version", self.python, "--implementation", "cp", "--abi", "cp" + self.python.replace(".", ""),
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
        pin falls back to the newest release with a wheel for this system and Python, and says so."""
        wanted = dict(wanted)
        while wanted:
            # What the folder already holds for this Python (pure-Python wheels another version
            # fetched, pins fetched before a retry) is not asked for again.
            have = self.wheels()
            wanted = {n: v for n, v in wanted.items()
                      if not (n in have and (v is None or have[n][0] == Version(v)))}
            if not wanted:
                return
            result = self._pip_download([f"{n}=={v}" if v else n for n, v in wanted.items()], log)
            if result.returncode == 0:
                return
            missing = re.search(r"No matching distribution found for ([A-Za-z0-9._-]+)(?:==(\S+))?", result.stderr)
            if not missing:
                raise KitError(f"{self.platform.name}, Python {self.python}: pip download failed:\n"
                               f"{result.stderr[-3000:]}")
            name = canonicalize_name(missing.group(1))
            if missing.group(2) is None:
                raise KitError(f"{self.platform.name}: no wheel of {name} for this system and Python {self.python}")
            # The manifest names the Pythons a line is for when it is not all of them.
            self.departures[name] = (f"the lock's {missing.group(2)} has no wheel for {self.platform.label}: "
                                     f"the newest release that has one")
            wanted = {n: (None if n == name else v) for n, v in wanted.items()}

    def complete(self, roots: list[Requirement], log) -> dict[str, tuple[Version, Path]]:
        """Fetch what this Python on the target needs that the folder lacks; return the wheels
        it installs (name -> (version, path)). Wheels no Python needs are dropped by the caller."""
        for _ in range(10):
            needed, missing = self.resolve(roots)
            if not missing:
                return {name: choice for name, choice in self.wheels().items() if name in needed}
            for name, req in missing.items():
                self.departures.setdefault(name, f"needed on {self.platform.label} only ({req}); not in the lock")
            self.fetch({name: self.pins.get(name) for name in missing}, log)
        raise KitError(f"{self.platform.name}, Python {self.python}: requirements still missing after 10 rounds: "
                       f"{sorted(missing)}")

    def resolve(self, roots: list[Requirement]) -> tuple[set[str], dict[str, Requirement]]:
        """Walk the requirements from ``roots`` with the target's markers: the packages
        needed, and the requirements no wheel here provides. A wheel whose version a
        requirement excludes is an error."""
        wheels = self.wheels()
        environment = self.platform.environment(self.python)
        needed: set[str] = set()
        missing: dict[str, Requirement] = {}
        todo = [(req, frozenset()) for req in roots]
        seen: set[tuple[str, frozenset]] = set()
        while todo:
            req, parent_extras = todo.pop()
            if not _applies(req, environment, parent_extras):
                continue
            name = canonicalize_name(req.name)
            if name not in wheels:
                missing.setdefault(name, req)
                continue
            version, path = wheels[name]
            if not req.specifier.contains(version, prereleases=True):
                raise KitError(f"{self.platform.name}, Python {self.python}: {path.name} does not satisfy {req}")
            needed.add(name)
            key = (name, frozenset(req.extras))
            if key not in seen:
                seen.add(key)
                todo.extend((sub, frozenset(req.extras)) for sub in wheel_requirements(path))
        return needed, missing


# ---------------------------------------------------------------- the kit

def constraints_name(python: str) -> str:
    return f"constraints-{python}.txt"


def _install_command(wheel: str, python: str, windows: bool) -> str:
    sep = "\\" if windows else "/"
    return (f"-m pip install --no-index --find-links wheelhouse -c wheelhouse{sep}{constraints_name(python)} "
            f"{wheel} jupyterlab")


def _no_python_message(script: str) -> str:
    return (f"No Python {PYTHON_VERSIONS[0]} to {PYTHON_VERSIONS[-1]} found: install Python {PYTHON_TO_INSTALL} "
            f"from python.org/downloads or your system's packages, then run {script} again.")


def _scripts(wheel: str, windows: bool) -> dict[str, str]:
    """install and start scripts. install takes the newest supported Python it finds and, when
    there is none, says in one line what to install."""
    newest_first = " ".join(reversed(PYTHON_VERSIONS))
    if windows:
        install = "\r\n".join([
            "@echo off",
            f"rem Installs the labs with no network: the newest Python {PYTHON_VERSIONS[0]} to {PYTHON_VERSIONS[-1]} "
            "found, a virtual environment in .venv, the wheels in wheelhouse.",
            'cd /d "%~dp0"',
            "set PY=",
            f'for %%v in ({newest_first}) do if not defined PY py -%%v -c "pass" >nul 2>&1 && set PY=%%v',
            f"if not defined PY echo {_no_python_message('install.bat')} & exit /b 1",
            "echo Installing for Python %PY%",
            "py -%PY% -m venv --clear .venv && .venv\\Scripts\\python "
            + _install_command(wheel, "%PY%", True), ""])
        return {"install.bat": install,
                "start.bat": 'cd /d "%~dp0" && .venv\\Scripts\\jupyter-lab notebooks\r\n'}
    supported = " ".join(PYTHON_VERSIONS)
    install = "\n".join([
        "#!/bin/sh",
        f"# Installs the labs with no network: the newest Python {PYTHON_VERSIONS[0]} to {PYTHON_VERSIONS[-1]} "
        "found, a virtual environment in .venv, the wheels in wheelhouse/.",
        'cd "$(dirname "$0")" || exit 1',
        "py= v=",
        f"for cand in {' '.join('python' + p for p in reversed(PYTHON_VERSIONS))} python3 python; do",
        """  found=$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue""",
        f'  case " {supported} " in *" $found "*) ;; *) continue ;; esac',
        '  if [ -z "$v" ] || [ "${found#3.}" -gt "${v#3.}" ]; then py=$cand v=$found; fi',
        "done",
        f'[ -n "$py" ] || {{ echo "{_no_python_message("sh install.sh")}" >&2; exit 1; }}',
        'echo "Installing for Python $v ($py)"',
        '"$py" -m venv --clear .venv && .venv/bin/python ' + _install_command(wheel, "$v", False).replace(
            "constraints-$v.txt", 'constraints-"$v".txt'), ""])
    return {"install.sh": install,
            "start.sh": '#!/bin/sh\ncd "$(dirname "$0")" && .venv/bin/jupyter-lab notebooks\n'}


def _readme(platform: Platform, wheel: str, version: str) -> str:
    install, start = ("install.bat", "start.bat") if platform.windows else ("sh install.sh", "sh start.sh")
    versions = ", ".join(PYTHON_VERSIONS[:-1]) + f" or {PYTHON_VERSIONS[-1]}"
    python = (f"Python {versions} from python.org (with the installer's \"py\" launcher)" if platform.windows
              else f"Python {versions} (a command such as python{PYTHON_TO_INSTALL})")
    nl = "\r\n" if platform.windows else "\n"
    text = (f"Under Watch lab kit {version} for {platform.label}\n\n"
            f"Everything the course's labs need, with no network: the course library ({wheel}),\n"
            f"JupyterLab and every package they use (wheelhouse/), and the labs (notebooks/;\n"
            f"the Korean labs, 한국어 실습: notebooks/ko/).\n\n"
            f"You need {python}.\n\n"
            f"1. Install, once (a minute or two; no network needed):  {install}\n"
            f"   It takes the newest of those Pythons it finds, makes a virtual environment in .venv\n"
            f"   here and installs from wheelhouse/ only; with none, it says what to install.\n"
            f"2. Start JupyterLab on the labs:  {start}\n"
            f"3. In each lab, run the first cell: it says \"Ready\" when the environment is right.\n\n"
            f"MANIFEST.txt lists every package and version in this kit, for each Python.\n")
    return text.replace("\n", nl)


def _manifest(platform: Platform, wheel: str, version: str, chosen: dict[str, dict], departures: dict[str, dict],
              lock: Path, files: int) -> str:
    """One line per package and version; a version not used on every Python names the ones it is
    for, and a version that is not the lock's says why."""
    lines = [f"# Under Watch lab kit {version}, {platform.label}, Python {', '.join(PYTHON_VERSIONS)}",
             f"# {wheel} and {files} wheels in wheelhouse/; versions from {lock.name} (made on Python "
             f"{LOCK_PYTHON}) except as noted.",
             "# wheelhouse/constraints-3.X.txt pins what the install script installs on Python 3.X."]
    by_package: dict[tuple[str, str], list[str]] = {}
    for python, wheels in chosen.items():
        for name, (v, _) in wheels.items():
            by_package.setdefault((name, str(v)), []).append(python)
    for (name, v), pythons in sorted(by_package.items()):
        notes = [] if len(pythons) == len(PYTHON_VERSIONS) else [f"Python {', '.join(pythons)}"]
        notes += sorted({departures[p][name] for p in pythons if name in departures[p]})
        lines.append(f"{name}=={v}" + (f"  # {'; '.join(notes)}" if notes else ""))
    return "\n".join(lines) + "\n"


def build_kit(platform_name: str, wheel: Path, notebooks: list[Path], out_dir: str | Path,
              lock: Path = STUDENT_LOCK, translated: dict[str, list[Path]] | None = None) -> Path:
    """One system's kit, as a folder and a zip in ``out_dir``; returns the zip. ``translated``
    notebooks go in ``notebooks/<language>/`` (the Korean labs in notebooks/ko/)."""
    platform = PLATFORMS[platform_name]
    out_dir = Path(out_dir)
    version = student_version()
    name = f"under-watch-labkit-{version}-{platform.name}"
    final = out_dir / name
    out_dir.mkdir(parents=True, exist_ok=True)
    # Assembled in a folder of its own and renamed at the end: a failed or concurrent build
    # never leaves half a kit under the final name.
    folder = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out_dir))
    folder.chmod(0o755)
    try:
        house_dir = folder / "wheelhouse"
        house_dir.mkdir()
        shutil.copy2(wheel, folder / wheel.name)
        pins = read_lock(lock)
        roots = wheel_requirements(wheel) + [Requirement(r) for r in EXTRA_REQUIREMENTS]
        chosen: dict[str, dict[str, tuple[Version, Path]]] = {}
        departures: dict[str, dict[str, str]] = {}
        with open(out_dir / f"{name}.log", "w", encoding="utf-8") as log:
            for python in PYTHON_VERSIONS:
                house = Wheelhouse(house_dir, platform, pins, python)
                house.fetch({canonicalize_name(r.name): pins.get(canonicalize_name(r.name)) for r in roots} | dict(pins),
                            log)
                chosen[python] = house.complete(roots, log)
                departures[python] = house.departures
        keep = {path for wheels in chosen.values() for _, path in wheels.values()}
        for path in house_dir.glob("*.whl"):
            if path not in keep:
                path.unlink()
        for python, wheels in chosen.items():
            (house_dir / constraints_name(python)).write_text(
                f"# What install.sh / install.bat installs on Python {python} (see MANIFEST.txt).\n"
                + "".join(f"{n}=={v}\n" for n, (v, _) in sorted(wheels.items())), encoding="utf-8")
        (folder / "notebooks").mkdir()
        for nb in notebooks:
            shutil.copy2(nb, folder / "notebooks" / nb.name)
        for language, editions_in_language in (translated or {}).items():
            (folder / "notebooks" / language).mkdir()
            for nb in editions_in_language:
                shutil.copy2(nb, folder / "notebooks" / language / nb.name)
        for script, text in _scripts(wheel.name, platform.windows).items():
            (folder / script).write_text(text, encoding="utf-8", newline="")
            (folder / script).chmod(0o755)
        (folder / "README.txt").write_text(_readme(platform, wheel.name, version), encoding="utf-8", newline="")
        (folder / "MANIFEST.txt").write_text(_manifest(platform, wheel.name, version, chosen, departures, lock,
                                                       len(keep)), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if final.exists():
        shutil.rmtree(final)
    folder = folder.rename(final)
    zip_path = out_dir / f"{name}.zip"
    partial_zip = out_dir / f".{name}-{os.getpid()}.zip"
    try:
        with zipfile.ZipFile(partial_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo.from_file(path, f"{name}/{path.relative_to(folder).as_posix()}")
                    info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                    with open(path, "rb") as src:
                        zf.writestr(info, src.read())
        partial_zip.replace(zip_path)
    finally:
        partial_zip.unlink(missing_ok=True)
    return zip_path


def kit_name(platform_name: str, version: str | None = None) -> str:
    return f"under-watch-labkit-{version or student_version()}-{platform_name}.zip"


def kit_zips(folder: str | Path, version: str | None = None) -> list[Path]:
    """The kits of this version in a folder, in the order of PLATFORMS."""
    folder = Path(folder)
    return [folder / kit_name(p, version) for p in PLATFORMS if (folder / kit_name(p, version)).is_file()]


# Run by ``resolve_offline``: pip, with PEP 508 markers judged for the target system rather than
# this machine (pip evaluates them for the machine it runs on, even with --platform).
_PIP_FOR_TARGET = """\
import json, sys
from pip._vendor.packaging import markers
environment = json.loads(sys.argv[1])
markers.default_environment = lambda: dict(environment)
from pip._internal.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def resolve_offline(kit: Path, platform_name: str, python: str, wrap=lambda cmd: cmd) -> subprocess.CompletedProcess:
    """``pip install --dry-run`` of a kit for one system and Python, from its wheelhouse only
    (``--no-index``): does every requirement resolve, on the version the kit pins there?
    ``wrap`` may put the command in a network namespace of its own."""
    import json

    platform = PLATFORMS[platform_name]
    wheel = next(Path(kit).glob("survlab-*.whl"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    with tempfile.TemporaryDirectory() as target:  # pip takes --platform only with --target; nothing is written
        cmd = [sys.executable, "-c", _PIP_FOR_TARGET, json.dumps(platform.environment(python)),
               "install", "--dry-run", "--ignore-installed", "--no-index", "--only-binary=:all:", "--no-cache-dir",
               "--find-links", str(Path(kit) / "wheelhouse"),
               "-c", str(Path(kit) / "wheelhouse" / constraints_name(python)),
               "--python-version", python, "--implementation", "cp", "--abi", "cp" + python.replace(".", ""),
               *[arg for tag in platform.tags for arg in ("--platform", tag)], "--target", target,
               "--report", "-", "--quiet", str(wheel), *EXTRA_REQUIREMENTS]
        return subprocess.run(wrap(cmd), capture_output=True, text=True, env=env)


# The translated labs a kit carries, and where the translated book's execution cache is.
TRANSLATED_LABS = {"ko": (ROOT / "ko" / "notebooks", ROOT / "_build" / "ko" / "_build" / ".jupyter_cache")}


def build_kits(platform_names: list[str], out_dir: str | Path, cache: str | Path | None = None,
               notebooks_dir: str | Path | None = None,
               translated_labs: dict[str, tuple[Path, Path | None]] | None = None) -> list[Path]:
    """The wheel, the student editions (figures from the book's execution cache when there is
    one), the translated labs' student editions (``TRANSLATED_LABS`` by default) and a kit for
    each system named; returns the zips."""
    from . import editions

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(WHEEL_CACHE)
    student = out_dir / "notebooks"
    if student.exists():
        shutil.rmtree(student)
    student.mkdir()

    def write(source_dir, language, cache_path, folder):
        folder.mkdir(exist_ok=True)
        for path in editions.lab_sources(source_dir).values():
            nb = editions.with_cached_outputs(editions.read_lab_source(path), cache_path)
            editions.nbformat.write(editions.make_edition(nb, student=True, source=path, language=language),
                                    folder / f"{path.stem}.ipynb")
        return sorted(folder.glob("*.ipynb"))

    notebooks = write(notebooks_dir or editions.NOTEBOOKS_DIR, "en", cache, student)
    translated = {language: write(source_dir, language, lang_cache, student / language)
                  for language, (source_dir, lang_cache) in (TRANSLATED_LABS if translated_labs is None
                                                             else translated_labs).items()
                  if Path(source_dir).is_dir()}
    return [build_kit(name, wheel, notebooks, out_dir, translated=translated) for name in platform_names]
