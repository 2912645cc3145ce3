"""One blueprint's part of the pages across blueprints, as plain JSON data; and those pages, made from the parts.

A build keeps each blueprint's contribution (a per-file cache): after one blueprint changes, only
its contribution is made again, and the pages across blueprints (dashboard, all blueprints,
breaks, owners, tags, opportunities, personas) are assembled from all of them by `portfolio_from`,
which gives exactly what `pages.portfolio_pages` gives. A contribution depends on its own blueprint
alone: what relates blueprints (ranks, sums, the worst of all) is worked out when they are assembled.

A contribution (JSON: no tuples, no floats) is read at every build, so it is compact: each of its
strings once, in `texts`, which the rest refers to by index ("ref"); few lists, none per finding. A
summary is priority.summary_data's seven numbers (priority, high, medium, low, lowest feeling,
longest wait, most customers).

- `id`, `title`, `status`, `tags` (grouped, each once), `persona` ([name, who] or None);
- `steps`, `handoffs`, `broken` (broken handoffs), `longest` (time to resolution, as shown);
- `summary` (of all its findings) and `why` (it in words);
- `findings`: a column per field, finding n at index n - 1: `rule`, `step`, `team`, `why` (refs; a team
  ref is None for "No owner", and -1 for the customer's side in `matrix`), `priority`, and `fix`: the
  ref of the one text its rule's action is filled with, the list of refs when it takes none or
  several (actions.worded), or {"text": ref} of the whole text when it is not filled so;
- `hints`: number, hint ref, number, hint ref... of its FIX_FIRST worst findings (the dashboard's
  candidates for the worst of all);
- `rules`: rule -> its findings' summary, why ref, then the numbers of its worst 3 findings of it;
- `teams`: [team ref, steps owned, broken handoffs, its first break's number or 0, then the summary
  of the breaks it owns], in the order the owners pages meet them (steps, breaks, handoffs);
- `matrix`: [team ref, team ref, count] of its broken handoffs between teams;
- `opportunities`: [id, what, impact, effort, team, weight], in file order;
- `felt`: [lowest emotion, steps below neutral, step, what the customer said] or None.
"""

from __future__ import annotations

import sys
from collections import Counter

from ..actions import action, action_parts
from ..analysis import Analysis
from ..gcpause import paused_gc
from ..model import Blueprint, Step
from ..priority import Ranked, finding_reason, ranked_findings, reason, summarise, summary_data
from .breaks import breaks_pages, rules_page
from .dashboard import FIX_FIRST, dashboard, search_page
from .layout import Layout, RowsFile, format_minutes
from .markup import grouped
from .named import named_pages, with_named_pages
from .opportunities import opportunities_pages
from .owners import owners_pages
from .personas import personas_pages
from .ranking import CUSTOMER_SIDE, NO_OWNER, all_blueprints_pages, team_name
from .tags import tags_pages
from .trends import TRENDS, trend_line, trends_page, with_trend

__all__ = ["contribution", "portfolio_from"]


def contribution(analysis: Analysis, layout: Layout) -> dict:
    """Everything the pages across blueprints need from one blueprint (see the module's docstring).

    The links between pages are made when they are assembled, so `layout` changes nothing today; it
    is part of the interface so that a contribution may hold what a layout decides."""
    b, m = analysis.blueprint, analysis.metrics
    texts: dict[str, int] = {}

    def ref(text: str | None) -> int | None:
        return None if text is None else texts.setdefault(text, len(texts))

    ranked = ranked_findings(analysis)
    findings = {"rule": [ref(r.finding.rule) for r in ranked], "step": [ref(r.finding.step) for r in ranked],
                "priority": [r.priority for r in ranked],
                "team": [ref(None if r.team is None else grouped(r.team)) for r in ranked],
                "fix": [_fix(b, r.finding, ref) for r in ranked], "why": [ref(finding_reason(r)) for r in ranked]}
    worst = sorted(ranked, key=lambda r: r.key)
    hints = [value for r in worst[:FIX_FIRST] for value in (r.finding.number, ref(r.finding.hint))]
    teams, matrix = _teams(analysis, ranked, ref)
    summary = summarise(ranked)
    felt = None
    if m.lowest_emotion is not None:
        step = b.step_by_id[m.lowest_emotion_step]
        felt = [m.lowest_emotion, m.steps_below_neutral, step.id, step.emotion.note or step.action]
    return {"id": b.id, "title": b.title, "status": b.status, "tags": list(dict.fromkeys(grouped(t) for t in b.tags)),
            "persona": [b.persona.name, b.persona.summary] if b.persona else None,
            "steps": m.steps, "handoffs": m.handoffs, "broken": sum(1 for h in analysis.handoffs if h.broken_by),
            "longest": format_minutes(m.longest_time_to_resolution_minutes),
            "summary": summary_data(summary), "why": reason(summary), "findings": findings,
            "hints": hints, "rules": _rules(worst, ref), "teams": teams, "matrix": matrix,
            "opportunities": _opportunities(b, ranked), "felt": felt,
            # One copy of a text however many blueprints say it (team names, reasons, the steps of
            # blueprints written from one template): a cold build holds every contribution at once.
            "texts": [sys.intern(text) for text in texts]}


