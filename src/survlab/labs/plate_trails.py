"""Lab exercise declarations (being written)."""
from ..checks import Lab

LAB = Lab(id="plate-trails", title="(being written)", exercises=())
