"""The answer key of plate trails (:mod:`survlab.labs.plate_trails`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from ..cameras import plates
from ..labs.plate_trails import (PLACE_SHARE, REPORTED_NEW_ACCURACY, REPORTED_OLD_ACCURACY, SAMPLE_READS,
                                  TEST_ITEMS, TOLERANCE, scenario)


@lru_cache(maxsize=None)  # the scenario never changes: each answer is computed once per process
def _target_count(max_differences: int) -> int:
    s = scenario()
    return len(plates.reads_matching(s.week.reads, s.target_plate, max_differences))


def _trail() -> list[plates.Read]:
    s = scenario()
    return plates.reads_matching(s.week.reads, s.target_plate, TOLERANCE)


def plate_error_rate() -> float:
    return plates.plate_error_rate(scenario().week.reads)


def target_reads() -> int:
    return _target_count(TOLERANCE)


def exact_target_reads() -> int:
    s = scenario()
    return len(plates.exact_reads(s.week.reads, s.target_plate))


def home_camera_guess() -> str:
    return plates.estimate_home_camera(_trail())


def work_camera_guess() -> str:
    return plates.estimate_work_camera(_trail())


def pass_through_camera() -> str:
    """The target's most read camera that is neither its home nor its work guess."""
    ends = {home_camera_guess(), work_camera_guess()}
    counts = Counter(r.camera for r in _trail() if r.camera not in ends)
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=None)
def fraction_home_found(what: str = "home") -> float:
    s = scenario()
    return plates.fraction_identified(s.town, s.week, SAMPLE_READS, what)


@lru_cache(maxsize=None)
def reads_needed(what: str = "both") -> int:
    s = scenario()
    return plates.reads_needed(s.town, s.week, PLACE_SHARE, what)


def accuracy_gap_se() -> float:
    """Standard error of the difference of the two reported accuracies, each on its own 600 test items."""
    return plates.difference_standard_error(REPORTED_NEW_ACCURACY, TEST_ITEMS, REPORTED_OLD_ACCURACY, TEST_ITEMS)


def _one_rate_se() -> float:
    return plates.rate_standard_error(REPORTED_NEW_ACCURACY, TEST_ITEMS)


def _sum_of_ses() -> float:
    return (plates.rate_standard_error(REPORTED_NEW_ACCURACY, TEST_ITEMS)
            + plates.rate_standard_error(REPORTED_OLD_ACCURACY, TEST_ITEMS))
