"""Tests for survlab.biometrics.iris: synthetic iris codes with correlated bits, degrees of
freedom, the binomial tail against Daugman's table, and the deduplication arithmetic."""
from __future__ import annotations

import math

import numpy as np
import pytest

from survlab.biometrics import iris
from survlab.cameras import faces


# --- Codes ---------------------------------------------------------------------------------

def test_run_lengths_fill_the_code_with_runs_of_8_and_9():
    lengths = iris.run_lengths()
    assert lengths.sum() == 2048 and lengths.size == 250
    assert sorted(set(lengths.tolist())) == [8, 9]
    assert (lengths == 9).sum() == 48
    np.testing.assert_array_equal(iris.run_lengths(10, 10), np.ones(10))
    np.testing.assert_array_equal(iris.run_lengths(12, 4), [3, 3, 3, 3])
    assert iris.run_lengths(11, 10).sum() == 11
    for bad in ((10, 0), (10, 11)):
        with pytest.raises(ValueError, match="runs"):
            iris.run_lengths(*bad)


def test_effective_dof_formula():
    assert iris.effective_dof([1] * 2048) == 2048
    assert iris.effective_dof([8] * 256) == pytest.approx(256)
    assert iris.effective_dof(iris.run_lengths()) == pytest.approx(2048 ** 2 / (202 * 64 + 48 * 81))
    assert 249 < iris.effective_dof(iris.run_lengths()) < 250
    with pytest.raises(ValueError):
        iris.effective_dof([])
    with pytest.raises(ValueError):
        iris.effective_dof([4, 0])


def test_iris_codes_are_seeded_runs_of_equal_bits():
    codes = iris.iris_codes(20, seed=3)
    assert codes.shape == (20, 2048) and codes.dtype == bool
    np.testing.assert_array_equal(codes, iris.iris_codes(20, seed=3))
    assert not np.array_equal(codes, iris.iris_codes(20, seed=4))
    starts = np.concatenate([[0], np.cumsum(iris.run_lengths())[:-1]])
    for start, length in zip(starts, iris.run_lengths()):
        block = codes[:, start:start + length]
        assert np.all(block == block[:, :1])  # every bit in a run equals the run's first bit
    assert 0.45 < codes.mean() < 0.55
    with pytest.raises(ValueError):
        iris.iris_codes(0)


def test_hamming_distance_known_values_and_errors():
    a = np.array([1, 0, 1, 0], dtype=bool)
    assert iris.hamming_distance(a, a) == 0
    assert iris.hamming_distance(a, ~a) == 1
    assert iris.hamming_distance(a, np.array([1, 1, 1, 1], dtype=bool)) == 0.5
    np.testing.assert_allclose(iris.hamming_distance(np.stack([a, a]), np.stack([a, ~a])), [0, 1])
    with pytest.raises(ValueError, match="same shape"):
        iris.hamming_distance(a, a[:3])


def test_pairwise_distances_match_the_direct_count():
    codes = iris.iris_codes(6, seed=9)
    d = iris.pairwise_distances(codes)
    assert d.shape == (15,)
    expected = [iris.hamming_distance(codes[i], codes[j]) for i in range(6) for j in range(i + 1, 6)]
    np.testing.assert_allclose(d, expected)
    with pytest.raises(ValueError):
        iris.pairwise_distances(codes[:1])


def test_noisy_captures_flip_about_the_requested_share_in_whole_runs():
    codes = iris.iris_codes(400, seed=5)
    captures = iris.noisy_captures(codes, flip_fraction=0.2, spread=0.0, seed=6)
    d = iris.hamming_distance(codes, captures)
    assert d.mean() == pytest.approx(0.2, abs=0.01)
    np.testing.assert_array_equal(iris.noisy_captures(codes, 0.0, 0.0), codes)
    with pytest.raises(ValueError):
        iris.noisy_captures(codes, flip_fraction=0.5)


# --- Statistics ----------------------------------------------------------------------------

