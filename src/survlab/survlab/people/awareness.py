"""The awareness gap in numbers: acting on a believed chance of detection, and what a small,
non-random survey can tell.

Two small models, both synthetic:

* a **decision model**: a person weighs something they value (benefit ``B``) against a
  penalty ``C`` if detected, acting when ``believed * C < B``. The true chance of detection
  may differ from the believed one; the *expected loss* of a belief is how much worse its
  decision does, on average, than the decision the true chance would give.
* a **survey model**: the margin of error of a proportion from ``n`` respondents (the
  textbook Wald interval against the Wilson score interval) and a seeded population in
  which the people a survey can reach differ from those it cannot, so that a sample of the
  reachable is biased however large it is.

No number here describes a real survey or a real system; the 38 North study's survey
results are not available to the course, and it quotes none.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import style
from ..i18n import _

Z95 = 1.959963984540054  # the standard normal quantile for a 95% two-sided interval


# --- the decision model ------------------------------------------------------------------

@dataclass(frozen=True)
class Stakes:
    """What an action is worth to a person and what detection would cost them (same units)."""

    benefit: float = 1.0  # what the action is worth to the person
    penalty: float = 10.0  # what detection would cost them

    @property
    def break_even(self) -> float:
        """The chance of detection at which acting and refraining are worth the same."""
        return self.benefit / self.penalty


def acts(believed: float, stakes: Stakes = Stakes()) -> bool:
    """Does a person who believes the chance of detection is ``believed`` act?"""
    return believed * stakes.penalty < stakes.benefit


def expected_value(acting: bool, true_chance: float, stakes: Stakes = Stakes()) -> float:
    """Average outcome of a decision when detection really happens with ``true_chance``."""
    return stakes.benefit - true_chance * stakes.penalty if acting else 0.0


def expected_loss(believed: float, true_chance: float, stakes: Stakes = Stakes()) -> float:
    """How much worse, on average, the decision made on a belief does than the one the truth gives.

    Zero when the belief leads to the same decision as the truth. Under-estimating can lead a
    person to act when the true risk outweighs the benefit (loss ``q*C - B``); over-estimating
    can lead them to give up an action still worth taking (loss ``B - q*C``).
    """
    best = max(expected_value(True, true_chance, stakes), expected_value(False, true_chance, stakes))
    return best - expected_value(acts(believed, stakes), true_chance, stakes)


def loss_curve(true_chance: float, stakes: Stakes = Stakes(), points: int = 201) -> tuple[np.ndarray, np.ndarray]:
    """Expected loss for each believed chance from 0 to 1."""
    believed = np.linspace(0.0, 1.0, points)
    return believed, np.array([expected_loss(b, true_chance, stakes) for b in believed])


# --- intervals for a proportion -----------------------------------------------------------

def wald_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The textbook interval p +/- z*sqrt(p(1-p)/n); it can leave [0, 1] and collapses at 0 or n."""
    _check_counts(successes, n)
    p = successes / n
    half = z * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (Wilson 1927), recommended for small n by Brown, Cai and DasGupta (2001)."""
    _check_counts(successes, n)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n the exact end is 0 or 1; rounding would leave it a hair inside.
    return (0.0 if successes == 0 else centre - half), (1.0 if successes == n else centre + half)


def _check_counts(successes: int, n: int) -> None:
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")


def coverage(interval, p: float, n: int, trials: int = 20_000, seed: int = 0) -> float:
    """Share of simulated surveys (``trials`` of ``n`` people, true share ``p``) whose interval holds p."""
    rng = np.random.default_rng(seed)
    counts = rng.binomial(n, p, size=trials)
    # Only n + 1 counts are possible: judge each once, then weight by how often it occurred.
    holds = np.array([lo <= p <= hi for lo, hi in (interval(int(k), n) for k in range(n + 1))])
    return float(holds[counts].mean())


# --- who a survey can reach ---------------------------------------------------------------

@dataclass(frozen=True)
class Population:
    """A synthetic population in which being reachable and holding a view both depend on one trait.

    ``exposure`` stands for anything that makes a person both easier for an outside survey to
    reach and likelier to hold the view asked about (contact with the outside, living near a
    border, owning a phone that can use an encrypted channel). It is a teaching device.
    """

    holds_view: np.ndarray  # bool per person: the view the survey asks about
    reachable: np.ndarray  # bool per person: could an outside survey reach them?

    @property
    def true_share(self) -> float:
        return float(self.holds_view.mean())

    @property
    def reachable_share(self) -> float:
        """The share holding the view among the people a survey can reach."""
        return float(self.holds_view[self.reachable].mean())


def make_population(size: int = 200_000, seed: int = 7, reach_base: float = 0.01, reach_slope: float = 0.12,
                    view_base: float = 0.15, view_slope: float = 0.5) -> Population:
    """A seeded population: exposure is uniform on [0, 1]; both chances rise with it."""
    rng = np.random.default_rng(seed)
    exposure = rng.random(size)
    reachable = rng.random(size) < reach_base + reach_slope * exposure
    holds_view = rng.random(size) < view_base + view_slope * exposure
    return Population(holds_view=holds_view, reachable=reachable)


def survey_estimates(population: Population, n: int, surveys: int = 2_000, reachable_only: bool = True,
                     seed: int = 1) -> np.ndarray:
    """The estimated share from each of ``surveys`` simulated surveys of ``n`` people."""
    rng = np.random.default_rng(seed)
    pool = population.holds_view[population.reachable] if reachable_only else population.holds_view
    picks = rng.integers(0, pool.size, size=(surveys, n))
    return pool[picks].mean(axis=1)


def sampling_bias(population: Population, n: int, surveys: int = 2_000, seed: int = 1) -> float:
    """Average estimate from surveys of the reachable minus the population's true share."""
    return float(survey_estimates(population, n, surveys, True, seed).mean() - population.true_share)


