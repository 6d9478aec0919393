"""The answer key of motion detection (:mod:`survlab.labs.motion_detection`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

import numpy as np
from ..cameras import motion
from ..labs.motion_detection import (DECISIONS_PER_DAY, DETECTOR, DISTRICT_CAMERAS, DISTRICT_FALSE_ALARM_RATE,
                                     FRAME, LEVELS, SECONDS_PER_CHECK, SPEC, scene)


def changed_pixels() -> int:
    return motion.changed_pixels(scene().frames, FRAME, DETECTOR.level)


def _one_way_changes(sign: int) -> int:
    """Pixels that only got brighter (sign=+1) or only darker (-1): a forgotten absolute value."""
    frames = scene().frames
    return int((sign * (frames[FRAME] - frames[FRAME - 1]) > DETECTOR.level).sum())


def _frame_scores(spec: motion.SceneSpec = SPEC, detector: motion.Detector = DETECTOR) -> motion.Scores:
    return motion.evaluate(motion.make_scene(spec), detector)


def precision() -> float:
    return _frame_scores().precision


def recall() -> float:
    return _frame_scores().recall


def _pixel_scores() -> motion.Scores:
    s = scene()
    return motion.pixel_scores(motion.detect(s.frames, DETECTOR), s.truth)


def best_threshold() -> float:
    return motion.best_level(LEVELS, motion.sweep(scene(), LEVELS, DETECTOR))


def _best_by(rate: str) -> float:
    """The lowest threshold that maximises precision or recall alone (a tempting wrong answer)."""
    values = np.array([getattr(r, rate) for r in motion.sweep(scene(), LEVELS, DETECTOR)], dtype=float)
    return LEVELS[int(np.nanargmax(values))]


def _flickering_false_alarms() -> int:
    return _frame_scores().false_positives


def _steady_false_alarms() -> int:
    return _frame_scores(motion.without_flicker(SPEC)).false_positives


def extra_false_alarms() -> int:
    """How many more false-alarm frames the flickering video raises than the steady one."""
    return _flickering_false_alarms() - _steady_false_alarms()


def _alarms(spec: motion.SceneSpec = SPEC) -> np.ndarray:
    return motion.frame_alarms(motion.detect(motion.make_scene(spec).frames, DETECTOR))


def alarm_events() -> int:
    """Runs of consecutive alarm frames under flickering light, each merged into one event."""
    return motion.alarm_events(_alarms())


def _alarm_frames() -> int:
    return int(_alarms().sum())


def _steady_events() -> int:
    return motion.alarm_events(_alarms(motion.without_flicker(SPEC)))


def operator_hours() -> float:
    """Operator hours a day spent on false alerts in the lab's hypothetical district."""
    return motion.false_alert_hours(DISTRICT_CAMERAS, DECISIONS_PER_DAY, DISTRICT_FALSE_ALARM_RATE, SECONDS_PER_CHECK)
