"""Lab 0, Getting started with checked labs: orders of magnitude.

Every number here is hypothetical, chosen to be of a plausible size for a large city;
none describes a real place.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..checks import AnswerKey, Exercise, Lab, Mistake, Number, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.getting_started


@dataclass(frozen=True)
class Scenario:
    population: int = 3_000_000  # people in a hypothetical city: a round number, not an estimate of any real city
    cameras: int = 15_000  # cameras in it
    bitrate_mbps: float = 2.0  # one camera's video stream
    gallery: int = 2_000_000  # enrolled faces a search is compared against
    searches_per_day: int = 5_000  # face searches run in a day
    phone_storage_gb: float = 64.0  # a mid-range phone's storage


SCENARIO = Scenario()


LAB = Lab(
    id="getting-started",
    title="Getting started with checked labs",
    exercises=(
        Exercise(
            name="people_per_camera",
            prompt="How many people are there per camera in the hypothetical city?",
            expected=key.people_per_camera,
            kind=Number(rtol=0.01),
            hint="divide the number of people by the number of cameras.",
            mistakes=(Mistake(lambda e: 1 / e, "that is cameras per person: you divided the other way round."),),
        ),
        Exercise(
            name="camera_gb_per_day",
            prompt="How many gigabytes does one camera record in a day?",
            expected=key.camera_gb_per_day,
            kind=Number(rtol=0.02),
            hint="megabits per second x seconds in a day gives megabits; convert to bytes, then to gigabytes.",
            mistakes=(
                Mistake(lambda e: e * 8, "that is gigabits, not gigabytes: a byte has 8 bits."),
                Mistake(lambda e: e / 24, "that is one hour of video; a day has 86,400 seconds."),
                Mistake(lambda e: e * 1e9 / 2**30, "you divided by 1024**3: that gives gibibytes (GiB). This course's "
                        "gigabyte is 10**9 bytes, as disk makers count it; divide by 1e9 instead."),
                Mistake(lambda e: e * 1e9, "that is in bytes: you have not divided by 10**9 to get gigabytes."),
                Mistake(lambda e: e / 1e6, "that is a million times too small: 2 megabits per second is 2 x 10**6 "
                        "bits per second, so multiply the megabits by 10**6 first."),
            ),
        ),
        Exercise(
            name="comparisons_per_day",
            prompt="How many one-to-one face comparisons do the day's searches make?",
            expected=key.comparisons_per_day,
            kind=Number(rtol=0.01),
            hint="each search compares one face with every entry in the gallery.",
            mistakes=(Mistake(lambda e: SCENARIO.searches_per_day + SCENARIO.gallery,
                              "you added the two numbers; every search meets every gallery entry."),),
        ),
        Exercise(
            name="orders_apart",
            prompt="How many powers of ten separate a day of the city's video from one phone's storage?",
            expected=key.city_storage_vs_phone,
            kind=WholeNumber(),
            hint="divide the city's gigabytes per day by the phone's gigabytes, take log10 and round it.",
            mistakes=(
                Mistake(lambda e: key._one_camera_vs_phone(), "compare the whole city's day, not one camera's, with the phone."),
                Mistake(lambda e: key._city_vs_phone_truncated(), "you cut off the decimals (int() or math.floor) "
                        "instead of rounding: round() goes to the nearest whole number."),
                Mistake(lambda e: key._city_bytes_vs_phone_gb(), "you compared the city's bytes with the phone's "
                        "gigabytes: put both in gigabytes (10**9 bytes) first."),
            ),
        ),
    ),
)
