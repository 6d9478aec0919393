"""The cost-of-watching model: staffing, prices, break-even and sensitivity."""
from dataclasses import replace

import pytest

from survlab.cameras import network
from survlab.people import costs as C

A = C.Assumptions()


def test_round_the_clock_staffing_counts_the_hours_of_the_week():
    assert C.staff_for_round_the_clock(1) == pytest.approx(4.2)
    assert C.staff_for_round_the_clock(10, hours_per_person=42) == pytest.approx(40.0)
    with pytest.raises(ValueError, match="hours_per_person"):
        C.staff_for_round_the_clock(1, hours_per_person=0)


def test_prices_fall_geometrically_and_bad_declines_are_refused():
    assert C.equipment_price(10, 0.2, 2) == pytest.approx(6.4)
    with pytest.raises(ValueError, match="decline"):
        C.equipment_price(10, 1.2, 1)


def test_the_breakdown_uses_part_one_storage_and_power():
    parts = C.machine_cost_breakdown(A, 0)
    cameras = A.posts * A.cameras_per_post
    assert parts["storage"] == pytest.approx(network.storage_tb(cameras, A.bitrate_mbps, A.retention_days) * A.price_per_tb)
    assert parts["power"] == pytest.approx(network.power_kw(cameras, A.watts_per_camera) * 8760 * A.price_per_kwh)
    assert parts["cameras"] == pytest.approx(cameras * A.camera_price / A.camera_life_years)
    assert parts["analysts"] == pytest.approx(cameras / A.screens_per_viewer * 4.2)


def test_break_even_is_the_first_year_the_machines_are_no_dearer():
    year = C.break_even_year(A)
    assert C.machine_cost(A, year) <= C.human_cost(A) < C.machine_cost(A, year - 1)


def test_analytics_bring_the_break_even_forward():
    assert C.break_even_year(A.automated()) < C.break_even_year(A)


def test_a_system_that_never_pays_off_says_so():
    # Twice the cameras: analysts and power alone cost as much as the guards.
    assert C.break_even_year(replace(A, cameras_per_post=8)) is None


def test_sensitivity_varies_one_assumption_at_a_time():
    table = C.sensitivity(A)
    assert set(table) == set(C.SENSITIVE)
    assert table["camera_price"][0] < C.break_even_year(A) < table["camera_price"][1]
    with pytest.raises(KeyError, match="no assumption named"):
        C.sensitivity(A, names=("colour",))


def test_the_most_sensitive_assumption_has_the_longest_swing():
    table = C.sensitivity(A)
    best = C.most_sensitive(A)
    assert all(C.swing(table[best]) >= C.swing(v) for v in table.values())


@pytest.mark.parametrize("plot", [C.plot_costs_over_time, C.plot_breakdown, C.plot_sensitivity])
def test_figures_have_labelled_axes(plot):
    ax = plot()
    assert ax.get_xlabel() and ax.get_title()


# --- Lab 10's hints (third edition): the lesson's own paper answers get their own hints ---

def test_lab10_whole_people_and_the_paper_break_even_get_their_own_hints():
    from survlab import checks
    from survlab.answers import watching_costs as key
    from survlab.labs import watching_costs as lab10

    lab = lab10.LAB
    assert lab.check("guards_per_post", 4.2).correct
    assert lab.check("guards_per_post", None).status == checks.BLANK_STATUS
    rounded = lab.check("guards_per_post", 5)
    assert rounded.status == checks.WRONG and "fraction" in rounded.message
    assert "hours of the week" in lab.check("guards_per_post", 3).message

    assert key.break_even_without_storage() == key.break_even() - 1  # the paper version's year 6
    assert lab.check("break_even", key.break_even()).correct
    paper = lab.check("break_even", key.break_even_without_storage())
    assert paper.status == checks.WRONG and "storage left out" in paper.message
    assert "too late" in lab.check("break_even", key.break_even() + 1).message


def test_crossover_summary_gives_the_years_the_lab_page_states():
    years = C.crossover_summary(A)
    assert years["crossover"] == C.break_even_year(A)
    assert years["crossover_auto"] < years["crossover"]
    assert years["crossover_no_storage"] == years["crossover"] - 1

