"""Findings and load problems -> text, JSON, SARIF 2.1.0 and GitHub annotations. Pure and deterministic.

Reports are made from entries: plain dicts that `check`'s worker processes make
from each blueprint's analysis (`report_entry`) and send back cheaply. For JSON and
SARIF an entry is the blueprint's JSON record; for the line formats (text, GitHub)
it holds the finished report lines and the counts the summary needs, so the lines
are formatted in parallel and the parent only merges them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import PurePath

from . import __version__
from .analysis import Analysis, Finding
from .escape import clean, file_name, one_line
from .loader import Problem
from .rules import RULES, SEVERITIES

__all__ = ["FORMATS", "SEVERITY_RANK", "record", "report_entry", "format_report", "format_records", "fails",
           "fails_records"]

FORMATS = ("text", "json", "sarif", "github")
LINE_FORMATS = ("text", "github")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}
GITHUB_LEVEL = {"high": "error", "medium": "warning", "low": "notice"}
INVALID_RULE = "invalid-blueprint"
DOCS_URI = "https://github.com/blueprintgen/blueprintgen/blob/main/docs/rules.md"


def _finding_record(finding: Finding) -> dict:
    data = {
        "number": finding.number, "rule": finding.rule, "severity": finding.severity, "step": finding.step,
        "file": finding.position.file, "line": finding.position.line, "column": finding.position.column,
        "message": finding.message, "hint": finding.hint, "blueprint": finding.blueprint,
    }
    if finding.ignored is not None:
        data["ignored"] = finding.ignored
    return data


def record(analysis: Analysis) -> dict:
    """One blueprint's analysis as plain data: the `blueprints[]` entry of the JSON report."""
    b = analysis.blueprint
    return {"id": b.id, "file": b.file, "title": b.title, "status": b.status,
            "metrics": dict(analysis.metrics.__dict__),
            "findings": [_finding_record(f) for f in analysis.findings],
            "ignored": [_finding_record(f) for f in analysis.ignored]}


def report_entry(analysis: Analysis, fmt: str) -> dict:
    """What a report in `fmt` needs of one blueprint (made in `check`'s worker processes)."""
    data = record(analysis)
    if fmt not in LINE_FORMATS:
        return data
    return {"file": data["file"], "id": data["id"], "severities": _severities(data), "ignored": len(data["ignored"]),
            "lines": sorted(_finding_line(f, fmt) for f in data["findings"])}


def _severities(entry: dict) -> dict[str, int]:
    if "severities" in entry:
        return entry["severities"]
    return dict(Counter(f["severity"] for f in entry["findings"]))


def fails_records(records: list[dict], problems: list[Problem], fail_on: str) -> bool:
    """True when the run should exit 1: an invalid blueprint, or a finding at or above fail_on."""
    if problems:
        return True
    if fail_on == "never":
        return False
    return any(SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on] for r in records for severity in _severities(r))


def fails(analyses: list[Analysis], problems: list[Problem], fail_on: str) -> bool:
    return fails_records([record(a) for a in analyses], problems, fail_on)


def format_report(analyses: list[Analysis], problems: list[Problem], fmt: str) -> str:
    """The whole report in one format, ending with a newline."""
    return format_records([report_entry(a, fmt) for a in analyses], problems, fmt)


def format_records(records: list[dict], problems: list[Problem], fmt: str) -> str:
    """The report from `report_entry` entries made with the same `fmt`."""
    records = sorted(records, key=lambda r: (r["file"], r["id"]))
    if fmt in LINE_FORMATS:
        return _lines(records, problems, fmt)
    return {"json": _json, "sarif": _sarif}[fmt](records, problems)


def _position_key(f: dict) -> tuple:
    return (f["file"], f["line"], f["column"], f["rule"], f["step"] or "")


def _all_findings(records: list[dict], key: str = "findings") -> list[dict]:
    return sorted((f for r in records for f in r[key]), key=_position_key)


