"""One figure style for the whole course: readable sizes and a colour-blind-safe palette."""
from __future__ import annotations

import matplotlib as mpl

from . import i18n

# Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def use() -> None:
    """Apply the course style to matplotlib (idempotent)."""
    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 11,
        "axes.titlesize": 12,
        "legend.frameon": False,
        # Korean text needs a Korean font; its Latin letters and digits match the rest.
        "font.family": ["Noto Sans CJK KR", "DejaVu Sans"] if i18n.language() == "ko" else ["sans-serif"],
    })


def axes(ax=None, figsize: tuple[float, float] = (7.0, 4.0)):
    """The axes to draw on: ``ax`` itself, or a new figure's in the course style."""
    import matplotlib.pyplot as plt

    use()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax
