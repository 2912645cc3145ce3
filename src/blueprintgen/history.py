"""Findings over time: the blueprints at past commits, each judged with that commit's own settings, counted per period.

A period is a month (the last commit of the month on the first-parent history of HEAD, by the
committer date as recorded), a tag (on that history) or every commit. A commit's counts are kept
in a store by commit, and a blueprint file's judgement by its blob id and the settings: a rebuild
reads git's log once, and analyses only the commits it has not seen, and of those only the files
no earlier commit had with the same settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field

from .history_git import Commit, first_parent_commits, read_blobs, tags_on
from .project import Project
from .revisions import SideError
from .rules import SEVERITIES
from .settings import Settings
from .yamltree import MAX_FILE_BYTES

__all__ = ["BY", "NO_OWNER", "Counts", "history"]

BY = ("month", "tag", "commit")
NO_OWNER = "No owner"
# Settings files beside the project's settings (mkdocs.yml, what it INHERITs, pyproject.toml):
# a commit that changes none of them has the settings of the commit before.
_SETTINGS_ENDINGS = (".yml", ".yaml", ".toml")
_VERSION = 1   # of what the store keeps
# Files read from git at once, and the fewest worth starting worker processes for (as `check`).
BATCH, PARALLEL_FROM = 500, 64


@dataclass
class Counts:
    """What a run did, for `--verbose`: commits analysed or found in the store, files judged or reused."""

    periods: int = 0
    commits_analysed: int = 0
    commits_cached: int = 0
    files_judged: int = 0
    files_reused: int = 0

    def line(self) -> str:
        return (f"history: {self.periods} periods; {self.commits_analysed} commits analysed, {self.commits_cached} "
                f"from the cache; {self.files_judged} blueprint files judged, {self.files_reused} reused")


@dataclass
class _Run:
    project: Project
    paths: tuple[str, ...]          # where the blueprints are, from the repository root ("" for all); () for settings
    config_file: str | None
    store: object | None            # get(kind, key) -> dict | None; put(kind, key, dict)
    code: str | None                # our code's digest: other code never reuses a result
    counts: Counts = field(default_factory=Counts)
    settings: dict = field(default_factory=dict)    # settings key -> (Settings, digest) or the problem
    judged: dict = field(default_factory=dict)      # file key -> judgement


def history(project: Project, by: str = "month", paths: tuple[str, ...] = (), config_file: str | None = None,
            store=None, code: str | None = None, counts: Counts | None = None, head: str = "HEAD",
            last: int | None = None) -> dict:
    """The history document: per period, the findings by severity, per team and per blueprint.

    `paths` (absolute, or relative to the current folder) say where the blueprints are at every
    commit; by default each commit's own `blueprints_dir`. `head` is the revision whose history is
    read; `last` keeps only the newest periods (none older is analysed). NeedsHistory or SideError
    when there is no history to read, or `head` is no commit.
    """
    relative = []
    for path in paths:
        inside = os.path.relpath(os.path.abspath(path), project.root).replace(os.sep, "/")
        if inside.startswith(".."):
            raise SideError(f"'{path}' is outside the repository {project.root} (hint: give paths inside it)")
        relative.append("" if inside == "." else inside)
    run = _Run(project, tuple(sorted(set(relative))), config_file, store, code, counts or Counts())
    commits = first_parent_commits(project, head)
    chosen = _periods(project, commits, by)
    chosen = chosen[-last:] if last else chosen
    run.counts.periods = len(chosen)
    summaries = _summaries(run, commits, {index for _, index in chosen})
    return {"version": 1, "by": by, "head": commits[-1].sha,
            "periods": [_period(label, commits[index], summaries[index]) for label, index in chosen]}


def _periods(project: Project, commits: list[Commit], by: str) -> list[tuple[str, int]]:
    """(label, index in `commits`) of each period, oldest first."""
    if by == "tag":
        return tags_on(project, commits)
    if by == "commit":
        return [(commit.sha[:12], index) for index, commit in enumerate(commits)]
    last: dict[str, int] = {}
    for index, commit in enumerate(commits):   # later on the history wins, whatever its date says
        last[commit.date[:7]] = index
    return sorted(last.items())


def _summaries(run: _Run, commits: list[Commit], wanted: set[int]) -> dict[int, dict]:
    """Each wanted commit's counts, from the store or analysed; the files read from git in one batch."""
    tree: dict[str, str] = {}
    found, missing = {}, []
    for index, commit in enumerate(commits):
        for path, blob in commit.changes:
            if blob is None:
                tree.pop(path, None)
            else:
                tree[path] = blob
        if index not in wanted:
            continue
        kept = _get(run, "commit", _commit_key(run, commit.sha))
        if kept is not None:
            found[index] = kept
            run.counts.commits_cached += 1
        else:
            missing.append((index, commit, dict(tree)))
    plans = [(index, commit, *_plan(run, commit, tree)) for index, commit, tree in missing]
    _judge_all(run, [entry for *_, files, _ in plans for entry in files if entry[2] not in run.judged])
    for index, commit, files, problem in plans:
        summary = _summary(run, files, problem)
        found[index] = summary
        run.counts.commits_analysed += 1
        _put(run, "commit", _commit_key(run, commit.sha), summary)
    return found


