"""survlab: the library behind Under Watch's labs.

Notebooks show the ideas; this package holds the code once, with tests. It is what a
student installs (one wheel); the instructor toolkit is the separate package ``underwatch``.
"""
__version__ = "0.3.0"
