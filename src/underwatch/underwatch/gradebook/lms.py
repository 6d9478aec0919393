"""Files that each learning platform imports, from the grades CSV and the platform's own export.

``python -m underwatch export grades.csv --lms canvas --roster export.csv --out import.csv``. The
roster is the platform's gradebook export, so every identifier in the file we write is one the
platform gave: we copy its identifying columns and values verbatim and add one grade column. Each
layout follows the platform's documentation (the pages are cited on each class below). Students
are matched to submissions by the submission's file name (the grader's student id) against the
roster's login, e-mail, SIS / ID number or name; ``--map`` takes the matching file we write
(``<out>.matching.csv``), with its ``submission`` column corrected by hand, to say who is who.

Nothing is dropped silently: roster rows with no submission and submissions that match no row are
printed and listed in the matching file; a submission that matches two rows, or two submissions
that match one row, stop the export with both named, and nothing is written.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_ROSTER_BYTES = 50_000_000


class ExportRefused(ValueError):
    """The file cannot be written as asked; nothing was written. The message says why."""


def norm(text: str) -> str:
    """A key for matching: lower case, every run of other characters one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Roster:
    path: Path
    header: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str  # written back in the platform's own encoding
    special: list[list[str]] = field(default_factory=list)  # Canvas's "Points Possible" row

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


