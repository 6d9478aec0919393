"""survlab: the library behind Under Watch's labs.

Notebooks show the ideas; this package holds the code once, with tests.
"""
__version__ = "0.1.0"
