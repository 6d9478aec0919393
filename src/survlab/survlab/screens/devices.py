"""Phones, files and marks: device-side monitoring as a class of design, on synthetic data.

Three models, used by the lesson "Phones, files and marks" and Lab 9 (``file-marks``):

1. **Marks that travel with a file.** Some devices write an identifier of their own into
   files as the files pass through them. Here every *marking computer* has a synthetic
   disk serial; its mark is a short hash of that serial (:func:`device_mark`), a teaching
   stand-in for whatever a real system writes (Red Star OS's mark is reported to be the
   serial, encrypted). A hashed serial is a pseudonym, not an anonymous code: serials are few
   enough to list, and :func:`match_mark` finds a mark's device by hashing every candidate,
   which is all a register is. When a file
   is copied onto such a computer, or a USB stick holding it is plugged in, the computer
   appends its mark to the file's list of marks. USB sticks run no software and write no
   mark of their own. :func:`simulate_spread` copies one file across computers and sticks;
   :func:`path_of` reads a copy's marks back as device names through a register,
   :func:`first_device` names the earliest, and :func:`divergence_device` finds the last
   device two copies both passed through::

       spread = simulate_spread()
       copy = spread.copy_on("PC-01")
       path_of(copy, spread.register)           # ['PC-08', 'PC-01', 'PC-07', 'PC-01']

2. **Viewers that check signatures.** A viewer that opens only content signed by one
   approved key (Ed25519, from the ``cryptography`` package; no home-made cipher) against
   one that opens anything. :func:`mixed_collection` makes items that are properly signed,
   signed and then altered, signed by another key, or unsigned::

       key = signing_key("approved")
       items = mixed_collection()
       count_opened(items, signature_viewer(key.public_key()))

3. **What the network records.** Every call or message is logged with the antenna that
   carried it. :func:`antenna_traces` makes a week of such records for synthetic subscribers
   in a town laid out as a grid of antennas (home, work and other places, hourly points), and
   :func:`unicity` measures the share of subscribers that ``p`` random points of their own
   single out (the measure of de Montjoye et al., 2013)::

       traces = antenna_traces()
       unicity(traces, 4)                       # share unique with 4 random points

Every function is pure and seeded: the same arguments give the same result. The data are
synthetic; no real device, serial number, key or person is involved. The models explain how
such designs work; they are not a description of any real system's file format.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..i18n import _

SEED = 2022

# --- 1. Marks ------------------------------------------------------------------------------


SERIAL_HEX_DIGITS = 10  # a synthetic serial: "SN-" and 10 hexadecimal digits (40 bits)
MARK_HEX_DIGITS = 8  # a mark: the first 8 hexadecimal digits of a hash (32 bits)


def synthetic_serial(rng: np.random.Generator) -> str:
    """A made-up disk serial number, e.g. ``'SN-4F0A93C2B7'`` (not the format of any real maker)."""
    return "SN-" + "".join(rng.choice(list("0123456789ABCDEF"), size=SERIAL_HEX_DIGITS))


def device_mark(serial: str) -> str:
    """The mark a device writes: the first 8 hex digits of the SHA-256 hash of its serial.

    A hash cannot be run backwards by calculation, but that protects only inputs too many to
    list. Serials can be listed: hash every candidate and compare (:func:`match_mark`), and the
    mark names its device. The mark is a pseudonym for the disk, not an anonymous code.
    """
    if not isinstance(serial, str) or not serial:
        raise ValueError(f"a serial must be a non-empty string, got {serial!r}")
    return hashlib.sha256(("mark:" + serial).encode()).hexdigest()[:MARK_HEX_DIGITS]


def match_mark(mark: str, candidate_serials: Iterable[str]) -> list[str]:
    """Every candidate serial whose mark is ``mark``: the dictionary attack that a register is.

    Whoever can list the possible serials (a maker's formats, a shop's sales records, an
    inventory of office computers) hashes each one and keeps the matches.
    """
    return [serial for serial in candidate_serials if device_mark(serial) == mark]


def serials_per_mark(serial_hex_digits: int = SERIAL_HEX_DIGITS, mark_hex_digits: int = MARK_HEX_DIGITS) -> int:
    """How many possible serials share each mark on average: 16**serial digits / 16**mark digits
    (at least 1). A truncated mark does not hide a serial; it only leaves a few candidates."""
    if serial_hex_digits < 1 or mark_hex_digits < 1:
        raise ValueError("serials and marks need at least one hexadecimal digit")
    return max(1, 16 ** (serial_hex_digits - mark_hex_digits))


def expected_mark_collisions(n_devices: int, mark_hex_digits: int = MARK_HEX_DIGITS) -> float:
    """Expected number of pairs of devices that share a mark, n(n - 1) / 2 / 16**digits (birthday
    bound): why a national register of short marks would give ambiguous answers."""
    if n_devices < 0:
        raise ValueError(f"n_devices must be 0 or more, got {n_devices!r}")
    return n_devices * (n_devices - 1) / 2 / 16 ** mark_hex_digits


@dataclass(frozen=True)
class Device:
    """A computer that marks files (``marks=True``) or a USB stick that does not."""

    name: str
    serial: str
    marks: bool = True

    @property
    def mark(self) -> str:
        return device_mark(self.serial)


@dataclass(frozen=True)
class FileCopy:
    """One copy of a file: where it is, the marks it carries (oldest first), and its parent copy."""

    copy_id: int
    name: str
    holder: str  # the device the copy is on now
    marks: tuple[str, ...]
    parent: int | None  # the copy it was copied from (None for the copy that entered the area)
    step: int  # when the copy was made (event number)


@dataclass(frozen=True)
class Spread:
    """The result of :func:`simulate_spread`: devices, every copy, and the register of marks."""

    devices: tuple[Device, ...]
    copies: tuple[FileCopy, ...]
    events: tuple[str, ...]

    @property
    def register(self) -> dict[str, str]:
        """mark -> device name, as an authority holding every marking device's serial could build it
        (hashing each serial: the same attack as :func:`match_mark`)."""
        return {d.mark: d.name for d in self.devices if d.marks}

    @property
    def computers(self) -> list[str]:
        return [d.name for d in self.devices if d.marks]

    @property
    def sticks(self) -> list[str]:
        return [d.name for d in self.devices if not d.marks]

    def copy(self, copy_id: int) -> FileCopy:
        return self.copies[copy_id]

    def copies_on(self, device: str) -> list[FileCopy]:
        """Every copy made on ``device`` (a computer or a stick)."""
        if device not in {d.name for d in self.devices}:
            raise KeyError(f"no device named {device!r}; devices are {[d.name for d in self.devices]}")
        return [c for c in self.copies if c.holder == device]

    def copy_on(self, device: str) -> FileCopy:
        """The latest copy made on ``device``."""
        found = self.copies_on(device)
        if not found:
            raise KeyError(f"no copy of the file reached {device!r}")
        return found[-1]


def _append(marks: tuple[str, ...], mark: str) -> tuple[str, ...]:
    # A device does not mark a file twice in a row (a second plug-in changes nothing).
    return marks if marks and marks[-1] == mark else marks + (mark,)


def simulate_spread(n_computers: int = 8, n_sticks: int = 3, n_events: int = 20, seed: int = SEED,
                    file_name: str = "film.mp4") -> Spread:
    """Copy one file around a group of marking computers and USB sticks.

    The file enters on stick ``USB-1`` carrying no marks. Each event either plugs a stick
    that holds a copy into a computer and copies the file onto it (the computer marks the
    copy on the stick, even unopened, and the new copy on its disk), or copies the file from
    a computer onto a stick (the copy keeps the computer's marks; a stick adds none).
    """
    if n_computers < 2 or n_sticks < 1 or n_events < 1:
        raise ValueError("need at least 2 computers, 1 stick and 1 event")
    rng = np.random.default_rng(seed)
    computers = [Device(f"PC-{i:02d}", synthetic_serial(rng), True) for i in range(1, n_computers + 1)]
    sticks = [Device(f"USB-{i}", synthetic_serial(rng), False) for i in range(1, n_sticks + 1)]
    copies: list[FileCopy] = [FileCopy(0, file_name, "USB-1", (), None, 0)]
    latest: dict[str, int] = {"USB-1": 0}  # device -> id of the copy it holds now
    events: list[str] = [_("0: {file} arrives on USB-1 with no marks").format(file=file_name)]
    for step in range(1, n_events + 1):
        sticks_with = [s.name for s in sticks if s.name in latest]
        pcs_with = [c.name for c in computers if c.name in latest]
        if pcs_with and (rng.random() < 0.45 or not sticks_with):
            src = str(rng.choice(pcs_with))
            dst = sticks[int(rng.integers(len(sticks)))].name
            parent = copies[latest[src]]
            copies.append(FileCopy(len(copies), file_name, dst, parent.marks, parent.copy_id, step))
            latest[dst] = len(copies) - 1
            events.append(_("{step}: copied from {source} onto {stick}").format(step=step, source=src, stick=dst))
        else:
            stick = str(rng.choice(sticks_with))
            host = computers[int(rng.integers(len(computers)))]
            on_stick = copies[latest[stick]]
            marked = FileCopy(len(copies), file_name, stick, _append(on_stick.marks, host.mark),
                              on_stick.copy_id, step)
            copies.append(marked)  # the stick's copy, now carrying the host's mark
            latest[stick] = marked.copy_id
            copies.append(FileCopy(len(copies), file_name, host.name, marked.marks, marked.copy_id, step))
            latest[host.name] = len(copies) - 1
            events.append(_("{step}: {stick} plugged into {computer}; file copied onto {computer}").format(
                step=step, stick=stick, computer=host.name))
    return Spread(tuple(computers + sticks), tuple(copies), tuple(events))


def path_of(copy: FileCopy, register: dict[str, str]) -> list[str]:
    """A copy's marks as device names, oldest first (``'unknown'`` for a mark not in the register)."""
    return [register.get(m, "unknown") for m in copy.marks]


def first_device(copy: FileCopy, register: dict[str, str]) -> str | None:
    """The first marking device the copy passed through (None if it carries no mark)."""
    path = path_of(copy, register)
    return path[0] if path else None


def common_marks(a: FileCopy, b: FileCopy) -> tuple[str, ...]:
    """The marks two copies share from the start, before their lists part ways."""
    shared = []
    for x, y in zip(a.marks, b.marks):
        if x != y:
            break
        shared.append(x)
    return tuple(shared)


def divergence_device(a: FileCopy, b: FileCopy, register: dict[str, str]) -> str | None:
    """The last device both copies passed through: where their histories split."""
    shared = common_marks(a, b)
    return register.get(shared[-1], "unknown") if shared else None


def lineage(spread: Spread, copy: FileCopy) -> list[FileCopy]:
    """The chain of copies from the one that entered the area to ``copy`` (ground truth)."""
    chain = [copy]
    while chain[-1].parent is not None:
        chain.append(spread.copies[chain[-1].parent])
    return chain[::-1]


def plot_spread(spread: Spread | None = None, highlight: Sequence[int] = (), ax=None):
    """Every copy as a dot (event number across, device down), joined to the copy it came from.
    Copies in ``highlight`` and their ancestors are drawn in orange."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    spread = spread or simulate_spread()
    names = spread.computers + spread.sticks
    row = {n: i for i, n in enumerate(names)}
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 5.0))
    marked = {c.copy_id for h in highlight for c in lineage(spread, spread.copies[h])}
    for c in spread.copies:
        if c.parent is not None:
            p = spread.copies[c.parent]
            on = c.copy_id in marked and p.copy_id in marked
            ax.plot([p.step, c.step], [row[p.holder], row[c.holder]], color=style.PALETTE[1] if on else "#bbbbbb",
                    linewidth=2.2 if on else 0.8, zorder=2 if on else 1)
    for c in spread.copies:
        stick = c.holder in spread.sticks
        colour = style.PALETTE[1] if c.copy_id in marked else (style.PALETTE[2] if stick else style.PALETTE[0])
        ax.scatter(c.step, row[c.holder], s=28, marker="s" if stick else "o", color=colour, zorder=3)
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    handles = [Line2D([], [], marker="o", linestyle="", color=style.PALETTE[0], label=_("copy on a computer")),
               Line2D([], [], marker="s", linestyle="", color=style.PALETTE[2], label=_("copy on a USB stick"))]
    if marked:
        handles.append(Line2D([], [], color=style.PALETTE[1], linewidth=2.2, label=_("history of the chosen copies")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(_("event number (each plug-in or copy)"))
    ax.set_ylabel(_("device (computers mark; sticks do not)"))
    ax.set_title(_("Copies of one file spreading across computers and USB sticks (synthetic)"))
    ax.grid(axis="x", alpha=0.2)
    return ax


# --- 2. Signatures -------------------------------------------------------------------------
# Keys come from Part II's teaching-key helper (survlab.biometrics.idcards), so the course has
# one signer; signing and checking are the ``cryptography`` package's Ed25519, nothing invented.


def signing_key(label: str):
    """A deterministic Ed25519 *teaching* key for ``label`` (Part II's
    :func:`survlab.biometrics.idcards.teaching_private_key`): published and reproducible by
    anyone, so it shows how signatures work and protects nothing."""
    from ..biometrics.idcards import teaching_private_key

    return teaching_private_key(label)


def sign_content(private_key, content: bytes) -> bytes:
    """An Ed25519 signature (64 bytes) over ``content``."""
    return private_key.sign(bytes(content))


def verify_content(public_key, content: bytes, signature: bytes | None) -> bool:
    """True only if ``signature`` is a valid signature of exactly ``content`` by ``public_key``."""
    from cryptography.exceptions import InvalidSignature

    if signature is None:
        return False
    try:
        public_key.verify(bytes(signature), bytes(content))
    except InvalidSignature:
        return False
    return True


KINDS = ("approved", "altered after signing", "signed by another key", "unsigned")


@dataclass(frozen=True)
class Item:
    """A file in a collection: its content, its signature (or None) and, for teaching, what it is."""

    name: str
    content: bytes
    signature: bytes | None
    kind: str  # one of KINDS (ground truth; a viewer never reads it)


DEFAULT_COUNTS = {"approved": 14, "altered after signing": 3, "signed by another key": 5, "unsigned": 18}


def mixed_collection(counts: dict[str, int] | None = None, seed: int = SEED,
                     approved_label: str = "approved", other_label: str = "other") -> tuple[Item, ...]:
    """A shuffled collection: content signed by the approved key, approved content altered
    after signing (one byte changed), content signed by another key, and unsigned content."""
    counts = dict(DEFAULT_COUNTS if counts is None else counts)
    unknown = set(counts) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; kinds are {KINDS}")
    rng = np.random.default_rng(seed)
    approved, other = signing_key(approved_label), signing_key(other_label)
    items = []
    for kind in KINDS:
        for i in range(counts.get(kind, 0)):
            content = f"{kind} #{i}: ".encode() + rng.bytes(24)
            if kind == "approved":
                sig = sign_content(approved, content)
            elif kind == "altered after signing":
                sig = sign_content(approved, content)
                content = content[:-1] + bytes([content[-1] ^ 0x01])
            elif kind == "signed by another key":
                sig = sign_content(other, content)
            else:
                sig = None
            items.append((content, sig, kind))
    order = rng.permutation(len(items))
    return tuple(Item(f"file-{n + 1:02d}", *items[j]) for n, j in enumerate(order))


Viewer = Callable[[Item], bool]


def signature_viewer(approved_public_key) -> Viewer:
    """A viewer that opens an item only if it carries a valid signature by the approved key."""
    return lambda item: verify_content(approved_public_key, item.content, item.signature)


def open_viewer() -> Viewer:
    """A viewer that opens anything."""
    return lambda item: True


def count_opened(items: Iterable[Item], viewer: Viewer) -> int:
    return sum(bool(viewer(i)) for i in items)


def opened_by_kind(items: Iterable[Item], viewer: Viewer) -> dict[str, int]:
    """How many items of each kind a viewer opens."""
    opened = Counter(i.kind for i in items if viewer(i))
    return {k: opened.get(k, 0) for k in KINDS}


def plot_viewers(items: Sequence[Item] | None = None, approved_public_key=None, ax=None):
    """Bars: items of each kind in the collection, and how many each viewer opens."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from .. import style

    style.use()
    items = mixed_collection() if items is None else items
    approved_public_key = approved_public_key or signing_key("approved").public_key()
    totals = Counter(i.kind for i in items)
    sig = opened_by_kind(items, signature_viewer(approved_public_key))
    opn = opened_by_kind(items, open_viewer())
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 4.2))
    x = np.arange(len(KINDS))
    ax.bar(x - 0.2, [sig[k] for k in KINDS], width=0.4, color=style.PALETTE[0],
           label=_("signature-only viewer opens"))
    ax.bar(x + 0.2, [opn[k] for k in KINDS], width=0.4, color=style.PALETTE[1], label=_("open viewer opens"))
    for xi, k in zip(x, KINDS):
        ax.text(xi - 0.2, sig[k] + 0.3, str(sig[k]), ha="center", fontsize=9)
        ax.text(xi + 0.2, opn[k] + 0.3, str(opn[k]), ha="center", fontsize=9)
    # Wrapped labels: "altered after signing" and "signed by another key" ran into each other.
    ax.set_xticks(x, [_("{kind}\n({count} items)").format(kind="\n".join(textwrap.wrap(_(k), 14)),
                                                           count=totals.get(k, 0)) for k in KINDS],
                  fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of files: whole numbers only
    ax.set_ylabel(_("items opened"))
    ax.set_title(_("What each viewer lets through from a mixed collection (synthetic)"))
    ax.legend(loc="upper left")
    ax.figure.tight_layout()
    return ax


# --- 3. Antenna records and unicity --------------------------------------------------------

HOURS_PER_DAY = 24


@dataclass(frozen=True, eq=False)  # compared by identity, so results can be cached per trace set
class AntennaTraces:
    """Antenna records of synthetic subscribers: one row per call or message.

    ``subscriber[k]``, ``hour[k]`` (hours since Monday 00:00) and ``antenna[k]`` describe record
    k. ``antennas_xy`` gives each antenna's position in km; ``home`` and ``work`` each
    subscriber's home and work antenna (``work`` is -1 for people who do not commute).
    """

    subscriber: np.ndarray
    hour: np.ndarray
    antenna: np.ndarray
    antennas_xy: np.ndarray
    home: np.ndarray
    work: np.ndarray
    n_hours: int

    @property
    def n_subscribers(self) -> int:
        return int(self.home.size)

    @property
    def n_antennas(self) -> int:
        return int(self.antennas_xy.shape[0])

    @property
    def n_records(self) -> int:
        return int(self.subscriber.size)

    def points(self, subscriber: int) -> list[tuple[int, int]]:
        """One subscriber's distinct (hour, antenna) points, in time order."""
        rows = self.subscriber == subscriber
        return sorted(set(zip(self.hour[rows].tolist(), self.antenna[rows].tolist())))

    def records_per_subscriber(self) -> np.ndarray:
        return np.bincount(self.subscriber, minlength=self.n_subscribers)


def town_antennas(grid_size: int = 5, spacing_km: float = 1.0) -> np.ndarray:
    """Antenna positions (km) on a square grid of ``grid_size`` × ``grid_size`` sites."""
    if grid_size < 2:
        raise ValueError("a town needs at least a 2 x 2 grid of antennas")
    g = np.arange(grid_size) * spacing_km
    xx, yy = np.meshgrid(g, g)
    return np.column_stack([xx.ravel(), yy.ravel()])


def _pick_near_centre(rng, xy, n, spread_km):
    centre = xy.mean(axis=0)
    weight = np.exp(-((xy - centre) ** 2).sum(axis=1) / (2 * spread_km ** 2))
    return rng.choice(len(xy), size=n, p=weight / weight.sum())


@lru_cache(maxsize=8)
def antenna_traces(n_subscribers: int = 2000, days: int = 7, grid_size: int = 5, seed: int = SEED,
                   activity_per_hour: float = 0.3, commuter_share: float = 0.7) -> AntennaTraces:
    """A week (by default) of hourly antenna records for synthetic subscribers.

    Homes are spread over the town; workplaces cluster near the centre. Commuters are at
    work 08:00-17:59 on weekdays; everyone is at home at night and otherwise at home or at one
    of three other places of their own (a market, relatives, friends). In each hour a
    subscriber calls or texts with a probability that varies by person (around
    ``activity_per_hour``, lower at night); each call or text is a record of the hour and the
    antenna that carried it.
    """
    if n_subscribers < 2 or days < 1:
        raise ValueError("need at least 2 subscribers and 1 day")
    rng = np.random.default_rng(seed)
    xy = town_antennas(grid_size)
    n_ant = len(xy)
    home = rng.integers(n_ant, size=n_subscribers)
    work = np.where(rng.random(n_subscribers) < commuter_share,
                    _pick_near_centre(rng, xy, n_subscribers, grid_size / 4), -1)
    others = rng.integers(n_ant, size=(n_subscribers, 3))
    rate = activity_per_hour * rng.lognormal(0.0, 0.5, size=n_subscribers)
    n_hours = days * HOURS_PER_DAY
    hours = np.arange(n_hours)
    hod, dow = hours % HOURS_PER_DAY, hours // HOURS_PER_DAY
    night = (hod < 7) | (hod >= 23)
    at_work = (dow % 7 < 5) & (hod >= 8) & (hod < 18)
    hour_factor = np.where(night, 0.15, 1.0)
    # where each subscriber is in each hour: home, work, or one of their other places
    where = np.repeat(home[:, None], n_hours, axis=1)
    commuter = work >= 0
    where[np.ix_(commuter, at_work)] = work[commuter][:, None]
    out = (~night)[None, :] & ~(commuter[:, None] & at_work[None, :]) & (rng.random((n_subscribers, n_hours)) < 0.3)
    choice = others[np.arange(n_subscribers)[:, None], rng.integers(3, size=(n_subscribers, n_hours))]
    where = np.where(out, choice, where)
    active = rng.random((n_subscribers, n_hours)) < np.clip(rate[:, None] * hour_factor[None, :], 0, 1)
    sub, hr = np.nonzero(active)
    return AntennaTraces(sub.astype(np.int32), hr.astype(np.int32), where[sub, hr].astype(np.int32), xy,
                         home, work, n_hours)


def _point_index(traces: AntennaTraces):
    # Each record as one code for its (hour, antenna) point; then, per point, the set of
    # subscribers seen there, and per subscriber, their distinct points in time order.
    codes = traces.hour.astype(np.int64) * traces.n_antennas + traces.antenna
    width = traces.n_hours * traces.n_antennas
    pairs = np.unique(traces.subscriber.astype(np.int64) * width + codes)  # distinct, sorted by subscriber
    sub, code = pairs // width, pairs % width
    by_code = np.argsort(code, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(code[by_code]) != 0])
    index = {int(c): set(g.tolist()) for c, g in zip(code[by_code][starts], np.split(sub[by_code], starts[1:]))}
    cut = np.flatnonzero(np.r_[True, np.diff(sub) != 0])
    per_sub = {int(s_): g.tolist() for s_, g in zip(sub[cut], np.split(code, cut[1:]))}
    return index, per_sub


@lru_cache(maxsize=8)
def _cached_index(traces: AntennaTraces):
    return _point_index(traces)


def matching_subscribers(traces: AntennaTraces, points: Iterable[tuple[int, int]]) -> set[int]:
    """Every subscriber whose records include all the given (hour, antenna) points."""
    index, _ = _cached_index(traces)
    found: set[int] | None = None
    for h, a in points:
        here = index.get(int(h) * traces.n_antennas + int(a), set())
        found = set(here) if found is None else found & here
    return found if found is not None else set(range(traces.n_subscribers))


def unicity(traces: AntennaTraces, p: int, seed: int = SEED) -> float:
    """The share of subscribers singled out by ``p`` of their own points chosen at random.

    For each subscriber with at least ``p`` distinct points, draw ``p`` of them and count the
    subscribers whose records contain all ``p``; the subscriber is unique if the count is 1.
    Subscribers with fewer than ``p`` points are left out, as in de Montjoye et al. (2013).
    """
    return unicity_detail(traces, p, seed)[0]


@lru_cache(maxsize=64)
def unicity_detail(traces: AntennaTraces, p: int, seed: int = SEED) -> tuple[float, int]:
    """(share unique, number of subscribers tested) for ``p`` random points each."""
    if int(p) != p or p < 1:
        raise ValueError(f"p must be a whole number of points, 1 or more; got {p!r}")
    p = int(p)
    index, per_sub = _cached_index(traces)
    rng = np.random.default_rng(seed + 1000 * p)
    unique = tested = 0
    for s in range(traces.n_subscribers):
        codes = per_sub.get(s, [])
        if len(codes) < p:
            continue
        tested += 1
        chosen = rng.choice(len(codes), size=p, replace=False)
        found = set(index[codes[chosen[0]]])
        for j in chosen[1:]:
            found &= index[codes[j]]
            if len(found) == 1:
                break
        unique += len(found) == 1
    return (unique / tested if tested else float("nan")), tested


