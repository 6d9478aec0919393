"""Checked exercises: one declaration per exercise, read by the student's check,
the tests and the instructor's grader alike.

A student writes an answer into a named variable and calls ``lab.check("name", value)``.
The answer is judged as *correct*, *blank* (still ``None``) or *wrong* (with a hint that
points the way without giving the answer away).
"""
from __future__ import annotations

import html
import importlib
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from .i18n import _

BLANK = None  # what a student edition puts in every answer variable

CORRECT, BLANK_STATUS, WRONG, UNCHECKED = "correct", "blank", "wrong", "unchecked"


class AnswerKeyUnavailable(RuntimeError):
    """The answer key is not installed here: the notebook is being graded, and the grader judges."""


class AnswerKey:
    """A lab's expected values, kept in ``survlab.answers.<lab>`` and imported only when an
    answer is judged. The grader runs submissions with that folder absent, so a notebook
    cannot read the key; at home the self-checks import it as usual.

    ``key.storage_tb`` is a callable that runs ``survlab.answers.<lab>.storage_tb``.
    """

    def __init__(self, lab_module: str):
        self.module_name = lab_module.replace(".labs.", ".answers.", 1)

    def module(self):
        try:
            return importlib.import_module(self.module_name)
        except ImportError as err:
            raise AnswerKeyUnavailable(f"{self.module_name} is not available here") from err

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("__"):
            raise AttributeError(name)

        def expected(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.module(), name)(*args, **kwargs)

        expected.__name__ = name
        return expected


@dataclass(frozen=True)
class Mistake:
    """A foreseeable wrong answer and the hint it deserves (e.g. forgot bits -> bytes)."""

    value: Callable[[Any], Any]  # expected -> the value this mistake produces
    hint: str


