"""The arithmetic of a camera network: pixels, bitrate, storage, uplink, power and people.

A camera network is a pipeline (lens and sensor, encoder, network, recorder, archive,
viewing room and analytics), and every stage has a budget. This module turns a handful
of assumptions about a network into what it needs, and a budget into how many cameras
each resource allows; the smallest of those is the *binding limit*.

Every default number here is **hypothetical**: a plausible size chosen for teaching, not
a measurement of any real network. The model is deliberately simple (bitrate in
proportion to pixels per second, power in proportion to cameras) so that a student can
follow every step; real encoders and networks are messier.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from .. import magnitudes
from ..i18n import _

LIMITS = ("storage", "bandwidth", "power", "viewers")
"""The four resources a camera network can run out of, in the order they are reported."""

UNITS = {"storage": "TB", "bandwidth": "Gbit/s", "power": "kW", "viewers": "people on duty"}

RAW_BITS_PER_PIXEL = 24  # uncompressed full colour: 8 bits each for red, green and blue
SUBSAMPLED_BITS_PER_PIXEL = 12  # 4:2:0: full-resolution brightness, colour at a quarter: what an encoder starts from

# Illustrative compressed bits per pixel for a mostly static surveillance scene. These are
# assumptions for teaching, chosen so that H.265 needs about half the bitrate of H.264 at
# similar quality; real bitrates depend heavily on what is in front of the lens.
ASSUMED_BITS_PER_PIXEL = {"H.264": 0.08, "H.265": 0.04}

RESOLUTIONS = {"720p": (1280, 720), "1080p": (1920, 1080), "4K": (3840, 2160)}

ASSUMED_FACE_WIDTH_M = 0.16  # an adult face is roughly this wide; an assumption for the geometry

# Pixel densities (pixels per metre of scene width) of the six operator tasks in IEC 62676-4:2014
# (adopted in Europe as EN 62676-4:2015). The 2025 revision renames levels and raises identification.
IEC_62676_4_PX_PER_M = {"monitor": 12.5, "detect": 25.0, "observe": 62.5, "recognise": 125.0,
                        "identify": 250.0, "inspect": 1000.0}
# "DORI": the four middle levels, the subset camera makers quote; the figure draws these.
DORI_PX_PER_M = {task: IEC_62676_4_PX_PER_M[task] for task in ("detect", "observe", "recognise", "identify")}


def _positive(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} cannot be negative (or infinite), got {value!r}")


def _fraction(name: str, value: float, *, allow_zero: bool = True) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (low_ok and value <= 1):
        bound = "0" if allow_zero else "just above 0"
        raise ValueError(f"{name} is a share between {bound} and 1, got {value!r}")


# --- capture and encoding ---------------------------------------------------------------

def raw_bitrate_mbps(width_px: int, height_px: int, fps: float, bits_per_pixel: float = RAW_BITS_PER_PIXEL) -> float:
    """Megabits per second of uncompressed video: pixels per frame x frames per second x bits per pixel.

    >>> round(raw_bitrate_mbps(1920, 1080, 25))
    1244
    """
    for name, value in (("width_px", width_px), ("height_px", height_px), ("fps", fps),
                        ("bits_per_pixel", bits_per_pixel)):
        _positive(name, value)
    return width_px * height_px * fps * bits_per_pixel / 1e6


def encoded_bitrate_mbps(width_px: int, height_px: int, fps: float, codec: str = "H.264") -> float:
    """A rough compressed bitrate under this module's assumed bits per pixel for ``codec``.

    A teaching model only: it scales with pixels per second, while a real encoder's output
    also depends on motion, noise, lighting and its settings.
    """
    if codec not in ASSUMED_BITS_PER_PIXEL:
        raise ValueError(f"unknown codec {codec!r}; this model knows {sorted(ASSUMED_BITS_PER_PIXEL)}")
    return raw_bitrate_mbps(width_px, height_px, fps, ASSUMED_BITS_PER_PIXEL[codec])


def pixels_on_target(distance_m: float, hfov_deg: float, width_px: int,
                     object_width_m: float = ASSUMED_FACE_WIDTH_M) -> float:
    """How many pixels wide an object appears, ``distance_m`` from a camera.

    The scene a lens with horizontal field of view ``hfov_deg`` sees at that distance is
    ``2 * distance * tan(hfov / 2)`` metres wide, and the sensor spreads ``width_px``
    pixels across it.
    """
    _positive("distance_m", distance_m)
    _positive("width_px", width_px)
    _positive("object_width_m", object_width_m)
    if not 0 < hfov_deg < 180:
        raise ValueError(f"hfov_deg is a field of view in degrees, between 0 and 180, got {hfov_deg!r}")
    scene_width_m = 2 * distance_m * math.tan(math.radians(hfov_deg) / 2)
    return width_px * object_width_m / scene_width_m


def pixel_density(distance_m: float, hfov_deg: float, width_px: int) -> float:
    """Pixels per metre of scene width at ``distance_m``: what the IEC 62676-4 bands are stated in."""
    return pixels_on_target(distance_m, hfov_deg, width_px, object_width_m=1.0)


def card_retention_days(card_gb: float, bitrate_mbps: float, recording_fraction: float = 1.0) -> float:
    """Days of video a camera's own memory card holds before it overwrites the oldest (1 GB = 10^9 bytes)."""
    _positive("card_gb", card_gb)
    _positive("bitrate_mbps", bitrate_mbps)
    _fraction("recording_fraction", recording_fraction, allow_zero=False)
    return card_gb / (storage_tb(1, bitrate_mbps, 1, recording_fraction) * 1000)


