"""The headline at the top of a blueprint page: its worst break, the customer's lowest moment, the time to resolution."""

from __future__ import annotations

from ..analysis import Analysis
from ..words import counted, score
from .layout import SEVERITY_ORDER, format_minutes, severity_summary
from .markup import Markup, join, link, render

__all__ = ["headline"]


def _worst(analysis: Analysis) -> Markup | str:
    # Highest severity first; among equals the first in the page's own numbering, as the breaks list shows them.
    if not analysis.findings:
        return "No breaks found: every handoff holds."
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    worst = min(analysis.findings, key=lambda f: (rank.get(f.severity, len(rank)), f.number))
    where = [" at step ", link(f"#step-{worst.step}", worst.step)] if worst.step else []
    return join([Markup("<strong>%s</strong> ") % worst.severity, link(f"#finding-{worst.number}", f"#{worst.number}"),
                 *where, ": ", worst.message,
                 f" ({counted(len(analysis.findings), 'break')}: {severity_summary(analysis.findings).replace(' · ', ', ')})"], "")


def _lowest(analysis: Analysis) -> Markup | str:
    m = analysis.metrics
    if m.lowest_emotion is None or m.lowest_emotion_step is None:
        return "No feelings recorded on the steps."
    step = analysis.blueprint.step_by_id[m.lowest_emotion_step]
    said = f" — “{step.emotion.note}”" if step.emotion and step.emotion.note else f": {step.action}"
    return join([Markup("<strong>%s</strong> at step ") % score(m.lowest_emotion),
                 link(f"#step-{step.id}", step.id), said], "")


def _resolution(analysis: Analysis) -> str:
    minutes = analysis.metrics.longest_time_to_resolution_minutes
    if minutes is None:
        return "No resolved end is reachable: the journey never says the case is resolved."
    if not minutes:
        # A resolved end is reachable but no step on the way says how long it waits or takes.
        return "Not known: no step on the way to a resolved end gives a wait or a duration."
    return f"{format_minutes(minutes)} on the longest path to a resolved end, waits and work together."


def headline(analysis: Analysis) -> str:
    """Three facts a reader needs first, each linking to where the page tells more."""
    return render("headline.html", items=[("Worst break", _worst(analysis)), ("Lowest moment", _lowest(analysis)),
                                          ("Time to resolution", _resolution(analysis))])
