"""Analyses (+ diagram SVGs) -> the site's Markdown pages. Pure; every YAML text is escaped.

User text never goes into a Markdown heading (MkDocs copies heading text into the
table of contents and page titles unescaped); headings that carry it are written
as raw HTML with our own ids, which Material's search still splits sections on.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .analysis import Analysis, Finding
from .escape import cell, markdown_text as md
from . import journey_pages as journey
from .model import Blueprint, Step
from .rules import RULE_BY_SLUG, RULES, SEVERITIES

__all__ = ["Layout", "site_pages", "blueprint_path", "format_minutes"]

LANE_NAMES = {"customer": "Customer", "frontstage": "Frontstage", "backstage": "Backstage", "support": "Support"}
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # high first


@dataclass(frozen=True)
class Layout:
    """Where the generated pages go in the docs tree (paths relative to docs_dir)."""

    home: str = "index.md"
    folder: str = "blueprints"
    rules: str | None = None   # the project's own rules page; None -> we generate one

    def path(self, name: str) -> str:
        return f"{self.folder}/{name}.md"

    @property
    def rules_page(self) -> str:
        return self.rules or self.path("rules")


def blueprint_path(layout: Layout, blueprint_id: str) -> str:
    return layout.path(blueprint_id)


def _link(from_page: str, to_page: str, anchor: str = "") -> str:
    relative = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{relative}#{anchor}" if anchor else relative


def with_code(text: str) -> str:
    """Escaped text whose `backticked` parts are shown as code (our own <code> tags)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:   # an unpaired backtick: show it as text
        return md(text)
    return "".join(f"<code>{md(part)}</code>" if index % 2 else md(part) for index, part in enumerate(parts))


def format_minutes(minutes: int | None) -> str:
    """`1w 2d 3h 5m` for a number of minutes; an em dash when no time was given."""
    if not minutes:
        return "—"
    parts = []
    for unit, size in (("w", 10080), ("d", 1440), ("h", 60), ("m", 1)):
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return " ".join(parts)


def _front_matter(title: str) -> str:
    # MkDocs inserts front-matter titles into the page unescaped: give it HTML-escaped
    # text; JSON strings are valid YAML, so no YAML syntax in the title can leak.
    return f"---\ntitle: {json.dumps(md(title))}\n---\n\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _counts(findings) -> Counter:
    return Counter(finding.severity for finding in findings)


def _step_ref(page: str, target_page: str, step: str | None) -> str:
    if not step:
        return "—"
    return f"[{md(step)}]({_link(page, target_page, 'step-' + step)})"


# -- the blueprint page ----------------------------------------------------------------


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


def _meta(analysis: Analysis, page: str, layout: Layout, by_id: dict[str, Analysis],
          redesigned_by: dict[str, list[Analysis]]) -> str:
    b = analysis.blueprint
    tags = ", ".join(f"[{md(t)}]({_link(page, layout.path('tags'), _tag_anchor(t))})" for t in b.tags)
    lines = [f"- **Status:** {md(b.status)}"]
    if b.maintainer:
        lines.append(f"- **Maintainer:** {md(b.maintainer)}")
    if tags:
        lines.append(f"- **Tags:** {tags}")
    lines.append(f"- **Source file:** {md(b.file)}")
    if b.redesigns and b.redesigns in by_id:
        target = by_id[b.redesigns].blueprint
        lines.append(f"- **Redesigns:** [{md(target.title)}]({_link(page, layout.path(target.id))})")
    for other in redesigned_by.get(b.id, []):
        lines.append(f"- **Redesigned in:** [{md(other.blueprint.title)}]({_link(page, layout.path(other.blueprint.id))})")
    summary = f"{md(b.summary)}\n\n" if b.summary else ""
    return summary + "\n".join(lines) + "\n"


def _cards(figures: list[tuple[str, int | str]]) -> str:
    """Key figures as cards (numbers and our own labels only: nothing from YAML)."""
    cards = "".join(f'<div class="bpg-card"><span class="bpg-figure">{value}</span>'
                    f'<span class="bpg-label">{label}</span></div>' for label, value in figures)
    return f'<div class="bpg-cards">{cards}</div>\n'


