"""Tests for survlab.cameras.plates: the synthetic town, the reader's errors, trails and routines."""
from __future__ import annotations


import numpy as np
import pytest

from survlab.cameras import plates as P
from survlab.checks import WRONG
from survlab.labs import plate_trails
from survlab.answers import plate_trails as plate_answers


@pytest.fixture(scope="module")
def town():
    return P.make_town()


@pytest.fixture(scope="module")
def week(town):
    return P.simulate_week(town)


def read(day, hour, camera, text="GO4071", plate="GO4071", vehicle=0):
    return P.Read(day * 24 + hour, camera, text, plate, vehicle)


# --- plates and the reader's errors -------------------------------------------------------

def test_misread_without_errors_returns_the_plate():
    rng = np.random.default_rng(1)
    assert P.misread("GO4071", rng, 0.0) == "GO4071"


def test_misread_lookalikes_swap_across_the_letter_digit_divide():
    rng = np.random.default_rng(1)
    # every character wrong, always its look-alike when it has one
    out = P.misread("BS8052", rng, 1.0, lookalike_share=1.0)
    assert out == "85BOSZ"


def test_misread_other_errors_stay_in_their_kind():
    rng = np.random.default_rng(2)
    for _ in range(50):
        out = P.misread("GO4071", rng, 1.0, lookalike_share=0.0)
        assert out[:2].isalpha() and out[2:].isdigit()
        assert all(a != b for a, b in zip(out, "GO4071"))


def test_misread_error_rate_is_close_to_p_char():
    rng = np.random.default_rng(3)
    wrong = sum(a != b for _ in range(2000) for a, b in zip(P.misread("GO4071", rng, 0.05), "GO4071"))
    assert wrong / (2000 * 6) == pytest.approx(0.05, abs=0.01)


@pytest.mark.parametrize("bad", [("GO407", 0.1, 0.5), ("GO4071", 1.5, 0.5), ("GO4071", 0.1, -0.1), (4071, 0.1, 0.5)])
def test_misread_rejects_bad_input(bad):
    text, p, share = bad
    with pytest.raises(ValueError):
        P.misread(text, np.random.default_rng(0), p, share)


def test_normalise_undoes_lookalikes_by_position():
    assert P.normalise("G04O71") == "GO4071"
    assert P.normalise("85BOSZ") == "BS8052"
    assert P.normalise("go 4071") == "GO4071"
    assert P.normalise("GO-4071") == "GO4071"


def test_normalise_cannot_undo_a_digit_read_as_another_digit():
    assert P.normalise("GO4371") != "GO4071"


def test_normalise_rejects_wrong_length():
    with pytest.raises(ValueError, match="6 characters"):
        P.normalise("GO40711")


def test_differences_and_matches():
    assert P.differences("G04O71", "GO4071") == 0
    assert P.differences("GO4371", "GO4071") == 1
    assert P.differences("GO4372", "GO4071") == 2
    assert P.matches("GO4371", "GO4071")
    assert not P.matches("GO4371", "GO4071", max_differences=0)
    assert not P.matches("GO4372", "GO4071")
    with pytest.raises(ValueError):
        P.matches("GO4071", "GO4071", max_differences=-1)


def test_near_plates_excludes_the_plate_itself():
    assert P.near_plates(["GO4071", "GO4072", "GO9999", "G04O72"], "GO4071") == ["GO4072", "G04O72"]


def test_plates_with_neighbours_counts_each_crowded_plate(town):
    assert P.plates_with_neighbours(["GO4071", "GO4072", "GO9999", "BA1111"]) == 2
    assert P.plates_with_neighbours(["GO4071", "GO4072", "GO9999"], max_differences=0) == 0
    assert P.plates_with_neighbours(["GO4071", "G04O71"], max_differences=0) == 2  # look-alikes only
    assert P.plates_with_neighbours(["GO4071"]) == 0
    slow = sum(bool(P.near_plates(town.plates[:80], p)) for p in town.plates[:80])
    assert P.plates_with_neighbours(town.plates[:80]) == slow
    with pytest.raises(ValueError):
        P.plates_with_neighbours(["GO4071", "GO4072"], -1)


