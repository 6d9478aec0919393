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