def test_lab_codes_have_about_249_degrees_of_freedom():
    impostor = iris.impostor_distances()
    assert impostor.size == 1000 * 999 // 2
    assert not impostor.flags.writeable
    assert impostor.mean() == pytest.approx(0.5, abs=0.002)
    dof = iris.degrees_of_freedom(impostor)
    assert dof == pytest.approx(iris.effective_dof(iris.run_lengths()), rel=0.02)
    assert dof == pytest.approx(iris.DAUGMAN_DOF, rel=0.02)


def test_independent_bits_would_give_about_2048_degrees_of_freedom():
    dof = iris.degrees_of_freedom(iris.independent_bit_distances(n_codes=300))
    assert dof == pytest.approx(2048, rel=0.03)


def test_genuine_distances_sit_well_below_impostors():
    genuine = iris.genuine_distances()
    assert genuine.size == 1000 and not genuine.flags.writeable
    assert 0.08 < genuine.mean() < 0.14
    assert genuine.max() < iris.impostor_distances().min()


def test_degrees_of_freedom_formula_and_errors():
    d = np.array([0.4, 0.6, 0.4, 0.6])
    var = d.var(ddof=1)
    assert iris.degrees_of_freedom(d) == pytest.approx(0.25 / var)
    with pytest.raises(ValueError, match="two"):
        iris.degrees_of_freedom([0.5])
    with pytest.raises(ValueError, match="do not vary"):
        iris.degrees_of_freedom([0.5, 0.5, 0.5])


def test_tail_probability_is_the_binomial_cdf_at_whole_numbers():
    from scipy import stats

    for k in (70, 80, 100):
        assert iris.tail_probability(k / 249, 249) == pytest.approx(stats.binom.cdf(k, 249, 0.5), rel=1e-9)
    # Between whole numbers it moves smoothly, and it rises with the threshold.
    t = np.linspace(0.28, 0.36, 9)
    values = [iris.tail_probability(x, 249) for x in t]
    assert np.all(np.diff(values) > 0)
    assert iris.tail_probability(-0.1, 249) == 0 and iris.tail_probability(1.0, 249) == 1
    assert iris.tail_probability(0.5, 10_000) == pytest.approx(0.5, abs=0.01)


def test_tail_probability_close_to_the_normal_approximation_at_032():
    from scipy import stats

    exact = iris.tail_probability(0.32, 249)
    normal = stats.norm.cdf((0.32 - 0.5) / math.sqrt(0.25 / 249))
    assert normal == pytest.approx(exact, rel=0.05)


def test_best_of_k_alignments_follows_the_search_rule():
    p1 = iris.tail_probability(0.32, 249)
    assert iris.tail_probability(0.32, 249, best_of=7) == pytest.approx(1 - (1 - p1) ** 7, rel=1e-9)
    assert iris.tail_probability(0.32, 249, best_of=7) == pytest.approx(7 * p1, rel=1e-6)
    for bad in ({"best_of": 0}, {"best_of": 1.5}, {"p": 0}):
        with pytest.raises(ValueError):
            iris.tail_probability(0.32, 249, **bad)
    with pytest.raises(ValueError):
        iris.tail_probability(0.32, 0)


def test_model_tail_and_daugmans_table_agree_in_order_of_magnitude():
    table = iris.model_vs_daugman(249)
    assert [row["threshold"] for row in table] == [0.33, 0.32, 0.31, 0.30, 0.29]
    for row in table:
        single, best7 = row["model: 1 in"], row["model, best of 7: 1 in"]
        assert 3 < single / row["Daugman: 1 in"] < 10  # one comparison: rarer than the table
        assert 0.5 < best7 / row["Daugman: 1 in"] < 1.5  # seven chances: close to it
    # Each 0.01 lower threshold makes a false match several times rarer, in both.
    odds = [row["model: 1 in"] for row in table]
    assert all(5 < b / a < 10 for a, b in zip(odds, odds[1:]))


