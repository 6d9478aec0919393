"""The capstone: one synthetic person's week, as each earlier part's systems record it, joined.

Nothing here simulates a system anew. Each system's records come from the model its own
part built, with that part's seeds:

* **cameras**: plate reads of the person's car (:mod:`survlab.cameras.plates`, Lab 4's
  town and week, read with one character of tolerance);
* **cards**: transport, workplace and payment records on their ID card number
  (:mod:`survlab.biometrics.idcards`, Lab 7's week);
* **television**: their household's set-top-box requests (:mod:`survlab.screens.iptv`,
  Lab 8's month, first week);
* **phone**: the antenna that carried each of their calls and messages
  (:mod:`survlab.screens.devices`, Lab 9's traces).

The four models were built separately, so the "person" is a join: one identity that links
a plate, a card number, a household and a phone line. That link is what a national ID
number, a registration database or a contract makes possible; here it is a synthetic
table, :data:`PERSON`. All data are synthetic and seeded.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import style
from ..biometrics import idcards
from ..cameras import plates
from ..screens import devices, iptv

HOURS_PER_WEEK = idcards.HOURS_PER_WEEK  # 168, one definition for the whole course
SYSTEMS = ("cameras", "cards", "television", "phone")
LAB4_TOWN_SEED, LAB4_WEEK_SEED = 4, 0  # the seeds of Lab 4's town and week


@dataclass(frozen=True)
class Person:
    """The identifiers that link one synthetic person's records in the four systems."""

    card: str  # ID card number in the card systems
    household: int  # household id of the set-top box
    subscriber: int  # phone line in the antenna records


PERSON = Person(card=idcards.card_number(0), household=iptv.TARGET_HOUSEHOLD, subscriber=0)


@dataclass(frozen=True)
class Sighting:
    """One record placing the person in one clock hour of the week (0-167), somewhere."""

    system: str
    hour: int
    place: str


@lru_cache(maxsize=1)
def _plate_world() -> tuple[plates.Town, plates.Week, int]:
    town = plates.make_town(seed=LAB4_TOWN_SEED)
    week = plates.simulate_week(town, seed=LAB4_WEEK_SEED)
    return town, week, plates.target_vehicle(town, week)


def camera_sightings() -> list[Sighting]:
    """Reads of the person's car: every read within one character of its plate (Part I's rule)."""
    town, week, vehicle = _plate_world()
    reads = plates.reads_matching(week.reads, town.vehicles[vehicle].plate, max_differences=1)
    return [Sighting("cameras", int(r.time_h), r.camera) for r in reads if r.time_h < HOURS_PER_WEEK]


def card_sightings(person: Person = PERSON) -> list[Sighting]:
    """Every hour that a transport, workplace or payment record on the card places the person."""
    week = idcards.synthetic_week()
    events = idcards.link_on_card(person.card, *week.tables().values())
    return [Sighting("cards", h, e.place) for e in events for h in e.hour_slots() if h < HOURS_PER_WEEK]


