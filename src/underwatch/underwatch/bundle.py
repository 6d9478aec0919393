"""The offline bundle: the site, the PDF and the student notebooks in one zip, for a USB stick.

The lab kits are separate files (each system's is several hundred MB); the bundle's README
names them.
"""
from __future__ import annotations

from pathlib import Path

import survlab

from . import labkit


def write_offline_bundle(site_dir: str | Path, pdf: str | Path, student_dir: str | Path, out_zip: str | Path,
                         translated: dict[str, tuple[Path, Path]] | None = None) -> Path:
    """One zip for a USB stick: the site (open index.html), the PDF and the student notebooks.

    The site's ``downloads/`` folder comes with it (the student wheel). The lab kits, several
    hundred MB each, are separate files (release assets; ``_build/labkit`` after ``make
    offline``): the README names them, to be copied beside the bundle for the systems needed."""
    import zipfile

    site_dir, pdf, student_dir, out_zip = map(Path, (site_dir, pdf, student_dir, out_zip))
    translated = {lang: (Path(a), Path(b)) for lang, (a, b) in (translated or {}).items()}
    for needed in (site_dir / "index.html", pdf, *(p for p, _ in translated.values())):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} is missing: build the course first (make book)")
    notebooks = sorted(student_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no student notebooks in {student_dir}: run make editions first")
    top = "under-watch"
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(site_dir.rglob("*")):
            if file.is_file() and ".doctrees" not in file.parts:
                zf.write(file, f"{top}/site/{file.relative_to(site_dir)}")
        zf.write(pdf, f"{top}/under-watch.pdf")
        for nb in notebooks:
            zf.write(nb, f"{top}/notebooks/{nb.name}")
        for lang, (lang_pdf, lang_students) in translated.items():
            lang_notebooks = sorted(lang_students.glob("*.ipynb"))
            if not lang_notebooks:
                raise FileNotFoundError(f"no {lang} student notebooks in {lang_students}: run make editions first")
            zf.write(lang_pdf, f"{top}/{lang}/{lang_pdf.name}")
            for nb in lang_notebooks:
                zf.write(nb, f"{top}/notebooks/{lang}/{nb.name}")
        wheels = sorted((site_dir / "downloads").glob("survlab-*.whl"))
        version = survlab.__version__
        run = ("- To run them you need Python 3.11 to 3.14 and the course library, survlab.\n"
               + "  With no network: the lab kit for your system, a separate file (on the course's release page,\n"
               + "  or in _build/labkit after `make offline`); copy the ones you need beside this folder:\n"
               + "".join(f"    {labkit.kit_name(name, version)}  ({platform.label})\n"
                         for name, platform in labkit.PLATFORMS.items())
               + "  Unzip it and run its install script (install.sh, or install.bat on Windows); its README.txt says how.\n"
               + (f"  With a network: install site/downloads/{wheels[-1].name} and JupyterLab as\n" if wheels else
                  "  With a network: install the course library and JupyterLab as\n")
               + "  site/book/how-to-use.html says, under \"Running the labs\".\n")
        zf.writestr(f"{top}/README.txt",
                    "Under Watch, offline edition.\n\n"
                    "- Open site/index.html in a web browser: the whole course, searchable, no network needed.\n"
                    "- under-watch.pdf is the whole book for reading or printing.\n"
                    "- notebooks/ holds the labs (student editions) to open in JupyterLab.\n"
                    + ("- 한국어판: site/ko/index.html (the Korean site), ko/under-watch-ko.pdf, notebooks/ko/.\n"
                       if "ko" in translated else "") + run)
    return out_zip
