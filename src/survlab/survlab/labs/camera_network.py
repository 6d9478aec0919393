"""Lab 1, The arithmetic of a camera network: storage, uplink, power, viewers, and which binds first.

Every number here is hypothetical: a city, a budget and a camera of plausible sizes,
chosen for teaching. None describes a real place or a real network.
"""
from __future__ import annotations


from ..cameras import network
from ..checks import AnswerKey, Choice, Exercise, Lab, Mistake, Number, WholeNumber

key = AnswerKey(__name__)  # expected values live in survlab.answers.camera_network

CITY = network.EXAMPLE_CITY  # 10,000 cameras at 2 Mbps, kept 30 days, 10 W each, 12 screens per viewer
BUDGET = network.EXAMPLE_BUDGET  # 3,000 TB, 10 Gbit/s, 60 kW, 200 viewers on duty
CITY_WITH_ANALYTICS = network.EXAMPLE_CITY_WITH_ANALYTICS  # people watch 1 feed in 20; servers add 10 W a camera

RESOLUTION = "1080p"  # what each camera's sensor delivers
FPS = 25  # frames per second
LENS_FOV_DEG = 60  # the camera's horizontal field of view
FACE_DISTANCE_M = 15  # how far away the face is in the pixels-on-a-face exercise
CARD_GB = 128  # the camera's own memory card (10^9 bytes to the gigabyte)


