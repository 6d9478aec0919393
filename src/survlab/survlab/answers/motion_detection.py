"""The answer key of motion detection (:mod:`survlab.labs.motion_detection`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

import numpy as np
from ..cameras import motion
from ..labs.motion_detection import DETECTOR, FRAME, LEVELS, SPEC, scene


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


def extra_false_alarms() -> int:
    """How many more false-alarm frames the flickering video raises than the steady one."""
    steady = _frame_scores(motion.without_flicker(SPEC))
    return _frame_scores().false_positives - steady.false_positives


def _extra_false_alarms_without_cleanup() -> int:
    raw = motion.Detector(level=DETECTOR.level, opening=1, min_area=0)
    return _frame_scores(detector=raw).false_positives - _frame_scores(motion.without_flicker(SPEC), raw).false_positives
