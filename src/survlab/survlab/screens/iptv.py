"""Television over a network: a synthetic month of set-top-box requests, what they reveal
about a household, and how much coarsening it takes before they stop pointing at one home.

A broadcast receiver asks nothing: it picks a signal out of the air. A set-top box on an
IPTV network asks for everything it shows. To watch a live channel it sends a *join* for
that channel's multicast group to the network; to watch a programme on demand it sends a
*request* to a video server, which streams it back by unicast. Either way the operator's
equipment learns which line (which household) asked for what, and when. This module
makes such records **synthetically** (seeded, no real household or service is modelled)
so that the lesson and lab can ask what they would reveal if they were kept::

    month = generate_month()                      # 3,000 households, 30 days, seeded
    sessions_of(month, TARGET_HOUSEHOLD)          # one household's requests
    usual_start_hour(month, TARGET_HOUSEHOLD)     # when its television usually goes on
    empty_days(month, TARGET_HOUSEHOLD)           # days with no request at all
    left_early(month)                             # households that left PROGRAMME early
    k_anonymity(month, block_hours=4, area_level=1)   # smallest group after coarsening
    below_k(month, 5, block_hours=4, area_level=1)    # households a release would suppress
    routine_precision(month, block_hours=4)       # how much of the routine survives

The month is a :class:`Month`: a table of households (pseudonymous id, area code, kind)
and a table of viewing sessions, one row per request (channel join or on-demand request)
with its start and end minute. Every function is pure and seeded: the same arguments give
the same result, and the arrays returned by :func:`generate_month` are read-only.

Area codes have three digits: city, district, neighbourhood (``214`` is neighbourhood 4
of district 1 of city 2). Coarsening the area to level 1 keeps the district (``21``),
level 2 the city (``2``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..cameras.faces import Table  # the course's small display table, reused
from ..i18n import _

SEED = 2016
N_HOUSEHOLDS = 3_000
N_DAYS = 30
MINUTES_PER_DAY = 1_440
N_CHANNELS = 5  # live channels, numbered 0 to 4 (the reports of Manbang name five; these are made up)
N_TITLES = 300  # on-demand titles, numbered 0 to 299

# Request kinds
JOIN, VOD = 0, 1  # a multicast channel join / a unicast video-on-demand request
KIND_NAMES = {JOIN: "channel join (multicast)", VOD: "on-demand request (unicast)"}

# Household kinds
DAY_WORKER, SHIFT_WORKER, AT_HOME, EMPTY = 0, 1, 2, 3
HOUSEHOLD_KINDS = {DAY_WORKER: "day worker", SHIFT_WORKER: "shift worker", AT_HOME: "at home all day",
                   EMPTY: "empty flat"}
KIND_SHARES = (0.62, 0.14, 0.235, 0.005)  # of households, in the order above

# Areas: 3 cities x 4 districts x 5 neighbourhoods = 60 neighbourhood codes, 111 to 345.
N_CITIES, DISTRICTS_PER_CITY, NEIGHBOURHOODS_PER_DISTRICT = 3, 4, 5
AREA_LEVELS = {0: "neighbourhood", 1: "district", 2: "city"}
BLOCK_HOURS = (1, 2, 4, 8, 24)  # time blocks: each divides the day and is a whole number of the previous one

WEEKEND = (5, 6)  # days d with d % 7 in WEEKEND are rest days (the month starts on a working day)


@dataclass(frozen=True)
class Programme:
    """A scheduled programme on a live channel: day of the month (0-based) and minutes of the day."""

    channel: int
    day: int
    start: int  # minute of the day
    end: int
    title: str = "evening documentary"

    @property
    def minutes(self) -> int:
        return self.end - self.start


PROGRAMME = Programme(channel=0, day=17, start=20 * 60, end=21 * 60)
EARLY_LEAVE_SHARE = 0.09  # share of the programme's audience made to leave it part-way (then switch or switch off)

# The household the lab studies: a day worker who watches most evenings, and goes away for a few days.
TARGET_HOUSEHOLD = 1_207
TARGET_AWAY = (11, 16)  # days 11 to 15 (0-based, end exclusive): nobody at home


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (it is cached)
class Month:
    """A synthetic month of set-top-box requests.

    Households (one row each, index = household id): ``area`` (three-digit code) and
    ``kind`` (see :data:`HOUSEHOLD_KINDS`). Sessions (one row per request): ``household``,
    ``day`` (0-based), ``start`` and ``end`` (minutes of the day, end exclusive), ``kind``
    (:data:`JOIN` or :data:`VOD`), ``item`` (the channel joined, or the title requested)
    and ``area`` (the household's area code, as the operator's records would carry it).
    """

    area: np.ndarray
    kind: np.ndarray
    household: np.ndarray
    day: np.ndarray
    start: np.ndarray
    end: np.ndarray
    session_kind: np.ndarray
    item: np.ndarray
    session_area: np.ndarray
    n_days: int
    seed: int

    @property
    def n_households(self) -> int:
        return self.area.size

    @property
    def n_sessions(self) -> int:
        return self.household.size


# --- Generation -----------------------------------------------------------------------------

def area_codes() -> np.ndarray:
    """All neighbourhood codes, 111 to 345 (city, district, neighbourhood digits)."""
    c, d, n = np.meshgrid(np.arange(1, N_CITIES + 1), np.arange(1, DISTRICTS_PER_CITY + 1),
                          np.arange(1, NEIGHBOURHOODS_PER_DISTRICT + 1), indexing="ij")
    return (100 * c + 10 * d + n).ravel()


def coarsen_area(area, level: int):
    """Drop the last ``level`` digits of an area code: 214 -> 21 (district) -> 2 (city)."""
    if level not in AREA_LEVELS:
        raise ValueError(f"area level must be one of {sorted(AREA_LEVELS)} ({AREA_LEVELS}), got {level!r}")
    return np.asarray(area) // 10 ** level


def _segments(hh, day, start, length, keep):
    """Sessions from arrays of candidates: keep those drawn, clip to the day, drop empty ones."""
    start = np.clip(np.round(start), 0, MINUTES_PER_DAY - 1).astype(np.int32)
    end = np.clip(start + np.round(length).astype(np.int32), 0, MINUTES_PER_DAY).astype(np.int32)
    keep = keep & (end - start >= 5)
    return hh[keep], day[keep], start[keep], end[keep]


def generate_month(n_households: int = N_HOUSEHOLDS, n_days: int = N_DAYS, seed: int = SEED) -> Month:
    """A seeded synthetic month of viewing sessions for ``n_households`` households.

    Day workers watch most evenings, from a start time of their own (around 19:30) for two
    to four hours, and some weekend afternoons. Shift workers alternate weekly between
    early and night shifts and watch at different times each week. Households at home all
    day also watch mornings and afternoons. A few flats are empty all month, and about one
    household in twenty goes away for a few days. Every session is one request: a channel
    join (most) or an on-demand request. On :data:`PROGRAMME`'s day a share of the
    programme's audience leaves it part-way.

    Cached: calling it again with the same arguments returns the same (read-only) object.
    """
    if n_households < 1 or n_days < 1:
        raise ValueError("a month needs at least one household and one day")
    if n_days > 366:
        raise ValueError(f"n_days should be a month or so, got {n_days}")
    return _generate_month(int(n_households), int(n_days), int(seed))


@lru_cache(maxsize=4)
def _generate_month(n_households: int, n_days: int, seed: int) -> Month:
    rng = np.random.default_rng(seed)
    H, D = n_households, n_days
    kind = rng.choice(len(KIND_SHARES), size=H, p=KIND_SHARES)
    area = rng.choice(area_codes(), size=H)
    # Each household's own habits.
    evening_start = rng.normal(19.5 * 60, 45, H)  # minutes of the day
    evening_length = rng.uniform(110, 230, H)
    p_evening = rng.uniform(0.80, 0.97, H)
    p_weekend_afternoon = rng.uniform(0.1, 0.8, H)
    shift_phase = rng.integers(0, 2, H)
    morning_start = rng.normal(9.5 * 60, 40, H)
    afternoon_start = rng.normal(14.5 * 60, 40, H)
    # Some households go away for a few days.
    away_from = rng.integers(2, max(3, D - 6), H)
    away_len = rng.integers(3, 8, H)
    goes_away = rng.random(H) < 0.05
    if H > TARGET_HOUSEHOLD:  # the lab's household: a regular day worker who goes away once
        t = TARGET_HOUSEHOLD
        kind[t], evening_start[t], evening_length[t], p_evening[t] = DAY_WORKER, 19 * 60 + 25, 170, 0.95
        p_weekend_afternoon[t] = 0.9
        goes_away[t], away_from[t], away_len[t] = True, TARGET_AWAY[0], TARGET_AWAY[1] - TARGET_AWAY[0]
        area[t] = 214

    hh = np.repeat(np.arange(H), D)
    day = np.tile(np.arange(D), H)
    k = kind[hh]
    weekend = np.isin(day % 7, WEEKEND)
    week_parity = ((day // 7) + shift_phase[hh]) % 2  # shift workers: 0 early shift, 1 night shift
    away = goes_away[hh] & (day >= away_from[hh]) & (day < away_from[hh] + away_len[hh])
    home = (k != EMPTY) & ~away
    n = hh.size

    parts = []
    # Evening viewing: day workers and households at home; shift workers only in their early-shift weeks.
    evening_ok = home & ((k == DAY_WORKER) | (k == AT_HOME) | ((k == SHIFT_WORKER) & (week_parity == 0)))
    shift_evening = np.where(k == SHIFT_WORKER, -60.0, 0.0)  # early-shift workers turn in earlier
    p_ev = np.where(k == SHIFT_WORKER, 0.75, p_evening[hh])
    parts.append(_segments(hh, day, evening_start[hh] + shift_evening + rng.normal(0, 20, n),
                           evening_length[hh] * rng.uniform(0.7, 1.2, n),
                           evening_ok & (rng.random(n) < p_ev)))
    # Weekend afternoons of day workers.
    parts.append(_segments(hh, day, rng.normal(13.5 * 60, 40, n), rng.uniform(60, 150, n),
                           home & (k == DAY_WORKER) & weekend & (rng.random(n) < p_weekend_afternoon[hh])))
    # Shift workers in a night-shift week sleep by day and watch after waking, before work.
    parts.append(_segments(hh, day, rng.normal(15.5 * 60, 20, n), rng.uniform(60, 110, n),
                           home & (k == SHIFT_WORKER) & (week_parity == 1) & (rng.random(n) < 0.85)))
    # Shift workers in an early-shift week also watch after work, some days.
    parts.append(_segments(hh, day, rng.normal(14 * 60, 20, n), rng.uniform(40, 80, n),
                           home & (k == SHIFT_WORKER) & (week_parity == 0) & (rng.random(n) < 0.4)))
    # At home all day: mornings (not before 08:05) and afternoons too.
    parts.append(_segments(hh, day, np.maximum(morning_start[hh] + rng.normal(0, 20, n), 8 * 60 + 5),
                           rng.uniform(60, 130, n),
                           home & (k == AT_HOME) & (rng.random(n) < 0.7)))
    parts.append(_segments(hh, day, afternoon_start[hh] + rng.normal(0, 20, n), rng.uniform(60, 120, n),
                           home & (k == AT_HOME) & (rng.random(n) < 0.55)))
    s_hh, s_day, s_start, s_end = (np.concatenate(c) for c in zip(*parts))
    m = s_hh.size
    s_kind = np.where(rng.random(m) < 0.18, VOD, JOIN).astype(np.int8)
    channel = rng.choice(N_CHANNELS, size=m, p=(0.52, 0.2, 0.13, 0.09, 0.06))
    title = np.minimum(rng.zipf(1.6, m) - 1, N_TITLES - 1)
    s_item = np.where(s_kind == JOIN, channel, title).astype(np.int16)

    s_hh, s_day, s_start, s_end, s_kind, s_item = _programme_leavers(
        rng, s_hh, s_day, s_start, s_end, s_kind, s_item, D)
    order = np.lexsort((s_start, s_day, s_hh))
    cols = [a[order] for a in (s_hh, s_day, s_start, s_end, s_kind, s_item)]
    arrays = dict(area=area, kind=kind.astype(np.int8), household=cols[0].astype(np.int32),
                  day=cols[1].astype(np.int16), start=cols[2].astype(np.int16), end=cols[3].astype(np.int16),
                  session_kind=cols[4], item=cols[5], session_area=area[cols[0]])
    for a in arrays.values():
        a.setflags(write=False)
    return Month(**arrays, n_days=D, seed=seed)


def _programme_leavers(rng, s_hh, s_day, s_start, s_end, s_kind, s_item, n_days):
    """On the programme's day, make a share of its audience leave part-way; half switch channel."""
    p = PROGRAMME
    if p.day >= n_days:
        return s_hh, s_day, s_start, s_end, s_kind, s_item
    watching = ((s_day == p.day) & (s_kind == JOIN) & (s_item == p.channel)
                & (s_start <= p.start + 5) & (s_end > p.start) & (s_end >= p.end))
    idx = np.flatnonzero(watching)
    leave = idx[rng.random(idx.size) < EARLY_LEAVE_SHARE]
    old_end = s_end[leave].copy()
    s_end = s_end.copy()
    s_end[leave] = rng.integers(p.start + 10, p.end - 15, leave.size)
    switch = rng.random(leave.size) < 0.5  # the others switch off
    new = leave[switch]
    s_hh = np.concatenate([s_hh, s_hh[new]])
    s_day = np.concatenate([s_day, s_day[new]])
    s_start = np.concatenate([s_start, s_end[new]])
    s_end = np.concatenate([s_end, old_end[switch]])
    s_kind = np.concatenate([s_kind, np.full(new.size, JOIN, dtype=s_kind.dtype)])
    s_item = np.concatenate([s_item, rng.integers(1, N_CHANNELS, new.size).astype(s_item.dtype)])
    return s_hh, s_day, s_start, s_end, s_kind, s_item


