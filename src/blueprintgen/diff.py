"""What a change does to the customer: two sides' analyses compared blueprint by blueprint; pure."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import fields, is_dataclass

from .analysis import Analysis
from .baseline import fingerprint
from .escape import markdown, terminal
from .gate import Gate
from .loader import Problem, is_blueprint_name
from .model import Position
from .report import record
from .rules import SEVERITIES

__all__ = ["compare", "format_diff", "introduces_failure", "METRICS"]

# (key in the diff's metrics, label in the Markdown table), in the order a reviewer reads them.
METRICS = (
    ("steps", "Steps"), ("owners", "Owners"), ("handoffs", "Handoffs"),
    ("customer_contacts", "Customer contacts"), ("channel_switches", "Channel switches"),
    ("promises_kept", "Promises kept"), ("promises_broken", "Promises broken"),
    ("longest_time_to_resolution_minutes", "Longest time to resolution"),
    ("lowest_emotion", "Lowest emotion"), ("steps_below_neutral", "Steps below neutral"),
    ("pain_points", "Pain points"), ("cost_on_longest_path", "Cost to resolution"),
    ("breaks_high", "High breaks"), ("breaks_medium", "Medium breaks"), ("breaks_low", "Low breaks"),
)
# Long lists in the Markdown are cut here, with a count of the rest: readable in 30 seconds.
MARKDOWN_LIST_LIMIT = 15
STEP_FIELDS = ("lane", "owner", "action")


def _metrics(analysis: Analysis, findings: list[dict]) -> dict:
    raw = dict(analysis.metrics.__dict__)
    out = {key: raw.get(key) for key, _ in METRICS if key in raw}
    # Older analyses call the longest wait-plus-duration path `longest_wait_minutes`.
    out["longest_time_to_resolution_minutes"] = raw.get("longest_time_to_resolution_minutes",
                                                        raw.get("longest_wait_minutes"))
    severities = Counter(f["severity"] for f in findings)
    for severity in SEVERITIES:
        out[f"breaks_{severity}"] = severities[severity]
    return {key: out.get(key) for key, _ in METRICS}


def _handoffs(analysis: Analysis) -> set[str]:
    return {f"{h.edge.source} \u2192 {h.edge.to}" for h in analysis.handoffs}


def _step_changes(before: Analysis, after: Analysis) -> dict:
    old = {s.id: s for s in before.blueprint.steps}
    new = {s.id: s for s in after.blueprint.steps}
    changed = []
    for step_id in sorted(old.keys() & new.keys()):
        fields = {name: {"before": getattr(old[step_id], name), "after": getattr(new[step_id], name)}
                  for name in STEP_FIELDS if getattr(old[step_id], name) != getattr(new[step_id], name)}
        if fields:
            changed.append({"id": step_id, **fields})
    return {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()), "changed": changed}


def _unmatched(findings: list[dict], others: list[dict]) -> list[dict]:
    """The findings of `findings` that `others` has no match for, by fingerprint (the blueprint's id
    left out: the two are the same blueprint) and count, never by line."""
    remaining = Counter(_without_blueprint(f) for f in others)
    unmatched = []
    for finding in findings:
        key = _without_blueprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            unmatched.append(finding)
    return unmatched


def _matched(findings: list[dict], others: list[dict]) -> list[dict]:
    """The findings of `findings` that `others` has a match for (see _unmatched)."""
    unmatched = _unmatched(findings, others)
    left = Counter(_without_blueprint(f) for f in unmatched)
    matched = []
    for finding in reversed(findings):   # _unmatched leaves the last ones unmatched
        key = _without_blueprint(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            matched.append(finding)
    return matched[::-1]


def _shape(analysis: Analysis) -> tuple:
    """What a reviewer would call the blueprint's content: everything it holds but positions and
    its file (a moved line or a renamed file is not a change to the journey). Every field counts,
    so emotions, pain points, costs, measures, the persona and opportunities do too."""
    return _content(analysis.blueprint)


_NOT_CONTENT = frozenset({"position", "redesigns_position", "file"})


def _content(value):
    if isinstance(value, Position):
        return None
    if is_dataclass(value):
        return tuple((f.name, _content(getattr(value, f.name))) for f in fields(value) if f.name not in _NOT_CONTENT)
    if isinstance(value, (tuple, list)):
        return tuple(_content(item) for item in value)
    return value


def _judged(analysis: Analysis, gate: Gate) -> list[dict]:
    return gate.annotate(record(analysis))["findings"]


def _designs(analysis: Analysis | None, gate: Gate) -> list[dict]:
    """The loops a blueprint says repeat by design (see analysis.Designed), as report records."""
    return gate.annotate(record(analysis))["designed"] if analysis else []


def compare(base: list[Analysis], base_problems: list[Problem], head: list[Analysis], head_problems: list[Problem],
            gate: Gate, labels: tuple[str, str] = ("base", "head"), *, rechecked: list[Analysis] | None = None,
            base_gate: Gate | None = None, settings: list[dict] = (), renames: dict[str, str] | None = None) -> dict:
    """The diff document: per blueprint (matched by id, then as a rename), what changed.

    Each side is analysed with its own settings. `rechecked` is head's blueprints analysed with
    base's settings (and found where base's settings look): a finding head's settings no longer
    report but base's still would is "no longer checked", never fixed, and one base's settings
    would report that is new fails by base's gate (`base_gate`) too, so a change cannot switch the
    gate off. `settings` lists the setting changes; `renames` maps a base file to its head file
    (git's rename detection) for blueprints whose id changed with their file name.
    """
    before = {a.blueprint.id: a for a in base}
    after = {a.blueprint.id: a for a in head}
    again = {a.blueprint.id: a for a in rechecked} if rechecked is not None else None
    moved = _renamed(before, after, renames or {})
    for old_id, new_id in moved.items():
        before[new_id] = before.pop(old_id)
    invalid_before = _invalid(base_problems, before, after)
    invalid_after = _invalid(head_problems, after, before)
    _folder_problems(invalid_before, after, before)
    _folder_problems(invalid_after, before, after)
    entries = []
    for blueprint_id in sorted(before.keys() | after.keys() | invalid_before.keys() | invalid_after.keys()):
        rechecked_one = again.get(blueprint_id) if again is not None else after.get(blueprint_id)
        entries.append(_entry(blueprint_id, before.get(blueprint_id), after.get(blueprint_id),
                              invalid_before.get(blueprint_id), invalid_after.get(blueprint_id), gate,
                              rechecked_one, base_gate or gate))
    return {"base": labels[0], "head": labels[1], "gate": {"fail_on": gate.fail_on, "scope": gate.scope},
            "settings": list(settings), "blueprints": entries}


def _renamed(before: dict[str, Analysis], after: dict[str, Analysis], renames: dict[str, str]) -> dict[str, str]:
    """base id -> head id for blueprints whose id changed with their file: by git's rename detection
    first, then by content (everything but the id and positions the same)."""
    gone = {i: a for i, a in before.items() if i not in after}
    new = {i: a for i, a in after.items() if i not in before}
    by_file = {a.blueprint.file: i for i, a in new.items()}
    moved = {}
    for old_id, analysis in sorted(gone.items()):
        new_id = by_file.get(renames.get(analysis.blueprint.file, ""))
        if new_id is not None and new_id not in moved.values():
            moved[old_id] = new_id
    shapes: dict[tuple, list[str]] = {}
    for new_id, analysis in sorted(new.items()):
        if new_id not in moved.values():
            shapes.setdefault(_content_without_id(analysis), []).append(new_id)
    for old_id, analysis in sorted(gone.items()):
        if old_id in moved:
            continue
        same = shapes.get(_content_without_id(analysis))
        if same:
            moved[old_id] = same.pop(0)
    return moved


def _content_without_id(analysis: Analysis) -> tuple:
    return tuple(item for item in _content(analysis.blueprint) if item[0] != "id")


def _without_blueprint(finding: dict) -> str:
    """A finding's fingerprint with its blueprint left out: a renamed blueprint keeps its findings."""
    return fingerprint({**finding, "blueprint": ""})


def _folder_problems(invalid: dict[str, list[dict]], other: dict[str, Analysis], side: dict[str, Analysis]) -> None:
    """A problem with a whole folder on one side (a link, a submodule) is the problem of every blueprint
    the other side has in it: they are unknown there, not removed (nor their breaks fixed)."""
    for key, problems in list(invalid.items()):
        folder = problems[0]["file"]
        if key != folder or is_blueprint_name(folder):
            continue
        inside = [i for i, a in other.items() if i not in side and a.blueprint.file.startswith(folder + "/")]
        for blueprint_id in inside:
            invalid.setdefault(blueprint_id, []).extend(problems)
        if inside:
            del invalid[key]


def _invalid(problems: list[Problem], side: dict[str, Analysis], other: dict[str, Analysis]) -> dict[str, list[dict]]:
    """An invalid file's problems by the id they are shown under.

    An invalid file has no id we can trust. It is the blueprint that was in the same file on the
    other side (a blueprint broken by the change is that blueprint, not one removed and one new);
    else the id the file name gives; else, when that id is taken by another file, the file itself.
    """
    other_files = {a.blueprint.file: blueprint_id for blueprint_id, a in other.items()}
    named = {p.file: p.file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
             for p in problems if p.file not in other_files}
    shared = Counter(named.values())
    by_id: dict[str, list[dict]] = {}
    for p in problems:
        key = other_files.get(p.file)
        if key is None:
            key = named[p.file]
            if shared[key] > 1 or key in side or key in other:
                key = p.file
        by_id.setdefault(key, []).append({"file": p.file, "line": p.line, "column": p.column,
                                          "message": p.message, "hint": p.hint})
    return by_id


def _entry(blueprint_id: str, old: Analysis | None, new: Analysis | None, old_invalid, new_invalid,
           gate: Gate, again: Analysis | None = None, base_gate: Gate | None = None) -> dict:
    shown = new or old
    old_findings = _judged(old, gate) if old else []
    new_findings = _judged(new, gate) if new else []
    introduced, fixed = _unmatched(new_findings, old_findings), _unmatched(old_findings, new_findings)
    unchecked, hidden = [], []
    if again is not None and again is not new:
        # Head's blueprint as base's settings see it: what only the settings changed is not the journey's.
        seen_again = _judged(again, base_gate or gate)
        unchecked, fixed = _matched(fixed, seen_again), _unmatched(fixed, seen_again)
        hidden = [{**f, "hidden_by_settings": True}
                  for f in _unmatched(_unmatched(seen_again, old_findings), new_findings) if f.get("fails")]
    # A break the change claims as a designed repeat is not fixed: it is listed as now designed.
    designed_added = _unmatched(_designs(new, gate), _designs(old, gate))
    designed_removed = _unmatched(_designs(old, gate), _designs(new, gate))
    fixed = _unmatched(fixed, designed_added)
    removed_breaks = 0
    if new_invalid or old_invalid:
        change = "invalid"
        # A side that cannot be read has no findings to compare: nothing is fixed by the change. A
        # blueprint the change made valid brings all its findings in, as a new one would (else a
        # failing break in it would pass the gate); one it left invalid fails as invalid instead.
        introduced, fixed, unchecked = (new_findings if new is not None and not new_invalid else []), [], []
        designed_added, designed_removed = [], []
    elif old is None:
        change = "added"
    elif new is None and again is not None:
        change = "unchecked"   # still there, but no longer where head's settings look
    elif new is None:
        # A removed blueprint fixes nothing: its breaks leave with it, and say so on their own line.
        change, removed_breaks, fixed = "removed", len(fixed), []
    elif old.blueprint.file != new.blueprint.file or _shape(old) != _shape(new) or introduced or fixed \
            or unchecked or hidden:
        change = "changed"
    else:
        change = "unchanged"
    introduced = introduced + hidden
    entry = {
        "id": blueprint_id,
        "title": shown.blueprint.title if shown else blueprint_id,
        "status": shown.blueprint.status if shown else None,
        "file": shown.blueprint.file if shown else (new_invalid or old_invalid)[0]["file"],
        "change": change,
        "introduced": introduced,
        "fixed": fixed,
        "no_longer_checked": unchecked,
        "designed": {"added": designed_added, "removed": designed_removed},
        "removed_breaks": removed_breaks,
        "metrics": {"before": _metrics(old, old_findings) if old else None,
                    "after": _metrics(new, new_findings) if new else None},
        "steps": {"added": [], "removed": [], "changed": []},
        "handoffs": {"added": [], "removed": []},
    }
    if change not in ("invalid", "unchecked"):   # an invalid or unchecked side's steps are unknown, not removed
        entry["steps"] = _step_changes(old, new) if old and new else {
            "added": [s.id for s in new.blueprint.steps] if new else [],
            "removed": [s.id for s in old.blueprint.steps] if old else [], "changed": []}
        entry["handoffs"] = {"added": sorted(_handoffs(new) - (_handoffs(old) if old else set())) if new else [],
                             "removed": sorted(_handoffs(old) - (_handoffs(new) if new else set())) if old else []}
    if old is not None and new is not None and old.blueprint.file != new.blueprint.file:
        entry["renamed_from"] = old.blueprint.file
    if old_invalid:
        entry["invalid_at_base"] = old_invalid
    if new_invalid:
        entry["invalid_at_head"] = new_invalid
    return entry


def introduces_failure(document: dict) -> bool:
    """Whether the change introduces a finding the gate fails on, or leaves a blueprint invalid at head."""
    return any(f.get("fails") for b in document["blueprints"] for f in b["introduced"]) or \
        any("invalid_at_head" in b for b in document["blueprints"])


# -- formats ----------------------------------------------------------------------------------------


def format_diff(document: dict, fmt: str) -> str:
    """The diff as text, json or markdown, ending with a newline."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return _github(document)
    return _markdown(document) if fmt == "markdown" else _text(document)


def _github(document: dict) -> str:
    """Workflow annotations: each setting change (a warning) and each introduced finding that fails the
    gate (an error, on its line), so a step that fails on a change says where and why."""
    from .escape import workflow_data, workflow_property

    lines = [f"::warning title={workflow_property('blueprintgen: setting changed')}::"
             f"{workflow_data(line)}" for line in _more_headlines(document) if line.startswith("Setting changed")]
    for b in document["blueprints"]:
        for f in b["introduced"]:
            if f.get("fails"):
                why = " (hidden by the change's settings; the base's settings fail on it)" \
                    if f.get("hidden_by_settings") else ""
                title = workflow_property(f"blueprintgen {f['severity']} {f['rule']}{why and ' (settings)'}")
                lines.append(f"::error file={workflow_property(f['file'])},line={f['line']},col={f['column']},"
                             f"title={title}::{workflow_data(f['message'] + why)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _counts(document: dict) -> tuple[int, int, list[dict]]:
    touched = [b for b in document["blueprints"] if b["change"] != "unchanged"]
    return (sum(len(b["fixed"]) for b in touched), sum(len(b["introduced"]) for b in touched), touched)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _headline(document: dict) -> str:
    fixed, introduced, touched = _counts(document)
    if not touched:
        return "This change does not change any blueprint."
    what = []
    if fixed:
        what.append(f"fixes {_plural(fixed, 'break')}")
    if introduced:
        what.append(f"introduces {introduced}" if fixed else f"introduces {_plural(introduced, 'break')}")
    if not what:
        what.append("neither fixes nor introduces a break")
    return f"This change {' and '.join(what)}, in {_plural(len(touched), 'blueprint')}."


def _more_headlines(document: dict) -> list[str]:
    """What else the reviewer must see first: each setting change, removed blueprints, what is no
    longer checked and what the settings change hides. Never counted as fixed."""
    lines = [f"Setting changed: {c['setting']} {_shown_setting(c['before'])} \u2192 {_shown_setting(c['after'])}."
             for c in document.get("settings", [])]
    removed = [b for b in document["blueprints"] if b["change"] == "removed"]
    if removed:
        breaks = sum(b["removed_breaks"] for b in removed)
        lines.append(f"Removed: {_plural(len(removed), 'blueprint')}, with {_plural(breaks, 'documented break')} "
                     "(removed with them, not fixed).")
    unchecked = sum(len(b.get("no_longer_checked", [])) for b in document["blueprints"])
    if unchecked:
        lines.append(f"No longer checked: {_plural(unchecked, 'finding')} that the settings of the change no "
                     "longer report (not fixed: the journeys still have them).")
    designed = sum(len(b.get("designed", {}).get("added", ())) for b in document["blueprints"])
    if designed:
        lines.append(f"Designed: {_plural(designed, 'loop')} the change says repeat{'s' if designed == 1 else ''} by "
                     "design (not fixed: review the claim).")
    hidden = sum(1 for b in document["blueprints"] for f in b["introduced"] if f.get("hidden_by_settings"))
    if hidden:
        lines.append(f"Hidden by the settings change: {_plural(hidden, 'new finding')} that the base's settings "
                     "fail on; they fail this change too.")
    return lines


def _side(document: dict, which: str) -> str:
    """A side as the reviewer reads it: the name given, and the short commit it stood for (a bare commit id
    is shown short)."""
    name, commit = document[which], document.get(f"{which}_commit")
    if not commit:
        return name
    return commit[:7] if commit.startswith(name) else f"{name} ({commit[:7]})"


def _shown_setting(value) -> str:
    return "(not set)" if value is None else str(value)


def _minutes(value) -> str:
    if value is None:
        return "\u2013"
    for unit, size in (("w", 10080), ("d", 1440), ("h", 60)):
        if value >= size and value % size == 0:
            return f"{value // size}{unit}"
    return f"{value // 60}h {value % 60}min" if value >= 60 else f"{value}min"


def _value(key: str, value) -> str:
    return _minutes(value) if key.endswith("_minutes") else ("\u2013" if value is None else str(value))


def _where(finding: dict) -> str:
    return f"{finding['file']}:{finding['line']}"


def _text(document: dict) -> str:
    lines = [f"blueprintgen diff {_side(document, 'base')} \u2192 {_side(document, 'head')}: {_headline(document)}",
             *_more_headlines(document)]
    for b in document["blueprints"]:
        if b["change"] == "unchanged":
            continue
        lines.append(f"{b['id']} ({b['status'] or 'invalid'}): {b['change']}"
                     + (f", renamed from {b['renamed_from']}" if "renamed_from" in b else ""))
        for side in ("invalid_at_base", "invalid_at_head"):
            for p in b.get(side, []):
                lines.append(f"  invalid at {side.rsplit('_', 1)[1]}: {p['file']}:{p['line']}:{p['column']}: "
                             f"{p['message']}")
        before, after = b["metrics"]["before"], b["metrics"]["after"]
        if before and after:
            moved = [f"{label.lower()} {_value(key, before[key])} \u2192 {_value(key, after[key])}"
                     for key, label in METRICS if before[key] != after[key]]
            if moved:
                lines.append("  " + "; ".join(moved))
        for name in ("added", "removed"):
            if b["steps"][name]:
                lines.append(f"  steps {name}: {', '.join(b['steps'][name])}")
        for step in b["steps"]["changed"]:
            lines.append(f"  step {step['id']} changed: " + "; ".join(
                f"{field} {step[field]['before']!r} \u2192 {step[field]['after']!r}" for field in STEP_FIELDS
                if field in step))
        for name in ("added", "removed"):
            if b["handoffs"][name]:
                lines.append(f"  handoffs {name}: {', '.join(b['handoffs'][name])}")
        for label, findings in (("introduced", b["introduced"]), ("fixed", b["fixed"]),
                                ("no longer checked", b.get("no_longer_checked", []))):
            for f in findings:
                lines.append(f"  {label}: {_where(f)}: {f['severity']} {f['rule']}: {f['message']}")
        for label, key in (("now designed", "added"), ("no longer designed", "removed")):
            for d in b.get("designed", {}).get(key, ()):
                lines.append(f"  {label}: {_where(d)}: {d['rule']}: {d['message']}")
        if b.get("removed_breaks"):
            lines.append(f"  removed: {_plural(b['removed_breaks'], 'documented break')}")
    unchanged = sum(1 for b in document["blueprints"] if b["change"] == "unchanged")
    if unchanged:
        lines.append(f"{unchanged} blueprint(s) unchanged")
    return "\n".join(terminal(line) for line in lines) + "\n"



# The columns of the Markdown table: with the blueprint and the change, 7 fit GitHub's 1,012 px column.
TABLE_METRICS = ("breaks_high", "breaks_medium", "breaks_low", "longest_time_to_resolution_minutes",
                 "lowest_emotion")
TABLE_LABELS = {"breaks_high": "High", "breaks_medium": "Medium", "breaks_low": "Low",
                "longest_time_to_resolution_minutes": "Time to resolution", "lowest_emotion": "Lowest emotion"}


def _cell(key: str, before: dict, after: dict) -> str:
    old, new = before.get(key), after.get(key)
    if not before or not after:
        return _value(key, new if after else old)
    return _value(key, new) if old == new else f"{_value(key, old)} \u2192 **{_value(key, new)}**"


def _edits(b: dict) -> str | None:
    """A blueprint's step and metric edits in one line of words (the table shows breaks and time)."""
    parts = [f"steps {name}: " + ", ".join(markdown(step, code=True) for step in b["steps"][name])
             for name in ("added", "removed") if b["steps"][name]]
    for step in b["steps"]["changed"]:
        parts.append(f"step {markdown(step['id'], code=True)}: " + "; ".join(
            f"{field} {markdown(str(step[field]['before']))} \u2192 {markdown(str(step[field]['after']))}"
            for field in STEP_FIELDS if field in step))
    before, after = b["metrics"]["before"], b["metrics"]["after"]
    if before and after:
        parts += [f"{label.lower()} {_value(key, before[key])} \u2192 {_value(key, after[key])}"
                  for key, label in METRICS if key not in TABLE_METRICS and before[key] != after[key]]
    return "; ".join(parts) or None


def _markdown(document: dict) -> str:
    fixed, introduced, touched = _counts(document)
    out = ["### blueprintgen: what this change does to the customer", "",
           f"**{_headline(document)}** Compared: {markdown(_side(document, 'base'), code=True)} \u2192 "
           f"{markdown(_side(document, 'head'), code=True)}.", ""]
    more = _more_headlines(document)
    if more:
        out += [f"- **{markdown(line)}**" for line in more] + [""]
    if touched:
        out.append("| Blueprint | Change | " + " | ".join(TABLE_LABELS[key] for key in TABLE_METRICS) + " |")
        out.append("|---|---|" + "---|" * len(TABLE_METRICS))
        for b in touched[:MARKDOWN_LIST_LIMIT]:
            before, after = b["metrics"]["before"] or {}, b["metrics"]["after"] or {}
            cells = [_cell(key, before, after) for key in TABLE_METRICS]
            change = b["change"] + (f" (from {markdown(b['renamed_from'], code=True)})" if "renamed_from" in b else "")
            out.append(f"| {markdown(b['title'])} | {change} | " + " | ".join(cells) + " |")
        if len(touched) > MARKDOWN_LIST_LIMIT:
            out.append(f"\n\u2026 and {len(touched) - MARKDOWN_LIST_LIMIT} more changed blueprint(s) "
                       "(`blueprintgen diff --format text` lists them all).")
        out.append("")
        edits = [(b, _edits(b)) for b in touched[:MARKDOWN_LIST_LIMIT]]
        edits = [(b, line) for b, line in edits if line]
        if edits:
            out += ["#### Edits", ""] + [f"- {markdown(b['title'])}: {line}" for b, line in edits] + [""]
    for title, key in ((f"Introduced ({introduced})", "introduced"), (f"Fixed ({fixed})", "fixed")):
        findings = [(b, f) for b in touched for f in b[key]]
        if not findings:
            continue
        out += [f"#### {title}", ""]
        for b, f in findings[:MARKDOWN_LIST_LIMIT]:
            gate = " \u2014 **fails the gate**" if key == "introduced" and f.get("fails") else ""
            out.append(f"- **{f['severity']} {f['rule']}** in {markdown(b['title'])} at "
                       f"{markdown(_where(f), code=True)}{gate}: {markdown(f['message'])}")
        if len(findings) > MARKDOWN_LIST_LIMIT:
            out.append(f"- \u2026 and {len(findings) - MARKDOWN_LIST_LIMIT} more")
        out.append("")
    designed = [(b, d) for b in touched for d in b.get("designed", {}).get("added", ())]
    if designed:
        out += [f"#### Now designed ({len(designed)})", ""]
        for b, d in designed[:MARKDOWN_LIST_LIMIT]:
            out.append(f"- **{d['rule']}** in {markdown(b['title'])} at {markdown(_where(d), code=True)}: "
                       f"{markdown(d['message'])}")
        if len(designed) > MARKDOWN_LIST_LIMIT:
            out.append(f"- \u2026 and {len(designed) - MARKDOWN_LIST_LIMIT} more")
        out.append("")
    invalid = [b for b in document["blueprints"] if "invalid_at_head" in b]
    if invalid:
        out += [f"#### Invalid at head ({len(invalid)})", ""]
        for b in invalid[:MARKDOWN_LIST_LIMIT]:
            p = b["invalid_at_head"][0]
            where = f"{p['file']}:{p['line']}:{p['column']}"
            out.append(f"- {markdown(where, code=True)}: {markdown(p['message'])}")
        out.append("")
    unchanged = sum(1 for b in document["blueprints"] if b["change"] == "unchanged")
    if unchanged:
        out += [f"{unchanged} blueprint(s) unchanged.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
