"""A pull request cannot choose what it is compared with (issue 26): a name git resolves is the
revision, whatever files or folders of that name the change adds; `A...B` is B's side; every
changed file is annotated, whatever its name; `paths` takes names with spaces; a huge blob is
said, never read; and the job summary's first line says whether the step passes.

Each test makes real git repositories in tmp_path and runs the real command line, and
scripts/action.sh as a runner would on a pull-request merge commit made as actions/checkout makes it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import CLI, ROOT, blueprintgen, git

pytestmark = pytest.mark.slow   # long git scenarios: a pull request's merge commit, the Action's script

ACTION = ROOT / "scripts" / "action.sh"
BIN = Path(sys.executable).parent

DEAD_END_LINE = 8   # the line of step counter-refunds in blueprint(..., resolved=False)


def blueprint(blueprint_id: str, *, resolved: bool = True, title: str = "Returning a parcel") -> str:
    """A small valid to-be blueprint; without its resolved end it has one high dead-end at line 8."""
    return (f"id: {blueprint_id}\ntitle: {title}\nstatus: to-be\nsteps:\n"
            "  - id: brings-parcel\n    lane: customer\n    action: Brings the parcel to the counter.\n"
            "  - id: counter-refunds\n    lane: frontstage\n    owner: counter\n"
            "    action: Checks the parcel and refunds the customer.\n"
            + ("    end: resolved\n" if resolved else "")
            + "owners:\n  counter:\n    name: Returns counter\n")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def new_repository(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Reviewer")
    git(path, "config", "user.email", "reviewer@example.org")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    commit(path, "base")
    return path


BASE_FILES = {"blueprints/parcel.yaml": blueprint("parcel"),
              "blueprints/counter.yaml": blueprint("counter", title="Counter refund")}


@dataclass
class PullRequest:
    repo: Path
    runner: Path
    base: str      # the base branch's tip, which the Action compares from (the merge base)


def pull_request(tmp_path: Path, change, files: dict[str, str] | None = None) -> PullRequest:
    """main with `files`; a branch `feature` where `change(repo, base_sha)` is committed; then, as
    actions/checkout does for a pull request, a detached merge commit of feature into main, with
    origin/main fetched."""
    repo = new_repository(tmp_path / "repo", files or BASE_FILES)
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    change(repo, base)
    commit(repo, "the change")
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    git(repo, "checkout", "-q", "--detach", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
    runner = tmp_path / "runner"
    runner.mkdir()
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "HEAD").write_text("a neighbour's file\n")
    (tmp_path / "sibling" / base).mkdir()
    (tmp_path / "sibling" / base / "parcel.yaml").write_text(blueprint("parcel"))
    return PullRequest(repo, runner, base)


def outside(tmp_path: Path) -> dict:
    """Everything under tmp_path but the repository and the runner's folder: names, sizes, times."""
    seen = {}
    for folder, dirs, names in os.walk(tmp_path):
        if folder == str(tmp_path):
            dirs[:] = [d for d in dirs if d not in ("repo", "runner")]
        for name in dirs + names:
            stat = os.lstat(os.path.join(folder, name))
            seen[os.path.relpath(os.path.join(folder, name), tmp_path)] = (stat.st_size, stat.st_mtime_ns, stat.st_mode)
    return seen


def repository_state(repo: Path) -> tuple:
    return (git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain=v1", "-z", "--ignored",
                                                   "--untracked-files=all"), git(repo, "for-each-ref"))


@dataclass
class ActionRun:
    returncode: int
    summary: str
    annotations: list[str]
    stdout: str
    stderr: str
    sarif: dict | None

    @property
    def headline(self) -> str:
        return self.summary.splitlines()[0] if self.summary else ""


