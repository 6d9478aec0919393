"""The answer key of biometric scores (:mod:`survlab.labs.biometric_scores`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it.
"""
from __future__ import annotations

import numpy as np

from ..biometrics import matching
from ..labs.biometric_scores import SCENARIO, Scenario, scenario as scores


def threshold_for(target_fmr: float) -> float:
    """The lowest threshold at which group A's false match rate is at most ``target_fmr``."""
    return matching.threshold_for_false_match_rate(scores().main.impostor, target_fmr)


def threshold_at_target(s: Scenario = SCENARIO) -> float:
    return threshold_for(s.target_fmr)


def low_tail_threshold(s: Scenario = SCENARIO) -> float:
    return float(np.quantile(scores().main.impostor, s.target_fmr))


def pooled_threshold(s: Scenario = SCENARIO) -> float:
    data = scores()
    return matching.threshold_for_false_match_rate(np.concatenate([data.main.impostor, data.subgroup.impostor]),
                                                   s.target_fmr)


def fnmr_at_target(s: Scenario = SCENARIO) -> float:
    return matching.false_non_match_rate(scores().main.genuine, threshold_at_target(s))


def fmr_a_at_target(s: Scenario = SCENARIO) -> float:
    return matching.false_match_rate(scores().main.impostor, threshold_at_target(s))


def fmr_b_at_target(s: Scenario = SCENARIO) -> float:
    return matching.false_match_rate(scores().subgroup.impostor, threshold_at_target(s))


def n_sub_impostor() -> int:
    return scores().subgroup.impostor.size


def ratio_at_target(s: Scenario = SCENARIO) -> float:
    data = scores()
    return matching.fmr_ratio(data.subgroup.impostor, data.main.impostor, threshold_at_target(s))


def fnmr_ratio_at_target(s: Scenario = SCENARIO) -> float:
    t = threshold_at_target(s)
    data = scores()
    return matching.false_non_match_rate(data.subgroup.genuine, t) / matching.false_non_match_rate(data.main.genuine, t)


def rejected_per_day(s: Scenario = SCENARIO) -> float:
    return matching.rejections_per_day(fnmr_at_target(s), s.checkpoint_per_day)


def fnmr_at_strict(s: Scenario = SCENARIO) -> float:
    return matching.false_non_match_rate(scores().main.genuine, threshold_for(s.strict_fmr))