# --- what a network needs ---------------------------------------------------------------

def storage_tb(cameras: float, bitrate_mbps: float, days: float, recording_fraction: float = 1.0) -> float:
    """Terabytes (10^12 bytes) that ``cameras`` streams fill in ``days``.

    ``recording_fraction`` is the share of the time each camera records (1 = around the
    clock; less when a camera records only when something moves).
    """
    _non_negative("cameras", cameras)
    _non_negative("bitrate_mbps", bitrate_mbps)
    _non_negative("days", days)
    _fraction("recording_fraction", recording_fraction)
    seconds = days * magnitudes.SECONDS_PER_DAY * recording_fraction
    return cameras * magnitudes.video_bytes(bitrate_mbps, seconds) / 1e12


def uplink_gbps(cameras: float, bitrate_mbps: float, streamed_fraction: float = 1.0) -> float:
    """Gigabits per second a centre must receive when ``streamed_fraction`` of the cameras send live video to it."""
    _non_negative("cameras", cameras)
    _non_negative("bitrate_mbps", bitrate_mbps)
    _fraction("streamed_fraction", streamed_fraction)
    return cameras * bitrate_mbps * streamed_fraction / 1000


def power_kw(cameras: float, watts_per_camera: float) -> float:
    """Kilowatts drawn by ``cameras``, each drawing ``watts_per_camera``.

    The watts per camera should include the camera's share of switches, recorders and servers.
    """
    _non_negative("cameras", cameras)
    _non_negative("watts_per_camera", watts_per_camera)
    return cameras * watts_per_camera / 1000


def viewers_needed(cameras: float, screens_per_viewer: float, watched_fraction: float = 1.0) -> int:
    """People who must be on duty at once to watch ``watched_fraction`` of the feeds live.

    Rounded up: a viewer cannot be split, and a leftover screen still needs someone.
    Covering a whole day takes several shifts of this many people.
    """
    _non_negative("cameras", cameras)
    _positive("screens_per_viewer", screens_per_viewer)
    _fraction("watched_fraction", watched_fraction)
    # round first so that float noise (e.g. 2400.0000000001) does not add a phantom viewer
    return math.ceil(round(cameras * watched_fraction / screens_per_viewer, 9))


@dataclass(frozen=True)
class Network:
    """The assumptions that describe a camera network (all hypothetical unless a page says otherwise)."""

    cameras: int  # how many cameras
    bitrate_mbps: float  # one camera's compressed stream, megabits per second
    retention_days: float = 30  # how long footage is kept before it is overwritten
    recording_fraction: float = 1.0  # share of the day a camera records (1 = continuously)
    streamed_fraction: float = 1.0  # share of cameras whose live stream goes to a central site
    watts_per_camera: float = 10.0  # camera plus its share of switches and recorders
    analytics_watts_per_camera: float = 0.0  # extra power for software that watches the video
    screens_per_viewer: float = 12  # feeds one person is assumed to follow at once
    watched_fraction: float = 1.0  # share of feeds that a person must watch live

    def __post_init__(self) -> None:
        _non_negative("cameras", self.cameras)
        _positive("bitrate_mbps", self.bitrate_mbps)
        _positive("retention_days", self.retention_days)
        _fraction("recording_fraction", self.recording_fraction, allow_zero=False)
        _fraction("streamed_fraction", self.streamed_fraction)
        _positive("watts_per_camera", self.watts_per_camera)
        _non_negative("analytics_watts_per_camera", self.analytics_watts_per_camera)
        _positive("screens_per_viewer", self.screens_per_viewer)
        _fraction("watched_fraction", self.watched_fraction)


