"""Signed card records and linked tables: how a reader checks an ID chip offline, what the
check proves, and what one shared card number lets a database do.

Two halves, used by Lesson 3 of Part II ("Smart ID cards") and Lab 7:

1. **Signing and checking a card record.** The public model is ICAO Doc 9303 (Parts 10
   and 11): a chip stores its holder's data in *data groups* (DG1 the machine-readable
   zone, DG2 the face, DG3 fingerprints, DG4 iris, DG11 further personal details); a
   *document security object* holds a hash of each data group and is signed by the
   issuer's document signer, whose certificate is in turn signed by the country's
   signing authority. A reader that trusts that authority's public key checks the chain,
   the signature and every hash: *passive authentication*. Here the structures are
   simplified (canonical JSON instead of ASN.1/DER, Ed25519 signatures from the
   ``cryptography`` package, SHA-256 hashes) and every key is a published **teaching
   key** derived from a fixed label: anyone can compute it, so it protects nothing::

       issuer = teaching_issuer()
       chip = issue_chip(synthetic_card_record(0), issuer)
       verify_chip(chip, issuer.trust_anchor).valid                   # True
       verify_chip(tamper(chip, "address", "..."), issuer.trust_anchor).failed_groups  # ('DG11',)
       verify_chip(copy_chip(chip), issuer.trust_anchor).valid        # True: a copy verifies

2. **Linking records on one identifier.** :func:`synthetic_week` makes a week of records
   from three systems (transport-card journeys, workplace gate logs, shop payments and
   phone top-ups), each keyed on the holder's card number. :func:`link_on_card` joins
   them for one card and :func:`coverage_by_table` counts the hours of that person's
   week each table accounts for, alone and joined::

       week = synthetic_week()
       coverage_by_table(week, week.card_numbers[0])  # {'transport': ..., 'joined': ...}

Everything is synthetic and seeded: no real person, card, key or system is modelled, and
nothing here reads, copies or alters a real document.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..i18n import Phrase, shown
from ..cameras.plates import DAY_NAMES, DAYS_PER_WEEK, HOURS_PER_DAY
from ..i18n import _

HASH_ALGORITHM = "sha256"
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK  # 168

# --- keys ----------------------------------------------------------------------------------

# Every key in this module is derived from this public text and a label. It is a teaching
# key: published, reproducible by anyone, and never to be used to protect anything.
TEACHING_KEY_NOTICE = "UNDER WATCH TEACHING KEY - PUBLISHED - PROTECTS NOTHING"


def teaching_private_key(label: str) -> Ed25519PrivateKey:
    """A deterministic Ed25519 key for the lab: SHA-256 of the public notice and ``label``.

    Anyone who reads this function can rebuild the key, which is the point: it shows how
    signatures work and must never sign anything real.
    """
    seed = hashlib.sha256(f"{TEACHING_KEY_NOTICE}|{label}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of a key's public half."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def canonical(obj) -> bytes:
    """One fixed byte encoding of a JSON-able object (sorted keys, no spaces, UTF-8), so the
    same content always gives the same bytes, and so the same hash and signature.
    A stand-in for the DER encoding real chips use."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(data: bytes) -> str:
    """The SHA-256 hash of ``data``, as 64 hexadecimal characters."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SignerCertificate:
    """The document signer's public key, signed by the country signing authority."""

    subject: str  # the document signer
    issuer: str  # the signing authority that vouches for it
    public_key: bytes  # the document signer's raw Ed25519 public key
    signature: bytes  # the authority's signature over the three fields above

    def signed_bytes(self) -> bytes:
        return canonical({"subject": self.subject, "issuer": self.issuer, "public_key": self.public_key.hex()})


@dataclass(frozen=True)
class Issuer:
    """A (synthetic) issuing state's two keys: the signing authority at the root of trust,
    and the document signer that signs each card's security object."""

    name: str
    authority_key: Ed25519PrivateKey = field(repr=False)
    signer_key: Ed25519PrivateKey = field(repr=False)
    certificate: SignerCertificate

    @property
    def trust_anchor(self) -> bytes:
        """What a reader must hold in advance: the signing authority's public key."""
        return public_bytes(self.authority_key)


