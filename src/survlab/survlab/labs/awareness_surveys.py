"""Lab 11, Beliefs, risks and surveys: the decision model and the survey model of
:mod:`survlab.people.awareness`.

Every number is hypothetical: the stakes, the survey counts and the population are made
up for teaching. The 38 North study's survey results are not available to the course;
none is used here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..checks import AnswerKey, Exercise, Lab, Mistake, Number
from ..people import awareness

key = AnswerKey(__name__)  # expected values live in survlab.answers.awareness_surveys

PERCENT_HINT = "that looks like a percentage; give the share as a number between 0 and 1 (7% is 0.07)."


_AS_PERCENT = (lambda e: 100 * e)  # noqa: E731 - a share given as a percentage
@dataclass(frozen=True)
class Scenario:
    stakes: awareness.Stakes = awareness.Stakes(benefit=1.0, penalty=4.0)
    low_belief: float = 0.1  # a person who thinks detection is unlikely...
    high_true: float = 0.5  # ...where it is in fact likely
    high_belief: float = 0.5  # a person who thinks detection is likely...
    low_true: float = 0.1  # ...where it is in fact unlikely
    said_yes: int = 12  # a hypothetical survey: 12 of 100 respondents answered yes
    respondents: int = 100
    rare_share: float = 0.02  # a rare view, held by 2% of a population
    population_seed: int = 7


SCENARIO = Scenario()


POPULATION = awareness.make_population(seed=SCENARIO.population_seed)  # 200,000 synthetic people


LAB = Lab(
    id="awareness-surveys",
    title="Beliefs, risks and surveys",
    exercises=(
        Exercise(
            name="break_even_belief",
            prompt="At what believed chance of detection are acting and refraining worth the same?",
            expected=key.break_even_belief,
            kind=Number(rtol=0.01),
            hint="acting is worth B minus the chance times C; set that equal to zero and solve for the chance.",
            mistakes=(Mistake(lambda e: 1 / e, "that is upside down (C over B, more than 1): a chance must lie between "
                                                  "0 and 1; solve B - chance x C = 0 for the chance."),
                      Mistake(_AS_PERCENT, PERCENT_HINT),),
        ),
        Exercise(
            name="loss_underestimate",
            prompt="Expected loss of the person who believes 0.1 where the true chance is 0.5.",
            expected=key.loss_underestimate,
            kind=Number(rtol=0.01),
            hint="compare what their decision is worth at the true chance with what the best decision is worth.",
            mistakes=(
                Mistake(lambda e: -e, "a loss is counted as a positive number: best value minus the value of their decision."),
                Mistake(lambda e: SCENARIO.high_true * SCENARIO.stakes.penalty,
                        "that is the expected penalty alone; they also gained the benefit B by acting."),
            ),
        ),
        Exercise(
            name="loss_overestimate",
            prompt="Expected loss of the person who believes 0.5 where the true chance is 0.1.",
            expected=key.loss_overestimate,
            kind=Number(rtol=0.01),
            hint="refraining is worth 0; what would acting have been worth at the true chance?",
            mistakes=(Mistake(lambda e: 0.0, "refraining risks nothing, but it gives up an action that was still worth "
                                             "taking at the true chance: that forgone value is the loss."),),
        ),
        Exercise(
            name="wilson_low",
            prompt="Lower end of the 95% Wilson interval for 12 yes answers out of 100.",
            expected=key.wilson_low,
            kind=Number(rtol=0.01),
            hint="use awareness.wilson_interval(successes, n) and take the first of the two numbers.",
            mistakes=(Mistake(lambda e: key.wald_low(), "that is the textbook (Wald) interval; the exercise asks for "
                                                        "the Wilson interval."),
                      Mistake(_AS_PERCENT, PERCENT_HINT),),
        ),
        Exercise(
            name="wald_coverage_rare",
            prompt="Share of simulated 100-person surveys whose Wald interval holds a true share of 2%.",
            expected=key.wald_coverage_rare,
            kind=Number(rtol=0.02),
            hint="use awareness.coverage with awareness.wald_interval, the rare share and 100 respondents.",
            # The Wilson interval's coverage here is within the 2% tolerance of 0.95, so one hint serves both.
            mistakes=(Mistake(lambda e: key.wilson_coverage_rare(),
                              "that is about what a 95% interval promises, and about what the Wilson interval "
                              "achieves here; the exercise asks how often the Wald interval holds the true share: "
                              "simulate it with awareness.wald_interval."),
                      Mistake(_AS_PERCENT, PERCENT_HINT),),
        ),
        Exercise(
            name="reachable_bias",
            prompt="Average estimate of 100-person surveys of the reachable, minus the true share.",
            expected=key.reachable_bias,
            kind=Number(rtol=0.07),  # a simulated average: the figure's "about 0.075" must pass
            hint="use awareness.sampling_bias(pop, 100): estimate minus truth, with the lab's population.",
            mistakes=(Mistake(lambda e: -e, "you subtracted the other way round: estimate minus true share."),
                      Mistake(lambda e: POPULATION.reachable_share,
                              "that is the share among the reachable itself; the exercise asks how far the "
                              "surveys' average lies from the true share: subtract it."),
                      Mistake(_AS_PERCENT, PERCENT_HINT),),
        ),
        Exercise(
            name="reachable_bias_1000",
            prompt="The same bias with 1,000 respondents per survey.",
            expected=key.reachable_bias_1000,
            kind=Number(rtol=0.07),  # a simulated average: the figure's "about 0.075" and a rounded 0.07 pass
            hint="call awareness.sampling_bias again with n = 1000.",
            mistakes=(Mistake(lambda e: key.reachable_bias() / 10 ** 0.5,
                              "a larger sample shrinks the spread by the square root of n, not the bias: compute it."),
                      Mistake(_AS_PERCENT, PERCENT_HINT),),
        ),
    ),
)
