"""Motion detection on a small synthetic video: frame differencing, background models,
thresholds, clean-up, and scoring against known ground truth.

Everything here works on greyscale video stored as a NumPy array of shape
``(frames, height, width)`` with brightness between 0 (black) and 1 (white). The
scene is made up by :func:`make_scene` from a seed, so every run is identical and the
truth (where the walking figures really are) is known exactly.

A detector is built from small pieces, in the order a real one uses them::

    change = frame_difference(scene.frames)        # or background_difference(...)
    mask = threshold(change, 0.1)                  # pixels that changed "a lot"
    cleaned = clean(mask, opening=3, min_area=12)  # drop specks and tiny blobs
    alarms = frame_alarms(cleaned)                 # one yes/no per frame
    frame_scores(alarms, scene.moving)             # precision and recall per frame
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from scipy import ndimage

from ..i18n import _

# The figures' look: a body and a head, in pixels.
BODY_HEIGHT, BODY_WIDTH, HEAD_SIZE = 12, 6, 4


@dataclass(frozen=True)
class Walker:
    """One figure crossing the scene at constant speed.

    ``start`` is the frame at which it sets off just outside the picture; ``speed`` is in
    pixels per frame (positive walks left to right); ``feet`` is the row its feet are on;
    ``contrast``: the figure's brightness is 0.5 + contrast, so positive is lighter than
    mid-grey and negative darker; ``scale`` shrinks a distant figure.
    """

    start: int
    speed: float
    feet: int
    contrast: float
    scale: float = 1.0


@dataclass(frozen=True)
class Bird:
    """Something that is not a person crossing the sky: motion that a detector cannot tell from a walker.

    ``start`` is the frame at which it sets off just outside the left edge; ``speed`` in
    pixels per frame (left to right); ``row`` is its top row; ``brightness`` its grey level.
    It is never part of the ground truth, so every alarm it causes is a false alarm.
    """

    start: int
    speed: float
    row: int
    brightness: float = 0.2
    height: int = 3
    width: int = 5


@dataclass(frozen=True)
class SceneSpec:
    """The settings of a synthetic scene. Change one with ``dataclasses.replace``."""

    n_frames: int = 80
    height: int = 64
    width: int = 96
    walkers: tuple[Walker, ...] = (
        Walker(start=5, speed=5.0, feet=58, contrast=-0.35),  # a near figure in dark clothes
        Walker(start=36, speed=-4.0, feet=44, contrast=0.12, scale=0.75),  # a faint, farther one
    )
    noise_sd: float = 0.02  # sensor noise, standard deviation per pixel per frame
    flicker_sd: float = 0.07  # random change of overall brightness from frame to frame (relative)
    specks_per_frame: int = 4  # tiny bright specks, like raindrops or insects near the lens
    seed: int = 2
    birds: tuple[Bird, ...] = ()  # non-human motion, never in the truth

    def __post_init__(self) -> None:
        if self.n_frames < 2:
            raise ValueError(f"a video needs at least 2 frames, got n_frames={self.n_frames}")
        if self.height < 16 or self.width < 16:
            raise ValueError(f"frames must be at least 16 x 16 pixels, got {self.height} x {self.width}")
        if self.noise_sd < 0 or self.flicker_sd < 0 or self.specks_per_frame < 0:
            raise ValueError("noise_sd, flicker_sd and specks_per_frame cannot be negative")
        for w in self.walkers:
            if w.speed == 0:
                raise ValueError(f"a walker must move: {w} has speed 0")
            if not 0 < w.scale <= 2:
                raise ValueError(f"a walker's scale must be in (0, 2], got {w.scale}")
            if not 0 < w.feet <= self.height:
                raise ValueError(f"a walker's feet must be on a row inside the frame (1 to {self.height}), got {w.feet}")
        for b in self.birds:
            if b.speed <= 0 or not 0 <= b.row <= self.height - b.height:
                raise ValueError(f"a bird needs a positive speed and a row inside the frame, got {b}")


@dataclass(frozen=True)
class Scene:
    """A synthetic video and its ground truth.

    ``frames``: brightness, shape (T, H, W), values in [0, 1].
    ``truth``: True where a walking figure covers a pixel, shape (T, H, W).
    ``moving``: one label per frame: True when a figure is in view in this frame or the
    one before it (a figure that has just left still changed the picture).
    ``gain``: the overall brightness factor of each frame (1 = no flicker).
    ``background``: the empty scene, before noise and flicker.
    """

    frames: np.ndarray
    truth: np.ndarray
    moving: np.ndarray
    gain: np.ndarray
    background: np.ndarray
    spec: SceneSpec = field(repr=False)

    @property
    def n_frames(self) -> int:
        return self.frames.shape[0]


def _empty_street(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A static scene: sky, two buildings with windows, a pavement, a little texture."""
    rows = np.linspace(0, 1, height)[:, None]
    street = np.broadcast_to(0.75 - 0.25 * rows, (height, width)).copy()  # sky darkens downwards
    horizon = height // 2
    street[horizon:, :] = 0.45  # the pavement
    b1 = slice(horizon - 18, horizon), slice(width // 10, width // 10 + 22)
    b2 = slice(horizon - 12, horizon), slice(width // 2 + 8, width // 2 + 36)
    street[b1] = 0.30
    street[b2] = 0.60
    for top in range(horizon - 15, horizon - 2, 5):  # windows: sharp edges that flicker shows up on
        for left in range(width // 10 + 3, width // 10 + 20, 6):
            street[top:top + 2, left:left + 3] = 0.85
    street += ndimage.gaussian_filter(rng.normal(0, 0.04, (height, width)), 1.5)
    return np.clip(street, 0.05, 0.95)


def _walker_mask(w: Walker, t: int, height: int, width: int) -> np.ndarray:
    """Pixels covered by walker ``w`` in frame ``t`` (all False when off screen)."""
    mask = np.zeros((height, width), dtype=bool)
    body_h = max(2, round(BODY_HEIGHT * w.scale))
    body_w = max(2, round(BODY_WIDTH * w.scale))
    head = max(1, round(HEAD_SIZE * w.scale))
    steps = t - w.start
    if steps < 0:
        return mask
    # Sets off just outside one edge, so its first visible frame shows only part of it.
    x0 = -body_w + steps * w.speed if w.speed > 0 else width + steps * w.speed
    left = int(round(x0))
    top = w.feet - body_h
    cols = slice(max(left, 0), max(min(left + body_w, width), 0))
    mask[max(top, 0):w.feet, cols] = True
    head_left = left + (body_w - head) // 2
    head_cols = slice(max(head_left, 0), max(min(head_left + head, width), 0))
    mask[max(top - head - 1, 0):max(top - 1, 0), head_cols] = True
    return mask


def make_scene(spec: SceneSpec = SceneSpec()) -> Scene:
    """Render a seeded synthetic video of figures walking across a street.

    Three things disturb the picture besides the figures: sensor noise on every pixel,
    a random overall brightness flicker from frame to frame (lamps, clouds, the camera's
    automatic exposure) and a few tiny specks per frame (rain, insects).
    """
    rng = np.random.default_rng(spec.seed)
    T, H, W = spec.n_frames, spec.height, spec.width
    background = _empty_street(H, W, rng)
    truth = np.zeros((T, H, W), dtype=bool)
    picture = np.broadcast_to(background, (T, H, W)).copy()
    for w in spec.walkers:
        for t in range(T):
            m = _walker_mask(w, t, H, W)
            if m.any():
                picture[t][m] = 0.5 + w.contrast  # a flat-coloured figure
                truth[t] |= m
    for b in spec.birds:  # drawn without the random generator, so the rest of the scene is unchanged
        for t in range(b.start, T):
            left = int(round(-b.width + (t - b.start) * b.speed))
            cols = slice(max(left, 0), max(min(left + b.width, W), 0))
            picture[t, b.row:b.row + b.height, cols] = b.brightness
    # Flicker multiplies the whole frame: brighter parts of the scene change the most.
    gain = 1.0 + rng.normal(0.0, spec.flicker_sd, T)
    frames = picture * gain[:, None, None] + rng.normal(0.0, spec.noise_sd, (T, H, W))
    for t in range(T):
        ys = rng.integers(0, H - 1, spec.specks_per_frame)
        xs = rng.integers(0, W, spec.specks_per_frame)
        frames[t, ys, xs] += 0.4  # a speck two pixels tall, like a falling drop
        frames[t, ys + 1, xs] += 0.4
    frames = np.clip(frames, 0.0, 1.0)
    in_view = truth.reshape(T, -1).any(axis=1)
    moving = in_view.copy()
    moving[1:] |= in_view[:-1]
    return Scene(frames=frames, truth=truth, moving=moving, gain=gain, background=background, spec=spec)


def _check_video(frames: np.ndarray) -> np.ndarray:
    frames = np.asarray(frames, dtype=float)
    if frames.ndim != 3:
        raise ValueError(f"video must have shape (frames, height, width), got shape {frames.shape}")
    if frames.shape[0] < 2:
        raise ValueError("motion needs at least 2 frames")
    return frames


def frame_difference(frames: np.ndarray) -> np.ndarray:
    """How much each pixel changed since the previous frame: |frame[t] - frame[t-1]|.

    The result has the same shape as ``frames``; frame 0 has no predecessor, so its
    difference is all zeros.
    """
    frames = _check_video(frames)
    change = np.zeros_like(frames)
    change[1:] = np.abs(np.diff(frames, axis=0))
    return change


def running_average(frames: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """A background model: each frame's background is a running average of earlier frames.

    ``background[t]`` is what the model expects frame ``t`` to look like before seeing it:
    ``background[0] = frames[0]`` and ``background[t+1] = (1 - alpha) * background[t] +
    alpha * frames[t]``. A small ``alpha`` learns slowly (ignores passers-by, but is slow
    to accept a real change of lighting); a large one forgets quickly.
    """
    frames = _check_video(frames)
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    background = np.empty_like(frames)
    background[0] = frames[0]
    for t in range(1, frames.shape[0]):
        background[t] = (1 - alpha) * background[t - 1] + alpha * frames[t - 1]
    return background


def background_difference(frames: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """How far each pixel is from the running-average background: |frame[t] - background[t]|."""
    frames = _check_video(frames)
    return np.abs(frames - running_average(frames, alpha))


def normalise_brightness(frames: np.ndarray) -> np.ndarray:
    """Divide out each frame's overall brightness (its median), then restore the video's typical level.

    This cancels a flicker that brightens or darkens the whole picture evenly. It cannot
    cancel light that changes unevenly (a cloud's shadow crossing half the scene), and a
    figure large enough to shift the median shifts the correction too.
    """
    frames = _check_video(frames)
    medians = np.median(frames.reshape(frames.shape[0], -1), axis=1)
    if np.any(medians <= 0):
        raise ValueError("a frame has median brightness 0 (all black?): its brightness cannot be normalised")
    return frames / medians[:, None, None] * np.median(medians)


def threshold(change: np.ndarray, level: float) -> np.ndarray:
    """Pixels whose change is strictly greater than ``level`` (a boolean mask)."""
    try:
        valid = bool(np.isfinite(level)) and level >= 0
    except TypeError:
        valid = False
    if not valid:
        raise ValueError(f"a threshold must be a non-negative number, got {level!r}")
    return np.asarray(change) > level


def changed_pixels(frames: np.ndarray, t: int, level: float) -> int:
    """How many pixels changed by more than ``level`` between frame ``t - 1`` and frame ``t``."""
    frames = _check_video(frames)
    if not 1 <= t < frames.shape[0]:
        raise ValueError(f"t must be between 1 and {frames.shape[0] - 1} (frame t is compared with t - 1), got {t}")
    return int(threshold(np.abs(frames[t] - frames[t - 1]), level).sum())


def clean(mask: np.ndarray, opening: int = 3, min_area: int = 0) -> np.ndarray:
    """Remove specks from a motion mask, frame by frame.

    ``opening``: side of the square used for a morphological opening (erode, then
    dilate): any marked region too thin to hold that square disappears, larger regions
    keep their shape. 1 means no opening. ``min_area``: afterwards, drop every connected
    blob with fewer pixels than this. Pixels touching at corners count as connected.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim not in (2, 3):
        raise ValueError(f"mask must be one frame (H, W) or a video (T, H, W), got shape {mask.shape}")
    if int(opening) != opening or opening < 1:
        raise ValueError(f"opening must be a whole number >= 1, got {opening!r}")
    if int(min_area) != min_area or min_area < 0:
        raise ValueError(f"min_area must be a whole number >= 0, got {min_area!r}")
    video = mask if mask.ndim == 3 else mask[None]
    out = video
    if opening > 1:
        square = np.zeros((1, opening, opening), dtype=bool)  # never connects two frames
        square[0] = True
        out = ndimage.binary_opening(video, structure=square)
    if min_area > 1:
        neighbours = np.zeros((3, 3, 3), dtype=bool)
        neighbours[1] = True  # 8-connected within a frame, not across frames
        labels, n = ndimage.label(out, structure=neighbours)
        sizes = np.bincount(labels.ravel(), minlength=n + 1)
        keep = sizes >= min_area
        keep[0] = False  # label 0 is the unmarked background
        out = keep[labels]
    return out if mask.ndim == 3 else out[0]


def frame_alarms(mask: np.ndarray) -> np.ndarray:
    """One decision per frame: True when any pixel of the (cleaned) mask is marked."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 3:
        raise ValueError(f"mask must have shape (frames, height, width), got shape {mask.shape}")
    return mask.reshape(mask.shape[0], -1).any(axis=1)


def alarm_events(alarms: np.ndarray) -> int:
    """How many separate events a row of per-frame alarms makes when each run of consecutive alarm frames is merged."""
    alarms = np.asarray(alarms, dtype=bool)
    if alarms.ndim != 1:
        raise ValueError(f"alarms must be one yes/no per frame (1-d), got shape {alarms.shape}")
    return int(alarms[0]) + int((alarms[1:] & ~alarms[:-1]).sum()) if alarms.size else 0


def false_alert_hours(cameras: float, decisions_per_day: float, false_alarm_rate: float,
                      seconds_per_check: float) -> float:
    """Operator hours a day spent checking false alerts: cameras x decisions x false-alarm rate x seconds each, / 3600.

    Assumes (as in a quiet scene) that almost every decision is about an empty scene.
    """
    for name, value in (("cameras", cameras), ("decisions_per_day", decisions_per_day),
                        ("seconds_per_check", seconds_per_check)):
        if not value >= 0:
            raise ValueError(f"{name} cannot be negative, got {value!r}")
    if not 0 <= false_alarm_rate <= 1:
        raise ValueError(f"a false-alarm rate is a share between 0 and 1, got {false_alarm_rate!r}")
    return cameras * decisions_per_day * false_alarm_rate * seconds_per_check / 3600


@dataclass(frozen=True)
class Detector:
    """The settings of a motion detector, applied by :func:`detect`.

    ``level``: the threshold on the change of brightness (0 to 1). ``opening`` and
    ``min_area``: the clean-up (see :func:`clean`). ``method``: ``"difference"`` (compare
    with the previous frame) or ``"background"`` (compare with a running average,
    learning rate ``alpha``). ``normalise``: divide out each frame's overall brightness
    first (see :func:`normalise_brightness`).
    """

    level: float = 0.1
    opening: int = 3
    min_area: int = 12
    method: str = "difference"
    alpha: float = 0.05
    normalise: bool = False

    def __post_init__(self) -> None:
        if self.method not in ("difference", "background"):
            raise ValueError(f"method must be 'difference' or 'background', got {self.method!r}")


def change_image(frames: np.ndarray, detector: Detector = Detector()) -> np.ndarray:
    """The detector's per-pixel change before thresholding."""
    if detector.normalise:
        frames = normalise_brightness(frames)
    if detector.method == "difference":
        return frame_difference(frames)
    return background_difference(frames, detector.alpha)


def detect(frames: np.ndarray, detector: Detector = Detector()) -> np.ndarray:
    """Run the whole pipeline; return the cleaned motion mask, shape (T, H, W)."""
    mask = threshold(change_image(frames, detector), detector.level)
    return clean(mask, detector.opening, detector.min_area)


@dataclass(frozen=True)
class Scores:
    """Counts and rates of a detector's yes/no decisions against the truth.

    ``precision`` is NaN when the detector flagged nothing (there is nothing to be
    precise about); ``f1`` is 2TP / (2TP + FP + FN), 0 when nothing was found.
    """

    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else float("nan")

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else float("nan")

    @property
    def false_alarm_rate(self) -> float:
        """Of the frames (or pixels) with nothing moving, the fraction flagged anyway."""
        empty = self.false_positives + self.true_negatives
        return self.false_positives / empty if empty else float("nan")

    @property
    def f1(self) -> float:
        denominator = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / denominator if denominator else float("nan")


def scores(predicted: np.ndarray, actual: np.ndarray) -> Scores:
    """Compare two boolean arrays of the same shape (frames or pixels)."""
    predicted = np.asarray(predicted, dtype=bool)
    actual = np.asarray(actual, dtype=bool)
    if predicted.shape != actual.shape:
        raise ValueError(f"predictions {predicted.shape} and truth {actual.shape} must have the same shape")
    return Scores(
        true_positives=int(np.sum(predicted & actual)),
        false_positives=int(np.sum(predicted & ~actual)),
        false_negatives=int(np.sum(~predicted & actual)),
        true_negatives=int(np.sum(~predicted & ~actual)),
    )


def frame_scores(alarms: np.ndarray, moving: np.ndarray, skip_first: bool = True) -> Scores:
    """Per-frame scores: each frame is one decision (alarm or not) against one label.

    Frame 0 has no previous frame to compare with, so it is left out unless
    ``skip_first`` is False.
    """
    alarms, moving = np.asarray(alarms, dtype=bool), np.asarray(moving, dtype=bool)
    if alarms.ndim != 1 or moving.ndim != 1:
        raise ValueError("frame_scores compares one decision per frame: pass 1-D arrays (alarms, scene.moving)")
    start = 1 if skip_first else 0
    return scores(alarms[start:], moving[start:])


def pixel_scores(mask: np.ndarray, truth: np.ndarray, skip_first: bool = True) -> Scores:
    """Per-pixel scores: every pixel of every frame is one decision."""
    mask, truth = np.asarray(mask, dtype=bool), np.asarray(truth, dtype=bool)
    if mask.ndim != 3:
        raise ValueError(f"pixel_scores needs (frames, height, width) masks, got shape {mask.shape}")
    start = 1 if skip_first else 0
    return scores(mask[start:], truth[start:])


def evaluate(scene: Scene, detector: Detector = Detector()) -> Scores:
    """Per-frame scores of ``detector`` on ``scene``."""
    return frame_scores(frame_alarms(detect(scene.frames, detector)), scene.moving)


def sweep(scene: Scene, levels: Sequence[float], detector: Detector = Detector()) -> list[Scores]:
    """Per-frame scores at each threshold in ``levels``, other settings as in ``detector``."""
    levels = list(levels)
    if not levels:
        raise ValueError("give at least one threshold to sweep")
    change = change_image(scene.frames, detector)  # computed once: only the threshold varies
    return [frame_scores(frame_alarms(clean(threshold(change, level), detector.opening, detector.min_area)),
                         scene.moving)
            for level in levels]


def best_level(levels: Sequence[float], results: Sequence[Scores]) -> float:
    """The threshold with the highest F1 score (the lowest such threshold if several tie)."""
    if len(levels) != len(results) or not levels:
        raise ValueError("levels and results must be non-empty and of the same length")
    f1 = np.array([r.f1 for r in results], dtype=float)
    if np.all(np.isnan(f1)):
        raise ValueError("no threshold has a defined F1 score")
    return float(levels[int(np.nanargmax(f1))])


def without_flicker(spec: SceneSpec) -> SceneSpec:
    """The same scene with steady lighting (everything else, noise included, unchanged)."""
    return replace(spec, flicker_sd=0.0)


# --- figures -------------------------------------------------------------------------

def _image(ax, image, title, cmap="gray", vmin=0.0, vmax=1.0):
    ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel(_("x (pixels)"))
    ax.set_ylabel(_("y (pixels)"))
    ax.grid(False)
    for spine in ax.spines.values():  # a frame, so white masks do not melt into the page
        spine.set_visible(True)


def plot_frames(scene: Scene, frames: Sequence[int]):
    """Show some frames of the video in grey, at most three to a row (two when there are four)."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    frames = list(frames)
    if not frames:
        raise ValueError("name at least one frame to show")
    for t in frames:
        if not 0 <= t < scene.n_frames:
            raise ValueError(f"frame {t} is outside the video (0 to {scene.n_frames - 1})")
    ncols = 2 if len(frames) == 4 else min(len(frames), 3)
    nrows = -(-len(frames) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.7 * nrows), squeeze=False)
    axes = list(grid.ravel())
    for i, ax in enumerate(axes):
        if i >= len(frames):
            ax.set_visible(False)  # an unused slot in the last row
            continue
        _image(ax, scene.frames[frames[i]], _("frame {t}").format(t=frames[i]))
        if i % ncols:
            ax.set_ylabel("")
    fig.tight_layout()
    return axes[:len(frames)]


def plot_pipeline(scene: Scene, t: int, detector: Detector = Detector()):
    """Six panels for frame ``t``, in two rows.

    Top: what frame ``t`` is compared with (the previous frame or the background model),
    frame ``t`` itself, and the change between them. Bottom: the pixels whose change passes
    the threshold, what is left after clean-up, and the ground truth (where a figure
    really is in frame ``t``). Marked pixels are drawn black on white.
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if not 1 <= t < scene.n_frames:
        raise ValueError(f"t must be between 1 and {scene.n_frames - 1}, got {t}")
    video = normalise_brightness(scene.frames) if detector.normalise else scene.frames
    change = change_image(scene.frames, detector)[t]
    raw = threshold(change, detector.level)
    cleaned = clean(raw, detector.opening, detector.min_area)
    fig, grid = plt.subplots(2, 3, figsize=(10, 5.4))
    axes = grid.ravel()
    if detector.method == "difference":
        _image(axes[0], video[t - 1], _("frame {t}").format(t=t - 1))
    else:
        _image(axes[0], running_average(video, detector.alpha)[t], _("background model"))
    _image(axes[1], video[t], _("frame {t}").format(t=t))
    _image(axes[2], change, _("change (brighter = more)"), vmax=max(0.3, float(change.max())))
    _image(axes[3], raw, _("change > {level:g}: {pixels} pixels").format(level=detector.level, pixels=int(raw.sum())),
           cmap="gray_r")
    _image(axes[4], cleaned, _("after clean-up: {pixels} pixels").format(pixels=int(cleaned.sum())), cmap="gray_r")
    _image(axes[5], scene.truth[t], _("truth: {pixels} figure pixels").format(pixels=int(scene.truth[t].sum())),
           cmap="gray_r")
    for ax in (axes[1], axes[2], axes[4], axes[5]):
        ax.set_ylabel("")
    fig.tight_layout()
    return axes


def plot_sweep(levels: Sequence[float], results: Sequence[Scores], ax=None, mark_best: bool = True):
    """Precision, recall and F1 against the threshold."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7, 4))
    levels = np.asarray(levels, dtype=float)
    ax.plot(levels, [r.precision for r in results], marker="o", ms=3, color=style.PALETTE[0], label=_("precision"))
    ax.plot(levels, [r.recall for r in results], marker="s", ms=3, color=style.PALETTE[1], label=_("recall"))
    ax.plot(levels, [r.f1 for r in results], ls="--", color=style.PALETTE[2], label="F1")
    if mark_best:
        best = best_level(list(levels), list(results))
        ax.axvline(best, color=style.PALETTE[7], lw=0.8, ls=":")
        ax.annotate(_("best F1 at {level:g}").format(level=best), (best, 0.05), xytext=(4, 0), textcoords="offset points")
    ax.set_xlabel(_("threshold (change in brightness, 0 to 1)"))
    ax.set_ylabel(_("score per frame (0 to 1)"))
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower left")
    return ax


def plot_timeline(scene: Scene, alarm_rows: dict[str, np.ndarray], ax=None):
    """Frames on the x axis: when someone was really moving, and when each detector alarmed."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    rows = {"someone moving (truth)": scene.moving, **alarm_rows}
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.3))
    frames = np.arange(scene.n_frames)
    for i, (label, flags) in enumerate(rows.items()):
        flags = np.asarray(flags, dtype=bool)
        if flags.shape != (scene.n_frames,):
            raise ValueError(f"{label!r}: expected one flag per frame ({scene.n_frames}), got shape {flags.shape}")
        colour = style.PALETTE[7] if i == 0 else style.PALETTE[(i - 1) % 4]
        ax.bar(frames[flags], 0.8, bottom=i - 0.4, width=1.0, color=colour, align="center")
        if i > 0:  # false alarms: an alarm where nobody moved
            false = flags & ~scene.moving
            false[0] = False
            ax.scatter(frames[false], np.full(false.sum(), i + 0.5), marker="v", s=18, color=style.PALETTE[3],
                       label=_("false alarm") if i == 1 else None)
    ax.set_yticks(range(len(rows)), [_(label) for label in rows])
    ax.invert_yaxis()
    ax.set_xlim(-0.5, scene.n_frames - 0.5)
    ax.set_xlabel(_("frame number"))
    ax.grid(False)
    if len(rows) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