@dataclass(frozen=True)
class Number:
    """A numeric answer judged with a relative tolerance (and an absolute one near zero)."""

    rtol: float = 0.02
    atol: float = 0.0

    def tolerance(self) -> str:
        """What this check accepts, said with every answer: "accepted within 2% of the expected value"."""
        if not self.rtol and not self.atol:
            return _("accepted only when equal to the expected value")
        if self.rtol and self.atol:
            return _("accepted within {percent:g}% of the expected value, or within {atol:g} of it").format(
                percent=self.rtol * 100, atol=self.atol)
        if self.rtol:
            return _("accepted within {percent:g}% of the expected value").format(percent=self.rtol * 100)
        return _("accepted within {atol:g} of the expected value").format(atol=self.atol)

    def describe(self) -> str:
        return _("a number, {tolerance}").format(tolerance=self.tolerance())

    def coerce(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            # NumPy scalars register as numbers.Real; 0-d arrays expose .item()
            if hasattr(value, "item") and getattr(value, "shape", None) == ():
                return self.coerce(value.item())
            raise TypeError(_("expected a number, got {type} {value}").format(type=type(value).__name__,
                                                                               value=repr(value)))
        number = float(value)
        if not math.isfinite(number):
            raise TypeError(_("expected a finite number, got {value}").format(value=repr(value)))
        return number

    def matches(self, answer: Any, expected: Any) -> bool:
        return math.isclose(self.coerce(answer), float(expected), rel_tol=self.rtol, abs_tol=self.atol)


@dataclass(frozen=True)
class WholeNumber(Number):
    """A count or a power of ten: any whole-valued number type, judged exactly."""

    rtol: float = 0.0

    def tolerance(self) -> str:
        return _("accepted only as the exact whole number")

    def describe(self) -> str:
        return _("a whole number")

    def matches(self, answer: Any, expected: Any) -> bool:
        number = self.coerce(answer)
        if not number.is_integer():
            raise TypeError(_("expected a whole number, got {answer}").format(answer=repr(answer)))
        return number == float(expected)


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of options, compared case-insensitively."""

    options: Sequence[str]

    def tolerance(self) -> str:
        return _("accepted as the exact option, in capitals or not")

    def describe(self) -> str:
        return _("one of: {options}").format(options=", ".join(repr(o) for o in self.options))

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(_("expected text, one of {options}, got {type}").format(options=list(self.options),
                                                                                     type=type(value).__name__))
        text = value.strip().lower()
        allowed = {o.lower() for o in self.options}
        if text not in allowed:
            raise TypeError(_("{value} is not one of the options {options}").format(value=repr(value),
                                                                                     options=list(self.options)))
        return text

    def matches(self, answer: Any, expected: Any) -> bool:
        return self.coerce(answer) == str(expected).lower()


@dataclass(frozen=True)
class Exercise:
    """One checked exercise: the variable the student fills, how it is judged, and hints."""

    name: str  # the variable the student assigns, e.g. "people_per_camera"
    prompt: str  # one line, for feedback files and listings
    expected: Callable[[], Any]  # computed by the library, never typed twice
    kind: Number | WholeNumber | Choice = field(default_factory=Number)
    hint: str = ""
    mistakes: tuple[Mistake, ...] = ()
    points: int = 1

    def expected_value(self) -> Any:
        return self.expected()


@dataclass(frozen=True)
class Result:
    exercise: str
    status: str  # CORRECT, BLANK_STATUS or WRONG
    message: str
    tolerance: str = ""  # what the check accepts ("accepted within 2% of the expected value"), said with the answer

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        mark = {CORRECT: _("Correct"), BLANK_STATUS: _("Not answered yet"), WRONG: _("Not yet"),
                UNCHECKED: _("Checked by the grader")}[self.status]
        said = f"[{self.exercise}] {mark}: {self.message}"
        if not self.tolerance:
            return said
        with_tolerance = _("answer {tolerance}") if self.status == CORRECT else _("answers are {tolerance}")
        return f"{said} ({with_tolerance.format(tolerance=self.tolerance)})"

    def __repr__(self) -> str:  # shown as a cell's plain-text output
        return str(self)

    def _repr_html_(self) -> str:
        colour = {CORRECT: "#1b7837", BLANK_STATUS: "#555555", WRONG: "#b35806", UNCHECKED: "#555555"}[self.status]
        return (
            f'<div class="survlab-check survlab-{self.status}" role="status" '
            f'style="border-left:4px solid {colour};padding:0.3em 0.8em;">'
            f"{html.escape(str(self))}</div>"
        )


def judge(exercise: Exercise, answer: Any) -> Result:
    """Judge one answer. Never raises on a student's value. The result states the check's
    tolerance (``Result.tolerance``), so every answer says what it is accepted within."""
    tolerance = exercise.kind.tolerance()
    if answer is BLANK or answer is Ellipsis:
        return Result(exercise.name, BLANK_STATUS,
                      _("put your answer in `{name}` (replace None) and run this cell again.").format(
                          name=exercise.name), tolerance)
    try:
        expected = exercise.expected_value()
    except AnswerKeyUnavailable:
        return Result(exercise.name, UNCHECKED, _("the answer key is not available while a notebook is graded."))
    try:
        if exercise.kind.matches(answer, expected):
            return Result(exercise.name, CORRECT, _("well done."), tolerance)
    except TypeError as err:  # the message says what the answer should be, tolerance included
        return Result(exercise.name, WRONG, _("{problem}. The answer should be {kind}.").format(
            problem=err, kind=exercise.kind.describe()))
    for mistake in exercise.mistakes:
        try:
            if exercise.kind.matches(answer, mistake.value(expected)):
                return Result(exercise.name, WRONG, _(mistake.hint), tolerance)
        except (TypeError, ZeroDivisionError):
            continue
    return Result(exercise.name, WRONG, _(exercise.hint) if exercise.hint else _("check your working and try again."),
                  tolerance)


@dataclass(frozen=True)
class Lab:
    """A lab's exercises, declared once. Notebooks call ``lab.check``; the grader calls ``judge_all``."""

    id: str
    title: str
    exercises: tuple[Exercise, ...]
    # Seeded computations every run of the lab repeats: the grader's warm server calls these
    # once before it forks, so each submission starts with their results cached.
    warm_up: tuple[Callable[[], Any], ...] = ()

    def __post_init__(self) -> None:
        names = [e.name for e in self.exercises]
        if len(set(names)) != len(names):
            raise ValueError(f"lab {self.id}: exercise names repeat: {names}")

    @property
    def answer_names(self) -> list[str]:
        return [e.name for e in self.exercises]

    def exercise(self, name: str) -> Exercise:
        for e in self.exercises:
            if e.name == name:
                return e
        raise KeyError(f"lab {self.id!r} has no exercise {name!r}; it has {self.answer_names}")

    def check(self, name: str, answer: Any) -> Result:
        return judge(self.exercise(name), answer)

    def judge_all(self, answers: dict[str, Any]) -> list[Result]:
        return [judge(e, answers.get(e.name, BLANK)) for e in self.exercises]

    @property
    def total_points(self) -> int:
        return sum(e.points for e in self.exercises)


def to_plain(value: Any) -> Any:
    """An answer as plain JSON-able data, so it can leave a kernel and be judged elsewhere."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return to_plain(value.item())
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if value is Ellipsis:
        return None
    return {"unsupported_type": type(value).__name__}


def collect_answers(lab: Lab, namespace: dict[str, Any]) -> dict[str, Any]:
    """A lab's answer variables, as plain data, from a namespace (a kernel's globals).
    A name the namespace lacks is left out, so a deleted answer cell can be told from a blank one."""
    return {name: to_plain(namespace[name]) for name in lab.answer_names if name in namespace}


def summary(results: Iterable[Result]) -> str:
    results = list(results)
    done = sum(r.correct for r in results)
    return _("{done} of {total} exercises correct").format(done=done, total=len(results))