# --- the town -----------------------------------------------------------------------------

def test_make_town_is_seeded(town):
    again = P.make_town()
    assert again.cameras == town.cameras and again.vehicles == town.vehicles
    other = P.make_town(seed=5)
    assert other.vehicles != town.vehicles


def test_make_town_cameras_are_spread_and_inside(town):
    nodes = list(town.cameras.values())
    assert len(nodes) == 14
    for i, a in enumerate(nodes):
        assert 1 <= a[0] <= town.size - 2 and 1 <= a[1] <= town.size - 2
        for b in nodes[i + 1:]:
            assert max(abs(a[0] - b[0]), abs(a[1] - b[1])) >= 2
    assert set(town.camera_quality) == set(town.cameras)


def test_make_town_plates_are_unique_and_coded_by_district(town):
    plates = town.plates
    assert len(set(plates)) == len(plates) == 400
    half = town.size / 2
    for v in town.vehicles:
        code = P.DISTRICT_CODES[2 * (v.home[1] >= half) + (v.home[0] >= half)]
        assert v.plate.startswith(code) and v.plate[2:].isdigit()
        assert v.work in town.workplaces


def test_vehicle_index(town):
    assert town.vehicle_index(town.vehicles[7].plate) == 7
    with pytest.raises(ValueError):
        town.vehicle_index("XX0000")


@pytest.mark.parametrize("kwargs", [dict(size=3), dict(n_cameras=0), dict(n_cameras=99), dict(n_vehicles=0),
                                    dict(block_km=0), dict(night_shift_share=1.5)])
def test_make_town_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        P.make_town(**kwargs)


def test_route_is_a_shortest_grid_path():
    path = P.route((1, 1), (4, 3), x_first=True)
    assert path[0] == (1, 1) and path[-1] == (4, 3)
    assert len(path) == 3 + 2 + 1
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(path, path[1:]))
    assert path[1] == (2, 1)  # east first
    assert P.route((1, 1), (4, 3), x_first=False)[1] == (1, 2)  # north first
    assert P.route((4, 3), (1, 1))[1] == (3, 3)  # westward works too
    assert P.route((2, 2), (2, 2)) == [(2, 2)]


def test_cameras_on_route_and_commute(town):
    name, node = next(iter(town.cameras.items()))
    assert P.cameras_on_route(town, [(0, 0), node]) == ([name] if (0, 0) not in town.camera_at else
                                                        [town.camera_at[(0, 0)], name])
    for v in range(len(town.vehicles)):
        cams = P.commute_cameras(town, v)
        if len(cams) >= 2:
            assert P.home_camera(town, v) == cams[0] and P.work_camera(town, v) == cams[-1]
        else:
            assert P.home_camera(town, v) is None and P.work_camera(town, v) is None


def test_placeable_and_camera_counts(town):
    counts = P.commute_camera_counts(town)
    assert sum(counts.values()) == len(town.vehicles)
    assert len(P.placeable(town)) == sum(c for n, c in counts.items() if n >= 2)


# --- a week of reads -----------------------------------------------------------------------

def test_simulate_week_is_seeded(town, week):
    assert P.simulate_week(town) == week
    assert P.simulate_week(town, seed=1) != week


def test_reads_come_from_caught_passes(week):
    caught = [p for p in week.passes if p.read]
    assert len(caught) == len(week.reads)
    assert [(p.time_h, p.camera, p.vehicle) for p in caught] == [(r.time_h, r.camera, r.vehicle) for r in week.reads]
    times = [r.time_h for r in week.reads]
    assert times == sorted(times)
    assert all(0 <= t < 7 * 24 for t in times)


def test_reads_belong_to_their_vehicle(town, week):
    for r in week.reads[:500]:
        assert r.plate == town.vehicles[r.vehicle].plate
        assert len(r.text) == 6