@dataclass(frozen=True)
class Budget:
    """What a network's owner can supply: disk, uplink to the centre, electricity and staff on duty."""

    storage_tb: float
    uplink_gbps: float
    power_kw: float
    viewers: float

    def __post_init__(self) -> None:
        for f in fields(self):
            _non_negative(f.name, getattr(self, f.name))


def describe(assumptions: Network | Budget) -> str:
    """One line per field, name and value, so a long set of assumptions reads down the page."""
    if not isinstance(assumptions, (Network, Budget)):
        raise ValueError(f"describe needs a Network or a Budget, got {type(assumptions).__name__}")
    lines = []
    for f in fields(assumptions):
        value = getattr(assumptions, f.name)
        lines.append(f"{f.name:<28} {value:,}" if isinstance(value, int) else f"{f.name:<28} {value:,g}")
    return "\n".join(lines)


def totals(net: Network) -> dict[str, float]:
    """What the whole network needs, by resource (units in ``UNITS``)."""
    return {
        "storage": storage_tb(net.cameras, net.bitrate_mbps, net.retention_days, net.recording_fraction),
        "bandwidth": uplink_gbps(net.cameras, net.bitrate_mbps, net.streamed_fraction),
        "power": power_kw(net.cameras, net.watts_per_camera + net.analytics_watts_per_camera),
        "viewers": viewers_needed(net.cameras, net.screens_per_viewer, net.watched_fraction),
    }


def cameras_allowed(net: Network, budget: Budget) -> dict[str, float]:
    """How many cameras each budget allows on its own, with ``net``'s per-camera needs.

    A resource a camera does not use at all (say, no live streams to the centre) allows
    any number of cameras: ``math.inf``.
    """
    one = replace(net, cameras=1)
    per_camera = {
        "storage": storage_tb(1, one.bitrate_mbps, one.retention_days, one.recording_fraction),
        "bandwidth": uplink_gbps(1, one.bitrate_mbps, one.streamed_fraction),
        "power": power_kw(1, one.watts_per_camera + one.analytics_watts_per_camera),
        # viewers are counted unrounded here: the budget's people are shared across cameras
        "viewers": one.watched_fraction / one.screens_per_viewer,
    }
    supply = {"storage": budget.storage_tb, "bandwidth": budget.uplink_gbps,
              "power": budget.power_kw, "viewers": budget.viewers}
    allowed = {}
    for limit in LIMITS:
        need = per_camera[limit]
        # round before flooring so that 4999.999999 (float noise) counts as 5000
        allowed[limit] = math.inf if need == 0 else math.floor(round(supply[limit] / need, 6))
    return allowed


def binding_limit(net: Network, budget: Budget) -> str:
    """The resource that runs out first as the network grows: the one allowing the fewest cameras.

    Ties go to the resource listed first in ``LIMITS``.
    """
    allowed = cameras_allowed(net, budget)
    return min(LIMITS, key=lambda limit: allowed[limit])


def max_cameras(net: Network, budget: Budget) -> float:
    """The most cameras the whole budget supports: the binding limit's count."""
    return min(cameras_allowed(net, budget).values())


# --- hypothetical examples used by the lesson and the lab -------------------------------

EXAMPLE_CITY = Network(cameras=10_000, bitrate_mbps=2.0)
"""A hypothetical city network: 10,000 cameras at 2 Mbps, recording around the clock, kept 30 days."""

EXAMPLE_BUDGET = Budget(storage_tb=3_000, uplink_gbps=10, power_kw=60, viewers=200)
"""A hypothetical budget for it: 3,000 TB of disk, a 10 Gbit/s uplink, 60 kW, 200 people on duty."""

