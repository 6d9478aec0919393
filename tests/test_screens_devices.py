"""Tests for survlab.screens.devices: marks that travel with files, signature-checking viewers,
and the unicity of synthetic antenna traces."""
from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest
from survlab.screens import devices

# --- Marks ---------------------------------------------------------------------------------


def test_device_mark_is_a_short_stable_hash_of_the_serial():
    mark = devices.device_mark("SN-0123456789")
    assert mark == hashlib.sha256(b"mark:SN-0123456789").hexdigest()[:8]
    assert mark == devices.device_mark("SN-0123456789")
    assert mark != devices.device_mark("SN-0123456788")
    with pytest.raises(ValueError):
        devices.device_mark("")


def test_synthetic_serials_are_seeded():
    a = devices.synthetic_serial(np.random.default_rng(1))
    b = devices.synthetic_serial(np.random.default_rng(1))
    assert a == b and a.startswith("SN-") and len(a) == 13


def test_spread_is_deterministic_and_sticks_never_mark():
    one, two = devices.simulate_spread(), devices.simulate_spread()
    assert one == two
    assert one.copies[0].marks == () and one.copies[0].holder == "USB-1"
    stick_marks = {d.mark for d in one.devices if not d.marks}
    assert not any(set(c.marks) & stick_marks for c in one.copies)
    # a copy carries its parent's marks, plus at most one new one, never the same one twice in a row
    for c in one.copies[1:]:
        parent = one.copies[c.parent].marks
        assert c.marks[: len(parent)] == parent and len(c.marks) - len(parent) in (0, 1)
        assert all(x != y for x, y in zip(c.marks, c.marks[1:]))


def test_a_copy_on_a_computer_ends_with_that_computers_mark():
    spread = devices.simulate_spread()
    names = {d.mark: d.name for d in spread.devices}
    for c in spread.copies:
        if c.holder in spread.computers:
            assert names[c.marks[-1]] == c.holder


def test_path_first_device_and_unknown_marks():
    copy = devices.FileCopy(1, "f", "PC-02", ("aa", "bb", "cc"), 0, 1)
    register = {"aa": "PC-01", "bb": "PC-02"}
    assert devices.path_of(copy, register) == ["PC-01", "PC-02", "unknown"]
    assert devices.first_device(copy, register) == "PC-01"
    assert devices.first_device(devices.FileCopy(0, "f", "USB-1", (), None, 0), register) is None


def test_divergence_is_the_last_shared_mark():
    register = {"a": "PC-01", "b": "PC-02", "c": "PC-03", "d": "PC-04"}
    x = devices.FileCopy(1, "f", "PC-03", ("a", "b", "c"), 0, 1)
    y = devices.FileCopy(2, "f", "PC-04", ("a", "b", "d"), 0, 2)
    z = devices.FileCopy(3, "f", "PC-02", ("a", "b"), 0, 3)
    assert devices.common_marks(x, y) == ("a", "b")
    assert devices.divergence_device(x, y, register) == "PC-02"
    assert devices.divergence_device(x, z, register) == "PC-02"  # one copy is an ancestor of the other
    assert devices.divergence_device(x, devices.FileCopy(4, "f", "PC-04", ("d",), 0, 4), register) is None


def test_lineage_starts_with_the_copy_that_entered():
    spread = devices.simulate_spread()
    last = spread.copies[-1]
    chain = devices.lineage(spread, last)
    assert chain[0].copy_id == 0 and chain[-1] == last
    assert [c.parent for c in chain[1:]] == [c.copy_id for c in chain[:-1]]


def test_copy_on_unknown_or_unreached_device():
    spread = devices.simulate_spread()
    with pytest.raises(KeyError):
        spread.copy_on("PC-99")
    unreached = [n for n in spread.computers if not spread.copies_on(n)]
    if unreached:
        with pytest.raises(KeyError):
            spread.copy_on(unreached[0])


# --- Signatures ----------------------------------------------------------------------------


def test_signatures_verify_only_the_signed_content_and_key():
    key = devices.signing_key("a")
    sig = devices.sign_content(key, b"hello")
    assert len(sig) == 64
    assert devices.verify_content(key.public_key(), b"hello", sig)
    assert not devices.verify_content(key.public_key(), b"hellO", sig)
    assert not devices.verify_content(devices.signing_key("b").public_key(), b"hello", sig)
    assert not devices.verify_content(key.public_key(), b"hello", None)


def test_keys_are_deterministic_per_label():
    a1, a2 = devices.signing_key("x"), devices.signing_key("x")
    assert devices.sign_content(a1, b"m") == devices.sign_content(a2, b"m")


