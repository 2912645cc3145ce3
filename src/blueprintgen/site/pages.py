"""Analyses -> the site's pages: Markdown headings around HTML from templates. Pure; escaped by construction.

Section headings we write ourselves stay Markdown (`## Breaks`), so they feed the
table of contents; everything that carries YAML text is HTML rendered by the templates
in `templates/` (autoescape), as one raw block Markdown keeps as it is. Headings that
carry user text are HTML with our own ids, which search still splits sections on.
The diagram is not in the page: it holds an <img> of the diagram's own file, which the
viewer loads in its place, so the SVG never passes through Markdown or the search index.
Every page is bounded: long lists are split into pages of `PAGE_ROWS` rows.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from ..analysis import Analysis, Finding
from ..escape import markdown_text
from .markup import Markup, cell_json, grouped, join, link, render, shown
from . import journey_pages as journey
from ..model import Blueprint, Step
from ..rules import RULE_BY_SLUG, RULES, SEVERITIES

__all__ = ["Layout", "Page", "place_blocks", "blueprint_page", "portfolio_pages", "redesigns", "format_minutes",
           "PAGE_ROWS"]

LANE_NAMES = {"customer": "Customer", "frontstage": "Frontstage", "backstage": "Backstage", "support": "Support"}
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # high first
PAGE_ROWS = 10        # rows of a long list in the page's HTML: a page at 1,000 blueprints weighs what it does at 10
CHUNK_ROWS = 100      # rows per JSON file of the rest, loaded on request
TOP_ENTRIES = 3       # entries of each rule shown on the breaks index
WORST = 20            # blueprints on the dashboard
MATRIX_TEAMS = 8      # teams in the heat map of broken handoffs: it fits the content column


@dataclass(frozen=True)
class Layout:
    """Where the generated pages go in the docs tree (paths relative to docs_dir) and how their URLs look."""

    home: str = "index.md"
    folder: str = "blueprints"
    directory_urls: bool = True
    # Engines that rewrite links in HTML too (Zensical) want them between source files, as Markdown's are.
    source_links: bool = False
    search: bool = False   # the site has our Pagefind index: a search box on the dashboard and a search page

    def path(self, name: str) -> str:
        return f"{self.folder}/{name}.md"

    @property
    def rules_page(self) -> str:
        return self.path("rules")

    def url(self, page: str) -> str:
        """The site URL of a docs page, relative to the site root, as MkDocs and Zensical make it."""
        stem = page[:-3]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[:-5]
        return stem + "/"

    def href(self, from_page: str, to_page: str, anchor: str = "") -> str:
        """A link from one generated page to another (the HTML is not rewritten by the engine)."""
        fragment = f"#{anchor}" if anchor else ""
        if from_page == to_page:
            return fragment or "./"
        if self.source_links:
            return _relpath(to_page, posixpath.dirname(from_page) or ".") + fragment
        source = self.url(from_page)
        target = self.url(to_page) if to_page.endswith(".md") else to_page   # a file, e.g. a diagram
        folder = source.rstrip("/") if self.directory_urls and source.endswith("/") else posixpath.dirname(source)
        relative = _relpath(target or ".", folder or ".")
        if target == "" or target.endswith("/"):
            relative = "./" if relative == "." else relative + "/"
        return relative + fragment


def _relpath(target: str, folder: str) -> str:
    """posixpath.relpath of two paths under the same root, without asking the OS for the working
    directory each time (relpath does: thousands of links per build)."""
    if ".." in target or ".." in folder:
        return posixpath.relpath(target, folder)
    to = [part for part in target.split("/") if part and part != "."]
    start = [part for part in folder.split("/") if part and part != "."]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


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


def slug(text: str) -> str:
    """A file name for a team or tag: readable ASCII, with a digest when the ASCII loses something."""
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    # Only a text that is its own slug keeps it bare: `Retail`, `retail`, `a b` and `a-b` never share a page.
    # `index` never does: `tags/index` is the page that lists the tags.
    if ascii_slug == text and text != "index":
        return ascii_slug
    return f"{ascii_slug}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}".lstrip("-")


def with_code(text: str) -> Markup:
    """Escaped text whose `backticked` parts are shown as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:   # an unpaired backtick: show it as text
        return shown(text)
    return Markup("").join(Markup("<code>%s</code>") % shown(part) if index % 2 else shown(part)
                           for index, part in enumerate(parts))


