"""The answer key of Lab 7, Signed card records and linking (:mod:`survlab.labs.id_card_records`).

Imported only when an answer is judged (``checks.AnswerKey``), so the grader can run
submissions without it. Students may read it; the grader never shows it to a submission.
"""
from __future__ import annotations

from ..biometrics import idcards
from ..labs.id_card_records import RECORD_SEED, scenario


def failed_group() -> str:
    """The one data group whose hash fails on the tampered card."""
    s = scenario()
    failed = idcards.verify_chip(s.tampered, s.trust_anchor).failed_groups
    return failed[0] if failed else "none"


def copy_verifies() -> str:
    s = scenario()
    return "yes" if idcards.verify_chip(s.copy, s.trust_anchor).valid else "no"


def valid_in_batch() -> int:
    s = scenario()
    return idcards.count_valid(s.batch, s.trust_anchor)


def _issued_in_batch() -> int:
    return sum(b.label == "as issued" for b in idcards.mixed_batch(scenario().issuer, RECORD_SEED))


def _signature_ok_in_batch() -> int:
    s = scenario()
    return sum(idcards.verify_chip(c, s.trust_anchor).signature_ok for c in s.batch)


def _hashes_ok_in_batch() -> int:
    s = scenario()
    return sum(not idcards.verify_chip(c, s.trust_anchor).failed_groups for c in s.batch)


def _rejected_in_batch() -> int:
    s = scenario()
    return len(s.batch) - idcards.count_valid(s.batch, s.trust_anchor)


def _coverage() -> dict[str, int]:
    s = scenario()
    return idcards.coverage_by_table(s.week, s.subject)


def transport_hours() -> int:
    return _coverage()["transport"]


def _transport_rows() -> int:
    s = scenario()
    return len(idcards.records_for(s.week.transport, s.subject))


def _all_transport_hours() -> int:
    return idcards.hours_accounted_for(scenario().week.transport)


def joined_hours() -> int:
    return _coverage()["joined"]


def _sum_of_tables() -> int:
    return sum(_coverage()[s] for s in idcards.SYSTEMS)


def _largest_table() -> int:
    cov = _coverage()
    return max(cov[s] for s in idcards.SYSTEMS)


def _other_tables_sum() -> int:
    return _sum_of_tables() - _largest_table()


def extra_hours() -> int:
    cov = _coverage()
    return cov["joined"] - max(cov[s] for s in idcards.SYSTEMS)


def _joined_minus_transport() -> int:
    cov = _coverage()
    return cov["joined"] - cov["transport"]


def _double_counted() -> int:
    return _sum_of_tables() - joined_hours()
