"""How the course's case study knows what it knows: kinds of evidence and the status of claims.

Two small tables, drawn as figures in the opening lesson. Both are the course's own
reading of its sources (cited where each claim appears in the lessons), not data from them: which question each
kind of evidence can speak to, and whether a claim the course repeats is documented,
reported or uncertain.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import style
from ..i18n import _

QUESTIONS = ("a system exists", "where it is deployed", "how widely", "how it is used", "what people know")

# 2 = can speak to it directly, 1 = partly or indirectly, 0 = cannot.
EVIDENCE = {
    "interviews with people who left": (2, 1, 0, 1, 2),
    "survey of residents (remote, 100)": (1, 1, 0, 1, 2),
    "state media": (2, 1, 0, 0, 0),
    "university journals": (1, 0, 0, 0, 0),
    "satellite imagery": (1, 2, 1, 0, 0),
    "security research on devices": (2, 0, 0, 1, 0),
}
LEVELS = ("cannot", "partly", "directly")


@dataclass(frozen=True)
class Claim:
    system: str
    claim: str
    status: str  # "documented", "reported" or "uncertain" (the lessons cite the source of each)


STATUSES = ("documented", "reported", "uncertain")

CLAIMS = (
    Claim("cameras", "CCTV in schools, workplaces, public places and along the border", "reported"),
    Claim("cameras", "how much footage is stored and accessible centrally", "uncertain"),
    # An announcement is documented as an announcement (the lesson's rule, as for the Manbang
    # broadcast below); that the system is used is a separate, reported claim.
    Claim("cameras", "face recognition at Sunan airport announced in 2019 (an announcement)", "documented"),
    Claim("cameras", "traffic cameras likely used to record licence plates", "uncertain"),
    Claim("IDs", "ID cards reissued with fingerprints and photographs", "reported"),
    Claim("IDs", "blood tests for the cards (\"possibly\", press accounts)", "uncertain"),
    Claim("screens", "Manbang set-top box shown on state TV in 2016 (a display)", "documented"),
    Claim("screens", "IPTV could monitor viewing habits (a capability)", "uncertain"),
    Claim("screens", "Red Star OS 3.0 marks files with a disk-derived value", "documented"),
    Claim("people", "residents largely unaware of what the technology does", "reported"),
    Claim("people", "the size of the informant network (estimates only)", "uncertain"),
)


def claims_by_status(claims=CLAIMS) -> dict[str, dict[str, int]]:
    """How many of the course's key claims each system has in each status."""
    systems = list(dict.fromkeys(c.system for c in claims))
    table = {s: {st: 0 for st in STATUSES} for s in systems}
    for c in claims:
        if c.status not in STATUSES:
            raise ValueError(f"claim {c.claim!r}: status must be one of {STATUSES}, got {c.status!r}")
        table[c.system][c.status] += 1
    return table


def count_status(status: str, claims=CLAIMS) -> int:
    """How many of the course's key claims have ``status`` (documented, reported or uncertain)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    return sum(c.status == status for c in claims)


def plot_evidence_matrix(ax=None):
    """Which question each kind of evidence can speak to: directly, partly, or not at all."""
    import matplotlib.colors as mcolors

    ax = style.axes(ax, figsize=(8.0, 4.2))
    names = list(EVIDENCE)
    grid = np.array([EVIDENCE[n] for n in names])
    cmap = mcolors.ListedColormap(["#f0f0f0", style.PALETTE[5], style.PALETTE[0]])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=2, aspect="auto")
    for (row, col), value in np.ndenumerate(grid):
        ax.text(col, row, _(LEVELS[value]), ha="center", va="center", fontsize=8,
                color="white" if value == 2 else "black")
    ax.set_xticks(range(len(QUESTIONS)), [_(q) for q in QUESTIONS], rotation=20, ha="right")
    ax.set_yticks(range(len(names)), [_(n) for n in names])
    ax.grid(False)
    ax.set_title(_("What each kind of evidence can show (the course's reading)"))
    return ax


def plot_claim_status(claims=CLAIMS, ax=None):
    """Stacked bars: the course's key claims per system, by documented / reported / uncertain."""
    ax = style.axes(ax, figsize=(7.0, 3.6))
    table = claims_by_status(claims)
    systems = list(table)
    left = np.zeros(len(systems))
    for i, status in enumerate(STATUSES):
        counts = np.array([table[s][status] for s in systems])
        ax.barh([_(s) for s in systems], counts, left=left, color=style.PALETTE[[2, 1, 3][i]], label=_(status))
        left += counts
    ax.invert_yaxis()
    ax.set_xlabel(_("key claims the course repeats"))
    ax.set_title(_("How sure is each claim? (one bar per part of the course)"))
    ax.legend(loc="lower right", fontsize=8)
    return ax