# What a YAML stream may not hold as it is (PyYAML refuses the front matter, and MkDocs then
# drops it silently), and line separators, which YAML would fold into a space.
_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                                 "|[\x85\u2028\u2029]")


def _front_matter(title: str) -> str:
    # MkDocs inserts front-matter titles into the page unescaped: give it HTML-escaped
    # text; JSON strings are valid YAML, so no YAML syntax in the title can leak. Not ASCII
    # escapes: YAML refuses JSON's surrogate pairs (an emoji), so every other character is kept.
    quoted = _NOT_YAML_PRINTABLE.sub(_yaml_escape, json.dumps(markdown_text(title), ensure_ascii=False))
    return f"---\ntitle: {quoted}\n---\n\n"


def _yaml_escape(match: re.Match) -> str:
    return "\\u%04x" % ord(match[0])


@dataclass
class Page:
    """A generated page: Markdown of our headings and one marker per HTML block, and the blocks.

    The engine's Markdown never parses the blocks: the plugin puts `blocks` in after
    Markdown (search indexes them) and `late` ones (marked data-search-exclude: cards,
    tables of numbers, the diagram viewer) after search too. `full()` is the page with
    every block in place, for engines without our plugin.
    """

    markdown: str
    blocks: dict[str, str]
    late: dict[str, str]

    def full(self) -> str:
        text = self.markdown
        for marker, html in (*self.blocks.items(), *self.late.items()):
            text = text.replace(marker, html.rstrip("\n"), 1)
        return text


def _page(title: str, *parts: str) -> Page:
    markdown, blocks, late = [_front_matter(title)], {}, {}
    for number, part in enumerate(parts):
        if not part:
            continue
        if not part.startswith("<"):
            markdown.append(part)
            continue
        marker = f"<!--bpg-block-{number}-->"
        (late if "data-search-exclude" in part.split("\n", 1)[0] else blocks)[marker] = part
        markdown.append(marker + "\n")
    return Page("\n".join(markdown), blocks, late)


def place_blocks(html: str, blocks: dict[str, str]) -> str:
    """The HTML of a page with each block where Markdown left its marker."""
    for marker, block in blocks.items():
        html = html.replace(marker, block, 1)
    return html


def _counts(findings) -> Counter:
    return Counter(finding.severity for finding in findings)


def _severity_summary(findings, none: str = "none") -> str:
    counts = _counts(findings)
    return " · ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts[s]) or none


def _table(header: list[str], rows: list[list], exclude: bool = False) -> str:
    return render("table.html", header=header, rows=rows, exclude=exclude)


def _text(*paragraphs) -> str:
    return render("text.html", paragraphs=paragraphs)


def _cards(figures: list[tuple[str, int | str]]) -> str:
    return render("cards.html", figures=figures)


def _heading(level: int, anchor: str, text) -> str:
    return render("heading.html", level=level, anchor=anchor, text=text)


# -- long lists, split into pages -------------------------------------------------------------


def _paged(layout: Layout, first: str, title: str, intro: list[str], header: list[str], rows: "_Rows",
           empty: str = "Nothing to list yet.") -> dict:
    """A long table as one page of its first PAGE_ROWS rows; the rest in JSON files of CHUNK_ROWS rows
    that the page's script adds on request (links to them stay for readers without script).
    With no rows, the page says `empty` instead of showing a table of headers only."""
    items, files = rows.items, {}
    if not items:
        files[first] = _page(title, *intro, _text(with_code(empty)))
        return files
    # Rows in the JSON files are shown on the page's own URL, whatever the engine does with hrefs.
    url_layout = replace(layout, source_links=False)
    chunks = []
    for number, start in enumerate(range(PAGE_ROWS, len(items), CHUNK_ROWS), start=1):
        path = f"{first[:-3]}/rows-{number}.json"
        data = {"rows": [[cell_json(cell) for cell in row] for row in rows(url_layout, first, items[start:start + CHUNK_ROWS])]}
        files[path] = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        chunks.append((layout.href(first, path), start + 1, min(start + CHUNK_ROWS, len(items))))
    table = render("list.html", header=header, rows=rows(layout, first, items[:PAGE_ROWS]), total=len(items),
                   chunks=chunks)
    files[first] = _page(title, *intro, table)
    return files