def _metrics(analysis: Analysis) -> str:
    m = analysis.metrics
    return _cards([("steps", m.steps), ("owners", m.owners), ("handoffs", m.handoffs),
                   ("across the line of visibility", m.handoffs_across_visibility),
                   ("customer contacts", m.customer_contacts), ("channel switches", m.channel_switches),
                   ("promises kept", m.promises_kept), ("promises broken", m.promises_broken),
                   ("promises withdrawn", m.promises_withdrawn),
                   ("longest time to resolution", format_minutes(m.longest_time_to_resolution_minutes)),
                   ("back-office owners on the longest path", m.back_office_owners_on_longest_path
                    if m.back_office_owners_on_longest_path is not None else "—"),
                   ("breaks", len(analysis.findings)),
                   ("lowest customer emotion", f"{m.lowest_emotion:+d}" if m.lowest_emotion else
                    ("0" if m.lowest_emotion == 0 else "—")),
                   ("steps below neutral", m.steps_below_neutral), ("pain points", m.pain_points),
                   ("cost to resolution", md(m.cost_on_longest_path) if m.cost_on_longest_path else "—")])


def _finding_item(finding: Finding, page: str, layout: Layout) -> str:
    rule = RULE_BY_SLUG[finding.rule]
    where = f" at step [{md(finding.step)}](#step-{finding.step})" if finding.step else ""
    return (f'{finding.number}. <span id="finding-{finding.number}"></span>**{finding.severity}** [`{finding.rule}`]({_link(page, layout.rules_page, finding.rule)})'
            f"{where}: {md(finding.message)}  \n"
            f"    *Why it matters:* {md(rule.explanation)}  \n"
            f"    *Fix:* {with_code(finding.hint)}")


def _findings(analysis: Analysis, page: str, layout: Layout) -> str:
    if not analysis.findings:
        return "No breaks found: every handoff in this blueprint holds.\n"
    counts = _counts(analysis.findings)
    head = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts[s])
    items = "\n".join(_finding_item(f, page, layout) for f in analysis.findings)
    return f"{len(analysis.findings)} breaks ({head}). The numbers match the badges on the diagram.\n\n{items}\n"


def _step_details(analysis: Analysis, step: Step, numbers: list[int]) -> str:
    b = analysis.blueprint
    items = [("Who", _actor_name(b, step)), ("Lane", LANE_NAMES[step.lane]),
             ("Channel", _channel_name(b, step.channel)), ("Touchpoint", step.touchpoint),
             ("Evidence", step.evidence), ("Customer waits before", step.wait and step.wait.text),
             ("Takes", step.duration and step.duration.text)]
    lines = [f"- {name}: {md(value)}" for name, value in items if value]
    if step.promise:
        within = f" (within {md(step.promise.within.text)})" if step.promise.within else " (no deadline)"
        keepers = [s.id for s in b.steps if s.fulfils == step.id]
        kept = ", ".join(f"[{md(k)}](#step-{k})" for k in keepers) or "no step"
        lines.append(f"- Promise: {md(step.promise.what)}{within}; kept by {kept}")
        withdrawers = [s.id for s in b.steps if s.withdraws == step.id]
        if withdrawers:
            by = ", ".join(f"[{md(k)}](#step-{k})" for k in withdrawers)
            lines.append(f"- Promise withdrawn: the customer is told it no longer holds at {by}")
    if step.fulfils:
        lines.append(f"- Keeps the promise of [{md(step.fulfils)}](#step-{step.fulfils})")
    if step.withdraws:
        lines.append(f"- Withdraws the promise of [{md(step.withdraws)}](#step-{step.withdraws}): "
                     f"tells the customer it no longer holds")
    if step.failure:
        recovery = f"[{md(step.failure.recovery)}](#step-{step.failure.recovery})" if step.failure.recovery else "none"
        lines.append(f"- Failure point: {md(step.failure.what)} — recovery: {recovery}")
    if step.end:
        lines.append(f"- The journey ends here: {md(step.end)}")
    following = ", ".join(f"[{md(e.to)}](#step-{e.to})" for e in step.next)
    lines.append(f"- Next: {following or 'nothing'}")
    lines.extend(journey.step_layers(b, step))
    if numbers:
        lines.append("- Breaks here: " + ", ".join(f"[#{n}](#finding-{n})" for n in numbers))
    return "\n".join(lines) + "\n"


