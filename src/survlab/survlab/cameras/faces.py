"""Finding faces and matching them: a cascade detector on a shipped sample image, and
synthetic face templates that show why false matches grow with the size of a gallery.

Two halves, used by Lesson 3 and Lab 3:

1. **Detection** (where are the faces?). :func:`detect_faces` runs scikit-image's
   cascade detector, with the frontal-face cascade that ships with scikit-image, on a
   greyscale image. :func:`astronaut_gray` gives the shipped astronaut photograph, and
   :func:`image_variants` makes altered copies of it (tilted, covered, shrunk) so the
   detector's limits can be seen. Nothing is downloaded.

2. **Recognition** (whose face is it?). Real systems turn a face into a *template*, a
   vector of numbers, and compare templates with a *similarity score*. Here templates
   are random unit vectors made from a seed, and a second photograph of the same person
   is a noisy copy of that person's template; no real face is involved::

       scores = comparison_scores()                      # genuine and impostor scores
       p = false_match_rate(scores.impostor, THRESHOLD)  # one-to-one false match rate
       prob_at_least_one_false_match(p, 1_000)           # one search of 1,000 people
       trial = simulate_searches(THRESHOLD)              # the same, measured

Every function is pure and seeded: the same arguments give the same result.
"""
from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..i18n import Phrase, _, shown

# --- Detection ----------------------------------------------------------------------------

# The detector settings scikit-image's own face-detection example uses for the astronaut:
# search windows from 60 to 123 pixels, each size 1.2 times the last, moved one step at a time.
DETECTOR_SETTINGS = {"scale_factor": 1.2, "step_ratio": 1.0, "min_size": (60, 60), "max_size": (123, 123)}


@dataclass(frozen=True)
class FaceBox:
    """A rectangle the detector reports, in pixels: top-left corner (row, col) and size."""

    row: int
    col: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        """The box's centre as (row, col)."""
        return (self.row + self.height / 2, self.col + self.width / 2)

    def contains(self, point: tuple[float, float]) -> bool:
        """Whether a (row, col) point lies inside the box."""
        r, c = point
        return self.row <= r <= self.row + self.height and self.col <= c <= self.col + self.width


# Where the astronaut's face is in the shipped 512 x 512 image, checked by eye; used to tell
# a box on the face from a false detection elsewhere.
ASTRONAUT_FACE = FaceBox(row=74, col=178, width=87, height=87)


def _check_gray(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"expected a greyscale image (2-D array), got shape {image.shape}; "
                         "convert colour with skimage.color.rgb2gray first")
    if image.shape[0] < 24 or image.shape[1] < 24:
        raise ValueError(f"the image is too small to hold a face ({image.shape[0]} x {image.shape[1]} pixels)")
    if not np.all(np.isfinite(image)):
        raise ValueError("the image contains NaN or infinite values")
    return image


def astronaut_gray() -> np.ndarray:
    """scikit-image's shipped astronaut photograph (512 x 512) in greyscale, values 0 to 1."""
    from skimage import color, data

    return color.rgb2gray(data.astronaut())


_DETECTIONS: OrderedDict = OrderedDict()  # (image hash, settings) -> boxes, oldest first


@lru_cache(maxsize=1)
def _cascade():
    # Loading the cascade parses an XML file; once per session is enough.
    from skimage import data, feature

    return feature.Cascade(data.lbp_frontal_face_cascade_filename())


# The smallest window is searched half a pixel wider than asked. scikit-image computes each
# window's scale in float32 and truncates window and feature sizes to whole pixels; asked for
# exactly 60 pixels, the first scale is 60/24 give or take a rounding error, so one processor
# gets 60-pixel windows and another 59, and the boxes found differ between machines. Half a
# pixel keeps every truncation at least 0.009 pixel from flipping (search_scale_margin).
SIZE_NUDGE = 0.5


def _search_scales(min_size, max_size, scale_factor: float, window: tuple[int, int]) -> np.ndarray:
    # The scale factors Cascade.detect_multi_scale tries, computed as scikit-image 0.26 does.
    lo = max(math.log(np.float32(min_size[0]) / window[0], scale_factor),
             math.log(np.float32(min_size[1]) / window[1], scale_factor), 0)
    hi = min(math.log(np.float32(max_size[0]) / window[0], scale_factor),
             math.log(np.float32(max_size[1]) / window[1], scale_factor))
    return np.power(np.float32(scale_factor), np.arange(lo, hi), dtype=np.float32).astype(float)


