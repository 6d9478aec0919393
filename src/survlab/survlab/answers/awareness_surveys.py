"""The answer key of Lab 11 (:mod:`survlab.labs.awareness_surveys`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from ..labs.awareness_surveys import POPULATION, SCENARIO
from ..people import awareness


def break_even_belief() -> float:
    return SCENARIO.stakes.break_even


def loss_underestimate() -> float:
    return awareness.expected_loss(SCENARIO.low_belief, SCENARIO.high_true, SCENARIO.stakes)


def loss_overestimate() -> float:
    return awareness.expected_loss(SCENARIO.high_belief, SCENARIO.low_true, SCENARIO.stakes)


def wilson_low() -> float:
    return awareness.wilson_interval(SCENARIO.said_yes, SCENARIO.respondents)[0]


def wald_low() -> float:
    return awareness.wald_interval(SCENARIO.said_yes, SCENARIO.respondents)[0]


def wald_coverage_rare() -> float:
    return awareness.coverage(awareness.wald_interval, SCENARIO.rare_share, SCENARIO.respondents)


def wilson_coverage_rare() -> float:
    return awareness.coverage(awareness.wilson_interval, SCENARIO.rare_share, SCENARIO.respondents)


def reachable_bias() -> float:
    return awareness.sampling_bias(POPULATION, 100)


def reachable_bias_1000() -> float:
    return awareness.sampling_bias(POPULATION, 1000)