def _steps(analysis: Analysis) -> str:
    b = analysis.blueprint
    numbers: dict[str, list[int]] = defaultdict(list)
    for finding in analysis.findings:
        if finding.step:
            numbers[finding.step].append(finding.number)
    groups: dict[str | None, list[Step]] = {stage: [] for stage in b.stages}
    for step in b.steps:
        groups.setdefault(step.stage, []).append(step)
    parts = []
    for index, (stage, steps) in enumerate(groups.items(), start=1):
        if not steps:
            continue
        if b.stages:
            name = md(stage) if stage else "Without a stage"
            parts.append(f'<h3 id="stage-{index}">Stage: {name}</h3>\n')
        for step in steps:
            parts.append(f'<h4 id="step-{step.id}">{md(LANE_NAMES[step.lane])} · {md(step.action)}</h4>\n')
            parts.append(_step_details(analysis, step, numbers[step.id]))
    return "\n".join(parts)


def _handoffs(analysis: Analysis) -> str:
    b = analysis.blueprint
    if not analysis.handoffs:
        return "No handoffs: one actor does everything.\n"
    rows = []
    for handoff in analysis.handoffs:
        edge = handoff.edge
        source, target = b.step_by_id[edge.source], b.step_by_id[edge.to]
        status = ("broken: " + ", ".join(f"[#{n}](#finding-{n})" for n in handoff.broken_by)
                  if handoff.broken_by else "holds")
        rows.append([f"[{md(edge.source)}](#step-{edge.source}) ({md(_actor_name(b, source))})",
                     f"[{md(edge.to)}](#step-{edge.to}) ({md(_actor_name(b, target))})",
                     cell(_channel_name(b, edge.via)), cell(edge.within and edge.within.text),
                     md(", ".join(edge.carries)) if edge.carries else "nothing", status])
    return _table(["From", "To", "Via", "Within", "Carries", "Status"], rows)


def _ignored(analysis: Analysis, page: str, layout: Layout) -> str:
    rows = [[f"[`{f.rule}`]({_link(page, layout.rules_page, f.rule)})", _step_ref(page, page, f.step),
             md(f.message), md(f.ignored or "")] for f in analysis.ignored]
    return _table(["Rule", "Step", "Finding", "Reason given"], rows)


def _removed(analysis: Analysis, as_is: Analysis, page: str, layout: Layout) -> str:
    """Which of the as-is blueprint's findings this to-be redesign removes."""
    still = {(f.rule, f.step) for f in analysis.findings}
    rows = []
    for finding in as_is.findings:
        removed = (finding.rule, finding.step) not in still
        rows.append([f"[#{finding.number}]({_link(page, layout.path(as_is.blueprint.id), f'finding-{finding.number}')})",
                     f"`{finding.rule}`", md(finding.step or "—"), md(finding.message),
                     "removed" if removed else "still present"])
    gone = sum(row[-1] == "removed" for row in rows)
    return f"This redesign removes {gone} of the {len(rows)} breaks of the as-is blueprint.\n\n" + _table(
        ["As-is", "Rule", "Step", "Break", "Now"], rows)


def _diagram(blueprint: Blueprint, svg: str | None, page: str, layout: Layout) -> str:
    if svg is None:
        return "The diagram could not be drawn; see the build log.\n"
    full = _link(page, f"{layout.folder}/diagrams/{blueprint.id}.svg")
    # A checkbox toggles between fit-to-width and natural size (pure CSS, no script).
    return (f'<div class="bpg-diagram-box">\n<input type="checkbox" class="bpg-zoom" id="zoom-{blueprint.id}">'
            f'<label class="bpg-zoom-label" for="zoom-{blueprint.id}">Zoom to full size</label>\n'
            f'<div class="bpg-diagram" role="figure" aria-label="Service blueprint diagram">\n{_inline_svg(svg)}\n'
            f"</div>\n</div>\n\n[Open the diagram on its own]({full})\n")


_SVG_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)


def _inline_svg(svg: str) -> str:
    """The <svg> element only, with nothing a Markdown pre-processor could act on."""
    body = _SVG_PROLOGUE.sub("", svg, count=1)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = body.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return "\n".join(line for line in body.splitlines() if line.strip())


def blueprint_page(analysis: Analysis, svg: str | None, layout: Layout, by_id: dict[str, Analysis],
                   redesigned_by: dict[str, list[Analysis]]) -> str:
    b = analysis.blueprint
    page = layout.path(b.id)
    parts = [
        _front_matter(b.title),
        f'<h1 id="blueprint-{b.id}">{md(b.title)}</h1>\n',
        _meta(analysis, page, layout, by_id, redesigned_by),
        journey.persona_box(b),
        "## Measures\n", _metrics(analysis),
        "## Diagram\n", _diagram(b, svg, page, layout),
        journey.lowest_moments(b),
        "## Breaks\n",
        _findings(analysis, page, layout),
    ]
    if b.redesigns and b.redesigns in by_id:
        parts += ["## What this redesign removes\n", _removed(analysis, by_id[b.redesigns], page, layout)]
    redesigned = by_id[b.redesigns].blueprint if b.redesigns in by_id else None
    parts += [journey.realised_section(b, redesigned, page, layout.path(b.redesigns or "")),
              journey.opportunities_section(b)]
    parts += ["## Steps\n", _steps(analysis), "## Handoffs\n", _handoffs(analysis)]
    if analysis.ignored:
        parts += ["## Ignored findings\n", _ignored(analysis, page, layout)]
    return "\n".join(parts)


# -- pages across blueprints -----------------------------------------------------------------


def _ranked(analyses: list[Analysis]) -> list[Analysis]:
    def key(a: Analysis):
        counts = _counts(a.findings)
        return (-counts["high"], -counts["medium"], -counts["low"], a.blueprint.title, a.blueprint.id)
    return sorted(analyses, key=key)


def _problems_banner(problems) -> str:
    """Shown on the home page of a live preview while a blueprint does not load."""
    if not problems:
        return ""
    items = "\n".join(f"- {md(str(problem))}" for problem in problems)
    return (f'<div class="bpg-problems" markdown="0"><strong>{len(problems)} problem(s) in the blueprints; '
            f"the pages below leave those blueprints out until they are fixed.</strong></div>\n\n{items}\n\n")


def dashboard(analyses: list[Analysis], layout: Layout, problems=()) -> str:
    page = layout.home
    findings = [f for a in analyses for f in a.findings]
    counts = _counts(findings)
    totals = _cards([("blueprints", len(analyses)), ("steps", sum(a.metrics.steps for a in analyses)),
                     ("handoffs", sum(a.metrics.handoffs for a in analyses)),
                     ("broken handoffs", sum(1 for a in analyses for h in a.handoffs if h.broken_by)),
                     ("breaks", len(findings)), ("high", counts["high"]), ("medium", counts["medium"]),
                     ("low", counts["low"])])
    rows = []
    for a in _ranked(analyses):
        c = _counts(a.findings)
        breaks = " · ".join(f"{c[s]} {s}" for s in SEVERITY_ORDER if c[s]) or "none"
        rows.append([f"[{md(a.blueprint.title)}]({_link(page, layout.path(a.blueprint.id))})", md(a.blueprint.status),
                     breaks, f"{sum(1 for h in a.handoffs if h.broken_by)} of {a.metrics.handoffs}",
                     format_minutes(a.metrics.longest_time_to_resolution_minutes)])
    by_rule = Counter(f.rule for f in findings)
    rule_rows = [[f"[`{r.slug}`]({_link(page, layout.path('breaks'), r.slug)})", md(r.title),
                  str(by_rule[r.slug]), str(len({f.blueprint for f in findings if f.rule == r.slug}))]
                 for r in RULES if by_rule[r.slug]]
    return "".join([
        _front_matter("Service blueprints"), "# Service blueprints\n\n", _problems_banner(problems),
        "Where the handoffs between people and teams break, blueprint by blueprint.\n\n", totals,
        "\n## Blueprints, most high-severity breaks first\n\n",
        _table(["Blueprint", "Status", "Breaks", "Broken handoffs", "Longest time to resolution"], rows),
        journey.lowest_emotion_table(analyses, page, layout.path),
        "\n## Breaks by rule\n\n",
        _table(["Rule", "What breaks", "Breaks", "Blueprints"], rule_rows) if rule_rows else "No breaks.\n",
        f"\n## See also\n\n- [Every break, by rule]({_link(page, layout.path('breaks'))})\n"
        f"- [Owners and teams: who must fix what]({_link(page, layout.path('owners'))})\n"
        f"- [Blueprints by tag]({_link(page, layout.path('tags'))})\n"
        f"- [Opportunities: impact × effort]({_link(page, layout.path(journey.OPPORTUNITIES))})\n"
        f"- [Personas and their journeys]({_link(page, layout.path(journey.PERSONAS))})\n"
        f"- [The rules explained]({_link(page, layout.rules_page)})\n",
    ])


