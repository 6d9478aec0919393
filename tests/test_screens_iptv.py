"""Tests for survlab.screens.iptv: the synthetic month of set-top-box requests, one household's
routine, programme leavers, coarsening and k-anonymity."""
from __future__ import annotations

import time

import numpy as np
import pytest

from survlab.screens import iptv


@pytest.fixture(scope="module")
def month():
    return iptv.generate_month()


# --- Generation -------------------------------------------------------------------------------

def test_generation_is_fast_seeded_and_cached():
    t = time.perf_counter()
    fresh = iptv._generate_month.__wrapped__(iptv.N_HOUSEHOLDS, iptv.N_DAYS, iptv.SEED)
    assert time.perf_counter() - t < 1.5
    again = iptv._generate_month.__wrapped__(iptv.N_HOUSEHOLDS, iptv.N_DAYS, iptv.SEED)
    assert np.array_equal(fresh.start, again.start) and np.array_equal(fresh.household, again.household)
    assert iptv.generate_month() is iptv.generate_month()
    other = iptv.generate_month(seed=iptv.SEED + 1)
    assert not np.array_equal(other.area, fresh.area)


def test_month_shape_and_values(month):
    assert month.n_households == iptv.N_HOUSEHOLDS and month.n_days == iptv.N_DAYS
    assert month.n_sessions > 50_000
    assert np.all(month.end > month.start)
    assert month.start.min() >= 0 and month.end.max() <= iptv.MINUTES_PER_DAY
    assert set(np.unique(month.session_kind)) == {iptv.JOIN, iptv.VOD}
    joins = month.session_kind == iptv.JOIN
    assert month.item[joins].max() < iptv.N_CHANNELS
    assert month.item[~joins].max() < iptv.N_TITLES
    assert set(np.unique(month.area)) <= set(iptv.area_codes())
    assert np.array_equal(month.session_area, month.area[month.household])
    assert np.all(np.diff(month.household) >= 0)  # sorted by household


def test_arrays_are_read_only(month):
    with pytest.raises(ValueError):
        month.start[0] = 0
    with pytest.raises(ValueError):
        iptv.activity(month)[0, 0, 0] = True


def test_household_kinds_are_all_present_and_empty_flats_ask_nothing(month):
    counts = np.bincount(month.kind, minlength=4)
    assert np.all(counts > 0)
    empty = np.flatnonzero(month.kind == iptv.EMPTY)
    assert not np.isin(month.household, empty).any()


def test_bad_arguments_are_refused(month):
    with pytest.raises(ValueError):
        iptv.generate_month(n_households=0)
    with pytest.raises(ValueError):
        iptv.sessions_of(month, iptv.N_HOUSEHOLDS)
    with pytest.raises(ValueError):
        iptv.coarsen_area(214, 3)
    with pytest.raises(ValueError):
        iptv.k_anonymity(month, block_hours=5)
    with pytest.raises(ValueError):
        iptv.routines(month, threshold=0)


def test_a_small_month_works():
    small = iptv.generate_month(n_households=50, n_days=7, seed=3)
    assert small.n_households == 50 and small.day.max() < 7
    assert iptv.activity(small).shape == (50, 7, 24)


# --- One household --------------------------------------------------------------------------

def test_target_household_routine_and_absence(month):
    t = iptv.TARGET_HOUSEHOLD
    assert month.area[t] == 214 and month.kind[t] == iptv.DAY_WORKER
    assert iptv.usual_start_hour(month, t) == 19
    away = set(range(*iptv.TARGET_AWAY))
    assert away <= set(iptv.empty_days(month, t).tolist())
    profile = iptv.hourly_profile(month, t)
    assert profile[19:22].min() >= 0.5 and profile[:12].max() == 0


def test_first_request_minutes_matches_sessions(month):
    t = iptv.TARGET_HOUSEHOLD
    s = iptv.sessions_of(month, t)
    first = iptv.first_request_minutes(month, t)
    for d in range(month.n_days):
        starts = s["start"][s["day"] == d]
        assert (np.isnan(first[d]) and starts.size == 0) or first[d] == starts.min()


def test_usual_start_hour_needs_requests(month):
    empty = int(np.flatnonzero(month.kind == iptv.EMPTY)[0])
    with pytest.raises(ValueError):
        iptv.usual_start_hour(month, empty)
    assert iptv.empty_days(month, empty).size == month.n_days


