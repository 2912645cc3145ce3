"""Findings and load problems -> text, JSON, SARIF 2.1.0 and GitHub annotations. Pure and deterministic.

Reports are made from entries: plain dicts that `check`'s worker processes make
from each blueprint's analysis (`report_entry`) and send back cheaply. For JSON and
SARIF an entry is the blueprint's JSON record; for the line formats (text, GitHub)
it holds the finished report lines and the counts the summary needs, so the lines
are formatted in parallel and the parent only merges them.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from . import __version__
from .analysis import Analysis, Designed, Finding
from .escape import terminal, workflow_data, workflow_property
from .gate import SEVERITY_RANK, Gate
from .loader import Problem
from .rules import RULES, SEVERITIES

__all__ = ["FORMATS", "SEVERITY_RANK", "record", "report_entry", "format_report", "format_records", "fails",
           "fails_records", "Fixed"]

FORMATS = ("text", "json", "sarif", "github")
LINE_FORMATS = ("text", "github")
SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}
# Gated findings are errors or warnings by severity; documentation (as-is) and accepted ones are notices.
GITHUB_LEVEL = {"high": "error", "medium": "warning", "low": "warning"}
# GitHub shows at most this many annotations of each level per step and drops the rest silently.
GITHUB_ANNOTATIONS_PER_LEVEL = 10
DEFAULT_GATE = Gate()
INVALID_RULE = "invalid-blueprint"
DOCS_URI = "https://github.com/blueprintgen/blueprintgen/blob/main/docs/rules.md"


def _finding_record(finding: Finding) -> dict:
    data = {
        "number": finding.number, "rule": finding.rule, "severity": finding.severity, "step": finding.step,
        "target": finding.edge.to if finding.edge is not None else None,
        "file": finding.position.file, "line": finding.position.line, "column": finding.position.column,
        "message": finding.message, "hint": finding.hint, "blueprint": finding.blueprint,
    }
    if finding.ignored is not None:
        data["ignored"] = finding.ignored
    return data


def _designed_record(designed: Designed) -> dict:
    """A loop the blueprint says repeats by design: where the finding would be, and the claim."""
    return {"rule": designed.rule, "step": designed.step, "target": designed.edge.to,
            "file": designed.position.file, "line": designed.position.line, "column": designed.position.column,
            "message": designed.message, "why": designed.repeat.why, "at_most": designed.repeat.at_most,
            "blueprint": designed.blueprint}


def record(analysis: Analysis) -> dict:
    """One blueprint's analysis as plain data: the `blueprints[]` entry of the JSON report."""
    b = analysis.blueprint
    return {"id": b.id, "file": b.file, "title": b.title, "status": b.status,
            "metrics": dict(analysis.metrics.__dict__),
            "findings": [_finding_record(f) for f in analysis.findings],
            "ignored": [_finding_record(f) for f in analysis.ignored],
            "designed": [_designed_record(d) for d in analysis.designed]}


def report_entry(analysis: Analysis, fmt: str, gate: Gate = DEFAULT_GATE) -> dict:
    """What a report in `fmt` needs of one blueprint, judged by `gate` (made in `check`'s worker processes)."""
    data = gate.annotate(record(analysis))
    if fmt not in LINE_FORMATS:
        return data
    return {"file": data["file"], "id": data["id"], "title": data["title"], "status": data["status"],
            "counts": _counts(data), "ignored": len(data["ignored"]), "designed": len(data.get("designed", ())),
            "seen": data["seen"],
            "lines": sorted([_finding_line(f, fmt) for f in data["findings"]]
                            + [_designed_line(d, fmt) for d in data.get("designed", ())])}


def _counts(entry: dict) -> dict:
    """Severities, and how many findings are gated, documentation, accepted and failing."""
    if "counts" in entry:
        return entry["counts"]
    findings = entry["findings"]
    return {"severities": dict(Counter(f["severity"] for f in findings)),
            "gated": sum(1 for f in findings if f.get("gated", True) and not f.get("accepted")),
            "documentation": sum(1 for f in findings if not f.get("gated", True)),
            "accepted": sum(1 for f in findings if f.get("accepted")),
            "failing": sum(1 for f in findings if f.get("fails"))}


def _judged(records: list[dict], gate: Gate) -> list[dict]:
    # Full records from `record` (not yet judged) are judged here; entries are judged already.
    return [r if "seen" in r else gate.annotate(r) for r in records]


def fails_records(records: list[dict], problems: list[Problem], fail_on: str | None = None) -> bool:
    """True when the run should exit 1: an invalid blueprint, or a finding the gate fails on.

    `fail_on`, when given, judges unjudged records by that threshold with the default gate.
    """
    if problems:
        return True
    gate = Gate(fail_on=fail_on) if fail_on else DEFAULT_GATE
    return any(_counts(r)["failing"] for r in _judged(records, gate))


