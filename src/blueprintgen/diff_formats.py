"""The diff document as a reviewer reads it: text, Markdown for a pull request, GitHub annotations, or JSON."""

from __future__ import annotations

import json

from .diff import METRICS, STEP_FIELDS
from .escape import markdown, terminal

__all__ = ["format_diff"]

# Long lists in the Markdown are cut here, with a count of the rest: readable in 30 seconds.
MARKDOWN_LIST_LIMIT = 15


def format_diff(document: dict, fmt: str) -> str:
    """The diff as text, json, markdown or github annotations, ending with a newline."""
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
    """A pull request comment: the headline, a table of the blueprints changed, their edits, then the breaks."""
    fixed, introduced, touched = _counts(document)
    out = ["### blueprintgen: what this change does to the customer", "",
           f"**{_headline(document)}** Compared: {markdown(_side(document, 'base'), code=True)} \u2192 "
           f"{markdown(_side(document, 'head'), code=True)}.", ""]
    more = _more_headlines(document)
    if more:
        out += [f"- **{markdown(line)}**" for line in more] + [""]
    if touched:
        out += _markdown_table(touched)
    for title, key in ((f"Introduced ({introduced})", "introduced"), (f"Fixed ({fixed})", "fixed")):
        out += _markdown_findings(title, key, touched)
    out += _markdown_designed(touched)
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


def _markdown_table(touched: list[dict]) -> list[str]:
    """The changed blueprints with their breaks and times before and after, then their edits in words."""
    out = ["| Blueprint | Change | " + " | ".join(TABLE_LABELS[key] for key in TABLE_METRICS) + " |",
           "|---|---|" + "---|" * len(TABLE_METRICS)]
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
    return out


def _markdown_designed(touched: list[dict]) -> list[str]:
    """The loops the change newly claims repeat by design, for the reviewer to judge the claim."""
    designed = [(b, d) for b in touched for d in b.get("designed", {}).get("added", ())]
    if not designed:
        return []
    out = [f"#### Now designed ({len(designed)})", ""]
    for b, d in designed[:MARKDOWN_LIST_LIMIT]:
        out.append(f"- **{d['rule']}** in {markdown(b['title'])} at {markdown(_where(d), code=True)}: "
                   f"{markdown(d['message'])}")
    if len(designed) > MARKDOWN_LIST_LIMIT:
        out.append(f"- \u2026 and {len(designed) - MARKDOWN_LIST_LIMIT} more")
    out.append("")
    return out


def _markdown_findings(title: str, key: str, touched: list[dict]) -> list[str]:
    """The findings introduced (or fixed), the first MARKDOWN_LIST_LIMIT of them; nothing when there are none."""
    findings = [(b, f) for b in touched for f in b[key]]
    if not findings:
        return []
    out = [f"#### {title}", ""]
    for b, f in findings[:MARKDOWN_LIST_LIMIT]:
        gate = " \u2014 **fails the gate**" if key == "introduced" and f.get("fails") else ""
        out.append(f"- **{f['severity']} {f['rule']}** in {markdown(b['title'])} at "
                   f"{markdown(_where(f), code=True)}{gate}: {markdown(f['message'])}")
    if len(findings) > MARKDOWN_LIST_LIMIT:
        out.append(f"- \u2026 and {len(findings) - MARKDOWN_LIST_LIMIT} more")
    out.append("")
    return out
