"""Shared fixtures: paths of the repository's examples and test data."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "blueprints"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(autouse=True)
def _no_stop_left_over():
    """A test that stops a drawing leaves the process-wide stop set (until the next batch of
    renders, as in a build): the next test starts without it, as a new build process would."""
    yield
    from blueprintgen import graphviz

    graphviz._STOPPED.clear()
