"""Lab exercise declarations (being written)."""
from ..checks import Lab

LAB = Lab(id="motion-detection", title="(being written)", exercises=())
