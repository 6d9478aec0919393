"""Iris codes, Hamming distances and the arithmetic of deduplicating a nation.

Used by Lesson II.2 ("Searching a whole nation") and its lab. John Daugman's iris
recognition turns an iris into a 2,048-bit *IrisCode*; two codes are compared by their
*fractional Hamming distance*, the share of bits that disagree. For two different eyes
that share is about 0.5, and its spread is that of a binomial distribution with about
249 degrees of freedom, not 2,048, because neighbouring bits are correlated.

The codes here are synthetic: each is 250 fair coin flips, each flip copied into a run
of 8 or 9 neighbouring bits (2,048 bits in all), so the bits are correlated the way real
IrisCode bits are, and the degrees of freedom come out near 249. No real iris is used::

    impostor = impostor_distances()            # every pair of 1,000 synthetic codes
    dof = degrees_of_freedom(impostor)         # p(1 - p) / sigma^2, about 249
    p = tail_probability(0.32, dof)            # one comparison's false match chance
    deduplication_comparisons(25_000_000)      # N(N - 1) / 2 pairs
    expected_false_matches_in_deduplication(daugman_rate(0.32), 25_000_000)
    fused_rate(daugman_rate(0.32), daugman_rate(0.32))   # two independent irises

The one-to-many formulas are reused from :mod:`survlab.cameras.faces` (Part I), not
copied. Every function is pure and seeded.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..cameras.faces import Table, expected_false_matches, prob_at_least_one_false_match
from ..i18n import Phrase
from ..i18n import _

CODE_BITS = 2_048  # bits in an IrisCode (Daugman 2003)
N_RUNS = 250  # independent coin flips per synthetic code; each fills a run of 8 or 9 bits
DAUGMAN_DOF = 249  # degrees of freedom Daugman reports for impostor distances (Daugman 2003)
SEED = 13
N_CODES = 1_000  # synthetic codes in the lab: 499,500 impostor pairs

# Daugman's "large databases" page: decision threshold (Hamming distance) -> odds of a
# false match, "1 in ..." for one comparison.
DAUGMAN_ODDS = {0.33: 4e6, 0.32: 26e6, 0.31: 185e6, 0.30: 1.5e9, 0.29: 13e9}

POPULATIONS = {"1 million": 1_000_000, "25 million": 25_000_000, "1.3 billion": 1_300_000_000}


# --- Synthetic codes ---------------------------------------------------------------------

def run_lengths(n_bits: int = CODE_BITS, n_runs: int = N_RUNS) -> np.ndarray:
    """Split ``n_bits`` into ``n_runs`` runs as equal as whole bits allow (2,048 into 202 of 8 and 48 of 9).

    The longer runs are spread evenly along the code, so no stretch is unusually correlated.
    """
    if not 1 <= n_runs <= n_bits:
        raise ValueError(f"need between 1 and n_bits runs, got n_runs={n_runs}, n_bits={n_bits}")
    short, extra = divmod(n_bits, n_runs)
    lengths = np.full(n_runs, short, dtype=int)
    lengths[(np.arange(extra) * n_runs) // extra] += 1  # distinct, evenly spaced positions
    return lengths


def effective_dof(lengths: Sequence[int]) -> float:
    """Degrees of freedom of codes made of independent runs: (sum of lengths)^2 / sum of squared lengths.

    Equal runs of length L in n bits give n / L; 2,048 independent bits give 2,048.
    """
    lengths = np.asarray(lengths, dtype=float)
    if lengths.size == 0 or np.any(lengths <= 0):
        raise ValueError("need at least one run, every run at least one bit long")
    return float(lengths.sum() ** 2 / (lengths ** 2).sum())


def iris_codes(n: int, n_bits: int = CODE_BITS, n_runs: int = N_RUNS, seed: int = SEED) -> np.ndarray:
    """``n`` synthetic iris codes (rows of True/False): fair coin flips copied into runs of equal bits."""
    if n < 1:
        raise ValueError(f"need at least one code, got n={n}")
    flips = np.random.default_rng(seed).integers(0, 2, size=(n, n_runs), dtype=np.uint8).astype(bool)
    return np.repeat(flips, run_lengths(n_bits, n_runs), axis=1)


def noisy_captures(codes: np.ndarray, flip_fraction: float = 0.11, spread: float = 0.04,
                   n_runs: int = N_RUNS, seed: int = SEED + 1) -> np.ndarray:
    """Second captures of the same eyes: whole runs flipped at random, a different share for each capture.

    Each capture gets its own share of flipped runs (``flip_fraction`` on average, varying
    by ``spread``, kept between 0 and 0.45): light, focus and eyelids differ from one
    capture to the next. Synthetic; not a measured genuine distribution.
    """
    codes = np.atleast_2d(np.asarray(codes, dtype=bool))
    if not 0 <= flip_fraction < 0.5 or spread < 0:
        raise ValueError(f"need 0 <= flip_fraction < 0.5 and spread >= 0, got {flip_fraction}, {spread}")
    rng = np.random.default_rng(seed)
    n = codes.shape[0]
    share = np.clip(flip_fraction + spread * rng.standard_normal(n), 0.0, 0.45)
    flip_runs = rng.random((n, n_runs)) < share[:, None]
    return codes ^ np.repeat(flip_runs, run_lengths(codes.shape[1], n_runs), axis=1)


def hamming_distance(a: np.ndarray, b: np.ndarray):
    """Fractional Hamming distance: the share of bits at which two codes disagree (row by row for 2-D input)."""
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    if a.shape != b.shape or a.ndim not in (1, 2) or a.shape[-1] == 0:
        raise ValueError(f"need two codes (or two stacks of codes) of the same shape, got {a.shape} and {b.shape}")
    result = np.mean(a ^ b, axis=-1)
    return float(result) if a.ndim == 1 else result


def pairwise_distances(codes: np.ndarray) -> np.ndarray:
    """The Hamming distance of every pair of codes (each pair once): n(n - 1)/2 values.

    Bits become +1/-1, so one matrix product counts agreements minus disagreements for
    every pair at once.
    """
    codes = np.asarray(codes, dtype=bool)
    if codes.ndim != 2 or codes.shape[0] < 2:
        raise ValueError(f"need a 2-D stack of at least two codes, got shape {codes.shape}")
    signs = codes.astype(np.float32) * 2 - 1
    agree_minus_disagree = signs @ signs.T
    rows, cols = np.triu_indices(codes.shape[0], k=1)
    return (codes.shape[1] - agree_minus_disagree[rows, cols].astype(float)) / (2 * codes.shape[1])


@lru_cache(maxsize=4)
def impostor_distances(n_codes: int = N_CODES, n_bits: int = CODE_BITS, n_runs: int = N_RUNS,
                       seed: int = SEED) -> np.ndarray:
    """Hamming distances of every pair of ``n_codes`` synthetic codes (different eyes). Cached, read-only."""
    out = pairwise_distances(iris_codes(n_codes, n_bits, n_runs, seed))
    out.flags.writeable = False
    return out


@lru_cache(maxsize=4)
def genuine_distances(n_codes: int = N_CODES, seed: int = SEED) -> np.ndarray:
    """Hamming distance of each synthetic code to a second, noisy capture of the same eye. Cached, read-only."""
    codes = iris_codes(n_codes, seed=seed)
    out = hamming_distance(codes, noisy_captures(codes, seed=seed + 1))
    out.flags.writeable = False
    return out


def independent_bit_distances(n_codes: int = N_CODES, n_bits: int = CODE_BITS, seed: int = SEED) -> np.ndarray:
    """For contrast: distances between codes whose every bit is an independent coin flip (n_runs = n_bits)."""
    return impostor_distances(n_codes, n_bits, n_bits, seed)


# --- Degrees of freedom and the binomial tail -------------------------------------------

def degrees_of_freedom(distances: np.ndarray) -> float:
    """Daugman's measure: N = p(1 - p) / sigma^2, from the mean p and standard deviation sigma of impostor distances.

    A binomial share of N independent fair coin flips has exactly this spread, so N says
    how many independent yes/no choices the code really holds.
    """
    d = np.asarray(distances, dtype=float)
    if d.size < 2:
        raise ValueError("need at least two distances to measure a spread")
    p, var = d.mean(), d.var(ddof=1)
    if var == 0:
        raise ValueError("the distances do not vary, so the degrees of freedom are unbounded")
    return float(p * (1 - p) / var)


def tail_probability(threshold: float, dof: float, p: float = 0.5, best_of: int = 1) -> float:
    """Chance that one impostor comparison scores at or below ``threshold``: the binomial model's false match rate.

    The distance is modelled as a binomial share of ``dof`` fair choices, interpolated
    between whole numbers (the regularised incomplete beta function), so the answer
    changes smoothly with the threshold. ``best_of`` > 1 models a matcher that compares
    the pair that many independent times (e.g. at several rotations) and keeps the
    smallest distance: P = 1 - (1 - P_1)^k, the same rule as a search of k records.
    """
    from scipy import special

    if dof <= 0 or not 0 < p < 1:
        raise ValueError(f"need dof > 0 and 0 < p < 1, got dof={dof}, p={p}")
    if best_of < 1 or int(best_of) != best_of:
        raise ValueError(f"best_of must be a whole number of at least 1, got {best_of}")
    if threshold < 0:
        return 0.0
    if threshold >= 1:
        return 1.0
    x = threshold * dof
    single = float(special.betainc(dof - x, x + 1, 1 - p))
    return float(prob_at_least_one_false_match(single, int(best_of)))


def tail_check(distances: np.ndarray, thresholds: Sequence[float], dof: float) -> Table:
    """Where the pairs are numerous enough to count: the observed share at or below each threshold, and the model's."""
    d = np.asarray(distances, dtype=float)
    return Table({"threshold": t, "pairs at or below": int(np.sum(d <= t)), "observed share": float(np.mean(d <= t)),
                  "model": tail_probability(t, dof)} for t in thresholds)