def read_roster(path: Path) -> Roster:
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) > MAX_ROSTER_BYTES:
        raise ExportRefused(f"{path}: too large for a gradebook export ({len(raw) / 1e6:.0f} MB)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Blackboard's downloads are UTF-16 with a byte-order mark
    elif raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise ExportRefused(f"{path}: not UTF-8 or UTF-16 text ({err.reason} at byte {err.start}); export it "
                            "from the platform again, or save it as CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(c.strip() for c in row)]
    except csv.Error as err:
        raise ExportRefused(f"{path}: cannot be read as a table ({err})") from None
    if not table:
        raise ExportRefused(f"{path}: empty")
    header = [h.strip() for h in table[0]]
    width = len(header)
    rows = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in table[1:]]
    return Roster(path, header, rows, delimiter, encoding)


@dataclass
class Layout:
    """One platform's import layout."""
    name: str
    identity: tuple[str, ...]  # identifying columns copied from the roster, in the roster's order
    required: tuple[str, ...]  # at least one of these must be in the roster
    keys: tuple[str, ...]  # columns whose values identify a student to a submission's file name
    names: tuple[tuple[str, ...], ...]  # (first, last) or (full) name columns
    delimiter: str | None = None  # None: the roster's own
    import_hint: str = ""  # printed after writing: the step in the platform that imports the file

    def item_base(self, header: str) -> str:
        return header

    def new_column(self, item: str, maximum: str) -> str:
        return item

    def find_item(self, roster: Roster, item: str) -> int | None:
        matches = [i for i, h in enumerate(roster.header) if h not in self.identity and norm(self.item_base(h)) == norm(item)]
        if len(matches) > 1:
            raise ExportRefused(f"{roster.path}: several columns are the grade item {item!r}: "
                                + ", ".join(roster.header[i] for i in matches))
        return matches[0] if matches else None

    def prepare(self, roster: Roster) -> None:
        if not any(c in roster.header for c in self.required):
            raise ExportRefused(f"{roster.path}: not a {self.name} gradebook export: it has none of the columns "
                                f"{list(self.required)} (its header is {roster.header[:8]})")
        others = [name for name, mark in HALLMARKS.items() if name != self.name and mark(roster.header)]
        if others and not HALLMARKS[self.name](roster.header):
            raise ExportRefused(f"{roster.path}: this looks like a {others[0]} export, not a {self.name} one: export "
                                f"the gradebook from {self.name}, or choose --lms {others[0].lower()}")

    def output_identity(self, roster: Roster) -> list[str]:
        return [h for h in roster.header if h in self.identity]

    def extra(self, roster: Roster) -> tuple[list[str], list[str]]:
        """Columns after the grade (header, value per row)."""
        return [], []


class Canvas(Layout):
    """Canvas: Grades > Import. Header starting ``Student,ID`` then ``SIS User ID``, ``SIS Login ID``
    (and ``Integration ID``), ``Section``; an assignment column named ``Name (id)`` updates that
    assignment, a new name creates one; an optional second row ``Points Possible``. Documented in
    https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
    ("Student Name OR Student ID OR Student SIS User ID", "SIS Login ID", "Section", "Assignment Name")
    and Canvas's guide "How do I import grades in the Gradebook?" (community.canvaslms.com)."""

    def item_base(self, header: str) -> str:
        return re.sub(r"\s*\(\d+\)$", "", header)

    def prepare(self, roster: Roster) -> None:
        if roster.header[:2] != ["Student", "ID"]:
            raise ExportRefused(f"{roster.path}: not a Canvas gradebook export: its header must start with "
                                f"Student,ID (it starts with {roster.header[:2]})")
        keep = []
        for row in roster.rows:
            if row[0].strip() == "Points Possible":
                roster.special.append(row)
            else:
                keep.append(row)
        roster.rows = keep


class Moodle(Layout):
    """Moodle: Grade administration > Import > CSV file. "The import file format is the same as the
    corresponding export format"; at import the teacher maps a column to the user ("Map from": e-mail
    address, ID number or username) and the grade column to a grade item (or a new one).
    https://docs.moodle.org/311/en/Grade_import. Grade columns in an export read
    ``Assignment: Name (Real)``; "Last downloaded from this course" is kept (Moodle's check that no
    grade changed since the export)."""

    LAST = "Last downloaded from this course"

    def item_base(self, header: str) -> str:
        base = re.sub(r"\s*\((Real|Percentage|Letter)\)$", "", header)
        return base.split(": ", 1)[1] if ": " in base else base

    def output_identity(self, roster: Roster) -> list[str]:
        out = []
        for h in roster.header:  # every user field the export chose, up to the first grade column
            if re.search(r"\((Real|Percentage|Letter)\)$", h) or h == self.LAST:
                break
            out.append(h)
        return out

    def extra(self, roster: Roster) -> tuple[list[str], list[str]]:
        return ([self.LAST], []) if self.LAST in roster.header else ([], [])


class Brightspace(Layout):
    """Brightspace (D2L): Grades > Enter Grades > Import. ``OrgDefinedId`` and/or ``Username``
    (exported with a leading ``#``, kept), grade columns ``<item> Points Grade``, and a last column
    ``End-of-Line Indicator`` holding ``#``; names and e-mail are not imported ("Do not import other
    options, such as a user's first name, email"). https://community.d2l.com/brightspace/kb/articles/3538-importing-grades
    and https://kb.wisc.edu/page.php?id=4330 (the pound signs and the End-of-Line Indicator)."""

    EOL = "End-of-Line Indicator"

    def item_base(self, header: str) -> str:
        return re.sub(r"\s*Points Grade(\s*<.*>)?$", "", header)

    def new_column(self, item: str, maximum: str) -> str:
        return f"{item} Points Grade"

    def extra(self, roster: Roster) -> tuple[list[str], list[str]]:
        return [self.EOL], ["#"]


class Blackboard(Layout):
    """Blackboard Learn (Original) Grade Center: Work Offline > Upload. "The unique identifier used
    for each Student is the Student's User Name. The unique identifier for each column is a Column
    ID number" (a header such as ``Lab 0 [Total Pts: 4 Score] |123456``); "Columns that do not have
    Column ID numbers ... will create new columns"; tab-delimited files recommended.
    http://library.blackboard.com/ref/3ea64795-6ecc-4abd-b595-0a9a8dfdec94/Content/_instructor_grade_center/grade_center_upload_download.htm
    and https://tips.uark.edu/uploading-your-grade-center/."""

    def item_base(self, header: str) -> str:
        return re.sub(r"\s*(\[[^\]]*\])?\s*(\|\d+)?$", "", header)


# What only one platform's export has, to refuse another platform's file.
HALLMARKS = {
    "Canvas": lambda h: h[:2] == ["Student", "ID"],
    "Moodle": lambda h: "Email address" in h or any(re.search(r"\((Real|Percentage|Letter)\)$", c) for c in h),
    "Brightspace": lambda h: "OrgDefinedId" in h or "End-of-Line Indicator" in h,
    "Blackboard": lambda h: "Availability" in h or any("[Total Pts" in c for c in h),
}

LAYOUTS = {
    "canvas": Canvas("Canvas", ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section"),
                     ("Student",), ("SIS Login ID", "SIS User ID", "ID", "Integration ID"), (("Student",),),
                     import_hint="Canvas: Grades > Import, choose the file, check the changes it previews"),
    "moodle": Moodle("Moodle", ("First name", "Last name", "Username", "ID number", "Institution", "Department",
                                "Email address"), ("Username", "ID number", "Email address"),
                     ("Username", "ID number", "Email address"), (("First name", "Last name"),),
                     import_hint="Moodle: Grade administration > Import > CSV file; under 'Identify user by', map "
                                 "'Email address' to 'useremail' (or 'ID number' to 'useridnumber'), and the grade "
                                 "column to its grade item"),
    "brightspace": Brightspace("Brightspace", ("OrgDefinedId", "Username"), ("OrgDefinedId", "Username"),
                               ("Username", "OrgDefinedId", "Email"), (("First Name", "Last Name"),),
                               import_hint="Brightspace: Grades > Enter Grades > Import, choose the file"),
    "blackboard": Blackboard("Blackboard", ("Last Name", "First Name", "Username", "Student ID"), ("Username",),
                             ("Username", "Student ID"), (("First Name", "Last Name"),), delimiter="\t",
                             import_hint="Blackboard: Grade Center > Work Offline > Upload, delimiter Tab (or Auto)"),
}


# ---- matching submissions to roster rows ----

def row_keys(layout: Layout, roster: Roster, row: list[str]) -> dict[str, str]:
    """Normalised key -> what it is ("SIS Login ID", "e-mail's local part", "name")."""
    keys: dict[str, str] = {}
    for col in layout.keys:
        i = roster.column(col)
        if i is not None and row[i].strip().lstrip("#"):
            value = row[i].strip().lstrip("#")
            keys.setdefault(norm(value), col)
            if "@" in value:
                keys.setdefault(norm(value.split("@", 1)[0]), f"{col} (before @)")
    for group in layout.names:
        idx = [roster.column(c) for c in group]
        if None in idx:
            continue
        parts = [row[i].strip() for i in idx]
        if len(parts) == 1 and "," in parts[0]:  # Canvas: "Last, First"
            last, first = (p.strip() for p in parts[0].split(",", 1))
            parts = [first, last]
        if all(parts):
            keys.setdefault(norm(" ".join(parts)), "name")
            keys.setdefault(norm(" ".join(reversed(parts))), "name")
    keys.pop("", None)
    return keys


def describe(layout: Layout, roster: Roster, index: int) -> str:
    row = roster.rows[index]
    shown = [f"{h}={row[roster.column(h)]!r}" for h in layout.output_identity(roster)[:4] if roster.column(h) is not None]
    return f"roster row {index + 2 + len(roster.special)} ({', '.join(shown)})"


@dataclass
class Matching:
    row_of: dict[str, int]  # submission -> roster row index
    how: dict[str, str]
    no_submission: list[int]
    no_row: list[str]


def read_map(path: Path, layout: Layout, roster: Roster) -> dict[str, int]:
    """Submission -> roster row from a matching file edited by hand (its ``submission`` column)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if "submission" not in (reader.fieldnames or []):
            raise ExportRefused(f"{path}: no 'submission' column (use the .matching.csv file that export wrote)")
        entries = list(reader)
    from ..grading import unsafe_cell

    keyed = [c for c in layout.keys if c in roster.header]
    explicit: dict[str, int] = {}
    for line, entry in enumerate(entries, 2):
        submission = unsafe_cell((entry.get("submission") or "").strip())
        if not submission:
            continue
        found = None
        for col in keyed:
            value = unsafe_cell((entry.get(col) or "").strip())
            if value:
                hits = [i for i, r in enumerate(roster.rows) if r[roster.column(col)].strip() == value]
                if len(hits) == 1:
                    found = hits[0]
                    break
        if found is None:
            if not any((entry.get(c) or "").strip() for c in keyed):
                continue  # a "matches no roster row" line: nothing to map
            raise ExportRefused(f"{path} line {line}: no single roster row has this line's "
                                + ", ".join(f"{c}={entry.get(c)!r}" for c in keyed))
        if submission in explicit and explicit[submission] != found:
            raise ExportRefused(f"{path} line {line}: submission {submission!r} is given to two roster rows: "
                                f"{describe(layout, roster, explicit[submission])} and {describe(layout, roster, found)}")
        explicit[submission] = found
    return explicit


def match(layout: Layout, roster: Roster, submissions: list[str], explicit: dict[str, int] | None = None) -> Matching:
    explicit = dict(explicit or {})
    index: dict[str, list[tuple[int, str]]] = {}
    for i, row in enumerate(roster.rows):
        for key, what in row_keys(layout, roster, row).items():
            index.setdefault(key, []).append((i, what))
    row_of, how, problems = {}, {}, []
    taken = set(explicit.values())
    for sub in submissions:
        if sub in explicit:
            row_of[sub], how[sub] = explicit[sub], "by hand (--map)"
            continue
        hits = [(i, w) for i, w in index.get(norm(sub), []) if i not in taken]
        rows = sorted({i for i, _ in hits})
        if len(rows) > 1:
            problems.append(f"submission {sub!r} matches " + " and ".join(describe(layout, roster, i) for i in rows)
                            + ": say which in the matching file's 'submission' column and pass it with --map")
        elif rows:
            row_of[sub], how[sub] = rows[0], next(w for i, w in hits if i == rows[0])
    by_row: dict[int, list[str]] = {}
    for sub, i in row_of.items():
        by_row.setdefault(i, []).append(sub)
    for i, subs in by_row.items():
        if len(subs) > 1:
            problems.append(f"{describe(layout, roster, i)} is matched by several submissions: {sorted(subs)}")
    if problems:
        raise ExportRefused("cannot tell who is who, nothing written:\n  " + "\n  ".join(problems))
    no_row = [s for s in submissions if s not in row_of]
    no_submission = [i for i in range(len(roster.rows)) if i not in by_row]
    return Matching(row_of, how, no_submission, no_row)


# ---- writing ----

@dataclass
class Exported:
    path: Path
    matching_path: Path
    written: int
    import_hint: str
    no_submission: list[str]
    no_row: list[str]


def _score(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    try:
        return f"{float(value):g}"
    except ValueError:
        raise ExportRefused(f"student {row.get('student')!r}: column {column!r} holds {value!r}, not a number") from None


def export(grades_csv: Path, lms: str, roster_path: Path, out: Path, *, item: str | None = None,
           score: str | None = None, mapping: Path | None = None) -> Exported:
    from ..grading import read_csv

    if lms not in LAYOUTS:
        raise ExportRefused(f"unknown platform {lms!r}; choose from {sorted(LAYOUTS)}")
    layout = LAYOUTS[lms]
    grades = read_csv(Path(grades_csv))
    if not grades:
        raise ExportRefused(f"{grades_csv}: no students")
    columns = list(next(iter(grades.values())))
    score = score or ("overall" if "overall" in columns else "total")
    max_column = "overall_max" if score == "overall" else "max"
    if score not in columns:
        raise ExportRefused(f"{grades_csv}: no column {score!r} (it has {columns})")
    maximum = next(iter(grades.values())).get(max_column, "")
    item = item or _lab_title(Path(grades_csv), columns)
    roster = read_roster(roster_path)
    layout.prepare(roster)
    explicit = read_map(mapping, layout, roster) if mapping else {}
    unknown = sorted(set(explicit) - set(grades))
    if unknown:
        raise ExportRefused(f"{mapping}: submissions not in {grades_csv}: {unknown}")
    matching = match(layout, roster, sorted(grades), explicit)
    identity = layout.output_identity(roster)
    col = layout.find_item(roster, item)
    grade_header = roster.header[col] if col is not None else layout.new_column(item, maximum)
    after, after_values = layout.extra(roster)
    header = identity + [grade_header] + after
    rows_out = []
    for special in roster.special:  # Canvas's Points Possible row: identity cells blank, as exported
        first = [special[0]] + [""] * (len(identity) - 1)
        rows_out.append(first + [special[col] if col is not None else maximum] + [""] * len(after))
    student_of = {i: s for s, i in matching.row_of.items()}
    for i, row in enumerate(roster.rows):
        if i not in student_of:
            continue
        values = [row[roster.column(h)] for h in identity]
        tail = after_values or [row[roster.column(h)] for h in after]
        rows_out.append(values + [_score(grades[student_of[i]], score)] + tail)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    delimiter = layout.delimiter or roster.delimiter
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if roster.encoding == "utf-16" else "\n")
    writer.writerow(header)
    writer.writerows(rows_out)
    side = out.with_name(out.stem + ".matching.csv")
    _write_matching(side, layout, roster, matching)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(buf.getvalue().encode(roster.encoding))
    os.replace(tmp, out)
    return Exported(out, side, len(rows_out) - len(roster.special), layout.import_hint,
                    [describe(layout, roster, i) for i in matching.no_submission], matching.no_row)


def _lab_title(grades_csv: Path, columns: list[str]) -> str:
    """The default grade item: the lab's title (the grades file's name if the lab is unknown)."""
    from . import details, report

    beside = grades_csv.parent / details.DETAILS
    try:
        return report.lab_for_columns(columns, sorted(p.name for p in beside.glob("*") if p.is_dir())).title
    except ValueError:
        return grades_csv.stem


def _write_matching(path: Path, layout: Layout, roster: Roster, matching: Matching) -> None:
    """Every roster row with its submission (empty: none), then every submission with no row.
    Correct the ``submission`` column by hand and pass the file back with ``--map``."""
    from ..grading import safe_cell

    shown = [h for h in roster.header if h in layout.identity or h in layout.keys
             or any(h in group for group in layout.names)]
    student_of = {i: s for s, i in matching.row_of.items()}
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(shown + ["submission", "matched_by"])
        for i, row in enumerate(roster.rows):
            sub = student_of.get(i, "")
            writer.writerow([safe_cell(row[roster.column(h)]) for h in shown]
                            + [safe_cell(sub), matching.how.get(sub, "NO SUBMISSION") if sub else "NO SUBMISSION"])
        for sub in matching.no_row:
            writer.writerow([""] * len(shown) + [safe_cell(sub), "MATCHES NO ROSTER ROW"])
    os.replace(tmp, path)