class _Rows:
    """Items of a long list, and how to show some of them on a page: row(layout, page, item)."""

    def __init__(self, items: list, row):
        self.items, self._row = items, row

    def __call__(self, layout: Layout, page: str, chunk: list) -> list[list]:
        return [self._row(layout, page, item) for item in chunk]


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


def _step_link(step: str) -> Markup:
    return link(f"#step-{step}", step)


def _head(analysis: Analysis, page: str, layout: Layout, by_id: dict[str, Analysis],
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
                   ("cost to resolution", m.cost_on_longest_path or "—")])


def _findings(analysis: Analysis, page: str, layout: Layout) -> str:
    # The rule's explanation is on the rules page, one link away: not repeated per finding.
    items = [{"number": f.number, "severity": f.severity, "message": f.message, "hint": with_code(f.hint),
              "rule": link(layout.href(page, layout.rules_page, f.rule), f.rule, code=True),
              "step": _step_link(f.step) if f.step else None} for f in analysis.findings]
    return render("findings.html", findings=items, summary=_severity_summary(analysis.findings).replace(" · ", ", "))


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


def _steps(analysis: Analysis) -> str:
    b = analysis.blueprint
    numbers: dict[str, list[int]] = defaultdict(list)
    for finding in analysis.findings:
        if finding.step:
            numbers[finding.step].append(finding.number)
    groups: dict[str | None, list[Step]] = {stage: [] for stage in b.stages}
    for step in b.steps:
        groups.setdefault(step.stage, []).append(step)
    shown_groups = []
    for index, (stage, steps) in enumerate(groups.items(), start=1):
        if not steps:
            continue
        name = (stage or "Without a stage") if b.stages else None
        shown_groups.append({"index": index, "name": name, "steps": [
            {"id": s.id, "lane": LANE_NAMES[s.lane], "action": s.action, "details": _step_items(analysis, s, numbers[s.id])}
            for s in steps]})
    return render("steps.html", groups=shown_groups)


def _handoffs(analysis: Analysis) -> str:
    b = analysis.blueprint
    if not analysis.handoffs:
        return _text("No handoffs: one actor does everything.")
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
    return _table(["From", "To", "Via", "Within", "Carries", "Status"], rows, exclude=True)


def _ignored(analysis: Analysis, page: str, layout: Layout) -> str:
    rows = [[link(layout.href(page, layout.rules_page, f.rule), f.rule, code=True),
             _step_link(f.step) if f.step else None, f.message, f.ignored or ""] for f in analysis.ignored]
    return _table(["Rule", "Step", "Finding", "Reason given"], rows)


def _designed(analysis: Analysis, page: str, layout: Layout) -> str:
    """The loops this blueprint says repeat by design: each a claim for a reviewer to check, not a finding."""
    rows = [[join([_step_link(d.edge.source), " \u2192 ", _step_link(d.edge.to)], ""), d.repeat.why,
             f"{d.repeat.at_most}", link(layout.href(page, layout.rules_page, d.rule), d.rule, code=True)]
            for d in analysis.designed]
    return (_text(Markup("Loops the blueprint says are part of the design (<code>repeat:</code> on the arrow back). "
                         "They are not counted as breaks: check that each claim holds."))
            + _table(["Arrow back", "Why it repeats", "At most", "Instead of"], rows))


def _removed(analysis: Analysis, as_is: Analysis, page: str, layout: Layout) -> str:
    """Which of the as-is blueprint's findings this to-be redesign removes."""
    still = {(f.rule, f.step) for f in analysis.findings}
    target = layout.path(as_is.blueprint.id)
    rows = [[link(layout.href(page, target, f"finding-{f.number}"), f"#{f.number}"), Markup("<code>%s</code>") % f.rule,
             f.step or "—", f.message, "still present" if (f.rule, f.step) in still else "removed"]
            for f in as_is.findings]
    gone = sum(row[-1] == "removed" for row in rows)
    return (_text(f"This redesign removes {gone} of the {len(rows)} breaks of the as-is blueprint.")
            + _table(["As-is", "Rule", "Step", "Break", "Now"], rows, exclude=True))


def _diagram(blueprint: Blueprint, has_svg: bool, page: str, layout: Layout) -> str:
    file = layout.href(page, f"{layout.folder}/diagrams/{blueprint.id}.svg")
    return render("diagram.html", missing=not has_svg, file=file, title=blueprint.title)