def test_odds_and_daugman_rate():
    assert iris.odds_against(0.25) == 4
    assert iris.daugman_rate(0.32) == pytest.approx(1 / 26e6)
    assert iris.daugman_rate(0.3) == pytest.approx(1 / 1.5e9)
    with pytest.raises(ValueError):
        iris.odds_against(0)
    with pytest.raises(ValueError, match="Daugman"):
        iris.daugman_rate(0.325)
    with pytest.raises(ValueError, match="Daugman"):
        iris.daugman_rate(0.40)


# --- Deduplication -------------------------------------------------------------------------

def test_deduplication_comparisons_is_the_number_of_pairs():
    assert iris.deduplication_comparisons(0) == 0
    assert iris.deduplication_comparisons(1) == 0
    assert iris.deduplication_comparisons(4) == 6
    assert iris.deduplication_comparisons(1000) == sum(range(1000))  # person k meets k - 1 before them
    assert iris.deduplication_comparisons(25_000_000) == 312_499_987_500_000
    assert iris.deduplication_comparisons(1_300_000_000) == 1_300_000_000 * 1_299_999_999 // 2
    assert iris.deduplication_comparisons(25_000_000) == pytest.approx(25e6 ** 2 / 2, rel=1e-7)
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError):
            iris.deduplication_comparisons(bad)


def test_expected_false_matches_reuse_the_part_one_formula():
    rate = iris.daugman_rate(0.32)
    n = 25_000_000
    value = iris.expected_false_matches_in_deduplication(rate, n)
    assert value == pytest.approx(faces.expected_false_matches(rate, n * (n - 1) / 2))
    assert value == pytest.approx(312_499_987_500_000 / 26e6)
    assert iris.chance_of_any_false_match_in_deduplication(rate, n) == pytest.approx(1.0)
    assert iris.chance_of_any_false_match_in_deduplication(1e-20, 1000) == pytest.approx(1e-20 * 499_500, rel=1e-6)
    assert iris.expected_false_matches_in_deduplication(rate, 1) == 0


def test_flagged_enrolments_count_searches_not_pairs():
    # Brute force on a small population: enrolee k is flagged with chance 1 - (1 - p)^(k - 1).
    p, n = 0.01, 300
    direct = sum(1 - (1 - p) ** (k - 1) for k in range(1, n + 1))
    assert iris.flagged_enrolments_in_deduplication(p, n) == pytest.approx(direct, rel=1e-9)
    rate, people = iris.daugman_rate(0.32), 25_000_000
    flagged = iris.flagged_enrolments_in_deduplication(rate, people)
    pairs = iris.expected_false_matches_in_deduplication(rate, people)
    assert flagged == pytest.approx(8.94e6, rel=0.01)  # the review's "about 8.9 million"
    assert flagged < pairs == pytest.approx(12.02e6, rel=0.01)
    assert iris.flagged_enrolments_in_deduplication(0.0, people) == 0
    assert iris.flagged_enrolments_in_deduplication(1.0, 10) == 9  # everyone after the first
    assert iris.flagged_enrolments_in_deduplication(1e-15, 1000) == pytest.approx(1e-15 * 499_500, rel=1e-6)
    with pytest.raises(ValueError):
        iris.flagged_enrolments_in_deduplication(1.5, 10)


def test_false_positive_identification_rate_of_one_search():
    assert iris.false_positive_identification_rate(0.001, 200) == pytest.approx(0.181, abs=0.001)
    assert iris.false_positive_identification_rate(0.0, 10 ** 9) == 0
    assert iris.false_positive_identification_rate(1 / 26e6, 26_000_000) == pytest.approx(1 - math.exp(-1), rel=1e-6)


