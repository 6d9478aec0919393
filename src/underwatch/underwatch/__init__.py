"""underwatch: Under Watch's instructor and build toolkit (editions, grading, site checks).

Depends on the student library ``survlab``; ``survlab`` never imports this package.
"""
__version__ = "0.3.0"