def summary(records: list[dict], problems: list[Problem]) -> str:
    counts: Counter = Counter()
    for r in records:
        counts.update(_severities(r))
    ignored = sum(r["ignored"] if isinstance(r["ignored"], int) else len(r["ignored"]) for r in records)
    line = f"{', '.join(f'{counts[s]} {s}' for s in reversed(SEVERITIES))} in {len(records)} blueprint(s)"
    if ignored:
        line += f"; {ignored} ignored"
    if problems:
        line += f"; {len(problems)} error(s) in invalid blueprints"
    return line


def _finding_line(f: dict, fmt: str) -> tuple[str, int, int, str]:
    """(file, line, column, the report line) of one finding in a line format."""
    if fmt == "text":
        text = file_name(f['file']) + one_line(f":{f['line']}:{f['column']}: {f['severity']} {f['rule']}: "
                                               f"{f['message']} (hint: {f['hint']})")
    else:
        title = _escape_property(f"blueprintgen {f['severity']} {f['rule']}")
        text = (f"::{GITHUB_LEVEL[f['severity']]} file={_escape_property(f['file'])},line={f['line']},"
                f"col={f['column']},title={title}::{_escape_data(f['message'] + ' (hint: ' + f['hint'] + ')')}")
    return f["file"], f["line"], f["column"], text


def _problem_line(p: Problem, fmt: str) -> tuple[str, int, int, str]:
    if fmt == "text":
        return p.file, p.line, p.column, str(p)
    message = p.message + (f" (hint: {p.hint})" if p.hint else "")
    return (p.file, p.line, p.column, f"::error file={_escape_property(p.file)},line={p.line},col={p.column},"
            f"title={_escape_property('blueprintgen: invalid blueprint')}::{_escape_data(message)}")


def _lines(records: list[dict], problems: list[Problem], fmt: str) -> str:
    # Each entry's lines are sorted already, so this sort mostly walks sorted runs.
    lines = [_problem_line(p, fmt) for p in problems]
    for r in records:   # a full record (from `record`) is formatted here
        lines += r["lines"] if "lines" in r else [_finding_line(f, fmt) for f in r["findings"]]
    lines.sort()
    return "\n".join([line for *_, line in lines] + [summary(records, problems)]) + "\n"


def _public(finding: dict) -> dict:
    return {key: value for key, value in finding.items() if key != "blueprint"}


def _json(records: list[dict], problems: list[Problem]) -> str:
    document = {
        "version": __version__,
        "blueprints": [{**r, "findings": [_public(f) for f in r["findings"]],
                        "ignored": [_public(f) for f in r["ignored"]]} for r in records],
        "errors": [{"file": p.file, "line": p.line, "column": p.column, "message": p.message, "hint": p.hint}
                   for p in problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    """A repository-relative URI with forward slashes, as code scanning expects."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        path = relative if not relative.startswith("..") else path
    return PurePath(path).as_posix()


def _location(file: str, line: int, column: int) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(file), "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": line, "startColumn": column}}}


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
    result = {
        "ruleId": finding["rule"], "ruleIndex": rule_index[finding["rule"]], "level": SARIF_LEVEL[finding["severity"]],
        "message": {"text": f"{finding['message']} Fix: {finding['hint']}"},
        "locations": [_location(finding["file"], finding["line"], finding["column"])],
        "partialFingerprints": {"blueprintgen/v1": f"{finding['blueprint']}:{finding['rule']}:{finding['step'] or ''}"},
    }
    if "ignored" in finding:
        result["suppressions"] = [{"kind": "inSource", "justification": finding["ignored"]}]
    return result


def _sarif(records: list[dict], problems: list[Problem]) -> str:
    rules = _sarif_rules()
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    results = [{
        "ruleId": INVALID_RULE, "ruleIndex": rule_index[INVALID_RULE], "level": "error",
        "message": {"text": p.message + (f" Fix: {p.hint}" if p.hint else "")},
        "locations": [_location(p.file, p.line, p.column)],
    } for p in problems]
    results += [_sarif_result(f, rule_index) for f in _all_findings(records) + _all_findings(records, "ignored")]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "blueprintgen", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/blueprintgen/blueprintgen", "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    text = clean(text)   # no terminal escapes or direction changes in CI logs
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