def make_issuer(name: str, label: str | None = None) -> Issuer:
    """An issuer whose authority and signer keys are teaching keys derived from ``label``."""
    label = name if label is None else label
    authority = teaching_private_key(f"{label}/signing-authority")
    signer = teaching_private_key(f"{label}/document-signer")
    unsigned = SignerCertificate(f"{name} document signer", f"{name} signing authority", public_bytes(signer), b"")
    certificate = replace(unsigned, signature=authority.sign(unsigned.signed_bytes()))
    return Issuer(name, authority, signer, certificate)


def teaching_issuer() -> Issuer:
    """The lab's issuer, the invented "Teaching Republic"."""
    return make_issuer("Teaching Republic", "teaching-republic")


# --- card records and data groups ------------------------------------------------------------

@dataclass(frozen=True)
class CardRecord:
    """A synthetic ID card record. Field names follow what ICAO data groups hold; the
    biometric fields are random stand-in bytes, not images or real templates."""

    card_number: str
    surname: str
    given_names: str
    date_of_birth: str  # YYYY-MM-DD
    sex: str
    expiry_date: str
    place_of_birth: str
    address: str
    face: bytes  # stand-in for DG2's encoded face image
    fingerprints: bytes  # stand-in for DG3's fingerprint images


# Which record fields go into which data group (as in ICAO Doc 9303 Part 10: DG1 the MRZ
# data, DG2 the face, DG3 fingerprints, DG11 additional personal details). This card has
# no iris (DG4 is optional and left out).
DATA_GROUPS: dict[str, tuple[str, ...]] = {
    "DG1": ("card_number", "surname", "given_names", "date_of_birth", "sex", "expiry_date"),
    "DG2": ("face",),
    "DG3": ("fingerprints",),
    "DG11": ("place_of_birth", "address"),
}
_BINARY_FIELDS = {"face", "fingerprints"}


def data_group_of(field_name: str) -> str:
    """The data group that holds a record field, e.g. ``"address"`` -> ``"DG11"``."""
    for group, names in DATA_GROUPS.items():
        if field_name in names:
            return group
    raise KeyError(f"no data group holds {field_name!r}; fields: {[f for g in DATA_GROUPS.values() for f in g]}")


def _encode_value(name: str, value):
    return value.hex() if name in _BINARY_FIELDS else value


def encode_data_groups(record: CardRecord) -> dict[str, bytes]:
    """Each data group's bytes: the canonical encoding of its fields."""
    return {group: canonical({n: _encode_value(n, getattr(record, n)) for n in names})
            for group, names in DATA_GROUPS.items()}


def decode_record(data_groups: Mapping[str, bytes]) -> CardRecord:
    """The card record that a chip's data groups hold (whatever they hold, signed or not)."""
    values = {}
    for group in DATA_GROUPS:
        for name, value in json.loads(data_groups[group]).items():
            values[name] = bytes.fromhex(value) if name in _BINARY_FIELDS else value
    return CardRecord(**values)


def hash_data_groups(data_groups: Mapping[str, bytes]) -> dict[str, str]:
    """The SHA-256 hash of every data group."""
    return {group: digest(data) for group, data in data_groups.items()}


_SURNAMES = ("ARDEN", "BRIGHT", "CALLOW", "DUNMORE", "ESKER", "FALLON", "GARROW", "HOLT", "IRWIN", "JESSOP")
_GIVEN = ("ALEX", "BEA", "CHRIS", "DANA", "EVAN", "FRAN", "GIL", "HANA", "IVO", "JUN", "KIM", "LEE")
_TOWNS = ("NORTHFIELD", "RIVERTON", "EASTBRIDGE", "MILLBROOK", "STONEHAM", "WESTHAVEN")


def card_number(index: int) -> str:
    """The synthetic card number of person ``index`` (an invented format: ``TR`` and 7 digits)."""
    return f"TR{4_000_000 + 7919 * index:07d}"


