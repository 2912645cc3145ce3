"""The cache is the tool's own: a clone cannot make a build delete outside itself, nor plant what it publishes.

Each test builds a small project with the real CLI in a fresh process (real MkDocs, Graphviz and
Pagefind), after planting what an attacker would commit or leave, and checks the exit code, the
one warning, what was published, and that nothing outside the project changed.
"""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from blueprint_factory import blueprint_yaml
from helpers import blueprintgen, needs_graphviz, run
from helpers import project as example_project

pytestmark = pytest.mark.slow   # every test builds a site

SCRIPT = b"<script>alert(document.domain)</script>"


def _project(root: Path) -> Path:
    project = root / "repo"
    (project / "blueprints").mkdir(parents=True)
    (project / "blueprints" / "refund.yaml").write_text(blueprint_yaml(steps=6, seed=3, blueprint_id="refund"))
    return project


def _build(project: Path) -> subprocess.CompletedProcess:
    return blueprintgen("build", "-q", "-o", "out", cwd=project, timeout=300)


def _listing(folder: Path) -> dict[str, str]:
    """Every file and link under `folder`, with its content's sha256 (or the link's target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _sealed(svg: bytes) -> bytes:
    """A diagram sealed as the diagram cache seals its files: a planted file that passes every check but ownership."""
    return svg + b"\n<!-- blueprintgen sha256 " + hashlib.sha256(svg).hexdigest().encode() + b" -->\n"


def _plant_script(cache: Path) -> int:
    """Put script into every cached diagram, in place (entries are hard links to them); how many."""
    planted = 0
    for path in cache.glob("*.svg"):
        svg = path.read_bytes()
        svg = svg[:svg.rindex(b"\n<!-- blueprintgen sha256")]
        with open(path, "r+b") as handle:   # same inode: the input entries linked to it see it too
            handle.truncate(0)
            handle.write(_sealed(svg.replace(b"</svg>", SCRIPT + b"</svg>")))
        planted += 1
    return planted


def test_a_committed_search_cache_link_cannot_make_a_build_delete_outside_the_clone(tmp_path):
    sibling = tmp_path / "sibling-project"
    (sibling / "src").mkdir(parents=True)
    (sibling / "src" / "main.py").write_text("print('keep me')\n")
    (sibling / "README.md").write_text("another project\n")
    project = _project(tmp_path)
    (project / ".cache" / "blueprintgen").mkdir(parents=True)
    # What the repository commits: the search cache is a link to the folder that holds the clone.
    (project / ".cache" / "blueprintgen" / "search").symlink_to(Path("..") / ".." / "..")
    before = _listing(tmp_path)

    result = _build(project)

    assert result.returncode == 0, result.stderr
    assert (project / "out" / "index.html").is_file()
    warnings = [line for line in result.stderr.splitlines() if "cache folder" in line]
    assert len(warnings) == 1 and ".cache/blueprintgen/search is not used: it is a symbolic link" in warnings[0]
    after = _listing(tmp_path)
    # Outside the clone nothing changed, the link is still a link, and every file of the clone is still there.
    assert {k: v for k, v in after.items() if not k.startswith("repo/")} == \
        {k: v for k, v in before.items() if not k.startswith("repo/")}
    assert (project / ".cache" / "blueprintgen" / "search").is_symlink()
    assert all(after.get(name) == digest for name, digest in before.items())


@pytest.mark.parametrize("how", ["writable by others", "a link to a shared folder"])
def test_a_cache_others_can_write_to_is_not_used_and_its_planted_diagram_is_not_published(tmp_path, how):
    project = _project(tmp_path)
    first = _build(project)
    assert first.returncode == 0, first.stderr
    cache = project / ".cache" / "blueprintgen"
    assert _plant_script(cache) >= 1
    if how == "writable by others":
        cache.chmod(0o777)
        expected = "other users can write to it"
    else:   # the planted cache lives in a shared folder; the project's cache folder points at it
        shared = tmp_path / "shared-cache"
        cache.rename(shared)
        cache.symlink_to(shared)
        expected = "it is a symbolic link"
    shared_before = _listing(cache.resolve())

    result = _build(project)

    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "cache folder" in line]
    assert len(warnings) == 1 and expected in warnings[0], result.stderr
    diagram = (project / "out" / "blueprints" / "diagrams" / "refund.svg").read_bytes()
    assert b"<script" not in diagram and diagram.rstrip().endswith(b"</svg>")
    assert _listing(cache.resolve()) == shared_before   # not read back, not tidied, not written


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_owned_by_another_user_is_not_used(tmp_path):
    project = _project(tmp_path)
    assert _build(project).returncode == 0
    cache = project / ".cache" / "blueprintgen"
    _plant_script(cache)
    for path in [cache, *cache.rglob("*")]:
        os.lchown(path, 65534, 65534)

    result = _build(project)

    assert result.returncode == 0, result.stderr
    assert "it belongs to another user (uid 65534)" in result.stderr
    assert b"<script" not in (project / "out" / "blueprints" / "diagrams" / "refund.svg").read_bytes()


def test_a_cache_the_repository_commits_is_not_used(tmp_path):
    project = _project(tmp_path)
    assert _build(project).returncode == 0
    _plant_script(project / ".cache" / "blueprintgen")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-f", ".cache", "blueprints"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "cache"], cwd=project, check=True)

    result = _build(project)

    assert result.returncode == 0, result.stderr
    assert "the repository tracks files in it" in result.stderr
    assert b"<script" not in (project / "out" / "blueprints" / "diagrams" / "refund.svg").read_bytes()


def test_tidying_the_search_cache_deletes_only_its_own_entries(tmp_path):
    project = _project(tmp_path)
    search = project / ".cache" / "blueprintgen" / "search"
    search.mkdir(parents=True)
    (search / "notes.txt").write_text("mine\n")
    (search / "keep").mkdir()
    (search / "keep" / "file").write_text("mine too\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("x\n")
    (search / ("b" * 64)).symlink_to(outside)            # named like an old entry, but a link
    (search / ("c" * 64)).mkdir()                        # an entry an earlier version kept as a folder
    (search / ("d" * 64 + ".zip")).write_bytes(b"old")   # an earlier index

    result = _build(project)

    assert result.returncode == 0, result.stderr
    names = sorted(os.listdir(search))
    assert "notes.txt" in names and (search / "keep" / "file").read_text() == "mine too\n"
    assert "c" * 64 not in names and "d" * 64 + ".zip" not in names and "b" * 64 not in names
    assert (outside / "precious").read_text() == "x\n"   # the link was removed, never followed
    parts = list((project / "out" / "pagefind").glob("part-*"))
    assert len([name for name in names if name.endswith(".zip")]) == 1 + len(parts)   # the primary and each part


def test_a_cache_of_ours_is_used_without_a_word(tmp_path):
    project = _project(tmp_path)
    assert _build(project).returncode == 0
    again = _build(project)
    assert again.returncode == 0 and "cache" not in again.stderr
    assert (project / ".cache" / "blueprintgen" / "generated").is_dir()


def test_a_committed_output_link_is_never_written_through(tmp_path):
    elsewhere = tmp_path / "another-site"
    elsewhere.mkdir()
    (elsewhere / ".blueprintgen-site").write_text("built by blueprintgen\n")   # even one that looks like ours
    (elsewhere / "index.html").write_text("their page\n")
    project = _project(tmp_path)
    (project / "out").symlink_to(elsewhere)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "out", "blueprints"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "link"], cwd=project, check=True)
    before = _listing(elsewhere)

    result = _build(project)

    assert result.returncode == 1
    assert "out is a symbolic link that the repository commits; a build never writes through it" in result.stderr
    assert "Traceback" not in result.stderr
    assert _listing(elsewhere) == before and (project / "out").is_symlink()


# -- a FIFO planted in the diagram cache is passed over, not read -----------------------------------

@needs_graphviz
def test_a_fifo_in_the_diagram_cache_is_passed_over(tmp_path):
    example_project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    entries = [p for p in (tmp_path / ".cache" / "blueprintgen").iterdir() if p.is_file()]
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    again = run("build", cwd=tmp_path, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "diagrams ready (1 drawn, 0 from cache)" in again.stderr



def test_records_and_pages_no_build_used_for_a_month_are_removed_once_a_day_and_links_are_never_followed(tmp_path):
    project = _project(tmp_path)
    assert _build(project).returncode == 0
    kept = project / ".cache" / "blueprintgen"
    used = {kind: sorted(os.listdir(kept / kind)) for kind in ("records", "pages")}
    assert all(name.endswith(".json") for kind in used for name in used[kind] if not name.startswith("."))
    month = 31 * 24 * 3600
    old = os.path.getmtime(kept / "records" / ".tidied") - month
    for kind in ("records", "pages"):
        (kept / kind / ("e" * 64 + ".json")).write_text("an entry no build uses\n")
        os.utime(kept / kind / ("e" * 64 + ".json"), (old, old))
    outside = tmp_path / "precious"
    outside.write_text("x\n")
    os.utime(outside, (old, old))
    (kept / "pages" / ("f" * 64 + ".json")).symlink_to(outside)   # named like an old entry, but a link

    # Tidied today already: a build (after a change, as here) does not look at every entry again.
    (project / "blueprints" / "refund.yaml").write_text(blueprint_yaml(steps=7, seed=3, blueprint_id="refund"))
    assert _build(project).returncode == 0
    assert (kept / "records" / ("e" * 64 + ".json")).exists()

    os.utime(kept / "records" / ".tidied", (old, old))   # a day later, a build after another change
    (project / "blueprints" / "refund.yaml").write_text(blueprint_yaml(steps=8, seed=3, blueprint_id="refund"))
    assert _build(project).returncode == 0
    for kind in ("records", "pages"):
        assert not (kept / kind / ("e" * 64 + ".json")).exists()
    assert any(name.endswith(".json") for name in os.listdir(kept / "records"))   # what the build used stays
    assert outside.read_text() == "x\n" and os.path.getmtime(outside) == old   # neither followed nor touched
    assert not (kept / "pages" / ("f" * 64 + ".json")).exists() or \
        (kept / "pages" / ("f" * 64 + ".json")).is_symlink()
