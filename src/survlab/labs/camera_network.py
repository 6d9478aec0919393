"""Lab exercise declarations (being written)."""
from ..checks import Lab

LAB = Lab(id="camera-network", title="(being written)", exercises=())