def blueprint_page(analysis: Analysis, has_svg: bool, layout: Layout, by_id: dict[str, Analysis],
                   redesigned_by: dict[str, list[Analysis]]) -> Page:
    b = analysis.blueprint
    page = layout.path(b.id)
    parts = [_head(analysis, page, layout, by_id, redesigned_by), journey.persona_box(b),
             "## Measures\n", _metrics(analysis),
             "## Diagram\n", _diagram(b, has_svg, page, layout), journey.lowest_moments(b),
             "## Breaks\n", _findings(analysis, page, layout)]
    if analysis.designed:
        parts += ["## Designed repeats\n", _designed(analysis, page, layout)]
    if b.redesigns and b.redesigns in by_id:
        parts += ["## What this redesign removes\n", _removed(analysis, by_id[b.redesigns], page, layout)]
        as_is = by_id[b.redesigns].blueprint
        realised = journey.realised_section(b, as_is, lambda anchor: layout.href(page, layout.path(as_is.id), anchor))
        if realised:
            parts += ["## Opportunities it realises\n", realised]
    if b.opportunities:
        parts += ["## Opportunities\n", journey.opportunities_section(b)]
    parts += ["## Steps\n", _steps(analysis), "## Handoffs\n", _handoffs(analysis)]
    if analysis.ignored:
        parts += ["## Ignored findings\n", _ignored(analysis, page, layout)]
    return _page(b.title, *parts)


# -- pages across blueprints -----------------------------------------------------------------


def _ranked(analyses: list[Analysis]) -> list[Analysis]:
    def key(a: Analysis):
        counts = _counts(a.findings)
        return (-counts["high"], -counts["medium"], -counts["low"], a.blueprint.title, a.blueprint.id)
    return sorted(analyses, key=key)


def _problems_banner(problems) -> str:
    """Shown on the home page of a live preview while a blueprint does not load (the first 20)."""
    if not problems:
        return ""
    more = [f"… and {len(problems) - 20} more"] if len(problems) > 20 else []
    return render("problems.html", count=len(problems), problems=[str(p) for p in problems[:20]] + more)


def _blueprint_row(layout: Layout, page: str, a: Analysis) -> list:
    return [link(layout.href(page, layout.path(a.blueprint.id)), a.blueprint.title), a.blueprint.status,
            _severity_summary(a.findings), f"{sum(1 for h in a.handoffs if h.broken_by)} of {a.metrics.handoffs}",
            format_minutes(a.metrics.longest_time_to_resolution_minutes)]


BLUEPRINT_HEADER = ["Blueprint", "Status", "Breaks", "Broken handoffs", "Longest time to resolution"]


def dashboard(analyses: list[Analysis], layout: Layout, problems=()) -> Page:
    page = layout.home
    findings = [f for a in analyses for f in a.findings]
    counts = _counts(findings)
    totals = _cards([("blueprints", len(analyses)), ("steps", sum(a.metrics.steps for a in analyses)),
                     ("handoffs", sum(a.metrics.handoffs for a in analyses)),
                     ("broken handoffs", sum(1 for a in analyses for h in a.handoffs if h.broken_by)),
                     ("breaks", len(findings)), ("high", counts["high"]), ("medium", counts["medium"]),
                     ("low", counts["low"])])
    ranked = _ranked(analyses)
    worst = _table(BLUEPRINT_HEADER, [_blueprint_row(layout, page, a) for a in ranked[:WORST]])
    every = link(layout.href(page, layout.path("all")), f"All {_counted(len(analyses), 'blueprint')}, worst first")
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
    heading = f"## The worst {_counted(min(WORST, len(analyses)), 'blueprint')}: most high-severity breaks first\n"
    return _page("Service blueprints", "# Service blueprints\n", _problems_banner(problems), _search_box(page, layout),
                 _text("Where the handoffs between people and teams break, blueprint by blueprint."), totals,
                 heading, worst if analyses else _text("No blueprints yet."), _text(every),
                 "## Breaks by rule\n",
                 _table(["Rule", "What breaks", "Breaks", "Blueprints"], rule_rows) if rule_rows else _text("No breaks."),
                 "## Lowest customer emotion\n" if felt else "",
                 _table(["Blueprint", "Lowest", "Step", "What the customer said"], felt) if felt else "",
                 "## See also\n", see_also)