def _plan(run: _Run, commit: Commit, tree: dict[str, str]) -> tuple[list, str | None]:
    """The blueprint files of a commit as (path, blob, file key, settings); or the problem with its settings."""
    settings = _settings(run, commit, tree)
    if isinstance(settings, str):
        return [], settings
    settings, digest = settings
    prefixes = run.paths or (_inside(run.project, settings.blueprints_dir),)
    files = []
    for path, blob in sorted(tree.items()):
        if not any(prefix == "" or path == prefix or path.startswith(prefix + "/") for prefix in prefixes):
            continue
        if any(part.startswith(".") for part in path.split("/")) or path.endswith(".toml"):
            continue
        files.append((path, blob, _key(run.code, digest, blob, path), settings))
    return files, None


def _inside(project: Project, folder: str) -> str:
    inside = os.path.relpath(os.path.abspath(folder), project.root).replace(os.sep, "/")
    return "" if inside == "." else inside


def _settings(run: _Run, commit: Commit, tree: dict[str, str]):
    """(the commit's settings, their digest), or the problem with them (one line); read once per content."""
    from .config import ConfigError
    from .revision_settings import settings_at

    folder = _inside(run.project, run.project.folder)
    near = sorted((path, blob) for path, blob in tree.items() if path.endswith(_SETTINGS_ENDINGS)
                  and path.rpartition("/")[0] == folder)
    key = repr((near, run.config_file and _inside(run.project, run.config_file),
                run.config_file and tree.get(_inside(run.project, run.config_file))))
    if key not in run.settings:
        try:
            settings = settings_at(run.project, commit.sha, run.config_file)
            run.settings[key] = (settings, _settings_digest(settings, run.project))
        except ConfigError as error:
            run.settings[key] = f"the settings of {commit.sha[:12]} cannot be read: {error.problems[0]}"
    return run.settings[key]


def _settings_digest(settings: Settings, project: Project) -> str:
    """What of the settings changes what is found: severities, the rules' options, the blueprints folder."""
    options = {name: getattr(value, "text", value) for name, value in settings.rule_options.items()}
    identity = json.dumps([sorted(settings.severities.items()), sorted(options.items(), key=lambda item: item[0]),
                           _inside(project, settings.blueprints_dir)], default=str)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps([_VERSION, *parts]).encode("utf-8")).hexdigest()


def _commit_key(run: _Run, sha: str) -> str:
    return _key(run.code, "commit", sha, list(run.paths), run.config_file and _inside(run.project, run.config_file))


def _get(run: _Run, kind: str, key: str) -> dict | None:
    if run.store is None or run.code is None:
        return None
    kept = run.store.get(kind, key)
    return kept if _well_formed(kind, kept) else None


def _put(run: _Run, kind: str, key: str, value: dict) -> None:
    if run.store is not None and run.code is not None:
        run.store.put(kind, key, value)


def _well_formed(kind: str, kept) -> bool:
    """Whether a stored entry has the shape we write (anything else is a miss, and analysed again)."""
    if not isinstance(kept, dict):
        return False
    try:
        if kind == "file":
            return "invalid" in kept or (isinstance(kept["id"], str) and isinstance(kept["title"], str)
                                         and all(_triple(c) for c in kept["teams"].values()))
        return (all(isinstance(b[0], str) and isinstance(b[1], str) and isinstance(b[2], str) and _triple(b[3])
                    for b in kept["blueprints"]) and all(_triple(c) for c in kept["teams"].values())
                and all(isinstance(p, str) for p in kept["invalid"]) and (kept["problem"] is None or isinstance(kept["problem"], str)))
    except (KeyError, TypeError, IndexError, AttributeError):
        return False


def _triple(counts) -> bool:
    return isinstance(counts, list) and len(counts) == len(SEVERITIES) and all(type(c) is int for c in counts)


