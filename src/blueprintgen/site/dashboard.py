"""The home page: totals, the worst blueprints, breaks by rule, the lowest moments; and the search page."""

from __future__ import annotations

from ..actions import action
from ..analysis import Analysis
from ..priority import finding_reason, reason, summarise
from ..words import number
from . import journey_pages as journey
from .breaks import RULES_HEADER, by_rule, rules_ranked
from .layout import Layout, Page, assemble, cards, counted, paragraphs, severity_counts, table, with_code
from .markup import link, render
from .ranking import BLUEPRINT_HEADER, NO_OWNER, blueprint_row, portfolio, ranked, team_name, team_path

__all__ = ["dashboard", "search_page", "WORST", "FIX_FIRST", "TEAMS_SHOWN"]

WORST = 20            # blueprints on the dashboard
FIX_FIRST = 10        # the breaks that matter most, at the top
TEAMS_SHOWN = 10      # teams on the dashboard; the owners page lists them all


def _team_href(layout: Layout, page: str, team: str) -> str:
    return layout.href(page, team_path(layout, team))


def _fix_first(analyses: list[Analysis], layout: Layout, page: str) -> str:
    """The FIX_FIRST breaks of the highest priority: the fix in plain words, the team, blueprint and step."""
    by_id = {a.blueprint.id: a.blueprint for a in analyses}
    items = []
    for r in portfolio(analyses).worst_findings()[:FIX_FIRST]:
        f, b = r.finding, by_id[r.finding.blueprint]
        team = team_name(r.team)
        target = layout.path(b.id)
        items.append({"action": action(b, f), "team": link(_team_href(layout, page, team), team),
                      "blueprint": link(layout.href(page, target), b.title),
                      "step": link(layout.href(page, target, f"step-{f.step}"), f"step {f.step}") if f.step
                      else "no step", "finding": link(layout.href(page, target, f"finding-{f.number}"),
                                                      f"break #{f.number} ({f.rule})"),
                      "priority": r.priority, "why": finding_reason(r), "hint": with_code(f.hint)})
    return render("fix_first.html", items=items) if items else paragraphs("No breaks: nothing to fix.")


def _team_rows(analyses: list[Analysis], layout: Layout, page: str) -> tuple[list[list], int]:
    """The TEAMS_SHOWN teams whose breaks have the highest priority (ties by name; "No owner" among them), and
    how many teams own breaks."""
    owned: dict[str, list] = {}
    for items in portfolio(analyses).findings.values():
        for r in items:
            owned.setdefault(team_name(r.team), []).append(r)
    weight = {team: summarise(items) for team, items in owned.items()}
    teams = sorted(owned, key=lambda t: (-weight[t].priority, t))
    return [[link(_team_href(layout, page, t), t), weight[t].priority, reason(weight[t]), len(owned[t])]
            for t in teams[:TEAMS_SHOWN]], sum(1 for t in teams if t != NO_OWNER)


def _problems_banner(problems) -> str:
    """Shown on the home page of a live preview while a blueprint does not load (the first 20)."""
    if not problems:
        return ""
    more = [f"… and {number(len(problems) - 20)} more"] if len(problems) > 20 else []
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
    worst = table(BLUEPRINT_HEADER, [blueprint_row(layout, page, item) for item in worst_first[:WORST]])
    every = link(layout.href(page, layout.path("all")), f"All {counted(len(analyses), 'blueprint')}, worst first")
    rule_rows = [[link(layout.href(page, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title,
                  count, blueprints, total, why] for r, count, blueprints, total, why in rules_ranked(by_rule(analyses))]
    team_rows, team_count = _team_rows(analyses, layout, page)
    all_teams = link(layout.href(page, layout.path("owners")), f"All {counted(team_count, 'team')}: who must fix what")
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
    heading = f"## The worst {counted(min(WORST, len(analyses)), 'blueprint')}: the highest priority first\n"
    return assemble("Service blueprints", "# Service blueprints\n", _problems_banner(problems),
                    _search_box(page, layout),
                    paragraphs("Where the handoffs between people and teams break, what hurts customers most, and "
                               "who must fix it."), totals,
                    "## Fix first\n",
                    paragraphs(with_code("The breaks that matter most across all blueprints: the highest priority "
                                         "first, from severity, whether the customer feels it (their lane, feeling "
                                         "and wait) and how many customers pass there.")),
                    _fix_first(analyses, layout, page),
                    "## Teams: who must fix what\n",
                    table(["Team", "Priority", "Why", "Breaks"], team_rows) if team_rows
                    else paragraphs("No breaks."), paragraphs(all_teams) if team_rows else "",
                    heading, worst if analyses else paragraphs("No blueprints yet."), paragraphs(every),
                    "## Breaks by rule\n",
                    table(RULES_HEADER, rule_rows) if rule_rows
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