def synthetic_card_record(index: int, seed: int = 7) -> CardRecord:
    """A made-up card holder, the same for the same ``index`` and ``seed``."""
    rng = np.random.default_rng([seed, index])
    year, month, day = int(rng.integers(1950, 2006)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    return CardRecord(
        card_number=card_number(index),
        surname=str(rng.choice(_SURNAMES)),
        given_names=str(rng.choice(_GIVEN)),
        date_of_birth=f"{year:04d}-{month:02d}-{day:02d}",
        sex=str(rng.choice(["F", "M"])),
        expiry_date=f"{2030 + int(rng.integers(0, 8))}-{month:02d}-{day:02d}",
        place_of_birth=str(rng.choice(_TOWNS)),
        address=f"{int(rng.integers(1, 200))} {rng.choice(['STATION', 'RIVER', 'MARKET', 'SCHOOL'])} "
                f"ROAD, {rng.choice(_TOWNS)}",
        face=rng.bytes(64),
        fingerprints=rng.bytes(64),
    )


# --- the security object and the chip ---------------------------------------------------------

@dataclass(frozen=True)
class SecurityObject:
    """The document security object: every data group's hash, signed by the document signer,
    with the signer's certificate attached (as in ICAO Doc 9303 Part 10's EF.SOD)."""

    algorithm: str
    hashes: dict[str, str]
    certificate: SignerCertificate
    signature: bytes

    def signed_bytes(self) -> bytes:
        return canonical({"algorithm": self.algorithm, "hashes": self.hashes})


@dataclass(frozen=True)
class Chip:
    """What a reader can read from a card: the data groups and the security object."""

    data_groups: dict[str, bytes]
    sod: SecurityObject

    @property
    def record(self) -> CardRecord:
        return decode_record(self.data_groups)


def issue_chip(record: CardRecord, issuer: Issuer) -> Chip:
    """Encode a record into data groups, hash them and sign the hashes: a freshly issued chip."""
    groups = encode_data_groups(record)
    unsigned = SecurityObject(HASH_ALGORITHM, hash_data_groups(groups), issuer.certificate, b"")
    return Chip(groups, replace(unsigned, signature=issuer.signer_key.sign(unsigned.signed_bytes())))


def _signature_holds(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass(frozen=True)
class Verification:
    """The result of passive authentication, step by step."""

    certificate_ok: bool  # the signer's certificate was signed by the trusted authority
    signature_ok: bool  # the security object's signature holds under the signer's key
    groups: dict[str, bool]  # each data group's hash matches the security object's

    @property
    def failed_groups(self) -> tuple[str, ...]:
        return tuple(g for g, ok in self.groups.items() if not ok)

    @property
    def valid(self) -> bool:
        return self.certificate_ok and self.signature_ok and not self.failed_groups


def verify_chip(chip: Chip, trust_anchor: bytes) -> Verification:
    """Passive authentication, offline: check the signer's certificate against the trusted
    authority's public key, the security object's signature against the signer's key, and
    each data group's hash against the signed list. Needs no network and no secret."""
    cert = chip.sod.certificate
    certificate_ok = _signature_holds(trust_anchor, cert.signature, cert.signed_bytes())
    signature_ok = _signature_holds(cert.public_key, chip.sod.signature, chip.sod.signed_bytes())
    computed = hash_data_groups(chip.data_groups)
    groups = {g: computed.get(g) == chip.sod.hashes.get(g) for g in sorted(set(computed) | set(chip.sod.hashes),
                                                                            key=_group_order)}
    return Verification(certificate_ok, signature_ok, groups)


def _group_order(group: str) -> int:
    return int(group[2:]) if group[2:].isdigit() else 999


def tamper(chip: Chip, field_name: str, value) -> Chip:
    """The chip with one field changed in its data group and the signed security object left as it was."""
    record = replace(chip.record, **{field_name: value})
    group = data_group_of(field_name)
    return Chip({**chip.data_groups, group: encode_data_groups(record)[group]}, chip.sod)


def tamper_and_rehash(chip: Chip, field_name: str, value) -> Chip:
    """As :func:`tamper`, with the security object's hash list updated to match but not re-signed
    (nobody outside the issuer holds its signing key): the signature check then fails."""
    changed = tamper(chip, field_name, value)
    return Chip(changed.data_groups, replace(chip.sod, hashes=hash_data_groups(changed.data_groups)))


def chip_bytes(chip: Chip) -> bytes:
    """Everything a reader can read from the chip, as one byte string."""
    c = chip.sod.certificate
    return canonical({
        "data_groups": {g: d.hex() for g, d in chip.data_groups.items()},
        "sod": {"algorithm": chip.sod.algorithm, "hashes": chip.sod.hashes, "signature": chip.sod.signature.hex(),
                "certificate": {"subject": c.subject, "issuer": c.issuer, "public_key": c.public_key.hex(),
                                "signature": c.signature.hex()}},
    })


def chip_from_bytes(data: bytes) -> Chip:
    """The chip that :func:`chip_bytes` wrote."""
    raw = json.loads(data)
    s, c = raw["sod"], raw["sod"]["certificate"]
    cert = SignerCertificate(c["subject"], c["issuer"], bytes.fromhex(c["public_key"]), bytes.fromhex(c["signature"]))
    sod = SecurityObject(s["algorithm"], dict(s["hashes"]), cert, bytes.fromhex(s["signature"]))
    return Chip({g: bytes.fromhex(d) for g, d in raw["data_groups"].items()}, sod)


def copy_chip(chip: Chip) -> Chip:
    """A bit-for-bit copy: everything readable, written out and read back unchanged.
    It carries the same data, hashes and signature, so passive authentication accepts it."""
    return chip_from_bytes(chip_bytes(chip))


def bits_changed(a: str, b: str) -> int:
    """How many of the bits of two equal-length hex digests differ."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


@dataclass(frozen=True)
class LabelledChip:
    label: str  # what was done to it, for the teacher and the figures
    chip: Chip


def mixed_batch(issuer: Issuer | None = None, seed: int = 7) -> tuple[LabelledChip, ...]:
    """Twelve chips a reader might be handed, in a seeded order: six as issued, two
    bit-for-bit copies, two with one field changed, one with the field changed and the
    hash list updated (not re-signed), and one issued by an authority the reader does not trust."""
    issuer = teaching_issuer() if issuer is None else issuer
    stranger = make_issuer("Unknown Authority", "unknown-authority")
    chips = [issue_chip(synthetic_card_record(i, seed), issuer) for i in range(9)]
    batch = [LabelledChip("as issued", c) for c in chips[:6]]
    batch += [LabelledChip("bit-for-bit copy", copy_chip(c)) for c in chips[:2]]
    batch.append(LabelledChip("address changed", tamper(chips[6], "address", "1 NEW ROAD, NORTHFIELD")))
    batch.append(LabelledChip("date of birth changed", tamper(chips[7], "date_of_birth", "1999-01-01")))
    batch.append(LabelledChip("changed, hashes updated", tamper_and_rehash(chips[8], "surname", "HOLT")))
    batch.append(LabelledChip("untrusted issuer", issue_chip(synthetic_card_record(9, seed), stranger)))
    order = np.random.default_rng(seed).permutation(len(batch))
    return tuple(batch[i] for i in order)


def count_valid(chips: Iterable[Chip], trust_anchor: bytes) -> int:
    """How many chips pass passive authentication against ``trust_anchor``."""
    return sum(verify_chip(c, trust_anchor).valid for c in chips)


# --- linking records on the card number -------------------------------------------------------

SYSTEMS = ("transport", "workplace", "payments")


@dataclass(frozen=True)
class Event:
    """One row of one system's table: whose card, when (hours since Monday 00:00) and where.
    A point event (a payment) has ``end == start``."""

    system: str
    card_number: str
    start: float
    end: float
    place: str

    def hour_slots(self) -> range:
        """The clock hours of the week (0 to 167) this record places the person in."""
        first = math.floor(self.start)
        return range(first, max(first + 1, math.ceil(self.end)))


@dataclass(frozen=True)
class WeekTables:
    """A synthetic week of records from three systems, each keyed on the holder's card number."""

    card_numbers: tuple[str, ...]
    transport: tuple[Event, ...]  # one row per journey: tap in at one station, tap out at another
    workplace: tuple[Event, ...]  # one row per shift: gate in, gate out
    payments: tuple[Event, ...]  # one row per shop payment or phone top-up

    def table(self, system: str) -> tuple[Event, ...]:
        if system not in SYSTEMS:
            raise KeyError(f"unknown system {system!r}; the tables are {SYSTEMS}")
        return getattr(self, system)

    def tables(self) -> dict[str, tuple[Event, ...]]:
        return {s: self.table(s) for s in SYSTEMS}


# Places are Phrases: English as values, shown in the language in use (see timeline).
_STATIONS = tuple(Phrase("Station {letter}", letter=c) for c in "ABCDEFGHJKLM")
_WORKS = tuple(Phrase("Works No. {k}", k=k) for k in range(1, 9))
_SHOPS = ("state shop", "market stall", "phone top-up kiosk", "canteen")


def _person_week(card: str, rng: np.random.Generator):
    # drawn by index, which takes the same random numbers as drawing the names, so the Phrases survive
    home, work_st, market = (_STATIONS[i] for i in rng.choice(len(_STATIONS), 3, replace=False))
    works = _WORKS[rng.choice(len(_WORKS))]
    transport, workplace, payments = [], [], []
    days = 6 if rng.random() < 0.5 else 5  # half the people also work a short Saturday
    for day in range(DAYS_PER_WEEK):
        t0 = day * HOURS_PER_DAY
        if day < days:
            leave = t0 + 6.4 + rng.uniform(0, 1.0)
            arrive = leave + rng.uniform(0.3, 0.8)
            transport.append(Event("transport", card, leave, arrive, Phrase("{start} to {end}", start=home, end=work_st)))
            gate_in = arrive + rng.uniform(0.1, 0.3)
            gate_out = t0 + (rng.uniform(12.5, 13.2) if day == 5 else rng.uniform(17.0, 18.5))
            workplace.append(Event("workplace", card, gate_in, gate_out, works))
            board = gate_out + rng.uniform(0.1, 0.4)
            transport.append(Event("transport", card, board, board + rng.uniform(0.3, 0.8),
                                   Phrase("{start} to {end}", start=work_st, end=home)))
            if day < 5 and rng.random() < 0.6:
                lunch = t0 + rng.uniform(12.0, 13.0)
                payments.append(Event("payments", card, lunch, lunch, Phrase("canteen, {works}", works=works)))
            if rng.random() < 0.5:
                shop = board + rng.uniform(1.0, 3.0)
                payments.append(Event("payments", card, shop, shop, Phrase("state shop near {station}", station=home)))
        else:  # a day off: a trip to the market
            go = t0 + rng.uniform(9.0, 11.0)
            there = go + rng.uniform(0.3, 0.8)
            transport.append(Event("transport", card, go, there, Phrase("{start} to {end}", start=home, end=market)))
            buy = there + rng.uniform(0.2, 1.5)
            payments.append(Event("payments", card, buy, buy, Phrase("market stall, {station}", station=market)))
            back = buy + rng.uniform(0.2, 1.0)
            transport.append(Event("transport", card, back, back + rng.uniform(0.3, 0.8),
                                   Phrase("{start} to {end}", start=market, end=home)))
    for _ in range(int(rng.integers(1, 3))):  # phone top-ups, in the evening
        t = int(rng.integers(0, DAYS_PER_WEEK)) * HOURS_PER_DAY + rng.uniform(19.0, 21.5)
        payments.append(Event("payments", card, t, t, "phone top-up kiosk"))
    return transport, workplace, payments


@lru_cache(maxsize=4)  # seeded and immutable: the same week every call, made once
def synthetic_week(n_people: int = 300, seed: int = 13) -> WeekTables:
    """A seeded week of records for ``n_people`` synthetic card holders (card numbers
    ``card_number(0)`` onwards) in three separate systems. Each system alone sees part of
    each person's week; all three share the card number, which is what makes joining possible."""
    if n_people < 1:
        raise ValueError(f"need at least one person, got {n_people}")
    rng = np.random.default_rng(seed)
    cards = tuple(card_number(i) for i in range(n_people))
    tables: dict[str, list[Event]] = {s: [] for s in SYSTEMS}
    for card in cards:
        for system, rows in zip(SYSTEMS, _person_week(card, rng)):
            tables[system].extend(rows)
    return WeekTables(cards, *(tuple(sorted(tables[s], key=lambda e: (e.start, e.card_number))) for s in SYSTEMS))


def records_for(table: Iterable[Event], card: str) -> list[Event]:
    """The rows of one table that carry the card number ``card``."""
    return [e for e in table if e.card_number == card]


def link_on_card(card: str, *tables: Iterable[Event]) -> list[Event]:
    """Join tables on the card number: every row, from every table, for ``card``, in time order."""
    return sorted((e for t in tables for e in records_for(t, card)), key=lambda e: (e.start, e.system))


def hour_slots(events: Iterable[Event]) -> set[int]:
    """The clock hours of the week that at least one of the records places the person in."""
    return {h for e in events for h in e.hour_slots()}


def hours_accounted_for(events: Iterable[Event]) -> int:
    """How many of the week's 168 hours the records account for (overlaps counted once)."""
    return len(hour_slots(events))


def coverage_by_table(week: WeekTables, card: str) -> dict[str, int]:
    """Hours of one person's week accounted for by each table alone, and by the three joined."""
    alone = {s: hours_accounted_for(records_for(week.table(s), card)) for s in SYSTEMS}
    return {**alone, "joined": hours_accounted_for(link_on_card(card, *week.tables().values()))}


def hour_of_week_label(hour: float) -> str:
    """``'Tue 07:24'`` for 31.4 hours after Monday 00:00 (the day named in the language in use)."""
    day, minutes = divmod(round(hour * 60), HOURS_PER_DAY * 60)
    return f"{_(DAY_NAMES[day % DAYS_PER_WEEK])} {minutes // 60:02d}:{minutes % 60:02d}"


def timeline(events: Sequence[Event]) -> list[tuple[str, str, str, str]]:
    """Rows (system, start, end, place) of a joined timeline, readable: in the language in use."""
    return [(_(e.system), hour_of_week_label(e.start), hour_of_week_label(e.end), shown(e.place)) for e in events]


# --- figures ---------------------------------------------------------------------------------

def _box(ax, x, y, w, h, text, colour, fontsize=9):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", facecolor=colour, alpha=0.18,
                                edgecolor=colour, linewidth=1.5))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, colour="#000000"):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2})