def odds_against(probability: float) -> float:
    """A probability as "1 in ..." odds (1 / p)."""
    if not 0 < probability <= 1:
        raise ValueError(f"odds need a probability in (0, 1], got {probability}")
    return 1 / probability


def daugman_rate(threshold: float) -> float:
    """The false match rate per comparison from Daugman's table (HD 0.29 to 0.33), as a probability."""
    key = round(float(threshold), 2)
    if key not in DAUGMAN_ODDS or not math.isclose(key, threshold, abs_tol=1e-9):
        raise ValueError(f"Daugman's table gives thresholds {sorted(DAUGMAN_ODDS)}, not {threshold}")
    return 1 / DAUGMAN_ODDS[key]


def model_vs_daugman(dof: float, best_of: Sequence[int] = (1, 7)) -> Table:
    """For each threshold in Daugman's table: his odds, and the binomial model's odds for each ``best_of``."""
    rows = []
    for t in sorted(DAUGMAN_ODDS, reverse=True):
        row = {"threshold": t, "Daugman: 1 in": DAUGMAN_ODDS[t]}
        for k in best_of:
            label = "model: 1 in" if k == 1 else Phrase("model, best of {k}: 1 in", k=k)
            row[label] = odds_against(tail_probability(t, dof, best_of=k))
        rows.append(row)
    return Table(rows)


