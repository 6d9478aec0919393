"""One version for the course, and what a release is made of.

The version lives in one place, ``survlab.__version__`` (``src/survlab/survlab/__init__.py``);
the toolkit, ``CHANGELOG.md``, ``CITATION.cff`` and ``.zenodo.json`` repeat it and a test
checks they agree. The book reads the version from survlab and the release date from the
changelog's section for that version (``sphinxext.set_course_version``).

A version tag (``vX.Y.Z``) publishes the assets ``release_assets`` names, collected under
versioned names by ``collect`` (``make release``, ``.github/workflows/release.yml``). The
site carries only the wheel, its pinned requirements, the student notebooks and the PDF;
its downloads list links the rest to the release of its own version (``download_items``).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import labkit

ROOT = Path(__file__).resolve().parents[3]
CHANGELOG = ROOT / "CHANGELOG.md"
CITATION = ROOT / "CITATION.cff"
BUILD = ROOT / "_build"

from .licence import LICENSE_NOTE, LICENSE_SPDX  # noqa: E402,F401 (the release notes and the book use them)

_SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?:\s+-\s+(?P<date>\S+))?\s*$", re.M)


class ReleaseError(ValueError):
    """A release that cannot be made as it stands; the message names the file and what is wrong."""


def course_version() -> str:
    return labkit.student_version()


def changelog_sections(path: Path = CHANGELOG) -> list[tuple[str, str | None, str]]:
    """(version, date or None, body) for each ``## [version] - date`` section, newest first."""
    text = path.read_text(encoding="utf-8")
    found = list(_SECTION.finditer(text))
    return [(m["version"], m["date"], text[m.end():found[i + 1].start() if i + 1 < len(found) else len(text)].strip())
            for i, m in enumerate(found)]


def release_date(version: str, path: Path = CHANGELOG) -> dt.date:
    for name, date, _ in changelog_sections(path):
        if name == version:
            try:
                return dt.date.fromisoformat(date or "")
            except ValueError:
                raise ReleaseError(f"{path}: the section for {version} has no date (## [{version}] - YYYY-MM-DD)") \
                    from None
    raise ReleaseError(f"{path}: no section for version {version} (## [{version}] - YYYY-MM-DD)")


def latest_release(path: Path = CHANGELOG) -> str:
    """The newest released version the changelog lists (``Unreleased`` is skipped)."""
    for name, _, _ in changelog_sections(path):
        if name.lower() != "unreleased":
            return name
    raise ReleaseError(f"{path}: no release section")


def release_notes(version: str, path: Path = CHANGELOG) -> str:
    for name, _, body in changelog_sections(path):
        if name == version:
            return body + "\n"
    raise ReleaseError(f"{path}: no section for version {version}")


def human_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def citation_text(version: str, path: Path = CITATION) -> str:
    """The course's citation in words, from CITATION.cff."""
    import yaml

    cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a.get('given-names', '')} {a.get('family-names', '')}".strip()
                        for a in cff["authors"])
    year = str(cff.get("date-released", ""))[:4]
    where = f" {cff['url']}" if cff.get("url") else ""
    return f"{authors} ({year}). {cff['title']} (version {version}) [Open course].{where}"


# ---------------------------------------------------------------- what a tag publishes

@dataclass(frozen=True)
class Asset:
    name: str  # the file name on the release
    source: str  # where the build leaves it, relative to the repository
    text: str  # what it is, for people


def release_assets(version: str | None = None) -> list[Asset]:
    """Every file a release of ``version`` carries, in the order the release lists them."""
    v = version or course_version()
    assets = [
        Asset(f"under-watch-{v}.pdf", "_build/latex/under-watch.pdf", "the whole book as one PDF"),
        Asset(labkit.wheel_name(v), f"_build/wheel/{labkit.wheel_name(v)}",
              f"the course library survlab {v}, for pip install"),
        Asset(f"under-watch-student-{v}.zip", "_build/editions/under-watch-student.zip",
              "every lab's student edition"),
        Asset(f"under-watch-instructor-{v}.zip", "_build/editions/under-watch-instructor.zip",
              "every lab's instructor edition, with solutions"),
        Asset(f"under-watch-offline-{v}.zip", "_build/under-watch-offline.zip",
              "the site, the PDF and the student notebooks in one zip, to read with no network"),
        Asset(f"under-watch-ko-{v}.pdf", "_build/ko/_build/latex/under-watch-ko.pdf",
              "the Korean edition (한국어판) as one PDF"),
        Asset(f"under-watch-student-ko-{v}.zip", "_build/editions/ko/under-watch-student-ko.zip",
              "every lab's student edition, in Korean"),
        Asset(f"under-watch-instructor-ko-{v}.zip", "_build/editions/ko/under-watch-instructor-ko.zip",
              "every lab's instructor edition, in Korean, with solutions"),
    ]
    for name, platform in labkit.PLATFORMS.items():
        kit = labkit.kit_name(name, v)
        assets.append(Asset(kit, f"_build/labkit/{kit}",
                            f"lab kit for {platform.label}, to install with no network"))
    return assets