def _judge_all(run: _Run, files: list) -> None:
    """Judge every file not judged yet: from the store, else read from git (one batch) and analysed."""
    unique, seen = [], set()
    for path, blob, key, settings in files:
        if key in seen:
            continue
        seen.add(key)
        kept = _get(run, "file", key)
        if kept is not None:
            run.judged[key] = kept
            run.counts.files_reused += 1
        else:
            unique.append((path, blob, key, settings))
    pool = _pool() if len(unique) >= PARALLEL_FROM else None
    try:
        # In batches: a thousand commits' files are never all in memory at once.
        for start in range(0, len(unique), BATCH):
            batch = unique[start:start + BATCH]
            contents = read_blobs(run.project, [(path, blob) for path, blob, *_ in batch], MAX_FILE_BYTES)
            items = [(data, path, settings) for (path, _, _, settings), data in zip(batch, contents)]
            for (_, _, key, _), judged in zip(batch, _judge_items(items, pool)):
                run.judged[key] = judged
                run.counts.files_judged += 1
                _put(run, "file", key, judged)
    finally:
        if pool is not None:
            pool.shutdown()


def _pool():
    """Worker processes for judging many files (forked where the system can: no start-up imports)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 1
    if workers == 1:
        return None
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _judge_items(items: list[tuple], pool) -> list[dict]:
    """_judgement of each (data, path, settings), in order; in chunks across `pool` when there is one."""
    if pool is None or len(items) < PARALLEL_FROM:
        return _judge_chunk(items)
    size = -(-len(items) // ((os.cpu_count() or 1) * 4))   # a few chunks per worker evens out slow files
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    return [judged for part in pool.map(_judge_chunk, chunks) for judged in part]


def _judge_chunk(items: list[tuple]) -> list[dict]:
    return [_judgement(data, path, settings) for data, path, settings in items]


def _judgement(data: bytes | None, path: str, settings: Settings) -> dict:
    """One blueprint file as history counts it: its id and title, and its findings per team and severity."""
    from .analysis import analyse
    from .loader import load_bytes

    if data is None:
        return {"invalid": f"larger than {MAX_FILE_BYTES // 1024} KiB"}
    loaded = load_bytes(data, path, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    if loaded.problems or len(loaded.blueprints) != 1:
        return {"invalid": str(loaded.problems[0]) if loaded.problems else "no blueprint"}
    analysis = analyse(loaded.blueprints[0], settings)
    blueprint = analysis.blueprint
    teams: dict[str, list[int]] = {}
    for finding in analysis.findings:
        counts = teams.setdefault(_team(blueprint, finding.step), [0] * len(SEVERITIES))
        counts[SEVERITIES.index(finding.severity)] += 1
    return {"id": blueprint.id, "title": blueprint.title, "teams": teams}


def _team(blueprint, step_id: str | None) -> str:
    """The team that owns the step a finding is on (its owner's team, else the owner's name); "No owner" when none."""
    step = blueprint.step_by_id.get(step_id) if step_id else None
    owner = blueprint.owner_by_key.get(step.owner) if step is not None and step.owner else None
    if owner is None:
        return NO_OWNER
    # As the site groups team names: composed or not, stray spaces or not, one team.
    return unicodedata.normalize("NFC", " ".join((owner.team or owner.name).split()))


def _summary(run: _Run, files: list, problem: str | None) -> dict:
    """A commit's counts from its files' judgements: per blueprint (id, title, file, counts) and per team."""
    blueprints, teams, invalid = [], {}, []
    for path, _, key, _ in files:
        judged = run.judged[key]
        if "invalid" in judged:
            invalid.append(f"{path}: {judged['invalid']}")
            continue
        total = [0] * len(SEVERITIES)
        for team, counts in judged["teams"].items():
            into = teams.setdefault(team, [0] * len(SEVERITIES))
            for at, count in enumerate(counts):
                into[at] += count
                total[at] += count
        blueprints.append([judged["id"], judged["title"], path, total])
    return {"blueprints": blueprints, "teams": teams, "invalid": invalid, "problem": problem}


def _row(counts: list[int]) -> dict:
    """Counts high first, as people read them, and their sum."""
    return {**{severity: counts[at] for at, severity in reversed(list(enumerate(SEVERITIES)))},
            "findings": sum(counts)}


def _worst_first(counts: list[int]) -> tuple:
    return tuple(-count for count in reversed(counts))


def _period(label: str, commit: Commit, summary: dict) -> dict:
    """One period of the document; teams and blueprints worst first (high, then medium, then low), ties by name."""
    total = [0] * len(SEVERITIES)
    for *_, counts in summary["blueprints"]:
        total = [a + b for a, b in zip(total, counts)]
    teams = sorted(summary["teams"].items(), key=lambda item: (_worst_first(item[1]), item[0]))
    blueprints = sorted(summary["blueprints"], key=lambda b: (_worst_first(b[3]), b[0], b[2]))
    return {"period": label, "commit": commit.sha, "date": commit.date, "totals": _row(total),
            "blueprint_count": len(blueprints), "invalid": summary["invalid"], "settings_problem": summary["problem"],
            "teams": [{"team": team, **_row(counts)} for team, counts in teams],
            "blueprints": [{"id": i, "title": title, "file": path, **_row(counts)}
                           for i, title, path, counts in blueprints]}
