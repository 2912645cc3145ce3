"""The home page: totals, the worst blueprints, breaks by rule, the lowest moments; and the search page."""

from __future__ import annotations

import heapq

from ..priority import combined, reason
from ..words import number
from . import journey_pages as journey
from .breaks import RULES_HEADER, by_rule, rules_ranked
from .layout import Layout, Page, assemble, cards, counted, paragraphs, table, with_code
from .markup import link, render
from .ranking import BLUEPRINT_HEADER, NO_OWNER, blueprint_row, finding_of, ranked, team_of, team_path

__all__ = ["dashboard", "search_page", "WORST", "FIX_FIRST", "TEAMS_SHOWN"]

WORST = 20            # blueprints on the dashboard
FIX_FIRST = 10        # the breaks that matter most, at the top
TEAMS_SHOWN = 10      # teams on the dashboard; the owners page lists them all

def _team_href(layout: Layout, page: str, team: str) -> str:
    return layout.href(page, team_path(layout, team))


def _fix_first(contributions: list[dict], layout: Layout, page: str) -> str:
    """The FIX_FIRST breaks of the highest priority: the fix in plain words, the team, blueprint and step.
    The worst of all are among each blueprint's own worst (`hints`)."""
    candidates = ((-c["findings"]["priority"][n - 1], c["id"], n, c, hint) for c in contributions
                  for n, hint in zip(c["hints"][::2], c["hints"][1::2]))
    items = []
    for _, _, n, c, hint in heapq.nsmallest(FIX_FIRST, candidates, key=lambda item: item[:3]):
        rule, step, priority, team, fix, why = finding_of(c, n)
        target = layout.path(c["id"])
        items.append({"action": fix, "team": link(_team_href(layout, page, team), team),
                      "blueprint": link(layout.href(page, target), c["title"]),
                      "step": link(layout.href(page, target, f"step-{step}"), f"step {step}") if step
                      else "no step", "finding": link(layout.href(page, target, f"finding-{n}"),
                                                      f"break #{n} ({rule})"),
                      "priority": priority, "why": why,
                      "hint": with_code(c["texts"][hint])})
    return render("fix_first.html", items=items) if items else paragraphs("No breaks: nothing to fix.")


def _team_rows(contributions: list[dict], layout: Layout, page: str) -> tuple[list[list], int]:
    """The TEAMS_SHOWN teams whose breaks have the highest priority (ties by name; "No owner" among them), and
    how many teams own breaks."""
    owned: dict[str, list] = {}
    for index, c in enumerate(contributions):
        for team, _, _, first, *summary in c["teams"]:
            if first:
                owned.setdefault(team_of(c, team), []).append(((index, first), summary))
    # Teams in the order their first breaks come (a tie between "No owner" and a team of that name keeps it).
    met = sorted(owned, key=lambda t: owned[t][0][0])
    weight = {team: combined(summary for _, summary in owned[team]) for team in met}
    teams = sorted(met, key=lambda t: (-weight[t].priority, t))
    return [[link(_team_href(layout, page, t), t), weight[t].priority, reason(weight[t]), sum(weight[t].counts)]
            for t in teams[:TEAMS_SHOWN]], sum(1 for t in teams if t != NO_OWNER)


def _problems_banner(problems) -> str:
    """Shown on the home page of a live preview while a blueprint does not load (the first 20)."""
    if not problems:
        return ""
    more = [f"… and {number(len(problems) - 20)} more"] if len(problems) > 20 else []
    return render("problems.html", count=len(problems), problems=[str(p) for p in problems[:20]] + more)


def dashboard(contributions: list[dict], layout: Layout, problems=()) -> Page:
    page = layout.home
    counts = combined(c["summary"] for c in contributions).counts
    totals = cards([("blueprints", len(contributions)), ("steps", sum(c["steps"] for c in contributions)),
                    ("handoffs", sum(c["handoffs"] for c in contributions)),
                    ("broken handoffs", sum(c["broken"] for c in contributions)),
                    ("breaks", sum(len(c["findings"]["rule"]) for c in contributions)), ("high", counts[0]),
                    ("medium", counts[1]), ("low", counts[2])])
    worst_first = ranked(contributions)
    worst = table(BLUEPRINT_HEADER, [blueprint_row(layout, page, item) for item in worst_first[:WORST]])
    every = link(layout.href(page, layout.path("all")), f"All {counted(len(contributions), 'blueprint')}, worst first")
    rule_rows = [[link(layout.href(page, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title,
                  count, blueprints, total, why] for r, count, blueprints, total, why in rules_ranked(by_rule(contributions))]
    team_rows, team_count = _team_rows(contributions, layout, page)
    all_teams = link(layout.href(page, layout.path("owners")), f"All {counted(team_count, 'team')}: who must fix what")
    see_also = render("links.html", items=[
        every,
        link(layout.href(page, layout.path("breaks")), "Every break, by rule"),
        link(layout.href(page, layout.path("owners")), "Owners and teams: who must fix what"),
        link(layout.href(page, layout.path("tags")), "Blueprints by tag"),
        link(layout.href(page, layout.path(journey.OPPORTUNITIES)), "Opportunities: impact × effort"),
        link(layout.href(page, layout.path(journey.PERSONAS)), "Personas and their journeys"),
        link(layout.href(page, layout.rules_page), "The rules explained")])
    felt = journey.lowest_emotion_rows(contributions, lambda blueprint_id, anchor: layout.href(
        page, layout.path(blueprint_id), anchor or None))
    heading = f"## The worst {counted(min(WORST, len(contributions)), 'blueprint')}: the highest priority first\n"
    return assemble("Service blueprints", "# Service blueprints\n", _problems_banner(problems),
                    _search_box(page, layout),
                    paragraphs("Where the handoffs between people and teams break, what hurts customers most, and "
                               "who must fix it."), totals,
                    "## Fix first\n",
                    paragraphs(with_code("The breaks that matter most across all blueprints: the highest priority "
                                         "first, from severity, whether the customer feels it (their lane, feeling "
                                         "and wait) and how many customers pass there.")),
                    _fix_first(contributions, layout, page),
                    "## Teams: who must fix what\n",
                    table(["Team", "Priority", "Why", "Breaks"], team_rows) if team_rows
                    else paragraphs("No breaks."), paragraphs(all_teams) if team_rows else "",
                    heading, worst if contributions else paragraphs("No blueprints yet."), paragraphs(every),
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
