"""Command line: `python -m underwatch grade ...`, `merge`, `execute`, `values`, `report`, `written`, `export`, `editions`, `bundle`,
`links`, `wheel`, `labkit`, `release`,
`translated`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m underwatch", description="Under Watch course tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade a class's submissions of one lab into a CSV")
    grade.add_argument("lab", help="lab id, e.g. getting-started")
    grade.add_argument("submissions", nargs="+", type=Path,
                       help="a folder of .ipynb files named by student id (every *.ipynb in it), or files; put "
                            "-- before file names, so that a file named like an option is never read as one")
    grade.add_argument("--out", type=Path, required=True, help="the grades CSV (created or updated)")
    grade.add_argument("--feedback", type=Path, help="folder for one feedback file per student "
                                                     "(default: feedback/ beside the CSV)")
    grade.add_argument("--jobs", type=int, help="submissions run at once (default: the number of cores)")
    grade.add_argument("--timeout", type=int, default=120, help="seconds a cell may run (default 120)")
    grade.add_argument("--memory", type=int, default=1024, help="megabytes a submission may use (default 1024)")
    grade.add_argument("--regrade", action="append", default=[], metavar="STUDENT",
                       help="grade this student again (repeatable); others already in the CSV are skipped")
    grade.add_argument("--regrade-all", action="store_true", help="grade every submission again")
    grade.add_argument("--shard", metavar="K/N", help="grade only shard K of N (1 <= K <= N), a deterministic "
                                                      "slice by student id; join the shards' CSVs with `merge`")
    grade.add_argument("--unsafe-no-isolation", action="store_true",
                       help="UNSAFE: run submissions as your own user with no isolation, where the machine cannot "
                            "isolate them (only for notebooks you trust; recorded in the CSV)")

    merge = sub.add_parser("merge", help="join the CSVs of a sharded grading run into one")
    merge.add_argument("shards", nargs="+", type=Path, help="the shards' grades CSVs")
    merge.add_argument("--out", type=Path, required=True, help="the merged CSV")
    merge.add_argument("--expect", nargs="*", type=Path, default=[], metavar="SUBMISSION",
                       help="the folder of submissions (or every file, after --), to report students "
                            "missing from all shards")

    from .gradebook import cli as gradebook_cli

    gradebook_cli.add_parsers(sub)

    eds = sub.add_parser("editions", help="student and instructor editions of every lab, with zips")
    eds.add_argument("--out", type=Path, default=ROOT / "_build" / "editions")
    eds.add_argument("--notebooks", type=Path, default=None, help="lab sources (default: the repository's notebooks/)")
    eds.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache",
                     help="the book build's execution cache, to keep figures (default: _build/.jupyter_cache)")

    bundle = sub.add_parser("bundle", help="one zip with the site, the PDF and the student notebooks")
    bundle.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    bundle.add_argument("--pdf", type=Path, default=ROOT / "_build" / "latex" / "under-watch.pdf")
    bundle.add_argument("--notebooks", type=Path, default=ROOT / "_build" / "editions" / "student")
    bundle.add_argument("--out", type=Path, default=ROOT / "_build" / "under-watch-offline.zip")

    links = sub.add_parser("links", help="check a built site's internal links and anchors offline; "
                                         "list its external links (never fetched)")
    links.add_argument("site", type=Path, nargs="?", default=ROOT / "_build" / "html")
    links.add_argument("--external", type=Path, help="write the external links here "
                                                     "(default: external-links.txt beside the site)")

    wheel = sub.add_parser("wheel", help="the student library's wheel (pip wheel --no-deps src/survlab)")
    wheel.add_argument("--out", type=Path, default=ROOT / "_build" / "wheel")  # = labkit.WHEEL_CACHE

    kit = sub.add_parser("labkit", help="offline lab kits: wheel, wheelhouse with JupyterLab, notebooks, "
                                        "install scripts, one zip per system")
    kit.add_argument("platforms", nargs="*", help="host (this machine's system, the default), all, or any of "
                                                  "linux-x86_64, macos-arm64, macos-x86_64, windows-x64")
    kit.add_argument("--out", type=Path, default=ROOT / "_build" / "labkit")
    kit.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache",
                     help="the book build's execution cache, for the notebooks' figures")

    ex = sub.add_parser("execute", help="run the book's notebooks in parallel into the build's execution cache "
                                        "(the Sphinx build then only renders)")
    ex.add_argument("--root", type=Path, default=ROOT, help="the book (default: this repository)")
    ex.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache")
    ex.add_argument("--jobs", type=int, help="notebooks run at once (default: the number of cores)")
    ex.add_argument("--timeout", type=int, default=120, help="seconds a cell may run (default 120, as the book)")

    vals = sub.add_parser("values", help="every glued value and answer key's expected value in one JSON file; "
                                         "with --check, compare with a reference and name what moved")
    vals.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache")
    vals.add_argument("--out", type=Path, default=ROOT / "_build" / "book-values.json")
    vals.add_argument("--check", type=Path, metavar="REFERENCE", help="e.g. tests/reference/book-values.json")

    rel = sub.add_parser("release", help="the assets a version tag publishes, under their release names")
    rel.add_argument("--out", type=Path, default=ROOT / "_build" / "release")
    rel.add_argument("--tag", help="check that this tag (e.g. v0.3.0) names the course's version, and stop")
    rel.add_argument("--list", action="store_true", help="print the assets' names and where the build leaves them")

    tb = sub.add_parser("translated", help="build a translated edition (ko): its source staged in _build/<lang>/source, "
                                           "notebooks executed in the language into its own cache, then Jupyter Book")
    tb.add_argument("language", choices=["ko"])
    tb.add_argument("--builder", default="html", choices=["html", "pdflatex"])
    tb.add_argument("--status", action="store_true", help="only print each page's translation status")
    tb.add_argument("--stamp", nargs="+", metavar="PAGE", help="record that these English pages' translations "
                                                               "are up to date with the English text now")

    args = parser.parse_args(argv)
    if args.command == "translated":
        from . import translated_book, translations

        if args.stamp:
            translations.stamp(args.language, args.stamp)
            return 0
        if args.status:
            for page in translations.status(args.language):
                print(f"{page.status:12} {page.english}")
            return 0
        return translated_book.build(args.language, args.builder).returncode
    if args.command == "execute":
        from . import execute

        outcomes = execute.execute_all(args.root, args.cache, jobs=args.jobs, timeout=args.timeout)
        return 1 if any(o.error for o in outcomes) else 0
    if args.command == "values":
        from . import values

        current = {**values.answer_values(), **values.glued_values(ROOT, args.cache)}
        values.write(args.out, current)
        print(f"{len(current)} values in {args.out}")
        if args.check:
            try:
                moved = values.compare(values.read(args.check), current)
            except ValueError as err:
                parser.error(str(err))
            for line in moved:
                print(line, file=sys.stderr)
            print(f"{len(moved)} value(s) differ from {args.check}", file=sys.stderr if moved else sys.stdout)
            return 1 if moved else 0
        return 0
    if args.command == "release":
        from . import release

        try:
            if args.tag:
                release.check_tag(args.tag)
                print(f"{args.tag}: the course's version, with a dated changelog section")
                return 0
            if args.list:
                for asset in release.release_assets():
                    print(f"{asset.name}\t{asset.source}")
                return 0
            copied = release.collect(args.out)
        except release.ReleaseError as err:
            print(f"python -m underwatch release: {err}", file=sys.stderr)
            return 1
        for path in copied:
            print(f"{path.name} ({path.stat().st_size / 1e6:.1f} MB)")
        print(f"{len(copied)} assets and NOTES.md in {args.out}")
        return 0
    if args.command in gradebook_cli.COMMANDS:
        return gradebook_cli.run(args, parser)
    if args.command in ("wheel", "labkit"):
        from . import labkit

        if args.command == "wheel":
            path = labkit.build_wheel(args.out)
            print(f"student wheel: {path} ({path.stat().st_size / 1e3:.0f} kB)")
            return 0
        try:
            systems = labkit.platform_names(args.platforms)
        except labkit.KitError as err:
            parser.error(str(err))
        for path in labkit.build_kits(systems, args.out, args.cache):
            print(f"lab kit: {path} ({path.stat().st_size / 1e6:.0f} MB)")
        return 0
    if args.command == "grade":
        from survlab import labs
        from . import grading

        try:
            labs.check_id(args.lab)  # loaded later, while the sandbox starts
        except KeyError as err:
            parser.error(str(err.args[0]))
        missing = [grading.printable(p) for p in args.submissions if not os.path.lexists(p)]
        if missing:
            parser.error("no such file or folder: " + ", ".join(missing))
        if args.out.suffix == ".ipynb" or any(p.suffix == ".ipynb" for p in [args.feedback] if p):
            parser.error(f"--out {grading.printable(args.out)} names a notebook (a file named like an option among "
                         "the submissions?): give the folder of submissions, or put -- before file names")
        # A folder is listed here, never by the shell: no file name can become an option.
        submissions = [f for p in args.submissions
                       for f in (grading.submissions_in(p) if p.is_dir() and not p.is_symlink()
                                 and p.suffix != ".ipynb" else [p])]  # a folder named *.ipynb is a submission
        import signal

        from .sandbox import IsolationUnavailable

        # A batch engine stops a job with SIGTERM: exit through the clean-up (sandboxes, cgroups, lock).
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            shard = grading.parse_shard(args.shard) if args.shard else None
            if args.unsafe_no_isolation:
                print("WARNING: --unsafe-no-isolation: submissions run as your own user, with no isolation",
                      file=sys.stderr)
            grades = grading.grade_batch(args.lab, submissions, args.out, feedback_dir=args.feedback,
                                         jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory,
                                         regrade=args.regrade, regrade_all=args.regrade_all,
                                         unsafe_no_isolation=args.unsafe_no_isolation, shard=shard)
        except IsolationUnavailable as err:  # fail closed: nothing was run
            print(f"python -m underwatch grade: {grading.printable(err)}", file=sys.stderr)
            return 3
        except ValueError as err:  # a locked or unreadable CSV: nothing graded or overwritten
            parser.error(grading.printable(err))
        finally:
            signal.signal(signal.SIGTERM, previous)
        errors = sum(g.status == grading.ERROR for g in grades.values())
        print(f"graded {len(grades)} submission(s), {errors} could not be graded; "
              f"{len(grading.read_csv(args.out))} row(s) in {args.out}")
    elif args.command == "merge":
        from . import merge as merging

        from . import grading

        try:
            merged = merging.merge(args.shards, merging.expected_students(args.expect))
        except (merging.MergeRefused, OSError) as err:
            parser.error(grading.printable(err))
        merging.write(merged, args.out)
        print(f"merged {len(args.shards)} shard(s): {len(merged.rows)} student(s) in {args.out}")
        if merged.missing:
            print(f"missing from every shard ({len(merged.missing)}): " + ", ".join(merged.missing), file=sys.stderr)
            return 1
    elif args.command == "links":
        from . import sitecheck

        try:
            report = sitecheck.check_site(args.site)
        except ValueError as err:
            parser.error(str(err))
        listing = sitecheck.write_external_report(report, args.external or args.site.parent / "external-links.txt")
        for broken in report.broken:
            print(broken)
        print(f"{len(report.pages)} page(s), {report.internal} internal link(s), {len(report.broken)} broken; "
              f"{len(report.external)} external link(s) listed in {listing}")
        return 0 if report.ok else 1
    elif args.command == "bundle":
        from . import bundle

        try:
            korean_pdf = ROOT / "_build" / "ko" / "_build" / "latex" / "under-watch-ko.pdf"
            path = bundle.write_offline_bundle(args.site, args.pdf, args.notebooks, args.out,
                                               {"ko": (korean_pdf, args.notebooks.parent / "ko" / "student")})
        except FileNotFoundError as err:
            parser.error(str(err))
        print(f"offline bundle: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    else:
        from . import editions

        zips = editions.write_editions(args.notebooks or editions.NOTEBOOKS_DIR, args.out, args.cache)
        if not args.notebooks:  # the course's own labs: the Korean editions too, in <out>/ko
            from .labkit import TRANSLATED_LABS

            ko_notebooks, ko_cache = TRANSLATED_LABS["ko"]
            zips |= {f"{edition} (ko)": path for edition, path in
                     editions.write_editions(ko_notebooks, args.out / "ko", ko_cache, language="ko").items()}
        for edition, path in zips.items():
            print(f"{edition}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
