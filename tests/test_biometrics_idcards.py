"""Tests for survlab.biometrics.idcards: teaching keys, data groups, passive authentication
(tampering, copies, untrusted issuers) and linking a synthetic week on the card number."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from survlab.biometrics import idcards as ic


@pytest.fixture(scope="module")
def issuer():
    return ic.teaching_issuer()


@pytest.fixture(scope="module")
def chip(issuer):
    return ic.issue_chip(ic.synthetic_card_record(0), issuer)


@pytest.fixture(scope="module")
def week():
    return ic.synthetic_week()


# --- keys and encoding -----------------------------------------------------------------------

def test_teaching_keys_are_deterministic_and_distinct():
    a1, a2 = ic.teaching_private_key("a"), ic.teaching_private_key("a")
    assert ic.public_bytes(a1) == ic.public_bytes(a2)
    assert ic.public_bytes(a1) != ic.public_bytes(ic.teaching_private_key("b"))
    assert len(ic.public_bytes(a1)) == 32
    assert ic.teaching_issuer().trust_anchor == ic.teaching_issuer().trust_anchor


def test_canonical_encoding_ignores_key_order():
    assert ic.canonical({"b": 1, "a": "é"}) == ic.canonical({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


def test_records_are_seeded_and_round_trip_through_data_groups():
    record = ic.synthetic_card_record(3)
    assert record == ic.synthetic_card_record(3)
    assert record != ic.synthetic_card_record(4)
    assert record.card_number == ic.card_number(3)
    groups = ic.encode_data_groups(record)
    assert list(groups) == ["DG1", "DG2", "DG3", "DG11"]
    assert ic.decode_record(groups) == record


def test_every_field_has_exactly_one_data_group():
    fields = [f for names in ic.DATA_GROUPS.values() for f in names]
    assert sorted(fields) == sorted(ic.CardRecord.__dataclass_fields__)
    assert ic.data_group_of("address") == "DG11"
    assert ic.data_group_of("date_of_birth") == "DG1"
    assert ic.data_group_of("face") == "DG2"
    with pytest.raises(KeyError, match="no data group"):
        ic.data_group_of("blood_type")


# --- passive authentication ------------------------------------------------------------------

def test_an_issued_chip_verifies(chip, issuer):
    v = ic.verify_chip(chip, issuer.trust_anchor)
    assert v.valid and v.certificate_ok and v.signature_ok
    assert v.failed_groups == ()
    assert chip.sod.hashes == ic.hash_data_groups(chip.data_groups)


@pytest.mark.parametrize("field_name, value, group", [
    ("address", "1 NEW ROAD, NORTHFIELD", "DG11"),
    ("date_of_birth", "1999-01-01", "DG1"),
    ("face", bytes(64), "DG2"),
])
def test_a_changed_field_fails_only_its_own_data_group(chip, issuer, field_name, value, group):
    v = ic.verify_chip(ic.tamper(chip, field_name, value), issuer.trust_anchor)
    assert not v.valid
    assert v.failed_groups == (group,)
    assert v.signature_ok and v.certificate_ok  # the signed list itself is untouched


def test_updating_the_hash_list_breaks_the_signature(chip, issuer):
    v = ic.verify_chip(ic.tamper_and_rehash(chip, "surname", "HOLT"), issuer.trust_anchor)
    assert v.failed_groups == ()
    assert not v.signature_ok and not v.valid


def test_a_bit_for_bit_copy_is_identical_and_verifies(chip, issuer):
    copy = ic.copy_chip(chip)
    assert copy is not chip
    assert ic.chip_bytes(copy) == ic.chip_bytes(chip)
    assert ic.verify_chip(copy, issuer.trust_anchor).valid


def test_a_chip_from_an_untrusted_authority_fails_the_chain(issuer):
    stranger = ic.make_issuer("Unknown Authority")
    foreign = ic.issue_chip(ic.synthetic_card_record(1), stranger)
    v = ic.verify_chip(foreign, issuer.trust_anchor)
    assert v.signature_ok and not v.certificate_ok and not v.valid
    assert ic.verify_chip(foreign, stranger.trust_anchor).valid


def test_a_one_letter_change_flips_about_half_the_hash_bits(chip):
    before = chip.data_groups["DG11"]
    after = ic.tamper(chip, "address", chip.record.address.replace("R", "P", 1)).data_groups["DG11"]
    assert before != after
    assert 90 < ic.bits_changed(ic.digest(before), ic.digest(after)) < 166


def test_the_mixed_batch_has_eight_valid_chips(issuer):
    batch = ic.mixed_batch(issuer)
    assert len(batch) == 12
    assert ic.count_valid([b.chip for b in batch], issuer.trust_anchor) == 8
    valid_labels = sorted({b.label for b in batch if ic.verify_chip(b.chip, issuer.trust_anchor).valid})
    assert valid_labels == ["as issued", "bit-for-bit copy"]
    assert [b.label for b in batch] == [b.label for b in ic.mixed_batch(issuer)]  # seeded order


# --- linking -------------------------------------------------------------------------------

def test_hour_slots_of_point_and_interval_events():
    assert list(ic.Event("payments", "x", 12.5, 12.5, "shop").hour_slots()) == [12]
    assert list(ic.Event("transport", "x", 7.6, 8.1, "A to B").hour_slots()) == [7, 8]
    assert list(ic.Event("workplace", "x", 8.0, 17.0, "w").hour_slots()) == list(range(8, 17))


def test_overlapping_hours_are_counted_once():
    events = [ic.Event("transport", "x", 7.5, 8.2, "r"), ic.Event("workplace", "x", 8.3, 10.0, "w"),
              ic.Event("payments", "x", 9.5, 9.5, "shop")]
    assert ic.hours_accounted_for(events) == 3  # hours 7, 8, 9


def test_synthetic_week_is_seeded_and_keyed_on_card_numbers(week):
    assert week == ic.synthetic_week()
    assert week != ic.synthetic_week(seed=14)
    assert len(week.card_numbers) == 300 and week.card_numbers[0] == ic.card_number(0)
    for system, rows in week.tables().items():
        assert rows and all(e.system == system for e in rows)
        assert {e.card_number for e in rows} <= set(week.card_numbers)
        assert all(0 <= e.start <= e.end < ic.HOURS_PER_WEEK for e in rows)
    with pytest.raises(KeyError):
        week.table("phones")
    with pytest.raises(ValueError):
        ic.synthetic_week(0)


def test_the_join_accounts_for_more_than_any_table_and_less_than_their_sum(week):
    for card in week.card_numbers[:20]:
        cov = ic.coverage_by_table(week, card)
        alone = [cov[s] for s in ic.SYSTEMS]
        assert max(alone) < cov["joined"] < sum(alone) <= ic.HOURS_PER_WEEK


def test_link_on_card_keeps_only_that_card_in_time_order(week):
    card = week.card_numbers[0]
    joined = ic.link_on_card(card, *week.tables().values())
    assert joined and {e.card_number for e in joined} == {card}
    assert [e.start for e in joined] == sorted(e.start for e in joined)
    assert {e.system for e in joined} == set(ic.SYSTEMS)
    assert len(joined) == sum(len(ic.records_for(t, card)) for t in week.tables().values())


def test_hour_of_week_label():
    assert ic.hour_of_week_label(0) == "Mon 00:00"
    assert ic.hour_of_week_label(31.4) == "Tue 07:24"
    assert ic.hour_of_week_label(167.5) == "Sun 23:30"
    assert ic.hour_of_week_label(23.9999) == "Tue 00:00"


# --- figures -------------------------------------------------------------------------------

def test_figures_draw(chip, issuer, week):
    import matplotlib.pyplot as plt

    ic.plot_passive_authentication(chip)
    ic.plot_hash_change(chip.data_groups["DG11"], ic.tamper(chip, "address", "X").data_groups["DG11"])
    ic.plot_verification_grid({"as issued": ic.verify_chip(chip, issuer.trust_anchor)})
    ic.plot_week_coverage(week, week.card_numbers[0])
    plt.close("all")
