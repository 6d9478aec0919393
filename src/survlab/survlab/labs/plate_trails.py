"""Lab 4, From plate reads to routines: exercise declarations.

The town, its week of reads and the target plate are synthetic and seeded; they come
from :mod:`survlab.cameras.plates`. Every expected value below is computed by that module.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..cameras import plates
from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, Number, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.plate_trails

TOWN_SEED = 4  # the lab's town (see plates.make_town)
WEEK_SEED = 0  # the lab's week of trips and reads
TOLERANCE = 1  # characters a read may differ by and still count as the target
SAMPLE_READS = 5  # reads per vehicle in the "how few reads?" exercise
PLACE_SHARE = 0.8  # share of vehicles whose home and workplace should be placed

# The two accuracies Daily NK reported for the Kim Il Sung University paper, and the test size.
REPORTED_NEW_ACCURACY = 0.961  # the paper's method, 70 ms
REPORTED_OLD_ACCURACY = 0.968  # the earlier method, 300 ms
TEST_ITEMS = 600  # test videos; assumed here for each method, on separate sets


@dataclass(frozen=True)
class Scenario:
    town: plates.Town
    week: plates.Week
    target_plate: str  # the plate the analyst is asked to follow


@lru_cache(maxsize=1)
def scenario() -> Scenario:
    """The lab's town, week and target, built once per process."""
    town = plates.make_town(seed=TOWN_SEED)
    week = plates.simulate_week(town, seed=WEEK_SEED)
    return Scenario(town, week, town.vehicles[plates.target_vehicle(town, week)].plate)


CAMERAS = tuple(scenario().town.cameras)

LAB = Lab(
    id="plate-trails",
    title="From plate reads to routines",
    exercises=(
        Exercise(
            name="plate_error_rate",
            prompt="What share of the week's reads are not exactly the true plate?",
            expected=key.plate_error_rate,
            kind=Number(rtol=0.01),
            hint="compare each read's text with its true plate (r.text != r.plate), count the differences, "
                 "and divide by the number of reads.",
            mistakes=(
                Mistake(lambda e: 100 * e, "that is a percentage; give a share between 0 and 1."),
                Mistake(lambda e: 1 - e, "that is the share read correctly; the question asks for the share read wrongly."),
            ),
        ),
        Exercise(
            name="target_reads",
            prompt="How many reads match the target plate, allowing one character to differ after look-alikes are undone?",
            expected=key.target_reads,
            kind=WholeNumber(),
            hint="use plates.reads_matching(week.reads, target_plate, max_differences=1) and count the result.",
            mistakes=(
                Mistake(lambda e: key.exact_target_reads(),
                        "that counts exact matches only: reads with a misread character are missing."),
                Mistake(lambda e: key._target_count(0),
                        "look-alikes are undone, but a digit misread as another digit still needs one "
                        "character of tolerance (max_differences=1)."),
                Mistake(lambda e: key._target_count(2),
                        "two characters of tolerance is too loose: it sweeps in reads of other vehicles."),
            ),
        ),
        Exercise(
            name="home_camera_guess",
            prompt="At which camera do the target's days most often start and end?",
            expected=key.home_camera_guess,
            kind=Choice(CAMERAS),
            hint="for each day, take the first and the last of the target's reads; which camera comes up most often?",
            mistakes=(
                Mistake(lambda e: key.work_camera_guess(),
                        "that camera is where the morning trip ends and the evening trip starts: near work, not home."),
                Mistake(lambda e: key.pass_through_camera(),
                        "the target passes that camera in the middle of its trips; look at where each day "
                        "starts and ends."),
            ),
        ),
        Exercise(
            name="work_camera_guess",
            prompt="At which camera does the target's day break around noon?",
            expected=key.work_camera_guess,
            kind=Choice(CAMERAS),
            hint="for each day, take the last read before noon and the first read after noon; which camera comes "
                 "up most often?",
            mistakes=(
                Mistake(lambda e: key.home_camera_guess(),
                        "that is where the day starts and ends, near home; the workplace is where the morning trip ends."),
                Mistake(lambda e: key.pass_through_camera(),
                        "the target passes that camera on the way; the workplace is at the end of the morning trip."),
            ),
        ),
        Exercise(
            name="fraction_home_found",
            prompt=f"With {SAMPLE_READS} reads per vehicle, what share of vehicles get their home camera right?",
            expected=key.fraction_home_found,
            kind=Number(rtol=0.01),
            hint=f"call plates.fraction_identified(town, week, k={SAMPLE_READS}, what=\"home\") with the "
                 "default trials and seed.",
            mistakes=(
                Mistake(lambda e: 100 * e, "that is a percentage; give a share between 0 and 1."),
                Mistake(lambda e: key.fraction_home_found("both"),
                        "that is the share with home and workplace both right; the question asks about home only."),
                Mistake(lambda e: key.fraction_home_found("work"),
                        "that is the share with the workplace right; the question asks about home."),
            ),
        ),
        Exercise(
            name="reads_needed",
            prompt=f"What is the smallest number of reads per vehicle that places home and workplace for at least "
                   f"{PLACE_SHARE:.0%} of vehicles?",
            expected=key.reads_needed,
            kind=WholeNumber(),
            hint="try k = 1, 2, 3, ... with plates.fraction_identified(town, week, k, what=\"both\") and stop at "
                 f"the first k whose share reaches {PLACE_SHARE}.",
            mistakes=(
                Mistake(lambda e: key.reads_needed("home"),
                        "that places the home alone; the question asks for home and workplace both (what=\"both\")."),
                Mistake(lambda e: e - 1, "that is the last k that falls short; give the first that reaches the share."),
            ),
        ),
        Exercise(
            name="accuracy_gap_se",
            prompt="What is the standard error of the difference between the two reported accuracies, each "
                   "measured on 600 test items?",
            expected=key.accuracy_gap_se,
            kind=Number(rtol=0.02),
            hint="each rate has variance p(1 - p)/n; the variance of a difference of two independent rates is "
                 "the sum of the two; take the square root.",
            mistakes=(
                Mistake(lambda e: key._one_rate_se(), "that is the standard error of one rate; a difference of two "
                        "measured rates is less certain than either, so add the two variances first."),
                Mistake(lambda e: key._sum_of_ses(), "you added the two standard errors; add the variances "
                        "(the squares) and then take the square root."),
                Mistake(lambda e: e ** 2, "that is the variance of the difference; take its square root."),
                Mistake(lambda e: 100 * e, "that is in percentage points; give it as a share (0.01 is 1 point)."),
                Mistake(lambda e: round(e, 3), "close: that is the lesson's rounded value (about 1.1 points). "
                        "Give the unrounded value your calculation returns."),
            ),
        ),
    ),
)