def test_activity_marks_the_hours_a_session_covers():
    m = iptv.generate_month(n_households=20, n_days=3, seed=5)
    on = iptv.activity(m)
    i = 0
    h, d, s, e = m.household[i], m.day[i], m.start[i], m.end[i]
    assert on[h, d, s // 60] and on[h, d, (e - 1) // 60]


# --- A programme ----------------------------------------------------------------------------

def test_left_early_is_part_of_the_audience_at_the_start(month):
    start = iptv.watched_start(month)
    left = iptv.left_early(month)
    assert 0 < left.size < start.size
    assert np.isin(left, start).all()


def test_audience_counts_name_no_one(month):
    p = iptv.PROGRAMME
    counts = iptv.audience_counts(month, p.day, p.channel, step=15)
    assert counts.shape == (96,)
    assert counts[p.start // 15] == iptv.audience_at(month, [p.start])[0]


# --- Coarsening and k -------------------------------------------------------------------------

def test_coarsen_area_keeps_the_leading_digits():
    assert iptv.coarsen_area(214, 0) == 214 and iptv.coarsen_area(214, 1) == 21 and iptv.coarsen_area(214, 2) == 2
    assert iptv.area_codes().size == 60


def test_coarsen_routines_blocks_are_on_if_any_hour_is():
    r = np.zeros((1, 24), dtype=bool)
    r[0, 19] = True
    assert iptv.coarsen_routines(r, 1).sum() == 1
    assert iptv.coarsen_routines(r, 4).tolist() == [[False] * 4 + [True, False]]
    assert iptv.coarsen_routines(r, 24).tolist() == [[True]]


def test_group_sizes_count_identical_records():
    assert iptv.group_sizes(np.array([5, 7, 5, 9, 5])).tolist() == [3, 1, 3, 1, 3]


def test_coarsening_raises_k_and_lowers_uniqueness(month):
    fine = iptv.share_unique(month, 1, 0)
    assert 0.2 < fine < 0.6
    for level in iptv.AREA_LEVELS:
        ks = [iptv.k_anonymity(month, b, level) for b in iptv.BLOCK_HOURS]
        assert ks == sorted(ks)  # each block splits evenly into the previous, so groups only merge
    assert iptv.k_anonymity(month, 1, 0) == 1
    assert iptv.smallest_block_for_k(month, 5, area_level=1) == 8
    assert iptv.smallest_block_for_k(month, 5, area_level=0) is None
    assert iptv.k_anonymity(month, 24, 2) >= iptv.k_anonymity(month, 24, 1)


def test_routine_precision_falls_with_coarser_blocks(month):
    values = [iptv.routine_precision(month, b) for b in iptv.BLOCK_HOURS]
    assert values[0] == 1.0
    assert all(a > b for a, b in zip(values, values[1:]))
    assert 0 < values[-1] < 0.3


def test_coarsening_table_rows(month):
    table = iptv.coarsening_table(month, 1)
    assert [row["block (hours)"] for row in table] == list(iptv.BLOCK_HOURS)
    assert table[0]["routine precision"] == 1.0
    assert "k" in repr(table) and "<table>" in table._repr_html_()


# --- Figures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("draw", [
    lambda m: iptv.plot_broadcast_vs_iptv(),
    lambda m: iptv.plot_household_month(m),
    lambda m: iptv.plot_hourly_profile(m),
    lambda m: iptv.plot_programme_audience(m),
    lambda m: iptv.plot_k_tradeoff(m),
])
def test_figures_draw(month, draw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    draw(month)
    plt.close("all")


def test_numbers_quoted_in_the_lesson_and_lab_pages(month):
    """The prose and alt text of book/screens/01 and notebooks/08 quote these values."""
    t = iptv.TARGET_HOUSEHOLD
    assert iptv.empty_days(month, t).tolist() == [3, 11, 12, 13, 14, 15]
    assert round(iptv.share_unique(month, 1, 0), 2) == 0.31
    assert round(100 * iptv.share_unique(month, 1, 1)) == 20 and round(100 * iptv.share_unique(month, 1, 2)) == 11
    assert round(len(iptv.left_early(month)) / len(iptv.watched_start(month)), 2) == 0.24
    assert (iptv.group_sizes(iptv.released_records(month, 24, 0)) == 1).sum() == 10
    assert [iptv.k_anonymity(month, b, 1) for b in iptv.BLOCK_HOURS] == [1, 1, 1, 5, 9]
    assert [iptv.k_anonymity(month, b, 2) for b in iptv.BLOCK_HOURS] == [1, 1, 1, 34, 56]
    assert [round(100 * iptv.routine_precision(month, b)) for b in iptv.BLOCK_HOURS] == [100, 74, 49, 41, 17]
    profile = iptv.hourly_profile(month, t)
    assert [round(100 * x) for x in profile[19:23]] == [80, 80, 80, 50]
    assert round(100 * profile[18]) == 10 and round(100 * profile[23]) == 7 and 3 <= 100 * profile[12:18].min()
    assert 100 * profile[12:18].max() < 20 and profile[:12].max() == 0
    # the timetable's alt text: on-demand bars, rest-day afternoons, evening start and end times
    s = iptv.sessions_of(month, t)
    assert sorted(set(s["day"][s["kind"] == iptv.VOD].tolist())) == [0, 5, 17, 28]
    afternoon = s["start"] < 18 * 60
    assert sorted(s["day"][afternoon].tolist()) == [5, 6, 19, 20, 26, 27]
    assert 12 * 60 + 45 <= s["start"][afternoon].min() and s["end"][afternoon].max() <= 17 * 60 + 15
    assert 18 * 60 + 50 <= s["start"][~afternoon].min() and s["start"][~afternoon].max() < 20 * 60
    assert 21 * 60 + 10 <= s["end"][~afternoon].min() and s["end"][~afternoon].max() <= 23 * 60 + 25
    # the programme's audience in the lab's alt text, and the share of 8-hour records reading "evening only"
    assert iptv.audience_at(month, [19 * 60, 20 * 60, 21 * 60 + 30]).tolist() == [319, 736, 658]
    assert iptv.audience_at(month, np.arange(20 * 60, 21 * 60)).max() == 810
    blocks = iptv.coarsen_routines(iptv.routines(month), 8)
    assert not blocks[:, 0].any() and (blocks == [False, False, True]).all(axis=1).mean() > 0.5


# --- Third edition: suppression, and the docstring's own example --------------------------------

def test_suppression_reaches_k_with_finer_blocks_and_drops_the_unusual(month):
    small = iptv.below_k(month, 5, block_hours=4, area_level=1)
    assert small.dtype == bool and small.shape == (month.n_households,)
    assert iptv.k_anonymity(month, 4, 1) < 5  # coarsening alone is not enough at 4 hours
    assert iptv.k_after_suppression(month, 5, 4, 1) >= 5
    sizes = iptv.group_sizes(iptv.released_records(month, 4, 1))
    assert np.array_equal(small, sizes < 5)
    # nothing to suppress where k is already reached; everything where k is impossible
    assert not iptv.below_k(month, 5, 8, 1).any()
    assert iptv.k_after_suppression(month, month.n_households + 1, 1, 0) == 0
    # precision over the kept households, and the mask is checked
    kept = ~small
    assert iptv.routine_precision(month, 4, households=np.ones(month.n_households, bool)) == \
        iptv.routine_precision(month, 4)
    assert iptv.routine_precision(month, 4, households=kept) > iptv.routine_precision(month, 8)
    with pytest.raises(ValueError):
        iptv.routine_precision(month, 4, households=kept[:10])
    with pytest.raises(ValueError):
        iptv.below_k(month, 0, 4, 1)


def test_numbers_quoted_about_suppression(month):
    """book/screens/01 glues these; the facilitator notes and the lab's prose describe them."""
    small = iptv.below_k(month, 5, 4, 1)
    assert small.sum() == 59 and round(100 * small.mean(), 1) == 2.0
    assert round(100 * iptv.routine_precision(month, 4, households=~small)) == 49
    shift = month.kind == iptv.SHIFT_WORKER
    assert shift[small].sum() == 27 and round(shift.mean(), 2) == 0.14
    assert shift[small].mean() > 2 * shift.mean()  # "over-represented among those suppressed"


def test_docstring_example_runs_and_block_error_says_why(month):
    import re

    calls = re.findall(r"^    ((?:k_anonymity|below_k|routine_precision)\(.*?\))", iptv.__doc__, re.M)
    assert len(calls) == 3, calls
    for call in calls:
        eval(call, {**vars(iptv), "month": month})
    with pytest.raises(ValueError, match="whole number of"):
        iptv.k_anonymity(month, block_hours=3)
    with pytest.raises(ValueError) as err:
        iptv.k_anonymity(month, block_hours=6)
    assert "divide the day" not in str(err.value)


def test_package_docstring_names_both_modules():
    import survlab.screens as screens

    assert "survlab.screens.iptv" in screens.__doc__ and "survlab.screens.devices" in screens.__doc__


def test_lab8_checks_pass_the_answer_blank_and_each_mistake_gets_its_own_hint():
    from survlab.checks import BLANK_STATUS, CORRECT, WRONG
    from survlab.labs import viewing_records as lab8

    # every check's answer, blank and declared mistakes: tests/test_checks.py (all labs)
    # the hint for "everyone at the start minus the leavers" says what that number is
    early = lab8.LAB.exercise("early_leavers")
    stayed = lab8.LAB.check("early_leavers", early.mistakes[1].value(early.expected_value()))
    assert "within five minutes of the end" in stayed.message
    # the lesson's own rounded values are accepted
    assert lab8.LAB.check("share_unique", 0.31).status == CORRECT
    assert lab8.LAB.check("precision_at_k5", 0.41).status == CORRECT
