"""Licence-plate reads in a synthetic town: from single reads to trails and routines.

Everything here is synthetic and seeded. A small square grid of roads has a few cameras
at road junctions; vehicles have a home and a workplace and make a week of trips; each
time a vehicle passes a camera, a simulated plate reader either misses it or reads its
plate, sometimes with wrong characters. No real place, plate format or reader is
modelled: the town exists to show how single reads become trails, and trails routines.

The plate format is two letters and four digits, for example ``GO4071``. Knowing the
format lets a program undo the commonest reading error, a letter read as the digit
that looks like it (or the reverse), but not a digit read as another digit.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

import numpy as np

from ..i18n import _

PLATE_LETTERS = 2  # letters at the start of a plate
PLATE_DIGITS = 4  # digits after them
PLATE_LENGTH = PLATE_LETTERS + PLATE_DIGITS
LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXYZ"  # letters a misread may produce (the invented format has no Q)
DIGITS = "0123456789"
# District codes that start the synthetic plates (one per quarter of the town). Each holds
# a letter with a digit look-alike, so letter positions get misread too.
DISTRICT_CODES = ("GO", "BA", "SE", "ZI")

# Pairs a reader confuses across the letter/digit divide. The format says which of the
# two a position must hold, so these errors can be undone.
LOOKALIKES = (("0", "O"), ("1", "I"), ("8", "B"), ("5", "S"), ("2", "Z"), ("6", "G"))
_DIGIT_TO_LETTER = {d: l for d, l in LOOKALIKES}
_LETTER_TO_DIGIT = {l: d for d, l in LOOKALIKES}
_PARTNER = {**_DIGIT_TO_LETTER, **_LETTER_TO_DIGIT}

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7


# ---------------------------------------------------------------------------
# Plates and the reader's errors
# ---------------------------------------------------------------------------

def _check_text(text: str, what: str = "plate text") -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a string, got {type(text).__name__}")
    clean = text.replace(" ", "").replace("-", "").upper()
    if len(clean) != PLATE_LENGTH:
        raise ValueError(f"{what} {text!r} should have {PLATE_LENGTH} characters "
                         f"({PLATE_LETTERS} letters, {PLATE_DIGITS} digits)")
    return clean


def misread(plate: str, rng: np.random.Generator, p_char: float, lookalike_share: float = 0.6) -> str:
    """What a reader outputs for ``plate`` when each character is wrong with probability ``p_char``.

    A wrong character is, with probability ``lookalike_share``, its look-alike across the
    letter/digit divide (0 and O, 8 and B, ...) when it has one; otherwise another
    character of its own kind (a digit for a digit, a letter for a letter).
    """
    plate = _check_text(plate, "plate")
    if not 0 <= p_char <= 1 or not 0 <= lookalike_share <= 1:
        raise ValueError(f"p_char and lookalike_share are probabilities in [0, 1], got {p_char}, {lookalike_share}")
    out = []
    for ch in plate:
        if rng.random() >= p_char:
            out.append(ch)
        elif ch in _PARTNER and rng.random() < lookalike_share:
            out.append(_PARTNER[ch])
        else:
            pool = (DIGITS if ch.isdigit() else LETTERS).replace(ch, "")
            out.append(pool[rng.integers(len(pool))])
    return "".join(out)


def normalise(text: str) -> str:
    """Undo letter/digit look-alike errors using the format: letters first, then digits.

    ``normalise("G04O71")`` gives ``"GO4071"``. A digit read as another digit (3 for 8)
    cannot be undone this way.
    """
    text = _check_text(text)
    letters = "".join(_DIGIT_TO_LETTER.get(c, c) for c in text[:PLATE_LETTERS])
    digits = "".join(_LETTER_TO_DIGIT.get(c, c) for c in text[PLATE_LETTERS:])
    return letters + digits


@lru_cache(maxsize=1 << 16)
def _normalised(text: str) -> str:
    return normalise(text)


def _normal(text) -> str:
    # A week's reads repeat the same texts: each is normalised once (a non-text gets normalise's error).
    return _normalised(text) if type(text) is str else normalise(text)


def differences(a: str, b: str) -> int:
    """How many characters differ between two plate texts once look-alikes are undone."""
    a, b = _normal(a), _normal(b)
    return sum(x != y for x, y in zip(a, b))


def matches(text: str, plate: str, max_differences: int = 1) -> bool:
    """A tolerant comparison: does a read ``text`` plausibly show ``plate``?"""
    if max_differences < 0:
        raise ValueError(f"max_differences cannot be negative, got {max_differences}")
    return differences(text, plate) <= max_differences


def near_plates(plates: Sequence[str], plate: str, max_differences: int = 1) -> list[str]:
    """Other plates within ``max_differences`` characters of ``plate``: reads of them can be mistaken for it."""
    return [p for p in plates if p != plate and matches(p, plate, max_differences)]


def plates_with_neighbours(plates: Sequence[str], max_differences: int = 1) -> int:
    """How many plates have at least one other plate within ``max_differences`` characters.

    Reads of such plates can be attached to the wrong vehicle by a tolerant search.
    Compares every pair at once, so it suits a town, not a country.
    """
    if max_differences < 0:
        raise ValueError(f"max_differences cannot be negative, got {max_differences}")
    if len(plates) < 2:
        return 0
    codes = np.array([[ord(c) for c in normalise(p)] for p in plates])
    apart = (codes[:, None, :] != codes[None, :, :]).sum(axis=2)
    np.fill_diagonal(apart, PLATE_LENGTH + 1)  # a plate is not its own neighbour
    return int((apart.min(axis=1) <= max_differences).sum())


# ---------------------------------------------------------------------------
# The town
# ---------------------------------------------------------------------------

Node = tuple[int, int]  # a road junction, as (column, row) on the grid


@dataclass(frozen=True)
class Vehicle:
    """A vehicle of the synthetic town: its plate, where it sleeps and works, and its habits."""

    plate: str
    home: Node
    work: Node
    x_first: bool  # does the commute run east-west before north-south?
    night_shift: bool  # leaves for work in the evening and comes home in the morning


@dataclass(frozen=True)
class Town:
    """A square grid of roads, cameras at some junctions, and vehicles with homes and workplaces."""

    size: int  # junctions along each side
    block_km: float  # distance between neighbouring junctions
    cameras: dict[str, Node]  # camera name -> junction
    camera_quality: dict[str, float]  # multiplies a camera's error and miss rates (angle, lighting)
    workplaces: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    seed: int

    @property
    def plates(self) -> list[str]:
        """Every vehicle's plate, in vehicle order."""
        return [v.plate for v in self.vehicles]

    @cached_property
    def camera_at(self) -> dict[Node, str]:
        """Junction -> camera name, for the junctions that have one."""
        return {node: name for name, node in self.cameras.items()}

    def vehicle_index(self, plate: str) -> int:
        """The index of the vehicle with this exact plate."""
        for i, v in enumerate(self.vehicles):
            if v.plate == plate:
                return i
        raise ValueError(f"no vehicle in the town has plate {plate!r}")


def make_town(seed: int = 4, size: int = 10, n_cameras: int = 14, n_vehicles: int = 400,
              n_workplaces: int = 6, block_km: float = 0.5, night_shift_share: float = 0.1) -> Town:
    """A seeded synthetic town.

    Cameras sit at interior junctions at least two blocks apart; homes are spread over
    every junction; workplaces are a few junctions that many vehicles share. Each
    vehicle's plate starts with the code of the quarter of town it lives in.
    """
    if size < 4:
        raise ValueError(f"the grid needs at least 4 junctions a side, got size={size}")
    if not 1 <= n_cameras <= (size - 2) ** 2 // 4:
        raise ValueError(f"n_cameras must be between 1 and {(size - 2) ** 2 // 4} for a grid of size {size}")
    if n_vehicles < 1 or n_workplaces < 1 or block_km <= 0:
        raise ValueError("n_vehicles, n_workplaces and block_km must be positive")
    if not 0 <= night_shift_share <= 1:
        raise ValueError(f"night_shift_share is a share in [0, 1], got {night_shift_share}")
    if n_vehicles > len(DISTRICT_CODES) * 10 ** PLATE_DIGITS // 2:
        raise ValueError("too many vehicles for the plate format")
    rng = np.random.default_rng(seed)

    # Cameras: random interior junctions, kept two blocks apart so they spread over the town.
    cameras: list[Node] = []
    interior = [(x, y) for x in range(1, size - 1) for y in range(1, size - 1)]
    for i in rng.permutation(len(interior)):
        node = interior[i]
        if all(max(abs(node[0] - c[0]), abs(node[1] - c[1])) >= 2 for c in cameras):
            cameras.append(node)
        if len(cameras) == n_cameras:
            break
    if len(cameras) < n_cameras:
        raise ValueError(f"could not place {n_cameras} cameras two blocks apart on a grid of size {size}")
    cameras.sort(key=lambda n: (-n[1], n[0]))  # name them in reading order, north-west first
    names = [f"C{i + 1}" for i in range(n_cameras)]
    quality = rng.uniform(0.6, 1.8, n_cameras)

    all_nodes = [(x, y) for x in range(size) for y in range(size)]
    wp_index = rng.choice(len(all_nodes), n_workplaces, replace=False)
    workplaces = tuple(all_nodes[i] for i in wp_index)
    wp_weights = rng.dirichlet(np.full(n_workplaces, 2.0))  # some workplaces employ more

    half = size / 2
    used: set[str] = set()
    vehicles = []
    for _ in range(n_vehicles):
        home = all_nodes[rng.integers(len(all_nodes))]
        work = workplaces[rng.choice(n_workplaces, p=wp_weights)]
        district = DISTRICT_CODES[2 * (home[1] >= half) + (home[0] >= half)]
        while True:  # plates are unique
            plate = district + "".join(DIGITS[d] for d in rng.integers(0, 10, PLATE_DIGITS))
            if plate not in used:
                used.add(plate)
                break
        vehicles.append(Vehicle(plate, home, work, bool(rng.random() < 0.5),
                                bool(rng.random() < night_shift_share)))
    return Town(size, block_km, dict(zip(names, cameras)), dict(zip(names, quality.round(2).tolist())),
                workplaces, tuple(vehicles), seed)


def route(start: Node, end: Node, x_first: bool = True) -> list[Node]:
    """The junctions of a shortest grid route from ``start`` to ``end``, both included.

    The route runs along one axis, then the other (``x_first`` says which first).
    """
    (x0, y0), (x1, y1) = start, end
    sx = 1 if x1 >= x0 else -1
    sy = 1 if y1 >= y0 else -1
    path = [start]
    legs = (("x", x0, x1, sx), ("y", y0, y1, sy)) if x_first else (("y", y0, y1, sy), ("x", x0, x1, sx))
    x, y = start
    for axis, a, b, step in legs:
        for _ in range(abs(b - a)):
            if axis == "x":
                x += step
            else:
                y += step
            path.append((x, y))
    return path


def cameras_on_route(town: Town, nodes: Iterable[Node]) -> list[str]:
    """The cameras a trip along ``nodes`` passes, in the order it passes them."""
    at = town.camera_at
    return [at[n] for n in nodes if n in at]


def commute_cameras(town: Town, vehicle: int) -> list[str]:
    """The cameras on a vehicle's route from home to work, in order."""
    v = town.vehicles[vehicle]
    return cameras_on_route(town, route(v.home, v.work, v.x_first))


def home_camera(town: Town, vehicle: int) -> str | None:
    """The truth the analyst is after: the first camera on the way from home to work.

    This is the camera nearest home along the commute; it narrows the home down to a
    neighbourhood, not a door. None if the commute passes fewer than two cameras, since
    then no read can tell the home side of the trip from the work side.
    """
    cams = commute_cameras(town, vehicle)
    return cams[0] if len(cams) >= 2 else None


def work_camera(town: Town, vehicle: int) -> str | None:
    """The last camera on the way from home to work (None if the commute passes fewer than two)."""
    cams = commute_cameras(town, vehicle)
    return cams[-1] if len(cams) >= 2 else None


def placeable(town: Town) -> list[int]:
    """The vehicles whose commute passes at least two cameras: those reads could place."""
    return [v for v in range(len(town.vehicles)) if home_camera(town, v) is not None]


# ---------------------------------------------------------------------------
# A week of trips and reads
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ReaderModel:
    """How often the simulated reader misses a vehicle or gets a character wrong.

    Rates are per camera pass (misses) and per character (errors), before each camera's
    quality factor; night is harder than day.
    """

    p_miss_day: float = 0.06
    p_miss_night: float = 0.25
    p_char_day: float = 0.01
    p_char_night: float = 0.04
    lookalike_share: float = 0.6
    daylight: tuple[float, float] = (6.5, 19.0)  # hours of the day with enough light

    def is_daylight(self, hour: float) -> bool:
        """Is there enough light at this hour of the day (0 to 24)?"""
        return self.daylight[0] <= hour < self.daylight[1]


@dataclass(frozen=True)
class Read:
    """One plate read: where, when and what the reader output."""

    time_h: float  # hours since the start of the week (Monday 00:00)
    camera: str
    text: str  # what the reader output
    plate: str  # the true plate: known here only because the data are synthetic
    vehicle: int  # the true vehicle's index, likewise

    @property
    def day(self) -> int:
        """Day of the week, 0 for Monday."""
        return int(self.time_h // HOURS_PER_DAY)

    @property
    def hour(self) -> float:
        """Hour of the day, from 0 to 24."""
        return self.time_h % HOURS_PER_DAY

    def __repr__(self) -> str:
        return _("Read({day} {time}, {camera}, read {text})").format(
            day=_(DAY_NAMES[self.day]), time=_clock(self.hour), camera=self.camera, text=repr(self.text))


@dataclass(frozen=True)
class Pass:
    """A vehicle passing a camera, whether or not the reader caught it."""

    time_h: float
    camera: str
    vehicle: int
    read: bool


@dataclass(frozen=True)
class Week:
    """A week of camera passes and the reads made of them, in time order."""

    passes: tuple[Pass, ...]
    reads: tuple[Read, ...]
    days: int = DAYS_PER_WEEK

    def reads_of_vehicle(self, vehicle: int) -> list[Read]:
        """A vehicle's reads, attributed by the synthetic truth (as if matching were perfect)."""
        return [r for r in self.reads if r.vehicle == vehicle]

    def retained(self, days: float, now_h: float | None = None) -> "Week":
        """What a store that deletes reads older than ``days`` days still holds at ``now_h``.

        ``now_h`` is in hours since the week's start and defaults to the week's end;
        reads after it have not happened yet and are dropped too.
        """
        if days <= 0:
            raise ValueError(f"a retention period must be positive, got {days} days")
        now = self.days * HOURS_PER_DAY if now_h is None else now_h
        if not 0 < now <= self.days * HOURS_PER_DAY:
            raise ValueError(f"now_h must be within the week (0 to {self.days * HOURS_PER_DAY} h), got {now_h}")
        start = now - days * HOURS_PER_DAY
        return replace(self, passes=tuple(p for p in self.passes if start <= p.time_h < now),
                       reads=tuple(r for r in self.reads if start <= r.time_h < now))


def _clock(hour: float) -> str:
    minutes = int(round(hour * 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _trips(v: Vehicle, day: int, rng: np.random.Generator, size: int, work_days: int):
    """(departure in hours since the week's start, junctions driven through) for one vehicle's day."""
    t0 = day * HOURS_PER_DAY
    commute = route(v.home, v.work, v.x_first)
    back = commute[::-1]  # people drive home the way they came
    trips = []
    working = day < work_days and rng.random() > 0.08  # some days off: leave, illness, errands
    if working and v.night_shift:
        trips.append((t0 + np.clip(rng.normal(19.0, 0.3), 18.0, 20.5), commute))
        if day + 1 < DAYS_PER_WEEK:
            trips.append((t0 + HOURS_PER_DAY + np.clip(rng.normal(7.0, 0.3), 6.0, 8.5), back))
    elif working:
        trips.append((t0 + np.clip(rng.normal(7.4, 0.35), 6.0, 9.0), commute))
        trips.append((t0 + np.clip(rng.normal(17.6, 0.5), 16.0, 20.0), back))
        if rng.random() < 0.25:  # an evening errand
            trips.extend(_errand(v, t0 + rng.uniform(19.0, 21.0), rng, size))
    elif not v.night_shift or day >= work_days:
        if rng.random() < 0.6:  # a daytime errand on a rest day
            trips.extend(_errand(v, t0 + rng.uniform(9.0, 16.0), rng, size))
    return trips


def _errand(v: Vehicle, leave: float, rng: np.random.Generator, size: int):
    place = (int(rng.integers(size)), int(rng.integers(size)))
    there = route(v.home, place, bool(rng.random() < 0.5))
    return [(leave, there), (leave + rng.uniform(0.5, 2.5), there[::-1])]


def simulate_week(town: Town, seed: int = 0, reader: ReaderModel = ReaderModel(), work_days: int = 5,
                  speed_kmh: float = 25.0) -> Week:
    """A seeded week of trips through ``town`` and the reads the cameras make of them.

    Day-shift vehicles drive to work in the morning and home in the evening on work days
    (the return retraces the outward route), with occasional evening errands; on rest days
    some run an errand. Night-shift vehicles leave in the evening and return in the morning.
    Each camera pass is missed, or read with per-character errors, at rates from ``reader``
    scaled by the camera's quality.
    """
    if not 0 <= work_days <= DAYS_PER_WEEK:
        raise ValueError(f"work_days must be between 0 and {DAYS_PER_WEEK}, got {work_days}")
    if speed_kmh <= 0:
        raise ValueError(f"speed_kmh must be positive, got {speed_kmh}")
    rng = np.random.default_rng([town.seed, seed])
    hours_per_block = town.block_km / speed_kmh
    at = town.camera_at
    passes: list[Pass] = []
    reads: list[Read] = []
    for index, v in enumerate(town.vehicles):
        for day in range(DAYS_PER_WEEK):
            for leave, path in _trips(v, day, rng, town.size, work_days):
                for step, node in enumerate(path):
                    if node not in at:
                        continue
                    cam = at[node]
                    t = float(leave + step * hours_per_block)
                    daylight = reader.is_daylight(t % HOURS_PER_DAY)
                    q = town.camera_quality[cam]
                    p_miss = min(0.95, q * (reader.p_miss_day if daylight else reader.p_miss_night))
                    caught = bool(rng.random() >= p_miss)
                    passes.append(Pass(t, cam, index, caught))
                    if caught:
                        p_char = min(1.0, q * (reader.p_char_day if daylight else reader.p_char_night))
                        reads.append(Read(t, cam, misread(v.plate, rng, p_char, reader.lookalike_share),
                                          v.plate, index))
    passes.sort(key=lambda p: p.time_h)
    reads.sort(key=lambda r: r.time_h)
    return Week(tuple(passes), tuple(reads))


# ---------------------------------------------------------------------------
# Measuring the reader
# ---------------------------------------------------------------------------

def plate_error_rate(reads: Sequence[Read]) -> float:
    """The share of reads whose text is not exactly the true plate."""
    if not reads:
        raise ValueError("plate_error_rate needs at least one read")
    return sum(r.text != r.plate for r in reads) / len(reads)


def miss_rate(passes: Sequence[Pass]) -> float:
    """The share of camera passes that produced no read."""
    if not passes:
        raise ValueError("miss_rate needs at least one pass")
    return sum(not p.read for p in passes) / len(passes)


def split_by_light(reads: Sequence[Read], reader: ReaderModel = ReaderModel()) -> dict[str, list[Read]]:
    """Reads made in daylight and in the dark, as {"day": [...], "night": [...]}."""
    out: dict[str, list[Read]] = {"day": [], "night": []}
    for r in reads:
        out["day" if reader.is_daylight(r.hour) else "night"].append(r)
    return out


def reads_matching(reads: Sequence[Read], plate: str, max_differences: int = 1) -> list[Read]:
    """The reads whose text is within ``max_differences`` characters of ``plate`` (look-alikes undone)."""
    return [r for r in reads if matches(r.text, plate, max_differences)]


def exact_reads(reads: Sequence[Read], plate: str) -> list[Read]:
    """The reads whose text is exactly ``plate``: what a naive exact search finds."""
    plate = _check_text(plate)
    return [r for r in reads if r.text == plate]


# ---------------------------------------------------------------------------
# From a trail to a routine
# ---------------------------------------------------------------------------

def _by_day(reads: Sequence[Read]) -> dict[int, list[Read]]:
    days: dict[int, list[Read]] = defaultdict(list)
    for r in sorted(reads, key=lambda r: r.time_h):
        days[r.day].append(r)
    return days


def _mode(cameras: list[str]) -> str | None:
    # Counter keeps first-seen order, so ties go to the camera seen earliest.
    return Counter(cameras).most_common(1)[0][0] if cameras else None


def _home_votes(days: dict[int, list[Read]]) -> list[str]:
    votes = []
    for day_reads in days.values():
        votes.append(day_reads[0].camera)
        if len(day_reads) > 1:
            votes.append(day_reads[-1].camera)
    return votes


def _work_votes(days: dict[int, list[Read]], noon: float) -> list[str]:
    votes = []
    for day_reads in days.values():
        before = [r for r in day_reads if r.hour < noon]
        after = [r for r in day_reads if r.hour >= noon]
        if before:
            votes.append(before[-1].camera)
        if after:
            votes.append(after[0].camera)
    return votes


def estimate_home_camera(reads: Sequence[Read]) -> str | None:
    """The camera a vehicle most often starts and ends its day at.

    Each day with reads contributes its first and its last read; the commonest camera
    among them is the guess. None without reads. Ties go to the camera seen earliest.
    """
    return _mode(_home_votes(_by_day(reads)))


def estimate_work_camera(reads: Sequence[Read], noon: float = 12.0) -> str | None:
    """The camera where a vehicle's days break in the middle: near where it spends them.

    Each day contributes its last read before ``noon`` and its first read after it; the
    commonest camera among them is the guess. None without reads.
    """
    return _mode(_work_votes(_by_day(reads), noon))


def most_seen_camera(reads: Sequence[Read], start_hour: float = 0.0, end_hour: float = 24.0) -> str | None:
    """The camera with the most reads between two hours of the day (None without reads)."""
    if not 0 <= start_hour < end_hour <= 24:
        raise ValueError(f"need 0 <= start_hour < end_hour <= 24, got {start_hour}, {end_hour}")
    return _mode([r.camera for r in sorted(reads, key=lambda r: r.time_h) if start_hour <= r.hour < end_hour])


WHAT = ("home", "work", "both")


def identification_rates(town: Town, week: Week, k: int, trials: int = 5, seed: int = 0) -> dict[str, float]:
    """Shares of vehicles whose home camera, work camera, and both are guessed right from ``k`` reads.

    For each vehicle whose commute passes two cameras or more (see :func:`placeable`),
    ``k`` of its week's reads are drawn at
    random (all of them if it has fewer), as if that was all the store held; the guesses
    of :func:`estimate_home_camera` and :func:`estimate_work_camera` are compared with the
    truth. Reads are attributed to vehicles without error. The draw for each ``k`` is
    seeded by ``(seed, k)``, so a result does not depend on which other ``k`` were tried.
    """
    if k < 1 or trials < 1:
        raise ValueError(f"k and trials must be at least 1, got k={k}, trials={trials}")
    by_vehicle: dict[int, list[Read]] = defaultdict(list)
    for r in week.reads:
        by_vehicle[r.vehicle].append(r)
    rng = np.random.default_rng([seed, k])
    counts = dict.fromkeys(WHAT, 0)
    vehicles = placeable(town)
    if not vehicles:
        raise ValueError("no vehicle's commute passes two cameras: nothing to identify")
    total = trials * len(vehicles)
    truth = {v: (home_camera(town, v), work_camera(town, v)) for v in vehicles}
    for _ in range(trials):
        for v in vehicles:
            reads = by_vehicle.get(v, [])
            if len(reads) > k:
                reads = [reads[i] for i in sorted(rng.choice(len(reads), k, replace=False))]
            days = _by_day(reads)  # grouped once, used by both guesses
            home_ok = _mode(_home_votes(days)) == truth[v][0]
            work_ok = _mode(_work_votes(days, 12.0)) == truth[v][1]
            counts["home"] += home_ok
            counts["work"] += work_ok
            counts["both"] += home_ok and work_ok
    return {w: counts[w] / total for w in WHAT}


def fraction_identified(town: Town, week: Week, k: int, what: str = "home", trials: int = 5, seed: int = 0) -> float:
    """The share of vehicles whose ``what`` ("home", "work" or "both") is found from ``k`` reads."""
    if what not in WHAT:
        raise ValueError(f"what must be one of {WHAT}, got {what!r}")
    return identification_rates(town, week, k, trials, seed)[what]


def reads_needed(town: Town, week: Week, share: float = 0.8, what: str = "both", max_k: int = 60,
                 trials: int = 5, seed: int = 0) -> int:
    """The smallest number of reads per vehicle at which at least ``share`` of vehicles are identified."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    for k in range(1, max_k + 1):
        if fraction_identified(town, week, k, what, trials, seed) >= share:
            return k
    raise ValueError(f"fewer than {share:.0%} of vehicles are identified even with {max_k} reads")


def commute_camera_counts(town: Town) -> Counter:
    """How many vehicles pass 0, 1, 2, ... cameras on their way to work."""
    return Counter(len(commute_cameras(town, v)) for v in range(len(town.vehicles)))


def reads_per_vehicle(week: Week, n_vehicles: int) -> np.ndarray:
    """How many reads each vehicle has in the week (zeros included)."""
    if n_vehicles < 1:
        raise ValueError("n_vehicles must be positive")
    counts = np.zeros(n_vehicles, dtype=int)
    for r in week.reads:
        counts[r.vehicle] += 1
    return counts


def target_vehicle(town: Town, week: Week) -> int:
    """The lab's target: the first vehicle whose week makes every lesson of the lab visible.

    It works days, its commute passes at least three cameras, no other plate is within
    one character of its own, and among its reads are both kinds of error: a look-alike
    (undone by the format) and a digit read as another digit (which only tolerance finds).
    """
    for v in range(len(town.vehicles)):
        veh = town.vehicles[v]
        if veh.night_shift or len(set(commute_cameras(town, v))) < 3:
            continue
        if near_plates(town.plates, veh.plate, 1):
            continue
        own = week.reads_of_vehicle(v)
        fixed = [r for r in own if r.text != r.plate and normalise(r.text) == veh.plate]
        unfixable = [r for r in own if normalise(r.text) != veh.plate and differences(r.text, veh.plate) == 1]
        if fixed and unfixable and estimate_home_camera(own) == home_camera(town, v) \
                and estimate_work_camera(own) == work_camera(town, v):
            return v
    raise ValueError("no vehicle in this town and week fits the lab's target criteria")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def plot_reader_stages(fig=None):
    """A diagram of a plate reader's three stages and what makes each fail."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

    from .. import style

    style.use()
    if fig is None:
        fig = plt.figure(figsize=(8.0, 3.9))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.05]})
    plate = "BA8051"
    ink, accent, warn = style.PALETTE[7], style.PALETTE[0], style.PALETTE[3]

    # 1. Find the plate in the frame: a car seen at an angle, the plate found and boxed.
    ax = axes[0]
    ax.add_patch(FancyBboxPatch((0.1, 0.25), 0.8, 0.5, boxstyle="round,pad=0.02", fc="#dddddd", ec=ink))
    ax.add_patch(Polygon([(0.32, 0.33), (0.68, 0.36), (0.68, 0.46), (0.32, 0.43)], closed=True, fc="white", ec=ink))
    ax.text(0.5, 0.395, plate, ha="center", va="center", fontsize=10, family="monospace", rotation=4)
    ax.add_patch(Rectangle((0.29, 0.30), 0.42, 0.19, fill=False, ec=accent, lw=2, ls="--"))
    ax.set_title(_("1. Find the plate"), loc="left")
    ax.text(0.0, 0.02, _("Fails with: steep angles,\nglare, dirt, darkness,\nmotion blur"), fontsize=10.5, color=warn)

    # 2. Segment: cut the plate into one box per character.
    ax = axes[1]
    ax.add_patch(Rectangle((0.05, 0.35), 0.9, 0.3, fc="white", ec=ink))
    width = 0.9 / len(plate)
    for i, ch in enumerate(plate):
        x = 0.05 + i * width
        ax.text(x + width / 2, 0.5, ch, ha="center", va="center", fontsize=18, family="monospace")
        ax.add_patch(Rectangle((x + 0.01, 0.38), width - 0.02, 0.24, fill=False, ec=accent, lw=1.5))
    ax.set_title(_("2. Separate characters"), loc="left")
    ax.text(0.0, 0.02, _("Fails with: bolts, frames,\nstickers, characters\ntouching or worn"), fontsize=10.5,
            color=warn)

    for ax in axes[:2]:
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")

    # 3. Classify each box: scores for the third character, where 8 and B compete.
    ax = axes[2]
    candidates, scores = ["8", "B", "3", "6"], [0.52, 0.41, 0.05, 0.02]
    colours = [accent, warn, "#999999", "#999999"]
    ax.bar(candidates, scores, color=colours)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_("candidate, third character"))
    ax.set_ylabel(_("score (illustrative, 0 to 1)"))
    ax.set_title(_("3. Read each character"), loc="left")
    ax.text(-0.5, 0.74, _("Look-alikes compete:\n0/O, 8/B, 1/I,\n5/S, 2/Z"), fontsize=10.5, color=warn)
    fig.tight_layout()
    return fig


def plot_town(town: Town, week: Week | None = None, vehicle: int | None = None, ax=None):
    """A map of the town: roads, cameras, and either everyone's homes or one vehicle's week.

    With a ``vehicle``, draws its commute and sizes each camera by that vehicle's reads there.
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(6.2, 6.2))
    km = town.block_km
    extent = (town.size - 1) * km
    for i in range(town.size):  # the road grid
        ax.plot([0, extent], [i * km, i * km], color="#cccccc", lw=1.5, zorder=0)
        ax.plot([i * km, i * km], [0, extent], color="#cccccc", lw=1.5, zorder=0)
    if vehicle is None:
        homes = Counter(v.home for v in town.vehicles)
        xs, ys = zip(*homes)
        ax.scatter([x * km for x in xs], [y * km for y in ys], s=[8 * c for c in homes.values()],
                   color=style.PALETTE[5], alpha=0.7, label=_("homes (area = number)"), zorder=1)
        wx, wy = zip(*town.workplaces)
        ax.scatter([x * km for x in wx], [y * km for y in wy], marker="s", s=110, color=style.PALETTE[1],
                   edgecolor="black", label=_("workplaces"), zorder=2)
        sizes = {name: 90 for name in town.cameras}
    else:
        v = town.vehicles[vehicle]
        path = route(v.home, v.work, v.x_first)
        ax.plot([x * km for x, _y in path], [y * km for _x, y in path], color=style.PALETTE[0], lw=3,
                alpha=0.8, label=_("commute"), zorder=1)
        ax.scatter([v.home[0] * km], [v.home[1] * km], marker="^", s=160, color=style.PALETTE[2],
                   edgecolor="black", label=_("home"), zorder=3)
        ax.scatter([v.work[0] * km], [v.work[1] * km], marker="s", s=140, color=style.PALETTE[1],
                   edgecolor="black", label=_("workplace"), zorder=3)
        counts = Counter(r.camera for r in (week.reads_of_vehicle(vehicle) if week else []))
        sizes = {name: 40 + 25 * counts.get(name, 0) for name in town.cameras}
        for name, (x, y) in town.cameras.items():
            if counts.get(name):
                label = (_("{n} reads") if counts[name] > 1 else _("{n} read")).format(n=counts[name])
                ax.annotate(label, (x * km, y * km), xytext=(8, -14),
                            textcoords="offset points", fontsize=9, color=style.PALETTE[3])
    names = list(town.cameras)
    ax.scatter([town.cameras[n][0] * km for n in names], [town.cameras[n][1] * km for n in names],
               s=[sizes[n] for n in names], marker="o", facecolor="white", edgecolor=style.PALETTE[3],
               linewidth=2, label=_("cameras"), zorder=4)
    for n in names:
        x, y = town.cameras[n]
        ax.annotate(n, (x * km, y * km), xytext=(6, 6), textcoords="offset points", fontsize=10, weight="bold")
    ax.set_xlim(-0.3, extent + 0.3)
    ax.set_ylim(-0.3, extent + 0.3)
    ax.set_aspect("equal")
    ax.grid(False)  # the roads are the grid
    ax.set_xlabel(_("west to east (km)"))
    ax.set_ylabel(_("south to north (km)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_trail(reads: Sequence[Read], ax=None, title: str = ""):
    """One vehicle's week of reads: hour of day against day, coloured by camera."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 3.8))
    cams = sorted({r.camera for r in reads}, key=lambda c: int(c[1:]) if c[1:].isdigit() else c)
    markers = "osD^vP*X"
    spread = 0.6 / max(1, len(cams) - 1) if len(cams) > 1 else 0.0
    for i, cam in enumerate(cams):
        rs = [r for r in reads if r.camera == cam]
        offset = -0.3 + i * spread if len(cams) > 1 else 0.0  # reads minutes apart must not hide each other
        ax.scatter([r.hour for r in rs], [r.day + offset for r in rs], s=55, color=style.PALETTE[i % len(style.PALETTE)],
                   marker=markers[i % len(markers)], edgecolor="black", linewidth=0.5, label=cam, zorder=3)
    ax.set_yticks(range(DAYS_PER_WEEK), [_(day) for day in DAY_NAMES])
    ax.set_ylim(DAYS_PER_WEEK - 0.5, -0.5)
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xlabel(_("time of day (hours)"))
    ax.set_ylabel(_("day of the week"))
    ax.legend(title=_("camera"), loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(_(title))
    return ax


def identification_curve(town: Town, week: Week, ks: Iterable[int], trials: int = 5,
                         seed: int = 0) -> dict[str, np.ndarray]:
    """Identification rates (see :func:`identification_rates`) for each ``k`` in ``ks``."""
    ks = list(ks)
    rates = [identification_rates(town, week, k, trials, seed) for k in ks]
    return {"k": np.array(ks), **{w: np.array([r[w] for r in rates]) for w in WHAT}}


def plot_identification(town: Town, week: Week, ks: Iterable[int] = range(1, 31), trials: int = 5,
                        seed: int = 0, ax=None):
    """Share of vehicles whose home, workplace and both are found, against reads per vehicle."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots()
    curve = identification_curve(town, week, ks, trials, seed)
    labels = {"home": _("home camera"), "work": _("workplace camera"), "both": _("both")}
    for (what, label), ls in zip(labels.items(), ("-", "--", "-")):
        ax.plot(curve["k"], 100 * curve[what], ls, lw=2.5 if what == "both" else 1.8, label=label)
    typical = float(np.median(reads_per_vehicle(week, len(town.vehicles))[placeable(town)]))
    ax.axvline(typical, color="#555555", ls=":", lw=1.5)
    ax.annotate(_("a typical week's reads\nof these vehicles: {reads:.0f}").format(reads=typical), (typical, 25),
                xytext=(-6, 0),
                textcoords="offset points", ha="right", fontsize=9, color="#555555")
    ax.set_ylim(0, 100)
    ax.set_xlim(curve["k"][0], curve["k"][-1])
    ax.set_xlabel(_("plate reads of one vehicle used (k)"))
    ax.set_ylabel(_("vehicles correctly placed (%)"))
    ax.legend(loc="upper left")
    return ax


# --- comparing two reported accuracies ----------------------------------------------------

def rate_standard_error(rate: float, n: int) -> float:
    """Standard error of a rate measured on ``n`` independent test items: sqrt(p (1 - p) / n)."""
    if not 0 <= rate <= 1 or n < 1:
        raise ValueError(f"need a rate between 0 and 1 and at least one test item, got {rate!r}, {n!r}")
    return math.sqrt(rate * (1 - rate) / n)


def difference_standard_error(rate_a: float, n_a: int, rate_b: float, n_b: int) -> float:
    """Standard error of the difference of two rates measured on separate, independent test sets.

    The variances add: sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b). On the *same* test
    items a paired comparison is needed instead, and it needs the items each got right.
    """
    return math.hypot(rate_standard_error(rate_a, n_a), rate_standard_error(rate_b, n_b))