def search_scale_margin(min_size=(60, 60), max_size=(123, 123), scale_factor: float = 1.2,
                        nudge: float = SIZE_NUDGE) -> float:
    """How far, in pixels, the search's sizes stay from a rounding boundary (0 means a knife edge).

    At every scale the detector truncates the window size and each feature's position and size
    to whole pixels, and rounds the step; a value within a rounding error of a boundary can
    land on either side on different processors.
    """
    import xml.etree.ElementTree as ET

    from skimage import data

    tree = ET.parse(data.lbp_frontal_face_cascade_filename())
    window = (int(tree.find(".//height").text), int(tree.find(".//width").text))
    numbers = sorted({v for f in tree.find(".//features") for v in map(int, f[0].text.split())} | set(window))
    low = (min_size[0] + nudge, min_size[1] + nudge)
    worst = math.inf
    for scale in _search_scales(low, max_size, scale_factor, window):
        for v in (n * scale for n in numbers if n):
            worst = min(worst, v - math.floor(v), math.ceil(v) - v)
        worst = min(worst, abs(scale % 1 - 0.5))  # the step is round(scale)
    return worst


def detect_faces(gray: np.ndarray, *, scale_factor: float = 1.2, step_ratio: float = 1.0,
                 min_size: tuple[int, int] = (60, 60), max_size: tuple[int, int] = (123, 123)) -> list[FaceBox]:
    """Find frontal faces in a greyscale image with scikit-image's shipped LBP cascade.

    The detector slides square windows from ``min_size`` to ``max_size`` pixels over the
    image (each size ``scale_factor`` times the last) and asks a cascade of quick tests
    whether each window looks like a face; overlapping hits are merged into one box. The
    smallest size is asked for half a pixel wider (``SIZE_NUDGE``), so that every machine
    searches the same window sizes.
    """
    gray = _check_gray(gray)
    if scale_factor <= 1:
        raise ValueError(f"scale_factor must be above 1 (each window size larger than the last), got {scale_factor}")
    if step_ratio <= 0:
        raise ValueError(f"step_ratio must be positive, got {step_ratio}")
    if min(min_size) < 1 or min_size[0] > max_size[0] or min_size[1] > max_size[1]:
        raise ValueError(f"need 1 <= min_size <= max_size, got min_size={min_size}, max_size={max_size}")
    # A wide search takes about half a second; a lab asks the same question of the same image
    # several times (answer, check, drawing), so results are remembered by image content.
    key = (hashlib.sha1(np.ascontiguousarray(gray).tobytes()).hexdigest(), gray.shape,
           float(scale_factor), float(step_ratio), tuple(min_size), tuple(max_size))
    if key not in _DETECTIONS:
        low = (min_size[0] + SIZE_NUDGE, min_size[1] + SIZE_NUDGE)
        found = _cascade().detect_multi_scale(img=gray, scale_factor=scale_factor, step_ratio=step_ratio,
                                              min_size=low, max_size=tuple(max_size))
        boxes = [FaceBox(int(d["r"]), int(d["c"]), int(d["width"]), int(d["height"])) for d in found]
        _DETECTIONS[key] = tuple(sorted(boxes, key=lambda b: (b.row, b.col)))
        while len(_DETECTIONS) > 64:
            _DETECTIONS.popitem(last=False)
    return list(_DETECTIONS[key])


@dataclass(frozen=True)
class Variant:
    """An altered copy of an image and where the face now is (``face``), so hits can be judged."""

    name: str
    image: np.ndarray
    face: FaceBox


def _rotate_point(point: tuple[float, float], angle_deg: float, shape: tuple[int, int]) -> tuple[float, float]:
    # skimage.transform.rotate turns the picture counter-clockwise about its centre.
    cr, cc = (shape[0] - 1) / 2, (shape[1] - 1) / 2
    a = math.radians(angle_deg)
    dr, dc = point[0] - cr, point[1] - cc
    return (cr + dr * math.cos(a) - dc * math.sin(a), cc + dr * math.sin(a) + dc * math.cos(a))


LOW_LIGHT = {"brightness": 0.3, "blur": 3.0, "noise": 0.12}  # a sensor in the dark: dim, blurred, grainy


def _rotated(gray: np.ndarray, face: FaceBox, angle: float, name: str) -> Variant:
    from skimage import transform

    r, c = _rotate_point(face.centre, angle, gray.shape)
    return Variant(name, transform.rotate(gray, angle),
                   FaceBox(round(r - face.height / 2), round(c - face.width / 2), face.width, face.height))


def _rescaled(gray: np.ndarray, face: FaceBox, factor: float, label: str) -> Variant:
    from skimage import transform

    small = transform.rescale(gray, factor)
    return Variant(Phrase("{label} size ({width} px)", label=label, width=small.shape[1]), small,
                   FaceBox(int(face.row * factor), int(face.col * factor),
                           int(face.width * factor), int(face.height * factor)))