# --- figures ------------------------------------------------------------------------------

def plot_expected_loss(true_chances: tuple[float, ...] = (0.1, 0.5), stakes: Stakes = Stakes(benefit=1.0, penalty=4.0),
                       ax=None):
    """Expected loss against the believed chance, one line per true chance: zero while the belief
    leads to the decision the truth would give, a step where it crosses the break-even belief."""
    ax = style.axes(ax)
    for i, q in enumerate(true_chances):
        believed, loss = loss_curve(q, stakes)
        label = (_("true chance {q:g}: over-estimating costs {loss:g}") if q < stakes.break_even
                 else _("true chance {q:g}: under-estimating costs {loss:g}"))
        ax.plot(believed, loss, color=style.PALETTE[i], lw=2.2,
                label=label.format(q=q, loss=expected_loss(1 - q if q < stakes.break_even else 0, q, stakes)))
        ax.axvline(q, color=style.PALETTE[i], ls="--", lw=1)
    ax.axvline(stakes.break_even, color="black", ls=":", lw=1.5,
               label=_("break-even belief B/C = {break_even:g}").format(break_even=stakes.break_even))
    ax.set_xlabel(_("believed chance of detection"))
    ax.set_ylabel(_("expected loss (units of benefit)"))
    ax.set_title(_("Acting on a wrong belief (benefit B = {benefit:g}, penalty C = {penalty:g})").format(
        benefit=stakes.benefit, penalty=stakes.penalty))
    ax.legend(loc="center right", fontsize=8)
    return ax


def plot_intervals(n: int = 100, counts: tuple[int, ...] = (0, 2, 5, 10, 30, 50), ax=None):
    """Wald and Wilson 95% intervals side by side for several counts out of n."""
    ax = style.axes(ax)
    for row, k in enumerate(counts):
        for offset, (name, fn, colour) in enumerate((("Wald", wald_interval, style.PALETTE[1]),
                                                     ("Wilson", wilson_interval, style.PALETTE[0]))):
            lo, hi = fn(k, n)
            y = row + (0.15 if offset else -0.15)
            ax.plot([lo, hi], [y, y], color=colour, lw=3, label=_(name) if row == 0 else None)
            ax.plot([k / n], [y], "o", color="black", ms=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(counts)), [_("{k} of {n}").format(k=k, n=n) for k in counts])
    ax.set_xlabel(_("share of respondents (95% interval)"))
    ax.set_title(_("Two intervals for the same answers, n = {n}").format(n=n))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_coverage(n: int = 100, ps: np.ndarray | None = None, ax=None):
    """How often each interval really holds the true share, against the 95% it promises."""
    ax = style.axes(ax)
    ps = np.linspace(0.01, 0.5, 50) if ps is None else ps
    for name, fn, colour in (("Wald", wald_interval, style.PALETTE[1]), ("Wilson", wilson_interval, style.PALETTE[0])):
        ax.plot(ps, [coverage(fn, float(p), n, trials=4_000) for p in ps], color=colour, lw=2, label=_(name))
    ax.axhline(0.95, color="black", ls="--", lw=1, label=_("promised 95%"))
    ax.set_xlabel(_("true share in the population"))
    ax.set_ylabel(_("share of surveys whose interval holds it"))
    ax.set_title(_("Coverage of 95% intervals, n = {n} (synthetic surveys)").format(n=n))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_reachable_bias(population: Population | None = None, sizes: tuple[int, ...] = (100, 1000), ax=None):
    """Histograms of survey estimates: random samples centre on the truth, reachable-only samples do not."""
    ax = style.axes(ax)
    population = population or make_population()
    bins = np.linspace(0.2, 0.65, 60)
    for i, n in enumerate(sizes):
        for reachable_only, ls in ((False, "-"), (True, "--")):
            est = survey_estimates(population, n, reachable_only=reachable_only)
            label = _("n = {n}, reachable only") if reachable_only else _("n = {n}, everyone")
            ax.hist(est, bins=bins, histtype="step", lw=2, ls=ls, color=style.PALETTE[i],
                    label=label.format(n=n))
    ax.axvline(population.true_share, color="black", lw=1,
               label=_("true share ({share:.3f})").format(share=population.true_share))
    ax.set_xlabel(_("estimated share holding the view"))
    ax.set_ylabel(_("surveys (of 2,000)"))
    ax.set_title(_("Sampling only the reachable: more people, same wrong answer"))
    ax.legend(loc="upper left", fontsize=7)
    return ax