def fails(analyses: list[Analysis], problems: list[Problem], fail_on: str, gate: Gate | None = None) -> bool:
    gate = gate or Gate(fail_on=fail_on)
    return fails_records([report_entry(a, "json", gate) for a in analyses], problems)


def format_report(analyses: list[Analysis], problems: list[Problem], fmt: str, gate: Gate = DEFAULT_GATE) -> str:
    """The whole report in one format, ending with a newline."""
    return format_records([report_entry(a, fmt, gate) for a in analyses], problems, fmt)


@dataclass(frozen=True)
class Fixed:
    """Baseline entries no longer found, and where the baseline is (for the report)."""

    entries: tuple = ()
    baseline: str | None = None


def format_records(records: list[dict], problems: list[Problem], fmt: str, fixed: Fixed = Fixed(),
                   quiet: bool = False, only_files: frozenset[str] | None = None) -> str:
    """The report from `report_entry` entries made with the same `fmt`.

    `quiet` keeps only what fails (and errors): no documentation or accepted findings, no summary.
    `only_files` keeps the finding lines of those files only (the summary still counts them all).
    """
    records = sorted(_judged(records, DEFAULT_GATE), key=lambda r: (r["file"], r["id"]))
    if fmt in LINE_FORMATS:
        return _lines(records, problems, fmt, fixed, quiet, only_files)
    return {"json": _json, "sarif": _sarif}[fmt](records, problems, fixed)


def _position_key(f: dict) -> tuple:
    return (f["file"], f["line"], f["column"], f["rule"], f["step"] or "")


def _all_findings(records: list[dict], key: str = "findings") -> list[dict]:
    return sorted((f for r in records for f in r[key]), key=_position_key)


def summary(records: list[dict], problems: list[Problem], fixed: Fixed = Fixed()) -> str:
    """One line: severities, then how many findings are gated and how many are documentation."""
    severities: Counter = Counter()
    gated = documentation = accepted = failing = 0
    for r in records:
        counts = _counts(r)
        severities.update(counts["severities"])
        gated, documentation = gated + counts["gated"], documentation + counts["documentation"]
        accepted, failing = accepted + counts["accepted"], failing + counts["failing"]
    ignored = sum(r["ignored"] if isinstance(r["ignored"], int) else len(r["ignored"]) for r in records)
    line = (f"{', '.join(f'{severities[s]} {s}' for s in reversed(SEVERITIES))} in {len(records)} blueprint(s): "
            f"{gated} gated, {documentation} documentation (as-is); {failing} failing")
    if fixed.baseline is not None:
        line += f"; {accepted} accepted by the baseline, {sum(e['count'] for e in fixed.entries)} fixed since it"
    if ignored:
        line += f"; {ignored} ignored"
    designed = sum(r.get("designed", 0) if isinstance(r.get("designed", 0), int) else len(r["designed"])
                   for r in records)
    if designed:
        line += f"; {designed} designed repeat{'' if designed == 1 else 's'}"
    if problems:
        line += f"; {len(problems)} error(s) in invalid blueprints"
    return line


def _finding_line(f: dict, fmt: str) -> tuple[str, int, int, str, bool]:
    """(file, line, column, the report line, whether it fails) of one finding in a line format."""
    kind = "" if f.get("gated", True) else " (as-is)"
    kind += " (accepted)" if f.get("accepted") else ""
    if fmt == "text":
        text = terminal(f"{f['file']}:{f['line']}:{f['column']}: {f['severity']} {f['rule']}{kind}: "
                        f"{f['message']} (hint: {f['hint']})")
    else:
        level = GITHUB_LEVEL[f["severity"]] if f.get("gated", True) and not f.get("accepted") else "notice"
        title = workflow_property(f"blueprintgen {f['severity']} {f['rule']}{kind}")
        text = (f"::{level} file={workflow_property(f['file'])},line={f['line']},"
                f"col={f['column']},title={title}::{workflow_data(f['message'] + ' (hint: ' + f['hint'] + ')')}")
    return f["file"], f["line"], f["column"], text, bool(f.get("fails"))


def _designed_line(d: dict, fmt: str) -> tuple[str, int, int, str, bool]:
    """(file, line, column, the report line, False) of a designed repeat: listed, so a reviewer sees the
    claim, and never failing."""
    if fmt == "text":
        return d["file"], d["line"], d["column"], terminal(
            f"{d['file']}:{d['line']}:{d['column']}: designed {d['rule']}: {d['message']}")
    title = workflow_property(f"blueprintgen designed {d['rule']}")
    return d["file"], d["line"], d["column"], (
        f"::notice file={workflow_property(d['file'])},line={d['line']},col={d['column']},title={title}::"
        f"{workflow_data(d['message'])}"), False