EXAMPLE_CITY_WITH_ANALYTICS = replace(EXAMPLE_CITY, watched_fraction=0.05, analytics_watts_per_camera=10.0)
"""The same city, if software picks the 1 feed in 20 that a person watches, and its servers draw 10 W per camera."""


# --- figures ----------------------------------------------------------------------------

def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=figsize)
    return ax


def _plain_log_ticks(axis, low: float, high: float, steps=(1, 2, 5), ticks=None) -> None:
    """Label a log axis with plain numbers (0.5, 1, 2, 5, ... or 1,000, 3,000, ...) instead of powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    if ticks is None:
        ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
                 for m in steps]
    ticks = [t for t in ticks if low * 0.999 <= t <= high * 1.001]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def plot_pipeline(ax=None):
    """A diagram of the pipeline from lens to archive, with what limits each stage."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from .. import style

    ax = _axes(ax, (9.0, 4.7))
    ax.set_xlim(0, 10.9)
    ax.set_ylim(0, 6.0)
    ax.axis("off")
    camera, network_c, storage, use = (style.PALETTE[5], style.PALETTE[1], style.PALETTE[2], style.PALETTE[4])
    row, low, step = 4.4, 1.95, 2.25
    xs = [0.95 + i * step for i in range(5)]  # the top row's box centres
    boxes = {
        # name: (x centre, y centre, label, colour, what limits it)
        "lens": (xs[0], row, _("Lens and\nsensor"), camera, _("light, lens,\nresolution")),
        "encoder": (xs[1], row, _("Encoder\n(H.264, H.265)"), camera, _("bitrate,\ncomputing")),
        "network": (xs[2], row, _("Network\n(cable, radio)"), network_c, _("bandwidth,\nreach")),
        "recorder": (xs[3], row, _("Recorder\n(card or NVR)"), storage, _("disk,\nretention")),
        "archive": (xs[4], row, _("Central\narchive"), storage, _("disk, links,\nwho may look")),
        "viewers": (7.0, low, _("Viewing room\n(people)"), use, _("attention,\nstaff")),
        "analytics": (9.55, low, _("Analytics\n(software)"), use, _("computing,\nerrors")),
    }
    w, h = 1.6, 1.1
    for x, y, label, colour, limit in boxes.values():
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                    facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.5))
        ax.text(x, y, label, ha="center", va="center", fontsize=10)
        ax.text(x, y - h / 2 - 0.1, limit, ha="center", va="top", fontsize=9, color="0.3", style="italic")

    def arrow(start, end, text=""):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                     color="0.25", linewidth=1.2, shrinkA=0, shrinkB=0))
        if text:
            ax.text((start[0] + end[0]) / 2, max(start[1], end[1]) + 0.12, text,
                    ha="center", va="bottom", fontsize=8)

    edge = w / 2 + 0.06  # from a box's centre to just past its border
    for (a, b), text in zip(zip(xs, xs[1:]), (_("pixels"), _("stream"), _("stream"), _("copies"))):
        arrow((a + edge, row), (b - edge, row), text)
    below_text, top_of_low = 3.1, low + h / 2 + 0.06
    arrow((xs[3] - 0.15, below_text), (7.15, top_of_low))
    arrow((xs[4] - 0.25, below_text), (7.6, top_of_low))
    arrow((xs[4] + 0.1, below_text), (9.8, top_of_low))
    arrow((9.55 - edge, low), (7.0 + edge, low), _("alerts"))
    # the camera itself: lens, sensor and encoder (and often a memory card)
    left, right = 0.05, xs[1] + edge - 0.02
    ax.add_patch(FancyBboxPatch((left, 3.0), right - left, 2.2, boxstyle="round,pad=0.02", fill=False,
                                linestyle="--", edgecolor="0.5"))
    ax.text((left + right) / 2, 5.27, _("inside the camera"), ha="center", va="bottom", fontsize=9.5, color="0.35")
    # electricity runs under every stage
    ax.add_patch(FancyBboxPatch((0.05, 0.15), 10.8, 0.45, boxstyle="round,pad=0.02",
                                facecolor=style.PALETTE[6], alpha=0.35, edgecolor="none"))
    ax.text(5.45, 0.375, _("Electricity: every stage stops when the power does"), ha="center", va="center", fontsize=10)
    note = _("Live video can be watched from\nthe recorder or the archive;\nold video only from wherever\nit is still stored.")
    ax.text(0.15, low, note, ha="left", va="center", fontsize=9.5, color="0.3")
    return ax