def image_variants(gray: np.ndarray | None = None, face: FaceBox = ASTRONAUT_FACE) -> list[Variant]:
    """The image as shipped and nine altered copies: what changes when light, pose, size or cover change.

    The copies: upside down; tilted 5 and 30 degrees; shrunk to three quarters, a half and a
    third of its size; in low light (``LOW_LIGHT``: darkened, blurred and grainy, as a sensor in
    the dark records it); the lower half of the face covered (as by a mask); a band over the
    eyes. Each was chosen so that its result holds when the photograph moves by a pixel or two
    or is rescaled by 2 % (tests/test_cameras_faces.py): none sits on a knife edge.
    """
    from scipy import ndimage

    gray = _check_gray(astronaut_gray() if gray is None else gray)
    h, w = gray.shape
    variants = [Variant("as shipped", gray, face),
                Variant("upside down", np.flipud(gray),
                        FaceBox(h - face.row - face.height, face.col, face.width, face.height)),
                _rotated(gray, face, 5, "tilted 5°"),
                _rotated(gray, face, 30, "tilted 30°")]
    for factor, label in ((3 / 4, "three-quarter"), (1 / 2, "half"), (1 / 3, "a third")):
        variants.append(_rescaled(gray, face, factor, label))
    # Real low light is not a dimmer copy: the sensor adds noise and the picture blurs.
    # (Multiplying every pixel by 0.3 would change no comparison between patches at all.)
    dim = (ndimage.gaussian_filter(gray * LOW_LIGHT["brightness"], LOW_LIGHT["blur"])
           + np.random.default_rng(SEED).normal(0, LOW_LIGHT["noise"], gray.shape))
    variants.append(Variant("low light (dark, noisy, blurred)", np.clip(dim, 0, 1), face))
    masked = gray.copy()
    masked[face.row + face.height // 2: face.row + face.height, face.col: face.col + face.width] = 0.5
    variants.append(Variant("lower face covered", masked, face))
    band = gray.copy()
    band[face.row + face.height // 4: face.row + face.height // 2, face.col: face.col + face.width] = 0.1
    variants.append(Variant("eyes covered", band, face))
    return variants


def shifted_copies(gray: np.ndarray | None = None, face: FaceBox = ASTRONAUT_FACE,
                   max_shift: int = 1) -> list[Variant]:
    """The photograph cut 0 to ``max_shift`` pixels shorter at the top and the left: the same scene,
    framed up to ``max_shift`` pixels differently, as two frames of a still camera would be:
    (max_shift + 1)² copies, four by default (Lab 3 runs its slow wide search on each)."""
    gray = _check_gray(astronaut_gray() if gray is None else gray)
    return [Variant(Phrase("shifted {dr} down, {dc} right", dr=dr, dc=dc), gray[dr:, dc:],
                    FaceBox(face.row - dr, face.col - dc, face.width, face.height))
            for dr in range(max_shift + 1) for dc in range(max_shift + 1)]


def tally_detections(results: Sequence["DetectionResult"]) -> dict[str, int]:
    """Over several images: how many there were, in how many the face was found, and the false boxes in all."""
    return {"images": len(results), "face found": sum(r.face_found for r in results),
            "false detections": sum(r.false_boxes for r in results)}


@dataclass(frozen=True)
class DetectionResult:
    """What the detector reported on one variant: every box, and which of them sit on the face."""

    name: str
    boxes: tuple[FaceBox, ...]
    on_face: tuple[bool, ...]

    @property
    def face_found(self) -> bool:
        return any(self.on_face)

    @property
    def false_boxes(self) -> int:
        return self.on_face.count(False)


def judge_boxes(boxes: Sequence[FaceBox], face: FaceBox) -> tuple[bool, ...]:
    """For each box, whether its centre lies on the real face (a hit) or not (a false detection)."""
    return tuple(face.contains(b.centre) for b in boxes)


def detect_in_variants(variants: Sequence[Variant] | None = None, **settings) -> list[DetectionResult]:
    """Run :func:`detect_faces` on every variant and judge each box against the known face."""
    variants = image_variants() if variants is None else variants
    results = []
    for v in variants:
        boxes = detect_faces(v.image, **settings)
        results.append(DetectionResult(v.name, tuple(boxes), judge_boxes(boxes, v.face)))
    return results


class Table(list):
    """Rows of a small table (a list of dicts with the same keys) that show as a table in a notebook.

    The rows keep their English keys and text; the column headers and text cells are shown
    in the language in use."""

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        keys = list(self[0]) if self else []
        body = [[_format_cell(shown(row[k])) for k in keys] for row in self]
        return [shown(k) for k in keys], body

    def __repr__(self) -> str:
        header, body = self._cells()
        widths = [max(_columns(x) for x in col) for col in zip(header, *body)] if header else []
        lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths))]
        numeric = [all(isinstance(r[k], (int, float)) for r in self) for k in self[0]] if self else []
        # numbers align right
        lines += ["  ".join(_pad(c, w, right=num) for c, w, num in zip(row, widths, numeric)) for row in body]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        header, body = self._cells()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _columns(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width font: Korean (and other wide) letters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _columns(text))
    return space + text if right else text + space


