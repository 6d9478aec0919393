"""Values a lab page states in its prose, recorded where the book can paste them.

``glue(name, value)`` is myst-nb's glue without myst-nb: it shows ``value`` with the metadata
myst-nb reads (``{glue:text}`name``` in the page pastes it), so a page never types a number its
code computes. A student's notebook has no myst-nb; this needs only IPython, which Jupyter has.
The build also writes every glued value to ``_build/glued-values.json`` (tests compare it with
``tests/reference/book-values.json``).
"""
from __future__ import annotations

from typing import Any

# myst-nb's own prefix for a value glued without showing it (myst_nb.ext.glue.GLUE_PREFIX).
_HIDDEN_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the page's prose; shown in the cell only if ``display``."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not name or not isinstance(name, str):
        raise ValueError(f"a glue name must be a non-empty string, got {name!r}")
    bundle, metadata = format_display_data(value)
    prefix = "" if display else _HIDDEN_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def glue_all(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Glue each value as ``prefix + name`` (not displayed); return the values, for chaining."""
    for name, value in values.items():
        glue(prefix + name, value)
    return values