# --- Deduplication: every pair ------------------------------------------------------------

def _check_population(n) -> int:
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"a population must be a whole number of 0 or more, got {n}")
    return int(n)


def deduplication_comparisons(n: int) -> int:
    """Comparisons to check that none of ``n`` enrolled people is enrolled twice: n(n - 1)/2.

    Person k is searched against the k - 1 already enrolled; 0 + 1 + ... + (n - 1) = n(n - 1)/2,
    about n^2/2. Exact (Python whole numbers do not overflow).
    """
    n = _check_population(n)
    return n * (n - 1) // 2


def expected_false_matches_in_deduplication(rate: float, n: int) -> float:
    """Average number of false matches when ``n`` people are deduplicated at per-comparison rate ``rate``."""
    return expected_false_matches(rate, deduplication_comparisons(n))


def chance_of_any_false_match_in_deduplication(rate: float, n: int) -> float:
    """Chance that deduplicating ``n`` people produces at least one false match: 1 - (1 - rate)^(n(n-1)/2)."""
    return prob_at_least_one_false_match(rate, deduplication_comparisons(n))


def flagged_enrolments_in_deduplication(rate: float, n: int) -> float:
    """Expected number of enrolments whose search returns at least one false match, when ``n`` people are deduplicated.

    Enrolee k is searched against the k - 1 before them, so is flagged with chance
    1 - (1 - rate)^(k - 1). Summed over k: n - (1 - (1 - rate)^n) / rate. Fewer than the
    false-match *pairs*, because one search can return several false matches.
    """
    if not 0 <= rate <= 1:
        raise ValueError(f"a rate must be between 0 and 1, got {rate}")
    n = _check_population(n)
    if rate == 0 or n == 0:
        return 0.0
    if rate == 1:
        return float(n - 1)
    clean_sum = -math.expm1(n * math.log1p(-rate)) / rate  # sum of (1 - rate)^(k - 1) for k = 1..n
    return float(n - clean_sum)


