"""Lab 5, How a body becomes a number: genuine and impostor scores, a threshold chosen for a
target false match rate, a subgroup's false matches at that same threshold, and the
genuine people a checkpoint turns away.

All scores are **synthetic**: seeded random numbers made by
:mod:`survlab.biometrics.matching`; no real person's biometric is involved. The
checkpoint volume is hypothetical.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..biometrics import matching
from ..checks import AnswerKey, Exercise, Lab, Mistake, Number

key = AnswerKey(__name__)  # expected values live in survlab.answers.biometric_scores


@dataclass(frozen=True)
class Scenario:
    target_fmr: float = 1e-4  # the operator's target: one false match in 10,000 impostor comparisons
    strict_fmr: float = 1e-5  # a stricter target: one in 100,000
    checkpoint_per_day: int = 20_000  # HYPOTHETICAL: genuine presentations a day at one checkpoint


SCENARIO = Scenario()


def scenario() -> matching.TwoGroups:
    """The lab's synthetic comparison scores (groups A and B), the same every time."""
    return matching.synthetic_scores()


PERCENT_HINT = "that looks like a percentage; give the rate as a fraction between 0 and 1."

LAB = Lab(
    id="biometric-scores",
    title="How a body becomes a number",
    exercises=(
        Exercise(
            name="threshold",
            prompt="What is the lowest threshold at which group A's false match rate is at most 1 in 10,000?",
            expected=key.threshold_at_target,
            kind=Number(rtol=0.005),
            hint="use matching.threshold_for_false_match_rate with group A's impostor scores "
                 "(data.main.impostor) and setup.target_fmr.",
            mistakes=(
                Mistake(lambda e: key.threshold_for(1e-2),
                        "that threshold lets 1 impostor comparison in 100 through: 0.01% is 0.0001, not 0.01."),
                Mistake(lambda e: key.threshold_for(1e-3),
                        "that meets 1 in 1,000; the target is 1 in 10,000 (setup.target_fmr)."),
                Mistake(lambda e: key.low_tail_threshold(),
                        "that cuts off the lowest impostor scores; false matches are the highest ones, at or "
                        "above the threshold."),
                Mistake(lambda e: key.pooled_threshold(),
                        "that was set on groups A and B together; the operator set it on group A alone "
                        "(data.main.impostor)."),
            ),
        ),
        Exercise(
            name="fnmr_a",
            prompt="At that threshold, what share of group A's genuine comparisons fail to match (FNMR)?",
            expected=key.fnmr_at_target,
            kind=Number(rtol=0.02),
            hint="count group A's genuine scores (data.main.genuine) below the threshold t_target, as a share "
                 "of all of them.",
            mistakes=(
                Mistake(lambda e: 1 - e, "that is the share of genuine comparisons that match (the true match "
                                         "rate); the FNMR counts those below the threshold."),
                Mistake(lambda e: key.fmr_a_at_target(),
                        "that is the false match rate, measured on impostor scores; the FNMR is measured on "
                        "genuine scores."),
                Mistake(lambda e: 100 * e, PERCENT_HINT),
            ),
        ),
        Exercise(
            name="fmr_b",
            prompt="At the same threshold, what is group B's false match rate?",
            expected=key.fmr_b_at_target,
            kind=Number(rtol=0.02),
            hint="measure the share of group B's impostor scores (data.subgroup.impostor) at or above t_target.",
            mistakes=(
                Mistake(lambda e: key.fmr_a_at_target(),
                        "that is group A's rate, which the threshold was chosen to meet; measure group B's "
                        "impostor scores (data.subgroup.impostor)."),
                Mistake(lambda e: e * key.n_sub_impostor(),
                        "that is a count of false matches; divide by the number of group B impostor comparisons."),
                Mistake(lambda e: 1 - e, "that is the share of group B impostor comparisons correctly rejected."),
                Mistake(lambda e: 100 * e, PERCENT_HINT),
            ),
        ),
        Exercise(
            name="fmr_ratio",
            prompt="How many times group B's false match rate is group A's, at the same threshold?",
            expected=key.ratio_at_target,
            kind=Number(rtol=0.02),
            hint="divide group B's false match rate by group A's, both measured at t_target.",
            mistakes=(
                Mistake(lambda e: 1 / e, "upside down: divide group B's rate by group A's."),
                Mistake(lambda e: key.fmr_b_at_target() - key.fmr_a_at_target(),
                        "that is the difference of the two rates; the question asks how many times larger."),
                Mistake(lambda e: key.fnmr_ratio_at_target(),
                        "that compares false non-match rates (genuine scores); compare false match rates."),
                Mistake(lambda e: e * matching.MODEL.n_sub_impostor / matching.MODEL.n_impostor,
                        "that divides counts of false matches; group B has 200,000 impostor comparisons and "
                        "group A 1,000,000, so divide the two rates instead."),
            ),
        ),
        Exercise(
            name="rejected_per_day",
            prompt="A hypothetical checkpoint sees 20,000 genuine presentations a day. How many are wrongly "
                   "rejected on a first attempt, on average?",
            expected=key.rejected_per_day,
            kind=Number(rtol=0.02),
            hint="each genuine presentation fails with chance FNMR (fnmr_target): multiply by the daily volume.",
            mistakes=(
                Mistake(lambda e: SCENARIO.checkpoint_per_day * key.fmr_a_at_target(),
                        "that uses the false match rate; genuine people are turned away by false non-matches."),
                Mistake(lambda e: SCENARIO.checkpoint_per_day - e,
                        "that is the number who get through; the question asks how many are rejected."),
                Mistake(lambda e: 100 * e, "too large by a factor of 100: use the FNMR as a fraction, not a "
                                           "percentage."),
            ),
        ),
        Exercise(
            name="fnmr_strict",
            prompt="The operator tightens the target to 1 in 100,000. What is group A's FNMR at the new threshold?",
            expected=key.fnmr_at_strict,
            kind=Number(rtol=0.03),  # reading the DET curve (det_a.fnmr_at_fmr) lands within 2% of it
            hint="find the threshold for setup.strict_fmr on group A's impostor scores, then measure group A's "
                 "FNMR there.",
            mistakes=(
                Mistake(lambda e: key.fnmr_at_target(),
                        "that is the FNMR at the old threshold (1 in 10,000); find the new threshold first."),
                Mistake(lambda e: 1 - e, "that is the true match rate; the FNMR counts genuine scores below "
                                         "the threshold."),
                Mistake(lambda e: 100 * e, PERCENT_HINT),
            ),
        ),
    ),
)
