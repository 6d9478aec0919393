"""Lab 12, the capstone: one synthetic week, every system joined.

The records come from the earlier parts' models, with their seeds (see
:mod:`survlab.people.capstone`); the person who links them is a synthetic identity.
"""
from __future__ import annotations

from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, WholeNumber
from ..people import capstone

key = AnswerKey(__name__)  # expected values live in survlab.answers.capstone_week

PERSON = capstone.PERSON
MIN_SHARED = 5  # shared (hour, antenna) points before another line counts as "often with" the person
POWER_SEED, HOURS_OFF = 3, 8  # the power-cut schedule: one 8-hour cut a day

LAB = Lab(
    id="capstone-week",
    title="One synthetic week, every system joined",
    warm_up=(capstone.warm_up,),
    exercises=(
        Exercise(
            name="camera_hours",
            prompt="How many hours of the week do the plate reads alone account for?",
            expected=key.camera_hours,
            kind=WholeNumber(),
            hint="collect the hour of each camera sighting into a set and count it (capstone.hours).",
            mistakes=(Mistake(lambda e: len(key.records()["cameras"]),
                              "that counts reads; several reads can fall in the same hour: count distinct hours."),),
        ),
        Exercise(
            name="joined_hours",
            prompt="How many hours do all four systems account for together?",
            expected=key.joined_hours,
            kind=WholeNumber(),
            hint="join the four systems' sightings (capstone.joined) and count the distinct hours.",
            mistakes=(Mistake(lambda e: sum(key.hours_by_system().values()),
                              "you added each system's hours; an hour two systems both cover is one hour, not two."),),
        ),
        Exercise(
            name="television_adds",
            prompt="Joined after the cameras and the cards, how many new hours does the television add?",
            expected=key.television_adds,
            kind=WholeNumber(),
            hint="use capstone.cumulative_hours(records): the television's row says what it adds.",
            mistakes=(Mistake(lambda e: key.hours_by_system()["television"],
                              "that is the television alone; some of its hours the cards already covered."),),
        ),
        Exercise(
            name="most_unique_system",
            prompt="Which system accounts for the most hours that no other system covers?",
            expected=key.most_unique_system,
            kind=Choice(capstone.SYSTEMS),
            hint="capstone.unique_hours(records) gives each system's hours that only it covers.",
            mistakes=(Mistake(lambda e: "television", "the television covers many evening hours, but are they "
                                                      "hours no other system covers? Compare unique_hours."),),
        ),
        Exercise(
            name="often_with",
            prompt=f"How many other phone lines share at least {MIN_SHARED} (hour, antenna) points with the person's?",
            expected=key.often_with,
            kind=WholeNumber(),
            hint=f"use capstone.phone_contacts(min_shared={MIN_SHARED}) and count the lines.",
            mistakes=(Mistake(lambda e: key.often_with_once(),
                              f"that counts lines met even once; the question asks for {MIN_SHARED} shared points or more."),),
        ),
        Exercise(
            name="hours_lost_to_power_cuts",
            prompt="With the lab's power cuts, how many of the joined hours are lost?",
            expected=key.hours_lost_to_power_cuts,
            kind=WholeNumber(),
            hint="compare the joined hours before and after capstone.without_power(records, cut).",
            mistakes=(Mistake(lambda e: key.mains_hours_in_cuts(),
                              "that counts every camera or television hour inside a cut; some of those hours "
                              "the cards or the phone still cover."),
                      Mistake(lambda e: key.hours_lost_all_systems_down(),
                              "that switches off every system during the cuts; the exercise keeps the lab's "
                              "assumption that card readers and base stations have batteries (the default of "
                              "capstone.without_power)."),),
        ),
        Exercise(
            name="hours_without_cameras",
            prompt="With no central storage of plate reads, how many hours does the join of the other three account for?",
            expected=key.hours_without_cameras,
            kind=WholeNumber(),
            hint="join only the cards, the television and the phone, and count the distinct hours.",
            mistakes=(Mistake(lambda e: key.joined_hours() - key.hours_by_system()["cameras"],
                              "you removed every camera hour; the hours other systems also cover stay accounted for."),),
        ),
    ),
)
