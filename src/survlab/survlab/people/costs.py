"""The cost of watching: guards at fixed posts against cameras, storage, power and analysts,
as the price of equipment falls year by year.

A teaching model with hypothetical numbers. Costs are in **wage-years**: one unit is what
one guard costs in a year, so no currency or country is implied. Storage, power and
viewing use Part I's camera-network functions (:mod:`survlab.cameras.network`).

Informants are not in the comparison: they report on homes, conversations and loyalties
that no camera at a post sees, so the model leaves them out of both sides (the lesson
explains why).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from .. import style
from ..cameras import network
from ..i18n import _

HOURS_PER_WEEK = 24 * 7
HOURS_PER_YEAR = 24 * 365


def staff_for_round_the_clock(seats: float, hours_per_person: float = 40.0) -> float:
    """People needed to keep ``seats`` filled every hour of the week, before leave and sickness."""
    if hours_per_person <= 0:
        raise ValueError(f"hours_per_person must be positive, got {hours_per_person}")
    return seats * HOURS_PER_WEEK / hours_per_person


@dataclass(frozen=True)
class Assumptions:
    """Every number the comparison depends on (hypothetical, for teaching)."""

    posts: int = 200  # places watched round the clock: entrances, squares, crossings
    wage: float = 1.0  # a guard's or an analyst's cost per year (the unit)
    cameras_per_post: float = 4.0  # cameras needed to see what one guard sees
    camera_price: float = 10.0  # one installed camera in year 0, in wage-years
    camera_life_years: float = 5.0  # a camera's price is spread over its life
    price_decline: float = 0.2  # equipment price falls by this share each year
    bitrate_mbps: float = 2.0
    retention_days: float = 30.0
    price_per_tb: float = 0.05  # storage in year 0, per terabyte-year
    watts_per_camera: float = 10.0
    price_per_kwh: float = 0.002
    screens_per_viewer: float = 12.0  # feeds one analyst follows at once (as in Part I)
    watched_fraction: float = 1.0  # share of feeds a person watches live
    automated_watched_fraction: float = 0.05  # with analytics: people see only the alerts
    analytics_watts_per_camera: float = 10.0  # the servers that run the analytics

    def automated(self) -> "Assumptions":
        """The same system with analytics: fewer feeds watched, more power drawn."""
        return replace(self, watched_fraction=self.automated_watched_fraction,
                       watts_per_camera=self.watts_per_camera + self.analytics_watts_per_camera)


def equipment_price(initial: float, decline: float, year: float) -> float:
    """A price that falls by ``decline`` (a share) every year."""
    if not 0 <= decline < 1:
        raise ValueError(f"decline must be a share in [0, 1), got {decline}")
    return initial * (1 - decline) ** year


def human_cost(a: Assumptions = Assumptions()) -> float:
    """Guards at every post, round the clock, per year."""
    return staff_for_round_the_clock(a.posts) * a.wage


def machine_cost_breakdown(a: Assumptions = Assumptions(), year: float = 0) -> dict[str, float]:
    """Cameras (price spread over their life), storage, power and analysts, per year, for a
    system bought at ``year``'s prices, undiscounted: not the running cost of one bought earlier."""
    cameras = a.posts * a.cameras_per_post
    storage_tb = network.storage_tb(cameras, a.bitrate_mbps, a.retention_days)
    kwh = network.power_kw(cameras, a.watts_per_camera) * HOURS_PER_YEAR
    seats = cameras / a.screens_per_viewer * a.watched_fraction  # continuous, unlike the rounded viewers_needed
    return {
        "cameras": cameras * equipment_price(a.camera_price, a.price_decline, year) / a.camera_life_years,
        "storage": storage_tb * equipment_price(a.price_per_tb, a.price_decline, year),
        "power": kwh * a.price_per_kwh,
        "analysts": staff_for_round_the_clock(seats) * a.wage,
    }


def machine_cost(a: Assumptions = Assumptions(), year: float = 0) -> float:
    return sum(machine_cost_breakdown(a, year).values())


def break_even_year(a: Assumptions = Assumptions(), horizon: int = 50) -> int | None:
    """The crossover year: the first whole year in which a system bought at that year's prices
    costs no more per year than the guards (None within the horizon). Not a payback point."""
    human = human_cost(a)
    for year in range(horizon + 1):
        if machine_cost(a, year) <= human:
            return year
    return None


def crossover_summary(a: Assumptions = Assumptions()) -> dict[str, int | None]:
    """The crossover ("break-even") years a lab page states: base case, with analytics, and
    with storage left out (the lesson's paper version)."""
    return {"crossover": break_even_year(a), "crossover_auto": break_even_year(a.automated()),
            "crossover_no_storage": break_even_year(replace(a, price_per_tb=0.0))}


SENSITIVE = ("wage", "cameras_per_post", "camera_price", "price_decline", "screens_per_viewer", "watched_fraction")