def check_tag(tag: str, version: str | None = None) -> None:
    version = version or course_version()
    if tag != f"v{version}":
        raise ReleaseError(f"tag {tag!r} does not name the course's version: survlab.__version__ is {version}, "
                           f"so the tag must be v{version}")
    release_date(version)  # the changelog has a dated section for it


def collect(out: str | Path, root: Path = ROOT, version: str | None = None) -> list[Path]:
    """Copy every asset under its release name into ``out``, with NOTES.md (the changelog's
    section); a missing asset is an error naming the file and the make target that makes it."""
    version = version or course_version()
    out = Path(out)
    missing = [a.source for a in release_assets(version) if not (root / a.source).is_file()]
    if missing:
        raise ReleaseError("missing from the build (run `make offline` first): " + ", ".join(missing))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copied = []
    for asset in release_assets(version):
        shutil.copy2(root / asset.source, out / asset.name)
        copied.append(out / asset.name)
    (out / "NOTES.md").write_text(release_notes(version, root / "CHANGELOG.md"), encoding="utf-8")
    return copied


# ---------------------------------------------------------------- the site's downloads list

ON_SITE = "site"
ON_RELEASE = "release"


@dataclass(frozen=True)
class Download:
    href: str  # relative to the site's root, or an absolute address on the release
    name: str
    text: str
    where: str  # ON_SITE or ON_RELEASE


def release_page(repository: str, version: str) -> str:
    return f"https://github.com/{repository}/releases/tag/v{version}"


def asset_url(repository: str, version: str, name: str) -> str:
    return f"https://github.com/{repository}/releases/download/v{version}/{name}"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"


def download_items(version: str, repository: str | None, kit_dir: Path | None = None,
                   downloads: str = "downloads", notebooks_zip: str = "under-watch-student-notebooks.zip",
                   requirements: str = "requirements-student.txt", pdf: str = "under-watch.pdf") -> list[Download]:
    """What the site's downloads list names: the files the site carries, then (when the site
    knows its repository) every other asset of its own release, linked there."""
    wheel = labkit.wheel_name(version)
    items = [
        Download(f"{downloads}/{wheel}", wheel, f"the course library survlab {version}, for pip install", ON_SITE),
        Download(f"{downloads}/{requirements}", requirements,
                 "the versions of its dependencies and of JupyterLab that the course is tested with", ON_SITE),
        Download(f"{downloads}/{notebooks_zip}", notebooks_zip, "every lab's student edition, in one zip", ON_SITE),
        Download(pdf, pdf, "the whole book as one PDF", ON_SITE),
    ]
    if not repository:
        return items
    on_site = {labkit.wheel_name(version), f"under-watch-{version}.pdf"}
    for asset in release_assets(version):
        if asset.name in on_site:
            continue
        text = asset.text
        kit = kit_dir / asset.name if kit_dir else None
        if kit is not None and kit.is_file():
            text += f" ({_size(kit)})"
        items.append(Download(asset_url(repository, version, asset.name), asset.name, text, ON_RELEASE))
    return items


# ---------------------------------------------------------------- one version everywhere

def _init_version(path: Path) -> str:
    return re.search(r'^__version__ = "([^"]+)"', path.read_text(encoding="utf-8"), re.M).group(1)


def version_sources(root: Path = ROOT) -> dict[str, tuple[str, str | None]]:
    """Where the course's version (and, where there is one, its release date) is written:
    file -> (version, date). They must all agree (tests/test_release.py)."""
    import json

    import yaml

    changelog = root / "CHANGELOG.md"
    latest = latest_release(changelog)
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    return {
        "src/survlab/survlab/__init__.py": (_init_version(root / "src/survlab/survlab/__init__.py"), None),
        "src/underwatch/underwatch/__init__.py": (_init_version(root / "src/underwatch/underwatch/__init__.py"), None),
        "CHANGELOG.md": (latest, str(release_date(latest, changelog))),
        "CITATION.cff": (str(cff.get("version")), str(cff.get("date-released"))),
        ".zenodo.json": (str(zenodo.get("version")), str(zenodo.get("publication_date"))),
    }


def disagreements(sources: dict[str, tuple[str, str | None]]) -> list[str]:
    """What differs from the student library's version, and from the changelog's date for it."""
    version = sources["src/survlab/survlab/__init__.py"][0]
    date = sources["CHANGELOG.md"][1]
    found = [f"{name}: version {v}, not {version}" for name, (v, _) in sources.items() if v != version]
    found += [f"{name}: date {d}, not {date}" for name, (_, d) in sources.items() if d is not None and d != date]
    return found
