"""The answer key of camera network (:mod:`survlab.labs.camera_network`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from dataclasses import replace
from ..cameras import network
from ..labs.camera_network import (BUDGET, CARD_GB, CITY, CITY_WITH_ANALYTICS, FACE_DISTANCE_M, FPS,
                                   LENS_FOV_DEG, RESOLUTION)


def compression_ratio() -> float:
    """How many times smaller the encoded stream is than the uncompressed one."""
    width, height = network.RESOLUTIONS[RESOLUTION]
    return network.raw_bitrate_mbps(width, height, FPS) / CITY.bitrate_mbps


def face_pixels() -> float:
    """Pixels across a face at FACE_DISTANCE_M for the lab camera's sensor width and lens."""
    width, _ = network.RESOLUTIONS[RESOLUTION]
    return network.pixels_on_target(FACE_DISTANCE_M, LENS_FOV_DEG, width)


def _face_pixels_full_angle() -> float:
    """A forgotten halving: tan of the whole field of view (valid below 90 degrees)."""
    width, _ = network.RESOLUTIONS[RESOLUTION]
    return network.pixels_on_target(FACE_DISTANCE_M, 2 * LENS_FOV_DEG, width)


def _face_pixels_in_degrees() -> float:
    """Degrees passed to math.tan as if they were radians."""
    import math

    width, _ = network.RESOLUTIONS[RESOLUTION]
    return width * network.ASSUMED_FACE_WIDTH_M / (2 * FACE_DISTANCE_M * math.tan(LENS_FOV_DEG / 2))


def card_days() -> float:
    return network.card_retention_days(CARD_GB, CITY.bitrate_mbps)


def storage_tb() -> float:
    return network.totals(CITY)["storage"]


def uplink_gbps() -> float:
    return network.totals(CITY)["bandwidth"]


def power_kw() -> float:
    return network.totals(CITY)["power"]


def viewers_needed() -> int:
    return network.totals(CITY)["viewers"]


def binding_limit() -> str:
    return network.binding_limit(CITY, BUDGET)


def binding_limit_with_analytics() -> str:
    return network.binding_limit(CITY_WITH_ANALYTICS, BUDGET)


def _loosest_limit() -> str:
    """The resource allowing the most cameras: what a student gets by taking the maximum."""
    allowed = network.cameras_allowed(CITY, BUDGET)
    return max(network.LIMITS, key=lambda limit: allowed[limit])


def _analytics_without_its_power() -> str:
    """The binding limit if a student forgets the power the analytics servers draw."""
    return network.binding_limit(replace(CITY_WITH_ANALYTICS, analytics_watts_per_camera=0.0), BUDGET)