def test_night_is_harder_than_day(week):
    light = P.split_by_light(week.reads)
    assert len(light["day"]) + len(light["night"]) == len(week.reads)
    assert P.plate_error_rate(light["night"]) > 2 * P.plate_error_rate(light["day"])


def test_a_perfect_reader_makes_no_errors(town):
    perfect = P.ReaderModel(p_miss_day=0, p_miss_night=0, p_char_day=0, p_char_night=0)
    w = P.simulate_week(town, reader=perfect)
    assert P.plate_error_rate(w.reads) == 0 and P.miss_rate(w.passes) == 0


def test_no_work_days_means_no_morning_commutes(town, week):
    w = P.simulate_week(town, work_days=0)
    assert w.reads and all(r.hour >= 9 for r in w.reads)  # rest-day errands start at 9:00
    assert any(r.hour < 9 for r in week.reads)


@pytest.mark.parametrize("kwargs", [dict(work_days=8), dict(speed_kmh=0)])
def test_simulate_week_rejects_bad_input(town, kwargs):
    with pytest.raises(ValueError):
        P.simulate_week(town, **kwargs)


def test_read_day_hour_and_repr():
    r = read(2, 7.5, "C3")
    assert r.day == 2 and r.hour == pytest.approx(7.5)
    assert repr(r) == "Read(Wed 07:30, C3, read 'GO4071')"


def test_reader_model_daylight():
    model = P.ReaderModel()
    assert model.is_daylight(12.0) and not model.is_daylight(3.0) and not model.is_daylight(20.0)


def test_reads_of_vehicle(week):
    own = week.reads_of_vehicle(3)
    assert own and all(r.vehicle == 3 for r in own)
    assert len(own) == sum(r.vehicle == 3 for r in week.reads)


def test_retained_keeps_the_window(week):
    two = week.retained(2)
    assert two.reads and all(r.time_h >= 5 * 24 for r in two.reads)
    assert len(two.reads) == sum(r.time_h >= 5 * 24 for r in week.reads)
    friday = week.retained(1, now_h=5 * 24)
    assert all(4 * 24 <= r.time_h < 5 * 24 for r in friday.reads)
    assert all(4 * 24 <= p.time_h < 5 * 24 for p in friday.passes)
    with pytest.raises(ValueError):
        week.retained(0)
    with pytest.raises(ValueError):
        week.retained(1, now_h=500)


# --- measuring the reader -----------------------------------------------------------------

def test_plate_error_rate_and_miss_rate_on_small_data():
    reads = [read(0, 8, "C1"), read(0, 9, "C1", text="G04071"), read(0, 10, "C2", text="GO4371"), read(0, 11, "C2")]
    assert P.plate_error_rate(reads) == 0.5
    passes = [P.Pass(1.0, "C1", 0, True), P.Pass(2.0, "C1", 0, False), P.Pass(3.0, "C1", 0, True),
              P.Pass(4.0, "C1", 0, True)]
    assert P.miss_rate(passes) == 0.25
    with pytest.raises(ValueError):
        P.plate_error_rate([])
    with pytest.raises(ValueError):
        P.miss_rate([])


def test_reads_matching_and_exact_reads():
    reads = [read(0, 8, "C1"), read(0, 9, "C1", text="G04071"), read(0, 10, "C2", text="GO4371"),
             read(0, 11, "C2", text="GO4372", plate="GO4372", vehicle=1)]
    assert len(P.exact_reads(reads, "GO4071")) == 1
    assert len(P.reads_matching(reads, "GO4071", 0)) == 2
    assert len(P.reads_matching(reads, "GO4071", 1)) == 3
    assert len(P.reads_matching(reads, "GO4071", 2)) == 4


# --- from a trail to a routine ------------------------------------------------------------