def plot_passive_authentication(chip: Chip | None = None, ax=None):
    """A diagram of a chip's data groups, their hashes, the signed security object and the
    certificate chain a reader checks, with the real (teaching-key) hash prefixes."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    chip = issue_chip(synthetic_card_record(0), teaching_issuer()) if chip is None else chip
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9.0, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    blue, orange, green, vermilion = style.PALETTE[0], style.PALETTE[1], style.PALETTE[2], style.PALETTE[3]
    labels = {"DG1": _("DG1: MRZ data (number,\nname, birth, expiry)"), "DG2": _("DG2: face"),
              "DG3": _("DG3: fingerprints"), "DG11": _("DG11: place of birth,\naddress")}
    for i, group in enumerate(DATA_GROUPS):
        y = 4.2 - 1.1 * i
        _box(ax, 0.05, y, 2.4, 0.8, labels[group], blue, fontsize=8)
        _arrow(ax, (2.45, y + 0.4), (3.05, y + 0.4))
        _box(ax, 3.1, y + 0.1, 1.7, 0.6, f"SHA-256\n{chip.sod.hashes[group][:10]}...", orange, fontsize=8)
        _arrow(ax, (4.85, y + 0.4), (5.35, 2.6))
    _box(ax, 5.4, 1.9, 1.9, 1.4, _("Document security\nobject: the hashes,\nsigned by the\ndocument signer"),
         green, fontsize=8)
    _box(ax, 5.4, 4.1, 1.9, 0.9, _("Signer certificate,\nsigned by the country\nsigning authority"), green,
         fontsize=8)
    _arrow(ax, (6.35, 4.05), (6.35, 3.35))
    _box(ax, 7.8, 1.2, 2.1, 2.8, _("Reader (offline)\n\n1. certificate chains\n   to the trusted\n   authority key\n"
                                   "2. signature holds\n3. each data group's\n   hash matches"), vermilion, fontsize=8)
    _arrow(ax, (7.35, 2.6), (7.75, 2.6))
    _arrow(ax, (7.35, 4.5), (8.3, 4.05))
    ax.text(5.0, 0.15, _("Proves: issued by the holder of the authority's key, unchanged since. "
                         "Does not prove: the data are true, or this is the original chip."), ha="center", fontsize=8.5,
            style="italic")
    ax.set_title(_("Passive authentication: data groups, hashes, signature, chain of trust"))
    return ax


def plot_hash_change(before: bytes, after: bytes, labels: tuple[str, str] = ("before", "after"), ax=None):
    """The 256 bits of two SHA-256 hashes side by side, with every bit that differs marked."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from .. import style

    style.use()
    h1, h2 = digest(before), digest(after)
    bits = np.array([[int(b) for b in f"{int(h, 16):0256b}"] for h in (h1, h2)]).reshape(2, 8, 32)
    diff = bits[0] != bits[1]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8.0, 3.4))
    grid = np.full((17, 32), np.nan)
    grid[0:8], grid[9:17] = bits[0], bits[1]
    ax.imshow(grid, cmap=ListedColormap(["#ffffff", "#9ecae1"]), aspect="equal", interpolation="nearest")
    rows, cols = np.nonzero(diff)
    for r in (0, 9):
        ax.scatter(cols, rows + r, marker="x", s=14, color=style.PALETTE[3], linewidths=1.0)
    ax.set_yticks([3.5, 12.5], [f"{_(labels[0])}\n{h1[:12]}...", f"{_(labels[1])}\n{h2[:12]}..."])
    ax.set_xticks([])
    ax.grid(False)
    ax.set_title(_("{bits} of 256 hash bits differ (x): blue cells are 1s, white 0s").format(bits=int(diff.sum())))
    return ax


