"""The home page: totals, the worst blueprints, breaks by rule, the lowest moments; and the search page."""

from __future__ import annotations

from collections import Counter

from ..analysis import Analysis
from ..rules import RULES
from . import journey_pages as journey
from .layout import Layout, Page, assemble, cards, counted, paragraphs, severity_counts, table
from .markup import link, render
from .ranking import BLUEPRINT_HEADER, blueprint_row, ranked

__all__ = ["dashboard", "search_page", "WORST"]

WORST = 20            # blueprints on the dashboard


def _problems_banner(problems) -> str:
    """Shown on the home page of a live preview while a blueprint does not load (the first 20)."""
    if not problems:
        return ""
    more = [f"… and {len(problems) - 20} more"] if len(problems) > 20 else []
    return render("problems.html", count=len(problems), problems=[str(p) for p in problems[:20]] + more)


def dashboard(analyses: list[Analysis], layout: Layout, problems=()) -> Page:
    page = layout.home
    findings = [f for a in analyses for f in a.findings]
    counts = severity_counts(findings)
    totals = cards([("blueprints", len(analyses)), ("steps", sum(a.metrics.steps for a in analyses)),
                    ("handoffs", sum(a.metrics.handoffs for a in analyses)),
                    ("broken handoffs", sum(1 for a in analyses for h in a.handoffs if h.broken_by)),
                    ("breaks", len(findings)), ("high", counts["high"]), ("medium", counts["medium"]),
                    ("low", counts["low"])])
    worst_first = ranked(analyses)
    worst = table(BLUEPRINT_HEADER, [blueprint_row(layout, page, a) for a in worst_first[:WORST]])
    every = link(layout.href(page, layout.path("all")), f"All {counted(len(analyses), 'blueprint')}, worst first")
    by_rule = Counter(f.rule for f in findings)
    in_blueprints = Counter(rule for a in analyses for rule in {f.rule for f in a.findings})
    rule_rows = [[link(layout.href(page, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title,
                  by_rule[r.slug], in_blueprints[r.slug]] for r in RULES if by_rule[r.slug]]
    see_also = render("links.html", items=[
        every,
        link(layout.href(page, layout.path("breaks")), "Every break, by rule"),
        link(layout.href(page, layout.path("owners")), "Owners and teams: who must fix what"),
        link(layout.href(page, layout.path("tags")), "Blueprints by tag"),
        link(layout.href(page, layout.path(journey.OPPORTUNITIES)), "Opportunities: impact × effort"),
        link(layout.href(page, layout.path(journey.PERSONAS)), "Personas and their journeys"),
        link(layout.href(page, layout.rules_page), "The rules explained")])
    felt = journey.lowest_emotion_rows(analyses, lambda blueprint_id, anchor: layout.href(
        page, layout.path(blueprint_id), anchor or None))
    heading = f"## The worst {counted(min(WORST, len(analyses)), 'blueprint')}: most high-severity breaks first\n"
    return assemble("Service blueprints", "# Service blueprints\n", _problems_banner(problems),
                    _search_box(page, layout),
                    paragraphs("Where the handoffs between people and teams break, blueprint by blueprint."), totals,
                    heading, worst if analyses else paragraphs("No blueprints yet."), paragraphs(every),
                    "## Breaks by rule\n",
                    table(["Rule", "What breaks", "Breaks", "Blueprints"], rule_rows) if rule_rows
                    else paragraphs("No breaks."),
                    "## Lowest customer emotion\n" if felt else "",
                    table(["Blueprint", "Lowest", "Step", "What the customer said"], felt) if felt else "",
                    "## See also\n", see_also)


def _search_box(page: str, layout: Layout) -> str:
    return render("search.html", bundle=layout.href(page, "pagefind/")) if layout.search else ""


def search_page(layout: Layout) -> Page:
    page = layout.path("search")
    return assemble("Search", "# Search the blueprints\n", _search_box(page, layout),
                    paragraphs("Steps, owners, teams, channels, failures and rule names of every blueprint."))
