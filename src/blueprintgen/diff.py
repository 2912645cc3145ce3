"""What a change does to the customer: two sides' analyses compared blueprint by blueprint; pure."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import fields, is_dataclass

from .analysis import Analysis
from .baseline import fingerprint
from .escape import markdown, terminal
from .gate import Gate
from .loader import Problem
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
    """The findings of `findings` that `others` has no match for, by fingerprint and count, never by line."""
    remaining = Counter(fingerprint(f) for f in others)
    unmatched = []
    for finding in findings:
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            unmatched.append(finding)
    return unmatched


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


def compare(base: list[Analysis], base_problems: list[Problem], head: list[Analysis], head_problems: list[Problem],
            gate: Gate, labels: tuple[str, str] = ("base", "head")) -> dict:
    """The diff document: per blueprint (matched by id, so a renamed file is changed), what changed."""
    before = {a.blueprint.id: a for a in base}
    after = {a.blueprint.id: a for a in head}
    invalid_before = _invalid(base_problems, before, after)
    invalid_after = _invalid(head_problems, after, before)
    entries = []
    for blueprint_id in sorted(before.keys() | after.keys() | invalid_before.keys() | invalid_after.keys()):
        entries.append(_entry(blueprint_id, before.get(blueprint_id), after.get(blueprint_id),
                              invalid_before.get(blueprint_id), invalid_after.get(blueprint_id), gate))
    return {"base": labels[0], "head": labels[1], "gate": {"fail_on": gate.fail_on, "scope": gate.scope},
            "blueprints": entries}


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
           gate: Gate) -> dict:
    shown = new or old
    old_findings = _judged(old, gate) if old else []
    new_findings = _judged(new, gate) if new else []
    introduced, fixed = _unmatched(new_findings, old_findings), _unmatched(old_findings, new_findings)
    if new_invalid or old_invalid:
        change = "invalid"
        # A side that cannot be read has no findings to compare: nothing is fixed by the change. A
        # blueprint the change made valid brings all its findings in, as a new one would (else a
        # failing break in it would pass the gate); one it left invalid fails as invalid instead.
        introduced, fixed = (new_findings if new is not None and not new_invalid else []), []
    elif old is None:
        change = "added"
    elif new is None:
        change = "removed"
    elif old.blueprint.file != new.blueprint.file or _shape(old) != _shape(new) or introduced or fixed:
        change = "changed"
    else:
        change = "unchanged"
    entry = {
        "id": blueprint_id,
        "title": shown.blueprint.title if shown else blueprint_id,
        "status": shown.blueprint.status if shown else None,
        "file": shown.blueprint.file if shown else (new_invalid or old_invalid)[0]["file"],
        "change": change,
        "introduced": introduced,
        "fixed": fixed,
        "metrics": {"before": _metrics(old, old_findings) if old else None,
                    "after": _metrics(new, new_findings) if new else None},
        "steps": {"added": [], "removed": [], "changed": []},
        "handoffs": {"added": [], "removed": []},
    }
    if change != "invalid":   # an invalid side's steps are unknown, not removed
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
    return _markdown(document) if fmt == "markdown" else _text(document)


def _counts(document: dict) -> tuple[int, int, list[dict]]:
    touched = [b for b in document["blueprints"] if b["change"] != "unchanged"]
    return (sum(len(b["fixed"]) for b in touched), sum(len(b["introduced"]) for b in touched), touched)


def _headline(document: dict) -> str:
    fixed, introduced, touched = _counts(document)
    if not touched:
        return "This change does not change any blueprint."
    what = []
    if fixed:
        what.append(f"fixes {fixed} break{'s' if fixed != 1 else ''}")
    if introduced:
        what.append(f"introduces {introduced}" if fixed else
                    f"introduces {introduced} break{'s' if introduced != 1 else ''}")
    if not what:
        what.append("neither fixes nor introduces a break")
    return f"This change {' and '.join(what)}, in {len(touched)} blueprint{'s' if len(touched) != 1 else ''}."


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
    lines = [f"blueprintgen diff {document['base']} \u2192 {document['head']}: {_headline(document)}"]
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
        for label, findings in (("introduced", b["introduced"]), ("fixed", b["fixed"])):
            for f in findings:
                lines.append(f"  {label}: {_where(f)}: {f['severity']} {f['rule']}: {f['message']}")
    unchanged = sum(1 for b in document["blueprints"] if b["change"] == "unchanged")
    if unchanged:
        lines.append(f"{unchanged} blueprint(s) unchanged")
    return "\n".join(terminal(line) for line in lines) + "\n"



def _markdown(document: dict) -> str:
    fixed, introduced, touched = _counts(document)
    out = ["### blueprintgen: what this change does to the customer", "",
           f"**{_headline(document)}** Compared: {markdown(document['base'], code=True)} \u2192 "
           f"{markdown(document['head'], code=True)}.", ""]
    if touched:
        keys = [(key, label) for key, label in METRICS]
        out.append("| Blueprint | Change | " + " | ".join(label for _, label in keys) + " |")
        out.append("|---|---|" + "---|" * len(keys))
        for b in touched[:MARKDOWN_LIST_LIMIT]:
            before, after = b["metrics"]["before"] or {}, b["metrics"]["after"] or {}
            cells = []
            for key, _ in keys:
                old, new = before.get(key), after.get(key)
                if not before or not after:
                    cells.append(_value(key, new if after else old))
                else:
                    cells.append(_value(key, new) if old == new else f"{_value(key, old)} \u2192 **{_value(key, new)}**")
            out.append(f"| {markdown(b['title'])} | {b['change']} | " + " | ".join(cells) + " |")
        if len(touched) > MARKDOWN_LIST_LIMIT:
            out.append(f"\n\u2026 and {len(touched) - MARKDOWN_LIST_LIMIT} more changed blueprint(s) "
                       "(`blueprintgen diff --format text` lists them all).")
        out.append("")
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
