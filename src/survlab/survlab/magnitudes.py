"""Orders of magnitude: the arithmetic every later lab leans on (people, cameras, comparisons, bytes)."""
from __future__ import annotations

import math

from .i18n import _

SECONDS_PER_DAY = 86_400
BITS_PER_BYTE = 8
_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB")


def order_of_magnitude(x: float) -> int:
    """The power of ten of a positive number: 2,500 -> 3."""
    if x <= 0 or not math.isfinite(x):
        raise ValueError(f"order_of_magnitude needs a positive finite number, got {x!r}")
    return math.floor(math.log10(x))


def orders_apart(big: float, small: float) -> float:
    """How many powers of ten separate two positive numbers (log10 of their ratio)."""
    if big <= 0 or small <= 0:
        raise ValueError("orders_apart needs two positive numbers")
    return math.log10(big / small)


def video_bytes(bitrate_mbps: float, seconds: float) -> float:
    """Bytes a stream of ``bitrate_mbps`` megabits per second produces in ``seconds``."""
    if bitrate_mbps < 0 or seconds < 0:
        raise ValueError("bitrate and duration cannot be negative")
    return bitrate_mbps * 1e6 / BITS_PER_BYTE * seconds


def comparisons(probes: float, gallery: float) -> float:
    """One-to-many searches: every probe is compared with every gallery entry."""
    return probes * gallery


def format_bytes(n: float) -> str:
    """A byte count in decimal units, as storage is sold: 21_600_000_000 -> '21.6 GB'."""
    if n < 0:
        raise ValueError("a byte count cannot be negative")
    unit = 0
    while n >= 1000 and unit < len(_UNITS) - 1:
        n /= 1000
        unit += 1
    return f"{n:.3g} {_UNITS[unit]}"


def plot_scale(quantities: dict[str, float], ax=None, title: str = ""):
    """Horizontal bars on a log axis: numbers that differ by powers of ten, side by side."""
    import matplotlib.pyplot as plt

    from . import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7, 0.6 * len(quantities) + 1.2))
    labels = list(quantities)
    values = [quantities[k] for k in labels]
    ax.barh(range(len(labels)), values, color=style.PALETTE[0])
    ax.set_yticks(range(len(labels)), [_(label) for label in labels])
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel(_("value (log scale: each grid line is ten times the last)"))
    for y, v in enumerate(values):
        ax.annotate(f"{v:.3g}", (v, y), xytext=(4, 0), textcoords="offset points", va="center")
    if title:
        ax.set_title(_(title))
    return ax
