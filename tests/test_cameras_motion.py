"""Tests for survlab.cameras.motion: the synthetic video, the detector's pieces and the scores."""
from dataclasses import replace


import numpy as np
import pytest

from survlab.cameras import motion


@pytest.fixture(scope="module")
def scene():
    return motion.make_scene()



def tiny_spec(**changes):
    """A small, quiet scene with one high-contrast walker: easy to reason about."""
    base = motion.SceneSpec(n_frames=20, height=32, width=48,
                            walkers=(motion.Walker(start=2, speed=4.0, feet=28, contrast=-0.4),),
                            noise_sd=0.0, flicker_sd=0.0, specks_per_frame=0, seed=1)
    return replace(base, **changes)


# --- the synthetic scene -----------------------------------------------------------

def test_scene_shapes_and_range(scene):
    spec = scene.spec
    assert scene.frames.shape == (spec.n_frames, spec.height, spec.width)
    assert scene.truth.shape == scene.frames.shape and scene.truth.dtype == bool
    assert scene.moving.shape == scene.gain.shape == (spec.n_frames,)
    assert scene.frames.min() >= 0.0 and scene.frames.max() <= 1.0


def test_scene_is_seeded():
    a, b = motion.make_scene(), motion.make_scene()
    assert np.array_equal(a.frames, b.frames)
    c = motion.make_scene(replace(motion.SceneSpec(), seed=99))
    assert not np.array_equal(a.frames, c.frames)


def test_scene_has_moving_and_empty_frames(scene):
    # A detector can only be scored if the video has both kinds of frame.
    assert 0.3 < scene.moving.mean() < 0.8
    assert not scene.moving[0]


def test_moving_label_covers_the_frame_after_a_figure_leaves():
    s = motion.make_scene(tiny_spec())
    in_view = s.truth.reshape(s.n_frames, -1).any(axis=1)
    last = int(np.flatnonzero(in_view)[-1])
    assert last + 1 < s.n_frames  # the walker does leave
    assert s.moving[last + 1] and not in_view[last + 1]
    assert not s.moving[last + 2:].any()


def test_walker_moves_in_its_direction():
    s = motion.make_scene(tiny_spec())
    cols = [np.flatnonzero(s.truth[t].any(axis=0)).mean() for t in (5, 8)]
    assert cols[1] > cols[0]  # positive speed walks left to right
    s = motion.make_scene(tiny_spec(walkers=(motion.Walker(start=2, speed=-4.0, feet=28, contrast=-0.4),)))
    cols = [np.flatnonzero(s.truth[t].any(axis=0)).mean() for t in (5, 8)]
    assert cols[1] < cols[0]


def test_quiet_scene_is_static_where_nobody_walks():
    s = motion.make_scene(tiny_spec())
    empty = ~s.truth[1] & ~s.truth[0]
    assert np.allclose(s.frames[1][empty], s.frames[0][empty])


def test_flicker_changes_gain_only_when_asked():
    assert np.all(motion.make_scene(tiny_spec()).gain == 1.0)
    assert np.std(motion.make_scene(tiny_spec(flicker_sd=0.1)).gain) > 0.03


def test_without_flicker_keeps_everything_else(scene):
    steady = motion.without_flicker(scene.spec)
    assert steady.flicker_sd == 0 and steady.seed == scene.spec.seed and steady.walkers == scene.spec.walkers


@pytest.mark.parametrize("changes", [
    {"n_frames": 1}, {"height": 8}, {"noise_sd": -0.1}, {"flicker_sd": -1.0}, {"specks_per_frame": -2},
    {"walkers": (motion.Walker(start=0, speed=0.0, feet=20, contrast=0.3),)},
    {"walkers": (motion.Walker(start=0, speed=2.0, feet=20, contrast=0.3, scale=0.0),)},
    {"walkers": (motion.Walker(start=0, speed=2.0, feet=99, contrast=0.3),)},
])
def test_bad_scene_specs_raise(changes):
    with pytest.raises(ValueError):
        replace(motion.SceneSpec(), **changes)


# --- the detector's pieces ---------------------------------------------------------

def test_frame_difference_is_absolute_and_aligned():
    frames = np.zeros((3, 4, 4))
    frames[1, 0, 0] = 0.5
    change = motion.frame_difference(frames)
    assert change.shape == frames.shape
    assert np.all(change[0] == 0)
    assert change[1, 0, 0] == 0.5 and change[2, 0, 0] == 0.5  # got brighter, then darker: both count
    assert change.sum() == 1.0