# --- One household ---------------------------------------------------------------------------

def _check_household(month: Month, household: int) -> int:
    if not 0 <= int(household) < month.n_households:
        raise ValueError(f"household ids run from 0 to {month.n_households - 1}, got {household!r}")
    return int(household)


def sessions_of(month: Month, household: int) -> dict[str, np.ndarray]:
    """One household's sessions as columns: day, start, end (minutes of the day), kind, item."""
    h = _check_household(month, household)
    lo, hi = np.searchsorted(month.household, [h, h + 1])
    return {"day": month.day[lo:hi], "start": month.start[lo:hi], "end": month.end[lo:hi],
            "kind": month.session_kind[lo:hi], "item": month.item[lo:hi]}


def first_request_minutes(month: Month, household: int) -> np.ndarray:
    """For each day, the minute of the household's first request (NaN on a day without any)."""
    s = sessions_of(month, household)
    first = np.full(month.n_days, np.nan)
    days, idx = np.unique(s["day"], return_index=True)  # sessions are sorted by day, then start
    first[days] = s["start"][idx]
    return first


def usual_start_hour(month: Month, household: int) -> int:
    """The most common hour of the day (0-23) in which the household's first request of a day falls."""
    first = first_request_minutes(month, household)
    hours = (first[~np.isnan(first)] // 60).astype(int)
    if hours.size == 0:
        raise ValueError(f"household {household} made no request all month")
    return int(np.bincount(hours, minlength=24).argmax())


def empty_days(month: Month, household: int) -> np.ndarray:
    """The days (0-based) on which the household made no request at all."""
    return np.flatnonzero(np.isnan(first_request_minutes(month, household)))


def activity(month: Month) -> np.ndarray:
    """Whether each household's box was in use at some point in each hour: shape (households, days, 24)."""
    return _activity(month)


@lru_cache(maxsize=4)
def _activity(month: Month) -> np.ndarray:
    first_hour = month.start // 60
    last_hour = (month.end - 1) // 60
    diff = np.zeros((month.n_households, month.n_days, 25), dtype=np.int32)
    np.add.at(diff, (month.household, month.day, first_hour), 1)
    np.add.at(diff, (month.household, month.day, last_hour + 1), -1)
    on = np.cumsum(diff, axis=2)[:, :, :24] > 0
    on.setflags(write=False)
    return on


def hourly_profile(month: Month, household: int) -> np.ndarray:
    """For each hour of the day, the share of the month's days on which the box was in use then."""
    return activity(month)[_check_household(month, household)].mean(axis=0)


def routines(month: Month, threshold: float = 0.5) -> np.ndarray:
    """Each household's usual viewing hours: True where its box was in use on at least
    ``threshold`` of the days. Shape (households, 24)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a share between 0 and 1, got {threshold}")
    return activity(month).mean(axis=1) >= threshold


# --- A programme -------------------------------------------------------------------------------

def audience_at(month: Month, minutes: Sequence[int] | np.ndarray, programme: Programme = PROGRAMME) -> np.ndarray:
    """How many households were joined to the programme's channel at each given minute of its day."""
    sel = (month.day == programme.day) & (month.session_kind == JOIN) & (month.item == programme.channel)
    start, end = month.start[sel], month.end[sel]
    t = np.asarray(minutes)[:, None]
    return ((start[None, :] <= t) & (end[None, :] > t)).sum(axis=1)


def watched_start(month: Month, programme: Programme = PROGRAMME, grace: int = 5) -> np.ndarray:
    """Households joined to the channel at the programme's start (joined by ``grace`` minutes after it)."""
    sel = ((month.day == programme.day) & (month.session_kind == JOIN) & (month.item == programme.channel)
           & (month.start <= programme.start + grace) & (month.end > programme.start))
    return np.unique(month.household[sel])


def left_early(month: Month, programme: Programme = PROGRAMME, grace: int = 5) -> np.ndarray:
    """Households that watched the programme's start and left its channel more than ``grace``
    minutes before its end (by switching channel or switching off)."""
    sel = ((month.day == programme.day) & (month.session_kind == JOIN) & (month.item == programme.channel)
           & (month.start <= programme.start + grace) & (month.end > programme.start)
           & (month.end < programme.end - grace))
    return np.unique(month.household[sel])


# --- Coarsening and k-anonymity ---------------------------------------------------------------

def _check_block(block_hours: int) -> int:
    # 3, 6 and 12 also divide the day, but a 6-hour block is not a whole number of 4-hour ones:
    # only this chain guarantees that widening a block merges groups and never splits them.
    if block_hours not in BLOCK_HOURS:
        raise ValueError(f"block_hours must be one of {BLOCK_HOURS}, blocks that each hold a whole number of "
                         f"the next finer one (so groups only merge as blocks widen); got {block_hours!r}")
    return int(block_hours)


def coarsen_routines(routine: np.ndarray, block_hours: int) -> np.ndarray:
    """Coarsen hourly routines (households x 24) into blocks: a block is on if any hour in it is."""
    b = _check_block(block_hours)
    routine = np.asarray(routine, dtype=bool)
    return routine.reshape(routine.shape[0], 24 // b, b).any(axis=2)


def released_records(month: Month, block_hours: int = 1, area_level: int = 0) -> np.ndarray:
    """The quasi-identifiers of each household after coarsening, as one integer per household:
    its area code (coarsened to ``area_level``) and its usual viewing hours (coarsened to
    blocks of ``block_hours``). Two households with the same integer look the same."""
    blocks = coarsen_routines(routines(month), block_hours)
    bits = (blocks.astype(np.int64) << np.arange(blocks.shape[1], dtype=np.int64)).sum(axis=1)
    return coarsen_area(month.area, area_level).astype(np.int64) << 24 | bits


def group_sizes(records: np.ndarray) -> np.ndarray:
    """For each record, how many records (itself included) share exactly its values."""
    _, inverse, counts = np.unique(np.asarray(records), return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def k_anonymity(month: Month, block_hours: int = 1, area_level: int = 0) -> int:
    """k: the size of the smallest group of households that share a released record."""
    return int(group_sizes(released_records(month, block_hours, area_level)).min())


def share_unique(month: Month, block_hours: int = 1, area_level: int = 0) -> float:
    """The share of households whose released record no other household shares (k = 1 for them)."""
    return float((group_sizes(released_records(month, block_hours, area_level)) == 1).mean())


def smallest_block_for_k(month: Month, k: int, area_level: int = 0) -> int | None:
    """The smallest time block (hours) that gives every record at least ``k`` households at this
    area level; None if even a whole-day block does not."""
    for b in BLOCK_HOURS:
        if k_anonymity(month, b, area_level) >= k:
            return b
    return None


def below_k(month: Month, k: int, block_hours: int = 1, area_level: int = 0) -> np.ndarray:
    """Households whose released record is shared by fewer than ``k`` households (a boolean mask).

    Generalising alone must coarsen until even these households reach k. The usual practice
    also *suppresses* them: leaves their records out of the release, so the rest can stay
    finer. Who is suppressed matters: the households least like their neighbours."""
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a whole number, 1 or more; got {k!r}")
    return group_sizes(released_records(month, block_hours, area_level)) < k


def k_after_suppression(month: Month, k: int, block_hours: int = 1, area_level: int = 0) -> int:
    """k of the release once the households below ``k`` are left out (0 if nobody is left)."""
    kept = ~below_k(month, k, block_hours, area_level)
    sizes = group_sizes(released_records(month, block_hours, area_level)[kept])
    return int(sizes.min()) if sizes.size else 0


def routine_precision(month: Month, block_hours: int, households: np.ndarray | None = None) -> float:
    """How much of the routine the coarsened records still reveal: of all the hours they mark as
    viewing hours (every hour of an 'on' block, over all households, or over the households
    selected by the boolean mask ``households``), the share that really are usual viewing
    hours. 1.0 for one-hour blocks; a whole-day block leaves little."""
    true = routines(month)
    read = np.repeat(coarsen_routines(true, block_hours), _check_block(block_hours), axis=1)
    if households is not None:
        households = np.asarray(households, dtype=bool)
        if households.shape != (month.n_households,):
            raise ValueError(f"households must be a mask of {month.n_households} booleans, got shape "
                             f"{households.shape}")
        true, read = true[households], read[households]
    marked = read.sum()
    return float(true.sum() / marked) if marked else float("nan")


def coarsening_table(month: Month, area_level: int = 0, blocks: Sequence[int] = BLOCK_HOURS) -> Table:
    """For each time block at one area level: k, the share of unique records, and the routine precision."""
    # English keys and text: Table shows its headers and text cells in the language in use.
    return Table({"block (hours)": b, "area": AREA_LEVELS[area_level], "k": k_anonymity(month, b, area_level),
                  "unique records": share_unique(month, b, area_level),
                  "routine precision": routine_precision(month, b)} for b in blocks)


def audience_counts(month: Month, day: int, channel: int, step: int = 15) -> np.ndarray:
    """Data minimisation: how many households watched ``channel`` in each ``step``-minute slot of
    ``day``, with no household identifiers. Enough to measure an audience; names no one."""
    sel = (month.day == day) & (month.session_kind == JOIN) & (month.item == channel)
    t = np.arange(0, MINUTES_PER_DAY, step)[:, None]
    return ((month.start[sel][None, :] <= t) & (month.end[sel][None, :] > t)).sum(axis=1)


# --- Figures -----------------------------------------------------------------------------------

def _fmt_hour(minute: float) -> str:
    return f"{int(minute) // 60:02d}:{int(minute) % 60:02d}"


def plot_broadcast_vs_iptv(ax=None):
    """A diagram: broadcast (signal out, nothing back) against IPTV (join and request go up, and are seen)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from .. import style

    style.use()
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 4.4))
    ax.set_xlim(0, 20)
    ax.set_ylim(0, 10)
    ax.axis("off")
    ax.grid(False)

    def box(x, y, w, h, text, colour):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.15", fc=colour, ec="black", alpha=0.9))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9)

    def arrow(a, b, colour, style_="-|>", ls="-"):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style_, mutation_scale=12, color=colour, lw=1.6,
                                     linestyle=ls))

    down, up = style.PALETTE[0], style.PALETTE[3]
    ax.text(4.5, 9.5, _("Broadcast"), ha="center", fontsize=12, weight="bold")
    box(3.3, 7.2, 2.4, 1.3, _("transmitter"), "#dddddd")
    for i, x in enumerate((0.6, 3.6, 6.6)):
        box(x, 1.2, 2.2, 1.2, _("TV {number}\n(receiver)").format(number=i + 1), "#ffffff")
        arrow((4.5, 7.1), (x + 1.1, 2.6), down)
    ax.text(4.5, 4.9, _("the same signal\nto everyone"), ha="center", fontsize=9, color=down,
            bbox={"fc": "white", "ec": "none"})
    ax.text(4.5, 0.3, _("nothing goes back: the transmitter\ncannot tell who is watching"), ha="center", fontsize=9)

    ax.plot([9.6, 9.6], [0.3, 9.7], color="#999999", lw=1)
    ax.text(15, 9.5, "IPTV", ha="center", fontsize=12, weight="bold")
    box(12.4, 7.2, 5.2, 1.3, _("operator's equipment\n(switch, video server, any log kept)"), "#dddddd")
    labels = (_("box A: join\nchannel 1 at 20:02"), _("box B: request\ntitle 17 at 20:15"),
              _("box C: join\nchannel 3 at 21:40"))
    for x, top, text in zip((10.2, 13.7, 17.2), (13.4, 15.0, 16.6), labels):
        box(x, 1.2, 2.6, 1.2, text, "#ffffff")
        cx = x + 1.3
        arrow((cx - 0.4, 2.55), (top - 0.3, 7.05), up)
        arrow((top + 0.3, 7.05), (cx + 0.4, 2.55), down)
    ax.text(15, 4.9, _("up (orange): each box says what it wants\ndown (blue): only what it asked for"),
            ha="center", fontsize=9, bbox={"fc": "white", "ec": "none"})
    ax.text(15, 0.3, _("the equipment learns which line\nasked for what, and when"), ha="center", fontsize=9)
    ax.figure.tight_layout()
    return ax


def plot_household_month(month: Month, household: int = TARGET_HOUSEHOLD, ax=None):
    """One household's month as a timetable: one row per day, a bar for each session, by kind."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 5.2))
    s = sessions_of(month, household)
    colours = {JOIN: style.PALETTE[0], VOD: style.PALETTE[1]}
    for kind, colour in colours.items():
        sel = s["kind"] == kind
        ax.barh(s["day"][sel], (s["end"][sel] - s["start"][sel]) / 60, left=s["start"][sel] / 60, height=0.7,
                color=colour, label=_(KIND_NAMES[kind]))
    for d in empty_days(month, household):
        ax.axhspan(d - 0.5, d + 0.5, color=style.PALETTE[3], alpha=0.15, lw=0)
    if len(empty_days(month, household)):
        ax.plot([], [], "s", color=style.PALETTE[3], alpha=0.3, label=_("no request all day"))
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 25, 3)])
    ax.set_ylim(month.n_days - 0.4, -0.6)
    ax.set_xlabel(_("time of day"))
    ax.set_ylabel(_("day (0 = first day of the month)"))
    ax.set_title(_("Household {household}: every request in a month (synthetic)").format(household=household))
    ax.legend(loc="lower left", fontsize=9, framealpha=0.9, frameon=True)
    ax.figure.tight_layout()
    return ax


