"""Every blueprint file of a build, from its record when its bytes were seen before, else loaded and analysed.

A build after one change reads every file (its bytes decide), but loads and analyses only the
changed one: the others come as their records (cache/blueprints), with the facts the checks
across files need. A file's analysis is made on demand, when something needs more than its
record (its page or diagram is not in the cache, or the layout changed).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, replace

from ..across import Facts, check_across, facts_of
from ..analysis import Analysis, analyse
from ..gcpause import paused_gc
from ..loader import Loaded, Problem, default_id, find_files, load_bytes, read_file, redesigned_nearby
from ..settings import Settings
from .cache.blueprints import check_again, load_record, record_key, store_record
from .cache.diagrams import code_digest, diagram_input
from .cache.pages import rest_digest

__all__ = ["Item", "Survey", "survey", "relative", "judged_by"]


def judged_by(settings: Settings) -> tuple:
    """What of the settings an analysis depends on: each rule's severity and options (not where files go)."""
    return (tuple(sorted(settings.severities.items())), tuple(sorted((name, repr(value))
                                                                     for name, value in settings.rule_options.items())))


def relative(path: str, root: str) -> str:
    """`path` relative to `root` when inside it (pages show source files so), else as given."""
    shown = os.path.relpath(path, root)
    return path if shown.startswith("..") else shown.replace(os.sep, "/")


@dataclass
class Item:
    """One valid blueprint file: its bytes, its record (plain data) and, once needed, its analysis."""

    shown: str
    data: bytes
    key: str | None                 # of its record; None when our code cannot be identified
    record: dict
    analysis: Analysis | None = None
    stored: bool = True             # the record in the cache is this one

    @property
    def facts(self) -> Facts:
        return self.record["facts"]


@dataclass
class Survey:
    """The blueprint files under a folder, as a build sees them (see survey())."""

    folder: str
    settings: Settings
    root: str
    items: list[Item]                       # the valid blueprints, in the loader's order
    problems: tuple[Problem, ...]
    read: tuple                             # (path, size, sha256) of every file read, as Loaded.read
    cache: str | None = None

    def analysis(self, item: Item) -> Analysis:
        """The item's analysis, loading and analysing its bytes if this build has not yet."""
        if item.analysis is None:
            loaded = load_bytes(item.data, item.shown, default_id(item.shown))
            [blueprint] = loaded.blueprints   # it loaded without a problem when its record was made
            item.analysis = _analysed(blueprint, self.root, self.settings)
        return item.analysis

    def release(self) -> None:
        """Let go of the analyses and contributions made so far (a drawing still running loads what it needs again)."""
        for item in self.items:
            item.analysis = None
            item.record = {key: value for key, value in item.record.items() if key != "contribution"}

    def keep(self, item: Item) -> None:
        """Store the item's record (changed since it was read) for the next build."""
        if self.cache is not None and item.key is not None:
            store_record(self.cache, item.key, _stored_form(item.record))
            item.stored = True


def _analysed(blueprint, root: str, settings: Settings) -> Analysis:
    # Pages show source files relative to the project, so builds do not depend on where it lives.
    return analyse(replace(blueprint, file=relative(blueprint.file, root)), settings)


def _record_of(analysis: Analysis, facts: Facts) -> dict:
    """What a build keeps of one file: the facts across files, its diagram's key and the rest of its analysis's."""
    return {"facts": facts, "diagram": diagram_input(analysis.blueprint, analysis.findings),
            "rest": rest_digest(analysis)}


def _stored_form(record: dict) -> dict:
    return {**record, "facts": record["facts"].to_json()}


def _from_store(data: dict | None) -> dict | None:
    """A stored record in memory (its facts as Facts), or None when it is not a record's shape."""
    if not isinstance(data, dict):
        return None
    try:
        facts = Facts.from_json(data["facts"])
        texts = data.get("contribution", {}).get("texts")
        if isinstance(texts, list):   # the same words recur across blueprints (team names, rules): held once
            data["contribution"]["texts"] = list(map(sys.intern, texts))   # TypeError when one is not a text
        if not isinstance(data["diagram"], str) or not isinstance(data["rest"], str):
            return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return {**data, "facts": facts}


def survey(folder: str, settings: Settings, root: str, cache: str | None) -> Survey:
    """Every blueprint file under `folder` (as the loader finds them), with every problem the loader would report.

    A file whose record is in `cache` (same name, bytes, settings, project folder and code) is not
    loaded; the others are loaded, analysed and their records stored.
    """
    check_again()   # the cache's folders are checked once for this build
    with paused_gc():   # thousands of records read into plain objects, with no cycles to collect
        return _survey(folder, settings, root, cache)


def _survey(folder: str, settings: Settings, root: str, cache: str | None) -> Survey:
    paths, problems = find_files([folder])
    code = code_digest()
    items: list[Item] = []
    read = []
    blueprints = []   # as load_paths: those loaded now; Facts for the others (the checks across files read either)
    for path in paths:
        data = read_file(path, path)
        if isinstance(data, Loaded):
            problems.extend(data.problems)
            continue
        sha = hashlib.sha256(data).hexdigest()
        read.append((path, len(data), sha))
        key = record_key(code, path, len(data), sha, judged_by(settings), root) if code is not None else None
        record = _from_store(load_record(cache, key)) if cache is not None and key is not None else None
        if record is not None:
            items.append(Item(path, data, key, record))
            blueprints.append(record["facts"])
            continue
        loaded = load_bytes(data, path, default_id(path))
        problems.extend(loaded.problems)
        for blueprint in loaded.blueprints:
            analysis = _analysed(blueprint, root, settings)
            items.append(Item(path, data, key, _record_of(analysis, facts_of(blueprint)), analysis, stored=False))
            blueprints.append(blueprint)
    nearby = redesigned_nearby(blueprints, lambda blueprint: blueprint.file, paths)
    shown_nearby = {blueprint.file for blueprint in nearby}
    problems.extend(p for p in check_across(nearby + blueprints) if p.file not in shown_nearby)
    invalid = {problem.file for problem in problems}
    valid = [item for item in items if item.facts.file not in invalid]
    found = Survey(folder, settings, root, valid, tuple(sorted(problems)), tuple(read), cache)
    for item in valid:
        if not item.stored:
            found.keep(item)
    return found
