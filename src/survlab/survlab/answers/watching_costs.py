"""The answer key of Lab 10 (:mod:`survlab.labs.watching_costs`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from dataclasses import replace

from ..labs.watching_costs import ASSUMPTIONS
from ..people import costs


def guards_per_post() -> float:
    return costs.staff_for_round_the_clock(1)


def guards_cost() -> float:
    return costs.human_cost(ASSUMPTIONS)


def cameras_cost_year0() -> float:
    return costs.machine_cost(ASSUMPTIONS, 0)


def cameras_only_year0() -> float:
    return costs.machine_cost_breakdown(ASSUMPTIONS, 0)["cameras"]


def break_even() -> int:
    return costs.break_even_year(ASSUMPTIONS)


def break_even_without_analysts() -> int:
    return costs.break_even_year(replace(ASSUMPTIONS, watched_fraction=0.0))


def break_even_without_storage() -> int:
    return costs.break_even_year(replace(ASSUMPTIONS, price_per_tb=0.0))


def break_even_automated() -> int:
    return costs.break_even_year(ASSUMPTIONS.automated())


def most_sensitive() -> str:
    return costs.most_sensitive(ASSUMPTIONS)