def _counted(count: int, word: str) -> str:
    """`1 blueprint`, `7 blueprints`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _search_box(page: str, layout: Layout) -> str:
    return render("search.html", bundle=layout.href(page, "pagefind/")) if layout.search else ""


def search_page(layout: Layout) -> Page:
    page = layout.path("search")
    return _page("Search", "# Search the blueprints\n", _search_box(page, layout),
                 _text("Steps, owners, teams, channels, failures and rule names of every blueprint."))


def all_blueprints_pages(analyses: list[Analysis], layout: Layout) -> dict:
    rows = _Rows(_ranked(analyses), _blueprint_row)
    return _paged(layout, layout.path("all"), "All blueprints",
                  ["# All blueprints\n", _text("Every blueprint, the most high-severity breaks first.")],
                  BLUEPRINT_HEADER, rows)


def _by_rule(analyses: list[Analysis]) -> dict[str, list[tuple[Analysis, list[Finding]]]]:
    """For each rule, the blueprints it fires in (by id) with their findings of it."""
    found: dict[str, list[tuple[Analysis, list[Finding]]]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        mine: dict[str, list[Finding]] = defaultdict(list)
        for f in a.findings:
            mine[f.rule].append(f)
        for rule, findings in mine.items():
            found[rule].append((a, findings))
    return found


def _rule_row(layout: Layout, page: str, item: tuple[Analysis, list[Finding]]) -> list:
    a, findings = item
    target = layout.path(a.blueprint.id)
    # A blueprint per row, its first findings of the rule as links: a row stays short however many there are.
    where = join(link(layout.href(page, target, f"finding-{f.number}"), f"#{f.number}") for f in findings[:3])
    if len(findings) > 3:
        where = join([where, f" and {len(findings) - 3} more"], "")
    return [link(layout.href(page, target), a.blueprint.title), len(findings), _severity_summary(findings), where]


RULE_HEADER = ["Blueprint", "Breaks", "Severity", "Where"]


def breaks_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("breaks")
    found = _by_rule(analyses)
    parts = ["# Breaks\n", _text("Every break across all blueprints, by rule: the blueprints it fires in first, "
                                 "then each rule's own pages.")]
    parts.append(_table(["Rule", "What breaks", "Breaks", "Blueprints"], [
        [link(layout.href(index, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title,
         sum(len(fs) for _, fs in found[r.slug]), len(found[r.slug])] for r in RULES if found[r.slug]]))
    pages: dict[str, str] = {}
    for rule in RULES:
        if not found[rule.slug]:
            continue
        first = layout.path(f"breaks/{rule.slug}")
        how = link(layout.href(index, layout.rules_page, rule.slug), "How to fix")
        everything = link(layout.href(index, first), f"All {_counted(len(found[rule.slug]), 'blueprint')} with {rule.slug}")
        parts += [_heading(2, rule.slug, rule.slug), _text(join([rule.explanation, " ", how], "")),
                  _table(RULE_HEADER, [_rule_row(layout, index, item) for item in found[rule.slug][:TOP_ENTRIES]]),
                  _text(everything)]
        intro = [_heading(1, f"rule-{rule.slug}", f"Breaks: {rule.slug}"),
                 _text(join([rule.explanation, " ", link(layout.href(first, layout.rules_page, rule.slug), "How to fix"),
                             " · ", link(layout.href(first, index), "All rules")], ""))]
        pages.update(_paged(layout, first, f"Breaks: {rule.slug}", intro, RULE_HEADER,
                            _Rows(found[rule.slug], _rule_row)))
    pages[index] = _page("Breaks", *parts)
    return pages


class _Lane(str):
    """The customer's side of a handoff among teams: shown as "The customer", and never equal to
    a team of any name (a team called that would otherwise have its handoffs merged with theirs)."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        return isinstance(other, _Lane) and str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("lane", str(self)))


CUSTOMER_SIDE = _Lane("The customer")   # "Customer" would read as a team of that name


def _team(blueprint: Blueprint, step: Step) -> str:
    if not step.is_staff:
        return CUSTOMER_SIDE
    owner = blueprint.owner_by_key.get(step.owner) if step.owner else None
    return grouped(owner.team or owner.name) if owner else "No owner"   # as on the opportunities page


