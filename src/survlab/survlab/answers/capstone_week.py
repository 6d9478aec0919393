"""The answer key of Lab 12 (:mod:`survlab.labs.capstone_week`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from functools import lru_cache

from ..labs.capstone_week import HOURS_OFF, MIN_SHARED, PERSON, POWER_SEED
from ..people import capstone


@lru_cache(maxsize=1)
def records():
    return capstone.week_records(PERSON)


def hours_by_system() -> dict[str, int]:
    return capstone.hours_by_system(records())


def camera_hours() -> int:
    return len(capstone.hours(records()["cameras"]))


def joined_hours() -> int:
    return len(capstone.hours(capstone.joined(records())))


def television_adds() -> int:
    return dict((name, added) for name, added, _ in capstone.cumulative_hours(records()))["television"]


def most_unique_system() -> str:
    unique = capstone.unique_hours(records())
    return max(unique, key=unique.get)


def often_with() -> int:
    return len(capstone.phone_contacts(PERSON, MIN_SHARED))


def often_with_once() -> int:
    return len(capstone.phone_contacts(PERSON, 1))


def _cut() -> set[int]:
    return capstone.power_cut_hours(POWER_SEED, HOURS_OFF)


def hours_lost_to_power_cuts() -> int:
    after = capstone.without_power(records(), _cut())
    return joined_hours() - len(capstone.hours(capstone.joined(after)))


def hours_lost_all_systems_down() -> int:
    return capstone.hours_lost(records(), _cut(), capstone.SYSTEMS)


def mains_hours_in_cuts() -> int:
    r = records()
    return len((capstone.hours(r["cameras"]) | capstone.hours(r["television"])) & _cut())


def hours_without_cameras() -> int:
    return len(capstone.hours(capstone.joined(records(), ("cards", "television", "phone"))))