def false_positive_identification_rate(rate: float, gallery_size: int) -> float:
    """FPIR of one search by a person not enrolled: the chance it returns any false match, 1 - (1 - rate)^N."""
    return prob_at_least_one_false_match(rate, _check_population(gallery_size))


def fused_rate(*rates: float) -> float:
    """False match rate when every one of several independent modalities must match ("AND" rule): the product.

    Assumes the modalities err independently (two eyes, or an iris and a finger). If
    false matches travel together (two people whose eyes both look alike), the true
    fused rate is higher than the product: see :func:`both_err_in_groups`.
    """
    if not rates:
        raise ValueError("give at least one rate")
    for r in rates:
        if not 0 <= r <= 1:
            raise ValueError(f"a rate must be between 0 and 1, got {r}")
    return float(np.prod(rates))


def fused_non_match_rate(*rates: float) -> float:
    """False non-match rate under the same "AND" rule: a genuine pair is missed if any modality misses, 1 - prod(1 - f).

    Fusion by AND buys fewer false matches with more false non-matches. Like the product,
    it assumes independent errors; if misses travel together (one poor capture spoils
    both eyes), the true rate is *lower* than this, though never below the largest
    single rate: see :func:`either_errs_in_groups`.
    """
    if not rates:
        raise ValueError("give at least one rate")
    for r in rates:
        if not 0 <= r <= 1:
            raise ValueError(f"a rate must be between 0 and 1, got {r}")
    return float(1 - np.prod([1 - r for r in rates]))


# --- When errors travel together -------------------------------------------------------
#
# The formulas above treat every comparison as an independent chance at one average rate.
# Real errors fall unevenly: a poor capture, a worn finger or a look-alike relative makes
# the same person err again and again. The simplest model of that is a few groups of
# people, each with its own rate, independent only within a group. At the same average
# rate the three formulas then move in different directions (Jensen's inequality): the
# chance that *both* of two comparisons err rises, while the chance that *either* errs,
# and a search's chance of *at least one* false match (FPIR), fall. The expected count of
# errors does not change; the errors concentrate on some people instead.

