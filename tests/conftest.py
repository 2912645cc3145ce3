"""Shared fixtures: paths of the repository's examples and test data."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "blueprints"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
