import numpy as np
import pytest

from survlab import checks
from survlab.checks import Choice, Exercise, Lab, Mistake, Number, WholeNumber, judge


def _exercise(**kw):
    base = dict(name="x", prompt="?", expected=lambda: 200.0, kind=Number(rtol=0.01), hint="think again.")
    base.update(kw)
    return Exercise(**base)


@pytest.mark.parametrize("answer", [200, 200.0, np.float32(200), np.int64(200), np.array(200.0), 201.9])
def test_number_types_within_tolerance_are_correct(answer):
    assert judge(_exercise(), answer).status == checks.CORRECT


@pytest.mark.parametrize("answer", [203, 0, -200, 2000])
def test_numbers_outside_tolerance_are_wrong_with_the_hint(answer):
    result = judge(_exercise(), answer)
    assert result.status == checks.WRONG and result.message == "think again."


def test_none_and_ellipsis_are_blank_and_name_the_variable():
    for blank in (None, ...):
        result = judge(_exercise(), blank)
        assert result.status == checks.BLANK_STATUS
        assert "`x`" in result.message


@pytest.mark.parametrize("answer", ["200", True, [200], float("nan"), float("inf")])
def test_wrong_types_are_wrong_with_a_reason_not_a_crash(answer):
    result = judge(_exercise(), answer)
    assert result.status == checks.WRONG
    assert "number" in result.message


def test_a_declared_mistake_gets_its_own_hint():
    ex = _exercise(mistakes=(Mistake(lambda e: e * 8, "bits, not bytes."),))
    assert judge(ex, 1600).message == "bits, not bytes."
    assert judge(ex, 999).message == "think again."


def test_whole_numbers_are_exact_and_reject_fractions():
    ex = _exercise(expected=lambda: 4, kind=WholeNumber())
    assert judge(ex, 4).correct and judge(ex, np.int32(4)).correct and judge(ex, 4.0).correct
    assert judge(ex, 5).status == checks.WRONG
    assert "whole number" in judge(ex, 4.2).message


def test_choice_is_case_insensitive_and_names_the_options():
    ex = _exercise(expected=lambda: "power", kind=Choice(("storage", "power")))
    assert judge(ex, " Power ").correct
    assert judge(ex, "storage").status == checks.WRONG
    assert "storage" in judge(ex, "banana").message


def test_lab_rejects_repeated_names_and_unknown_exercises():
    with pytest.raises(ValueError, match="repeat"):
        Lab("l", "t", (_exercise(), _exercise()))
    lab = Lab("l", "t", (_exercise(),))
    with pytest.raises(KeyError, match="no exercise 'y'"):
        lab.check("y", 1)


def test_judge_all_treats_missing_answers_as_blank():
    lab = Lab("l", "t", (_exercise(), _exercise(name="y")))
    statuses = [r.status for r in lab.judge_all({"x": 200})]
    assert statuses == [checks.CORRECT, checks.BLANK_STATUS]


def test_to_plain_makes_json_data():
    assert checks.to_plain(np.float64(1.5)) == 1.5 and type(checks.to_plain(np.int64(3))) is int
    assert checks.to_plain(np.array(2.0)) == 2.0
    assert checks.to_plain([np.int8(1), "a"]) == [1, "a"]
    assert checks.to_plain(object()) == {"unsupported_type": "object"}


def test_collect_answers_reads_only_declared_names():
    lab = Lab("l", "t", (_exercise(),))
    assert checks.collect_answers(lab, {"x": np.float32(2), "other": 5}) == {"x": 2.0}
    assert checks.collect_answers(lab, {"x": None}) == {"x": None}
    assert checks.collect_answers(lab, {}) == {}


def test_results_render_as_text_and_html():
    result = judge(_exercise(), 200)
    assert str(result).startswith("[x] Correct")
    assert 'role="status"' in result._repr_html_()
    assert checks.summary([result, judge(_exercise(), None)]) == "1 of 2 exercises correct"


def test_an_answer_key_that_is_not_installed_leaves_the_answer_unchecked_not_wrong():
    from survlab.checks import UNCHECKED, AnswerKey
    key = AnswerKey("survlab.labs.no_such_lab")
    lab = Lab("x", "X", (Exercise("a", "?", key.a),))
    result = lab.check("a", 3)
    assert result.status == UNCHECKED and "graded" in str(result)


def test_every_lab_keeps_its_expected_values_in_the_answer_key_package():
    import inspect
    import re
    from survlab import labs
    for lab in labs.all_labs():
        module = inspect.getmodule(type(lab)) and __import__(f"survlab.labs.{lab.id.replace('-', '_')}", fromlist=["x"])
        source = inspect.getsource(module)
        assert "\ndef " not in re.sub(r"\ndef (scenario|scene)\(", "", source), f"{lab.id}: answer functions belong in survlab.answers"
        for exercise in lab.exercises:
            assert getattr(exercise.expected, "__qualname__", "").startswith("AnswerKey."), (lab.id, exercise.name)


def test_every_answer_states_the_tolerance_of_its_check():
    ex = _exercise(kind=Number(rtol=0.02), mistakes=(Mistake(lambda e: e * 8, "bits, not bytes."),))
    for answer in (200, None, 1600, 5):
        result = judge(ex, answer)
        assert result.tolerance == "accepted within 2% of the expected value"
        assert "accepted within 2% of the expected value" in str(result) and "within 2%" in result._repr_html_()
    assert judge(ex, 1600).message == "bits, not bytes."  # the hint itself stays as declared
    assert Number(rtol=0.005).tolerance() == "accepted within 0.5% of the expected value"
    assert Number(rtol=0.01, atol=0.5).tolerance() == "accepted within 1% of the expected value, or within 0.5 of it"
    whole = judge(_exercise(expected=lambda: 4, kind=WholeNumber()), 4)
    assert "exact whole number" in str(whole)
    choice = judge(_exercise(expected=lambda: "power", kind=Choice(("storage", "power"))), "storage")
    assert "in capitals or not" in str(choice)
    assert "within 2%" in judge(ex, "200").message  # a wrong type says what is expected, tolerance included


def test_every_declared_exercise_states_a_tolerance():
    from survlab import labs
    for lab in labs.all_labs():
        for exercise in lab.exercises:
            assert exercise.kind.tolerance().startswith("accepted"), (lab.id, exercise.name)


def _every_exercise():
    from survlab import labs

    return [(lab.id, ex.name) for lab in labs.all_labs() for ex in lab.exercises]


@pytest.mark.parametrize("lab_id, name", _every_exercise())
def test_every_check_passes_its_answer_says_blank_and_hints_each_declared_mistake(lab_id, name):
    from survlab import labs

    lab = labs.get(lab_id)
    ex = lab.exercise(name)
    expected = ex.expected_value()
    assert lab.check(name, expected).status == checks.CORRECT
    assert lab.check(name, None).status == checks.BLANK_STATUS
    for mistake in ex.mistakes:
        result = lab.check(name, mistake.value(expected))
        assert result.status == checks.WRONG and result.message == mistake.hint, (name, mistake.hint)