def _format_cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def detection_table(results: Sequence[DetectionResult]) -> Table:
    """The results as rows for display: boxes found, face found, false boxes."""
    return Table({"image": r.name, "boxes": len(r.boxes), "face found": "yes" if r.face_found else "no",
             "false detections": r.false_boxes} for r in results)


def plot_detections(image: np.ndarray, boxes: Sequence[FaceBox], face: FaceBox | None = None,
                    ax=None, title: str = ""):
    """The image with each detected box drawn: blue on the face, orange dashed elsewhere.

    Without ``face`` every box is drawn in blue.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .. import style

    style.use()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    hits = judge_boxes(boxes, face) if face is not None else (True,) * len(boxes)
    for box, hit in zip(boxes, hits):
        ax.add_patch(Rectangle((box.col, box.row), box.width, box.height, fill=False, linewidth=2.5,
                               edgecolor=style.PALETTE[0] if hit else style.PALETTE[1],
                               linestyle="-" if hit else "--"))
    ax.set_xlabel(_("column (pixels)"))
    ax.set_ylabel(_("row (pixels)"))
    ax.grid(False)
    if title:
        ax.set_title(shown(title))
    return ax


def plot_variants(results: Sequence[DetectionResult], variants: Sequence[Variant]):
    """A grid of the variants with the detector's boxes, titled with what it found."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if len(results) != len(variants):
        raise ValueError(f"got {len(results)} results for {len(variants)} variants")
    cols = 5
    rows = math.ceil(len(variants) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.5 * rows))
    for ax in np.ravel(axes):
        ax.axis("off")
    for ax, res, var in zip(np.ravel(axes), results, variants):
        plot_detections(var.image, res.boxes, var.face, ax=ax)
        ax.axis("off")
        if res.false_boxes:
            verdict = (_("face found, {false} false") if res.face_found else _("face missed, {false} false")).format(
                false=res.false_boxes)
        else:
            verdict = _("face found") if res.face_found else _("face missed")
        ax.set_title(f"{shown(res.name)}\n{verdict}", fontsize=8)
    fig.tight_layout()
    return fig


# --- Recognition: templates, scores, thresholds ------------------------------------------

TEMPLATE_DIM = 128  # numbers per template; real systems use a few hundred
THRESHOLD = 0.27  # the lab's decision threshold on cosine similarity (a deliberately weak system)
SEED = 6  # one seed for the lab's synthetic people


def random_templates(n: int, dim: int = TEMPLATE_DIM, seed: int = SEED) -> np.ndarray:
    """``n`` synthetic face templates: random directions in ``dim`` dimensions, each of length 1.

    Random directions stand in for different people: in many dimensions two of them are
    almost never alike, which is what a good face template is designed to achieve.
    """
    if n < 1 or dim < 2:
        raise ValueError(f"need at least 1 template of at least 2 numbers, got n={n}, dim={dim}")
    vectors = np.random.default_rng(seed).standard_normal((n, dim))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def noisy_copies(templates: np.ndarray, noise: float | np.ndarray, seed: int = SEED + 1) -> np.ndarray:
    """Second photographs of the same people: each template plus random noise, rescaled to length 1.

    ``noise`` (one number, or one per template) sets how different the new photograph is:
    0 is an identical photo, 1 a change as large as the template itself (pose, light, age).
    """
    templates = np.atleast_2d(np.asarray(templates, dtype=float))
    noise = np.asarray(noise, dtype=float)
    if np.any(noise < 0):
        raise ValueError("noise cannot be negative")
    if noise.ndim > 0 and noise.shape != (len(templates),):
        raise ValueError(f"give one noise level, or one per template ({len(templates)}), got shape {noise.shape}")
    dim = templates.shape[1]
    # Gaussian noise scaled by 1/sqrt(dim) has length about 1, so `noise` reads as a ratio of lengths.
    jitter = np.random.default_rng(seed).standard_normal(templates.shape) / math.sqrt(dim)
    copies = templates + noise.reshape(-1, 1) * jitter if noise.ndim else templates + noise * jitter
    return copies / np.linalg.norm(copies, axis=1, keepdims=True)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two templates are: the cosine of the angle between them, from -1 to 1 (1 = same direction)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"need two 1-D templates of the same length, got shapes {a.shape} and {b.shape}")
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        raise ValueError("a template of all zeros has no direction")
    return float(a @ b / norms)