def run_action(tmp_path: Path, pr: PullRequest, **inputs: str) -> ActionRun:
    """scripts/action.sh check on the merge commit, with the environment action.yml gives it;
    asserts that nothing outside the repository and the runner's folder changed, nor the repository."""
    before, state = outside(tmp_path), repository_state(pr.repo)
    summary, output, sarif = pr.runner / "summary.md", pr.runner / "output", pr.runner / "out.sarif"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "INPUT_", "RUNNER_", "PR_"))}
    env.update({"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(pr.runner), "PR_BASE_REF": "main",
                "INPUT_PATHS": "", "INPUT_FAIL_ON": "", "INPUT_GATE": "", "INPUT_BASELINE": "",
                "INPUT_BASE_REF": "", "INPUT_CONFIG": "", "INPUT_SARIF_FILE": str(sarif)})
    env.update({f"INPUT_{key.upper()}": value for key, value in inputs.items()})
    result = subprocess.run(["bash", str(ACTION), "check"], cwd=pr.repo, env=env, capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    assert outside(tmp_path) == before                  # the sibling folder, named like HEAD and the base
    assert repository_state(pr.repo) == state           # no checkout, no file written in the repository
    return ActionRun(result.returncode, summary.read_text() if summary.exists() else "",
                     [line for line in result.stdout.splitlines() if line.startswith("::")],
                     result.stdout, result.stderr, json.loads(sarif.read_text()) if sarif.exists() else None)


def errors_in(run: ActionRun) -> list[tuple[str, str]]:
    """(file, line) of each ::error annotation."""
    found = []
    for line in run.annotations:
        if line.startswith("::error file="):
            properties = dict(part.split("=", 1) for part in line[len("::error "):].split("::", 1)[0].split(","))
            found.append((properties["file"], properties["line"]))
    return found


def new_results(run: ActionRun) -> list[tuple[str, str]]:
    results = run.sarif["runs"][0]["results"]
    return sorted((r["ruleId"], r.get("baselineState", "")) for r in results)


# -- a file or folder named like a revision changes nothing -----------------------------------------


def test_a_file_named_HEAD_does_not_change_what_is_compared_nor_hide_the_annotations(tmp_path):
    def change(repo, base):
        (repo / "blueprints" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
        (repo / "HEAD").write_text("")
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1, run.stderr
    assert "**This change introduces 1 break, in 1 blueprint.**" in run.summary
    head = git(pr.repo, "rev-parse", "HEAD").strip()
    # Each side named as given, with the short commit it stood for (a bare commit id is shown short).
    assert f"Compared: `origin/main...HEAD ({pr.base[:7]})` → `HEAD ({head[:7]})`." in run.summary
    assert "working tree" not in run.summary
    assert errors_in(run) == [("blueprints/parcel.yaml", str(DEAD_END_LINE))]
    assert run.headline == "## ❌ blueprintgen: fail"
    # The command line alike: HEAD is the revision, not the empty file.
    diff = blueprintgen("diff", pr.base, "HEAD", "--format", "json", cwd=pr.repo)
    assert diff.returncode == 1, diff.stderr
    document = json.loads(diff.stdout)
    assert document["head"] == "HEAD"
    assert [(b["id"], b["change"]) for b in document["blueprints"] if b["change"] != "unchanged"] == \
        [("parcel", "changed")]


def test_folders_named_HEAD_and_the_base_commit_do_not_forge_the_summary(tmp_path):
    def change(repo, base):
        (repo / "blueprints" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
        # What the attacker would have compared: twelve breaks "fixed".
        for n in range(12):
            (repo / base / f"p{n}.yaml").parent.mkdir(exist_ok=True)
            (repo / base / f"p{n}.yaml").write_text(blueprint(f"p{n}", resolved=False))
            (repo / "HEAD").mkdir(exist_ok=True)
            (repo / "HEAD" / f"p{n}.yaml").write_text(blueprint(f"p{n}"))
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1, run.stderr
    assert "**This change introduces 1 break, in 1 blueprint.**" in run.summary and "fixes" not in run.summary
    assert errors_in(run) == [("blueprints/parcel.yaml", str(DEAD_END_LINE))]
    assert run.headline == "## ❌ blueprintgen: fail"
    # The SARIF's --diff-base is the base commit too, not the folder named after it.
    assert new_results(run) == [("dead-end", "new")]
    # The folders are still reachable, written as paths (the documented way).
    forced = blueprintgen("diff", f"./{pr.base}", "HEAD/", "--format", "json", cwd=pr.repo)
    assert forced.returncode == 0, forced.stderr
    forced_document = json.loads(forced.stdout)
    assert (forced_document["base"], forced_document["head"]) == (f"./{pr.base}", "HEAD/")
    assert sum(len(b["fixed"]) for b in forced_document["blueprints"]) == 12


def test_check_diff_base_reads_the_revision_not_a_folder_of_that_name(tmp_path):
    def change(repo, base):
        (repo / "blueprints" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
        # A folder named like the base, holding the same break: it would mark the new break "unchanged".
        (repo / base).mkdir()
        (repo / base / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
        (repo / "main").mkdir()
        (repo / "main" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1, run.stderr
    assert new_results(run) == [("dead-end", "new")]
    assert "**This change introduces 1 break, in 1 blueprint.**" in run.summary
    assert errors_in(run) == [("blueprints/parcel.yaml", str(DEAD_END_LINE))]
    assert run.headline == "## ❌ blueprintgen: fail"
    for name in (pr.base, "main"):
        checked = blueprintgen("check", "--diff-base", name, "--format", "sarif", cwd=pr.repo)
        assert checked.returncode == 1, checked.stderr
        states = [r["baselineState"] for r in json.loads(checked.stdout)["runs"][0]["results"]]
        assert states == ["new"], name
    # ./main is the folder, as documented.
    folder = blueprintgen("check", "--diff-base", "./main", "--format", "sarif", cwd=pr.repo)
    assert [r["baselineState"] for r in json.loads(folder.stdout)["runs"][0]["results"]] == ["unchanged"]


def test_a_git_too_old_for_end_of_options_fails_closed_instead_of_reading_the_folder(tmp_path):
    # git before 2.30 takes `rev-parse --end-of-options` for an unknown option and resolves nothing:
    # every revision would then fall back to a folder of its name.
    sibling(tmp_path)
    repo = new_repository(tmp_path / "repo", BASE_FILES)
    (repo / "HEAD").mkdir()
    (repo / "HEAD" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
    fake = tmp_path / "old-git"
    fake.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    (fake / "git").write_text('#!/bin/sh\n'
                              'for a; do [ "$a" = version ] && { echo "git version 2.25.1"; exit 0; }; done\n'
                              f'exec {shlex.quote(real)} "$@"\n')
    (fake / "git").chmod(0o755)
    before = outside(tmp_path)
    result = blueprintgen("diff", "main", "HEAD", cwd=repo,
                          env={**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "git version 2.25.1 is too old to compare revisions safely" in result.stderr
    assert blueprintgen("diff", "main", "HEAD", cwd=repo).returncode == 0   # a recent git: HEAD, not HEAD/
    assert outside(tmp_path) == before


# -- A...B is B's side --------------------------------------------------------------------------------


def sibling(tmp_path: Path) -> dict:
    """A neighbour of the repository, named like a revision inside; its listing, to compare after."""
    (tmp_path / "sibling" / "main").mkdir(parents=True)
    (tmp_path / "sibling" / "main" / "parcel.yaml").write_text(blueprint("parcel"))
    return outside(tmp_path)


def test_three_dots_compare_where_b_left_a_with_b_not_with_the_working_tree(tmp_path):
    before = sibling(tmp_path)
    repo = new_repository(tmp_path / "repo", BASE_FILES)
    git(repo, "checkout", "-q", "-b", "feat")
    (repo / "blueprints" / "parcel.yaml").write_text(blueprint("parcel", resolved=False))
    commit(repo, "dead end on feat")
    git(repo, "checkout", "-q", "main")
    (repo / "blueprints" / "extra.yaml").write_text(blueprint("extra", title="Extra"))
    commit(repo, "main moves on")
    # Uncommitted work on main: never part of main...feat.
    (repo / "blueprints" / "counter.yaml").write_text(blueprint("counter", resolved=False))

    diff = blueprintgen("diff", "main...feat", "--format", "json", cwd=repo)
    assert diff.returncode == 1, diff.stderr
    document = json.loads(diff.stdout)
    assert (document["base"], document["head"]) == ("main...feat", "feat")
    assert {b["id"]: b["change"] for b in document["blueprints"] if b["change"] != "unchanged"} == {
        "parcel": "changed"}
    text = blueprintgen("diff", "main...feat", cwd=repo)
    assert text.returncode == 1
    where = git(repo, "merge-base", "main", "feat").strip()[:7]
    feat = git(repo, "rev-parse", "feat").strip()[:7]
    assert text.stdout.splitlines()[0] == (f"blueprintgen diff main...feat ({where}) → feat ({feat}): "
                                           "This change introduces 1 break, in 1 blueprint.")
    # `A...` is A...HEAD, the commit: the uncommitted dead end in counter.yaml is not in it.
    git(repo, "checkout", "-q", "feat")   # the uncommitted change comes along
    assert git(repo, "status", "--porcelain") == " M blueprints/counter.yaml\n"
    from_head = blueprintgen("diff", "main...", "--format", "json", cwd=repo)
    assert from_head.returncode == 1, from_head.stderr
    assert json.loads(from_head.stdout)["head"] == "HEAD"
    assert {b["id"]: b["change"] for b in json.loads(from_head.stdout)["blueprints"] if b["change"] != "unchanged"} \
        == {"parcel": "changed"}
    assert outside(tmp_path) == before


# -- every changed file is annotated, whatever its name ----------------------------------------------


def test_a_changed_file_whose_name_has_a_newline_is_annotated(tmp_path):
    def change(repo, base):
        (repo / "blueprints" / "new\nline.yaml").write_text(blueprint("newline-journey", resolved=False))
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1, run.stderr
    assert "**This change introduces 1 break, in 1 blueprint.**" in run.summary
    assert errors_in(run) == [("blueprints/new%0Aline.yaml", str(DEAD_END_LINE))]
    assert run.headline == "## ❌ blueprintgen: fail"
    listed = (pr.runner / "blueprintgen-changed-files").read_bytes()
    assert listed == b"blueprints/new\nline.yaml\0"


def test_paths_input_takes_one_path_a_line_with_spaces_in_names(tmp_path):
    files = {**BASE_FILES, "blueprints/Réclamation client.yaml": blueprint("reclamation-client"),
             "blueprints/elsewhere/other.yaml": blueprint("other")}

    def change(repo, base):
        for name, blueprint_id in (("Réclamation client.yaml", "reclamation-client"), ("parcel.yaml", "parcel"),
                                   ("elsewhere/other.yaml", "other")):
            (repo / "blueprints" / name).write_text(blueprint(blueprint_id, resolved=False))
    pr = pull_request(tmp_path, change, files)
    run = run_action(tmp_path, pr, paths="blueprints/Réclamation client.yaml\n  blueprints/parcel.yaml \n\n")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "**This change introduces 2 breaks, in 2 blueprints.**" in run.summary   # not other.yaml
    assert sorted(errors_in(run)) == [("blueprints/Réclamation client.yaml", str(DEAD_END_LINE)),
                                      ("blueprints/parcel.yaml", str(DEAD_END_LINE))]
    assert run.headline == "## ❌ blueprintgen: fail"


# -- a huge blob is said, never read ------------------------------------------------------------------

HUGE = 20 * 1024 * 1024


def _peak_rss_kib(args: list[str], cwd: Path) -> tuple[int, subprocess.CompletedProcess]:
    """The largest resident size of any process `args` starts, measured from a fresh process."""
    script = ("import json, resource, subprocess, sys\n"
              "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
              "print(json.dumps([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode, "
              "done.stdout, done.stderr]))\n")
    measured = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True,
                              timeout=300, check=True)
    peak, code, out, err = json.loads(measured.stdout)
    return peak, subprocess.CompletedProcess(args, code, out, err)


def test_an_oversized_blob_is_reported_without_being_read(tmp_path):
    def change(repo, base):
        with open(repo / "blueprints" / "huge.yaml", "wb") as handle:
            line = b"# " + b"x" * 97 + b"\n"
            handle.write(line * (HUGE // len(line)))
        (repo / "blueprints" / "big.yaml").write_bytes(b"# x\n" * (300 * 1024))   # 1.2 MiB: over the limit too
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1, run.stderr
    assert "Invalid at head (2)" in run.summary
    assert sorted(errors_in(run)) == [("blueprints/big.yaml", "1"), ("blueprints/huge.yaml", "1")]
    assert run.headline == "## ❌ blueprintgen: fail"
    assert all("larger than 1024 KiB" in line for line in run.annotations if line.startswith("::error "))

    command = [*CLI, "diff", pr.base, "feature", "--format", "json"]
    small, diff_small = _peak_rss_kib(command + ["blueprints/big.yaml"], pr.repo)
    huge, diff = _peak_rss_kib(command, pr.repo)
    assert diff.returncode == 1 and "Traceback" not in diff.stderr, diff.stderr
    invalid = {b["file"]: b["invalid_at_head"][0] for b in json.loads(diff.stdout)["blueprints"]
               if "invalid_at_head" in b}
    assert set(invalid) == {"blueprints/huge.yaml", "blueprints/big.yaml"}
    assert all((p["line"], p["column"]) == (1, 1) and "larger than 1024 KiB" in p["message"]
               for p in invalid.values())
    # Had the 20 MB blob been read (by git into a pipe, then by blueprintgen), the peak would grow by it.
    assert huge < 300 * 1024, huge
    assert huge - small < 10 * 1024, (small, huge)


def test_a_blob_missing_from_the_repository_is_one_error_line(tmp_path):
    before = sibling(tmp_path)
    repo = new_repository(tmp_path / "repo", BASE_FILES)
    (repo / "blueprints" / "parcel.yaml").write_text(blueprint("parcel", title="Returning a parcel, reworded"))
    commit(repo, "reword")
    sha = git(repo, "rev-parse", "HEAD:blueprints/parcel.yaml").strip()
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    result = blueprintgen("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert "the file 'blueprints/parcel.yaml' of " in result.stderr and "is missing from the repository" \
        in result.stderr and "hint:" in result.stderr
    assert outside(tmp_path) == before


# -- the summary says pass or fail first -------------------------------------------------------------


def test_the_summary_says_pass_first_when_the_gate_passes(tmp_path):
    def change(repo, base):
        (repo / "blueprints" / "counter.yaml").write_text(blueprint("counter", title="Counter refund, reworded"))
    pr = pull_request(tmp_path, change)
    run = run_action(tmp_path, pr)
    assert run.returncode == 0, run.stderr
    assert "**This change neither fixes nor introduces a break, in 1 blueprint.**" in run.summary
    assert errors_in(run) == []
    assert run.headline == "## ✅ blueprintgen: pass"
