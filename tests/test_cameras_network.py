"""The camera-network arithmetic: each function against a hand-worked value, bad input, and the figures."""
from __future__ import annotations

import math
from dataclasses import replace

import pytest

from survlab.cameras import network
from survlab.answers import camera_network
from survlab.labs import camera_network as camera_network_lab



# --- capture and encoding ---------------------------------------------------------------

def test_raw_bitrate_of_1080p25_full_colour():
    # 1920 x 1080 pixels x 25 frames x 24 bits = 1,244,160,000 bits per second
    assert network.raw_bitrate_mbps(1920, 1080, 25) == pytest.approx(1244.16)


def test_raw_bitrate_scales_with_frame_rate_and_bits():
    assert network.raw_bitrate_mbps(100, 100, 10, bits_per_pixel=12) == pytest.approx(1.2)


@pytest.mark.parametrize("args", [(0, 1080, 25), (1920, -1, 25), (1920, 1080, 0), (1920, 1080, float("nan"))])
def test_raw_bitrate_rejects_non_positive_sizes(args):
    with pytest.raises(ValueError, match="positive"):
        network.raw_bitrate_mbps(*args)


def test_h265_needs_half_the_bitrate_of_h264_in_this_model():
    h264 = network.encoded_bitrate_mbps(1920, 1080, 25, "H.264")
    h265 = network.encoded_bitrate_mbps(1920, 1080, 25, "H.265")
    assert h264 == pytest.approx(1920 * 1080 * 25 * 0.08 / 1e6)
    assert h265 == pytest.approx(h264 / 2)


def test_encoded_bitrate_rejects_unknown_codec():
    with pytest.raises(ValueError, match="unknown codec"):
        network.encoded_bitrate_mbps(1920, 1080, 25, "MPEG-2")


def test_pixels_on_target_matches_the_geometry():
    # a 90-degree lens sees a scene 2 * 10 * tan(45 deg) = 20 m wide at 10 m
    assert network.pixels_on_target(10, 90, 2000, object_width_m=0.2) == pytest.approx(20.0)


def test_pixels_on_target_halves_when_distance_doubles():
    near = network.pixels_on_target(5, 60, 1920)
    far = network.pixels_on_target(10, 60, 1920)
    assert far == pytest.approx(near / 2)


def test_a_narrower_lens_puts_more_pixels_on_a_face():
    assert network.pixels_on_target(10, 30, 1920) > network.pixels_on_target(10, 100, 1920)


@pytest.mark.parametrize("hfov", [0, 180, -10, 200])
def test_pixels_on_target_rejects_impossible_fields_of_view(hfov):
    with pytest.raises(ValueError, match="field of view"):
        network.pixels_on_target(10, hfov, 1920)


def test_pixels_on_target_rejects_zero_distance():
    with pytest.raises(ValueError, match="distance_m"):
        network.pixels_on_target(0, 60, 1920)


# --- what a network needs ---------------------------------------------------------------

def test_storage_of_one_camera_for_one_day():
    # 2 Mbps x 86,400 s / 8 = 21.6e9 bytes = 0.0216 TB
    assert network.storage_tb(1, 2.0, 1) == pytest.approx(0.0216)


def test_storage_grows_with_cameras_days_and_recording_share():
    assert network.storage_tb(1000, 2.0, 30) == pytest.approx(648.0)
    assert network.storage_tb(1000, 2.0, 30, recording_fraction=0.25) == pytest.approx(162.0)


@pytest.mark.parametrize("kwargs", [dict(cameras=-1, bitrate_mbps=2, days=1),
                                    dict(cameras=1, bitrate_mbps=-2, days=1),
                                    dict(cameras=1, bitrate_mbps=2, days=-1),
                                    dict(cameras=1, bitrate_mbps=2, days=1, recording_fraction=1.5)])
def test_storage_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        network.storage_tb(**kwargs)


def test_uplink_adds_streams_and_converts_to_gigabits():
    assert network.uplink_gbps(500, 4.0) == pytest.approx(2.0)
    assert network.uplink_gbps(500, 4.0, streamed_fraction=0.1) == pytest.approx(0.2)


def test_uplink_rejects_a_share_above_one():
    with pytest.raises(ValueError, match="share"):
        network.uplink_gbps(500, 4.0, streamed_fraction=2)


def test_power_in_kilowatts():
    assert network.power_kw(250, 8.0) == pytest.approx(2.0)