@dataclass
class _TeamWork:
    """What one team does in one blueprint."""

    analysis: Analysis
    steps: int = 0
    broken: int = 0
    findings: tuple[int, ...] = ()


def owners_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("owners")
    work: dict[str, dict[str, _TeamWork]] = defaultdict(dict)   # team -> blueprint id -> work
    matrix: Counter = Counter()
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        b = a.blueprint
        for step in b.steps:
            if step.is_staff:
                work[_team(b, step)].setdefault(b.id, _TeamWork(a)).steps += 1
        for handoff in a.handoffs:
            if not handoff.broken_by:
                continue
            teams = (_team(b, b.step_by_id[handoff.edge.source]), _team(b, b.step_by_id[handoff.edge.to]))
            matrix[teams] += 1
            for team in sorted(set(teams) - {CUSTOMER_SIDE}):
                entry = work[team].setdefault(b.id, _TeamWork(a))
                entry.broken += 1
                entry.findings += handoff.broken_by
    teams = sorted(work, key=lambda t: (-sum(w.broken for w in work[t].values()), t))
    team_page = {team: layout.path(f"owners/team-{slug(team)}") for team in teams}

    def team_link(page: str, team: str, layout: Layout = layout):
        return link(layout.href(page, team_page[team]), team) if team in team_page else team

    pages: dict[str, str] = {}
    for team in teams:
        first = team_page[team]
        blueprints = sorted(work[team].values(), key=lambda w: (-w.broken, w.analysis.blueprint.id))

        def row(layout: Layout, page: str, w: _TeamWork) -> list:
            target = layout.path(w.analysis.blueprint.id)
            return [link(layout.href(page, target), w.analysis.blueprint.title), w.steps,
                    link(layout.href(page, target, "handoffs"), w.broken) if w.broken else 0]

        intro = [_heading(1, "team", team), _text(join([
            f"{sum(w.steps for w in blueprints)} steps owned and {sum(w.broken for w in blueprints)} broken handoffs "
            f"into or out of this team, in {len(blueprints)} blueprints, most broken handoffs first. ",
            link(layout.href(first, index), "All teams")], ""))]
        pages.update(_paged(layout, first, team, intro, ["Blueprint", "Steps owned", "Broken handoffs"],
                            _Rows(blueprints, row)))
    pages.update(_teams_index(layout, index, teams, work, matrix, team_link))
    return pages


def _teams_index(layout, index, teams, work, matrix, team_link) -> dict:
    # Heat map of the teams with the most broken handoffs, counted as the list below counts them
    # (so the two agree), with the customer's side first; and every team in pages of PAGE_ROWS.
    broken = {team: sum(w.broken for w in work[team].values()) for team in teams}
    ranked = sorted((team for team in teams if broken[team]), key=lambda t: (-broken[t], t))
    customer = [CUSTOMER_SIDE] if any(CUSTOMER_SIDE in pair for pair in matrix) else []
    shown_teams = customer + ranked[:MATRIX_TEAMS]
    top = max([matrix[(r, c)] for r in shown_teams for c in shown_teams] or [0])
    heat = lambda count: 0 if not count else 1 + (3 * count) // (top + 1)  # noqa: E731 - 1..3
    heat_map = render("matrix.html", teams=[{"name": t, "link": team_link(index, t)} for t in shown_teams],
                      rows=[{"team": {"name": r, "link": team_link(index, r)},
                             "cells": [(matrix[(r, c)], heat(matrix[(r, c)])) for c in shown_teams]}
                            for r in shown_teams]) if shown_teams else _text("No broken handoffs.")
    more = len(ranked) - len(shown_teams) + len(customer)
    intro = ["# Owners and teams\n",
             _text("Who must fix what: for each team, the blueprints where it owns steps and the broken "
                   "handoffs into and out of it."),
             "## Broken handoffs between teams\n", heat_map,
             _text(f"The {len(shown_teams) - len(customer)} team{'s' if len(shown_teams) - len(customer) != 1 else ''} "
                   "with the most broken handoffs" + (" and the customer" if customer else "")
                   + (f"; the other {more} team{'s' if more != 1 else ''} with broken handoffs are in the list below."
                      if more > 0 else ".")) if shown_teams else "",
             "## Teams\n"]
    rows = _Rows(teams, lambda layout, page, team: [team_link(page, team, layout), sum(w.steps for w in work[team].values()),
                                            sum(w.broken for w in work[team].values()), len(work[team])])
    return _paged(layout, index, "Owners", intro, ["Team", "Steps owned", "Broken handoffs", "Blueprints"], rows)


