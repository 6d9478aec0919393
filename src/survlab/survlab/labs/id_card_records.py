"""Lab 7, Signed card records and linking: exercise declarations.

The card holders, their records, the teaching keys and the week of records from three
systems are synthetic and seeded; they come from :mod:`survlab.biometrics.idcards`, which
computes every expected value below. No real card, key or system is involved.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..biometrics import idcards
from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.id_card_records

RECORD_SEED = 7  # the synthetic card holders (idcards.synthetic_card_record)
WEEK_SEED = 13  # the synthetic week of records (idcards.synthetic_week)
PEOPLE = 300  # card holders in the week's tables
SUBJECT_INDEX = 0  # the person whose card and week the lab follows
TAMPERED_FIELD = "address"  # the field changed on the subject's card in Part A
TAMPERED_VALUE = "13 RIVER ROAD, RIVERTON"
GROUP_OPTIONS = ("DG1", "DG2", "DG3", "DG11", "none")


@dataclass(frozen=True)
class Scenario:
    issuer: idcards.Issuer  # the invented "Teaching Republic" and its teaching keys
    trust_anchor: bytes  # the signing authority's public key, which every reader holds
    card: idcards.Chip  # the subject's card as issued
    tampered: idcards.Chip  # the same card with one field changed afterwards
    copy: idcards.Chip  # a bit-for-bit copy of the card
    batch: tuple[idcards.Chip, ...]  # twelve chips handed to a reader, unlabelled
    week: idcards.WeekTables  # a week of records from three systems
    subject: str  # the subject's card number


@lru_cache(maxsize=1)
def scenario() -> Scenario:
    """The lab's issuer, cards and week, built once per process."""
    issuer = idcards.teaching_issuer()
    card = idcards.issue_chip(idcards.synthetic_card_record(SUBJECT_INDEX, RECORD_SEED), issuer)
    return Scenario(
        issuer=issuer,
        trust_anchor=issuer.trust_anchor,
        card=card,
        tampered=idcards.tamper(card, TAMPERED_FIELD, TAMPERED_VALUE),
        copy=idcards.copy_chip(card),
        batch=tuple(b.chip for b in idcards.mixed_batch(issuer, RECORD_SEED)),
        week=idcards.synthetic_week(PEOPLE, WEEK_SEED),
        subject=idcards.card_number(SUBJECT_INDEX),
    )


LAB = Lab(
    id="id-card-records",
    title="Signed card records and linking",
    exercises=(
        Exercise(
            name="failed_group",
            prompt="Which data group of the tampered card fails its hash check?",
            expected=key.failed_group,
            kind=Choice(GROUP_OPTIONS),
            hint="run idcards.verify_chip(setup.tampered, setup.trust_anchor) and read its failed_groups; "
                 "idcards.DATA_GROUPS says which fields each group holds.",
            mistakes=(
                Mistake(lambda e: "DG1", "DG1 holds what the machine-readable zone carries (number, name, birth, "
                                         "expiry); the address is kept in another group."),
                Mistake(lambda e: "none", "the signature still holds, because the signed list was not touched; "
                                          "but one data group's hash no longer matches its entry in that list."),
            ),
        ),
        Exercise(
            name="copy_verifies",
            prompt="Does a bit-for-bit copy of the card pass passive authentication?",
            expected=key.copy_verifies,
            kind=Choice(("yes", "no")),
            hint="verify setup.copy against setup.trust_anchor and read .valid.",
            mistakes=(
                Mistake(lambda e: "no", "the copy carries the same data groups, hashes, signature and certificate, "
                                        "byte for byte; nothing in them says which chip they were read from."),
            ),
        ),
        Exercise(
            name="valid_in_batch",
            prompt="How many of the twelve chips in the batch pass passive authentication?",
            expected=key.valid_in_batch,
            kind=WholeNumber(),
            hint="verify each chip in setup.batch against setup.trust_anchor and count those whose .valid is True.",
            mistakes=(
                Mistake(lambda e: key._issued_in_batch(),
                        "that counts only the chips as issued; a bit-for-bit copy passes too."),
                Mistake(lambda e: key._signature_ok_in_batch(),
                        "that counts the chips that pass one check (the signature, or the certificate chain); a chip "
                        "passes only if the chain, the signature and every data group's hash all hold."),
                Mistake(lambda e: key._hashes_ok_in_batch(),
                        "that counts the chips whose data group hashes all match; a chip also needs a signature that "
                        "holds and a certificate that chains to the trusted authority."),
                Mistake(lambda e: key._rejected_in_batch(),
                        "that is how many chips are rejected; the question asks how many pass."),
                Mistake(lambda e: len(scenario().batch), "not every chip passes: verify each one and count."),
            ),
        ),
        Exercise(
            name="transport_hours",
            prompt="How many hours of the subject's week does the transport table alone account for?",
            expected=key.transport_hours,
            kind=WholeNumber(),
            hint="take the subject's rows with idcards.records_for(week.transport, subject) and count the hours "
                 "they cover with idcards.hours_accounted_for.",
            mistakes=(
                Mistake(lambda e: key._transport_rows(),
                        "that is the number of journeys (rows); a journey can span two clock hours. Count hours "
                        "with idcards.hours_accounted_for."),
                Mistake(lambda e: key._all_transport_hours(),
                        "that counts hours for every card holder at once; keep only the subject's card number."),
            ),
        ),
        Exercise(
            name="joined_hours",
            prompt="How many hours of the subject's week do the three tables joined on the card number account for?",
            expected=key.joined_hours,
            kind=WholeNumber(),
            hint="join with idcards.link_on_card(subject, week.transport, week.workplace, week.payments) and count "
                 "its hours with idcards.hours_accounted_for.",
            mistakes=(
                Mistake(lambda e: key._sum_of_tables(),
                        "that adds the three tables' hours, counting twice every hour two tables both cover (the "
                        "ride that ends as the shift starts, the canteen payment during a shift). Count the hours "
                        "of the joined rows."),
                Mistake(lambda e: idcards.HOURS_PER_WEEK, "168 is the whole week; the records leave many hours "
                                                          "(most nights, for one) unaccounted for."),
                Mistake(lambda e: key._largest_table(),
                        "that is what the largest single table accounts for; pass all three tables to "
                        "idcards.link_on_card before counting."),
            ),
        ),
        Exercise(
            name="extra_hours",
            prompt="How many more hours does the join account for than the most revealing table alone?",
            expected=key.extra_hours,
            kind=WholeNumber(),
            hint="find which single table accounts for the most hours (idcards.coverage_by_table helps) and "
                 "subtract its count from the joined count.",
            mistakes=(
                Mistake(lambda e: key._joined_minus_transport(),
                        "that compares with the transport table; the question asks about the table that alone "
                        "accounts for the most hours."),
                Mistake(lambda e: key._double_counted(),
                        "that is how many hours the tables overlap (their sum minus the join); the question asks how "
                        "much the join adds beyond the best single table."),
                Mistake(lambda e: key._other_tables_sum(),
                        "that adds the other two tables' hours, but many of them fall in hours the best table "
                        "already covers; subtract the best table's count from the joined count."),
            ),
        ),
    ),
)
