"""The answer key of viewing records (:mod:`survlab.labs.viewing_records`): how each expected value is computed.

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

import numpy as np

from ..labs.viewing_records import SCENARIO, Scenario, scenario
from ..screens import iptv


def usual_start_hour(s: Scenario = SCENARIO) -> int:
    """The most common hour of the household's first request of the day."""
    return iptv.usual_start_hour(scenario(), s.household)


def _mean_first_hour(s: Scenario = SCENARIO) -> int:
    return int(np.nanmean(iptv.first_request_minutes(scenario(), s.household)) // 60)


def _usual_last_hour(s: Scenario = SCENARIO) -> int:
    sessions = iptv.sessions_of(scenario(), s.household)
    last = np.zeros(s.n_days)
    np.maximum.at(last, sessions["day"], sessions["end"])
    hours = ((last[last > 0] - 1) // 60).astype(int)
    return int(np.bincount(hours).argmax())


def empty_day_count(s: Scenario = SCENARIO) -> int:
    """Days on which the household made no request at all."""
    return int(iptv.empty_days(scenario(), s.household).size)


def _longest_empty_run(s: Scenario = SCENARIO) -> int:
    days = iptv.empty_days(scenario(), s.household)
    if days.size == 0:
        return 0
    breaks = np.flatnonzero(np.diff(days) != 1)
    runs = np.diff(np.concatenate([[-1], breaks, [days.size - 1]]))
    return int(runs.max())


def early_leavers(s: Scenario = SCENARIO) -> int:
    """Households that watched the programme's start and left more than the grace before its end."""
    return int(iptv.left_early(scenario(), s.programme, s.grace_minutes).size)


def _audience_at_start(s: Scenario = SCENARIO) -> int:
    return int(iptv.watched_start(scenario(), s.programme, s.grace_minutes).size)


def _left_without_grace(s: Scenario = SCENARIO) -> int:
    m, p, g = scenario(), s.programme, s.grace_minutes
    sel = ((m.day == p.day) & (m.session_kind == iptv.JOIN) & (m.item == p.channel) & (m.start <= p.start + g)
           & (m.end > p.start) & (m.end < p.end))
    return int(np.unique(m.household[sel]).size)


def share_unique(s: Scenario = SCENARIO) -> float:
    """Share of households whose (neighbourhood, usual viewing hours) record is unique, uncoarsened."""
    return iptv.share_unique(scenario(), 1, 0)


def _share_unique_district(s: Scenario = SCENARIO) -> float:
    return iptv.share_unique(scenario(), 1, 1)


def _share_of_distinct_records_unique(s: Scenario = SCENARIO) -> float:
    _, counts = np.unique(iptv.released_records(scenario(), 1, 0), return_counts=True)
    return float((counts == 1).mean())


def block_for_k5(s: Scenario = SCENARIO) -> int:
    """The smallest time block reaching k >= k_target at the district level."""
    return iptv.smallest_block_for_k(scenario(), s.k_target, s.area_level_for_k)


def _last_block_below_k(s: Scenario = SCENARIO) -> int:
    blocks = iptv.BLOCK_HOURS
    return blocks[blocks.index(block_for_k5(s)) - 1]


def precision_at_k5(s: Scenario = SCENARIO) -> float:
    """Routine precision of the records coarsened to that block."""
    return iptv.routine_precision(scenario(), block_for_k5(s))


def _precision_one_block_finer(s: Scenario = SCENARIO) -> float:
    return iptv.routine_precision(scenario(), _last_block_below_k(s))
