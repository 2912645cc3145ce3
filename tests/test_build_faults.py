"""A build that fails, is stopped or is killed keeps the site it replaces; the swap that publishes a site.

Each fault is reproduced for real: real builds in fresh processes, real signals (SIGTERM is Ctrl-C,
what SIGKILL leaves goes at the next build), real file modes (run as an unprivileged user when the
suite runs as root, since root is not stopped by modes), and a slow fake Graphviz first on PATH to
stop a build while it draws.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import (alive, fake_graphviz, make_removable, needs_graphviz, pids, posix_only, project, run, snapshot,
                     start, wait_until, work_folders)


# -- the swap tells the truth, a symlinked output keeps its link, marked leftovers go ---------------

@pytest.mark.slow
@posix_only
@needs_graphviz
def test_a_site_folder_that_cannot_be_emptied_is_replaced_and_the_message_is_true(shared):
    blueprints = project(shared, "ortho-shoes-prescription")
    first = run("build", "-q", cwd=shared, nobody=True)
    assert first.returncode == 0, first.stderr
    (shared / "site").chmod(0o555)   # its files cannot be deleted by the user any more
    shoes = blueprints / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Second ", 1))
    second = run("build", "-q", cwd=shared, nobody=True)
    assert second.returncode == 0, second.stderr
    assert "left as it was" not in second.stderr
    assert "Second" in (shared / "site/blueprints/ortho-shoes-prescription/index.html").read_text()
    left, = work_folders(shared)
    assert re.fullmatch(rf"warning: could not remove {re.escape(str(shared))}/\.site\.building-\w+: Permission "
                        r"denied; it holds an earlier site or a stopped build, delete it yourself\n", second.stderr)
    assert (shared / left / ".blueprintgen-site").exists()    # the earlier site, marked as ours
    make_removable(shared / left)
    third = run("build", "-q", cwd=shared, nobody=True)
    assert third.returncode == 0 and third.stderr == ""
    assert work_folders(shared) == []                          # the next build removed it


@pytest.mark.slow
@needs_graphviz
def test_a_symlinked_output_keeps_its_link_and_its_target_is_replaced(tmp_path):
    blueprints = project(tmp_path, "ortho-shoes-prescription")
    deploy = tmp_path / "srv" / "www"
    deploy.parent.mkdir()
    first = run("build", "-q", "-o", deploy, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (tmp_path / "site").symlink_to(deploy)
    shoes = blueprints / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Linked ", 1))
    second = run("build", "-q", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert os.readlink(tmp_path / "site") == str(deploy)
    assert "Linked" in (deploy / "blueprints/ortho-shoes-prescription/index.html").read_text()
    assert sorted(p.name for p in deploy.parent.iterdir()) == ["www"]
    assert work_folders(tmp_path) == []


def test_an_output_link_that_loops_is_refused_and_left_as_it_is(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "site").symlink_to(tmp_path / "site")
    result = run("build", "-q", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site is a symbolic link that loops back on itself; point it at a folder, or remove it" in result.stderr
    assert os.readlink(tmp_path / "site") == str(tmp_path / "site") and work_folders(tmp_path) == []


@pytest.mark.slow
@needs_graphviz
def test_only_marked_or_empty_work_folders_left_by_earlier_runs_are_removed(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    marked = [tmp_path / ".site.building-abc123", tmp_path / ".site.old-x_Y9"]
    for folder in marked:
        folder.mkdir()
        (folder / ".blueprintgen-site").write_text("built by blueprintgen\n")
        (folder / "index.html").write_text("old")
    (tmp_path / ".site.docs-q1").mkdir()                      # empty: ours
    foreign = tmp_path / ".site.building-mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not ours")              # no marker: never touched
    planted = tmp_path / ".site.old-link"
    planted.symlink_to(foreign)                                 # a link is never followed
    in_use = tmp_path / ".site.building-running"
    in_use.mkdir()
    (in_use / ".blueprintgen-site").write_text("built by blueprintgen\n")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        import fcntl, os, sys, time
        descriptor = os.open({str(in_use)!r}, os.O_RDONLY)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(120)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"           # a build that is still running
        built = run("build", "-q", cwd=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert built.returncode == 0, built.stderr
    assert work_folders(tmp_path) == [".site.building-mine", ".site.building-running", ".site.old-link"]
    assert (foreign / "notes.txt").read_text() == "not ours"



# -- stops: SIGTERM is Ctrl-C, what SIGKILL leaves goes at the next build --------------------------

SLOW_GRAPHVIZ = """\
    echo $$ > "$MARKS/$$.pid"
    sleep 120
    """


def _killed_build(tmp_path: Path, number: int):
    """A real build stopped by signal `number` while Graphviz runs (a slow fake one)."""
    project(tmp_path)
    built = run("build", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    before = snapshot(tmp_path / "site")
    shutil.rmtree(tmp_path / ".cache")                           # so the diagrams are drawn again
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = fake_graphviz(tmp_path, SLOW_GRAPHVIZ.replace("$MARKS", str(marks)))
    build = start("build", "-q", cwd=tmp_path, path_first=fake)
    try:
        wait_until(lambda: pids(marks), what="Graphviz starting")
        assert any(name.startswith(".site.building-") for name in work_folders(tmp_path))
        build.send_signal(number)
        stdout, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    return build.returncode, stderr, before, marks


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_sigterm_stops_a_build_like_ctrl_c_and_leaves_nothing_behind(tmp_path):
    status, stderr, before, marks = _killed_build(tmp_path, signal.SIGTERM)
    assert status == 1 and "Traceback" not in stderr
    assert stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []
    assert not [pid for pid in pids(marks) if alive(pid)]     # no Graphviz left running


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_generate_stopped_or_killed_keeps_its_folder_and_the_next_run_tidies_up(tmp_path):
    project(tmp_path)
    made = run("generate", cwd=tmp_path, preexec_fn=lambda: os.umask(0o022))
    assert made.returncode == 0, made.stderr
    out = tmp_path / "docs" / "blueprints"
    assert oct(stat.S_IMODE(out.stat().st_mode)) == "0o755"   # readable by a web server, as mkdir makes it
    before = snapshot(out)
    shutil.rmtree(tmp_path / ".cache")   # so the diagrams are drawn again
    for blueprint in (tmp_path / "blueprints").glob("*.yaml"):
        blueprint.write_text(blueprint.read_text().replace("title: ", "title: New ", 1))
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = fake_graphviz(tmp_path, SLOW_GRAPHVIZ.replace("$MARKS", str(marks)))
    stopped = start("generate", cwd=tmp_path, path_first=fake)
    try:
        wait_until(lambda: pids(marks), what="Graphviz starting")
        stopped.send_signal(signal.SIGTERM)
        _, stderr = stopped.communicate(timeout=60)
    finally:
        if stopped.poll() is None:
            stopped.kill()
    assert stopped.returncode == 1 and "Traceback" not in stderr
    assert stderr.endswith("generate stopped (interrupted); docs/blueprints/ left as it was\n"), stderr
    assert snapshot(out) == before and not [p for p in out.parent.iterdir() if p.name.startswith(".")]
    # What SIGKILL leaves while writing (a marked folder, no longer locked) the next run removes.
    left = out.parent / ".blueprints.writing-0a1b2c3d4e5f"
    left.mkdir()
    (left / ".blueprintgen-pages").write_text("written by blueprintgen generate\n")
    (left / "index.md").write_text("# half\n")
    again = run("generate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not left.exists() and "New " in (out / "index.md").read_text() + "".join(
        p.read_text() for p in out.glob("*.md"))


@pytest.mark.slow
@posix_only
@needs_graphviz
@pytest.mark.parametrize("command", ["blueprintgen build", "mkdocs build"])
def test_a_stop_while_the_build_waits_for_its_diagrams_leaves_no_graphviz(tmp_path, command):
    # Diagrams are drawn in the background while pages are built; a stop once every page is
    # written (the build then only waits for Graphviz) must end the build at once. Plain
    # `mkdocs build` gets no plugin event for Ctrl-C: the exit itself must stop Graphviz.
    project(tmp_path)
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = fake_graphviz(tmp_path, SLOW_GRAPHVIZ.replace("$MARKS", str(marks)))
    if command == "mkdocs build":
        (tmp_path / "docs").mkdir()
        (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false}\n"
                                             "plugins:\n  - blueprints:\n      pagefind: false\n")
        env = {**os.environ, "HOME": str(tmp_path), "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
        # Ctrl-C as a terminal gives it: a suite started in the background of a non-interactive
        # shell inherits SIGINT ignored, and plain Python (unlike `blueprintgen build`) keeps that.
        build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        pages = lambda: list((tmp_path / "site").glob("blueprints/*/index.html"))   # noqa: E731
    else:
        build = start("build", "-q", cwd=tmp_path, path_first=fake)
        pages = lambda: list(tmp_path.glob(".site.building-*/blueprints/*/index.html"))   # noqa: E731
    try:
        wait_until(lambda: len(pages()) >= 7 and pids(marks), what="every page written")
        time.sleep(0.5)   # past the search index too, into the wait for Graphviz
        assert build.poll() is None, build.communicate()
        build.send_signal(signal.SIGINT)
        stdout, stderr = build.communicate(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode != 0
    wait_until(lambda: not [pid for pid in pids(marks) if alive(pid)], seconds=10, what="Graphviz stopped")
    if command == "blueprintgen build":
        assert stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
        assert work_folders(tmp_path) == []


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_what_sigkill_leaves_is_removed_by_the_next_build(tmp_path):
    status, _, before, marks = _killed_build(tmp_path, signal.SIGKILL)
    if sys.platform.startswith("linux"):   # the drawing process sees its build die and stops Graphviz
        wait_until(lambda: not [pid for pid in pids(marks) if alive(pid)], seconds=10, what="Graphviz stopped")
    for pid in pids(marks):   # elsewhere Graphviz outlives a SIGKILL of the build (documented); end the fake one
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert snapshot(tmp_path / "site") == before
    left = work_folders(tmp_path)
    assert [name.split("-")[0] for name in left] == [".site.building", ".site.docs"]
    rebuilt = run("build", "-q", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert work_folders(tmp_path) == []
    assert snapshot(tmp_path / "site") == before


def _swallowed_stop() -> None:
    """SIGTERM to this process, its KeyboardInterrupt swallowed as a library's bare `except:` would."""
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)   # the handler runs here
    except KeyboardInterrupt:
        return
    raise AssertionError("the stop signal did not arrive")