def plot_hourly_profile(month: Month, household: int = TARGET_HOUSEHOLD, threshold: float = 0.5, ax=None):
    """The share of days on which the household's box was in use in each hour, with the routine threshold."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
    profile = hourly_profile(month, household)
    colours = [style.PALETTE[0] if v >= threshold else style.PALETTE[5] for v in profile]
    ax.bar(np.arange(24) + 0.5, 100 * profile, width=0.9, color=colours)
    ax.axhline(100 * threshold, color=style.PALETTE[7], ls="--", lw=1)
    ax.annotate(_("usual viewing hour: in use on at least {threshold:.0%} of days").format(threshold=threshold),
                (0.3, 100 * threshold + 2),
                fontsize=9)
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 25, 3)])
    ax.set_ylim(0, 105)
    ax.set_xlabel(_("hour of the day"))
    ax.set_ylabel(_("days with the box in use (%)"))
    ax.figure.tight_layout()
    return ax


def plot_programme_audience(month: Month, programme: Programme = PROGRAMME, ax=None):
    """Households joined to the programme's channel, minute by minute, from an hour before to an hour after."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
    t = np.arange(programme.start - 60, programme.end + 60)
    ax.plot(t / 60, audience_at(month, t, programme), color=style.PALETTE[0], lw=2)
    ax.axvspan(programme.start / 60, programme.end / 60, color=style.PALETTE[1], alpha=0.15, lw=0)
    ax.text((programme.start + programme.end) / 120, ax.get_ylim()[1] * 0.05,
            _("{title}\n{start} to {end}").format(title=_(programme.title), start=_fmt_hour(programme.start),
                                                   end=_fmt_hour(programme.end)), ha="center",
            fontsize=9)
    ticks = np.arange(programme.start - 60, programme.end + 61, 30)
    ax.set_xticks(ticks / 60)
    ax.set_xticklabels([_fmt_hour(x) for x in ticks])
    ax.set_xlabel(_("time of day (day {day}, counting the first day as 0)").format(day=programme.day))
    ax.set_ylabel(_("households joined to\nchannel {channel}").format(channel=programme.channel))
    ax.set_ylim(0, None)
    ax.figure.tight_layout()
    return ax


