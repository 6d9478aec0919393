"""The gradebook's commands: `report`, `written`, `export` (added to `python -m underwatch`)."""
from __future__ import annotations

import sys
from pathlib import Path

COMMANDS = ("report", "written", "export")


def add_parsers(sub) -> None:
    report = sub.add_parser("report", help="one offline HTML page on the class: totals, each exercise, "
                                           "frequent mistakes, students to follow up")
    report.add_argument("grades", type=Path, help="the grades CSV written by `grade` (or `merge`)")
    report.add_argument("--out", type=Path, required=True, help="folder for index.html")
    report.add_argument("--details", type=Path, help="the grader's details/<lab>/ folder "
                                                     "(default: beside the grades CSV)")

    written = sub.add_parser("written", help="gather written answers into one page per question with a marks "
                                             "CSV; or --merge the filled marks into the gradebook")
    written.add_argument("grades_dir", type=Path, nargs="?", help="the folder with the grades CSV and details/")
    written.add_argument("--out", type=Path, help="folder for the marking pages and marks.csv")
    written.add_argument("--blind", action="store_true", help="anonymous codes and a shuffled order; the key "
                                                              "is written to key.csv")
    written.add_argument("--seed", type=int, help="the shuffle's seed (default: a new order each time)")
    written.add_argument("--merge", type=Path, metavar="MARKS_CSV", help="check the filled marks.csv and write "
                                                                         "gradebook.csv beside the grades")

    export = sub.add_parser("export", help="a file your learning platform imports, matched on its own "
                                           "identifiers from its gradebook export")
    export.add_argument("grades", type=Path, help="grades CSV (or gradebook.csv with written marks)")
    export.add_argument("--lms", required=True, choices=["canvas", "moodle", "brightspace", "blackboard"])
    export.add_argument("--roster", type=Path, required=True, help="the platform's own gradebook export")
    export.add_argument("--out", type=Path, required=True, help="the file to import")
    export.add_argument("--item", help="the grade item (an existing column's name, or a new one; "
                                       "default: the lab's title)")
    export.add_argument("--score", help="which column to send (default: overall if present, else total)")
    export.add_argument("--map", type=Path, help="the .matching.csv file, its 'submission' column corrected by hand")


def run(args, parser) -> int:
    if args.command == "report":
        from . import report

        try:
            path = report.write_report(args.grades, args.out, args.details)
        except (OSError, ValueError) as err:
            parser.error(str(err))
        print(f"class report: {path}")
        return 0
    if args.command == "written":
        from . import written

        try:
            if args.merge:
                path = written.merge_marks(args.merge)
                print(f"marks merged: {path}")
                return 0
            if not args.grades_dir or not args.out:
                parser.error("written needs GRADES_DIR and --out (or --merge MARKS_CSV)")
            done = written.write_marking(args.grades_dir, args.out, blind=args.blind, seed=args.seed)
        except written.MarksRefused as err:
            print(f"python -m underwatch written: {err}", file=sys.stderr)
            return 1
        except (OSError, ValueError) as err:
            parser.error(str(err))
        print(f"{len(done.pages)} question page(s), {done.answers} answer(s); fill in {done.marks}")
        return 0
    from . import lms

    try:
        done = lms.export(args.grades, args.lms, args.roster, args.out, item=args.item, score=args.score,
                          mapping=args.map)
    except lms.ExportRefused as err:
        print(f"python -m underwatch export: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        parser.error(str(err))
    print(f"{done.written} grade(s) written to {done.path}; matching listed in {done.matching_path}")
    print(f"to import it: {done.import_hint}")
    if done.no_submission:
        print(f"in the roster, no submission ({len(done.no_submission)}): " + "; ".join(done.no_submission),
              file=sys.stderr)
    if done.no_row:
        print(f"submissions matching no roster row ({len(done.no_row)}), NOT exported: " + ", ".join(done.no_row)
              + f"; fill their rows' 'submission' column in {done.matching_path} and pass it with --map",
              file=sys.stderr)
        return 1
    return 0