@posix_only
def test_a_stop_lost_in_library_code_still_ends_the_wait_for_diagrams():
    from blueprintgen.graphviz import Stopped
    from blueprintgen.site.drawing import Drawing
    from blueprintgen.stopping import Stopping

    def draw(stopped):   # Graphviz that would draw for ever, unless the build says stop
        while not stopped.is_set():
            time.sleep(0.01)
        raise Stopped("the build was stopped")

    with Stopping():
        drawing = Drawing(draw)
        _swallowed_stop()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            drawing.wait()
        assert time.monotonic() - started < 2
        assert not drawing._thread.is_alive()


@pytest.mark.slow
@posix_only
def test_a_stop_lost_in_library_code_still_keeps_the_previous_site(tmp_path, monkeypatch):
    import mkdocs.commands.build

    from blueprintgen.site.mkdocs import build_site

    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    built = run("build", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    before = snapshot(tmp_path / "site")
    real_build = mkdocs.commands.build.build

    def build_that_swallows_the_stop(config, **options):
        real_build(config, **options)
        _swallowed_stop()

    monkeypatch.setattr(mkdocs.commands.build, "build", build_that_swallows_the_stop)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        build_site(None, "blueprints", "site")
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is handler



# -- no moment without a site, and the mode a plain MkDocs build gives ---------------------------

POLLER = """\
import os, sys, time
out, seconds = sys.argv[1], float(sys.argv[2])
missing = checks = 0
end = time.monotonic() + seconds
print("polling", flush=True)
while time.monotonic() < end:
    checks += 1
    if not os.path.exists(out):
        missing += 1
print(missing, checks)
"""


@pytest.mark.slow
@posix_only
def test_the_site_never_disappears_while_a_new_one_is_swapped_in(tmp_path):
    """Another process looks at site/ all the time while 400 new sites are swapped in."""
    from blueprintgen.site.publish import swap as _swap

    out = tmp_path / "site"
    out.mkdir()
    poller = subprocess.Popen([sys.executable, "-c", POLLER, str(out), "6"], stdout=subprocess.PIPE, text=True)
    assert poller.stdout.readline() == "polling\n"
    for number in range(400):
        staging = tmp_path / f".site.building-{number}"
        staging.mkdir()
        previous = _swap(staging, out)
        if previous is not None:   # the folder now holding the previous site
            previous.rmdir()
    missing, checks = map(int, poller.communicate(timeout=30)[0].split())
    assert checks > 1000
    assert missing == 0, f"site/ was missing {missing} times"


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_the_site_gets_the_mode_a_plain_mkdocs_build_gives(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    built = run("build", "-q", cwd=tmp_path, preexec_fn=lambda: os.umask(0o022))
    assert built.returncode == 0, built.stderr
    folders = [tmp_path / "site", *[p for p in (tmp_path / "site").rglob("*") if p.is_dir()]]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {"0o755"}

