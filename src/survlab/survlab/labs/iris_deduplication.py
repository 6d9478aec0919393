"""Lab 6, Iris codes and deduplication: degrees of freedom, the binomial tail, and what
checking a whole nation for duplicates costs in false matches.

Every iris code here is synthetic: seeded coin flips copied into runs of equal bits, made
by :mod:`survlab.biometrics.iris`. The per-comparison rates in Parts D and E are
Daugman's published table; the populations are round numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..biometrics import iris
from ..checks import AnswerKey, Exercise, Lab, Mistake, Number

key = AnswerKey(__name__)  # expected values live in survlab.answers.iris_deduplication


@dataclass(frozen=True)
class Scenario:
    n_codes: int = iris.N_CODES  # synthetic codes; every pair of them is an impostor comparison
    seed: int = iris.SEED
    tail_threshold: float = 0.32  # compared with Daugman's "1 in 26 million"
    population: int = 25_000_000  # the country deduplicated in Parts D and E
    loose_threshold: float = 0.32  # the two thresholds of Part D, from Daugman's table
    strict_threshold: float = 0.29
    fused_threshold: float = 0.32  # each of two irises in Part E


SCENARIO = Scenario()

DAUGMAN_032 = 1 / iris.DAUGMAN_ODDS[0.32]
ROUNDED_PAIRS = 3e14  # "about 3 x 10^14", as the lesson and this lab round the number of pairs
ROUNDED_PAIRS_HINT = ("close, but that uses the rounded 3 x 10^14 pairs, 4% short of the real count; multiply "
                      "the rate by the number of pairs itself, iris.deduplication_comparisons(setup.population).")


COUNT_NOT_RATE = ("that looks like the odds (\"1 in ...\") used as if it were the rate; the rate per comparison "
                  "is 1 divided by the odds.")


LAB = Lab(
    id="iris-deduplication",
    title="Iris codes and deduplication",
    exercises=(
        Exercise(
            name="dof_measured",
            prompt="How many degrees of freedom do the impostor distances have, measured from their mean and spread?",
            expected=key.measured_dof,
            kind=Number(rtol=0.02),
            hint="compute p = impostor.mean() and sigma = impostor.std(), then p * (1 - p) / sigma**2.",
            mistakes=(
                Mistake(lambda e: float(iris.CODE_BITS),
                        "2,048 is the number of bits. Neighbouring bits are not independent, so the code holds "
                        "fewer independent choices; measure them from the spread of the distances."),
                Mistake(lambda e: key._p_times_q() / key._sigma(),
                        "you divided by the standard deviation; the formula divides by its square, the variance."),
                Mistake(lambda e: 1 / key._sigma() ** 2,
                        "you left out p(1 - p) on top; for a binomial share the variance is p(1 - p) / N."),
                Mistake(lambda e: key._p_times_q() / key._mean() ** 2,
                        "you used the mean where the spread belongs: divide p(1 - p) by sigma squared, the "
                        "variance of the distances, not by the mean."),
            ),
        ),
        Exercise(
            name="tail_032",
            prompt="In the binomial model with the measured degrees of freedom, what is the chance that one impostor "
                   "comparison scores 0.32 or less?",
            expected=key.model_tail_032,
            kind=Number(rtol=0.05),
            hint="call iris.tail_probability(0.32, dof) with the measured degrees of freedom `dof`; give a "
                 "probability, not odds.",
            mistakes=(
                Mistake(lambda e: DAUGMAN_032,
                        "that is Daugman's table (1 in 26 million). The question asks what the model of this "
                        "lab predicts; compare the two afterwards."),
                Mistake(lambda e: 1 / e, "that is the odds (\"1 in ...\"); give the probability, 1 divided by the odds."),
                Mistake(lambda e: 1 - e, "that is the chance of a distance above 0.32; a false match is a distance "
                                         "at or below the threshold."),
                Mistake(lambda e: iris.tail_probability(SCENARIO.tail_threshold, iris.CODE_BITS),
                        "that uses 2,048 degrees of freedom (every bit independent); use the measured `dof`."),
                Mistake(lambda e: key._discrete_tail_032(),
                        "that is the whole-number binomial (scipy's binom.cdf), which jumps in steps between "
                        "whole numbers of disagreeing choices; use iris.tail_probability, which interpolates."),
                Mistake(lambda e: key._tail_best_of_7(),
                        "that is the model with seven alignments per pair; the question asks about a single "
                        "comparison (best_of=1)."),
            ),
        ),
        Exercise(
            name="comparisons_25m",
            prompt="How many comparisons does deduplicating 25 million people take, each new enrolee searched "
                   "against everyone enrolled before?",
            expected=key.comparisons_25m,
            kind=Number(rtol=1e-6),  # N**2 / 2 is within one part in 25 million of N(N - 1)/2: accepted
            hint="person k is compared with the k - 1 people enrolled before; add 0 + 1 + ... + (N - 1).",
            mistakes=(
                Mistake(lambda e: float(SCENARIO.population) ** 2,
                        "N squared counts every pair twice (A with B, and B with A) and each person with "
                        "themselves; divide by 2."),
                Mistake(lambda e: float(SCENARIO.population),
                        "that is one search of the whole gallery; deduplication searches every enrolee against "
                        "everyone before them, so it compares every pair."),
                # The rounded figures the lesson prints ("about 3 x 10^14", "3.1 x 10^14") are not the count.
                *(Mistake(lambda e, f=figures: float(f"{e:.{f}g}"),  # e rounded to f significant figures
                          "that is the count rounded, as the lesson prints it; this check wants the count itself, "
                          "N(N - 1)/2 computed in code (N**2 / 2 is accepted too).")
                  for figures in (1, 2, 3)),  # four figures (3.125e14) is within the tolerance
            ),
        ),
        Exercise(
            name="false_matches_032",
            prompt="Deduplicating 25 million people at Hamming distance 0.32 (Daugman: 1 in 26 million per "
                   "comparison), how many false matches do you expect?",
            expected=key.false_matches_loose,
            kind=Number(rtol=0.02),
            hint="multiply the number of comparisons (every pair) by the false match rate per comparison.",
            mistakes=(
                Mistake(lambda e: SCENARIO.population * DAUGMAN_032,
                        "that is one search of 25 million people; deduplication compares every pair, "
                        "N(N - 1)/2 comparisons."),
                Mistake(lambda e: 2 * e, "that counts every pair twice: use N(N - 1)/2 comparisons, not N squared."),
                Mistake(lambda e: key._pairs() * iris.DAUGMAN_ODDS[0.32], COUNT_NOT_RATE),
                Mistake(lambda e: 1.0, "that is the chance of at least one false match (almost certain); the question "
                                       "asks how many to expect: comparisons times rate."),
                Mistake(lambda e: key._pairs() * key._model_tail(SCENARIO.loose_threshold),
                        "that uses the lab model's tail; this part uses Daugman's table, his binomial tail fitted "
                        "to real irises: 1 in 26 million."),
                Mistake(lambda e: e * ROUNDED_PAIRS / key._pairs(), ROUNDED_PAIRS_HINT),
            ),
        ),
        Exercise(
            name="false_matches_029",
            prompt="And at the stricter threshold 0.29 (Daugman: 1 in 13 billion), how many false matches?",
            expected=key.false_matches_strict,
            kind=Number(rtol=0.02),
            hint="the same number of comparisons as before, times the rate at 0.29 (1 / 13e9).",
            mistakes=(
                Mistake(lambda e: SCENARIO.population / iris.DAUGMAN_ODDS[0.29],
                        "that is one search of 25 million people; deduplication compares every pair."),
                Mistake(lambda e: 2 * e, "that counts every pair twice: use N(N - 1)/2 comparisons."),
                Mistake(lambda e: key.false_matches_loose(),
                        "that is the count at 0.32; use the rate at 0.29, 1 in 13 billion."),
                Mistake(lambda e: key._pairs() * iris.DAUGMAN_ODDS[0.29], COUNT_NOT_RATE),
                Mistake(lambda e: e * ROUNDED_PAIRS / key._pairs(), ROUNDED_PAIRS_HINT),
            ),
        ),
        Exercise(
            name="fused_false_matches",
            prompt="If a match needs both irises to pass at 0.32, each independently at 1 in 26 million, how many "
                   "false matches does deduplicating 25 million people give?",
            expected=key.fused_false_matches,
            kind=Number(rtol=0.02),
            hint="both irises must falsely match: the chance is the product of the two rates; multiply it by the "
                 "number of comparisons.",
            mistakes=(
                Mistake(lambda e: key._pairs() * 2 * DAUGMAN_032,
                        "adding the rates is the rule \"a match if either iris matches\", which makes false matches "
                        "more common. When both must match, multiply the rates."),
                Mistake(lambda e: key.false_matches_loose(),
                        "that is one iris; with two, both must falsely match, so multiply the two rates."),
                Mistake(lambda e: key.false_matches_loose() ** 2,
                        "you squared the count of false matches; square the rate per comparison instead, then "
                        "multiply by the number of comparisons."),
                Mistake(lambda e: SCENARIO.population * DAUGMAN_032 ** 2,
                        "that is one search; deduplication compares every pair."),
                Mistake(lambda e: e * ROUNDED_PAIRS / key._pairs(), ROUNDED_PAIRS_HINT),
            ),
        ),
    ),
)
