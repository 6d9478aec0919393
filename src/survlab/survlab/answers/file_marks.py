"""The answer key of Lab 9 (:mod:`survlab.labs.file_marks`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from ..labs.file_marks import (
    COPY_A,
    COPY_B,
    POINTS,
    REVISITED,
    SEIZED_STICK,
    TARGET_SHARE,
    scenario,
)
from ..screens import devices


def _path(device: str) -> list[str]:
    s = scenario().spread
    return devices.path_of(s.copy_on(device), s.register)


def first_device() -> str:
    s = scenario().spread
    return devices.first_device(s.copy_on(SEIZED_STICK), s.register)


def last_device() -> str:
    return _path(SEIZED_STICK)[-1]


def computers_passed() -> int:
    return len(set(_path(REVISITED)))


def marks_on_revisited() -> int:
    return len(_path(REVISITED))


def diverged_at() -> str:
    s = scenario().spread
    return devices.divergence_device(s.copy_on(COPY_A), s.copy_on(COPY_B), s.register)


def first_shared() -> str:
    return _path(COPY_A)[0]


def first_difference_a() -> str:
    return _path(COPY_A)[_shared_length()]


def first_difference_b() -> str:
    return _path(COPY_B)[_shared_length()]


def _shared_length() -> int:
    s = scenario().spread
    return len(devices.common_marks(s.copy_on(COPY_A), s.copy_on(COPY_B)))


def signature_viewer_opens() -> int:
    sc = scenario()
    return devices.count_opened(sc.collection, devices.signature_viewer(sc.approved_public_key))


def carrying_approved_signature() -> int:
    kinds = devices.opened_by_kind(scenario().collection, devices.open_viewer())
    return kinds["approved"] + kinds["altered after signing"]


def carrying_any_signature() -> int:
    return sum(i.signature is not None for i in scenario().collection)


def collection_size() -> int:
    return len(scenario().collection)


def open_viewer_unsigned() -> int:
    return sum(1 for i in scenario().collection if devices.open_viewer()(i) and i.signature is None)


def refused_by_signature_viewer() -> int:
    return collection_size() - signature_viewer_opens()


def unique_share(p: int) -> float:
    return devices.unicity(scenario().traces, p)


def unique_share_4() -> float:
    return unique_share(POINTS)


def points_for_nine_in_ten() -> int:
    return devices.points_needed(devices.unicity_curve(scenario().traces), TARGET_SHARE)
