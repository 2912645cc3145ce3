"""The sections of one blueprint's page: its head, measures, diagram, breaks, steps, handoffs, and what a redesign removes.

The diagram is not in the page: it holds an <img> of the diagram's own file, which the
viewer loads in its place, so the SVG never passes through Markdown or the search index.
"""

from __future__ import annotations

from collections import defaultdict

from ..analysis import Analysis
from ..actions import action
from ..model import Blueprint, Step
from ..words import counted, number, score
from . import journey_pages as journey
from .layout import LANE_NAMES, Layout, format_minutes, paragraphs, severity_summary, slug, table, with_code
from .markup import Markup, grouped, join, link, render

__all__ = ["head", "measures", "diagram", "findings", "steps", "handoffs", "ignored", "removed"]


def _owner_name(blueprint: Blueprint, key: str | None) -> str | None:
    owner = blueprint.owner_by_key.get(key) if key else None
    return owner.name if owner else None


def _channel_name(blueprint: Blueprint, key: str | None) -> str | None:
    channel = blueprint.channel_by_key.get(key) if key else None
    return channel.name if channel else None


def _actor_name(blueprint: Blueprint, step: Step) -> str:
    if step.lane == "customer":
        return "Customer"
    return _owner_name(blueprint, step.owner) or "nobody (no owner)"


# A step's links to the next steps and to its findings lead elsewhere on the page: search skips
# them (a step is found by what it says, not by the ids of its neighbours).
NAVIGATION = ("Next", "Breaks here")


def _step_link(step: str) -> Markup:
    return link(f"#step-{step}", step)


def head(analysis: Analysis, page: str, layout: Layout, by_id: dict[str, Analysis],
          redesigned_by: dict[str, list[Analysis]]) -> str:
    b = analysis.blueprint
    meta: list[tuple[str, object]] = [("Status", b.status)]
    if b.maintainer:
        meta.append(("Maintainer", b.maintainer))
    if b.tags:
        tags = dict.fromkeys(grouped(t) for t in b.tags)
        meta.append(("Tags", join(link(layout.href(page, layout.path(f"tags/{slug(t)}")), t) for t in tags)))
    meta.append(("Source file", b.file))
    if b.redesigns and b.redesigns in by_id:
        target = by_id[b.redesigns].blueprint
        meta.append(("Redesigns", link(layout.href(page, layout.path(target.id)), target.title)))
    for other in redesigned_by.get(b.id, []):
        meta.append(("Redesigned in", link(layout.href(page, layout.path(other.blueprint.id)), other.blueprint.title)))
    return render("blueprint_head.html", b=b, meta=meta)


def measures(analysis: Analysis) -> str:
    m = analysis.metrics
    figures = [("steps", m.steps), ("owners", m.owners), ("handoffs", m.handoffs),
               ("across the line of visibility", m.handoffs_across_visibility),
               ("customer contacts", m.customer_contacts), ("channel switches", m.channel_switches),
               ("promises kept", m.promises_kept), ("promises broken", m.promises_broken),
               ("promises withdrawn", m.promises_withdrawn),
               ("longest time to resolution", format_minutes(m.longest_time_to_resolution_minutes)),
               ("back-office owners on the longest path", m.back_office_owners_on_longest_path
                if m.back_office_owners_on_longest_path is not None else "—"),
               ("breaks", len(analysis.findings)),
               ("lowest customer emotion", score(m.lowest_emotion) if m.lowest_emotion is not None else "—"),
               ("steps below neutral", m.steps_below_neutral), ("pain points", m.pain_points),
               ("cost to resolution", m.cost_on_longest_path or "—")]
    # A compact table, two measures to a row, below the diagram: the page leads with the headline and the diagram.
    return render("measures.html", rows=[figures[index:index + 2] for index in range(0, len(figures), 2)])


def findings(analysis: Analysis, page: str, layout: Layout) -> str:
    # The rule's explanation is on the rules page, one link away: not repeated per finding.
    items = [{"number": f.number, "severity": f.severity, "message": f.message, "hint": with_code(f.hint),
              "action": action(analysis.blueprint, f),
              "rule": link(layout.href(page, layout.rules_page, f.rule), f.rule, code=True),
              "step": _step_link(f.step) if f.step else None} for f in analysis.findings]
    return render("findings.html", findings=items, summary=severity_summary(analysis.findings).replace(" · ", ", "))


