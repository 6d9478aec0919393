"""Make `pytest --dist loadgroup` send each `xdist_group` to one worker again.

pytest-xdist 3.8 tells its scheduler a test's group by writing "<id>@<group>" to
``item._nodeid``; pytest 9.2 reads node ids from ``item._id`` instead, so the groups are
silently ignored and tests that share a build run on both workers, each building it
(pytest-dev/pytest-xdist#1386). This plugin writes the suffix where pytest 9.2 reads it, on
the workers only, after xdist's own hook; once xdist writes it again, the suffix is already
there and this does nothing. tests/test_xdist_groups.py proves the grouping.
"""
from __future__ import annotations

import pytest


def group_of(item: pytest.Item) -> str | None:
    """The item's xdist group name, as xdist forms it (several groups joined by "_")."""
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names)) if names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        group = group_of(item)
        if group and not item.nodeid.endswith("@" + group):
            item._id = NodeId.parse(f"{item.nodeid}@{group}")