def test_power_rejects_negative_watts():
    with pytest.raises(ValueError, match="watts_per_camera"):
        network.power_kw(10, -1)


def test_viewers_are_rounded_up():
    assert network.viewers_needed(100, 12) == 9  # 8.33 -> 9
    assert network.viewers_needed(96, 12) == 8  # exact: no phantom extra viewer
    assert network.viewers_needed(10_000, 12, watched_fraction=0.05) == 42  # 41.67 -> 42


def test_viewers_ignore_float_noise():
    # 100 * 0.07 is 7.000000000000001 in floating point; it must not become an eighth viewer
    assert 100 * 0.07 != 7
    assert network.viewers_needed(100, 1, watched_fraction=0.07) == 7


def test_viewers_reject_zero_screens():
    with pytest.raises(ValueError, match="screens_per_viewer"):
        network.viewers_needed(10, 0)


# --- networks and budgets ---------------------------------------------------------------

def test_network_rejects_bad_assumptions():
    with pytest.raises(ValueError, match="bitrate_mbps"):
        network.Network(cameras=10, bitrate_mbps=0)
    with pytest.raises(ValueError, match="watched_fraction"):
        network.Network(cameras=10, bitrate_mbps=2, watched_fraction=1.2)
    with pytest.raises(ValueError, match="recording_fraction"):
        network.Network(cameras=10, bitrate_mbps=2, recording_fraction=0)
    with pytest.raises(ValueError, match="cameras"):
        network.Network(cameras=-5, bitrate_mbps=2)


def test_budget_rejects_negative_supply():
    with pytest.raises(ValueError, match="power_kw"):
        network.Budget(storage_tb=1, uplink_gbps=1, power_kw=-1, viewers=1)


def test_totals_of_the_example_city():
    t = network.totals(network.EXAMPLE_CITY)
    assert t["storage"] == pytest.approx(10_000 * 0.0216 * 30)  # 6,480 TB
    assert t["bandwidth"] == pytest.approx(20.0)
    assert t["power"] == pytest.approx(100.0)
    assert t["viewers"] == 834  # 10,000 / 12 = 833.3, rounded up


def test_totals_include_analytics_power():
    t = network.totals(network.EXAMPLE_CITY_WITH_ANALYTICS)
    assert t["power"] == pytest.approx(200.0)
    assert t["viewers"] == 42


def test_cameras_allowed_by_each_budget():
    allowed = network.cameras_allowed(network.EXAMPLE_CITY, network.EXAMPLE_BUDGET)
    assert allowed == {"storage": 4629, "bandwidth": 5000, "power": 6000, "viewers": 2400}


def test_cameras_allowed_counts_exact_fits_in_full():
    # 10 Gbit/s / 2 Mbps is exactly 5,000 cameras, even though 10 / 0.002 is not exact in floating point
    net = network.Network(cameras=1, bitrate_mbps=2.0)
    assert network.cameras_allowed(net, network.Budget(1e9, 10, 1e9, 1e9))["bandwidth"] == 5000


def test_a_resource_nobody_uses_sets_no_limit():
    local_only = replace(network.EXAMPLE_CITY, streamed_fraction=0.0, watched_fraction=0.0)
    allowed = network.cameras_allowed(local_only, network.EXAMPLE_BUDGET)
    assert math.isinf(allowed["bandwidth"]) and math.isinf(allowed["viewers"])
    assert network.binding_limit(local_only, network.EXAMPLE_BUDGET) == "storage"


def test_binding_limit_is_the_smallest_count():
    assert network.binding_limit(network.EXAMPLE_CITY, network.EXAMPLE_BUDGET) == "viewers"
    assert network.binding_limit(network.EXAMPLE_CITY_WITH_ANALYTICS, network.EXAMPLE_BUDGET) == "power"


def test_binding_limit_moves_with_the_bitrate():
    town = network.Network(cameras=2_000, bitrate_mbps=2.0)
    budget = network.Budget(storage_tb=1_000, uplink_gbps=2, power_kw=40, viewers=100)
    assert network.binding_limit(town, budget) == "bandwidth"
    assert network.binding_limit(replace(town, bitrate_mbps=1.0), budget) == "viewers"


def test_binding_limit_ties_go_to_the_first_listed():
    net = network.Network(cameras=1, bitrate_mbps=1.0, retention_days=1, watts_per_camera=1000,
                          screens_per_viewer=1)
    one = network.totals(net)
    budget = network.Budget(storage_tb=one["storage"] * 10, uplink_gbps=one["bandwidth"] * 10,
                            power_kw=one["power"] * 10, viewers=10)
    assert set(network.cameras_allowed(net, budget).values()) == {10}
    assert network.binding_limit(net, budget) == "storage"