def test_running_average_follows_its_recurrence():
    frames = np.zeros((4, 2, 2))
    frames[1:] = 1.0
    bg = motion.running_average(frames, alpha=0.5)
    assert np.allclose(bg[:, 0, 0], [0.0, 0.0, 0.5, 0.75])
    assert np.allclose(motion.background_difference(frames, alpha=0.5)[:, 0, 0], [0.0, 1.0, 0.5, 0.25])


@pytest.mark.parametrize("alpha", [0.0, -0.1, 1.5])
def test_running_average_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        motion.running_average(np.zeros((3, 4, 4)), alpha)


def test_video_shape_is_checked():
    with pytest.raises(ValueError, match="shape"):
        motion.frame_difference(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="2 frames"):
        motion.frame_difference(np.zeros((1, 4, 4)))


def test_threshold_is_strict_and_validated():
    change = np.array([0.05, 0.1, 0.2])
    assert motion.threshold(change, 0.1).tolist() == [False, False, True]
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="threshold"):
            motion.threshold(change, bad)


def test_changed_pixels_counts_both_directions():
    frames = np.full((2, 4, 4), 0.5)
    frames[1, 0, :2] = 0.9  # brighter
    frames[1, 3, 3] = 0.1  # darker
    frames[1, 2, 2] = 0.55  # too small a change
    assert motion.changed_pixels(frames, 1, 0.1) == 3
    with pytest.raises(ValueError, match="between 1"):
        motion.changed_pixels(frames, 0, 0.1)


def test_normalise_brightness_cancels_even_flicker():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.2, 0.8, (1, 8, 8))
    frames = base * np.array([1.0, 1.2, 0.8])[:, None, None]
    out = motion.normalise_brightness(frames)
    assert np.allclose(out[0], out[1]) and np.allclose(out[1], out[2])
    with pytest.raises(ValueError, match="median"):
        motion.normalise_brightness(np.zeros((2, 4, 4)))


def test_clean_opening_removes_thin_marks_keeps_blocks():
    mask = np.zeros((10, 10), dtype=bool)
    mask[1, 1] = True  # a speck
    mask[1:3, 8] = True  # a two-pixel streak, like a raindrop
    mask[5:9, 3:7] = True  # a 4 x 4 block
    out = motion.clean(mask, opening=3)
    assert out.sum() == 16 and out[5:9, 3:7].all()
    assert motion.clean(mask, opening=1).sum() == mask.sum()  # 1 means no opening


def test_clean_min_area_drops_small_blobs_per_frame():
    mask = np.zeros((2, 10, 10), dtype=bool)
    mask[0, 0:3, 0:3] = True  # 9 pixels
    mask[1, 0:4, 0:4] = True  # 16 pixels, same place, next frame: must not join the first
    out = motion.clean(mask, opening=1, min_area=10)
    assert out[0].sum() == 0 and out[1].sum() == 16


def test_clean_counts_diagonal_neighbours_as_one_blob():
    mask = np.zeros((6, 6), dtype=bool)
    mask[[0, 1, 2, 3], [0, 1, 2, 3]] = True  # four pixels touching at corners
    assert motion.clean(mask, opening=1, min_area=4).sum() == 4


@pytest.mark.parametrize("kwargs", [{"opening": 0}, {"opening": 2.5}, {"min_area": -1}])
def test_clean_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        motion.clean(np.zeros((4, 4), dtype=bool), **kwargs)


def test_frame_alarms_one_per_frame():
    mask = np.zeros((3, 4, 4), dtype=bool)
    mask[1, 2, 2] = True
    assert motion.frame_alarms(mask).tolist() == [False, True, False]
    with pytest.raises(ValueError):
        motion.frame_alarms(mask[0])


def test_detector_rejects_unknown_method():
    with pytest.raises(ValueError, match="method"):
        motion.Detector(method="optical flow")


def test_detect_finds_a_clear_walker_and_nothing_else():
    s = motion.make_scene(tiny_spec())
    alarms = motion.frame_alarms(motion.detect(s.frames, motion.Detector(level=0.1, min_area=4)))
    assert not alarms[~s.moving].any()  # no noise, no flicker: no false alarms
    assert alarms[s.moving].mean() > 0.8


def test_background_method_covers_more_of_the_figure_than_differencing():
    # A flat-coloured figure's middle does not change between frames, so differencing
    # marks only its edges; a background model marks the whole figure.
    s = motion.make_scene(tiny_spec(walkers=(motion.Walker(start=2, speed=2.0, feet=28, contrast=-0.4),)))
    d = motion.pixel_scores(motion.detect(s.frames, motion.Detector(min_area=4)), s.truth)
    b = motion.pixel_scores(motion.detect(s.frames, motion.Detector(min_area=4, method="background")), s.truth)
    assert b.recall > d.recall


