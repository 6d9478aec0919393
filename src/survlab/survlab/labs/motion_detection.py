"""Lab 2, Detecting motion: build a motion detector, tune its threshold, score it.

The video is synthetic: :func:`survlab.cameras.motion.make_scene` draws it from a seed,
so the ground truth (which frames really contain a moving figure) is known exactly.
Scores in this lab are **per frame**: each frame is one yes/no decision (alarm or not)
compared with one label (someone moving or not).
"""
from __future__ import annotations

import numpy as np

from ..cameras import motion
from ..checks import AnswerKey, Exercise, Lab, Mistake, Number, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.motion_detection

SPEC = motion.SceneSpec(birds=(motion.Bird(start=65, speed=32.0, row=4),))  # the seeded scene; a bird crosses the sky in frames 66-68 (alarms 66-69)
DETECTOR = motion.Detector()  # frame differencing, threshold 0.1, opening 3, blobs of 12+ pixels
FRAME = 15  # the frame compared with its predecessor in exercise 1
LEVELS = tuple(float(x) for x in np.round(np.arange(0.04, 0.301, 0.02), 2))  # the thresholds to try

# A hypothetical district for the "alerts at scale" exercise (made-up numbers, as in the lesson).
DISTRICT_CAMERAS = 500
DECISIONS_PER_DAY = 86_400  # one yes/no a second
DISTRICT_FALSE_ALARM_RATE = 0.001  # false alarms per empty-scene decision
SECONDS_PER_CHECK = 10  # an operator's time to look at one alert


def scene() -> motion.Scene:
    """The lab's seeded video."""
    return motion.make_scene(SPEC)


LAB = Lab(
    id="motion-detection",
    title="Detecting motion",
    exercises=(
        Exercise(
            name="changed_pixels",
            prompt=f"How many pixels change by more than {DETECTOR.level} between frames {FRAME - 1} and {FRAME}?",
            expected=key.changed_pixels,
            kind=WholeNumber(),
            hint="take the absolute difference of the two frames, compare it with the threshold, and count the "
                 "True values (a boolean array's .sum() counts them).",
            mistakes=(
                Mistake(lambda e: key._one_way_changes(+1), "you counted only pixels that got brighter; a figure "
                        "darker than the street makes pixels darker too. Use the absolute difference."),
                Mistake(lambda e: key._one_way_changes(-1), "you counted only pixels that got darker; use the "
                        "absolute difference so that both directions count."),
            ),
        ),
        Exercise(
            name="precision",
            prompt="Per frame, what fraction of the detector's alarms came from frames where someone was moving?",
            expected=key.precision,
            kind=Number(rtol=0.01),
            hint="precision = true positives / (true positives + false positives): of the frames that raised "
                 "an alarm, the share where someone really moved.",
            mistakes=(
                Mistake(lambda e: key.recall(), "that is the recall (share of moving frames that raised an alarm). "
                        "Precision divides by the number of alarms instead."),
                Mistake(lambda e: key._pixel_scores().precision, "that is the precision per pixel. This exercise "
                        "scores whole frames: use frame_alarms and scene.moving."),
            ),
        ),
        Exercise(
            name="recall",
            prompt="Per frame, what fraction of the frames where someone was moving raised an alarm?",
            expected=key.recall,
            kind=Number(rtol=0.01),
            hint="recall = true positives / (true positives + false negatives): of the frames where someone "
                 "moved, the share that raised an alarm.",
            mistakes=(
                Mistake(lambda e: key.precision(), "that is the precision (share of alarms that were real). Recall "
                        "divides by the number of frames where someone was really moving."),
                Mistake(lambda e: key._pixel_scores().recall, "that is the recall per pixel. This exercise scores "
                        "whole frames: use frame_alarms and scene.moving."),
            ),
        ),
        Exercise(
            name="best_threshold",
            prompt="Which threshold in LEVELS gives the highest F1 score per frame?",
            expected=key.best_threshold,
            kind=Number(rtol=0.01),
            hint="run motion.sweep over LEVELS, read each result's .f1, and pick the threshold at the largest "
                 "value (np.argmax finds its position).",
            mistakes=(
                Mistake(lambda e: key._best_by("recall"), "that threshold maximises recall alone: it catches "
                        "everyone by raising alarms almost all the time. F1 balances recall with precision."),
                Mistake(lambda e: key._best_by("precision"), "that threshold maximises precision alone: the fewest "
                        "false alarms, but it misses many frames with someone in them. F1 balances the two."),
            ),
        ),
        Exercise(
            name="extra_false_alarms",
            prompt="How many more false-alarm frames does flickering light cause than steady light?",
            expected=key.extra_false_alarms,
            kind=WholeNumber(),
            hint="score the detector on both scenes with motion.evaluate and subtract the false_positives "
                 "counts (flickering minus steady).",
            mistakes=(
                Mistake(lambda e: -e, "you subtracted the other way round: flickering minus steady."),
                Mistake(lambda e: 0, "0 would mean the flicker adds no false alarms at all. Check that you scored "
                        "the flickering `scene` and the `steady` copy (not the same video twice) with md.DETECTOR, "
                        "then subtracted their false_positives."),
                Mistake(lambda e: key._flickering_false_alarms(), "that is every false alarm under flickering light; "
                        "the steady video has false alarms too (the bird). Subtract the steady count."),
                Mistake(lambda e: key._steady_false_alarms(), "that is the steady video's false alarms (the bird); "
                        "the question asks how many more the flickering video raises."),
            ),
        ),
        Exercise(
            name="alarm_events",
            prompt="Under flickering light, how many separate events do the alarm frames make once runs of "
                   "consecutive alarm frames are merged?",
            expected=key.alarm_events,
            kind=WholeNumber(),
            hint="a new event starts at every alarm frame whose previous frame raised no alarm; count those "
                 "(motion.alarm_events does it).",
            mistakes=(
                Mistake(lambda e: key._alarm_frames(), "that counts alarm frames; merge each run of consecutive "
                        "alarm frames into one event."),
                Mistake(lambda e: key._steady_events(), "that is the steady-light video; use the flickering `scene`."),
            ),
        ),
        Exercise(
            name="operator_hours",
            prompt="In the hypothetical district, how many operator hours a day go on checking false alerts?",
            expected=key.operator_hours,
            kind=Number(rtol=0.02),
            hint="false alerts a day = cameras x decisions per camera x false-alarm rate; multiply by the "
                 "seconds each check takes and turn seconds into hours.",
            mistakes=(
                Mistake(lambda e: e * 3600, "that is in seconds; the question asks for hours (3,600 seconds)."),
                Mistake(lambda e: e * 60, "that is in minutes; the question asks for hours."),
                Mistake(lambda e: e / DISTRICT_CAMERAS, "that is one camera's false alerts; multiply by the cameras."),
                Mistake(lambda e: e / SECONDS_PER_CHECK, "you left out the time each check takes "
                        f"({SECONDS_PER_CHECK} seconds per alert)."),
                Mistake(lambda e: e / 8, "that is eight-hour shifts; the question asks for hours."),
            ),
        ),
    ),
)