def plot_k_tradeoff(month: Month, blocks: Sequence[int] = BLOCK_HOURS, k_target: int | None = 5, axes=None):
    """Three panels against the time block: the share of unique records and k (one line per area
    level), and the routine precision left in the coarsened records."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    unique_ax, k_ax, prec_ax = axes
    x = np.arange(len(blocks))
    for level, name in AREA_LEVELS.items():
        unique_ax.plot(x, [100 * share_unique(month, b, level) for b in blocks], "o-", color=style.PALETTE[level],
                       lw=2, label=_(name))
        k_ax.plot(x, [k_anonymity(month, b, level) for b in blocks], "o-", color=style.PALETTE[level], lw=2,
                  label=_(name))
    unique_ax.set_ylabel(_("households whose record\nis unique (%)"))
    unique_ax.set_ylim(0, None)
    unique_ax.legend(title=_("area kept"), fontsize=9, title_fontsize=9)
    if k_target:
        k_ax.axhline(k_target, color=style.PALETTE[7], ls="--", lw=1)
        k_ax.annotate(f"k = {k_target}", (x[0], k_target * 1.12), fontsize=9)
    k_ax.set_yscale("log")
    k_ax.set_yticks([1, 2, 5, 10, 20, 50], ["1", "2", "5", "10", "20", "50"])
    k_ax.set_ylabel(_("k: smallest group sharing\na record (households, log scale)"))
    prec_ax.plot(x, [100 * routine_precision(month, b) for b in blocks], "o-", color=style.PALETTE[4], lw=2)
    prec_ax.set_ylim(0, 105)
    prec_ax.set_ylabel(_("routine precision (%): marked\nhours that are real viewing hours"))
    for ax in axes:
        ax.set_xticks(x, [str(b) for b in blocks])
        ax.set_xlabel(_("time block (hours)"))
    unique_ax.figure.tight_layout()
    return axes
