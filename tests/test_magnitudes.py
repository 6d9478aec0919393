import pytest

from survlab import magnitudes


def test_video_bytes_for_a_day_at_two_megabits():
    assert magnitudes.video_bytes(2, magnitudes.SECONDS_PER_DAY) == pytest.approx(21.6e9)


def test_order_of_magnitude_and_orders_apart():
    assert magnitudes.order_of_magnitude(2_500) == 3
    assert magnitudes.order_of_magnitude(0.05) == -2
    assert magnitudes.orders_apart(1e6, 10) == pytest.approx(5)


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_order_of_magnitude_rejects_non_positive(bad):
    with pytest.raises(ValueError, match="positive"):
        magnitudes.order_of_magnitude(bad)


def test_negative_inputs_are_rejected():
    with pytest.raises(ValueError):
        magnitudes.video_bytes(-1, 10)
    with pytest.raises(ValueError):
        magnitudes.format_bytes(-5)


@pytest.mark.parametrize("n,text", [(999, "999 B"), (21.6e9, "21.6 GB"), (3.24e14, "324 TB"), (1e21, "1e+03 EB")])
def test_format_bytes_uses_decimal_units(n, text):
    assert magnitudes.format_bytes(n) == text


def test_plot_scale_draws_one_bar_per_quantity_on_a_log_axis():
    ax = magnitudes.plot_scale({"a": 10, "b": 1e6}, title="t")
    assert ax.get_xscale() == "log" and len(ax.patches) == 2 and ax.get_title() == "t"


# --- Lab 0's hints (second edition): gibibytes, bytes, and megabits --------------------

def test_lab0_hints_for_1024_cubed_and_a_missing_billion():
    from survlab import checks
    from survlab.labs import getting_started as lab0

    day_bits = 2e6 * 86_400
    gib = lab0.LAB.check("camera_gb_per_day", day_bits / 8 / 1024**3)
    assert gib.status == checks.WRONG and "1024**3" in gib.message and "gibibytes" in gib.message
    in_bytes = lab0.LAB.check("camera_gb_per_day", day_bits / 8)
    assert in_bytes.status == checks.WRONG and "bytes" in in_bytes.message and "10**9" in in_bytes.message
    no_mega = lab0.LAB.check("camera_gb_per_day", 2 * 86_400 / 8 / 1e9)
    assert no_mega.status == checks.WRONG and "10**6" in no_mega.message
    assert lab0.LAB.check("camera_gb_per_day", 21.6).correct


def test_lab0_every_exercise_can_state_its_tolerance():
    from survlab.labs import getting_started as lab0

    described = [e.kind.describe() for e in lab0.LAB.exercises]
    assert all(described)
    assert "1%" in described[0] and "2%" in described[1]