def breaks_page(analyses: list[Analysis], layout: Layout) -> str:
    page = layout.path("breaks")
    parts = [_front_matter("Breaks"), "# Breaks\n\nEvery break across all blueprints, grouped by rule.\n"]
    for rule in RULES:
        found = [(a, f) for a in sorted(analyses, key=lambda a: a.blueprint.id) for f in a.findings if f.rule == rule.slug]
        if not found:
            continue
        rows = [[f"[{md(a.blueprint.title)}]({_link(page, layout.path(a.blueprint.id))})",
                 f"[#{f.number}]({_link(page, layout.path(a.blueprint.id), f'finding-{f.number}')})",
                 _step_ref(page, layout.path(a.blueprint.id), f.step), f.severity, md(f.message)] for a, f in found]
        parts.append(f"\n## {rule.slug}\n\n{md(rule.explanation)} [How to fix]({_link(page, layout.rules_page, rule.slug)})\n\n")
        parts.append(_table(["Blueprint", "#", "Step", "Severity", "What breaks"], rows))
    return "".join(parts)


def _team(blueprint: Blueprint, key: str | None) -> str:
    owner = blueprint.owner_by_key.get(key) if key else None
    if owner is None:
        return "Customer" if key is None else "Nobody"
    return owner.team or owner.name


def owners_page(analyses: list[Analysis], layout: Layout) -> str:
    page = layout.path("owners")
    owned: dict[str, list[str]] = defaultdict(list)
    broken: dict[str, list[str]] = defaultdict(list)
    matrix: Counter = Counter()
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        b, target_page = a.blueprint, layout.path(a.blueprint.id)
        for step in b.steps:
            if step.is_staff:
                owner = _owner_name(b, step.owner) or "nobody"
                owned[_team(b, step.owner) if step.owner else "Nobody"].append(
                    f"| [{md(b.title)}]({_link(page, target_page)}) | {_step_ref(page, target_page, step.id)} | "
                    f"{md(owner)} | {md(step.action)} |")
        for handoff in a.handoffs:
            if not handoff.broken_by:
                continue
            source, target = b.step_by_id[handoff.edge.source], b.step_by_id[handoff.edge.to]
            teams = (_team(b, source.owner if source.is_staff else None) if source.owner or not source.is_staff else "Nobody",
                     _team(b, target.owner if target.is_staff else None) if target.owner or not target.is_staff else "Nobody")
            matrix[teams] += 1
            numbers = ", ".join(f"[#{n}]({_link(page, target_page, f'finding-{n}')})" for n in handoff.broken_by)
            line = (f"| [{md(b.title)}]({_link(page, target_page)}) | {_step_ref(page, target_page, source.id)} → "
                    f"{_step_ref(page, target_page, target.id)} | {md(teams[0])} → {md(teams[1])} | {numbers} |")
            for team in sorted(set(teams)):
                if team != "Customer":
                    broken[team].append(line)
    teams = sorted(set(owned) | set(broken))
    parts = [_front_matter("Owners"), "# Owners and teams\n\n",
             "Who must fix what: for each team, the steps it owns and the broken handoffs into and out of it.\n\n",
             "## Broken handoffs between teams\n\n"]
    columns = sorted({t for pair in matrix for t in pair})
    if columns:
        parts.append(_table(["From \\ To"] + [md(c) for c in columns],
                            [[md(r)] + [str(matrix[(r, c)] or "·") for c in columns] for r in columns]))
    else:
        parts.append("No broken handoffs.\n")
    for index, team in enumerate(teams, start=1):
        parts.append(f'\n<h2 id="team-{index}">{md(team)}</h2>\n\n')
        if broken[team]:
            parts.append("Broken handoffs:\n\n| Blueprint | Handoff | Teams | Breaks |\n|---|---|---|---|\n")
            parts.append("\n".join(broken[team]) + "\n\n")
        if owned[team]:
            parts.append("Steps owned:\n\n| Blueprint | Step | Owner | Action |\n|---|---|---|---|\n")
            parts.append("\n".join(owned[team]) + "\n")
    return "".join(parts)


