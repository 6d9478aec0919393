"""The answer key of face matching (:mod:`survlab.labs.face_matching`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from ..cameras import faces
from ..labs.face_matching import SCENARIO, Scenario


def boxes_in_wide_search(s: Scenario = SCENARIO) -> int:
    """Boxes the detector reports on the astronaut when it searches a wider range of window sizes."""
    return len(faces.detect_faces(faces.astronaut_gray(), min_size=s.wide_min_size, max_size=s.wide_max_size))


def boxes_in_standard_search() -> int:
    return len(faces.detect_faces(faces.astronaut_gray(), **faces.DETECTOR_SETTINGS))


def measured_false_match_rate(s: Scenario = SCENARIO) -> float:
    """The lab system's one-to-one false match rate p at its threshold, measured on impostor pairs."""
    return faces.false_match_rate(faces.comparison_scores().impostor, s.threshold)


def _measured_false_non_match_rate(s: Scenario = SCENARIO) -> float:
    return faces.false_non_match_rate(faces.comparison_scores().genuine, s.threshold)


def _impostor_pairs() -> int:
    return faces.comparison_scores().impostor.size


def false_matches_per_search(s: Scenario = SCENARIO) -> float:
    return faces.expected_false_matches(measured_false_match_rate(s), s.gallery_for_count)


def chance_of_false_match(s: Scenario = SCENARIO) -> float:
    return faces.prob_at_least_one_false_match(measured_false_match_rate(s), s.gallery_for_chance)


def even_odds_gallery(s: Scenario = SCENARIO) -> int:
    return faces.gallery_size_for_probability(measured_false_match_rate(s), s.target_chance)


def _p() -> float:
    return measured_false_match_rate()


def _subgroup_p(s: Scenario = SCENARIO) -> float:
    return faces.false_match_rate(faces.subgroup_impostor_scores(), s.threshold)


def subgroup_fmr_ratio(s: Scenario = SCENARIO) -> float:
    """How many times the synthetic subgroup's false match rate exceeds everyone's, at the same threshold."""
    return _subgroup_p(s) / measured_false_match_rate(s)


def subgroup_chance(s: Scenario = SCENARIO) -> float:
    """Chance of at least one false match for a search within the subgroup (a gallery of its own members)."""
    return faces.prob_at_least_one_false_match(_subgroup_p(s), s.subgroup_gallery)
