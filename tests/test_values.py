"""What the book says, compared with the committed reference (tests/reference/book-values.json).

Every answer key's expected value and every glued value is checked within its own tolerance,
here and under other numpy kernels (another processor), and each value that moved is named.
"""
from __future__ import annotations

import json

import pytest

import kernels
from conftest import group, ROOT
from underwatch import values

pytestmark = group("values")  # the glued values come from the shared build

REFERENCE = ROOT / "tests" / "reference" / "book-values.json"
REFRESH = "python -m underwatch values --out tests/reference/book-values.json (after make html)"


@pytest.fixture(scope="module")
def reference():
    return values.read(REFERENCE)


def test_compare_names_each_value_that_moved_appeared_or_vanished():
    ref = {"lab/a": {"value": 1.0, "kind": "number", "rtol": 0.02, "atol": 0.0},
           "lab/b": {"value": 3, "kind": "whole"},
           "lab/c": {"value": "yes", "kind": "choice"},
           "notebooks/x::n": {"value": "0.25", "kind": "glued"},
           "notebooks/x::gone": {"value": "7", "kind": "glued"}}
    cur = {"lab/a": {"value": 1.019, "kind": "number"},  # inside 2 %
           "lab/b": {"value": 4, "kind": "whole"},
           "lab/c": {"value": "yes", "kind": "choice"},
           "notebooks/x::n": {"value": "0.2500000001", "kind": "glued"},  # same number, printed longer
           "notebooks/x::new": {"value": "1", "kind": "glued"}}
    problems = values.compare(ref, cur)
    assert [p.split(":")[0] for p in problems] == ["lab/b", "notebooks/x", "notebooks/x"]
    assert "was 3, now 4" in problems[0]
    assert "no longer produced" in problems[1] and "new" in problems[2]
    cur["lab/a"]["value"] = 1.03  # outside 2 %
    assert any(p.startswith("lab/a: was 1.0, now 1.03 (tolerance rtol=0.02") for p in values.compare(ref, cur))
    cur["notebooks/x::n"]["value"] = "0.26"
    assert any(p.startswith("notebooks/x::n") for p in values.compare(ref, cur, only="glued"))
    assert not any("::" in p.split(":")[0] for p in values.compare(ref, cur, only="answers"))


def test_a_bad_reference_file_is_named(tmp_path):
    bad = tmp_path / "ref.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="ref.json"):
        values.read(bad)
    bad.write_text(json.dumps({"x": 1}))
    with pytest.raises(ValueError, match="ref.json"):
        values.read(bad)


def test_every_answer_key_says_what_the_reference_says(reference):
    moved = values.compare(reference, values.answer_values(), only="answers")
    assert not moved, "answer keys moved:\n" + "\n".join(moved) + f"\nIf deliberate: {REFRESH}"


ANSWERS_AS_JSON = """
import json
from underwatch import values

print(json.dumps(values.answer_values()))
"""


@pytest.mark.parametrize("machine", sorted(kernels.other_machines()) or ["none"])
def test_answer_keys_hold_with_another_processors_kernels(reference, machine):
    settings = kernels.other_machines()
    if machine not in settings:
        pytest.skip("numpy dispatches no kernels beyond its baseline on this CPU")
    elsewhere = kernels.run_as(settings[machine], ANSWERS_AS_JSON)
    moved = values.compare(reference, elsewhere, only="answers")
    assert not moved, f"with {settings[machine]} off:\n" + "\n".join(moved)


@pytest.mark.build
def test_every_glued_value_says_what_the_reference_says(reference, html_build):
    site, _ = html_build
    glued = values.glued_values(ROOT, site.parent / ".jupyter_cache")
    assert glued, "the build glued no values"
    moved = values.compare(reference, glued, only="glued")
    assert not moved, "glued values moved:\n" + "\n".join(moved) + f"\nIf deliberate: {REFRESH}"