def test_fused_rate_is_the_product():
    assert iris.fused_rate(1e-3, 1e-4) == pytest.approx(1e-7)
    assert iris.fused_rate(0.5) == 0.5
    two = iris.fused_rate(iris.daugman_rate(0.32), iris.daugman_rate(0.32))
    assert iris.expected_false_matches_in_deduplication(two, 25_000_000) == pytest.approx(0.4623, rel=1e-3)
    with pytest.raises(ValueError):
        iris.fused_rate()
    with pytest.raises(ValueError):
        iris.fused_rate(0.1, 1.5)


def test_fused_non_match_rate_rises():
    assert iris.fused_non_match_rate(0.01, 0.01) == pytest.approx(0.0199)
    assert iris.fused_non_match_rate(0.0) == 0
    with pytest.raises(ValueError):
        iris.fused_non_match_rate()


def test_fused_docstrings_say_which_way_dependence_pushes_each_rate():
    # The December 2026 review: dependence raises the fused FMR but lowers the fused FNMR and FPIR.
    assert "higher" in iris.fused_rate.__doc__
    assert "lower" in iris.fused_non_match_rate.__doc__


def test_one_group_is_the_independence_formulas():
    for rate in (0.0, 1e-7, 0.01, 0.3):
        assert iris.group_average([1.0], [rate]) == pytest.approx(rate)
        assert iris.both_err_in_groups([1.0], [rate]) == pytest.approx(iris.fused_rate(rate, rate))
        assert iris.either_errs_in_groups([1.0], [rate]) == pytest.approx(iris.fused_non_match_rate(rate, rate))
        assert iris.fpir_in_groups([1.0], [rate], 1000) == pytest.approx(
            iris.false_positive_identification_rate(rate, 1000))


def test_errors_that_travel_together_raise_the_fused_fmr_and_lower_the_fused_fnmr_and_fpir():
    shares, rates = (0.1, 0.9), (0.082, 0.002)  # one person in ten with poor captures; 1% on average
    m = iris.group_average(shares, rates)
    assert m == pytest.approx(0.01)
    assert iris.both_err_in_groups(shares, rates) > iris.fused_rate(m, m)  # AND-fused false match: higher
    assert iris.either_errs_in_groups(shares, rates) < iris.fused_non_match_rate(m, m)  # fused miss: lower
    assert iris.either_errs_in_groups(shares, rates) >= m  # ...but never below one comparison's rate
    assert iris.either_errs_in_groups(shares, rates) == pytest.approx(0.1 * (1 - 0.918 ** 2) + 0.9 * (1 - 0.998 ** 2))
    # A search: every false match falls on one searcher in ten, at ten times the average rate.
    n, fmr = 25_000_000, 1 / 26e6
    uneven = ((0.1, 0.9), (10 * fmr, 0.0))
    assert iris.group_average(*uneven) == pytest.approx(fmr)
    assert iris.fpir_in_groups(*uneven, n) == pytest.approx(0.1 * (1 - math.exp(-10 * n / 26e6)), rel=1e-6)
    assert iris.fpir_in_groups(*uneven, n) < iris.false_positive_identification_rate(fmr, n) / 6
    table = iris.dependence_table(*uneven, n)
    assert [row["with dependence"] for row in table] == ["higher", "lower", "lower", "the same"]
    assert table[3]["errors travel together"] == pytest.approx(n * fmr)  # the expected count is unchanged


def test_groups_are_checked():
    for shares, rates in (((0.5, 0.4), (0.1, 0.1)), ((0.5, 0.5), (0.1,)), ((1.2, -0.2), (0.1, 0.1)),
                          ((0.5, 0.5), (0.1, 1.5)), ((), ())):
        with pytest.raises(ValueError):
            iris.group_average(shares, rates)
    with pytest.raises(ValueError):
        iris.fpir_in_groups([1.0], [0.1], -5)


def test_tail_check_counts_and_models():
    d = np.array([0.3, 0.4, 0.5, 0.6])
    table = iris.tail_check(d, [0.4, 0.55], 249)
    assert [row["pairs at or below"] for row in table] == [2, 3]
    assert table[0]["observed share"] == 0.5
    assert table[0]["model"] == pytest.approx(iris.tail_probability(0.4, 249))


