"""Lab 3, Faces, templates and galleries: detection on a shipped sample image, then
one-to-one and one-to-many matching with synthetic templates.

Part A uses scikit-image's shipped astronaut photograph and frontal-face cascade (no
download). Part B's faces are synthetic: seeded random templates made by
:mod:`survlab.cameras.faces`; no real person's face or template is involved.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..cameras import faces
from ..checks import AnswerKey, Exercise, Lab, Mistake, Number, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.face_matching


@dataclass(frozen=True)
class Scenario:
    threshold: float = faces.THRESHOLD  # the lab system's decision threshold on similarity
    wide_min_size: tuple[int, int] = (24, 24)  # a wider search than the standard 60 to 123 pixels
    wide_max_size: tuple[int, int] = (300, 300)
    gallery_for_count: int = 5_000  # gallery searched in the "how many false matches" exercise
    gallery_for_chance: int = 500  # gallery searched in the "chance of a false match" exercise
    target_chance: float = 0.5  # even odds
    subgroup_gallery: int = 500  # a gallery drawn from the synthetic subgroup


SCENARIO = Scenario()


# A student may round p to "one in a thousand"; the exercises ask for the measured value.
ROUNDED_P = 0.001
ROUNDED_P_HINT = ("close, but you used a rounded p; use the measured rate `p`, computed by the library "
                  "after the false match rate exercise.")


LAB = Lab(
    id="face-matching",
    title="Faces, templates and galleries",
    exercises=(
        Exercise(
            name="boxes_wide",
            prompt="How many boxes does the detector report on the astronaut with windows from 24 to 300 pixels?",
            expected=key.boxes_in_wide_search,
            kind=WholeNumber(),
            hint="call faces.detect_faces(gray, min_size=(24, 24), max_size=(300, 300)) and count the boxes "
                 "in the list it returns with len().",
            mistakes=(Mistake(lambda e: key.boxes_in_standard_search(),
                              "that is the count with the standard window sizes (60 to 123 pixels); "
                              "pass min_size=(24, 24) and max_size=(300, 300)."),),
        ),
        Exercise(
            name="fmr_at_threshold",
            prompt="What share of impostor comparisons score at or above the threshold?",
            expected=key.measured_false_match_rate,
            kind=Number(rtol=0.02),
            hint="compare scores.impostor with THRESHOLD (>=) and take the mean of the True/False array.",
            mistakes=(
                Mistake(lambda e: 1 - e, "that is the share of impostor pairs correctly rejected (below the "
                                         "threshold); the false match rate counts those at or above it."),
                Mistake(lambda e: e * key._impostor_pairs(), "that is a count of false matches; divide by the number "
                                                         "of impostor comparisons to get a rate."),
                Mistake(lambda e: key._measured_false_non_match_rate(),
                        "that was measured on genuine pairs (the false non-match rate); use scores.impostor."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give the share as a fraction "
                                           "between 0 and 1."),
            ),
        ),
        Exercise(
            name="false_matches_per_search",
            prompt="On average, how many false matches does one search of a 5,000-person gallery return?",
            expected=key.false_matches_per_search,
            kind=Number(rtol=0.02),
            hint="each of the N comparisons is an independent chance p of a false match; add up the chances.",
            mistakes=(
                Mistake(lambda e: faces.prob_at_least_one_false_match(key._p(), SCENARIO.gallery_for_count),
                        "that is the chance of at least one false match; the question asks how many false "
                        "matches there are on average."),
                Mistake(lambda e: key._p(), "that is one comparison; a search compares the probe with every "
                                        "person in the gallery."),
                Mistake(lambda e: faces.expected_false_matches(ROUNDED_P, SCENARIO.gallery_for_count),
                        ROUNDED_P_HINT),
            ),
        ),
        Exercise(
            name="chance_of_false_match",
            prompt="What is the chance that one search of a 500-person gallery returns at least one false match?",
            expected=key.chance_of_false_match,
            kind=Number(rtol=0.02),
            hint="first find the chance that all N comparisons avoid a false match, then take that away from 1.",
            mistakes=(
                Mistake(lambda e: faces.expected_false_matches(key._p(), SCENARIO.gallery_for_chance),
                        "p × N is the average number of false matches, not a probability: it counts searches "
                        "with two or more false matches more than once. Use 1 - (1 - p)**N."),
                Mistake(lambda e: 1 - e, "that is the chance that a search has no false match at all; "
                                         "the question asks for at least one."),
                Mistake(lambda e: key._p() ** SCENARIO.gallery_for_chance,
                        "p**N would be the chance that every comparison is a false match."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give the chance as a fraction "
                                           "between 0 and 1."),
                Mistake(lambda e: faces.prob_at_least_one_false_match(ROUNDED_P, SCENARIO.gallery_for_chance),
                        ROUNDED_P_HINT),
            ),
        ),
        Exercise(
            name="even_odds_gallery",
            prompt="About how large a gallery gives a stranger's search even odds (50%) of a false match?",
            expected=key.even_odds_gallery,
            # The exact answer solves (1 - p)**N = 0.5; the lesson's rule ln 2 / p (about 0.69 / p) lands
            # within a few people of it, so a 1% tolerance accepts both and still catches every mistake below.
            kind=Number(rtol=0.01),
            hint="solve 1 - (1 - p)**N = 0.5 for N with logarithms (or use the lesson's rule for small p); "
                 "give the number of people.",
            mistakes=(
                Mistake(lambda e: round(0.5 / key._p()), "that is where the average number of false matches reaches "
                                                     "0.5; the chance of at least one is lower there."),
                Mistake(lambda e: round(1 / key._p()), "that is where you expect one false match per search; the "
                                                   "chance of at least one is already about 63% there."),
                Mistake(lambda e: math.log10(2) / key._p(),
                        "that uses log10(2), about 0.30; the rule needs the natural logarithm, ln 2 (math.log(2)), "
                        "about 0.69."),
                Mistake(lambda e: faces.gallery_size_for_probability(ROUNDED_P, SCENARIO.target_chance),
                        ROUNDED_P_HINT),
            ),
        ),
        Exercise(
            name="subgroup_fmr_ratio",
            prompt="At the same threshold, how many times higher is the subgroup's false match rate than everyone's?",
            expected=key.subgroup_fmr_ratio,
            kind=Number(rtol=0.02),
            hint="measure the false match rate of faces.subgroup_impostor_scores() at THRESHOLD as you did for "
                 "scores.impostor, and divide it by p.",
            mistakes=(
                Mistake(lambda e: 1 / e, "you divided the other way round: the subgroup's rate divided by p."),
                Mistake(lambda e: key._subgroup_p(), "that is the subgroup's false match rate itself; divide it by p "
                        "to see how many times higher it is."),
            ),
        ),
        Exercise(
            name="subgroup_chance",
            prompt="What is the chance that a search by a subgroup member who is not enrolled, against a gallery of "
                   "500 members of the same subgroup, returns at least one false match?",
            expected=key.subgroup_chance,
            kind=Number(rtol=0.02),
            hint="the same formula as before, 1 - (1 - p)**N, with the subgroup's own false match rate in place of p.",
            mistakes=(
                Mistake(lambda e: key.chance_of_false_match(), "that uses everyone's p; within the subgroup, each "
                        "comparison has the subgroup's higher false match rate."),
                Mistake(lambda e: key._subgroup_p() * SCENARIO.subgroup_gallery,
                        "p × N is the average number of false matches, not a chance; use 1 - (1 - p)**N."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give the chance as a fraction between 0 and 1."),
            ),
        ),
    ),
)