def plot_pixels_on_target(ax=None, width_px: int = 1920, fields_of_view=(30, 60, 100),
                          max_distance_m: float = 40.0, object_width_m: float = ASSUMED_FACE_WIDTH_M,
                          bands: bool = True):
    """Pixels across a face against distance, for lenses with different fields of view.

    With ``bands``, shaded horizontal bands mark four of the six IEC 62676-4:2014 pixel
    densities (the "DORI" subset: detecting, observing, recognising and identifying a
    person), converted to pixels across a face of ``object_width_m``.
    """
    import numpy as np

    ax = _axes(ax, (7.0, 4.2))
    distances = np.linspace(1, max_distance_m, 200)
    for hfov in fields_of_view:
        px = [pixels_on_target(d, hfov, width_px, object_width_m) for d in distances]
        ax.plot(distances, px, label=_("{hfov}° field of view").format(hfov=hfov), linewidth=2)
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    if bands:
        edges = [DORI_PX_PER_M[k] * object_width_m for k in DORI_PX_PER_M] + [high]
        for i, name in enumerate(DORI_PX_PER_M):
            ax.axhspan(edges[i], edges[i + 1], color="0.5", alpha=0.06 + 0.05 * i, linewidth=0)
            ax.axhline(edges[i], color="0.45", linewidth=0.8, linestyle=":")
            ax.text(max_distance_m, edges[i] * 1.04, _("{task} ({px:g} px)").format(task=_(name), px=edges[i]),
                    ha="right", va="bottom",
                    fontsize=8, color="0.3")
        ax.set_ylim(low, high)
    _plain_log_ticks(ax.yaxis, low, high, steps=(1, 2, 5))
    ax.set_xlabel(_("distance from the camera (m)"))
    ax.set_ylabel(_("pixels across a {cm:.0f} cm face (log scale)").format(cm=object_width_m * 100))
    ax.set_title(_("A {width}-pixel-wide camera: wider view, fewer pixels per face").format(width=width_px))
    ax.legend(title=_("lens"), loc="lower left")
    return ax


def plot_storage_by_codec(ax=None, fps: float = 25, resolutions=("720p", "1080p", "4K")):
    """One camera's storage per day for several resolutions: uncompressed, H.264 and H.265 (assumed rates)."""
    import numpy as np

    from .. import style

    unknown = [name for name in resolutions if name not in RESOLUTIONS]
    if unknown:
        raise ValueError(f"unknown resolution(s) {unknown}; this module knows {list(RESOLUTIONS)}")
    ax = _axes(ax, (7.5, 4.2))
    kinds = ("uncompressed", "H.264", "H.265")
    x = np.arange(len(resolutions))
    width = 0.27
    for i, kind in enumerate(kinds):
        gb = []
        for name in resolutions:
            w, h = RESOLUTIONS[name]
            mbps = raw_bitrate_mbps(w, h, fps) if kind == "uncompressed" else encoded_bitrate_mbps(w, h, fps, kind)
            gb.append(storage_tb(1, mbps, 1) * 1000)
        bars = ax.bar(x + (i - 1) * width, gb, width, label=_(kind), color=style.PALETTE[i])
        for bar, value in zip(bars, gb):
            ax.annotate(magnitudes.format_bytes(value * 1e9), (bar.get_x() + bar.get_width() / 2, value),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7.5)
    ax.set_yscale("log")
    ax.set_ylim(top=ax.get_ylim()[1] * 4)
    _plain_log_ticks(ax.yaxis, *ax.get_ylim(), steps=(1,))
    ax.set_xticks(x, [f"{name}\n({RESOLUTIONS[name][0]}×{RESOLUTIONS[name][1]})" for name in resolutions])
    ax.set_xlabel(_("resolution (all at {fps:g} frames per second)").format(fps=fps))
    ax.set_ylabel(_("storage for one camera, one day (GB, log scale)"))
    ratios = sorted(RAW_BITS_PER_PIXEL / bpp for bpp in ASSUMED_BITS_PER_PIXEL.values())
    ax.set_title(_("Compression shrinks video {low:.0f} to {high:.0f} times (assumed rates)").format(
        low=ratios[0], high=ratios[-1]))
    ax.legend(ncol=3, loc="upper left")
    return ax


