"""The headline at the top of a blueprint page says plainly what it knows, on the real example blueprints."""

from pathlib import Path

from blueprintgen.analysis import analyse
from blueprintgen.loader import load_bytes
from blueprintgen.site.headline import headline

BLUEPRINTS = Path(__file__).resolve().parent.parent / "blueprints"


def _headline(text: str) -> str:
    loaded = load_bytes(text.encode(), "h.yaml", "h")
    assert not loaded.problems, [str(problem) for problem in loaded.problems]
    (blueprint,) = loaded.blueprints
    return headline(analyse(blueprint))


def test_a_resolved_end_without_durations_says_so_and_shows_no_dash():
    # The facial example reaches a resolved end, but no step gives a wait or a duration.
    text = _headline((BLUEPRINTS / "facial-appointment-cancelled.yaml").read_text())
    assert "no step on the way to a resolved end gives a wait or a duration" in text, text
    assert "—" not in text.split("Time to resolution")[1], text


TIMED = """\
title: Timed
owners:
  desk: {name: Help desk}
steps:
  - id: calls
    lane: customer
    action: Calls about a broken item.
    wait: 10m
    duration: 5m
  - id: desk-fixes
    lane: frontstage
    owner: desk
    action: Fixes it on the call.
    duration: 1h
    end: resolved
"""


def test_a_time_to_resolution_is_given_when_steps_have_durations():
    text = _headline(TIMED)
    tail = text.split("Time to resolution")[1]
    assert "on the longest path to a resolved end" in tail and "—" not in tail, tail
