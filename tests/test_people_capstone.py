"""The capstone's join: records from the earlier parts' models, hours, places and losses."""
import pytest

from survlab.biometrics import idcards
from survlab.people import capstone as C
from survlab.screens import devices


@pytest.fixture(scope="module")
def records():
    return C.week_records()


def test_every_system_contributes_records_within_the_week(records):
    assert set(records) == set(C.SYSTEMS)
    for name, rows in records.items():
        assert rows, name
        assert all(0 <= s.hour < C.HOURS_PER_WEEK and s.system == name for s in rows)


def test_card_records_are_the_part_two_tables_for_the_person(records):
    week = idcards.synthetic_week()
    expected = idcards.hour_slots(idcards.link_on_card(C.PERSON.card, *week.tables().values()))
    assert C.hours(records["cards"]) == {h for h in expected if h < 168}


def test_phone_records_are_the_part_three_points_for_the_line(records):
    points = devices.antenna_traces().points(C.PERSON.subscriber)
    assert C.hours(records["phone"]) == {h for h, _ in points}


def test_the_join_counts_an_hour_once(records):
    joined = len(C.hours(C.joined(records)))
    assert max(C.hours_by_system(records).values()) <= joined < sum(C.hours_by_system(records).values())


def test_cumulative_additions_sum_to_the_join(records):
    steps = C.cumulative_hours(records)
    assert sum(added for _, added, _ in steps) == steps[-1][2] == len(C.hours(C.joined(records)))


def test_unique_hours_are_what_the_join_loses_without_the_system(records):
    total = len(C.hours(C.joined(records)))
    for name, unique in C.unique_hours(records).items():
        rest = [n for n in C.SYSTEMS if n != name]
        assert total - len(C.hours(C.joined(records, rest))) == unique


def test_more_shared_points_mean_fewer_companions():
    counts = [len(C.phone_contacts(min_shared=k)) for k in (1, 3, 5)]
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0
    assert C.PERSON.subscriber not in C.phone_contacts(min_shared=1)


def test_power_cuts_silence_only_mains_powered_systems(records):
    cut = C.power_cut_hours()
    assert len(cut) == 7 * 8
    after = C.without_power(records, cut)
    assert not (C.hours(after["cameras"]) | C.hours(after["television"])) & cut
    assert after["cards"] == records["cards"] and after["phone"] == records["phone"]
    with pytest.raises(ValueError, match="hours_off_per_day"):
        C.power_cut_hours(hours_off_per_day=25)


@pytest.mark.parametrize("plot", [C.plot_week, C.plot_cumulative])
def test_figures_are_titled(plot, records):
    assert plot(records).get_title()


def test_the_week_figure_marks_exactly_each_systems_hours(records):
    ax = C.plot_week(records)
    expected = [C.hours(records[name]) for name in C.SYSTEMS] + [C.hours(C.joined(records))]
    assert len(ax.collections) == len(expected)
    for bars, hours in zip(ax.collections, expected):
        marked = set()
        for path in bars.get_paths():
            xs = path.vertices[:, 0]
            marked |= set(range(round(xs.min()), round(xs.max())))
        assert marked == hours


# --- third edition: the link table, the seams, the co-located lines and the battery assumption ---

def test_the_link_table_names_the_plate_of_lab_four_target_car(records):
    town, week, vehicle = C._plate_world()
    assert C.PERSON.plate == town.vehicles[vehicle].plate
    assert all(s.system == "cameras" for s in C.camera_sightings(C.PERSON))
    other = C.Person(card=C.PERSON.card, plate="ZZ0000", household=C.PERSON.household, subscriber=0)
    assert C.camera_sightings(other) != records["cameras"]


def test_the_stitched_models_put_the_car_and_the_train_in_one_hour(records):
    both = C.car_and_train_hours(C.PERSON, records)
    assert 7 in both  # Monday 07:00, the hour the lab points at
    assert both <= C.hours(records["cameras"])


def test_almost_every_frequent_co_located_line_merely_works_near_the_same_antenna():
    often = C.phone_contacts(min_shared=5)
    at_work = C.contacts_at_work_antenna(min_shared=5)
    assert at_work <= often and len(at_work) >= 0.9 * len(often) > 0  # the page says "almost all"


def test_without_batteries_every_schedule_loses_more(records):
    rows = C.battery_sensitivity(records)
    assert [seed for seed, _, _ in rows] == list(range(3, 13))
    assert all(all_down > batteries for _, batteries, all_down in rows)
    assert all(all_down >= 2 * batteries for _, batteries, all_down in rows)  # "far more"
    cut = C.power_cut_hours(3, 8)
    assert C.hours_lost(records, cut, ()) == 0


def test_the_summary_is_what_the_functions_compute(records):
    s = C.summary()
    assert s["joined_hours"] == len(C.hours(C.joined(records)))
    assert s["contacts"] == len(C.phone_contacts(min_shared=5))
    assert s["lost_batteries"] == C.hours_lost(records, C.power_cut_hours(3, 8))
    assert s["waking_joined"] <= s["waking_hours"] == 112
    assert C.glue_summary({"x": 1}) == {"x": 1}


def test_the_power_exercise_names_the_battery_assumption():
    from survlab import checks
    from survlab.answers import capstone_week as key
    from survlab.labs import capstone_week as lab12

    lab = lab12.LAB
    assert lab.check("hours_lost_to_power_cuts", key.hours_lost_to_power_cuts()).correct
    assert lab.check("hours_lost_to_power_cuts", None).status == checks.BLANK_STATUS
    all_down = lab.check("hours_lost_to_power_cuts", key.hours_lost_all_systems_down())
    assert all_down.status == checks.WRONG and "batteries" in all_down.message
    assert "inside a cut" in lab.check("hours_lost_to_power_cuts", key.mains_hours_in_cuts()).message


def test_the_week_is_computed_once_and_callers_cannot_change_it():
    """week_records is cached (the grader's warm server computes it before it forks), and
    each call hands out fresh lists: a notebook that edits them leaves the next call intact."""
    from survlab.labs import capstone_week

    C._week_records.cache_clear()
    for step in capstone_week.LAB.warm_up:
        step()
    first = C.week_records()
    assert C._week_records.cache_info().hits >= 1
    first["cameras"].clear()
    first["cards"].append("not a sighting")
    again = C.week_records()
    assert again["cameras"] and "not a sighting" not in again["cards"]
    assert again == C.week_records() and again is not first


def test_the_graders_warm_server_computes_the_week_before_it_forks():
    from underwatch import inside

    C._week_records.cache_clear()
    inside.preload("capstone-week")
    assert C._week_records.cache_info().currsize == 1
