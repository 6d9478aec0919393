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

Because the four models were not built as one life, they do not always agree: in some
hours the person's car passes a camera while their card records a train journey
(:func:`car_and_train_hours`). How much the systems overlap is therefore partly an
artefact of the stitching, and the lab says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import book, style
from ..biometrics import idcards
from ..cameras import plates
from ..i18n import _
from ..screens import devices, iptv

HOURS_PER_WEEK = idcards.HOURS_PER_WEEK  # 168, one definition for the whole course
SYSTEMS = ("cameras", "cards", "television", "phone")
LAB4_TOWN_SEED, LAB4_WEEK_SEED = 4, 0  # the seeds of Lab 4's town and week


@dataclass(frozen=True)
class Person:
    """The identifiers that link one synthetic person's records in the four systems."""

    card: str  # ID card number in the card systems
    plate: str  # the registration of the car in the plate reads
    household: int  # household id of the set-top box
    subscriber: int  # phone line in the antenna records


@lru_cache(maxsize=1)
def _plate_world() -> tuple[plates.Town, plates.Week, int]:
    town = plates.make_town(seed=LAB4_TOWN_SEED)
    week = plates.simulate_week(town, seed=LAB4_WEEK_SEED)
    return town, week, plates.target_vehicle(town, week)


def _lab4_target_plate() -> str:
    town, _, vehicle = _plate_world()
    return town.vehicles[vehicle].plate


PERSON = Person(card=idcards.card_number(0), plate=_lab4_target_plate(),
                household=iptv.TARGET_HOUSEHOLD, subscriber=0)


@dataclass(frozen=True)
class Sighting:
    """One record placing the person in one clock hour of the week (0-167), somewhere."""

    system: str
    hour: int
    place: str


def camera_sightings(person: Person = PERSON) -> list[Sighting]:
    """Reads of the person's car: every read within one character of its plate (Part I's rule).
    A read places the car, not necessarily the person: whoever drove it."""
    _, week, _ = _plate_world()
    reads = plates.reads_matching(week.reads, person.plate, max_differences=1)
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
    """The person's week, system by system (fresh lists: the caller may change them)."""
    return {name: list(rows) for name, rows in _week_records(person)}


@lru_cache(maxsize=4)  # seeded: the same week every call, computed once and kept immutable
def _week_records(person: Person) -> tuple[tuple[str, tuple[Sighting, ...]], ...]:
    return (("cameras", tuple(camera_sightings(person))), ("cards", tuple(card_sightings(person))),
            ("television", tuple(television_sightings(person))), ("phone", tuple(phone_sightings(person))))


def warm_up() -> None:
    """Compute the lab's seeded week once (the grader's warm server does, before it forks)."""
    _week_records(PERSON)
    phone_contacts(PERSON, 1)  # builds the antenna records' index, which every contact query reads


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


def contacts_at_work_antenna(person: Person = PERSON, min_shared: int = 3) -> set[int]:
    """The lines of :func:`phone_contacts` whose work antenna is the person's own: people who
    merely work nearby, whom an analyst could mistake for companions."""
    traces = devices.antenna_traces()
    mine = int(traces.work[person.subscriber])
    if mine < 0:
        return set()
    return {other for other in phone_contacts(person, min_shared) if int(traces.work[other]) == mine}


def car_and_train_hours(person: Person = PERSON, records: dict[str, list[Sighting]] | None = None) -> set[int]:
    """Hours in which the car passes a camera while the card records a transport journey: the
    seams of four models stitched together, not one coherent life."""
    records = records or week_records(person)
    week = idcards.synthetic_week()
    journeys = {h for e in idcards.link_on_card(person.card, week.transport) for h in e.hour_slots()}
    return hours(records["cameras"]) & journeys


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


def hours_lost(records: dict[str, list[Sighting]], cut: set[int], mains_powered=("cameras", "television")) -> int:
    """Joined hours lost when the ``mains_powered`` systems record nothing during the cuts."""
    before = hours(joined(records))
    return len(before) - len(hours(joined(without_power(records, cut, mains_powered))))