def _check_groups(shares: Sequence[float], rates: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(shares, dtype=float)
    r = np.asarray(rates, dtype=float)
    if w.ndim != 1 or w.shape != r.shape or w.size == 0:
        raise ValueError(f"give one rate per group: {len(w)} shares and {len(r)} rates")
    if np.any(w < 0) or not math.isclose(float(w.sum()), 1.0, abs_tol=1e-9):
        raise ValueError(f"group shares must be 0 or more and add up to 1, got {list(shares)}")
    if np.any((r < 0) | (r > 1)):
        raise ValueError(f"a rate must be between 0 and 1, got {list(rates)}")
    return w, r


def group_average(shares: Sequence[float], rates: Sequence[float]) -> float:
    """The average rate per comparison when a share of people errs at each rate: sum of share x rate."""
    w, r = _check_groups(shares, rates)
    return float(np.sum(w * r))


def both_err_in_groups(shares: Sequence[float], rates: Sequence[float]) -> float:
    """Chance that both of two comparisons of one person err, when each group errs at its own rate.

    The AND-fused false match rate when false matches travel together: at least the
    product of the averages, :func:`fused_rate`, and up to the average itself.
    """
    w, r = _check_groups(shares, rates)
    return float(np.sum(w * r * r))


def either_errs_in_groups(shares: Sequence[float], rates: Sequence[float]) -> float:
    """Chance that either of two comparisons of one person errs, when each group errs at its own rate.

    The AND-fused false non-match rate when misses travel together: at most
    :func:`fused_non_match_rate` of the averages, and at least the average itself.
    """
    w, r = _check_groups(shares, rates)
    return float(np.sum(w * (1 - (1 - r) ** 2)))


def fpir_in_groups(shares: Sequence[float], rates: Sequence[float], gallery_size: int) -> float:
    """FPIR of a search of ``gallery_size`` records when each group of searchers meets its own false match rate.

    At most :func:`false_positive_identification_rate` of the average rate: 1 - (1 - p)^N
    bends downwards (it is concave), so uneven rates give fewer searches with any false
    match, each with more of them.
    """
    w, r = _check_groups(shares, rates)
    n = _check_population(gallery_size)
    return float(sum(wi * prob_at_least_one_false_match(float(ri), n) for wi, ri in zip(w, r)))


def dependence_table(shares: Sequence[float], rates: Sequence[float], gallery_size: int) -> Table:
    """The independence formulas on the average rate beside the same quantities when errors travel together."""
    m = group_average(shares, rates)
    rows = (
        ("both of two comparisons err (AND rule: fused false match)", fused_rate(m, m),
         both_err_in_groups(shares, rates)),
        ("either of two comparisons errs (AND rule: fused false non-match)", fused_non_match_rate(m, m),
         either_errs_in_groups(shares, rates)),
        (Phrase("at least one of {n:,} comparisons errs (FPIR of one search)", n=gallery_size),
         false_positive_identification_rate(m, gallery_size), fpir_in_groups(shares, rates, gallery_size)),
        (Phrase("expected errors in {n:,} comparisons", n=gallery_size), m * gallery_size,
         float(sum(w * r * gallery_size for w, r in zip(*_check_groups(shares, rates))))),
    )

    def direction(independent: float, grouped: float) -> str:
        if math.isclose(independent, grouped, rel_tol=1e-9, abs_tol=1e-300):
            return "the same"
        return "higher" if grouped > independent else "lower"

    return Table({"quantity": name, "independence formula": ind, "errors travel together": grp,
                  "with dependence": direction(ind, grp)} for name, ind, grp in rows)


def deduplication_table(rates: dict[str, float], populations: dict[str, int] = POPULATIONS) -> Table:
    """Expected false matches for each population (columns) at each named per-comparison rate (rows)."""
    return Table({"rule": name, "rate per comparison": rate,
                  **{pop: expected_false_matches_in_deduplication(rate, n) for pop, n in populations.items()}}
                 for name, rate in rates.items())


def threshold_for_expected_false_matches(n: int, target: float = 1.0, dof: float = DAUGMAN_DOF,
                                         best_of: int = 1) -> float:
    """The highest threshold at which deduplicating ``n`` people gives no more than ``target`` false matches (model)."""
    from scipy import optimize

    pairs = deduplication_comparisons(n)
    if pairs == 0 or target <= 0:
        raise ValueError("need at least two people and a positive target")

    def excess(t: float) -> float:
        return math.log(max(tail_probability(t, dof, best_of=best_of), 1e-300) * pairs) - math.log(target)

    if excess(0.5) <= 0:
        return 0.5
    return float(optimize.brentq(excess, 1e-6, 0.5, xtol=1e-9))


# --- Figures ------------------------------------------------------------------------------

def _binomial_density(dof: float, x: np.ndarray) -> np.ndarray:
    # Density of a binomial share of `dof` fair choices, continued between whole numbers.
    from scipy import special

    logpdf = (special.gammaln(dof + 1) - special.gammaln(x * dof + 1) - special.gammaln((1 - x) * dof + 1)
              + dof * math.log(0.5) + math.log(dof))
    return np.exp(logpdf)


def plot_distance_distributions(impostor: np.ndarray | None = None, genuine: np.ndarray | None = None,
                                dof: float | None = None, threshold: float = 0.32, independent: bool = True,
                                fit: bool = True, ax=None):
    """Histograms of genuine and impostor distances, the fitted binomial curve, and (dashed) independent bits.

    ``fit=False`` leaves out the fitted curve (and its degrees of freedom), for a lab that asks for them.
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    impostor = impostor_distances() if impostor is None else np.asarray(impostor)
    genuine = genuine_distances() if genuine is None else np.asarray(genuine)
    dof = degrees_of_freedom(impostor) if dof is None else dof
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    bins = np.linspace(0, 0.7, 141)
    ax.hist(impostor, bins=bins, density=True, color=style.PALETTE[0], alpha=0.5,
            label=_("different eyes ({pairs:,} pairs)").format(pairs=impostor.size))
    ax.hist(genuine, bins=bins, density=True, color=style.PALETTE[1], alpha=0.6,
            label=_("same eye, new capture ({pairs:,})").format(pairs=genuine.size))
    x = np.linspace(0.3, 0.7, 400)
    if fit:
        ax.plot(x, _binomial_density(dof, x), color=style.PALETTE[7], linewidth=1.5,
                label=_("binomial, {dof:.0f} degrees of freedom").format(dof=dof))
    if independent:
        ax.plot(x, _binomial_density(CODE_BITS, x), color=style.PALETTE[3], linewidth=1.3, linestyle="--",
                label=_("if all {bits:,} bits were independent").format(bits=CODE_BITS))
    ax.axvline(threshold, color=style.PALETTE[7], linestyle=":", linewidth=1.5)
    ax.annotate(_("threshold {threshold:g}").format(threshold=threshold), (threshold, 0.95), xycoords=("data", "axes fraction"),
                xytext=(4, 0), textcoords="offset points", fontsize=9)
    ax.set_xlim(0, 0.7)
    ax.set_xlabel(_("Hamming distance (share of bits that disagree)"))
    ax.set_ylabel(_("density (share per unit of distance)"))
    ax.legend(fontsize=8.5, loc="upper left")
    ax.figure.tight_layout()
    return ax


def plot_tail_vs_daugman(dof: float = DAUGMAN_DOF, best_of: Sequence[int] = (1, 7), ax=None):
    """Odds of a false match per comparison against threshold: the binomial model and Daugman's table (dots)."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    t = np.linspace(0.26, 0.36, 101)
    styles = ("-", "--", ":")
    for i, k in enumerate(best_of):
        odds = [odds_against(tail_probability(x, dof, best_of=k)) for x in t]
        label = (_("model, {dof:.0f} degrees of freedom") if k == 1
                 else _("model, {dof:.0f} degrees of freedom, best of {k} alignments")).format(dof=dof, k=k)
        ax.plot(t, odds, color=style.PALETTE[i], linestyle=styles[i % 3], linewidth=2, label=label)
    ts = sorted(DAUGMAN_ODDS)
    ax.plot(ts, [DAUGMAN_ODDS[x] for x in ts], "o", color=style.PALETTE[7], markersize=7, label=_("Daugman's table"))
    for x in ts:
        ax.annotate(_("1 in {odds}").format(odds=_short(DAUGMAN_ODDS[x])), (x, DAUGMAN_ODDS[x]), xytext=(6, 4),
                    textcoords="offset points", fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel(_("decision threshold (Hamming distance)"))
    ax.set_ylabel(_('odds against a false match\n("1 in ...", log scale)'))
    ax.invert_xaxis()
    ax.legend(fontsize=8.5, loc="upper left")
    ax.figure.tight_layout()
    return ax


def _short(x: float) -> str:
    for size, words in ((1e9, _("{n:.3g} billion")), (1e6, _("{n:.3g} million")), (1e3, _("{n:.3g} thousand"))):
        if x >= size:
            return words.format(n=x / size)
    return f"{x:.3g}"


def plot_fpir_vs_gallery(thresholds: Sequence[float] = (0.33, 0.32, 0.30, 0.29), max_gallery: float = 2e9, ax=None):
    """FPIR of one search, 1 - (1 - FMR)^N, against gallery size, at several of Daugman's thresholds."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    n = np.logspace(3, math.log10(max_gallery), 300)
    for i, t in enumerate(thresholds):
        ax.plot(n, 100 * prob_at_least_one_false_match(daugman_rate(t), n), color=style.PALETTE[i], linewidth=2,
                label=_("HD {t:.2f} (FMR 1 in {odds})").format(t=t, odds=_short(DAUGMAN_ODDS[round(t, 2)])))
    for name, size in POPULATIONS.items():
        ax.axvline(size, color=style.PALETTE[7], linewidth=0.8, linestyle=":")
        ax.annotate(_(name), (size, 102), ha="center", fontsize=8.5)
    ax.set_xscale("log")
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlabel(_("gallery size N (people enrolled, log scale)"))
    ax.set_ylabel(_("FPIR: chance one search\nreturns a false match (%)"))
    ax.legend(title=_("threshold"), fontsize=8.5, title_fontsize=9, loc="upper left")
    ax.figure.tight_layout()
    return ax


def plot_deduplication(thresholds: Sequence[float] = (0.32, 0.30, 0.29), fused_threshold: float | None = 0.32,
                       ax=None):
    """Expected false matches when deduplicating a population, against its size, at several thresholds.

    With ``fused_threshold``, a dashed line for two independent irises that must both match
    at that threshold (the product of the two rates).
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    n = np.logspace(4, math.log10(2e9), 200)
    pairs = n * (n - 1) / 2
    for i, t in enumerate(thresholds):
        ax.plot(n, expected_false_matches(daugman_rate(t), pairs), color=style.PALETTE[i], linewidth=2,
                label=_("one iris, HD {t:.2f}").format(t=t))
    if fused_threshold is not None:
        rate = fused_rate(daugman_rate(fused_threshold), daugman_rate(fused_threshold))
        ax.plot(n, expected_false_matches(rate, pairs), color=style.PALETTE[7], linewidth=2, linestyle="--",
                label=_("both irises must match, HD {t:.2f} each").format(t=fused_threshold))
    ax.axhline(1, color=style.PALETTE[7], linewidth=0.8)
    ax.annotate(_("one false match"), (1.3e4, 1.5), fontsize=8.5)
    for name, size in POPULATIONS.items():
        ax.axvline(size, color=style.PALETTE[7], linewidth=0.8, linestyle=":")
        ax.annotate(_(name), (size, 3e12), ha="center", fontsize=8.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 1e13)
    ax.set_xlabel(_("people enrolled and deduplicated (log scale)"))
    ax.set_ylabel(_("expected false matches\n(log scale)"))
    ax.legend(fontsize=8.5, loc="lower right")
    ax.figure.tight_layout()
    return ax
