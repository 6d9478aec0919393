"""The answer key of iris deduplication (:mod:`survlab.labs.iris_deduplication`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it.
"""
from __future__ import annotations

import math

from ..biometrics import iris
from ..labs.iris_deduplication import SCENARIO, Scenario


def _impostor(s: Scenario = SCENARIO):
    return iris.impostor_distances(s.n_codes, seed=s.seed)


def measured_dof(s: Scenario = SCENARIO) -> float:
    """Degrees of freedom of the lab's impostor distances, p(1 - p) / sigma^2."""
    return iris.degrees_of_freedom(_impostor(s))


def _mean() -> float:
    return float(_impostor().mean())


def _sigma() -> float:
    return float(_impostor().std(ddof=1))


def _p_times_q() -> float:
    return _mean() * (1 - _mean())


def _model_tail(threshold: float) -> float:
    return iris.tail_probability(threshold, measured_dof())


def model_tail_032(s: Scenario = SCENARIO) -> float:
    """The binomial model's chance that one impostor comparison scores at or below 0.32."""
    return iris.tail_probability(s.tail_threshold, measured_dof(s))


def _discrete_tail_032(s: Scenario = SCENARIO) -> float:
    from scipy import stats

    dof = measured_dof(s)
    return float(stats.binom.cdf(math.floor(s.tail_threshold * dof), round(dof), 0.5))


def _tail_best_of_7(s: Scenario = SCENARIO) -> float:
    return iris.tail_probability(s.tail_threshold, measured_dof(s), best_of=7)


def comparisons_25m(s: Scenario = SCENARIO) -> int:
    return iris.deduplication_comparisons(s.population)


def _pairs(s: Scenario = SCENARIO) -> int:
    return iris.deduplication_comparisons(s.population)


def false_matches_loose(s: Scenario = SCENARIO) -> float:
    return iris.expected_false_matches_in_deduplication(iris.daugman_rate(s.loose_threshold), s.population)


def false_matches_strict(s: Scenario = SCENARIO) -> float:
    return iris.expected_false_matches_in_deduplication(iris.daugman_rate(s.strict_threshold), s.population)


def fused_false_matches(s: Scenario = SCENARIO) -> float:
    rate = iris.daugman_rate(s.fused_threshold)
    return iris.expected_false_matches_in_deduplication(iris.fused_rate(rate, rate), s.population)