def battery_sensitivity(records: dict[str, list[Sighting]], seeds=range(3, 13),
                        hours_off_per_day: int = 8) -> list[tuple[int, int, int]]:
    """The power-cut result under both assumptions, for several seeded schedules:
    (seed, hours lost with card readers and base stations on batteries, hours lost with every
    system down during a cut)."""
    out = []
    for seed in seeds:
        cut = power_cut_hours(seed, hours_off_per_day)
        out.append((seed, hours_lost(records, cut), hours_lost(records, cut, SYSTEMS)))
    return out


def summary(person: Person = PERSON, min_shared: int = 5, power_seed: int = 3,
            hours_off_per_day: int = 8) -> dict[str, int]:
    """Every count the capstone's page states, computed once (the page glues them)."""
    records = week_records(person)
    joined_hours = hours(joined(records))
    steps = {name: (added, total) for name, added, total in cumulative_hours(records)}
    unique = unique_hours(records)
    cut = power_cut_hours(power_seed, hours_off_per_day)
    mains = hours(records["cameras"]) | hours(records["television"])
    sens = battery_sensitivity(records, hours_off_per_day=hours_off_per_day)
    out = {f"{name}_{what}": n for name in SYSTEMS
           for what, n in (("records", len(records[name])), ("hours", len(hours(records[name]))),
                           ("unique", unique[name]), ("adds", steps[name][0]))}
    out.update({
        "joined_hours": len(joined_hours),
        "summed_hours": sum(len(hours(records[name])) for name in SYSTEMS),
        "week_hours": HOURS_PER_WEEK,
        "waking_joined": len({h for h in joined_hours if 7 <= h % 24 < 23}),
        "waking_hours": 7 * 16,
        "without_cameras": len(hours(joined(records, [n for n in SYSTEMS if n != "cameras"]))),
        "car_and_train": len(car_and_train_hours(person, records)),
        "min_shared": min_shared,
        "contacts": len(phone_contacts(person, min_shared)),
        "contacts_once": len(phone_contacts(person, 1)),
        "contacts_at_work": len(contacts_at_work_antenna(person, min_shared)),
        "mains_hours_in_cuts": len(mains & cut),
        "lost_batteries": hours_lost(records, cut),
        "lost_all_down": hours_lost(records, cut, SYSTEMS),
        "sens_batteries_min": min(b for _, b, _ in sens), "sens_batteries_max": max(b for _, b, _ in sens),
        "sens_all_down_min": min(a for _, _, a in sens), "sens_all_down_max": max(a for _, _, a in sens),
        "sens_schedules": len(sens),
    })
    return out


def glue_summary(values: dict[str, int], prefix: str = "cw_") -> dict[str, int]:
    """Glue the summary's counts for the book page (:func:`survlab.book.glue_all`)."""
    return book.glue_all(values, prefix)


# --- figures ------------------------------------------------------------------------------

def plot_week(records: dict[str, list[Sighting]] | None = None, ax=None):
    """One row per system, one column per hour of the week: where each system places the person."""
    ax = style.axes(ax, figsize=(9.0, 3.2))
    records = records or week_records()
    # One bar per run of consecutive hours (a patch per hour costs a second to draw).
    for row, name in enumerate(SYSTEMS):
        ax.broken_barh(_runs(hours(records[name])), (row - 0.4, 0.8), facecolors=style.PALETTE[row], label=_(name))
    ax.broken_barh(_runs(hours(joined(records))), (len(SYSTEMS) - 0.4, 0.8), facecolors="black")
    ax.set_yticks(range(len(SYSTEMS) + 1), [*(_(name) for name in SYSTEMS), _("joined")])
    ax.set_xticks(range(0, HOURS_PER_WEEK + 1, 24),
                  [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"), ""])
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.set_xlabel(_("hour of the week"))
    ax.set_title(_("One synthetic week: the hours each system accounts for"))
    ax.grid(axis="y", visible=False)
    return ax


def _runs(hour_set: set[int]) -> list[tuple[int, int]]:
    """(start, length) of each run of consecutive hours."""
    runs: list[tuple[int, int]] = []
    for h in sorted(hour_set):
        if runs and runs[-1][0] + runs[-1][1] == h:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((h, 1))
    return runs


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
    ax.set_xticks(range(len(steps)), [f"+ {_(name)}" for name, _added, _total in steps])
    ax.set_ylabel(_("hours of the week accounted for (of {hours})").format(hours=HOURS_PER_WEEK))
    ax.set_title(_("What each system adds when joined to the ones before"))
    return ax