def _fix(blueprint: Blueprint, finding, ref) -> int | list | dict:
    """The fix: the refs of the texts its rule's action is filled with (actions.action_parts: the step's
    words, once for all the blueprint's fixes), or its whole text (see the module's docstring)."""
    parts = action_parts(blueprint, finding)
    if parts is None:
        return {"text": ref(action(blueprint, finding))}
    return ref(parts[0]) if len(parts) == 1 else [ref(part) for part in parts]


def _rules(worst: list[Ranked], ref) -> dict:
    """rule -> its summary, why ref, then the numbers of its worst 3, from the findings worst first."""
    mine: dict[str, list[Ranked]] = {}
    for r in worst:
        mine.setdefault(r.finding.rule, []).append(r)
    found = {}
    for rule, items in sorted(mine.items()):
        summary = summarise(items)
        found[rule] = [*summary_data(summary), ref(reason(summary)), *(r.finding.number for r in items[:3])]
    return found


def _team(blueprint: Blueprint, step: Step) -> str:
    if not step.is_staff:
        return CUSTOMER_SIDE
    owner = blueprint.owner_by_key.get(step.owner) if step.owner else None
    return grouped(owner.team or owner.name) if owner else NO_OWNER


def _teams(analysis: Analysis, ranked: list[Ranked], ref) -> tuple[list, list]:
    """What each team does in this blueprint (steps it owns, broken handoffs, the breaks it owns), and
    its broken handoffs between teams, as the owners pages count them."""
    b = analysis.blueprint
    work: dict[str, list] = {}   # team -> [steps, broken, owned]: in the order the owners pages meet them

    def of(team: str) -> list:
        return work.setdefault(team, [0, 0, []])

    for step in b.steps:
        if step.is_staff:
            of(_team(b, step))[0] += 1
    for r in ranked:
        of(team_name(r.team))[2].append(r)
    matrix: Counter = Counter()
    for handoff in analysis.handoffs:
        if not handoff.broken_by:
            continue
        teams = (_team(b, b.step_by_id[handoff.edge.source]), _team(b, b.step_by_id[handoff.edge.to]))
        matrix[teams] += 1
        for team in sorted(set(teams) - {CUSTOMER_SIDE}):
            of(team)[1] += 1

    def team_ref(team: str) -> int | None:
        return None if team == NO_OWNER else -1 if team == CUSTOMER_SIDE else ref(str(team))

    return ([[team_ref(team), steps, broken, owned[0].finding.number if owned else 0, *summary_data(summarise(owned))]
             for team, (steps, broken, owned) in work.items()],
            [[team_ref(one), team_ref(other), count] for (one, other), count in matrix.items()])


def _opportunities(blueprint: Blueprint, ranked: list[Ranked]) -> list:
    """[id, what, impact, effort, team, weight]: the weight is the priority of the breaks on its steps."""
    on_step: dict[str, int] = {}
    for r in ranked:
        if r.finding.step:
            on_step[r.finding.step] = on_step.get(r.finding.step, 0) + r.priority
    found = []
    for o in blueprint.opportunities:
        owner = blueprint.owner_by_key.get(o.owner) if o.owner else None
        found.append([o.id, o.what, o.impact, o.effort, grouped(owner.team or owner.name) if owner else "No owner",
                      sum(on_step.get(s, 0) for s in dict.fromkeys(o.steps))])
    return found


def portfolio_from(contributions: list[dict], layout: Layout, problems=(), history: dict | str | None = None,
                   kept=None, keys: dict | None = None) -> dict:
    """The pages across blueprints: dashboard, full list, breaks, owners, tags, rules; and trends from `history`
    (see trends.site_history), when given. `contributions` in the order of the blueprints.

    A contribution that carries a "key" (naming what it is made from: its record's key) lets the
    "Show more" files of the long lists be named too (layout.RowsFile): `kept(key)` gives such a
    file's bytes as an earlier build made them, or None, and `keys` gets path -> key of each."""
    # Tens of thousands of rows and no reference cycles: a cyclic collection in the middle would
    # re-walk every contribution for nothing.
    with paused_gc():
        pages = _portfolio(contributions, layout, problems, history)
        for path, page in pages.items():
            if isinstance(page, RowsFile):
                made = kept(page.key) if kept is not None else None
                pages[path] = made if made is not None else page.make()
                if keys is not None:
                    keys[path] = page.key
        return pages


def _portfolio(contributions: list[dict], layout: Layout, problems, history) -> dict:
    pages = {layout.home: dashboard(contributions, layout, problems), layout.rules_page: rules_page()}
    if history is not None:
        pages[layout.home] = with_trend(pages[layout.home], trend_line(history, layout))
        pages[layout.path(TRENDS)] = trends_page(history, layout)
    if layout.search:
        pages[layout.path("search")] = search_page(layout)
    for part in (all_blueprints_pages, breaks_pages, owners_pages, tags_pages, opportunities_pages, personas_pages):
        pages.update(part(contributions, layout))
    if layout.search:
        named = named_pages(pages, layout)
        for path in (layout.home, layout.path("search")):
            pages[path] = with_named_pages(pages[path], path, named, layout)
    return pages