def test_normalising_removes_flicker_false_alarms(scene):
    flicker = motion.evaluate(scene)
    fixed = motion.evaluate(scene, motion.Detector(normalise=True))
    assert flicker.false_positives > 0
    assert fixed.false_positives < flicker.false_positives


# --- scores --------------------------------------------------------------------------

def test_scores_counts_and_rates():
    s = motion.scores([True, True, True, False, False], [True, False, True, True, False])
    assert (s.true_positives, s.false_positives, s.false_negatives, s.true_negatives) == (2, 1, 1, 1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.false_alarm_rate == pytest.approx(0.5)


def test_precision_is_undefined_when_nothing_is_flagged():
    s = motion.scores([False, False], [True, False])
    assert np.isnan(s.precision) and s.recall == 0 and s.f1 == 0


def test_scores_need_matching_shapes():
    with pytest.raises(ValueError, match="same shape"):
        motion.scores([True], [True, False])


def test_frame_scores_skip_frame_zero():
    alarms = np.array([True, False, True])
    moving = np.array([False, False, True])
    assert motion.frame_scores(alarms, moving).false_positives == 0
    assert motion.frame_scores(alarms, moving, skip_first=False).false_positives == 1
    with pytest.raises(ValueError, match="1-D"):
        motion.frame_scores(np.zeros((2, 2)), np.zeros((2, 2)))


def test_pixel_scores_need_videos():
    with pytest.raises(ValueError):
        motion.pixel_scores(np.zeros((4, 4)), np.zeros((4, 4)))
    mask = np.zeros((2, 2, 2), dtype=bool)
    mask[1, 0, 0] = True
    assert motion.pixel_scores(mask, mask).true_positives == 1


def test_sweep_matches_evaluate_and_trades_precision_for_recall(scene):
    levels = [0.04, 0.1, 0.3]
    results = motion.sweep(scene, levels)
    assert results[1] == motion.evaluate(scene, motion.Detector(level=0.1))
    # Raising the threshold never adds alarms: fewer false alarms, more misses.
    assert results[0].false_positives >= results[1].false_positives >= results[2].false_positives
    assert results[0].false_negatives <= results[1].false_negatives <= results[2].false_negatives
    assert results[0].false_positives > results[2].false_positives
    with pytest.raises(ValueError):
        motion.sweep(scene, [])


def test_best_level_picks_highest_f1_and_lowest_on_ties():
    good = motion.Scores(9, 1, 1, 9)
    bad = motion.Scores(5, 5, 5, 5)
    assert motion.best_level([0.1, 0.2, 0.3], [bad, good, good]) == 0.2
    with pytest.raises(ValueError):
        motion.best_level([0.1], [good, bad])
    with pytest.raises(ValueError, match="F1"):
        motion.best_level([0.1], [motion.Scores(0, 0, 0, 5)])


def test_best_threshold_is_interior_on_the_course_scene(scene):
    # The lab relies on this: too low a threshold drowns in flicker, too high misses the faint walker.
    levels = list(np.round(np.arange(0.04, 0.301, 0.02), 2))
    best = motion.best_level(levels, motion.sweep(scene, levels))
    assert levels[0] < best < levels[-1]


# --- figures -------------------------------------------------------------------------

def _all_axes_labelled(axes):
    return all(ax.get_xlabel() for ax in axes)


def test_plot_frames_labels_axes(scene):
    axes = motion.plot_frames(scene, [0, 10])
    assert len(axes) == 2 and _all_axes_labelled(axes)
    assert axes[0].get_ylabel() == "y (pixels)"
    with pytest.raises(ValueError, match="outside"):
        motion.plot_frames(scene, [scene.n_frames])
    with pytest.raises(ValueError, match="at least one"):
        motion.plot_frames(scene, [])


def test_plot_frames_wraps_four_frames_into_two_rows(scene):
    axes = motion.plot_frames(scene, [1, 2, 3, 4])
    assert len(axes) == 4 and [ax.get_subplotspec().rowspan.start for ax in axes] == [0, 0, 1, 1]


@pytest.mark.parametrize("method", ["difference", "background"])
def test_plot_pipeline_has_six_labelled_panels(scene, method):
    axes = motion.plot_pipeline(scene, 15, motion.Detector(method=method))
    assert len(axes) == 6 and _all_axes_labelled(axes)
    with pytest.raises(ValueError):
        motion.plot_pipeline(scene, 0)


def test_plot_sweep_and_timeline(scene):
    levels = [0.05, 0.1, 0.2]
    ax = motion.plot_sweep(levels, motion.sweep(scene, levels))
    assert "threshold" in ax.get_xlabel() and len(ax.get_lines()) >= 3
    alarms = motion.frame_alarms(motion.detect(scene.frames))
    ax = motion.plot_timeline(scene, {"alarm": alarms})
    assert ax.get_xlabel() == "frame number"
    with pytest.raises(ValueError, match="one flag per frame"):
        motion.plot_timeline(scene, {"alarm": alarms[:-1]})


# --- second edition: non-human motion, events, alerts at scale, and the lab's hints -----

def test_a_bird_moves_pixels_but_is_never_in_the_truth():
    bird = motion.Bird(start=2, speed=8.0, row=2)
    with_bird = motion.make_scene(tiny_spec(birds=(bird,)))
    without = motion.make_scene(tiny_spec())
    assert np.array_equal(with_bird.truth, without.truth)
    assert np.array_equal(with_bird.moving, without.moving)
    assert not np.array_equal(with_bird.frames, without.frames)
    # every other pixel of the scene is unchanged: the bird does not use the random generator
    assert np.array_equal(with_bird.frames[:, 10:], without.frames[:, 10:])


def test_bad_birds_raise():
    with pytest.raises(ValueError, match="bird"):
        tiny_spec(birds=(motion.Bird(start=0, speed=0.0, row=2),))
    with pytest.raises(ValueError, match="bird"):
        tiny_spec(birds=(motion.Bird(start=0, speed=4.0, row=31),))


def test_alarm_events_merge_runs_of_alarm_frames():
    assert motion.alarm_events(np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1], dtype=bool)) == 3
    assert motion.alarm_events(np.array([1, 1, 0], dtype=bool)) == 1
    assert motion.alarm_events(np.zeros(5, dtype=bool)) == 0
    with pytest.raises(ValueError):
        motion.alarm_events(np.zeros((2, 2), dtype=bool))


