"""Threat-model entries and the two figures of "Protecting people"."""
from datetime import date

import pytest

from survlab.people import threats as T


def test_a_risk_scores_likelihood_times_impact():
    assert T.Risk("a", "b", "high", "high").score == 9
    assert T.Risk("a", "b", "low", "medium").score == 2


def test_a_risk_with_an_unknown_level_is_refused_naming_the_asset():
    with pytest.raises(ValueError, match="diary: impact must be one of"):
        T.Risk("diary", "a burglar", "low", "severe")


def test_priorities_put_the_highest_score_first_and_keep_ties_in_order():
    ordered = T.by_priority()
    assert [r.score for r in ordered] == sorted((r.score for r in ordered), reverse=True)
    assert ordered[0].asset == "contacts list" and ordered[1].asset == "travel history"


def test_the_ai_act_dates_are_in_order_and_as_cited():
    days = [d for d, _ in T.AI_ACT_DATES]
    assert days == sorted(days)
    assert date(2025, 2, 2) in days and date(2026, 8, 2) in days


@pytest.mark.parametrize("plot", [T.plot_risk_matrix, T.plot_ai_act_timeline])
def test_figures_are_titled(plot):
    assert plot().get_title()


def test_the_matrix_names_each_risks_adversary():
    """The lesson separates asset from adversary; the figure must show both."""
    ax = T.plot_risk_matrix()
    texts = [t.get_text() for t in ax.texts]
    for risk in T.EXAMPLE:
        label = T.risk_label(risk)
        assert label in texts and label.startswith(risk.asset)
        assert " ".join(label.split()).endswith(risk.adversary)
