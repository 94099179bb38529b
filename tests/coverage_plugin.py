"""pytest plugin loaded by scripts/test: slow tests run without coverage tracing.

The slow tests (power loss at random instants, the 10,000-ballot volume test, the whole
demo) replay thousands of ballots through ballotcore; line tracing there multiplies
their run time under load (one passed its 900 s timeout) and adds no coverage the unit
tests do not already give. pytest-cov's `no_cover` marker pauses measurement for them.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.no_cover)