def test_lab1_compression_ratio_against_the_subsampled_picture_gets_its_own_hint():
    from survlab.checks import WRONG
    from survlab.labs import camera_network as lab1
    ratio = camera_network.compression_ratio()
    assert lab1.LAB.check("compression_ratio", ratio).correct
    half = lab1.LAB.check("compression_ratio", round(ratio / 2))  # 311: the 12-bit (4:2:0) picture
    assert half.status == WRONG and "12 bits per pixel" in half.message


def test_max_cameras_is_the_binding_count():
    assert network.max_cameras(network.EXAMPLE_CITY, network.EXAMPLE_BUDGET) == 2400
    assert network.max_cameras(network.EXAMPLE_CITY_WITH_ANALYTICS, network.EXAMPLE_BUDGET) == 3000


# --- the lab's expected answers ---------------------------------------------------------

def test_lab_expected_values():
    assert camera_network.compression_ratio() == pytest.approx(622.08)
    assert camera_network.storage_tb() == pytest.approx(6480.0)
    assert camera_network.uplink_gbps() == pytest.approx(20.0)
    assert camera_network.power_kw() == pytest.approx(100.0)
    assert camera_network.viewers_needed() == 834
    assert camera_network.binding_limit() == "viewers"
    assert camera_network.binding_limit_with_analytics() == "power"


def test_lab_mistakes_differ_from_the_answers():
    for exercise in camera_network_lab.LAB.exercises:
        expected = exercise.expected_value()
        assert exercise.mistakes, exercise.name
        for mistake in exercise.mistakes:
            wrong = mistake.value(expected)
            assert not exercise.kind.matches(wrong, expected), (exercise.name, mistake.hint)
            assert camera_network_lab.LAB.check(exercise.name, wrong).message == mistake.hint


# --- figures ----------------------------------------------------------------------------

def test_pipeline_diagram_names_every_stage():
    ax = network.plot_pipeline()
    text = " ".join(t.get_text() for t in ax.texts)
    for stage in ("Lens", "Encoder", "Network", "Recorder", "archive", "Viewing room", "Analytics", "Electricity"):
        assert stage in text


def test_pixels_figure_has_a_line_per_lens_and_labelled_axes():
    ax = network.plot_pixels_on_target(fields_of_view=(20, 50, 90, 120), bands=False)
    assert len(ax.get_lines()) == 4
    assert "m" in ax.get_xlabel() and "pixels" in ax.get_ylabel()


def test_pixels_figure_marks_the_four_iec_bands_in_pixels_across_a_face():
    ax = network.plot_pixels_on_target()
    assert len(ax.get_lines()) == 3 + 4  # three lenses, four band edges
    labels = " ".join(t.get_text() for t in ax.texts)
    for name, px in (("detect", 4), ("observe", 10), ("recognise", 20), ("identify", 40)):
        assert f"{name} ({px} px)" in labels


def test_pixel_density_and_the_identify_distance():
    # 1,920 pixels over a 30 degree view: 2 * d * tan(15 deg) metres wide
    assert network.pixel_density(10, 30, 1920) == pytest.approx(1920 / (20 * math.tan(math.radians(15))))
    # 40 pixels on a 16 cm face is 250 px/m: the identify band
    assert network.pixels_on_target(14.33, 30, 1920) == pytest.approx(40, rel=0.01)
    assert network.DORI_PX_PER_M["identify"] * network.ASSUMED_FACE_WIDTH_M == pytest.approx(40)


def test_card_retention_days():
    # 2 Mbps is 21.6 GB a day; a 128 GB card holds 5.93 days, four times that when recording a quarter of the time
    assert network.card_retention_days(128, 2) == pytest.approx(128 / 21.6)
    assert network.card_retention_days(128, 2, recording_fraction=0.25) == pytest.approx(4 * 128 / 21.6)
    with pytest.raises(ValueError):
        network.card_retention_days(0, 2)
    with pytest.raises(ValueError):
        network.card_retention_days(128, 2, recording_fraction=0)


def test_storage_by_codec_figure_draws_three_bars_per_resolution():
    ax = network.plot_storage_by_codec(resolutions=("720p", "1080p"))
    assert len(ax.patches) == 3 * 2
    heights = [p.get_height() for p in ax.patches]
    # uncompressed 1080p25 for a day: 1,244.16 Mbps x 86,400 s / 8 = 13,436.9 GB
    assert max(heights) == pytest.approx(13_436.928)
    assert "GB" in ax.get_ylabel()


