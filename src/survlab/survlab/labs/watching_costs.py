"""Lab 10, The cost of watching: guards at posts against cameras, storage, power and analysts.

Every number is hypothetical (:class:`survlab.people.costs.Assumptions`); costs are in
wage-years, so no currency or real country is implied.
"""
from __future__ import annotations

from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, Number, WholeNumber
from ..people import costs

key = AnswerKey(__name__)  # expected values live in survlab.answers.watching_costs

ASSUMPTIONS = costs.Assumptions()  # 200 posts, 4 cameras a post, prices falling 20% a year

LAB = Lab(
    id="watching-costs",
    title="The cost of watching",
    exercises=(
        Exercise(
            name="guards_per_post",
            prompt="How many guards keep one post staffed every hour of the week, at 40 hours each?",
            expected=key.guards_per_post,
            kind=Number(rtol=0.01),
            hint="a week has 24 x 7 hours; each guard covers 40 of them.",
            mistakes=(Mistake(lambda e: 3, "three shifts a day fill one day, but each guard works 5 days of 8 hours, "
                                           "not 7: count the hours of the week."),
                      Mistake(lambda e: 5, "in practice you would hire whole people, but the model keeps the fraction "
                                           "(it spreads part-time cover across posts): give 168 / 40 unrounded."),),
        ),
        Exercise(
            name="guards_cost",
            prompt="What do guards at every post cost per year, in wage-years?",
            expected=key.guards_cost,
            kind=Number(rtol=0.01),
            hint="posts x guards per post x one guard's yearly cost.",
            mistakes=(Mistake(lambda e: ASSUMPTIONS.posts * ASSUMPTIONS.wage,
                              "that is one guard per post; a post watched round the clock needs several."),),
        ),
        Exercise(
            name="cameras_cost_year0",
            prompt="What does the camera system cost per year in year 0, all four parts together?",
            expected=key.cameras_cost_year0,
            kind=Number(rtol=0.02),
            hint="add the four parts of costs.machine_cost_breakdown(a, 0), or call costs.machine_cost(a, 0).",
            mistakes=(Mistake(lambda e: key.cameras_only_year0(),
                              "that is the cameras alone; storage, power and the analysts who watch are part of "
                              "the cost too."),),
        ),
        Exercise(
            name="break_even",
            prompt="In which year do the cameras first cost no more than the guards?",
            expected=key.break_even,
            kind=WholeNumber(),
            hint="compare costs.machine_cost(a, year) with costs.human_cost(a) year by year, or use costs.break_even_year.",
            mistakes=(Mistake(lambda e: key.break_even_without_analysts(),
                              "that crossover leaves out the analysts; someone still has to watch the feeds."),
                      Mistake(lambda e: key.break_even_without_storage(),
                              "that is the year you get with storage left out, as in the lesson's paper version; "
                              "the lab includes storage, which tips that year just over the guards' cost: compare "
                              "costs.machine_cost(a, year) with costs.human_cost(a) around it."),
                      Mistake(lambda e: e + 1, "one year too late: the first year is year 0, so count from 0 "
                                               "(costs.machine_cost(a, 0) is the first year's cost)."),),
        ),
        Exercise(
            name="break_even_automated",
            prompt="And with analytics, so that people see one feed in twenty but servers draw more power?",
            expected=key.break_even_automated,
            kind=WholeNumber(),
            hint="use a.automated(), the same assumptions with analytics, in costs.break_even_year.",
            mistakes=(Mistake(lambda e: key.break_even(), "that is the crossover without analytics; use a.automated()."),),
        ),
        Exercise(
            name="most_sensitive",
            prompt="Which assumption, halved or doubled, moves the crossover year the most?",
            expected=key.most_sensitive,
            kind=Choice(costs.SENSITIVE),
            hint="read the tornado chart or costs.sensitivity(a): which bar is longest?",
            mistakes=(Mistake(lambda e: "camera_price", "the camera's price matters, but less than you might think: "
                                                        "look at which bar is longest."),
                      Mistake(lambda e: "price_decline", "the price decline moves the crossover a long way (13 years "
                                                         "to 3), but one bar is longer still: look for the one that "
                                                         "reaches 'never'."),),
        ),
    ),
)
