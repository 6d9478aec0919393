"""The awareness models: the decision model, the two intervals, and biased sampling."""
import math

import pytest

from survlab.people import awareness as A


def test_the_break_even_belief_separates_acting_from_refraining():
    stakes = A.Stakes(benefit=1.0, penalty=4.0)
    assert stakes.break_even == 0.25
    assert A.acts(0.2, stakes) and not A.acts(0.3, stakes)


def test_a_belief_that_leads_to_the_right_decision_costs_nothing():
    stakes = A.Stakes(1.0, 4.0)
    assert A.expected_loss(0.05, 0.2, stakes) == 0.0  # both beliefs say act
    assert A.expected_loss(0.9, 0.5, stakes) == 0.0  # both say refrain


def test_under_and_over_estimating_each_cost_what_the_model_says():
    stakes = A.Stakes(1.0, 4.0)
    assert A.expected_loss(0.1, 0.5, stakes) == pytest.approx(0.5 * 4 - 1)  # acted at a bad risk
    assert A.expected_loss(0.5, 0.1, stakes) == pytest.approx(1 - 0.1 * 4)  # gave up a good action


def test_wald_matches_the_textbook_formula_and_leaves_zero_to_one():
    lo, hi = A.wald_interval(30, 100)
    half = 1.959963984540054 * math.sqrt(0.3 * 0.7 / 100)
    assert (lo, hi) == pytest.approx((0.3 - half, 0.3 + half))
    assert A.wald_interval(2, 100)[0] < 0
    assert A.wald_interval(0, 100) == (0.0, 0.0)  # collapses: no width at all


def test_wilson_matches_a_published_value_and_stays_inside_zero_to_one():
    # Brown, Cai and DasGupta's formula; 0 of 10 gives an upper end of z^2/(n+z^2) = 0.2775.
    assert A.wilson_interval(0, 10)[1] == pytest.approx(0.27753, abs=1e-4)
    for k in range(0, 101, 5):
        lo, hi = A.wilson_interval(k, 100)
        assert 0 <= lo <= k / 100 <= hi <= 1


def test_bad_counts_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="0 <= successes <= n"):
        A.wilson_interval(12, 10)


def test_wilson_keeps_its_promise_where_wald_does_not():
    assert A.coverage(A.wilson_interval, 0.02, 100) > 0.93
    assert A.coverage(A.wald_interval, 0.02, 100) < 0.90


def test_coverage_is_seeded():
    assert A.coverage(A.wald_interval, 0.1, 50, seed=3) == A.coverage(A.wald_interval, 0.1, 50, seed=3)


def test_surveys_of_everyone_are_unbiased_and_of_the_reachable_are_not():
    pop = A.make_population()
    everyone = A.survey_estimates(pop, 100, reachable_only=False).mean()
    assert everyone == pytest.approx(pop.true_share, abs=0.005)
    assert A.sampling_bias(pop, 100) > 0.05


def test_a_larger_sample_does_not_remove_the_bias_but_narrows_the_spread():
    pop = A.make_population()
    assert A.sampling_bias(pop, 1000) == pytest.approx(A.sampling_bias(pop, 100), abs=0.005)
    assert A.survey_estimates(pop, 1000).std() < A.survey_estimates(pop, 100).std() / 2


def test_with_reach_unrelated_to_the_view_there_is_no_bias():
    pop = A.make_population(reach_slope=0.0, reach_base=0.1)
    assert abs(A.sampling_bias(pop, 500)) < 0.01


@pytest.mark.parametrize("plot", [A.plot_expected_loss, A.plot_intervals, A.plot_coverage, A.plot_reachable_bias])
def test_figures_have_labelled_axes(plot):
    ax = plot()
    assert ax.get_xlabel() and ax.get_title()


# --- Lab 11's hints (third edition): Wilson coverage, the figure's rounded bias, percentages ---

def test_lab11_wilson_coverage_gets_its_own_hint():
    from survlab import checks
    from survlab.answers import awareness_surveys as key
    from survlab.labs import awareness_surveys as lab11

    lab = lab11.LAB
    assert lab.check("wald_coverage_rare", key.wald_coverage_rare()).correct
    wilson = lab.check("wald_coverage_rare", key.wilson_coverage_rare())
    assert wilson.status == checks.WRONG and "Wilson" in wilson.message and "wald_interval" in wilson.message
    assert lab.check("wald_coverage_rare", None).status == checks.BLANK_STATUS


@pytest.mark.parametrize("rounded", [0.075, 0.07])
def test_lab11_the_pages_rounded_bias_is_accepted_for_both_sample_sizes(rounded):
    from survlab.labs import awareness_surveys as lab11

    assert lab11.LAB.check("reachable_bias", rounded).correct
    assert lab11.LAB.check("reachable_bias_1000", rounded).correct


@pytest.mark.parametrize("name, percent", [("wilson_low", 7), ("reachable_bias", 7), ("reachable_bias_1000", 7.5),
                                           ("wald_coverage_rare", 87), ("break_even_belief", 25)])
def test_lab11_answers_given_as_percentages_get_their_own_hint(name, percent):
    from survlab import checks
    from survlab.labs import awareness_surveys as lab11

    result = lab11.LAB.check(name, percent)
    assert result.status == checks.WRONG and result.message == lab11.PERCENT_HINT
