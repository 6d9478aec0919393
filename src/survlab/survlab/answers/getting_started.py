"""The answer key of getting started (:mod:`survlab.labs.getting_started`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from .. import magnitudes
from ..labs.getting_started import SCENARIO, Scenario


def people_per_camera(s: Scenario = SCENARIO) -> float:
    return s.population / s.cameras


def camera_gb_per_day(s: Scenario = SCENARIO) -> float:
    return magnitudes.video_bytes(s.bitrate_mbps, magnitudes.SECONDS_PER_DAY) / 1e9


def comparisons_per_day(s: Scenario = SCENARIO) -> float:
    return magnitudes.comparisons(s.searches_per_day, s.gallery)


def city_storage_vs_phone(s: Scenario = SCENARIO) -> int:
    """Which power of ten separates a day of the whole city's video from one phone?"""
    city_gb = camera_gb_per_day(s) * s.cameras
    return round(magnitudes.orders_apart(city_gb, s.phone_storage_gb))


def _one_camera_vs_phone(s: Scenario = SCENARIO) -> int:
    return round(magnitudes.orders_apart(camera_gb_per_day(s), s.phone_storage_gb))


def _city_vs_phone_truncated(s: Scenario = SCENARIO) -> int:
    """The same logarithm with its decimals cut off (int or floor) instead of rounded."""
    import math

    return math.floor(magnitudes.orders_apart(camera_gb_per_day(s) * s.cameras, s.phone_storage_gb))


def _city_bytes_vs_phone_gb(s: Scenario = SCENARIO) -> int:
    """The city's day in bytes compared with the phone in gigabytes: a unit mix-up."""
    return round(magnitudes.orders_apart(camera_gb_per_day(s) * 1e9 * s.cameras, s.phone_storage_gb))