def _problem_line(p: Problem, fmt: str) -> tuple[str, int, int, str, bool]:
    if fmt == "text":
        return p.file, p.line, p.column, str(p), True
    message = p.message + (f" (hint: {p.hint})" if p.hint else "")
    return (p.file, p.line, p.column, f"::error file={workflow_property(p.file)},line={p.line},col={p.column},"
            f"title={workflow_property('blueprintgen: invalid blueprint')}::{workflow_data(message)}", True)


def _lines(records: list[dict], problems: list[Problem], fmt: str, fixed: Fixed, quiet: bool,
           only_files: frozenset[str] | None = None) -> str:
    # Each entry's lines are sorted already, so this sort mostly walks sorted runs.
    lines = [_problem_line(p, fmt) for p in problems]
    for r in records:   # a full record (from `record`) is formatted here
        lines += r["lines"] if "lines" in r else [_finding_line(f, fmt) for f in r["findings"]]
    if quiet:
        lines = [line for line in lines if line[4]]
    if only_files is not None:
        # What fails the gate is always shown, wherever it is: a failing step explains itself.
        lines = [line for line in lines if line[0] in only_files or line[4]]
    lines.sort()
    if not quiet:   # after the findings; notices, in GitHub's count
        lines += [("", 0, 0, _fixed_line(entry, fixed.baseline, fmt), False) for entry in fixed.entries]
    if fmt == "github":
        lines = _capped_annotations(lines)
    out = [line[3] for line in lines]
    if not quiet:
        out.append(summary(records, problems, fixed))
    return "\n".join(out) + "\n" if out else ""


def _capped_annotations(lines: list[tuple]) -> list[tuple]:
    """At most GitHub's 10 annotations per level, the notice saying how many more and where among them."""
    kept, dropped = [], Counter()
    shown: Counter = Counter()
    levels = Counter(line[3][2:line[3].index(" ")] for line in lines)
    overflow = any(count > GITHUB_ANNOTATIONS_PER_LEVEL for count in levels.values())
    # The notice about the rest is a notice too: GitHub would drop it as the 11th.
    limits = {level: GITHUB_ANNOTATIONS_PER_LEVEL - (level == "notice" and overflow) for level in levels}
    for line in lines:
        level = line[3][2:line[3].index(" ")]
        shown[level] += 1
        if shown[level] <= limits[level]:
            kept.append(line)
        else:
            dropped[level] += 1
    if dropped:
        more = ", ".join(f"{dropped[level]} {level}" for level in ("error", "warning", "notice") if dropped[level])
        message = (f"{sum(dropped.values())} more finding(s) ({more}) are not shown as annotations (GitHub shows "
                   "10 of each level); read them all in the job summary, the code scanning alerts or "
                   "`blueprintgen check` locally")
        kept.append(("", 0, 0, f"::notice title={workflow_property('blueprintgen: more findings')}::"
                               f"{workflow_data(message)}", False))
    return kept


def _fixed_line(entry: dict, baseline: str | None, fmt: str) -> str:
    where = f" at step '{entry['step']}'" if entry.get("step") else ""
    times = f" ({entry['count']}x)" if entry["count"] > 1 else ""
    text = (f"{baseline}: fixed: {entry['rule']} in blueprint '{entry['blueprint']}'{where}{times} is no longer found "
            f"(hint: `blueprintgen baseline {baseline} --prune` removes it)")
    if fmt == "text":
        return terminal(text)
    return f"::notice title={workflow_property('blueprintgen fixed')}::{workflow_data(text)}"


def _public(finding: dict) -> dict:
    return {key: value for key, value in finding.items() if key != "blueprint"}


def _json(records: list[dict], problems: list[Problem], fixed: Fixed) -> str:
    document = {
        "version": __version__,
        "blueprints": [{**{k: v for k, v in r.items() if k != "seen"}, "findings": [_public(f) for f in r["findings"]],
                        "ignored": [_public(f) for f in r["ignored"]],
                        "designed": [_public(d) for d in r.get("designed", ())]} for r in records],
        "errors": [{"file": p.file, "line": p.line, "column": p.column, "message": p.message, "hint": p.hint}
                   for p in problems],
    }
    if fixed.baseline is not None:
        document["baseline"] = {"file": fixed.baseline, "fixed": list(fixed.entries)}
    import json   # here: a text report, the common one, does not need it

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    """A repository-relative URI with forward slashes, as code scanning expects.

    Paths reach the report relative to the repository root already (see project.py); a path
    outside it stays absolute and becomes a file: URI, which SARIF accepts without a uriBaseId.
    Both are percent-encoded (SARIF's `uri` is a URI reference): in `b #1.yaml` the `#` would
    start a fragment, and a `%` an escape, so code scanning would point at another file.
    """
    from pathlib import PurePath
    from urllib.parse import quote

    # A file name that is not UTF-8 keeps its bytes, percent-encoded (surrogateescape gives them back).
    return PurePath(path).as_uri() if os.path.isabs(path) else quote(PurePath(path).as_posix(), safe="/",
                                                                     errors="surrogateescape")


