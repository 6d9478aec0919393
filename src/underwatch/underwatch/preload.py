"""Imported once by the grader's fork server, so every submission forked from it starts warm.

Starting Python, a kernel and matplotlib for each submission cost more than running Lab 0
itself (benchmarks/README.md). Nothing here runs student code.
"""
import os

# Before NumPy loads its BLAS: one thread per submission, the grader runs several side by side.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.font_manager  # noqa: E402,F401  (builds the font cache here, not in a sandbox)
import matplotlib.pyplot  # noqa: E402,F401
import nbformat  # noqa: E402,F401
import numpy  # noqa: E402,F401
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402,F401

from survlab import labs  # noqa: E402

labs.all_labs()  # every lab's module and what it imports (scikit-image for Lab 3)