def sensitivity(a: Assumptions = Assumptions(), factors: tuple[float, float] = (0.5, 2.0),
                names: tuple[str, ...] = SENSITIVE, horizon: int = 50) -> dict[str, tuple[int | None, int | None]]:
    """Break-even year with each assumption multiplied by each factor in turn, the others held."""
    known = {f.name for f in fields(Assumptions)}
    out = {}
    for name in names:
        if name not in known:
            raise KeyError(f"no assumption named {name!r}; known: {sorted(known)}")
        years = []
        for factor in factors:
            value = getattr(a, name) * factor
            if name == "price_decline":
                value = min(value, 0.95)
            if name == "watched_fraction":
                value = min(value, 1.0)
            years.append(break_even_year(replace(a, **{name: value}), horizon))
        out[name] = tuple(years)
    return out


def swing(years: tuple[int | None, int | None], horizon: int = 50) -> int:
    """How many years an assumption moves the break-even (never reached counts as the horizon)."""
    low, high = (horizon if y is None else y for y in years)
    return abs(high - low)


def most_sensitive(a: Assumptions = Assumptions(), horizon: int = 50) -> str:
    """The assumption whose halving or doubling moves the break-even year the most."""
    table = sensitivity(a, horizon=horizon)
    return max(table, key=lambda name: swing(table[name], horizon))


# --- figures ------------------------------------------------------------------------------

def plot_costs_over_time(a: Assumptions = Assumptions(), years: int = 15, ax=None):
    """Yearly cost of guards against cameras, with and without analytics, as equipment gets cheaper."""
    ax = style.axes(ax)
    t = np.arange(years + 1)
    ax.plot(t, [human_cost(a)] * len(t), color=style.PALETTE[3], lw=2.2, label=_("guards at every post"))
    for i, (label, assumptions) in enumerate((("cameras, people watch every feed", a),
                                               ("cameras with analytics", a.automated()))):
        ax.plot(t, [machine_cost(assumptions, y) for y in t], color=style.PALETTE[i], lw=2.2, label=_(label))
        be = break_even_year(assumptions)
        if be is not None and be <= years:
            ax.plot([be], [machine_cost(assumptions, be)], "o", color=style.PALETTE[i])
    ax.set_xlabel(_("year (equipment price falls {decline:.0%} a year)").format(decline=a.price_decline))
    ax.set_ylabel(_("cost per year (wage-years)"))
    ax.set_title(_("Watching {posts} posts round the clock (hypothetical)").format(posts=a.posts))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return ax


def plot_breakdown(a: Assumptions = Assumptions(), years: tuple[int, ...] = (0, 5, 10), ax=None):
    """Stacked bars of what the camera system's yearly cost is made of, in a few years."""
    ax = style.axes(ax)
    parts = list(machine_cost_breakdown(a, 0))
    bottoms = np.zeros(len(years))
    for i, part in enumerate(parts):
        values = np.array([machine_cost_breakdown(a, y)[part] for y in years])
        ax.bar([str(y) for y in years], values, bottom=bottoms, color=style.PALETTE[i], label=_(part))
        bottoms += values
    ax.axhline(human_cost(a), color="black", ls="--", lw=1.5, label=_("guards"))
    ax.set_xlabel(_("year"))
    ax.set_ylabel(_("cost per year (wage-years)"))
    ax.set_title(_("What the camera system's cost is made of (people watch every feed)"))
    ax.legend(fontsize=8, ncol=2)
    return ax


def plot_sensitivity(a: Assumptions = Assumptions(), horizon: int = 50, ax=None):
    """Tornado chart: the break-even year with each assumption halved and doubled."""
    ax = style.axes(ax, figsize=(7.0, 3.8))
    base = break_even_year(a, horizon)
    table = sensitivity(a, horizon=horizon)
    order = sorted(table, key=lambda n: swing(table[n], horizon))
    for row, name in enumerate(order):
        half, double = (horizon if y is None else y for y in table[name])
        ax.barh(row, half - base, left=base, color=style.PALETTE[0], label=_("halved") if row == 0 else None)
        ax.barh(row, double - base, left=base, color=style.PALETTE[1], alpha=0.8,
                label=_("doubled") if row == 0 else None)
        for text, years in zip((_("halved: never within {horizon} years "),
                                _("doubled: never within {horizon} years ")), table[name]):
            if years is None:
                ax.text(horizon, row, text.format(horizon=horizon), ha="right", va="center", fontsize=8)
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(range(len(order)), [_(n.replace("_", " ")) for n in order])
    ax.set_xlabel(_("crossover year (base case: year {base})").format(base=base))
    ax.set_title(_("Which assumption matters most?"))
    ax.legend(fontsize=8, loc="lower right")
    return ax


def describe(a: Assumptions = Assumptions()) -> str:
    """The assumptions in one line each, for a lab's first cell."""
    return "\n".join(f"{f.name} = {getattr(a, f.name)!r}" for f in fields(a))
