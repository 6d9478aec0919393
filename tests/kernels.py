"""Run a snippet of Python as another processor would: numpy's widest SIMD kernels switched off.

numpy picks its kernels by what the CPU offers (AVX-512 on some laptops, AVX2 on others, NEON on
Apple silicon); float32 and transcendental results can differ in the last bit. Setting
NPY_DISABLE_CPU_FEATURES to the dispatch targets this machine has reproduces, here, what a
machine without them computes. A demonstration whose stated outcome changes under it sits on a
knife edge.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np


def _found_dispatch_targets() -> list[str]:
    from numpy._core import _multiarray_umath as um

    found = {name for name, on in um.__cpu_features__.items() if on}
    return [t for t in um.__cpu_dispatch__ if t in found]


def other_machines() -> dict[str, str]:
    """Settings of NPY_DISABLE_CPU_FEATURES that each stand for another kind of machine.

    "widest off" drops only the widest dispatch group this CPU has (an AVX-512 machine acting
    as an AVX2 one); "baseline only" drops every dispatched kernel (the oldest x86-64 numpy
    supports). Empty where numpy dispatches nothing beyond its baseline here.
    """
    targets = _found_dispatch_targets()
    if not targets:
        return {}
    settings = {"baseline only": " ".join(targets)}
    widest = [t for t in targets if "512" in t or t.endswith("V4")]
    if widest and len(widest) < len(targets):
        settings["widest off"] = " ".join(widest)
    return settings


def run_as(disabled: str, code: str) -> object:
    """Run ``code`` in a fresh interpreter with those kernels off; it must print one JSON value last."""
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled, "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"with NPY_DISABLE_CPU_FEATURES={disabled!r}:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


assert np  # numpy must import here: the settings above read its dispatch tables
