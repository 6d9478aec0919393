"""A synthetic, seeded class for the gradebook's tests and benchmark: a grades CSV as the grader
writes it and the details beside it (which hint each wrong answer triggered)."""
from __future__ import annotations

import random
from pathlib import Path

from survlab import checks, labs
from underwatch import grading
from underwatch.gradebook import details


def synthetic_class(folder: Path, students: int, seed: int = 0, lab_id: str = "getting-started") -> Path:
    """Each student has an ability; each exercise a difficulty; a wrong answer takes one of the
    exercise's mistakes (or its general hint) at random. A few notebooks fail to grade."""
    rng = random.Random(seed)
    lab = labs.get(lab_id)
    out = Path(folder) / "grades.csv"
    rows = {}
    for n in range(students):
        student = f"student-{n:05d}"
        ability = rng.gauss(0, 1)
        if rng.random() < 0.02:
            grade = grading.Grade(student, {e.name: 0.0 for e in lab.exercises}, grading.ERROR,
                                  "not a notebook: the file is not valid JSON")
        else:
            results = []
            for i, e in enumerate(lab.exercises):
                roll = rng.random()
                if roll < 0.08:
                    results.append(checks.Result(e.name, checks.BLANK_STATUS, "put your answer in"))
                elif rng.gauss(ability, 1) > i * 0.4 - 0.5:
                    results.append(checks.Result(e.name, checks.CORRECT, "well done."))
                else:
                    hints = [m.hint for m in e.mistakes] + [e.hint]
                    results.append(checks.Result(e.name, checks.WRONG, rng.choice(hints)))
            points = {r.exercise: float(lab.exercise(r.exercise).points if r.correct else 0) for r in results}
            reason = "cell 7 raised NameError: name 'citty' is not defined" if rng.random() < 0.03 else ""
            grade = grading.Grade(student, points, grading.GRADED, reason, results,
                                  version_note="made for survlab 0.1.0, graded with survlab 0.2.0" if n % 97 == 5 else "")
        rows[student] = grading.grade_row(grade, lab)
        details.write(details.details_dir(out, lab.id), details.record(grade, lab))
    grading.write_csv(out, lab, rows)
    return out