LAB = Lab(
    id="camera-network",
    title="The arithmetic of a camera network",
    exercises=(
        Exercise(
            name="compression_ratio",
            prompt="How many times smaller is one camera's 2 Mbps stream than its uncompressed video?",
            expected=key.compression_ratio,
            kind=Number(rtol=0.02),
            hint="uncompressed bits per second = width x height x frames per second x bits per pixel; "
                 "divide it by the encoded bitrate, with both in the same unit.",
            mistakes=(
                Mistake(lambda e: e / network.RAW_BITS_PER_PIXEL,
                        "you counted pixels per second, not bits: each uncompressed pixel takes 24 bits."),
                Mistake(lambda e: e / 8, "one of your two rates is in bytes; put both in bits per second."),
                Mistake(lambda e: e / FPS, "that is one frame's bits; the stream carries 25 frames every second."),
                Mistake(lambda e: e * network.SUBSAMPLED_BITS_PER_PIXEL / network.RAW_BITS_PER_PIXEL,
                        "that uses 12 bits per pixel (after chroma subsampling); the question asks against the "
                        "uncompressed 24-bit picture."),
            ),
        ),
        Exercise(
            name="face_pixels",
            prompt="How many pixels wide is a 16 cm face 15 m from a 1,920-pixel camera with a 60 degree lens?",
            expected=key.face_pixels,
            kind=Number(rtol=0.02),
            hint="the scene at that distance is 2 x distance x tan(field of view / 2) metres wide; the sensor's "
                 "pixels spread across it, and the face takes its share (math.tan wants radians).",
            mistakes=(
                Mistake(lambda e: key._face_pixels_full_angle(), "you used tan of the whole field of view; the scene "
                        "is 2 x distance x tan(half the field of view) wide."),
                Mistake(lambda e: 2 * e, "you left out the 2: tan(half the angle) gives half the scene's width."),
                Mistake(lambda e: key._face_pixels_in_degrees(), "math.tan works in radians: convert with "
                        "math.radians(30) first."),
            ),
        ),
        Exercise(
            name="card_days",
            prompt="How many days of continuous video does the camera's own 128 GB memory card hold at 2 Mbps?",
            expected=key.card_days,
            kind=Number(rtol=0.02),
            hint="one day at 2 Mbps is megabits per second x 86,400 s / 8 bytes; divide the card's bytes by that.",
            mistakes=(
                Mistake(lambda e: e / 8, "you treated the card's gigabytes as gigabits (or the stream's bits as "
                        "bytes): a byte has 8 bits."),
                Mistake(lambda e: e * 8, "you forgot to turn bits into bytes: divide a day's bits by 8."),
                Mistake(lambda e: e * 2**30 / 1e9, "you counted the card as 128 x 1024**3 bytes; cards are sold "
                        "in gigabytes of 10**9 bytes."),
                Mistake(lambda e: e * 24, "that is hours, not days."),
            ),
        ),
        Exercise(
            name="storage_tb",
            prompt="How many terabytes do the city's cameras fill in 30 days of continuous recording?",
            expected=key.storage_tb,
            kind=Number(rtol=0.02),
            hint="one camera: megabits per second x seconds in 30 days, /8 for bytes; then times the cameras, "
                 "and 10^12 bytes make a terabyte.",
            mistakes=(
                Mistake(lambda e: e * 8, "that is terabits: divide by 8 to turn bits into bytes."),
                Mistake(lambda e: e / 30, "that is one day of footage; the city keeps 30 days."),
                Mistake(lambda e: e * 1000, "that looks like gigabytes: a terabyte is 1,000 gigabytes."),
                Mistake(lambda e: e / CITY.cameras, "that is one camera's 30 days; multiply by the number of cameras."),
            ),
        ),
        Exercise(
            name="uplink_gbps",
            prompt="How many gigabits per second reach the centre if every camera streams there live?",
            expected=key.uplink_gbps,
            kind=Number(rtol=0.02),
            hint="add up every camera's bitrate, then turn megabits into gigabits.",
            mistakes=(
                Mistake(lambda e: e / 8, "that is gigabytes per second; network links are rated in bits per second."),
                Mistake(lambda e: e * 1000, "that is in megabits per second; a gigabit is 1,000 megabits."),
            ),
        ),
        Exercise(
            name="power_kw",
            prompt="How many kilowatts does the whole network draw?",
            expected=key.power_kw,
            kind=Number(rtol=0.02),
            hint="multiply the cameras by the watts each one draws, and 1,000 watts make a kilowatt.",
            mistakes=(
                Mistake(lambda e: e * 1000, "that is in watts; the question asks for kilowatts."),
                Mistake(lambda e: e * 24, "that is energy over a day (kilowatt-hours); power is a rate, in kilowatts."),
            ),
        ),
        Exercise(
            name="viewers_needed",
            prompt="How many people must be on duty at once to watch every feed live?",
            expected=key.viewers_needed,
            kind=WholeNumber(),
            hint="each person follows a fixed number of screens; divide, and think about the remainder.",
            mistakes=(
                Mistake(lambda e: e - 1, "round up, not down: the screens left over still need someone to watch them."),
                Mistake(lambda e: CITY.cameras, "that is one person per camera; each person is assumed to follow "
                                                 "several screens at once."),
            ),
        ),
        Exercise(
            name="binding_limit",
            prompt="Which budget runs out first as the city adds cameras?",
            expected=key.binding_limit,
            kind=Choice(network.LIMITS),
            hint="for each resource, divide the budget by what one camera needs; the resource that allows "
                 "the fewest cameras binds.",
            mistakes=(
                Mistake(lambda e: key._loosest_limit(),
                        "that budget allows the most cameras; the one that binds allows the fewest."),
            ),
        ),
        Exercise(
            name="binding_limit_with_analytics",
            prompt="With analytics choosing which feeds people watch, which budget runs out first?",
            expected=key.binding_limit_with_analytics,
            kind=Choice(network.LIMITS),
            hint="redo the four divisions with the new assumptions: fewer feeds to watch, more watts per camera.",
            mistakes=(
                Mistake(lambda e: key.binding_limit(),
                        "people now watch only a share of the feeds: recompute how many cameras the viewers allow."),
                Mistake(lambda e: key._analytics_without_its_power(),
                        "the software runs on computers too: add the analytics watts to each camera's power."),
            ),
        ),
    ),
)