def test_deduplication_table_rows_and_columns():
    table = iris.deduplication_table({"HD 0.32": iris.daugman_rate(0.32)})
    assert list(table[0]) == ["rule", "rate per comparison", "1 million", "25 million", "1.3 billion"]
    assert table[0]["1 million"] == pytest.approx(999_999 * 1_000_000 / 2 / 26e6)
    assert "25 million" in repr(table)


def test_threshold_for_expected_false_matches():
    n = 25_000_000
    t = iris.threshold_for_expected_false_matches(n, 1.0, dof=249)
    pairs = iris.deduplication_comparisons(n)
    assert iris.tail_probability(t, 249) * pairs == pytest.approx(1.0, rel=1e-3)
    assert iris.threshold_for_expected_false_matches(1_000_000) > t > iris.threshold_for_expected_false_matches(10 ** 9)
    assert iris.threshold_for_expected_false_matches(n, best_of=7) < t  # more chances: stricter
    with pytest.raises(ValueError):
        iris.threshold_for_expected_false_matches(1)


# --- Figures -------------------------------------------------------------------------------

def test_plot_distance_distributions():
    ax = iris.plot_distance_distributions(iris.impostor_distances(200), iris.genuine_distances(200))
    assert "Hamming" in ax.get_xlabel() and ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("degrees of freedom" in s for s in labels) and any("independent" in s for s in labels)
    ax = iris.plot_distance_distributions(iris.impostor_distances(200), iris.genuine_distances(200), fit=False)
    assert not any("degrees of freedom" in t.get_text() for t in ax.get_legend().get_texts())


def test_plot_tail_vs_daugman_marks_the_table():
    ax = iris.plot_tail_vs_daugman(249)
    assert ax.get_yscale() == "log"
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 1 and len(dots[0].get_xdata()) == 5
    assert any("26 million" in t.get_text() for t in ax.texts)


def test_plot_fpir_and_deduplication():
    ax = iris.plot_fpir_vs_gallery()
    assert ax.get_xscale() == "log" and "FPIR" in ax.get_ylabel()
    assert len([line for line in ax.get_lines() if len(line.get_xdata()) > 10]) == 4
    ax = iris.plot_deduplication()
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 4 and any("both irises" in s for s in labels)


# --- Lab 6's checks and the lesson's own rounded values -----------------------------------------

def test_lab6_rounded_pair_counts_get_their_own_hint_not_the_generic_one():
    from survlab import checks
    from survlab.labs import iris_deduplication as lab6

    lab = lab6.LAB
    pairs = iris.deduplication_comparisons(lab6.SCENARIO.population)
    assert lab.check("comparisons_25m", pairs).correct
    assert lab.check("comparisons_25m", lab6.SCENARIO.population ** 2 / 2).correct  # N^2/2: accepted
    assert lab.check("comparisons_25m", None).status == checks.BLANK_STATUS
    generic = lab.exercise("comparisons_25m").hint
    for printed in (3e14, 3.1e14, 3.12e14):  # "about 3 x 10^14", as the lesson and the lab print it
        result = lab.check("comparisons_25m", printed)
        assert result.status == checks.WRONG and result.message != generic and "rounded" in result.message
    for name in ("false_matches_032", "false_matches_029", "fused_false_matches"):
        expected = lab.exercise(name).expected_value()
        with_rounded_pairs = expected * 3e14 / pairs
        result = lab.check(name, with_rounded_pairs)
        assert result.status == checks.WRONG and result.message == lab6.ROUNDED_PAIRS_HINT, name
        assert lab.check(name, expected * 3.1e14 / pairs).correct, name  # within the stated 2%
        assert lab.check(name, float(f"{expected:.2g}")).correct, name  # "about 12 million", "about 24,000"
        assert lab.check(name, None).status == checks.BLANK_STATUS