def television_sightings(person: Person = PERSON) -> list[Sighting]:
    """Hours in the first week in which the household's set-top box was in use (someone at home)."""
    s = iptv.sessions_of(iptv.generate_month(), person.household)
    out = []
    for day, start, end in zip(s["day"].tolist(), s["start"].tolist(), s["end"].tolist()):
        if day >= 7:
            continue
        for hour in range(start // 60, (end - 1) // 60 + 1):
            out.append(Sighting("television", day * 24 + hour, "home"))
    return out


def phone_sightings(person: Person = PERSON) -> list[Sighting]:
    """The (hour, antenna) point of each of the line's calls and messages."""
    traces = devices.antenna_traces()
    return [Sighting("phone", h, f"antenna {a}") for h, a in traces.points(person.subscriber) if h < HOURS_PER_WEEK]


def week_records(person: Person = PERSON) -> dict[str, list[Sighting]]:
    """The person's week, system by system."""
    return {"cameras": camera_sightings(), "cards": card_sightings(person),
            "television": television_sightings(person), "phone": phone_sightings(person)}


def hours(sightings) -> set[int]:
    return {s.hour for s in sightings}


def places(sightings) -> set[str]:
    return {s.place for s in sightings}


def joined(records: dict[str, list[Sighting]], systems=SYSTEMS) -> list[Sighting]:
    """The records of the named systems, together (the join on the person's identifiers)."""
    return [s for name in systems for s in records[name]]


def hours_by_system(records: dict[str, list[Sighting]]) -> dict[str, int]:
    return {name: len(hours(records[name])) for name in records}


def cumulative_hours(records: dict[str, list[Sighting]], order=SYSTEMS) -> list[tuple[str, int, int]]:
    """Systems joined one at a time: (system, hours it adds, hours accounted for so far)."""
    seen: set[int] = set()
    out = []
    for name in order:
        new = hours(records[name]) - seen
        seen |= new
        out.append((name, len(new), len(seen)))
    return out


def unique_hours(records: dict[str, list[Sighting]]) -> dict[str, int]:
    """Hours only that system accounts for: what the join loses if it is removed."""
    out = {}
    for name in records:
        others = hours(joined(records, [n for n in records if n != name]))
        out[name] = len(hours(records[name]) - others)
    return out


def phone_contacts(person: Person = PERSON, min_shared: int = 3) -> set[int]:
    """Other lines whose records share at least ``min_shared`` (hour, antenna) points with the person's."""
    traces = devices.antenna_traces()
    mine = traces.points(person.subscriber)
    counts: dict[int, int] = {}
    for point in mine:
        for other in devices.matching_subscribers(traces, [point]):
            if other != person.subscriber:
                counts[other] = counts.get(other, 0) + 1
    return {other for other, n in counts.items() if n >= min_shared}


def power_cut_hours(seed: int = 3, hours_off_per_day: int = 8) -> set[int]:
    """A seeded schedule of power cuts: one block of ``hours_off_per_day`` hours each day."""
    if not 0 <= hours_off_per_day <= 24:
        raise ValueError(f"hours_off_per_day must be 0 to 24, got {hours_off_per_day}")
    rng = np.random.default_rng(seed)
    off = set()
    for day in range(7):
        start = int(rng.integers(0, 24))
        off |= {day * 24 + (start + k) % 24 for k in range(hours_off_per_day)}
    return off


def without_power(records: dict[str, list[Sighting]], cut: set[int],
                  mains_powered=("cameras", "television")) -> dict[str, list[Sighting]]:
    """The records that survive the cuts: cameras and set-top boxes record nothing without mains power
    (card readers and base stations are assumed to have batteries)."""
    return {name: [s for s in rows if not (name in mains_powered and s.hour in cut)] for name, rows in records.items()}


# --- figures ------------------------------------------------------------------------------

def plot_week(records: dict[str, list[Sighting]] | None = None, ax=None):
    """One row per system, one column per hour of the week: where each system places the person."""
    ax = style.axes(ax, figsize=(9.0, 3.2))
    records = records or week_records()
    for row, name in enumerate(SYSTEMS):
        hs = sorted(hours(records[name]))
        ax.bar(hs, 0.8, bottom=row - 0.4, width=1.0, color=style.PALETTE[row], align="edge", label=name)
    all_hours = sorted(hours(joined(records)))
    ax.bar(all_hours, 0.8, bottom=len(SYSTEMS) - 0.4, width=1.0, color="black", align="edge")
    ax.set_yticks(range(len(SYSTEMS) + 1), [*SYSTEMS, "joined"])
    ax.set_xticks(range(0, HOURS_PER_WEEK + 1, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""])
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.set_xlabel("hour of the week")
    ax.set_title("One synthetic week: the hours each system accounts for")
    ax.grid(axis="y", visible=False)
    return ax


def plot_cumulative(records: dict[str, list[Sighting]] | None = None, ax=None):
    """Bars of the hours each system adds when the systems are joined one by one."""
    ax = style.axes(ax, figsize=(7.0, 3.6))
    records = records or week_records()
    steps = cumulative_hours(records)
    bottom = 0
    for i, (name, added, total) in enumerate(steps):
        ax.bar(i, added, bottom=bottom, color=style.PALETTE[i])
        ax.text(i, total + 1, f"+{added} → {total}", ha="center", fontsize=8)
        bottom = total
    ax.set_xticks(range(len(steps)), [f"+ {name}" for name, _, _ in steps])
    ax.set_ylabel(f"hours of the week accounted for (of {HOURS_PER_WEEK})")
    ax.set_title("What each system adds when joined to the ones before")
    return ax