def similarity_matrix(probes: np.ndarray, gallery: np.ndarray) -> np.ndarray:
    """Cosine similarity of every probe (rows) with every gallery template (columns)."""
    probes = np.atleast_2d(np.asarray(probes, dtype=float))
    gallery = np.atleast_2d(np.asarray(gallery, dtype=float))
    if probes.shape[1] != gallery.shape[1]:
        raise ValueError(f"probes have {probes.shape[1]} numbers each, gallery templates {gallery.shape[1]}")
    p = probes / np.linalg.norm(probes, axis=1, keepdims=True)
    g = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    return p @ g.T


def capture_noise(n: int, median: float = 1.5, spread: float = 0.4, seed: int = SEED + 2) -> np.ndarray:
    """One noise level per photograph: most photos are fair, a few are poor (a log-normal spread).

    ``median`` is the typical noise level; ``spread`` is the standard deviation of its logarithm.
    """
    if n < 1 or median <= 0 or spread < 0:
        raise ValueError(f"need n >= 1, median > 0, spread >= 0; got {n}, {median}, {spread}")
    return median * np.exp(spread * np.random.default_rng(seed).standard_normal(n))


@dataclass(frozen=True)
class ScoreSets:
    """Similarity scores of ``genuine`` pairs (same person) and ``impostor`` pairs (different people)."""

    genuine: np.ndarray
    impostor: np.ndarray


@lru_cache(maxsize=4)
def comparison_scores(n_people: int = 2_000, photos_per_person: int = 10, dim: int = TEMPLATE_DIM,
                      seed: int = SEED) -> ScoreSets:
    """Enrol ``n_people`` synthetic people, take new photos of them, and score every comparison.

    Genuine scores: each of a person's ``photos_per_person`` new photos against their own
    template (``n_people * photos_per_person`` in all). Impostor scores: each person's
    first new photo against everyone else's template (``n_people * (n_people - 1)``).
    Cached, so repeated calls are free; the arrays are read-only.
    """
    if n_people < 2:
        raise ValueError(f"need at least 2 people to make an impostor pair, got {n_people}")
    if photos_per_person < 1:
        raise ValueError(f"need at least one new photo per person, got {photos_per_person}")
    gallery = random_templates(n_people, dim, seed)
    owners = np.repeat(np.arange(n_people), photos_per_person)  # photo k belongs to person owners[k]
    photos = noisy_copies(gallery[owners], capture_noise(owners.size, seed=seed + 2), seed=seed + 1)
    genuine = np.einsum("ij,ij->i", photos, gallery[owners])  # row-wise cosine (all have length 1)
    first_photos = photos[::photos_per_person]
    scores = similarity_matrix(first_photos, gallery)
    impostor = scores[~np.eye(n_people, dtype=bool)]
    genuine.flags.writeable = False
    impostor.flags.writeable = False
    return ScoreSets(genuine=genuine, impostor=impostor)