def test_mixed_collection_counts_and_viewers():
    items = devices.mixed_collection()
    assert len(items) == sum(devices.DEFAULT_COUNTS.values())
    key = devices.signing_key("approved").public_key()
    sig_view = devices.opened_by_kind(items, devices.signature_viewer(key))
    assert sig_view == {"approved": 14, "altered after signing": 0, "signed by another key": 0, "unsigned": 0}
    assert devices.count_opened(items, devices.open_viewer()) == len(items)
    assert devices.mixed_collection() == items  # seeded
    with pytest.raises(ValueError):
        devices.mixed_collection({"forged": 1})


# --- Antenna traces and unicity --------------------------------------------------------------


def test_town_grid():
    xy = devices.town_antennas(3, 2.0)
    assert xy.shape == (9, 2) and xy.max() == 4.0
    with pytest.raises(ValueError):
        devices.town_antennas(1)


def test_traces_are_seeded_and_consistent():
    tr = devices.antenna_traces(n_subscribers=300, days=3)
    again = devices.antenna_traces(n_subscribers=300, days=3)
    assert np.array_equal(tr.antenna, again.antenna)
    assert tr.n_hours == 72 and tr.hour.max() < 72
    assert tr.antenna.max() < tr.n_antennas
    # at night everyone is at home
    night = (tr.hour % 24) < 7
    assert np.all(tr.antenna[night] == tr.home[tr.subscriber[night]])
    # commuters are at work on weekday office hours
    hod = tr.hour % 24
    office = (hod >= 8) & (hod < 18) & (tr.work[tr.subscriber] >= 0)
    assert np.all(tr.antenna[office] == tr.work[tr.subscriber[office]])


def test_matching_subscribers_finds_the_owner():
    tr = devices.antenna_traces(n_subscribers=300, days=3)
    pts = tr.points(5)
    one, two = devices.matching_subscribers(tr, pts[:1]), devices.matching_subscribers(tr, pts[:2])
    assert 5 in two and two <= one  # more points can only narrow the match
    everyone = set(tr.subscriber.tolist())
    brute = {s for s in everyone if set(pts[:2]) <= set(tr.points(s))}
    assert two == brute


def test_unicity_rises_with_points_and_is_seeded():
    tr = devices.antenna_traces()
    curve = devices.unicity_curve(tr)
    values = [curve[p] for p in range(1, 7)]
    assert all(later >= earlier - 0.01 for earlier, later in itertools.pairwise(values))
    assert values[0] < 0.05 and values[-1] > 0.95
    assert devices.unicity(tr, 4) == curve[4]
    assert devices.points_needed(curve, 0.9) == 4
    assert devices.points_needed(curve, 1.01) is None
    with pytest.raises(ValueError):
        devices.unicity(tr, 0)


def test_unicity_by_brute_force_on_a_tiny_case():
    tr = devices.antenna_traces(n_subscribers=60, days=2, grid_size=3)
    share, tested = devices.unicity_detail(tr, 2)
    assert 0 <= share <= 1 and tested <= 60
    # everyone who shares all of their own points with nobody is unique with all points
    for s in range(5):
        pts = tr.points(s)
        if pts:
            assert s in devices.matching_subscribers(tr, pts)


# --- Figures -------------------------------------------------------------------------------


def test_plots_draw():
    spread = devices.simulate_spread()
    assert devices.plot_spread(spread, highlight=(spread.copy_on("PC-02").copy_id,)).get_ylabel()
    assert devices.plot_viewers().get_ylabel() == "items opened"
    assert "unique" in devices.plot_unicity().get_ylabel()
    assert devices.plot_subscriber_week(subscriber=0).get_xlabel() == "east (km)"


# --- Third edition: a hashed serial is a pseudonym ------------------------------------------


def test_a_hashed_serial_is_found_by_hashing_every_candidate():
    spread = devices.simulate_spread()
    candidates = [d.serial for d in spread.devices]
    for device in spread.devices:
        assert device.serial in devices.match_mark(device.mark, candidates)
    assert devices.match_mark(devices.device_mark("SN-NOT-LISTED"), candidates) == []  # only listed serials match
    # the register is the same attack: every mark in it leads back to its device's serial
    serial_of = {d.name: d.serial for d in spread.devices}
    for mark, name in spread.register.items():
        assert devices.match_mark(mark, candidates) == [serial_of[name]]


