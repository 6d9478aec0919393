"""Command line: `python -m underwatch grade ...`, `editions`, `bundle`, `links`, `wheel`, `labkit`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m underwatch", description="Under Watch course tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade a class's submissions of one lab into a CSV")
    grade.add_argument("lab", help="lab id, e.g. getting-started")
    grade.add_argument("submissions", nargs="+", type=Path, help=".ipynb files named by student id")
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
                       help="every submission of the class, to report students missing from all shards")

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
    kit.add_argument("platforms", nargs="*", help="linux-x86_64, macos-arm64, macos-x86_64, windows-x64 (default: all)")
    kit.add_argument("--out", type=Path, default=ROOT / "_build" / "labkit")
    kit.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache",
                     help="the book build's execution cache, for the notebooks' figures")

    args = parser.parse_args(argv)
    if args.command in ("wheel", "labkit"):
        from . import labkit

        if args.command == "wheel":
            path = labkit.build_wheel(args.out)
            print(f"student wheel: {path} ({path.stat().st_size / 1e3:.0f} kB)")
            return 0
        unknown = sorted(set(args.platforms) - set(labkit.PLATFORMS))
        if unknown:
            parser.error(f"unknown system(s) {unknown}; choose from {sorted(labkit.PLATFORMS)}")
        for path in labkit.build_kits(args.platforms or list(labkit.PLATFORMS), args.out, args.cache):
            print(f"lab kit: {path} ({path.stat().st_size / 1e6:.0f} MB)")
        return 0
    if args.command == "grade":
        from survlab import labs
        from . import grading

        try:
            labs.get(args.lab)
        except KeyError as err:
            parser.error(str(err.args[0]))
        missing = [str(p) for p in args.submissions if not p.is_file()]
        if missing:
            parser.error("no such file: " + ", ".join(missing))
        import signal

        from .sandbox import IsolationUnavailable

        # A batch engine stops a job with SIGTERM: exit through the clean-up (sandboxes, cgroups, lock).
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            shard = grading.parse_shard(args.shard) if args.shard else None
            if args.unsafe_no_isolation:
                print("WARNING: --unsafe-no-isolation: submissions run as your own user, with no isolation",
                      file=sys.stderr)
            grades = grading.grade_batch(args.lab, args.submissions, args.out, feedback_dir=args.feedback,
                                         jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory,
                                         regrade=args.regrade, regrade_all=args.regrade_all,
                                         unsafe_no_isolation=args.unsafe_no_isolation, shard=shard)
        except IsolationUnavailable as err:  # fail closed: nothing was run
            print(f"python -m underwatch grade: {err}", file=sys.stderr)
            return 3
        except ValueError as err:  # two files for one student, a locked CSV: nothing graded or overwritten
            parser.error(str(err))
        finally:
            signal.signal(signal.SIGTERM, previous)
        errors = sum(g.status == grading.ERROR for g in grades.values())
        print(f"graded {len(grades)} submission(s), {errors} could not be graded; "
              f"{len(grading.read_csv(args.out))} row(s) in {args.out}")
    elif args.command == "merge":
        from . import merge as merging

        try:
            merged = merging.merge(args.shards, merging.expected_students(args.expect))
        except (merging.MergeRefused, OSError) as err:
            parser.error(str(err))
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
        from . import editions

        try:
            path = editions.write_offline_bundle(args.site, args.pdf, args.notebooks, args.out)
        except FileNotFoundError as err:
            parser.error(str(err))
        print(f"offline bundle: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    else:
        from . import editions

        zips = editions.write_editions(args.notebooks or editions.NOTEBOOKS_DIR, args.out, args.cache)
        for edition, path in zips.items():
            print(f"{edition}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