def plot_binding_limits(net: Network, budget: Budget, ax=None, title: str = ""):
    """Bars: how many cameras each budget allows; the shortest (the binding limit) is highlighted."""
    from .. import style

    ax = _axes(ax, (7.0, 3.4))
    allowed = cameras_allowed(net, budget)
    binding = binding_limit(net, budget)
    finite = [v for v in allowed.values() if math.isfinite(v)]
    cap = max(finite + [net.cameras]) * 3  # where to draw a resource that sets no limit
    values = [allowed[k] if math.isfinite(allowed[k]) else cap for k in LIMITS]
    colours = [style.PALETTE[3] if k == binding else style.PALETTE[0] for k in LIMITS]
    ax.barh(range(len(LIMITS)), values, color=colours)
    ax.set_yticks(range(len(LIMITS)), [_(k) for k in LIMITS])
    ax.invert_yaxis()
    ax.set_xscale("log")
    for y, (k, v) in enumerate(zip(LIMITS, values)):
        text = _("no limit") if not math.isfinite(allowed[k]) else f"{v:,.0f}"
        if k == binding:
            text = _("{allowed}  (binding)").format(allowed=text)
        ax.annotate(text, (v, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.axvline(net.cameras, color="0.2", linestyle="--", linewidth=1.2)
    ax.annotate(_("planned: {cameras:,}").format(cameras=net.cameras), (net.cameras, 1.0), xycoords=ax.get_xaxis_transform(),
                xytext=(4, -4), textcoords="offset points", fontsize=9, va="top")
    low, high = min(values) / 2, max(values) * 6
    ax.set_xlim(low, high)
    _plain_log_ticks(ax.xaxis, low, high, steps=(1, 3))
    ax.set_xlabel(_("cameras the budget allows (log scale)"))
    ax.set_ylabel(_("resource"))
    ax.set_title(_(title) if title else _("Which budget runs out first? Here: {limit}").format(limit=_(binding)))
    return ax


def plot_limits_vs_bitrate(net: Network, budget: Budget, ax=None, bitrates=None):
    """Cameras each budget allows as the bitrate changes; the lowest line at any bitrate binds."""
    import numpy as np

    from .. import style

    ax = _axes(ax, (7.0, 4.2))
    if bitrates is None:
        bitrates = np.geomspace(0.25, 8, 60)
    curves = {k: [] for k in LIMITS}
    for b in bitrates:
        allowed = cameras_allowed(replace(net, bitrate_mbps=float(b)), budget)
        for k in LIMITS:
            curves[k].append(allowed[k])
    styles = {"storage": "-", "bandwidth": "--", "power": "-.", "viewers": ":"}
    for i, k in enumerate(LIMITS):
        ys = np.array(curves[k], dtype=float)
        if np.all(np.isinf(ys)):
            continue  # this resource sets no limit under these assumptions
        ax.plot(bitrates, ys, styles[k], color=style.PALETTE[i], linewidth=2.2, label=_(k))
    envelope = np.min(np.array([curves[k] for k in LIMITS], dtype=float), axis=0)
    ax.fill_between(bitrates, 1, envelope, color="0.85", alpha=0.6, label=_("cameras the budget supports"))
    ax.axvline(net.bitrate_mbps, color="0.2", linewidth=1, linestyle=(0, (1, 2)))
    ax.annotate(_("assumed: {mbps:g} Mbps").format(mbps=net.bitrate_mbps), (net.bitrate_mbps, 0.0), xycoords=ax.get_xaxis_transform(),
                xytext=(4, 6), textcoords="offset points", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    finite = envelope[np.isfinite(envelope)]
    ylow, yhigh = max(1, finite.min() / 5), finite.max() * 20
    ax.set_ylim(ylow, yhigh)
    _plain_log_ticks(ax.xaxis, min(bitrates), max(bitrates), ticks=[2.0 ** k for k in range(-6, 8)])
    _plain_log_ticks(ax.yaxis, ylow, yhigh, steps=(1, 3))
    ax.set_xlabel(_("bitrate of one camera (Mbps, log scale)"))
    ax.set_ylabel(_("cameras the budget allows (log scale)"))
    ax.set_title(_("The lowest line binds: which one depends on the bitrate"))
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=3)
    return ax