def _tag_anchor(tag: str) -> str:
    """`tag-<slug>`, unique per tag: a tag that is not already its own slug (`Retail`, `a b`) gets
    a short hash of its exact text, so `Retail`, `retail`, `a b` and `a-b` never share an anchor."""
    slug = "".join(c if c.isalnum() else "-" for c in tag.lower()).strip("-")
    if slug == tag:
        return f"tag-{slug}"
    return f"tag-{slug}-{hashlib.sha256(tag.encode('utf-8')).hexdigest()[:8]}".replace("--", "-")


def tags_page(analyses: list[Analysis], layout: Layout) -> str:
    page = layout.path("tags")
    by_tag: dict[str, list[Analysis]] = defaultdict(list)
    for a in analyses:
        for tag in a.blueprint.tags:
            by_tag[tag].append(a)
    parts = [_front_matter("Tags"), "# Blueprints by tag\n"]
    for tag in sorted(by_tag, key=str.lower):
        items = "\n".join(f"- [{md(a.blueprint.title)}]({_link(page, layout.path(a.blueprint.id))})"
                          for a in sorted(by_tag[tag], key=lambda a: a.blueprint.title))
        parts.append(f'\n<h2 id="{_tag_anchor(tag)}">{md(tag)}</h2>\n\n{items}\n')
    return "".join(parts)


def rules_page() -> str:
    parts = [_front_matter("Rules"), "# Rules\n\nThe handoff rules blueprintgen checks.\n"]
    for rule in RULES:
        parts.append(f"\n## {rule.slug}\n\n**{rule.title}**, default severity **{rule.severity}**.\n\n"
                     f"{md(rule.explanation)}\n\n*Fix:* {md(rule.hint)}\n")
    return "".join(parts)


def site_pages(analyses: list[Analysis], svgs: dict[str, str | None], layout: Layout,
               problems=()) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown text."""
    by_id = {a.blueprint.id: a for a in analyses}
    redesigned_by: dict[str, list[Analysis]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        if a.blueprint.redesigns:
            redesigned_by[a.blueprint.redesigns].append(a)
    pages = {
        layout.home: dashboard(analyses, layout, problems),
        layout.path("breaks"): breaks_page(analyses, layout),
        layout.path("owners"): owners_page(analyses, layout),
        layout.path("tags"): tags_page(analyses, layout),
        layout.path(journey.OPPORTUNITIES): journey.opportunities_page(
            analyses, layout.path(journey.OPPORTUNITIES), layout.path),
        layout.path(journey.PERSONAS): journey.personas_page(analyses, layout.path(journey.PERSONAS), layout.path),
    }
    if layout.rules is None:
        pages[layout.path("rules")] = rules_page()
    for a in analyses:
        pages[layout.path(a.blueprint.id)] = blueprint_page(a, svgs.get(a.blueprint.id), layout, by_id, redesigned_by)
    return pages
