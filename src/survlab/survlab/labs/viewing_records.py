"""Lab 8, Viewing records: a synthetic month of set-top-box requests, what one household's
records reveal, who left a programme early, and how far the records must be coarsened
before every one is shared by at least k households.

All data are synthetic: :func:`survlab.screens.iptv.generate_month` makes them from a
fixed seed. No real household, operator or service is modelled.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..checks import AnswerKey, Exercise, Lab, Mistake, Number, WholeNumber
from ..screens import iptv

key = AnswerKey(__name__)  # expected values live in survlab.answers.viewing_records


@dataclass(frozen=True)
class Scenario:
    n_households: int = iptv.N_HOUSEHOLDS
    n_days: int = iptv.N_DAYS
    seed: int = iptv.SEED
    household: int = iptv.TARGET_HOUSEHOLD  # the household studied in Part A
    programme: iptv.Programme = iptv.PROGRAMME
    grace_minutes: int = 5  # "left early": more than this many minutes before the end
    k_target: int = 5
    area_level_for_k: int = 1  # district


SCENARIO = Scenario()


def scenario() -> iptv.Month:
    """The lab's month of requests (cached: every call returns the same read-only object)."""
    s = SCENARIO
    return iptv.generate_month(s.n_households, s.n_days, s.seed)


LAB = Lab(
    id="viewing-records",
    title="Viewing records",
    exercises=(
        Exercise(
            name="usual_start_hour",
            prompt="In which hour of the day does household 1207 usually make its first request?",
            expected=key.usual_start_hour,
            kind=WholeNumber(),
            hint="take the hour (minute // 60) of the first request on each day that has one, then the most "
                 "common of those hours (np.bincount(...).argmax()).",
            mistakes=(
                Mistake(lambda e: key._mean_first_hour(),
                        "that is the average first hour, rounded down: a few weekend afternoons pull the "
                        "average earlier than any usual day. Take the most common hour instead."),
                Mistake(lambda e: key._usual_last_hour(),
                        "that is when the television usually goes off (the last request's end); the question "
                        "asks when it goes on."),
                Mistake(lambda e: e + 1, "one hour late: take the hour the minute falls in (minute // 60, so 19:25 is "
                                         "hour 19), not a rounded-up hour."),
            ),
        ),
        Exercise(
            name="empty_day_count",
            prompt="On how many days of the month did household 1207 make no request at all?",
            expected=key.empty_day_count,
            kind=WholeNumber(),
            hint="count the days whose first-request minute is NaN (np.isnan), or use iptv.empty_days.",
            mistakes=(
                Mistake(lambda e: SCENARIO.n_days - e,
                        "that is the number of days WITH a request; the question asks for the silent days."),
                Mistake(lambda e: key._longest_empty_run(),
                        "that is the longest run of silent days; count every day without a request, "
                        "including a lone one."),
            ),
        ),
        Exercise(
            name="early_leavers",
            prompt="How many households watched the start of the programme and left more than 5 minutes "
                   "before its end?",
            expected=key.early_leavers,
            kind=WholeNumber(),
            hint="of the households joined to the channel at the programme's start, count those whose "
                 "session on it ended before programme.end - 5 (iptv.left_early).",
            mistakes=(
                Mistake(lambda e: key._audience_at_start(),
                        "that is everyone who watched the start; keep only those whose session ended before "
                        "the end of the programme."),
                Mistake(lambda e: key._audience_at_start() - e,
                        "that is the number who stayed to within five minutes of the end (to the end, or "
                        "leaving only in its last five minutes); the question asks how many left earlier than that."),
                Mistake(lambda e: key._left_without_grace(),
                        "that also counts households that left in the last 5 minutes; the question allows 5 "
                        "minutes' grace: the session must end before programme.end - 5."),
            ),
        ),
        Exercise(
            name="share_unique",
            prompt="Before coarsening, what share of households have a record (neighbourhood and usual viewing "
                   "hours) that no other household shares?",
            expected=key.share_unique,
            kind=Number(rtol=0.01),
            hint="group_sizes(released_records(month, 1, 0)) gives each household's group; take the mean of "
                 "(sizes == 1).",
            mistakes=(
                Mistake(lambda e: e * SCENARIO.n_households,
                        "that is a count of households; divide by the number of households for a share."),
                Mistake(lambda e: 1 - e, "that is the share that DO share their record with someone."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give a share between 0 and 1."),
                Mistake(lambda e: key._share_unique_district(),
                        "that is the share with the district kept (area_level=1); before any coarsening the "
                        "record keeps the full neighbourhood code (area_level=0)."),
                Mistake(lambda e: key._share_of_distinct_records_unique(),
                        "that is the share of distinct records that occur once; the question asks for the share "
                        "of households, so divide by the number of households, not the number of distinct records."),
            ),
        ),
        Exercise(
            name="block_for_k5",
            prompt="Keeping the district, what is the smallest time block (in hours) at which every record is "
                   "shared by at least 5 households?",
            expected=key.block_for_k5,
            kind=WholeNumber(),
            hint="compute iptv.k_anonymity(month, b, area_level=1) for b in iptv.BLOCK_HOURS and take the "
                 "first b with k >= 5.",
            mistakes=(
                Mistake(lambda e: key._last_block_below_k(),
                        "at that block some record is still shared by fewer than 5 households: k is the "
                        "smallest group, not the typical one."),
                Mistake(lambda e: 24, "k >= 5 is reached before the whole day becomes one block; try the "
                                      "blocks in order, and remember that exactly 5 counts as at least 5."),
            ),
        ),
        Exercise(
            name="precision_at_k5",
            prompt="At that block, what share of the hours the coarsened records mark as viewing hours are "
                   "real viewing hours (routine precision)?",
            expected=key.precision_at_k5,
            kind=Number(rtol=0.02),
            hint="call iptv.routine_precision(month, block) with the block you found.",
            mistakes=(
                Mistake(lambda e: 1 - e, "that is the share of marked hours that are NOT viewing hours."),
                Mistake(lambda e: 100 * e, "that looks like a percentage; give a share between 0 and 1."),
                Mistake(lambda e: key._precision_one_block_finer(),
                        "that is the precision one block finer, where k is still below 5."),
            ),
        ),
    ),
)