def plot_verification_grid(results: Mapping[str, Verification], ax=None):
    """Which checks pass (tick) and fail (cross) for each case: certificate, signature, each data group."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    names = list(results)
    groups = sorted({g for v in results.values() for g in v.groups}, key=_group_order)
    columns = ["certificate", "signature", *groups, "verdict"]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8.2, 0.6 * len(names) + 1.2))
    for i, name in enumerate(names):
        v = results[name]
        marks = [v.certificate_ok, v.signature_ok, *(v.groups.get(g, False) for g in groups), v.valid]
        for j, ok in enumerate(marks):
            colour = style.PALETTE[0] if ok else style.PALETTE[3]
            ax.add_patch(plt.Rectangle((j - 0.45, i - 0.4), 0.9, 0.8, color=colour, alpha=0.2))
            ax.text(j, i, (_("pass") if ok else _("FAIL")) if j < len(marks) - 1 else (_("accepted") if ok else _("rejected")),
                    ha="center", va="center", fontsize=8.5, color=colour, fontweight="bold")
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xticks(range(len(columns)), [_(c) for c in columns], fontsize=9)
    ax.set_yticks(range(len(names)), [_(n) for n in names], fontsize=9)
    ax.xaxis.tick_top()
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return ax


def plot_week_coverage(week: WeekTables, card: str, fig=None):
    """One person's week, hour by hour: which hours each table accounts for, and the join (left);
    the count of hours for each (right)."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if fig is None:
        fig = plt.figure(figsize=(9.0, 3.6))
    ax, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [4, 1.3]})
    rows = [*SYSTEMS, "joined"]
    slots = {s: hour_slots(records_for(week.table(s), card)) for s in SYSTEMS}
    slots["joined"] = set().union(*slots.values())
    colours = dict(zip(rows, (style.PALETTE[0], style.PALETTE[1], style.PALETTE[2], style.PALETTE[7])))
    for i, row in enumerate(rows):
        ax.broken_barh([(h, 1) for h in sorted(slots[row])], (i - 0.35, 0.7), color=colours[row])
    for d in range(1, DAYS_PER_WEEK):
        ax.axvline(d * HOURS_PER_DAY, color="#999999", linewidth=0.6)
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.set_xticks([d * HOURS_PER_DAY + 12 for d in range(DAYS_PER_WEEK)], [_(day) for day in DAY_NAMES])
    ax.set_yticks(range(len(rows)), [_(row) for row in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(_("hour of the week (day boundaries at midnight)"))
    ax.grid(False)
    counts = [len(slots[r]) for r in rows]
    bars.barh(range(len(rows)), counts, color=[colours[r] for r in rows])
    for i, n in enumerate(counts):
        bars.text(n + 2, i, str(n), va="center", fontsize=9)
    bars.set_xlim(0, HOURS_PER_WEEK)
    bars.set_ylim(len(rows) - 0.5, -0.5)
    bars.set_yticks([])
    bars.set_xlabel(_("hours of 168"))
    fig.suptitle(_("Card {card}: hours of the week each table accounts for").format(card=card), fontsize=12)
    fig.tight_layout()
    return fig
