"""Blueprints ranked worst first: the list of every blueprint, and the row each list of blueprints shows."""

from __future__ import annotations

from ..analysis import Analysis
from .layout import Layout, Rows, format_minutes, paged, paragraphs, severity_counts, severity_summary
from .markup import link

__all__ = ["ranked", "blueprint_row", "all_blueprints_pages", "BLUEPRINT_HEADER"]


def ranked(analyses: list[Analysis]) -> list[Analysis]:
    def key(a: Analysis):
        counts = severity_counts(a.findings)
        return (-counts["high"], -counts["medium"], -counts["low"], a.blueprint.title, a.blueprint.id)
    return sorted(analyses, key=key)


def blueprint_row(layout: Layout, page: str, a: Analysis) -> list:
    return [link(layout.href(page, layout.path(a.blueprint.id)), a.blueprint.title), a.blueprint.status,
            severity_summary(a.findings), f"{sum(1 for h in a.handoffs if h.broken_by)} of {a.metrics.handoffs}",
            format_minutes(a.metrics.longest_time_to_resolution_minutes)]


BLUEPRINT_HEADER = ["Blueprint", "Status", "Breaks", "Broken handoffs", "Longest time to resolution"]


def all_blueprints_pages(analyses: list[Analysis], layout: Layout) -> dict:
    rows = Rows(ranked(analyses), blueprint_row)
    return paged(layout, layout.path("all"), "All blueprints",
                 ["# All blueprints\n", paragraphs("Every blueprint, the most high-severity breaks first.")],
                 BLUEPRINT_HEADER, rows)