def tags_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("tags")
    by_tag: dict[str, list[Analysis]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: (a.blueprint.title, a.blueprint.id)):
        for tag in dict.fromkeys(grouped(t) for t in a.blueprint.tags):
            by_tag[tag].append(a)
    tags = sorted(by_tag, key=lambda t: (t.lower(), t))
    pages: dict[str, str] = {}
    for tag in tags:
        first = layout.path(f"tags/{slug(tag)}")
        intro = [_heading(1, "tag", tag), _text(link(layout.href(first, index), "All tags"))]
        pages.update(_paged(layout, first, tag, intro, BLUEPRINT_HEADER,
                            _Rows(by_tag[tag], _blueprint_row)))
    rows = _Rows(tags, lambda layout, page, tag: [link(layout.href(page, layout.path(f"tags/{slug(tag)}")), tag),
                                          len(by_tag[tag])])
    pages.update(_paged(layout, index, "Tags", ["# Blueprints by tag\n"], ["Tag", "Blueprints"], rows,
                        empty="No blueprint has tags yet: add `tags:` to group blueprints by subject."))
    return pages


def opportunities_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """The impact × effort matrix across blueprints (cells capped) and the opportunities per team, paged."""
    first = layout.path(journey.OPPORTUNITIES)
    efforts, rows, teams = journey.opportunity_cells(analyses, lambda blueprint_id, anchor: layout.href(
        first, layout.path(blueprint_id), anchor))
    intro = ["# Opportunities\n",
             _text("What the teams could change, across all blueprints: high impact for low effort is top left."),
             "## Impact × effort\n",
             render("opportunity_matrix.html", efforts=efforts, rows=rows) if teams else
             _text("No blueprint names an opportunity yet (see opportunities: in the format)."),
             "## Opportunities per team\n"]
    ranked = sorted(teams.items(), key=lambda item: (-item[1], item[0]))
    return _paged(layout, first, "Opportunities", intro, ["Team", "Opportunities"],
                  _Rows(ranked, lambda layout, page, item: [item[0], item[1]]),
                  empty="No team has an opportunity yet.")


def personas_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """Every journey, by the persona it is for, paged like the other long lists."""
    first = layout.path(journey.PERSONAS)
    intro = ["# Personas\n", _text("Who the journeys are for, and the journeys of each.")]

    def row(layout, page, item):
        name, b = item
        return [name, link(layout.href(page, layout.path(b.id), "persona"), b.title), b.status,
                b.persona.summary or "—"]

    return _paged(layout, first, "Personas", intro, ["Persona", "Journey", "Status", "Who"],
                  _Rows(journey.persona_journeys(analyses), row),
                  empty="No blueprint names its persona yet: add `persona:` with a name and who they are "
                        "(see the format).")


def rules_page() -> Page:
    parts = [_front_matter("Rules"), "# Rules\n\nThe handoff rules blueprintgen checks.\n"]
    for rule in RULES:
        # Our own words (never a blueprint's), whose `backticks` are code: HTML from with_code.
        parts.append(f"\n## {rule.slug}\n\n**{rule.title}**, default severity **{rule.severity}**.\n\n"
                     f"{with_code(rule.explanation)}\n\n*Fix:* {with_code(rule.hint)}\n")
    return Page("".join(parts), {}, {})


def redesigns(analyses: list[Analysis]) -> tuple[dict[str, Analysis], dict[str, list[Analysis]]]:
    by_id = {a.blueprint.id: a for a in analyses}
    redesigned_by: dict[str, list[Analysis]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        if a.blueprint.redesigns:
            redesigned_by[a.blueprint.redesigns].append(a)
    return by_id, redesigned_by


def portfolio_pages(analyses: list[Analysis], layout: Layout, problems=()) -> dict:
    """The pages across blueprints: dashboard, full list, breaks, owners, tags, rules."""
    pages = {layout.home: dashboard(analyses, layout, problems), layout.rules_page: rules_page()}
    if layout.search:
        pages[layout.path("search")] = search_page(layout)
    for part in (all_blueprints_pages, breaks_pages, owners_pages, tags_pages, opportunities_pages, personas_pages):
        pages.update(part(analyses, layout))
    return pages