def _check_scores(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        raise ValueError("no scores given")
    return scores


def false_match_rate(impostor_scores: np.ndarray, threshold: float) -> float:
    """Share of impostor comparisons (different people) scoring at or above the threshold: wrongly matched."""
    return float(np.mean(_check_scores(impostor_scores) >= threshold))


def false_non_match_rate(genuine_scores: np.ndarray, threshold: float) -> float:
    """Share of genuine comparisons (same person) scoring below the threshold: wrongly rejected."""
    return float(np.mean(_check_scores(genuine_scores) < threshold))


def threshold_for_false_match_rate(impostor_scores: np.ndarray, target: float) -> float:
    """The lowest threshold at which no more than ``target`` of impostor comparisons match."""
    scores = np.sort(_check_scores(impostor_scores))
    if not 0 <= target < 1:
        raise ValueError(f"target false match rate must be in [0, 1), got {target}")
    allowed = math.floor(target * scores.size)  # impostor scores that may lie at or above the threshold
    # Any threshold at or below the next-highest score would let one more impostor pair through.
    return float(np.nextafter(scores[scores.size - allowed - 1], np.inf))


def error_rates(scores: ScoreSets, thresholds: Sequence[float]) -> Table:
    """The trade-off table: false match rate and false non-match rate at each threshold."""
    return Table({"threshold": t, "false match rate": false_match_rate(scores.impostor, t),
                  "false non-match rate": false_non_match_rate(scores.genuine, t)} for t in thresholds)


@lru_cache(maxsize=4)
def subgroup_impostor_scores(n_people: int = 500, shared: float = 0.1, dim: int = TEMPLATE_DIM,
                             seed: int = SEED + 10) -> np.ndarray:
    """Impostor scores within a synthetic subgroup whose templates share a common component.

    Each member's template is ``sqrt(shared)`` of one direction common to the group plus
    the rest random, so two different members score about ``shared`` higher, on average,
    than two unrelated people: their impostor scores sit closer to the threshold. (A
    stand-in for what NIST measured as demographic differentials; nothing here models a
    real group.) Each member's new photo is scored against every other member's template.
    """
    if n_people < 2 or not 0 <= shared < 1:
        raise ValueError(f"need at least 2 people and 0 <= shared < 1, got {n_people}, {shared}")
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(dim)
    common /= np.linalg.norm(common)
    own = random_templates(n_people, dim, seed + 1)
    gallery = math.sqrt(shared) * common + math.sqrt(1 - shared) * own
    gallery /= np.linalg.norm(gallery, axis=1, keepdims=True)
    photos = noisy_copies(gallery, capture_noise(n_people, seed=seed + 2), seed=seed + 3)
    scores = similarity_matrix(photos, gallery)[~np.eye(n_people, dtype=bool)]
    scores.flags.writeable = False
    return scores


def det_points(scores: ScoreSets, thresholds: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """False match rate and false non-match rate at each threshold: the points of a DET curve."""
    thresholds = np.linspace(0.0, 0.6, 61) if thresholds is None else np.asarray(thresholds, dtype=float)
    imp = np.sort(_check_scores(scores.impostor))
    gen = np.sort(_check_scores(scores.genuine))
    fmr = 1 - np.searchsorted(imp, thresholds, side="left") / imp.size
    fnmr = np.searchsorted(gen, thresholds, side="left") / gen.size
    return fmr, fnmr


def plot_det(scores: ScoreSets | None = None, threshold: float = THRESHOLD, ax=None,
             subgroup_impostor: np.ndarray | None = None):
    """A detection error trade-off (DET) curve: false non-match rate against false match rate, both on log axes.

    Every threshold is one point; the lab's threshold is marked. With ``subgroup_impostor``,
    a second marker shows the false match rate a subgroup gets at the same threshold.
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    scores = comparison_scores() if scores is None else scores
    if ax is None:
        _fig, ax = plt.subplots(figsize=(6.5, 4.4))
    fmr, fnmr = det_points(scores, np.linspace(0.0, 0.6, 241))
    keep = (fmr > 0) & (fnmr > 0)
    ax.plot(fmr[keep], fnmr[keep], color=style.PALETTE[0], linewidth=2, label=_("the lab's system, all thresholds"))
    p = false_match_rate(scores.impostor, threshold)
    q = false_non_match_rate(scores.genuine, threshold)
    ax.plot([p], [q], "o", color=style.PALETTE[1], markersize=8, label=_("threshold {threshold:g}: FMR {fmr:.2%}, FNMR {fnmr:.1%}").format(threshold=threshold, fmr=p, fnmr=q))
    if subgroup_impostor is not None:
        ps = false_match_rate(subgroup_impostor, threshold)
        ax.plot([ps], [q], "s", color=style.PALETTE[3], markersize=8,
                label=_("same threshold, subgroup: FMR {fmr:.2%}").format(fmr=ps))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(_("false match rate (impostor pairs accepted, log scale)"))
    ax.set_ylabel(_("false non-match rate (log scale)"))
    ax.set_title(_("DET curve: each threshold is one point"))
    ax.legend(fontsize=9, loc="lower left")
    ax.figure.tight_layout()
    return ax


# --- One-to-many search: why galleries multiply errors -------------------------------------

def _check_p(p: float) -> float:
    if not 0 <= p <= 1:
        raise ValueError(f"a probability must be between 0 and 1, got p={p}")
    return float(p)


def _check_gallery(n):
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or not np.all(np.isfinite(n)):
        raise ValueError(f"gallery size must be a finite number of 0 or more, got {n}")
    return n


def expected_false_matches(p: float, gallery_size: float):
    """Average number of false matches in one search of a gallery: N comparisons, each with chance p."""
    p = _check_p(p)
    n = _check_gallery(gallery_size)
    return float(p * n) if n.ndim == 0 else p * n


def prob_at_least_one_false_match(p: float, gallery_size: float):
    """P_N = 1 - (1 - p)^N: the chance that a search of N people returns at least one false match.

    Each of the N comparisons must avoid a false match for the search to be clean,
    chance (1 - p)^N if they are independent. Computed with log1p/expm1 so that tiny p
    and huge N stay accurate.
    """
    p = _check_p(p)
    n = _check_gallery(gallery_size)
    if p == 1:
        result = np.where(n > 0, 1.0, 0.0)
    else:
        result = -np.expm1(n * math.log1p(-p))
    return float(result) if np.ndim(result) == 0 else result


def gallery_size_for_probability(p: float, probability: float = 0.5) -> int:
    """The smallest gallery at which a search has at least ``probability`` chance of a false match.

    Solves 1 - (1 - p)^N >= probability for the smallest whole N; for small p it is close
    to ln(1 / (1 - probability)) / p, about 0.69 / p for even odds.
    """
    p = _check_p(p)
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1 for a finite answer, got {p}")
    if not 0 < probability < 1:
        raise ValueError(f"probability must be strictly between 0 and 1, got {probability}")
    n = max(1, math.ceil(math.log1p(-probability) / math.log1p(-p)))
    # Guard against rounding at the boundary: step to the exact smallest N.
    while n > 1 and prob_at_least_one_false_match(p, n - 1) >= probability:
        n -= 1
    while prob_at_least_one_false_match(p, n) < probability:
        n += 1
    return n


DAUGMAN_EXAMPLE_P = 0.001  # the one-to-one false match rate in Daugman's worked example
DAUGMAN_EXAMPLE_GALLERIES = (200, 2_000, 10_000)


@dataclass(frozen=True)
class SearchTrial:
    """Measured one-to-many searches by people who are not enrolled, so every match is false.

    For each gallery size: the share of searches with at least one false match, and the
    average number of false matches per search.
    """

    gallery_sizes: np.ndarray
    share_with_false_match: np.ndarray
    mean_false_matches: np.ndarray
    n_searches: int


def simulate_searches(threshold: float = THRESHOLD, gallery_sizes: Sequence[int] | None = None,
                      n_searches: int = 1_000, dim: int = TEMPLATE_DIM, seed: int = SEED + 4) -> SearchTrial:
    """Search a growing gallery with ``n_searches`` strangers' faces and count the false matches.

    The strangers are not enrolled, so every match is false. The gallery of the largest
    size is made once; a gallery of size N is its first N templates, so the sizes are
    nested like a database that keeps growing. Default sizes: 13 steps from 10 to 10,000.
    Cached, so repeated calls with the same arguments are free.
    """
    if gallery_sizes is None:
        gallery_sizes = tuple(int(round(x)) for x in np.logspace(1, 4, 13))
    sizes = np.asarray(gallery_sizes)
    if (sizes.ndim != 1 or sizes.size == 0 or not np.all(sizes == np.round(sizes)) or np.any(sizes < 1)
            or np.any(np.diff(sizes) <= 0)):
        raise ValueError(f"gallery_sizes must be increasing whole numbers of at least 1, got {gallery_sizes}")
    if n_searches < 1:
        raise ValueError(f"need at least one search, got n_searches={n_searches}")
    return _simulate_searches(float(threshold), tuple(int(n) for n in sizes), int(n_searches), int(dim), int(seed))


@lru_cache(maxsize=4)
def _simulate_searches(threshold: float, gallery_sizes: tuple[int, ...], n_searches: int, dim: int,
                       seed: int) -> SearchTrial:
    sizes = np.asarray(gallery_sizes, dtype=int)
    gallery = random_templates(int(sizes[-1]), dim, seed)
    strangers = random_templates(n_searches, dim, seed + 1)
    # Grow the gallery slice by slice, so only one slice of scores is ever held in memory.
    any_hit = np.zeros(n_searches, dtype=bool)
    counts = np.zeros(n_searches, dtype=np.int64)
    share, mean, start = [], [], 0
    for n in sizes:
        hits = similarity_matrix(strangers, gallery[start:n]) >= threshold
        any_hit |= hits.any(axis=1)
        counts += hits.sum(axis=1)
        share.append(any_hit.mean())
        mean.append(counts.mean())
        start = n
    return SearchTrial(gallery_sizes=sizes, share_with_false_match=np.array(share), mean_false_matches=np.array(mean),
                       n_searches=n_searches)


# --- Figures ------------------------------------------------------------------------------

def plot_score_distributions(scores: ScoreSets | None = None, threshold: float = THRESHOLD, ax=None,
                             show_rates: bool = True):
    """Histograms of genuine and impostor scores with the threshold, on a log count axis so the tails show.

    ``show_rates`` labels the two error tails with their rates; a lab that asks for the
    false match rate turns it off.
    """
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    scores = comparison_scores() if scores is None else scores
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    bins = np.linspace(-0.5, 1.0, 76)
    # Each histogram as a share of its own comparisons, so 20,000 genuine and 4 million impostor pairs compare.
    for data, colour, label in ((scores.impostor, style.PALETTE[0], _("impostor pairs (different people)")),
                                (scores.genuine, style.PALETTE[1], _("genuine pairs (same person)"))):
        counts, edges = np.histogram(data, bins=bins)
        share = counts / data.size
        ax.stairs(np.where(share > 0, share, np.nan), edges, fill=True, alpha=0.45, color=colour, label=label)
        ax.stairs(np.where(share > 0, share, np.nan), edges, color=colour, linewidth=1.2)
    ax.axvline(threshold, color=style.PALETTE[7], linestyle="--", linewidth=1.5)
    ax.annotate(_("threshold\n{threshold:g}").format(threshold=threshold), (threshold, 0.97), xycoords=("data", "axes fraction"),
                xytext=(-6, 0), textcoords="offset points", ha="right", va="top", fontsize=10)
    if show_rates:
        fm_text = _("false matches:\n{share:.2%} of impostor pairs").format(
            share=false_match_rate(scores.impostor, threshold))
        fnm_text = _("false non-matches:\n{share:.1%} of genuine pairs").format(
            share=false_non_match_rate(scores.genuine, threshold))
    else:
        fm_text, fnm_text = _("false matches"), _("false non-matches")
    ax.annotate(fm_text, (threshold + 0.03, 2e-5),
                xytext=(0.40, 2e-6), fontsize=9, color=style.PALETTE[0],
                arrowprops={"arrowstyle": "->", "color": style.PALETTE[0]})
    ax.annotate(fnm_text, (threshold - 0.02, 2e-3),
                xytext=(-0.48, 0.12), fontsize=9, color=style.PALETTE[3],
                arrowprops={"arrowstyle": "->", "color": style.PALETTE[3]})
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 1)
    ax.set_xlim(-0.5, 1.0)
    ax.set_xlabel(_("similarity score (cosine similarity, no unit)"))
    ax.set_ylabel(_("share of comparisons per bin (log scale)"))
    ax.legend(loc="upper right", fontsize=9)
    ax.figure.tight_layout()
    return ax


def plot_false_match_growth(p_values: Sequence[float] = (1e-3, 1e-4, 1e-5, 1e-6), max_gallery: float = 1e8,
                            mark_daugman: bool = True, ax=None):
    """P_N = 1 - (1 - p)^N against gallery size N on a log axis, one curve per one-to-one rate p."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if max_gallery < 10:
        raise ValueError(f"max_gallery must be at least 10, got {max_gallery}")
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 4.2))
    n = np.logspace(0, math.log10(max_gallery), 400)
    for i, p in enumerate(p_values):
        ax.plot(n, 100 * prob_at_least_one_false_match(p, n), color=style.PALETTE[i % len(style.PALETTE)],
                linewidth=2, label=f"p = {p:.0e}".replace("e-0", "e-"))
    ax.axhline(50, color=style.PALETTE[7], linewidth=1, linestyle=":")
    ax.annotate(_("even odds"), (3e6, 52), fontsize=9)
    if mark_daugman:
        sizes = np.asarray(DAUGMAN_EXAMPLE_GALLERIES, dtype=float)
        probs = 100 * prob_at_least_one_false_match(DAUGMAN_EXAMPLE_P, sizes)
        ax.plot(sizes, probs, "o", color=style.PALETTE[7], markersize=6, label=_("Daugman's worked figures"))
        for x, y in zip(sizes, probs):
            above = y > 99  # near the top the curves crowd together: label above the point instead
            ax.annotate(f"N = {x:,.0f}: {y:.{3 if above else 1}f}%", (x, y), xytext=(0, 7) if above else (8, -10),
                        textcoords="offset points", ha="center" if above else "left", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(1, max_gallery)
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlabel(_("gallery size N (people enrolled, log scale)"))
    ax.set_ylabel(_("chance of at least one\nfalse match per search (%)"))
    ax.legend(title=_("one-to-one false match rate"), fontsize=9, title_fontsize=9, loc="upper left")
    ax.figure.tight_layout()
    return ax


def plot_measured_vs_formula(trial: SearchTrial, p: float, axes=None):
    """Measured searches against the formulas: share with a false match (left), mean false matches (right)."""
    import matplotlib.pyplot as plt

    from .. import style

    style.use()
    if axes is None:
        _fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    n_fine = np.logspace(0, math.log10(trial.gallery_sizes[-1]) + 0.1, 200)
    left, right = axes
    left.plot(n_fine, 100 * prob_at_least_one_false_match(p, n_fine), color=style.PALETTE[0], linewidth=2,
              label=_("formula 1 - (1 - p)$^N$"))
    left.plot(trial.gallery_sizes, 100 * trial.share_with_false_match, "o", color=style.PALETTE[1],
              label=_("measured ({searches:,} searches)").format(searches=trial.n_searches))
    left.set_xscale("log")
    left.set_xlabel(_("gallery size N (people, log scale)"))
    left.set_ylabel(_("searches with at least one\nfalse match (%)"))
    left.legend(fontsize=9)
    right.plot(n_fine, expected_false_matches(p, n_fine), color=style.PALETTE[0], linewidth=2, label=_("formula p × N"))
    right.plot(trial.gallery_sizes, trial.mean_false_matches, "o", color=style.PALETTE[1], label=_("measured"))
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel(_("gallery size N (people, log scale)"))
    right.set_ylabel(_("false matches per search\n(average, log scale)"))
    right.legend(fontsize=9)
    left.figure.tight_layout()
    return axes
