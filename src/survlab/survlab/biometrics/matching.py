"""How a body becomes a number: comparison scores, error rates, thresholds and DET curves.

Used by Part II, Lesson 1 and Lab 5. A biometric comparison gives a *score*; a threshold
turns it into match or no match. This module makes **synthetic** scores (seeded random
numbers, no real person's biometric) for two groups of people:

- **group A**, the main group, on which the threshold is set;
- **group B**, a subgroup whose *impostor* scores sit closer to the genuine ones, so that
  at the same threshold it suffers more false matches. NIST found differentials of this
  kind, in one-to-one face matching, for most algorithms it tested (NISTIR 8280); the
  numbers here are made up to show the mechanism, not to reproduce NIST's.

::

    data = synthetic_scores()                                  # two groups, seeded
    t = threshold_for_false_match_rate(data.main.impostor, 1e-4)
    false_non_match_rate(data.main.genuine, t)                 # FNMR of group A at t
    false_match_rate(data.subgroup.impostor, t)                # group B's FMR at the same t
    det = det_curve(data.main)                                 # FMR and FNMR at many thresholds

It also models presentation-attack detection (ISO/IEC 30107-3's APCER and BPCER) with
synthetic detector scores for bona fide presentations and two abstract attack types.

The error-rate and one-to-many functions are Part I's (:mod:`survlab.cameras.faces`),
imported here so that Part II uses one definition: ``false_match_rate``,
``false_non_match_rate``, ``threshold_for_false_match_rate``, ``expected_false_matches``,
``prob_at_least_one_false_match`` and ``gallery_size_for_probability``.

Every function is pure and seeded: the same arguments give the same result.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..cameras.faces import (  # noqa: F401  (re-exported: one definition for the whole course)
    ScoreSets,
    Table,
    expected_false_matches,
    false_match_rate,
    false_non_match_rate,
    gallery_size_for_probability,
    prob_at_least_one_false_match,
    threshold_for_false_match_rate,
)
from ..i18n import _

__all__ = [
    "ScoreModel", "MODEL", "SEED", "ScoreSets", "TwoGroups", "synthetic_scores",
    "false_match_rate", "false_non_match_rate", "threshold_for_false_match_rate",
    "expected_false_matches", "prob_at_least_one_false_match", "gallery_size_for_probability",
    "error_rates", "DETCurve", "det_curve", "fmr_ratio", "rejections_per_day",
    "failure_to_enrol_rate", "enrolment_quality",
    "PADScores", "synthetic_pad_scores", "apcer", "bpcer",
    "NIST7221_FMR", "NIST7221_BEST_TAR", "NIST7221_WORST_TAR", "NIST8280_FMR_FACTORS",
    "plot_score_distributions", "plot_det", "plot_error_rates_vs_threshold", "plot_pad_tradeoff",
    "plot_nist7221", "plot_nist8280_range",
]

SEED = 5  # one seed for the lab's synthetic comparisons (Lab 5)


# --- The synthetic matcher ----------------------------------------------------------------

@dataclass(frozen=True)
class ScoreModel:
    """How the synthetic scores are drawn. Scores have no unit; higher means more alike.

    Impostor scores (two different people) are normal around ``impostor_mean``. Genuine
    scores (the same person twice) mix good captures and a share of poor ones (a dry or
    worn finger, a turned face, a half-closed eye), which give the genuine distribution a
    long lower tail. Group B's impostor scores are shifted up by ``subgroup_impostor_shift``:
    closer to the genuine ones. Its genuine scores are drawn like group A's.
    """

    impostor_mean: float = 0.20
    impostor_sd: float = 0.06
    good_mean: float = 0.68
    good_sd: float = 0.09
    poor_mean: float = 0.48
    poor_sd: float = 0.12
    poor_share: float = 0.10
    subgroup_impostor_shift: float = 0.05
    n_genuine: int = 20_000  # group A genuine comparisons
    n_impostor: int = 1_000_000  # group A impostor comparisons
    n_sub_genuine: int = 5_000  # group B genuine comparisons
    n_sub_impostor: int = 200_000  # group B impostor comparisons


MODEL = ScoreModel()


@dataclass(frozen=True)
class TwoGroups:
    """Synthetic comparison scores of two groups: ``main`` (group A) and ``subgroup`` (group B)."""

    main: ScoreSets
    subgroup: ScoreSets
    model: ScoreModel

    def sizes(self) -> dict[str, int]:
        """How many comparisons of each kind the set holds (every rate is measured on these)."""
        return {"group A genuine": self.main.genuine.size, "group A impostor": self.main.impostor.size,
                "group B genuine": self.subgroup.genuine.size, "group B impostor": self.subgroup.impostor.size}


def _genuine(rng: np.random.Generator, n: int, m: ScoreModel) -> np.ndarray:
    poor = rng.random(n) < m.poor_share
    return np.where(poor, rng.normal(m.poor_mean, m.poor_sd, n), rng.normal(m.good_mean, m.good_sd, n))


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@lru_cache(maxsize=4)
def synthetic_scores(model: ScoreModel = MODEL, seed: int = SEED) -> TwoGroups:
    """Genuine and impostor scores of groups A and B, drawn from ``model`` with ``seed``.

    Cached (repeated calls are free); the arrays are read-only.
    """
    m = model
    for name in ("n_genuine", "n_impostor", "n_sub_genuine", "n_sub_impostor"):
        if getattr(m, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(m, name)}")
    if not 0 <= m.poor_share <= 1:
        raise ValueError(f"poor_share must be between 0 and 1, got {m.poor_share}")
    if min(m.impostor_sd, m.good_sd, m.poor_sd) <= 0:
        raise ValueError("standard deviations must be positive")
    rng = np.random.default_rng(seed)
    main = ScoreSets(genuine=_readonly(_genuine(rng, m.n_genuine, m)),
                     impostor=_readonly(rng.normal(m.impostor_mean, m.impostor_sd, m.n_impostor)))
    sub = ScoreSets(genuine=_readonly(_genuine(rng, m.n_sub_genuine, m)),
                    impostor=_readonly(rng.normal(m.impostor_mean + m.subgroup_impostor_shift, m.impostor_sd,
                                                  m.n_sub_impostor)))
    return TwoGroups(main=main, subgroup=sub, model=m)


def error_rates(scores: ScoreSets, thresholds: Sequence[float]) -> Table:
    """FMR and FNMR of one group at each threshold, with the number of comparisons each is measured on."""
    return Table({"threshold": t, "FMR": false_match_rate(scores.impostor, t),
                  "FNMR": false_non_match_rate(scores.genuine, t),
                  "impostor comparisons": scores.impostor.size,
                  "genuine comparisons": scores.genuine.size} for t in thresholds)


def fmr_ratio(subgroup_impostor: np.ndarray, main_impostor: np.ndarray, threshold: float) -> float:
    """How many times group B's false match rate is group A's, at one shared threshold."""
    main = false_match_rate(main_impostor, threshold)
    if main == 0:
        raise ValueError("group A has no false matches at this threshold: the ratio is undefined")
    return false_match_rate(subgroup_impostor, threshold) / main


def rejections_per_day(fnmr: float, genuine_presentations_per_day: float) -> float:
    """Genuine people turned away per day on a first attempt: each presentation fails with chance FNMR."""
    if not 0 <= fnmr <= 1:
        raise ValueError(f"a rate must be between 0 and 1, got {fnmr}")
    if genuine_presentations_per_day < 0:
        raise ValueError(f"volume must be 0 or more, got {genuine_presentations_per_day}")
    return float(fnmr * genuine_presentations_per_day)


# --- DET curves ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DETCurve:
    """A detection error trade-off: FMR and FNMR at each of a range of thresholds."""

    thresholds: np.ndarray
    fmr: np.ndarray
    fnmr: np.ndarray
    n_genuine: int
    n_impostor: int

    def fnmr_at_fmr(self, target: float) -> float:
        """The lowest FNMR among thresholds whose FMR is at most ``target`` (read off the curve)."""
        ok = self.fmr <= target
        if not ok.any():
            raise ValueError(f"no threshold on this curve reaches FMR <= {target}")
        return float(self.fnmr[ok].min())


def det_curve(scores: ScoreSets, thresholds: Sequence[float] | None = None, n_points: int = 801) -> DETCurve:
    """FMR (impostor scores at or above t) and FNMR (genuine scores below t) for many thresholds t.

    Without ``thresholds``, ``n_points`` evenly spaced from the lowest to just above the highest score.
    """
    genuine = np.sort(np.asarray(scores.genuine, dtype=float))
    impostor = np.sort(np.asarray(scores.impostor, dtype=float))
    if genuine.size == 0 or impostor.size == 0:
        raise ValueError("need genuine and impostor scores")
    if thresholds is None:
        if n_points < 2:
            raise ValueError(f"n_points must be at least 2, got {n_points}")
        lo = min(genuine[0], impostor[0])
        hi = np.nextafter(max(genuine[-1], impostor[-1]), np.inf)
        t = np.linspace(lo, hi, n_points)
    else:
        t = np.sort(np.asarray(thresholds, dtype=float))
    # Count, then divide: 1 - k/n would miss an FMR of exactly 1e-6 by a rounding error.
    fmr = (impostor.size - np.searchsorted(impostor, t, side="left")) / impostor.size
    fnmr = np.searchsorted(genuine, t, side="left") / genuine.size
    return DETCurve(thresholds=t, fmr=fmr, fnmr=fnmr, n_genuine=genuine.size, n_impostor=impostor.size)


# --- Failure to enrol ---------------------------------------------------------------------

def enrolment_quality(n: int = 10_000, seed: int = SEED + 1) -> np.ndarray:
    """Synthetic capture-quality scores (0 to 100) of ``n`` people's best enrolment attempt.

    Most captures are good; a minority (worn or damaged fingers, say) score low.
    """
    if n < 1:
        raise ValueError(f"need at least 1 person, got {n}")
    rng = np.random.default_rng(seed)
    low = rng.random(n) < 0.05
    q = np.where(low, rng.normal(25, 10, n), rng.normal(70, 12, n))
    return np.clip(q, 0, 100)


def failure_to_enrol_rate(quality: np.ndarray, min_quality: float) -> float:
    """Share of people whose best capture falls below the quality the system demands to enrol them."""
    q = np.asarray(quality, dtype=float)
    if q.size == 0:
        raise ValueError("no quality scores given")
    return float(np.mean(q < min_quality))


# --- Presentation attack detection (ISO/IEC 30107-3) ---------------------------------------

@dataclass(frozen=True)
class PADScores:
    """Synthetic attack-detector scores: higher means "looks more like an attack"."""

    bona_fide: np.ndarray
    attacks: dict  # attack type name -> scores


@lru_cache(maxsize=2)
def synthetic_pad_scores(n_bona_fide: int = 10_000, n_per_attack: int = 2_000, seed: int = SEED + 2) -> PADScores:
    """Bona fide presentations and two abstract attack types, one easy and one hard to detect."""
    if n_bona_fide < 1 or n_per_attack < 1:
        raise ValueError("need at least one presentation of each kind")
    rng = np.random.default_rng(seed)
    bona = _readonly(rng.normal(0.25, 0.10, n_bona_fide))
    attacks = {"attack type 1 (crude)": _readonly(rng.normal(0.80, 0.10, n_per_attack)),
               "attack type 2 (careful)": _readonly(rng.normal(0.55, 0.13, n_per_attack))}
    return PADScores(bona_fide=bona, attacks=attacks)


def apcer(attack_scores: np.ndarray, pad_threshold: float) -> float:
    """Attack presentation classification error rate: share of attacks of one type passed as bona fide.

    An attack is passed when its detector score is below the PAD threshold.
    """
    s = np.asarray(attack_scores, dtype=float)
    if s.size == 0:
        raise ValueError("no attack scores given")
    return float(np.mean(s < pad_threshold))


def bpcer(bona_fide_scores: np.ndarray, pad_threshold: float) -> float:
    """Bona fide presentation classification error rate: share of genuine presentations flagged as attacks."""
    s = np.asarray(bona_fide_scores, dtype=float)
    if s.size == 0:
        raise ValueError("no bona fide scores given")
    return float(np.mean(s >= pad_threshold))


# --- Published numbers, as cited (drawn in figures that say so) -----------------------------

# NISTIR 7221 (Watson et al., 24 June 2004): one-to-one SDK fingerprint matchers, 12 single-finger
# data sets. In the abstract's words: "The average true accept rate (TAR) at a false accept rate
# (FAR) of 0.01% was better than 98% for the two most accurate systems while the worst TAR at a FAR
# of 0.01% was greater than 94%." (The abstract does not say which system or data set the worst TAR
# belongs to, so the course does not say either.)
NIST7221_FMR = 1e-4
NIST7221_BEST_TAR = 0.98  # a lower bound ("better than")
NIST7221_WORST_TAR = 0.94  # a lower bound ("greater than")

# NISTIR 8280 (Grother et al., Dec 2019): in one-to-one matching, false positives 10 to 100 times
# higher for some demographic groups than others, depending on the algorithm.
NIST8280_FMR_FACTORS = (10, 100)


# --- Figures ------------------------------------------------------------------------------

def _axes(ax, figsize=(7.5, 4.2)):
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=figsize)
    return ax


def plot_score_distributions(data: TwoGroups | None = None, threshold: float | None = None, ax=None):
    """Histograms of group A's genuine scores and both groups' impostor scores, on a log axis, with a threshold."""
    from .. import style

    data = synthetic_scores() if data is None else data
    ax = _axes(ax)
    bins = np.linspace(-0.1, 1.1, 97)
    series = ((data.main.impostor, style.PALETTE[0], _("group A impostor (different people), {n:,}")),
              (data.subgroup.impostor, style.PALETTE[3], _("group B impostor (different people), {n:,}")),
              (data.main.genuine, style.PALETTE[1], _("group A genuine (same person), {n:,}")))
    for values, colour, label in series:
        counts, edges = np.histogram(values, bins=bins)
        share = counts / values.size
        share = np.where(share > 0, share, np.nan)
        ax.stairs(share, edges, fill=True, alpha=0.35, color=colour)
        ax.stairs(share, edges, color=colour, linewidth=1.3, label=label.format(n=values.size))
    if threshold is not None:
        ax.axvline(threshold, color=style.PALETTE[7], linestyle="--", linewidth=1.5)
        ax.annotate(_("threshold\n{threshold:.3f}").format(threshold=threshold), (threshold, 0.97), xycoords=("data", "axes fraction"),
                    xytext=(6, 0), textcoords="offset points", ha="left", va="top", fontsize=9)
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 1)
    ax.set_xlim(bins[0], bins[-1])
    ax.set_xlabel(_("comparison score (no unit; higher means more alike)"))
    ax.set_ylabel(_("share of comparisons per bin (log scale)"))
    ax.legend(loc="upper right", fontsize=8, title=_("synthetic scores, comparisons"), title_fontsize=8)
    ax.figure.tight_layout()
    return ax


def plot_det(curves: dict, operating_threshold: float | None = None, ax=None, scores: dict | None = None):
    """DET curves (FNMR against FMR, both on log axes), one per named curve.

    With ``operating_threshold`` and the matching ``scores`` (name -> ScoreSets), each curve
    gets a dot where that one shared threshold puts it.
    """
    from .. import style

    ax = _axes(ax, (7.0, 4.8))
    for i, (name, det) in enumerate(curves.items()):
        colour = style.PALETTE[(0, 3, 2, 4)[i % 4]]
        keep = (det.fmr > 0) & (det.fnmr > 0)
        ax.plot(det.fmr[keep], det.fnmr[keep], color=colour, linewidth=2,
                label=_("{name} ({impostor:,} impostor, {genuine:,} genuine)").format(
                    name=_(name), impostor=det.n_impostor, genuine=det.n_genuine))
        if operating_threshold is not None and scores is not None and name in scores:
            s = scores[name]
            x = false_match_rate(s.impostor, operating_threshold)
            y = false_non_match_rate(s.genuine, operating_threshold)
            ax.plot([x], [y], "o", color=colour, markersize=8, markeredgecolor="black")
            ax.annotate(f"FMR {x:.1e}\nFNMR {y:.1%}", (x, y), xytext=(8, 6), textcoords="offset points",
                        fontsize=8, color=colour)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e-6, 1)
    ax.set_ylim(1e-3, 1)
    ax.set_xlabel(_("false match rate, FMR (log scale)"))
    ax.set_ylabel(_("false non-match rate, FNMR (log scale)"))
    ax.legend(loc="upper right", fontsize=8)
    ax.figure.tight_layout()
    return ax


def plot_error_rates_vs_threshold(scores: ScoreSets, marks: Sequence[float] = (), ax=None):
    """FMR and FNMR of one group against the threshold (log vertical axis): the trade-off a threshold sets."""
    from .. import style

    ax = _axes(ax)
    det = det_curve(scores)
    ax.plot(det.thresholds, np.where(det.fmr > 0, det.fmr, np.nan), color=style.PALETTE[0], linewidth=2,
            label=_("FMR: impostor comparisons at or above"))
    ax.plot(det.thresholds, np.where(det.fnmr > 0, det.fnmr, np.nan), color=style.PALETTE[1], linewidth=2,
            label=_("FNMR: genuine comparisons below"))
    for i, t in enumerate(sorted(marks)):
        ax.axvline(t, color=style.PALETTE[7], linestyle=":", linewidth=1)
        fm, fn = false_match_rate(scores.impostor, t), false_non_match_rate(scores.genuine, t)
        # Stagger the labels upwards so that close thresholds stay readable.
        ax.annotate(f"t = {t:.3f}: FMR {fm:.0e}, FNMR {fn:.1%}", (t, 10 ** (-5.6 + 0.9 * i)), xytext=(4, 0),
                    textcoords="offset points", fontsize=8, va="center",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 1.5)
    ax.set_xlim(0.1, 0.9)
    ax.set_xlabel(_("threshold (comparison score)"))
    ax.set_ylabel(_("error rate (log scale)"))
    ax.legend(loc="center right", fontsize=8)
    ax.figure.tight_layout()
    return ax


def plot_pad_tradeoff(pad: PADScores | None = None, mark: float | None = None, ax=None):
    """APCER of each attack type and BPCER against the PAD threshold (linear axes, in %)."""
    from .. import style

    pad = synthetic_pad_scores() if pad is None else pad
    ax = _axes(ax)
    t = np.linspace(0.0, 1.0, 201)
    for i, (name, scores) in enumerate(pad.attacks.items()):
        ax.plot(t, [100 * apcer(scores, x) for x in t], color=style.PALETTE[(3, 4)[i % 2]], linewidth=2,
                label=_("APCER, {name} ({attacks:,} attacks)").format(name=_(name), attacks=scores.size))
    ax.plot(t, [100 * bpcer(pad.bona_fide, x) for x in t], color=style.PALETTE[2], linewidth=2, linestyle="--",
            label=_("BPCER, bona fide ({presentations:,} presentations)").format(presentations=pad.bona_fide.size))
    if mark is not None:
        ax.axvline(mark, color=style.PALETTE[7], linestyle=":", linewidth=1)
        ax.annotate(_("PAD threshold {threshold:g}").format(threshold=mark), (mark, 95), xytext=(4, 0), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 100)
    ax.set_xlabel(_("PAD threshold (detector score at or above it: flagged as an attack)"))
    ax.set_ylabel(_("error rate (%)"))
    ax.legend(loc="center right", fontsize=8)
    ax.figure.tight_layout()
    return ax


def plot_nist7221(ax=None):
    """NISTIR 7221's published bounds: FNMR (1 - true accept rate) at a false accept rate of 0.01%.

    Drawn from the numbers the report's abstract states: an average true accept rate better than
    98% for the two most accurate systems, and a worst true accept rate greater than 94%. Both are
    bounds, so the bars show the most FNMR each statement allows.
    """
    from .. import style

    ax = _axes(ax, (7.5, 3.2))
    labels = [_("two most accurate\nsystems (average)"), _("worst true accept\nrate reported")]
    bounds = [100 * (1 - NIST7221_BEST_TAR), 100 * (1 - NIST7221_WORST_TAR)]
    bars = ax.barh(range(len(labels)), bounds, color=[style.PALETTE[2], style.PALETTE[1]], alpha=0.8)
    ax.set_yticks(range(len(labels)), labels)
    for bar, b in zip(bars, bounds):
        ax.annotate(_("FNMR below {bound:.0f}%").format(bound=b), (b, bar.get_y() + bar.get_height() / 2), xytext=(5, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_xlim(0, 8)
    ax.invert_yaxis()
    ax.set_xlabel(_("FNMR at an FMR of 0.01% (%, upper bound)"))
    ax.set_title(_("Published figures, NISTIR 7221 (2004):\none-to-one fingerprint matchers"), fontsize=10)
    ax.figure.tight_layout()
    return ax


def plot_nist8280_range(measured_ratio: float | None = None, ax=None):
    """NIST 8280's 1:1 false-match differential (10 to 100 times), drawn from the cited numbers,
    beside the lab's synthetic ratio when given."""
    from .. import style

    ax = _axes(ax, (7.5, 2.8))
    lo, hi = NIST8280_FMR_FACTORS
    ax.axvspan(lo, hi, ymin=0.55, ymax=0.9, color=style.PALETTE[4], alpha=0.5)
    ax.annotate(_("NISTIR 8280 (published): in one-to-one matching, false matches\n"
                  "{low} to {high} times more frequent for some groups, depending on the algorithm").format(
                    low=lo, high=hi),
                (lo, 0.92), xycoords=("data", "axes fraction"), fontsize=8, va="bottom")
    if measured_ratio is not None:
        ax.plot([measured_ratio], [0.3], "D", color=style.PALETTE[3], markersize=9, transform=ax.get_xaxis_transform())
        ax.annotate(_("this course's synthetic group B: {ratio:.0f} times group A").format(ratio=measured_ratio),
                    (measured_ratio, 0.3), xycoords=("data", "axes fraction"), xytext=(10, -4),
                    textcoords="offset points", fontsize=8, va="center")
    ax.set_xscale("log")
    ax.set_xlim(1, 1000)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xlabel(_("one group's FMR divided by another's, at one threshold (log scale)"))
    ax.figure.tight_layout()
    return ax