def _step_items(analysis: Analysis, step: Step, numbers: list[int]) -> list[tuple[str, object]]:
    b = analysis.blueprint
    items = [("Who", _actor_name(b, step)), ("Lane", LANE_NAMES[step.lane]),
             ("Channel", _channel_name(b, step.channel)), ("Touchpoint", step.touchpoint),
             ("Evidence", step.evidence), ("Customer waits before", step.wait and step.wait.text),
             ("Takes", step.duration and step.duration.text)]
    items = [(name, value) for name, value in items if value]
    if step.promise:
        bounds = [f"within {step.promise.within.text}" if step.promise.within else None,
                  f"until step {step.promise.until}" if step.promise.until else None]
        within = f" ({' and '.join(filter(None, bounds))})" if any(bounds) else " (no deadline)"
        keepers = [s.id for s in b.steps if s.fulfils == step.id]
        kept = join(_step_link(k) for k in keepers) if keepers else "no step"
        items.append(("Promise", join([step.promise.what, within, "; kept by ", kept], "")))
        withdrawers = [s.id for s in b.steps if s.withdraws == step.id]
        if withdrawers:
            items.append(("Promise withdrawn: the customer is told it no longer holds at",
                          join(_step_link(k) for k in withdrawers)))
    if step.fulfils:
        items.append(("Keeps the promise of", _step_link(step.fulfils)))
    if step.withdraws:
        items.append(("Withdraws the promise of (tells the customer it no longer holds)", _step_link(step.withdraws)))
    if step.failure:
        recovery = _step_link(step.failure.recovery) if step.failure.recovery else "none"
        items.append(("Failure point", join([step.failure.what, " — recovery: ", recovery], "")))
    if step.end:
        items.append(("The journey ends here", step.end))
    items.append(("Next", join(_step_link(e.to) for e in step.next) if step.next else "nothing"))
    items.extend(journey.step_layers(b, step))
    if numbers:
        items.append(("Breaks here", join(link(f"#finding-{n}", f"#{n}") for n in numbers)))
    return items


def steps(analysis: Analysis) -> str:
    b = analysis.blueprint
    numbers: dict[str, list[int]] = defaultdict(list)
    for finding in analysis.findings:
        if finding.step:
            numbers[finding.step].append(finding.number)
    groups: dict[str | None, list[Step]] = {stage: [] for stage in b.stages}
    for step in b.steps:
        groups.setdefault(step.stage, []).append(step)
    shown_groups = []
    for index, (stage, members) in enumerate(groups.items(), start=1):
        if not members:
            continue
        name = (stage or "Without a stage") if b.stages else None
        shown_groups.append({"index": index, "name": name, "steps": [
            {"id": s.id, "lane": LANE_NAMES[s.lane], "action": s.action, "details": _step_items(analysis, s, numbers[s.id])}
            for s in members]})
    return render("steps.html", groups=shown_groups, navigation=NAVIGATION)


def handoffs(analysis: Analysis) -> str:
    b = analysis.blueprint
    if not analysis.handoffs:
        return paragraphs("No handoffs: one actor does everything.")
    rows = []
    for handoff in analysis.handoffs:
        edge = handoff.edge
        source, target = b.step_by_id[edge.source], b.step_by_id[edge.to]
        status = (join(["broken: ", join(link(f"#finding-{n}", f"#{n}") for n in handoff.broken_by)], "")
                  if handoff.broken_by else "holds")
        rows.append([join([_step_link(edge.source), f" ({_actor_name(b, source)})"], ""),
                     join([_step_link(edge.to), f" ({_actor_name(b, target)})"], ""),
                     _channel_name(b, edge.via), edge.within and edge.within.text,
                     ", ".join(edge.carries) if edge.carries else "nothing", status])
    # Search already has every step, owner and channel from the steps: the table would repeat them.
    return table(["From", "To", "Via", "Within", "Carries", "Status"], rows, exclude=True)


def ignored(analysis: Analysis, page: str, layout: Layout) -> str:
    rows = [[link(layout.href(page, layout.rules_page, f.rule), f.rule, code=True),
             _step_link(f.step) if f.step else None, f.message, f.ignored or ""] for f in analysis.ignored]
    return table(["Rule", "Step", "Finding", "Reason given"], rows)


def designed(analysis: Analysis, page: str, layout: Layout) -> str:
    """The loops this blueprint says repeat by design: each a claim for a reviewer to check, not a finding."""
    rows = [[join([_step_link(d.edge.source), " \u2192 ", _step_link(d.edge.to)], ""), d.repeat.why,
             f"{d.repeat.at_most}", link(layout.href(page, layout.rules_page, d.rule), d.rule, code=True)]
            for d in analysis.designed]
    return (paragraphs(Markup("Loops the blueprint says are part of the design (<code>repeat:</code> on the arrow "
                              "back). They are not counted as breaks: check that each claim holds."))
            + table(["Arrow back", "Why it repeats", "At most", "Instead of"], rows))


def removed(analysis: Analysis, as_is: Analysis, page: str, layout: Layout) -> str:
    """Which of the as-is blueprint's findings this to-be redesign removes."""
    still = {(f.rule, f.step) for f in analysis.findings}
    target = layout.path(as_is.blueprint.id)
    rows = [[link(layout.href(page, target, f"finding-{f.number}"), f"#{f.number}"), Markup("<code>%s</code>") % f.rule,
             f.step or "—", f.message, "still present" if (f.rule, f.step) in still else "removed"]
            for f in as_is.findings]
    gone = sum(row[-1] == "removed" for row in rows)
    return (paragraphs(f"This redesign removes {number(gone)} of the {counted(len(rows), 'break')} of the as-is blueprint.")
            + table(["As-is", "Rule", "Step", "Break", "Now"], rows, exclude=True))


def diagram(blueprint: Blueprint, has_svg: bool, page: str, layout: Layout) -> str:
    file = layout.href(page, f"{layout.folder}/diagrams/{blueprint.id}.svg")
    return render("diagram.html", missing=not has_svg, file=file, title=blueprint.title)
