"""Threat modelling and the law, as two small figures for the lesson "Protecting people".

A threat model here follows the questions of EFF's Surveillance Self-Defense ("Your
Security Plan"): what to protect, from whom, how likely, how bad, how much trouble is
acceptable. The example entries are hypothetical and generic, for teaching the method;
they describe no real person or system.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import style
from ..i18n import _

LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Risk:
    asset: str  # what to protect
    adversary: str  # from whom
    likelihood: str  # "low", "medium" or "high"
    impact: str  # "low", "medium" or "high"

    def __post_init__(self) -> None:
        for name in ("likelihood", "impact"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{self.asset}: {name} must be one of {LEVELS}, got {getattr(self, name)!r}")

    @property
    def score(self) -> int:
        """Likelihood times impact on a 1-3 scale: where to spend effort first."""
        return (LEVELS.index(self.likelihood) + 1) * (LEVELS.index(self.impact) + 1)


EXAMPLE = (
    Risk("contacts list", "a thief who takes the phone", "medium", "high"),
    Risk("travel history", "an advertiser buying location data", "high", "medium"),
    Risk("photos of friends", "a face-search service scraping the web", "medium", "medium"),
    Risk("private messages", "someone with brief access to the unlocked phone", "low", "high"),
    Risk("TV viewing habits", "the TV maker's content recognition", "high", "low"),
)


def by_priority(risks=EXAMPLE) -> list[Risk]:
    """Risks from the highest likelihood x impact down (ties keep their order)."""
    return sorted(risks, key=lambda r: -r.score)


def risk_label(risk: Risk, width: int = 24) -> str:
    """The asset in the first line, then "from" its adversary, wrapped to fit a cell.

    ``width`` counts columns: a wide (Korean) character takes two, so a translated label
    fits the same cell."""
    import textwrap
    import unicodedata

    line = _("from {adversary}").format(adversary=_(risk.adversary))
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    return _(risk.asset) + "\n" + textwrap.fill(line, width * len(line) // max(columns, 1))


def plot_risk_matrix(risks=EXAMPLE, ax=None):
    """Each risk placed by likelihood and impact; the top-right corner is where to act first."""
    from matplotlib.patches import Rectangle

    ax = style.axes(ax, figsize=(7.5, 4.6))
    for x in range(3):
        for y in range(3):
            shade = (x + 1) * (y + 1) / 9
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, color=style.PALETTE[3], alpha=0.08 + 0.35 * shade, lw=0))
    seen: dict[tuple[int, int], int] = {}
    for risk in risks:
        cell = (LEVELS.index(risk.likelihood), LEVELS.index(risk.impact))
        offset = seen.get(cell, 0)
        seen[cell] = offset + 1
        ax.plot(cell[0], cell[1] + 0.25 - 0.22 * offset, "o", color=style.PALETTE[0])
        # The asset and its adversary together: the same asset needs different protection from each.
        ax.annotate(risk_label(risk), (cell[0], cell[1] + 0.25 - 0.22 * offset), xytext=(6, -3),
                    textcoords="offset points", fontsize=8, va="top")
    ax.set_xticks(range(3), [_(level) for level in LEVELS])
    ax.set_yticks(range(3), [_(level) for level in LEVELS])
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(-0.5, 2.5)
    ax.grid(False)
    ax.set_xlabel(_("how likely"))
    ax.set_ylabel(_("how bad if it happens"))
    ax.set_title(_("A worked threat model (hypothetical example)"))
    return ax


# The EU AI Act's dates (Regulation (EU) 2024/1689), as the lesson cites them.
AI_ACT_DATES = (
    (date(2024, 7, 12), "published in the Official Journal"),
    (date(2024, 8, 1), "in force"),
    (date(2025, 2, 2), "prohibitions apply, incl. real-time remote biometric identification (with exceptions)"),
    (date(2026, 8, 2), "most other rules apply"),
)


def plot_ai_act_timeline(events=AI_ACT_DATES, ax=None):
    """The EU AI Act's dates on one time line."""
    import matplotlib.dates as mdates

    import textwrap

    ax = style.axes(ax, figsize=(8.0, 3.2))
    days = [d for d, _label in events]
    ax.plot(days, [0] * len(days), "-", color="grey", lw=1)
    for i, (day, label) in enumerate(events):
        y = (0.45 + 0.8 * (i // 2 % 2)) if i % 2 == 0 else -0.45  # staggered so labels do not overlap
        ax.plot([day], [0], "o", color=style.PALETTE[0])
        date_text = _("{day:%d} {month} {year:%Y}").format(day=day, month=_(f"{day:%b}"), year=day)
        text = date_text + "\n" + textwrap.fill(_(label), 26)
        ax.annotate(text, (day, 0), xytext=(day, y), ha="left" if i == 0 else ("right" if i == len(events) - 1 else "center"),
                    fontsize=8, va="bottom" if y > 0 else "top", arrowprops={"arrowstyle": "-", "color": "grey"})
    ax.set_ylim(-1.4, 3.2)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.spines["left"].set_visible(False)
    ax.grid(False)
    ax.set_title(_("The EU AI Act: from publication to application"))
    return ax