def routine():
    """Two work days: C1 near home, C2 on the way, C3 near work; then an errand via C4."""
    days = []
    for d in (0, 1):
        days += [read(d, 7.0, "C1"), read(d, 7.1, "C2"), read(d, 7.2, "C3"),
                 read(d, 17.0, "C3"), read(d, 17.1, "C2"), read(d, 17.2, "C1")]
    days += [read(5, 10.0, "C4"), read(5, 11.0, "C4")]
    return days


def test_estimate_home_and_work_camera():
    assert P.estimate_home_camera(routine()) == "C1"
    assert P.estimate_work_camera(routine()) == "C3"
    assert P.estimate_home_camera([]) is None and P.estimate_work_camera([]) is None


def test_estimates_do_not_depend_on_read_order():
    shuffled = list(reversed(routine()))
    assert P.estimate_home_camera(shuffled) == "C1" and P.estimate_work_camera(shuffled) == "C3"


def test_most_seen_camera():
    reads = routine()
    assert P.most_seen_camera(reads, 9, 12) == "C4"
    assert P.most_seen_camera(reads, 0, 9) == "C1"  # a three-way tie goes to the camera seen first
    assert P.most_seen_camera([], 0, 24) is None
    with pytest.raises(ValueError):
        P.most_seen_camera(reads, 12, 9)


def test_identification_rates_rise_with_reads(town, week):
    few = P.identification_rates(town, week, 2)
    many = P.identification_rates(town, week, 25)
    assert many["both"] > few["both"] + 0.3
    for rates in (few, many):
        assert rates["both"] <= min(rates["home"], rates["work"])
        assert all(0 <= x <= 1 for x in rates.values())
    assert P.identification_rates(town, week, 1)["both"] == 0  # one read cannot be at two cameras


def test_identification_with_all_reads_matches_the_estimators(town, week):
    everything = P.identification_rates(town, week, 10_000, trials=1)
    vehicles = P.placeable(town)
    right = sum(P.estimate_home_camera(week.reads_of_vehicle(v)) == P.home_camera(town, v) for v in vehicles)
    assert everything["home"] == pytest.approx(right / len(vehicles))


def test_fraction_identified_is_the_curve_at_k(town, week):
    curve = P.identification_curve(town, week, [3, 8])
    assert P.fraction_identified(town, week, 8, "work") == curve["work"][1]
    assert list(curve["k"]) == [3, 8]
    with pytest.raises(ValueError):
        P.fraction_identified(town, week, 8, "door")
    with pytest.raises(ValueError):
        P.identification_rates(town, week, 0)


def test_reads_needed_is_the_first_k_that_reaches_the_share(town, week):
    k = P.reads_needed(town, week, 0.8, "both")
    assert P.fraction_identified(town, week, k, "both") >= 0.8
    assert P.fraction_identified(town, week, k - 1, "both") < 0.8
    with pytest.raises(ValueError):
        P.reads_needed(town, week, 1.0, "both", max_k=3)
    with pytest.raises(ValueError):
        P.reads_needed(town, week, 0.0)


def test_reads_per_vehicle(town, week):
    counts = P.reads_per_vehicle(week, len(town.vehicles))
    assert counts.sum() == len(week.reads) and counts[3] == len(week.reads_of_vehicle(3))
    with pytest.raises(ValueError):
        P.reads_per_vehicle(week, 0)


def test_target_vehicle_meets_its_criteria(town, week):
    v = P.target_vehicle(town, week)
    plate = town.vehicles[v].plate
    assert not town.vehicles[v].night_shift and len(P.commute_cameras(town, v)) >= 3
    assert P.near_plates(town.plates, plate) == []
    exact = len(P.exact_reads(week.reads, plate))
    assert exact < len(P.reads_matching(week.reads, plate, 0)) < len(P.reads_matching(week.reads, plate, 1))


def test_target_vehicle_fails_clearly_when_nothing_fits(town):
    empty = P.Week((), ())
    with pytest.raises(ValueError, match="target"):
        P.target_vehicle(town, empty)


# --- figures ------------------------------------------------------------------------------

def test_figures_have_labelled_axes(town, week):
    import matplotlib.pyplot as plt

    v = P.target_vehicle(town, week)
    for ax in (P.plot_town(town), P.plot_town(town, week, v), P.plot_trail(week.reads_of_vehicle(v)),
               P.plot_identification(town, week, ks=range(1, 6))):
        assert ax.get_xlabel() and ax.get_ylabel()
        assert "km" in P.plot_town(town).get_xlabel()
        plt.close(ax.figure)
    fig = P.plot_reader_stages()
    assert len(fig.axes) == 3 and fig.axes[2].get_ylabel()
    plt.close(fig)


# --- the lab's declarations ---------------------------------------------------------------

def test_lab_answers_are_consistent_with_the_library():
    s = plate_trails.scenario()
    assert plate_trails.LAB.id == "plate-trails"
    trail = P.reads_matching(s.week.reads, s.target_plate)
    assert all(r.plate == s.target_plate for r in trail)  # the tolerant match finds only the target
    assert plate_answers.target_reads() == len(s.week.reads_of_vehicle(s.town.vehicle_index(s.target_plate)))
    v = s.town.vehicle_index(s.target_plate)
    assert plate_answers.home_camera_guess() == P.home_camera(s.town, v)
    assert plate_answers.work_camera_guess() == P.work_camera(s.town, v)


def test_lab_mistakes_are_distinct_from_the_answers():
    for ex in plate_trails.LAB.exercises:
        expected = ex.expected_value()
        assert plate_trails.LAB.check(ex.name, expected).correct
        for m in ex.mistakes:
            result = plate_trails.LAB.check(ex.name, m.value(expected))
            assert result.status == WRONG and result.message == m.hint, (ex.name, m.hint)


# --- second edition: the standard error of a difference of two accuracies ---------------

def test_standard_errors_of_a_rate_and_of_a_difference():
    assert P.rate_standard_error(0.96, 600) == pytest.approx(0.008)
    # sqrt(0.961 x 0.039 / 600 + 0.968 x 0.032 / 600) = 0.0107: about 1.1 percentage points
    se = P.difference_standard_error(0.961, 600, 0.968, 600)
    assert se == pytest.approx(0.010681, rel=1e-4)
    assert (0.968 - 0.961) / se == pytest.approx(0.655, abs=0.01)
    with pytest.raises(ValueError):
        P.rate_standard_error(1.2, 600)
    with pytest.raises(ValueError):
        P.rate_standard_error(0.5, 0)


def test_lab4_accuracy_gap_exercise_and_its_hints():
    from survlab.answers import plate_trails as key
    from survlab.labs import plate_trails as lab4
    lab = lab4.LAB
    assert lab.check("accuracy_gap_se", key.accuracy_gap_se()).correct
    one = lab.check("accuracy_gap_se", (0.961 * 0.039 / 600) ** 0.5)
    assert one.status == WRONG and "one rate" in one.message
    added = lab.check("accuracy_gap_se", (0.961 * 0.039 / 600) ** 0.5 + (0.968 * 0.032 / 600) ** 0.5)
    assert added.status == WRONG and "variances" in added.message
    assert "square root" in lab.check("accuracy_gap_se", key.accuracy_gap_se() ** 2).message
    assert "percentage points" in lab.check("accuracy_gap_se", 1.07).message
    # The lesson's rounded "about 1.1 points" is 3% off: not accepted, but told apart from a wrong method.
    rounded = lab.check("accuracy_gap_se", 0.011)
    assert rounded.status == WRONG and "rounded value" in rounded.message
    assert lab.check("accuracy_gap_se", 0.0107).correct  # the lesson's own four-figure value


def test_lab4_town_has_six_workplaces_and_cameras_c1_to_c14():
    from survlab.labs import plate_trails as lab4
    town = lab4.scenario().town
    assert sorted(town.cameras, key=lambda c: int(c[1:])) == [f"C{i}" for i in range(1, 15)]
    assert len({v.work for v in town.vehicles}) == 6