def test_false_alert_hours_matches_the_lesson():
    # 500 cameras x 86,400 decisions x 0.001 = 43,200 alerts; x 10 s = 432,000 s = 120 h
    assert motion.false_alert_hours(500, 86_400, 0.001, 10) == pytest.approx(120)
    # the lesson's self-check: 200 cameras, 1 in 2,000, 6 s: 14.4 h
    assert motion.false_alert_hours(200, 86_400, 1 / 2000, 6) == pytest.approx(14.4)
    with pytest.raises(ValueError):
        motion.false_alert_hours(10, 86_400, 1.5, 10)


def test_lab2_steady_light_has_false_alarms_so_the_subtraction_is_tested():
    from survlab.answers import motion_detection as key
    assert key._steady_false_alarms() > 0  # the bird
    assert key.extra_false_alarms() == key._flickering_false_alarms() - key._steady_false_alarms()
    assert key.extra_false_alarms() not in (0, key._flickering_false_alarms())


def test_lab2_hints_for_zero_and_for_forgetting_the_steady_count():
    from survlab import checks
    from survlab.answers import motion_detection as key
    from survlab.labs import motion_detection as md
    zero = md.LAB.check("extra_false_alarms", 0)
    assert zero.status == checks.WRONG and "same video twice" in zero.message
    whole = md.LAB.check("extra_false_alarms", key._flickering_false_alarms())
    assert whole.status == checks.WRONG and "Subtract the steady count" in whole.message
    assert md.LAB.check("extra_false_alarms", key.extra_false_alarms()).correct


def test_lab2_event_and_hours_exercises():
    from survlab import checks
    from survlab.answers import motion_detection as key
    from survlab.labs import motion_detection as md
    assert key.alarm_events() < key._alarm_frames()
    assert md.LAB.check("alarm_events", key.alarm_events()).correct
    frames = md.LAB.check("alarm_events", key._alarm_frames())
    assert frames.status == checks.WRONG and "alarm frames" in frames.message
    assert key.operator_hours() == pytest.approx(120)
    assert md.LAB.check("operator_hours", 120.0).correct
    assert "seconds" in md.LAB.check("operator_hours", 432_000).message
    assert "time each check takes" in md.LAB.check("operator_hours", 12).message
    assert "shifts" in md.LAB.check("operator_hours", 15).message


def test_lab2_precision_hint_matches_the_sweep_it_describes():
    """The most precise threshold still has false alarms (the bird), so its hint must not say "no false alarms"."""
    from survlab import checks
    from survlab.answers import motion_detection as key
    from survlab.labs import motion_detection as md
    result = md.LAB.check("best_threshold", key._best_by("precision"))
    assert result.status == checks.WRONG and "fewest false alarms" in result.message
    assert "no false alarms" not in result.message
    scored = motion.sweep(key.scene(), md.LEVELS, md.DETECTOR)
    assert min(r.false_positives for r in scored) > 0  # false alarms remain at every threshold
