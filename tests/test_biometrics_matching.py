"""Tests for survlab.biometrics.matching: synthetic scores of two groups, error rates at a
threshold, DET curves, failure to enrol, presentation-attack detection, and the figures."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from survlab.biometrics import matching as m
from survlab.cameras import faces


@pytest.fixture(scope="module")
def data():
    return m.synthetic_scores()


# --- Reuse of Part I ------------------------------------------------------------------------

def test_error_rate_functions_are_part_one_s():
    # One definition for the whole course: matching re-exports faces' functions, it does not copy them.
    for name in ("false_match_rate", "false_non_match_rate", "threshold_for_false_match_rate",
                 "expected_false_matches", "prob_at_least_one_false_match", "gallery_size_for_probability"):
        assert getattr(m, name) is getattr(faces, name), name
    assert m.ScoreSets is faces.ScoreSets


def test_public_names_exist():
    for name in m.__all__:
        assert hasattr(m, name), name


# --- Synthetic scores -------------------------------------------------------------------------

def test_synthetic_scores_sizes_seeding_and_read_only(data):
    assert data.sizes() == {"group A genuine": 20_000, "group A impostor": 1_000_000,
                            "group B genuine": 5_000, "group B impostor": 200_000}
    again = m.synthetic_scores(m.MODEL, m.SEED)
    np.testing.assert_array_equal(again.main.impostor, data.main.impostor)  # seeded
    np.testing.assert_array_equal(again.subgroup.genuine, data.subgroup.genuine)
    assert m.synthetic_scores() is data  # cached
    other = m.synthetic_scores(m.ScoreModel(n_impostor=1000, n_genuine=100, n_sub_genuine=10,
                                            n_sub_impostor=100), seed=m.SEED + 9)
    assert other.main.impostor.size == 1000
    with pytest.raises(ValueError):
        data.main.impostor[0] = 1.0


def test_synthetic_scores_follow_the_model(data):
    mod = data.model
    assert data.main.impostor.mean() == pytest.approx(mod.impostor_mean, abs=1e-3)
    assert data.main.impostor.std() == pytest.approx(mod.impostor_sd, rel=0.01)
    assert data.subgroup.impostor.mean() == pytest.approx(mod.impostor_mean + mod.subgroup_impostor_shift, abs=1e-3)
    expected_genuine_mean = (1 - mod.poor_share) * mod.good_mean + mod.poor_share * mod.poor_mean
    assert data.main.genuine.mean() == pytest.approx(expected_genuine_mean, abs=3e-3)
    # Group B differs in its impostor scores only: its genuine scores are drawn like group A's.
    assert data.subgroup.genuine.mean() == pytest.approx(data.main.genuine.mean(), abs=6e-3)


def test_synthetic_scores_reject_bad_models():
    with pytest.raises(ValueError, match="n_impostor"):
        m.synthetic_scores(m.ScoreModel(n_impostor=0))
    with pytest.raises(ValueError, match="poor_share"):
        m.synthetic_scores(m.ScoreModel(poor_share=1.5))
    with pytest.raises(ValueError, match="standard deviations"):
        m.synthetic_scores(m.ScoreModel(impostor_sd=0))


# --- The lab's story --------------------------------------------------------------------------

def test_threshold_meets_the_target_and_is_near_the_exact_value(data):
    t = m.threshold_for_false_match_rate(data.main.impostor, 1e-4)
    assert m.false_match_rate(data.main.impostor, t) <= 1e-4
    mod = data.model
    exact = stats.norm(mod.impostor_mean, mod.impostor_sd).isf(1e-4)
    assert t == pytest.approx(exact, abs=0.005)
    # np.quantile, which a student may use, lands within a hair of it.
    assert np.quantile(data.main.impostor, 1 - 1e-4) == pytest.approx(t, rel=1e-4)


def test_fnmr_at_the_threshold_matches_the_mixture(data):
    mod = data.model
    t = m.threshold_for_false_match_rate(data.main.impostor, 1e-4)
    exact = ((1 - mod.poor_share) * stats.norm(mod.good_mean, mod.good_sd).cdf(t)
             + mod.poor_share * stats.norm(mod.poor_mean, mod.poor_sd).cdf(t))
    assert m.false_non_match_rate(data.main.genuine, t) == pytest.approx(exact, abs=0.004)
    assert 0.02 < exact < 0.05  # a few percent, the order of NISTIR 7221's figures


def test_subgroup_has_ten_to_a_hundred_times_the_false_matches(data):
    t = m.threshold_for_false_match_rate(data.main.impostor, 1e-4)
    ratio = m.fmr_ratio(data.subgroup.impostor, data.main.impostor, t)
    lo, hi = m.NIST8280_FMR_FACTORS
    assert lo < ratio < hi
    mod = data.model
    exact = stats.norm(mod.impostor_mean + mod.subgroup_impostor_shift, mod.impostor_sd).sf(t) / 1e-4
    assert ratio == pytest.approx(exact, rel=0.15)
    # False non-matches differ far less than false matches (as NIST 8280 found for false negatives).
    fnmr_a = m.false_non_match_rate(data.main.genuine, t)
    fnmr_b = m.false_non_match_rate(data.subgroup.genuine, t)
    assert fnmr_b / fnmr_a < 1.5


def test_fmr_ratio_known_values_and_error():
    a = np.array([0.1, 0.2, 0.3, 0.9])
    b = np.array([0.5, 0.6, 0.7, 0.9])
    assert m.fmr_ratio(b, a, 0.5) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="undefined"):
        m.fmr_ratio(b, a, 0.95)


def test_rejections_per_day():
    assert m.rejections_per_day(0.03, 20_000) == pytest.approx(600)
    assert m.rejections_per_day(0.0, 10) == 0
    with pytest.raises(ValueError):
        m.rejections_per_day(1.2, 10)
    with pytest.raises(ValueError):
        m.rejections_per_day(0.1, -1)


def test_error_rates_table(data):
    table = m.error_rates(faces.ScoreSets(genuine=np.array([0.2, 0.6, 0.8, 0.9]),
                                          impostor=np.array([-0.1, 0.0, 0.1, 0.7])), [0.05, 0.5])
    assert [row["FMR"] for row in table] == [0.5, 0.25]
    assert [row["FNMR"] for row in table] == [0.0, 0.25]
    assert table[0]["impostor comparisons"] == 4 and table[0]["genuine comparisons"] == 4


# --- DET curves -------------------------------------------------------------------------------

def test_det_curve_agrees_with_the_rate_functions(data):
    thresholds = [0.3, 0.4, 0.45, 0.5]
    det = m.det_curve(data.main, thresholds)
    for t, fm, fn in zip(det.thresholds, det.fmr, det.fnmr):
        assert fm == pytest.approx(m.false_match_rate(data.main.impostor, t))
        assert fn == pytest.approx(m.false_non_match_rate(data.main.genuine, t))
    assert det.n_impostor == 1_000_000 and det.n_genuine == 20_000


def test_det_curve_default_grid_is_monotone_and_spans_both_ends(data):
    det = m.det_curve(data.main)
    assert det.thresholds.size == 801
    assert np.all(np.diff(det.fmr) <= 0) and np.all(np.diff(det.fnmr) >= 0)
    assert det.fmr[0] == 1 and det.fnmr[0] == 0
    assert det.fmr[-1] == 0 and det.fnmr[-1] == 1
    t = m.threshold_for_false_match_rate(data.main.impostor, 1e-4)
    # Reading off the curve gives nearly the exact threshold's FNMR (the grid is a little coarser).
    assert det.fnmr_at_fmr(1e-4) == pytest.approx(m.false_non_match_rate(data.main.genuine, t), abs=0.003)
    with pytest.raises(ValueError, match="no threshold"):
        m.det_curve(data.main, [0.0]).fnmr_at_fmr(1e-4)


def test_det_curve_counts_an_exact_target_as_met():
    # 1 - 9/10 is 0.09999999999999998 in floating point; the curve must still say FMR 0.1 exactly,
    # so that reading off the curve at a target of 1 in 10 (or 1 in a million) finds that point.
    impostor = np.linspace(0.0, 0.9, 10)
    det = m.det_curve(faces.ScoreSets(genuine=np.array([0.5, 0.95, 0.99, 1.0]), impostor=impostor), [0.9])
    assert det.fmr[0] == 0.1
    assert det.fnmr_at_fmr(0.1) == 0.25


def test_det_curve_errors():
    with pytest.raises(ValueError, match="need genuine"):
        m.det_curve(faces.ScoreSets(genuine=np.array([]), impostor=np.array([0.1])))
    with pytest.raises(ValueError, match="n_points"):
        m.det_curve(faces.ScoreSets(genuine=np.array([0.9]), impostor=np.array([0.1])), n_points=1)


# --- Failure to enrol -------------------------------------------------------------------------

def test_failure_to_enrol_rises_with_the_quality_bar():
    q = m.enrolment_quality()
    assert q.size == 10_000 and q.min() >= 0 and q.max() <= 100
    rates = [m.failure_to_enrol_rate(q, bar) for bar in (10, 30, 50, 70)]
    assert rates == sorted(rates) and rates[0] < 0.02 and rates[-1] > 0.4
    assert m.failure_to_enrol_rate(np.array([10, 20, 30, 40]), 25) == 0.5
    with pytest.raises(ValueError):
        m.failure_to_enrol_rate(np.array([]), 10)
    with pytest.raises(ValueError):
        m.enrolment_quality(0)


# --- Presentation attack detection ------------------------------------------------------------

def test_apcer_and_bpcer_known_values():
    assert m.apcer(np.array([0.1, 0.6, 0.7, 0.9]), 0.5) == 0.25  # one attack scored below: passed
    assert m.bpcer(np.array([0.1, 0.2, 0.5, 0.9]), 0.5) == 0.5  # at the threshold counts as flagged
    with pytest.raises(ValueError):
        m.apcer(np.array([]), 0.5)
    with pytest.raises(ValueError):
        m.bpcer(np.array([]), 0.5)


def test_pad_trade_off_and_attack_types_differ():
    pad = m.synthetic_pad_scores()
    assert pad.bona_fide.size == 10_000 and all(s.size == 2_000 for s in pad.attacks.values())
    crude, careful = pad.attacks.values()
    # At one PAD threshold the careful attack type passes far more often: report APCER per type.
    assert m.apcer(careful, 0.5) > 10 * m.apcer(crude, 0.5)
    # Raising the PAD threshold lets more attacks through and rejects fewer genuine users.
    assert m.apcer(careful, 0.6) > m.apcer(careful, 0.4)
    assert m.bpcer(pad.bona_fide, 0.6) < m.bpcer(pad.bona_fide, 0.4)


# --- Published numbers ------------------------------------------------------------------------

def test_published_numbers_are_the_cited_ones():
    assert m.NIST7221_FMR == 1e-4  # 0.01%
    assert (m.NIST7221_BEST_TAR, m.NIST7221_WORST_TAR) == (0.98, 0.94)
    assert m.NIST8280_FMR_FACTORS == (10, 100)


# --- Figures ----------------------------------------------------------------------------------

def test_plot_score_distributions(data):
    ax = m.plot_score_distributions(data, threshold=0.42)
    assert "score" in ax.get_xlabel() and "log" in ax.get_ylabel()
    assert len(ax.get_legend().get_texts()) == 3
    assert any(np.allclose(line.get_xdata(), 0.42) for line in ax.get_lines())


def test_plot_det_marks_the_shared_threshold(data):
    t = m.threshold_for_false_match_rate(data.main.impostor, 1e-4)
    curves = {"group A": m.det_curve(data.main), "group B": m.det_curve(data.subgroup)}
    ax = m.plot_det(curves, t, scores={"group A": data.main, "group B": data.subgroup})
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    dots = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert len(dots) == 2
    assert dots[0].get_xdata()[0] == pytest.approx(1e-4)
    assert dots[1].get_xdata()[0] > 10 * dots[0].get_xdata()[0]
    assert "FMR" in ax.get_xlabel() and "FNMR" in ax.get_ylabel()


def test_plot_error_rates_vs_threshold(data):
    ax = m.plot_error_rates_vs_threshold(data.main, marks=(0.42,))
    assert len(ax.get_legend().get_texts()) == 2 and "threshold" in ax.get_xlabel()


def test_plot_pad_tradeoff():
    ax = m.plot_pad_tradeoff(mark=0.5)
    assert len(ax.get_legend().get_texts()) == 3
    assert "%" in ax.get_ylabel()


def test_plot_published_figures_say_so():
    ax = m.plot_nist7221()
    assert "NISTIR 7221" in ax.get_title() and "Published" in ax.get_title()
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "below 2%" in texts and "below 6%" in texts
    # The abstract says "the worst TAR", not which system or data set it belongs to: so must the figure.
    labels = " ".join(t.get_text() for t in ax.get_yticklabels())
    assert "worst true accept" in labels and "least accurate" not in labels
    ax2 = m.plot_nist8280_range(19.0)
    texts2 = " ".join(t.get_text() for t in ax2.texts)
    assert "NISTIR 8280" in texts2 and "one-to-one" in texts2 and "19 times" in texts2
    assert math.isclose(ax2.get_xlim()[0], 1)
