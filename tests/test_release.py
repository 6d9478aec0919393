"""An open course others can adopt: licences (REUSE), a valid citation, one version
everywhere, what a version tag publishes, and what the site's downloads list links."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from underwatch import editions, labkit, release, sphinxext

CFF_SCHEMA = ROOT / "tests" / "data" / "cff-1.2.0.schema.json"


# ---------------------------------------------------------------- licences

def test_every_file_has_licence_and_copyright():
    """FSFE's `reuse lint`: every file's licence and copyright, via REUSE.toml or a header."""
    result = subprocess.run([sys.executable, "-m", "reuse", "--root", str(ROOT), "lint"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Used licenses: CC-BY-4.0, MIT" in result.stdout


def test_reuse_lint_sees_a_file_without_a_licence(tmp_path):
    """The check above can fail: a project with one unlicensed file does not pass."""
    (tmp_path / "LICENSES").mkdir()
    shutil.copy2(ROOT / "LICENSES" / "MIT.txt", tmp_path / "LICENSES" / "MIT.txt")
    (tmp_path / "covered.py").write_text("# SPDX-FileCopyrightText: 2026 Someone\n# SPDX-License-Identifier: MIT\n")
    (tmp_path / "bare.py").write_text("print('no licence here')\n")
    result = subprocess.run([sys.executable, "-m", "reuse", "--root", str(tmp_path), "lint"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0 and "bare.py" in result.stdout


def test_code_is_mit_and_content_cc_by():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n\nCopyright (c) 2026 The Under Watch authors")
    content = (ROOT / "LICENSE-content").read_text()
    assert "CC BY 4.0" in content and "Third-party material stays its owners'" in content
    assert "Attribution 4.0 International" in (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text()
    for package in ("survlab", "underwatch"):
        project = (ROOT / "src" / package / "pyproject.toml").read_text()
        assert re.search(r'^license = "MIT"$', project, re.M), package
        # MIT asks for the notice in every copy: the wheel carries this file.
        assert (ROOT / "src" / package / "LICENSE").read_text() == (ROOT / "LICENSE").read_text(), package


def test_student_editions_say_their_licence_and_version():
    cell = editions.env_check_cell("1.2.3")
    assert cell.metadata["under_watch"]["license"] == "CC-BY-4.0 AND MIT"
    assert cell.metadata["under_watch"]["version"] == "1.2.3"
    assert "third-party" in cell.metadata["under_watch"]["license_note"]


# ---------------------------------------------------------------- citation

def _cff_errors(cff: dict) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(cff)]


def test_citation_cff_is_valid():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert json.loads(CFF_SCHEMA.read_text())["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    assert cff["cff-version"] == "1.2.0"
    assert _cff_errors(cff) == []
    assert set(cff["license"]) == {"CC-BY-4.0", "MIT"}


@pytest.mark.parametrize("break_it", [
    lambda c: c.pop("authors"),
    lambda c: c.update({"date-released": "3 December 2026"}),
    lambda c: c.update({"license": "Creative Commons"}),
])
def test_an_invalid_citation_is_caught(break_it):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    break_it(cff)
    assert _cff_errors(cff) != []


def test_zenodo_metadata_is_ready():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text())
    assert zenodo["upload_type"] == "lesson" and zenodo["license"] == "cc-by-4.0"
    assert zenodo["creators"] and all(c.get("name") for c in zenodo["creators"])
    assert zenodo["title"] == yaml.safe_load((ROOT / "CITATION.cff").read_text())["title"]


# ---------------------------------------------------------------- one version

def test_one_version_in_the_packages_changelog_citation_and_zenodo():
    sources = release.version_sources()
    assert release.disagreements(sources) == [], sources
    import survlab
    import underwatch
    assert survlab.__version__ == underwatch.__version__ == release.latest_release()


def test_a_version_that_differs_is_caught(tmp_path):
    for name in ("CHANGELOG.md", "CITATION.cff", ".zenodo.json", "src/survlab/survlab/__init__.py",
                 "src/underwatch/underwatch/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    assert release.disagreements(release.version_sources(tmp_path)) == []
    cff = tmp_path / "CITATION.cff"
    cff.write_text(cff.read_text().replace('version: "', 'version: "9.'))
    assert [d for d in release.disagreements(release.version_sources(tmp_path)) if d.startswith("CITATION.cff")]


def test_changelog_keeps_a_changelog_with_a_section_per_release():
    sections = release.changelog_sections()
    assert sections[0][0] == "Unreleased"
    released = [(v, d) for v, d, _ in sections[1:]]
    versions = [tuple(map(int, v.split("."))) for v, _ in released]
    assert versions == sorted(versions, reverse=True) and len(versions) >= 3
    dates = [dt.date.fromisoformat(d) for _, d in released]
    assert dates == sorted(dates, reverse=True)
    for version, _, body in sections[1:]:
        assert {"### Students", "### Instructors", "### Contributors"} <= set(re.findall(r"^### \w+", body, re.M)), version
    # This release is a minor step from the one before.
    (major, minor, patch), previous = versions[0], versions[1]
    assert (major, minor, patch) == (previous[0], previous[1] + 1, 0)


def test_the_book_takes_version_and_date_from_one_place():
    class Config:
        myst_substitutions = {}
        latex_elements = {"papersize": "a4paper"}

    config = Config()
    sphinxext.set_course_version(None, config)
    version = labkit.student_version()
    date = release.human_date(release.release_date(version))
    assert config.version == config.release == version and config.today == date
    assert config.myst_substitutions["course_version"] == version
    assert config.myst_substitutions["release_date"] == date
    assert f"version {version}" in config.myst_substitutions["citation"]
    front = config.latex_elements["maketitle"]  # the PDF's page after the title page
    assert front.startswith("\\sphinxmaketitle") and f"version {version}, {date}" in front
    assert "CC BY 4.0" in front and "How to cite" in front and config.latex_elements["papersize"] == "a4paper"
    # The front page shows them through the substitutions, never as typed-in copies.
    index = (ROOT / "book" / "index.md").read_text()
    for key in ("course_version", "release_date", "citation"):
        assert "{{ " + key + " }}" in index, key
    assert version not in index
    assert "CC BY 4.0" in index and "{doc}`accessibility`" in index and "{doc}`adapting`" in index


def test_a_version_missing_from_the_changelog_is_a_clear_error(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n## [1.0.0]\n\nundated\n")
    with pytest.raises(release.ReleaseError, match="no section for version 2.0.0"):
        release.release_date("2.0.0", changelog)
    with pytest.raises(release.ReleaseError, match="has no date"):
        release.release_date("1.0.0", changelog)


# ---------------------------------------------------------------- a release

def test_a_tag_publishes_the_site_pdf_editions_bundle_wheel_and_every_kit():
    version = "0.3.0"
    names = [a.name for a in release.release_assets(version)]
    assert names == ["under-watch-0.3.0.pdf", "survlab-0.3.0-py3-none-any.whl",
                     "under-watch-student-0.3.0.zip", "under-watch-instructor-0.3.0.zip",
                     "under-watch-offline-0.3.0.zip", "under-watch-ko-0.3.0.pdf",
                     "under-watch-student-ko-0.3.0.zip", "under-watch-instructor-ko-0.3.0.zip",
                     "under-watch-labkit-0.3.0-linux-x86_64.zip", "under-watch-labkit-0.3.0-macos-arm64.zip",
                     "under-watch-labkit-0.3.0-macos-x86_64.zip", "under-watch-labkit-0.3.0-windows-x64.zip"]
    # Each comes from where its make target leaves it.
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^release: offline$", makefile, re.M)
    assert re.search(r"^offline: LABKIT_SYSTEMS = all$", makefile, re.M)
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert "make release" in workflow and "--tag \"$GITHUB_REF_NAME\"" in workflow
    assert "UNDERWATCH_REPOSITORY: ${{ github.repository }}" in workflow


def test_collect_copies_every_asset_under_its_release_name(tmp_path):
    version = labkit.student_version()
    root = tmp_path / "repo"
    for asset in release.release_assets(version):
        (root / asset.source).parent.mkdir(parents=True, exist_ok=True)
        (root / asset.source).write_bytes(asset.name.encode())
    shutil.copy2(ROOT / "CHANGELOG.md", root / "CHANGELOG.md")
    out = tmp_path / "release"
    copied = release.collect(out, root, version)
    assert sorted(p.name for p in copied) == sorted(a.name for a in release.release_assets(version))
    assert all(p.read_bytes() == p.name.encode() for p in copied)
    notes = (out / "NOTES.md").read_text()
    assert "### Students" in notes and f"## [{version}]" not in notes
    (root / release.release_assets(version)[-1].source).unlink()
    with pytest.raises(release.ReleaseError, match="windows-x64.zip"):
        release.collect(out, root, version)


def test_the_tag_must_name_the_version():
    version = labkit.student_version()
    release.check_tag(f"v{version}")
    for wrong in (version, "v0.0.1", f"v{version}-rc1"):
        with pytest.raises(release.ReleaseError, match="does not name"):
            release.check_tag(wrong)


def test_the_site_carries_the_wheel_pdf_and_notebooks_and_links_the_release_for_the_rest(tmp_path):
    version = labkit.student_version()
    kit_dir = tmp_path / "labkit"
    kit_dir.mkdir()
    (kit_dir / labkit.kit_name("macos-arm64", version)).write_bytes(b"x" * 12_000_000)
    items = release.download_items(version, "octo/under-watch", kit_dir)
    on_site = [i for i in items if i.where == release.ON_SITE]
    assert [i.name for i in on_site] == [labkit.wheel_name(version), "requirements-student.txt",
                                         "under-watch-student-notebooks.zip", "under-watch.pdf"]
    assert all(not i.href.startswith("http") for i in on_site)
    linked = {i.name: i for i in items if i.where == release.ON_RELEASE}
    expected = {a.name for a in release.release_assets(version)} - {labkit.wheel_name(version),
                                                                     f"under-watch-{version}.pdf"}
    assert set(linked) == expected
    for name, item in linked.items():
        assert item.href == f"https://github.com/octo/under-watch/releases/download/v{version}/{name}"
    assert linked[labkit.kit_name("macos-arm64", version)].text.endswith("(12 MB)")
    # A build that does not know its repository links nothing it cannot name.
    assert [i.where for i in release.download_items(version, "", kit_dir)] == [release.ON_SITE] * 4


def test_make_book_builds_only_this_machines_kit():
    host = labkit.host_platform()
    assert labkit.platform_names([]) == [host] == labkit.platform_names(["host"])
    assert labkit.platform_names(["all"]) == list(labkit.PLATFORMS)
    with pytest.raises(labkit.KitError, match="unknown system"):
        labkit.platform_names(["amiga"])
    plan = subprocess.run(["make", "-n", "book"], capture_output=True, text=True, cwd=ROOT).stdout
    assert "underwatch labkit host" in plan and "labkit all" not in plan
    plan = subprocess.run(["make", "-n", "offline"], capture_output=True, text=True, cwd=ROOT).stdout
    assert "underwatch labkit all" in plan


def test_new_pages_are_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    for page in ("book/accessibility", "book/adapting"):
        assert f"file: {page}\n" in toc and (ROOT / f"{page}.md").is_file()
    accessibility = (ROOT / "book" / "accessibility.md").read_text()
    assert "WCAG) 2.1, level AA" in accessibility and "tests/test_browser.py" in accessibility
    adapting = (ROOT / "book" / "adapting.md").read_text()
    assert "**Korean edition (한국어판)** is built" in adapting and "ko/terms.yml" in adapting