def unicity_curve(traces: AntennaTraces | None = None, ps: Sequence[int] = range(1, 7),
                  seed: int = SEED) -> dict[int, float]:
    """Share unique for each number of points in ``ps``."""
    traces = traces or antenna_traces()
    return {int(p): unicity(traces, p, seed) for p in ps}


def points_needed(curve: dict[int, float], share: float) -> int | None:
    """The smallest number of points whose share unique reaches ``share`` (None if none does)."""
    for p in sorted(curve):
        if curve[p] >= share:
            return p
    return None


def plot_unicity(curve: dict[int, float] | None = None, ax=None):
    """The share of synthetic subscribers made unique by p random points, p = 1 to 6."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    curve = curve or unicity_curve()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 4.0))
    ps = sorted(curve)
    vals = [100 * curve[p] for p in ps]
    ax.plot(ps, vals, marker="o", color=style.PALETTE[0], label=_("synthetic town (this course)"))
    for p, v in zip(ps, vals):
        ax.annotate(f"{v:.0f}%", (p, v), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
    ax.set_xticks(ps)
    ax.set_ylim(0, 105)
    ax.set_xlabel(_("number of random points known (hour and antenna)"))
    ax.set_ylabel(_("subscribers made unique (%)"))
    ax.set_title(_("How few antenna points single a person out"))
    ax.legend(loc="lower right")
    return ax


def plot_subscriber_week(traces: AntennaTraces | None = None, subscriber: int = 0, ax=None):
    """One subscriber's records on the town's antenna grid: dot size = number of records there."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    traces = traces or antenna_traces()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5.0))
    xy = traces.antennas_xy
    ax.scatter(xy[:, 0], xy[:, 1], marker="^", s=30, color="#999999", label=_("antenna"), zorder=1)
    rows = traces.subscriber == subscriber
    counts = np.bincount(traces.antenna[rows], minlength=traces.n_antennas)
    used = counts > 0
    ax.scatter(xy[used, 0], xy[used, 1], s=40 + 25 * counts[used], color=style.PALETTE[0], alpha=0.6,
               label=_("records of this subscriber"), zorder=2)
    h = traces.home[subscriber]
    ax.scatter(*xy[h], marker="s", s=120, facecolor="none", edgecolor=style.PALETTE[3], linewidth=2,
               label=_("home antenna"), zorder=3)
    w = traces.work[subscriber]
    if w >= 0:
        ax.scatter(*xy[w], marker="D", s=120, facecolor="none", edgecolor=style.PALETTE[1], linewidth=2,
                   label=_("work antenna"), zorder=3)
    ax.set_xlabel(_("east (km)"))
    ax.set_ylabel(_("north (km)"))
    ax.set_aspect("equal")
    ax.set_title(_("Subscriber {subscriber}: {records} records in a week (synthetic)").format(
        subscriber=subscriber, records=int(rows.sum())))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return ax