def _location(file: str, line: int, column: int) -> dict:
    artifact = {"uri": _uri(file)}
    if not os.path.isabs(file):
        artifact["uriBaseId"] = "%SRCROOT%"
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": line, "startColumn": column}}}


def _sarif_rules() -> list[dict]:
    rules = [{
        "id": rule.slug, "name": rule.title.title().replace(" ", ""),
        "shortDescription": {"text": rule.title}, "fullDescription": {"text": rule.explanation},
        "help": {"text": f"Fix: {rule.hint}"}, "helpUri": f"{DOCS_URI}#{rule.slug}",
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
    } for rule in RULES]
    rules.append({"id": INVALID_RULE, "name": "InvalidBlueprint",
                  "shortDescription": {"text": "Invalid blueprint"},
                  "fullDescription": {"text": "The blueprint file cannot be loaded: fix it so it can be analysed."},
                  "help": {"text": "See docs/format.md for the blueprint format."},
                  "defaultConfiguration": {"level": "error"}})
    return rules


def _sarif_result(finding: dict, rule_index: dict[str, int]) -> dict:
    # Documentation (as-is) findings are notes: code scanning shows them without failing on them.
    level = SARIF_LEVEL[finding["severity"]] if finding.get("gated", True) else "note"
    result = {
        "ruleId": finding["rule"], "ruleIndex": rule_index[finding["rule"]], "level": level,
        "message": {"text": f"{finding['message']} Fix: {finding['hint']}"},
        "locations": [_location(finding["file"], finding["line"], finding["column"])],
        "partialFingerprints": {"blueprintgen/v1": finding.get("fingerprint") or _fallback_fingerprint(finding)},
    }
    if "baseline_state" in finding:
        result["baselineState"] = finding["baseline_state"]
    if "ignored" in finding:
        result["suppressions"] = [{"kind": "inSource", "justification": finding["ignored"]}]
    elif finding.get("accepted"):
        result["suppressions"] = [{"kind": "external", "justification": "accepted in the baseline"}]
    return result


def _fallback_fingerprint(finding: dict) -> str:
    # Ignored findings are not judged by the gate; their position keeps them apart.
    from .baseline import fingerprint

    return f"{fingerprint(finding)}@{finding['line']}:{finding['column']}"


def _absent_result(entry: dict, fixed: Fixed, files: dict[str, str], rule_index: dict[str, int]) -> dict:
    where = f" at step '{entry['step']}'" if entry.get("step") else ""
    file = files.get(entry["blueprint"], fixed.baseline)
    return {"ruleId": entry["rule"], "ruleIndex": rule_index.get(entry["rule"], rule_index[INVALID_RULE]),
            "level": "none", "baselineState": "absent",
            "message": {"text": f"Fixed: {entry['rule']} in blueprint '{entry['blueprint']}'{where} is no longer found."},
            "locations": [_location(file, 1, 1)],
            "partialFingerprints": {"blueprintgen/v1": entry["fingerprint"]}}


def _sarif(records: list[dict], problems: list[Problem], fixed: Fixed) -> str:
    rules = _sarif_rules()
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    results = [{
        "ruleId": INVALID_RULE, "ruleIndex": rule_index[INVALID_RULE], "level": "error",
        "message": {"text": p.message + (f" Fix: {p.hint}" if p.hint else "")},
        "locations": [_location(p.file, p.line, p.column)],
        "partialFingerprints": {"blueprintgen/v1": f"{p.file}:{INVALID_RULE}:{p.line}:{p.column}"},
    } for p in problems]
    results += [_sarif_result(f, rule_index) for f in _all_findings(records) + _all_findings(records, "ignored")]
    files = {r["id"]: r["file"] for r in records}
    results += [_absent_result(entry, fixed, files, rule_index) for entry in fixed.entries]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "blueprintgen", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/blueprintgen/blueprintgen", "rules": rules}},
            "results": results,
        }],
    }
    import json   # here: a text report, the common one, does not need it

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