def test_binding_figure_highlights_the_binding_bar():
    ax = network.plot_binding_limits(network.EXAMPLE_CITY, network.EXAMPLE_BUDGET)
    bars = ax.patches
    widths = [b.get_width() for b in bars]
    assert widths == [4629, 5000, 6000, 2400]
    colours = [b.get_facecolor() for b in bars]
    assert colours[3] != colours[0] and colours[0] == colours[1] == colours[2]
    assert "viewers" in ax.get_title() and "cameras" in ax.get_xlabel()


def test_binding_figure_draws_an_unlimited_resource():
    local_only = replace(network.EXAMPLE_CITY, streamed_fraction=0.0)
    ax = network.plot_binding_limits(local_only, network.EXAMPLE_BUDGET)
    assert any("no limit" in t.get_text() for t in ax.texts)


def test_limits_vs_bitrate_figure_lines_and_axes():
    ax = network.plot_limits_vs_bitrate(network.EXAMPLE_CITY, network.EXAMPLE_BUDGET, bitrates=[0.5, 1, 2, 4])
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == list(network.LIMITS)
    storage = ax.get_lines()[0].get_ydata()
    assert storage[0] == pytest.approx(4 * storage[2], rel=0.01)  # a quarter of the bitrate, four times the cameras
    assert "Mbps" in ax.get_xlabel() and "cameras" in ax.get_ylabel()


def test_limits_vs_bitrate_skips_a_resource_that_sets_no_limit():
    local_only = replace(network.EXAMPLE_CITY, streamed_fraction=0.0)
    ax = network.plot_limits_vs_bitrate(local_only, network.EXAMPLE_BUDGET, bitrates=[1, 2])
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert "bandwidth" not in labels


def test_describe_lists_every_field_with_its_value():
    text = network.describe(network.EXAMPLE_CITY)
    lines = text.splitlines()
    assert len(lines) == 9
    assert lines[0].split() == ["cameras", "10,000"]
    assert "screens_per_viewer" in text and "12" in text
    assert network.describe(network.EXAMPLE_BUDGET).splitlines()[0].split() == ["storage_tb", "3,000"]


def test_describe_rejects_other_objects():
    with pytest.raises(ValueError, match="Network or a Budget"):
        network.describe({"cameras": 3})


def test_storage_by_codec_rejects_an_unknown_resolution():
    with pytest.raises(ValueError, match="unknown resolution"):
        network.plot_storage_by_codec(resolutions=("1080p", "8K"))


# --- Lab 1, second edition: pixels on a face, the camera's own card, staffing ----------------

def test_lab1_face_pixels_and_its_hints():
    from survlab import checks
    expected = camera_network.face_pixels()
    # 1,920 px x 0.16 m over 2 x 15 m x tan(30 deg) = 17.7 px: below the 20 px of the recognise band
    assert expected == pytest.approx(1920 * 0.16 / (30 * math.tan(math.radians(30))))
    assert expected < network.DORI_PX_PER_M["recognise"] * network.ASSUMED_FACE_WIDTH_M
    lab = camera_network_lab.LAB
    assert lab.check("face_pixels", expected).correct
    assert "half the field of view" in lab.check("face_pixels", camera_network._face_pixels_full_angle()).message
    assert "left out the 2" in lab.check("face_pixels", 2 * expected).message
    assert "radians" in lab.check("face_pixels", camera_network._face_pixels_in_degrees()).message
    assert lab.check("face_pixels", 3 * expected).status == checks.WRONG


def test_lab1_card_days_and_its_hints():
    expected = camera_network.card_days()
    assert expected == pytest.approx(128 / 21.6)  # a 128 GB card at 2 Mbps: 5.93 days
    lab = camera_network_lab.LAB
    assert lab.check("card_days", expected).correct
    assert "8 bits" in lab.check("card_days", expected / 8).message
    assert "1024**3" in lab.check("card_days", 128 * 2**30 / 21.6e9).message
    assert "hours" in lab.check("card_days", 24 * expected).message


def test_round_the_clock_staffing_is_168_over_40_per_seat():
    seats = network.viewers_needed(1_000, 12)
    assert seats == 84 and round(seats * 168 / 40) == 353
    assert network.viewers_needed(2_000, 12) == 167 and round(167 * 4.2) == 701