def test_serial_and_mark_sizes_leave_few_candidates_and_some_collisions():
    assert devices.serials_per_mark() == 16 ** 2 == 256  # 10-digit serials, 8-digit marks
    assert devices.serials_per_mark(6, 8) == 1
    assert len(devices.device_mark("SN-0")) == devices.MARK_HEX_DIGITS
    assert len(devices.synthetic_serial(np.random.default_rng(0))) == 3 + devices.SERIAL_HEX_DIGITS
    # the glossary's "over a hundred pairs among a million devices"
    assert 100 < devices.expected_mark_collisions(1_000_000) < 120
    assert devices.expected_mark_collisions(1) == 0
    with pytest.raises(ValueError):
        devices.serials_per_mark(0, 8)
    with pytest.raises(ValueError):
        devices.expected_mark_collisions(-1)


def test_no_page_calls_a_mark_irreversible():
    """The second edition taught that a hashed serial 'cannot be worked back'; it can."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pages = [root / "book/screens/02-phones-files-marks.md", root / "notebooks/09-file-marks.md",
             root / "book/glossary.md", Path(devices.__file__)]
    for page in pages:
        text = " ".join(page.read_text(encoding="utf-8").split()).lower()
        for claim in ("cannot be worked back", "you cannot compute the serial", "does not reveal the serial"):
            assert claim not in text, f"{page.name} still says {claim!r}"


def test_viewer_chart_labels_do_not_run_together_and_counts_are_whole():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = devices.plot_viewers()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert all(max(len(line) for line in label.split("\n")) <= 14 for label in labels), labels
    assert all(float(t).is_integer() for t in ax.get_yticks())
    plt.close("all")


def test_numbers_quoted_in_the_lesson_and_lab_pages():
    """Alt texts and prose in book/screens/02 and notebooks/09 quote these values."""
    spread = devices.simulate_spread()
    assert len(spread.copies) == 38
    reached = {c.holder for c in spread.copies}
    assert sorted(reached & set(spread.computers)) == ["PC-01", "PC-02", "PC-04", "PC-05", "PC-07", "PC-08"]
    assert sorted(reached & set(spread.sticks)) == ["USB-1", "USB-3"]
    # Lab 9's seized stick: USB-1 -> PC-08 (1) -> USB-3 (12), then plugged into PC-08, PC-02, PC-04, PC-05
    seized = devices.lineage(spread, spread.copy_on("USB-3"))
    assert [(c.holder, c.step) for c in seized] == [("USB-1", 0), ("USB-1", 1), ("PC-08", 1), ("USB-3", 12),
                                                    ("USB-3", 13), ("USB-3", 15), ("USB-3", 17), ("USB-3", 19)]
    assert devices.path_of(spread.copy_on("USB-3"), spread.register) == ["PC-08", "PC-02", "PC-04", "PC-05"]
    # the split: the copies part at PC-07; the PC-02 copy carries PC-07's mark but never sat on its disk
    a, b = spread.copy_on("PC-02"), spread.copy_on("PC-01")
    assert devices.divergence_device(a, b, spread.register) == "PC-07"
    holders_a = {c.holder for c in devices.lineage(spread, a)}
    assert holders_a == {"USB-1", "PC-02"}
    assert {"PC-08", "PC-01", "PC-07"} <= set(devices.path_of(a, spread.register))
    assert ("PC-07", 3) in [(c.holder, c.step) for c in devices.lineage(spread, b)]
    # the viewers' bars
    items = devices.mixed_collection()
    key = devices.signing_key("approved").public_key()
    assert devices.opened_by_kind(items, devices.open_viewer()) == devices.DEFAULT_COUNTS
    assert devices.count_opened(items, devices.signature_viewer(key)) == 14
    # the unicity curve in both alt texts, and subscriber 0's week
    tr = devices.antenna_traces()
    curve = devices.unicity_curve(tr)
    assert round(100 * curve[1], 2) == 0.05
    assert [round(100 * curve[p]) for p in range(2, 7)] == [41, 76, 91, 96, 98]
    counts = np.bincount(tr.antenna[tr.subscriber == 0], minlength=tr.n_antennas)
    assert sorted(counts[counts > 0].tolist(), reverse=True) == [9, 8, 2, 1]


def test_lab9_checks_pass_the_answer_blank_and_each_mistake_gets_its_own_hint():
    from survlab.checks import BLANK_STATUS, CORRECT, WRONG
    from survlab.labs import file_marks as lab9

    # every check's answer, blank and declared mistakes: tests/test_checks.py (all labs)
    # the pages' own rounded values ("91 with 4", "about nine in ten") are accepted
    assert lab9.LAB.check("unique_share_4", 0.91).status == CORRECT
    assert lab9.LAB.check("unique_share_4", 0.9).status == CORRECT
