"""Lab 9, Marks, signatures and antenna points: exercise declarations.

Every device, serial number, file, key and subscriber here is synthetic and seeded; they
come from :mod:`survlab.screens.devices`. No real system's file format, key or data is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, Number, WholeNumber
from ..screens import devices

key = AnswerKey(__name__)  # expected values live in survlab.answers.file_marks

SEIZED_STICK = "USB-3"  # the stick whose copy is traced back to its first device
REVISITED = "PC-07"  # the computer whose copy passed some computers twice
COPY_A, COPY_B = "PC-02", "PC-01"  # two computers whose copies are compared
APPROVED_LABEL = "approved"  # label of the lab's one approved signing key
POINTS = 4  # points known about each subscriber in the unicity exercise
TARGET_SHARE = 0.9  # "nine in ten subscribers unique"


@dataclass(frozen=True)
class Scenario:
    spread: devices.Spread  # one file copied across computers and USB sticks
    collection: tuple[devices.Item, ...]  # a mixed collection of signed and unsigned files
    approved_public_key: object  # the only key the signature-only viewer trusts
    traces: devices.AntennaTraces  # a week of antenna records for a synthetic town


@lru_cache(maxsize=1)
def scenario() -> Scenario:
    """The lab's devices, files, key and town, built once per process."""
    return Scenario(devices.simulate_spread(), devices.mixed_collection(approved_label=APPROVED_LABEL),
                    devices.signing_key(APPROVED_LABEL).public_key(), devices.antenna_traces())


COMPUTERS = tuple(scenario().spread.computers)
PAPER_SHARE = 0.95  # de Montjoye et al. (2013): 4 points identified 95% in their real data

LAB = Lab(
    id="file-marks",
    title="Marks, signatures and antenna points",
    exercises=(
        Exercise(
            name="first_device",
            prompt="Which computer did the copy on the seized stick USB-3 pass through first?",
            expected=key.first_device,
            kind=Choice(COMPUTERS),
            hint="the marks are kept oldest first: turn them into device names with "
                 "devices.path_of(copy, spread.register) and take the first.",
            mistakes=(
                Mistake(lambda e: key.last_device(),
                        "that is the most recent mark, the last computer the stick was plugged into; "
                        "the list is oldest first, so the first device is at the other end."),
            ),
        ),
        Exercise(
            name="computers_passed",
            prompt="How many different computers marked the copy on PC-07?",
            expected=key.computers_passed,
            kind=WholeNumber(),
            hint="turn the copy's marks into names with devices.path_of and count the different names "
                 "(len(set(...))).",
            mistakes=(
                Mistake(lambda e: key.marks_on_revisited(),
                        "that counts every mark; some computers marked the file twice, on different visits. "
                        "Count each computer once."),
                Mistake(lambda e: e - 1, "you may have left out PC-07 itself: its own mark is on the copy too."),
            ),
        ),
        Exercise(
            name="diverged_at",
            prompt="At which computer did the histories of the copies on PC-02 and PC-01 split?",
            expected=key.diverged_at,
            kind=Choice(COMPUTERS),
            hint="compare the two paths from the start; the split comes after the last device both share "
                 "(devices.divergence_device does this).",
            mistakes=(
                Mistake(lambda e: key.first_shared(),
                        "that is where both copies started; they share more of their history than that. "
                        "Find the last device both paths have in common before they differ."),
                Mistake(lambda e: key.first_difference_a(),
                        "that is the first device where the PC-02 copy's path differs; the split happened "
                        "at the device just before it, the last one both copies share."),
                Mistake(lambda e: key.first_difference_b(),
                        "that is the first device where the PC-01 copy's path differs; the split happened "
                        "at the device just before it, the last one both copies share."),
            ),
        ),
        Exercise(
            name="signature_viewer_opens",
            prompt="How many files of the collection does the signature-only viewer open?",
            expected=key.signature_viewer_opens,
            kind=WholeNumber(),
            hint="count the items for which the signature-only viewer returns True: "
                 "devices.count_opened(collection, devices.signature_viewer(approved_key)).",
            mistakes=(
                Mistake(lambda e: key.carrying_approved_signature(),
                        "that counts every file carrying a signature by the approved key, including files "
                        "altered after signing; their signature no longer matches their content, so they fail."),
                Mistake(lambda e: key.carrying_any_signature(),
                        "that counts every file that carries some signature; a signature by another key does "
                        "not satisfy a viewer that trusts only the approved key, and altered files fail too."),
                Mistake(lambda e: key.collection_size(), "that is the whole collection: what the open viewer opens."),
            ),
        ),
        Exercise(
            name="open_viewer_unsigned",
            prompt="Of the files the open viewer opens, how many carry no signature at all?",
            expected=key.open_viewer_unsigned,
            kind=WholeNumber(),
            hint="the open viewer opens everything, so count the items whose signature is None.",
            mistakes=(
                Mistake(lambda e: key.collection_size(),
                        "that is everything the open viewer opens; the question asks how many of those are unsigned."),
                Mistake(lambda e: key.refused_by_signature_viewer(),
                        "that is everything the signature-only viewer refuses, which also includes files that do "
                        "carry a signature (altered ones, and ones signed by another key)."),
            ),
        ),
        Exercise(
            name="unique_share_4",
            prompt="What share of the town's subscribers do 4 random antenna points single out?",
            expected=key.unique_share_4,
            kind=Number(rtol=0.02),
            hint="call devices.unicity(traces, 4) and give the share as a fraction between 0 and 1.",
            mistakes=(
                Mistake(lambda e: PAPER_SHARE,
                        "that is de Montjoye and colleagues' figure for real data from 1.5 million people; "
                        "measure this synthetic town with devices.unicity(traces, 4)."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give a share between 0 and 1."),
                Mistake(lambda e: 1 - e, "that is the share NOT made unique; the question asks for the unique share."),
                Mistake(lambda e: key.unique_share(1), "that is the share for 1 point; use 4."),
            ),
        ),
        Exercise(
            name="points_for_nine_in_ten",
            prompt="What is the smallest number of random points that singles out at least 9 in 10 subscribers?",
            expected=key.points_for_nine_in_ten,
            kind=WholeNumber(),
            hint="compute devices.unicity_curve(traces) for p = 1 to 6 and find the first p whose share is at "
                 "least 0.9 (devices.points_needed does this).",
            mistakes=(
                Mistake(lambda e: e + 1, "that number works, but a smaller one already reaches 0.9; "
                                         "look for the smallest."),
                Mistake(lambda e: e - 1, "with that many points the share is still below 0.9."),
            ),
        ),
    ),
)
