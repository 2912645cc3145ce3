"""Faults and edge cases from the adversarial pass (issue 15): each one is reproduced for real.

Real subprocesses, real signals, real file modes (run as an unprivileged user when the suite runs
as root, since root is not stopped by modes), and a fake Graphviz placed first on PATH where a
fault of Graphviz itself is the point (a third-party program misbehaving).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from blueprintgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "blueprints"
CLI = [sys.executable, "-m", "blueprintgen"]
NEATO = shutil.which("neato")
NOBODY = 65534


def unprivileged() -> list[str]:
    """A command prefix that drops root, whose power to ignore file modes would hide the fault."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def _make_removable(folder: Path) -> None:
    os.chmod(folder, 0o777)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            _make_removable(Path(entry.path))


@pytest.fixture
def shared(tmp_path_factory):
    """A project folder any user may write in (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="bpg-faults-"))
    folder.chmod(0o777)
    yield folder
    _make_removable(folder)
    shutil.rmtree(folder)


def run(*args, cwd: Path, nobody: bool = False, path_first: Path | None = None, timeout: float = 120,
        env: dict | None = None, **popen) -> subprocess.CompletedProcess:
    env = {**(env or os.environ), "HOME": str(cwd)}
    if path_first:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    prefix = unprivileged() if nobody else []
    return subprocess.run([*prefix, *CLI, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, **popen)


def start(*args, cwd: Path, path_first: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "HOME": str(cwd)}
    if path_first:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    return subprocess.Popen([*CLI, *map(str, args)], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def project(folder: Path, *names: str) -> Path:
    """`folder/blueprints` with the named examples (all of them when none are named)."""
    blueprints = folder / "blueprints"
    blueprints.mkdir()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if not names or path.stem in names:
            shutil.copy(path, blueprints / path.name)
    return blueprints


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def work_folders(folder: Path) -> list[str]:
    """What a build makes next to its output: `.site.building-*`, `.site.old-*`, `.site.docs-*`."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site."))


def fake_graphviz(folder: Path, body: str) -> Path:
    """A `neato` first on PATH: answers -V like the real one, runs `body` (sh) for drawings.

    The real Graphviz is at $REAL; the DOT text arrives on stdin.
    """
    bin_folder = folder / "fake-bin"
    bin_folder.mkdir()
    script = bin_folder / "neato"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        REAL={NEATO}
        if [ "$1" = "-V" ]; then exec "$REAL" -V; fi
        """) + textwrap.dedent(body))
    script.chmod(0o755)
    return bin_folder


def _wait_until(condition, seconds: float = 60.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie has ended; only its exit status is left for its parent
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _pids(folder: Path) -> list[int]:
    return [int(p.stem) for p in folder.glob("*.pid")]


needs_graphviz = pytest.mark.skipif(NEATO is None, reason="Graphviz is not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and signals are POSIX")


# -- 1. unreadable folders -----------------------------------------------------------------------

FOLDER_HINT = "(hint: make it readable (`chmod a+rx`), or move it out of the blueprint folder)"


@posix_only
@pytest.mark.parametrize("command", ["validate", "check", "render", "build"])
@pytest.mark.parametrize("unreadable, mode", [("blueprints/sub", 0o000), ("blueprints", 0o000),
                                              ("blueprints", 0o311)], ids=["sub-000", "folder-000", "folder-311"])
def test_an_unreadable_folder_is_one_positioned_line(command, unreadable, mode, shared):
    project(shared, "ortho-shoes-prescription")
    (shared / "blueprints" / "sub").mkdir()
    shutil.copy(EXAMPLES / "double-charge-refund.yaml", shared / "blueprints" / "sub")
    (shared / unreadable).chmod(mode)
    completed = run(command, cwd=shared, nobody=True)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "Traceback" not in output
    assert f"{unreadable}:1:1: error: cannot read the folder: Permission denied {FOLDER_HINT}" in output
    if unreadable == "blueprints/sub" and command == "validate":   # the other files are still checked
        assert completed.stderr.endswith("1 error(s); 1 blueprint(s) valid\n")


# -- 2. the swap tells the truth, a symlinked output keeps its link, marked leftovers go ------------

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
    _make_removable(shared / left)
    third = run("build", "-q", cwd=shared, nobody=True)
    assert third.returncode == 0 and third.stderr == ""
    assert work_folders(shared) == []                          # the next build removed it


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


# -- 3. kills: SIGTERM is Ctrl-C, SIGKILL leftovers go at the next build, no moment without a site -----

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
        _wait_until(lambda: _pids(marks), what="Graphviz starting")
        assert any(name.startswith(".site.building-") for name in work_folders(tmp_path))
        build.send_signal(number)
        stdout, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    return build.returncode, stderr, before, marks


@posix_only
@needs_graphviz
def test_sigterm_stops_a_build_like_ctrl_c_and_leaves_nothing_behind(tmp_path):
    status, stderr, before, marks = _killed_build(tmp_path, signal.SIGTERM)
    assert status == 1 and "Traceback" not in stderr
    assert stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []
    assert not [pid for pid in _pids(marks) if _alive(pid)]     # no Graphviz left running


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
        _wait_until(lambda: _pids(marks), what="Graphviz starting")
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
        _wait_until(lambda: len(pages()) >= 7 and _pids(marks), what="every page written")
        time.sleep(0.5)   # past the search index too, into the wait for Graphviz
        assert build.poll() is None, build.communicate()
        build.send_signal(signal.SIGINT)
        stdout, stderr = build.communicate(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode != 0
    _wait_until(lambda: not [pid for pid in _pids(marks) if _alive(pid)], seconds=10, what="Graphviz stopped")
    if command == "blueprintgen build":
        assert stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
        assert work_folders(tmp_path) == []


@posix_only
@needs_graphviz
def test_what_sigkill_leaves_is_removed_by_the_next_build(tmp_path):
    status, _, before, marks = _killed_build(tmp_path, signal.SIGKILL)
    if sys.platform.startswith("linux"):   # the drawing process sees its build die and stops Graphviz
        _wait_until(lambda: not [pid for pid in _pids(marks) if _alive(pid)], seconds=10, what="Graphviz stopped")
    for pid in _pids(marks):   # elsewhere Graphviz outlives a SIGKILL of the build (documented); end the fake one
        if _alive(pid):
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


@posix_only
@needs_graphviz
def test_the_site_gets_the_mode_a_plain_mkdocs_build_gives(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    built = run("build", "-q", cwd=tmp_path, preexec_fn=lambda: os.umask(0o022))
    assert built.returncode == 0, built.stderr
    folders = [tmp_path / "site", *[p for p in (tmp_path / "site").rglob("*") if p.is_dir()]]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {"0o755"}


# -- Pagefind: it indexes the pages on another core while MkDocs renders them ----------------------

FAKE_PAGEFIND = """\
#!/bin/sh
echo $$ > "$MARKS/$$.pid"
$BODY
"""


def fake_pagefind(folder: Path, body: str) -> tuple[Path, Path]:
    """A Pagefind program that runs `body` (sh) and marks its process id; (program, marks folder)."""
    marks = folder / "pagefind-marks"
    marks.mkdir()
    program = folder / "fake-pagefind"
    program.write_text(FAKE_PAGEFIND.replace("$MARKS", str(marks)).replace("$BODY", body))
    program.chmod(0o755)
    return program, marks


BUILD_WITH_PAGEFIND = """\
import sys
import blueprintgen.site.search
program = sys.argv[1]
blueprintgen.site.search._pagefind = lambda: [program]
from blueprintgen.cli import main
sys.argv = ["blueprintgen", "build", "-q"]
main()
"""


@posix_only
@needs_graphviz
def test_a_failing_pagefind_fails_the_build_with_its_message_and_keeps_the_site(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "blueprints" / "ortho-shoes-prescription.yaml").write_text(
        (tmp_path / "blueprints" / "ortho-shoes-prescription.yaml").read_text().replace("title: ", "title: New ", 1))
    program, _ = fake_pagefind(tmp_path, "echo 'Error: the index is on fire' >&2; exit 3")
    failed = subprocess.run([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "Pagefind could not index" in failed.stderr and "Error: the index is on fire" in failed.stderr
    assert failed.stderr.endswith("build stopped; site/ left as it was\n"), failed.stderr
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []


@posix_only
@needs_graphviz
def test_sigterm_while_pagefind_indexes_stops_it_and_keeps_the_site(tmp_path):
    project(tmp_path)
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    shutil.rmtree(tmp_path / ".cache")   # so the index is made again
    program, marks = fake_pagefind(tmp_path, "sleep 120")
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "HOME": str(tmp_path)})
    try:
        _wait_until(lambda: _pids(marks), what="Pagefind starting")
        # Pagefind reads pages the build wrote inside its work folder, not the site.
        [source] = list(tmp_path.glob(".site.building-*/.pagefind-pages"))
        assert list(source.glob("*.html"))
        build.send_signal(signal.SIGTERM)
        stdout, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 1 and stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
    _wait_until(lambda: not [pid for pid in _pids(marks) if _alive(pid)], seconds=10, what="Pagefind stopped")
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []


@posix_only
@needs_graphviz
def test_a_pagefind_that_exits_0_with_an_incomplete_index_fails_the_build_and_caches_nothing(tmp_path):
    # As Pagefind does on a full disk: it exits 0, leaving empty files.
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    shutil.rmtree(tmp_path / ".cache")   # so the index is made again
    program, _ = fake_pagefind(tmp_path, """\
        while [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done
        mkdir -p "$out/fragment"; : > "$out/pagefind-entry.json"; : > "$out/fragment/a.pf_fragment"
        """)
    failed = subprocess.run([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr[-1500:]
    assert "Pagefind wrote an incomplete search index: its pagefind-entry.json cannot be read" in failed.stderr
    assert snapshot(tmp_path / "site") == before and work_folders(tmp_path) == []
    assert not list((tmp_path / ".cache" / "blueprintgen" / "search").glob("*"))   # nothing cached, no temporary


@posix_only
@needs_graphviz
def test_the_pagefind_of_a_build_killed_outright_is_stopped_by_the_next_build(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    # Only the search index is made again: with the diagrams cached no drawing process is forked,
    # which (dying a moment after the build) would still hold the work folder's lock when the next
    # build looks, so that build would rightly leave the folder, and its Pagefind, to a later one.
    shutil.rmtree(tmp_path / ".cache" / "blueprintgen" / "search")
    program, marks = fake_pagefind(tmp_path, f'exec "{sys.executable}" -c "import time; time.sleep(120)" pagefind\n')
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HOME": str(tmp_path)})
    try:
        _wait_until(lambda: _pids(marks), what="Pagefind starting")
        [left] = _pids(marks)
        _wait_until(lambda: list(tmp_path.glob(".site.building-*/.pagefind-pages/pagefind.pid")), what="its pid noted")
        build.kill()   # SIGKILL: no chance to stop Pagefind
        build.wait(timeout=30)
        assert _alive(left) and work_folders(tmp_path)
        again = run("build", "-q", cwd=tmp_path)   # removes the leftovers, stopping that Pagefind first
        assert again.returncode == 0, again.stderr
        _wait_until(lambda: not _alive(left), seconds=10, what="the left-over Pagefind stopping")
        assert work_folders(tmp_path) == []
    finally:
        for pid in _pids(marks):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_search_index_that_cannot_be_cached_leaves_no_temporary_file(tmp_path):
    import blueprintgen.site.search as search

    bundle = tmp_path / "bundle"
    (bundle / "fragment").mkdir(parents=True)
    (bundle / "pagefind-entry.json").write_text('{"version": "1", "languages": {"en": {}}}')
    (bundle / "fragment" / "a.pf_fragment").write_bytes(b"x")
    cache = tmp_path / "cache"
    (cache / ("k" * 64 + ".zip")).mkdir(parents=True)   # where the archive goes is a folder
    search._store(str(bundle), str(cache), "k" * 64)
    assert sorted(p.name for p in cache.iterdir()) == ["k" * 64 + ".zip"]
    # A cached archive that is not a whole bundle is not used.
    (cache / ("k" * 64 + ".zip")).rmdir()
    (bundle / "fragment" / "a.pf_fragment").write_bytes(b"")
    search._store(str(bundle), str(cache), "k" * 64)
    assert not search._copy_cached(str(cache / ("k" * 64)), str(tmp_path / "unpacked"))
    assert not (tmp_path / "unpacked").exists()


@posix_only
def test_a_pagefind_that_crashes_is_named_with_its_signal_and_what_to_do(tmp_path, monkeypatch):
    import blueprintgen.site.search as search

    program, _ = fake_pagefind(tmp_path, "kill -SEGV $$\n")
    monkeypatch.setattr(search, "_pagefind", lambda: [str(program)])
    indexing = search.Indexing(str(tmp_path / ".site.building-x"), timeout=60)
    indexing.add("blueprints/a/index.html", "A", "<h1>A</h1>")
    indexing.start()
    with pytest.raises(search.SearchIndexError) as raised:
        indexing.wait()
    message = str(raised.value)
    assert message.startswith("Pagefind could not index the site's pages: it was ended by SIGSEGV; build again")
    assert "pip install --force-reinstall 'pagefind[bin]'" in message and ".site.building" not in message


def test_pagefind_over_its_time_is_stopped_and_its_pages_removed(tmp_path, monkeypatch):
    import blueprintgen.site.search as search

    program, marks = fake_pagefind(tmp_path, "sleep 120")
    monkeypatch.setattr(search, "_pagefind", lambda: [str(program)])
    site = tmp_path / "site"
    indexing = search.Indexing(str(site), timeout=1)
    indexing.add("blueprints/a/index.html", "A <b>", "<h1>A</h1><p>voicemail</p>")
    indexing.start()
    _wait_until(lambda: _pids(marks), what="Pagefind starting")
    page = (site / search.SOURCE / "0.html").read_text()   # what Pagefind reads
    assert '<html lang="en">' in page and "<title>A &lt;b&gt;</title>" in page
    assert 'data-pagefind-meta="url:blueprints/a/"' in page
    with pytest.raises(search.SearchIndexError, match="Pagefind took longer than 1s"):
        indexing.wait()
    assert not [pid for pid in _pids(marks) if _alive(pid)]
    assert not (site / search.SOURCE).exists()


# -- 7. Graphviz output limits -------------------------------------------------------------------

HUGE_SVG = """\
    "$REAL" "$@" | sed 's#</svg>##'
    head -c 40000000 /dev/zero | tr '\\0' ' '
    echo '</svg>'
    """


@needs_graphviz
def test_graphviz_output_over_the_cap_fails_and_is_never_cached(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, HUGE_SVG)
    huge = run("build", "-q", cwd=tmp_path, path_first=fake)
    assert huge.returncode == 1 and "Traceback" not in huge.stderr
    assert ("diagram of blueprint 'ortho-shoes-prescription' failed: Graphviz wrote more than 32 MiB for one "
            "diagram and was stopped; a diagram is far smaller, so check the installed Graphviz (`neato -V`)"
            ) in huge.stderr
    assert not (tmp_path / "site").exists()
    assert max((p.stat().st_size for p in (tmp_path / ".cache").rglob("*") if p.is_file()), default=0) < 1_000_000
    real = run("build", "-q", cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert (tmp_path / "site/blueprints/diagrams/ortho-shoes-prescription.svg").stat().st_size < 1_000_000


@needs_graphviz
@pytest.mark.parametrize("body", ['echo "this is not a drawing"\n', '"$REAL" "$@" | head -c 3000\n'])
def test_graphviz_output_that_is_not_a_whole_drawing_fails_and_is_never_cached(tmp_path, body):
    # A broken or substituted Graphviz that exits 0: garbage, or a drawing cut short.
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, body)
    for command in (("build", "-q"), ("render", "-o", tmp_path / "out")):
        failed = run(*command, cwd=tmp_path, path_first=fake)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr[-1500:]
        assert "Graphviz's svg output is not a whole svg file" in failed.stderr
        assert "check the Graphviz install (`neato -V`)" in failed.stderr
    assert not (tmp_path / "site").exists() and not list((tmp_path / "out").glob("*.svg"))
    assert not list((tmp_path / ".cache").rglob("*.svg"))
    real = run("build", "-q", cwd=tmp_path)
    assert real.returncode == 0, real.stderr


@needs_graphviz
def test_graphviz_messages_are_shown_only_up_to_a_limit(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, """\
        head -c 20000000 /dev/zero | tr '\\0' 'e' >&2
        exit 3
        """)
    failed = run("render", "-o", tmp_path / "out", cwd=tmp_path, path_first=fake)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "Graphviz failed (exit status 3): eeee" in failed.stderr
    assert "… (19,991,808 more bytes of Graphviz messages not shown)" in failed.stderr
    assert len(failed.stderr) < 10_000


@posix_only
@needs_graphviz
def test_on_timeout_everything_graphviz_started_is_stopped(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - blueprints:\n      dot_timeout: 1\n")
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = fake_graphviz(tmp_path, f"""\
        sleep 120 &
        echo $! > "{marks}/$!.pid"
        wait
        """)
    began = time.monotonic()
    failed = run("render", "-o", tmp_path / "out", cwd=tmp_path, path_first=fake, timeout=60)
    assert time.monotonic() - began < 30
    assert failed.returncode == 1
    assert "Graphviz timed out after 1 s and was stopped" in failed.stderr
    child, = _pids(marks)
    _wait_until(lambda: not _alive(child), 5, "the wrapper's child stopping")


# -- 8. the config file is read by the same rules as a blueprint ---------------------------------

@posix_only
@pytest.mark.parametrize("command", ["validate", "check", "render", "build"])
def test_a_config_that_is_not_a_regular_file_is_refused_without_reading_it(command, tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    os.mkfifo(tmp_path / "fifo.yml")
    for config in ["/dev/zero", "fifo.yml"]:
        completed = run(command, "--config", config, cwd=tmp_path, timeout=30)
        assert completed.returncode == 2, completed.stderr
        assert completed.stderr == (f"{config}:1:1: error: the configuration is not a regular file "
                                    "(hint: give the project's mkdocs.yml)\n")


def test_a_config_over_one_mebibyte_and_an_empty_one_get_config_hints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "big.yml").write_text("site_name: x\n" + "# padding\n" * 110_000)
    big = CliRunner().invoke(main, ["check", "--config", "big.yml"])
    assert big.exit_code == 2
    assert big.stderr == ("big.yml:1:1: error: the configuration is larger than 1024 KiB (hint: mkdocs.yml holds "
                          "settings only; check that this is the right file)\n")
    (tmp_path / "mkdocs.yml").write_text("\n")
    empty = CliRunner().invoke(main, ["validate"])
    assert empty.exit_code == 2
    assert empty.stderr == ("mkdocs.yml:1:1: error: the file is empty (hint: write MkDocs settings, at least "
                            "`site_name: ...`, or remove the file to use the built-in site)\n")


@needs_graphviz
def test_a_fifo_in_the_diagram_cache_is_passed_over(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    entries = [p for p in (tmp_path / ".cache" / "blueprintgen").iterdir() if p.is_file()]
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    again = run("build", cwd=tmp_path, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "diagrams ready (1 drawn, 0 from cache)" in again.stderr


# -- 9. INHERIT and !ENV: check and build read the same settings ----------------------------------

def _every_rule_off() -> str:
    from blueprintgen.rules import RULES
    return "".join(f"        {rule.slug}: off\n" for rule in RULES)


@needs_graphviz
@pytest.mark.parametrize("rules_off", [False, True], ids=["gate-all", "gate-all-rules-off"])
def test_settings_inherited_through_inherit_count_for_check_and_build_alike(rules_off, tmp_path):
    project(tmp_path)
    (tmp_path / "base.yml").write_text("site_name: Base\ntheme: {name: material, font: false}\nplugins:\n"
                                       "  - blueprints:\n      gate: all\n"
                                       + ("      severities:\n" + _every_rule_off() if rules_off else ""))
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Child\n")
    checked = run("check", cwd=tmp_path)
    built = run("build", "-q", "--strict", cwd=tmp_path)
    if rules_off:
        assert checked.returncode == 0 and checked.stdout.startswith("0 high, 0 medium, 0 low in 7 blueprint(s)")
        assert built.returncode == 0, built.stderr
        assert "<title>Service blueprints - Child</title>" in (tmp_path / "site/index.html").read_text()
    else:   # the inherited gate makes every blueprint's high findings fail both
        assert checked.returncode == 1 and "27 failing" in checked.stdout
        assert built.returncode == 1 and "build stopped (--strict)" in built.stderr


@posix_only
def test_an_inherit_loop_or_an_unreadable_parent_is_one_line(shared):
    project(shared, "ortho-shoes-prescription")
    (shared / "mkdocs.yml").write_text("site_name: S\nINHERIT: base.yml\n")
    (shared / "base.yml").write_text("INHERIT: mkdocs.yml\n")
    for command in ["check", "build"]:
        looped = run(command, cwd=shared)
        assert looped.returncode == 2 and looped.stdout == ""
        assert looped.stderr == ("base.yml:1:10: error: INHERIT: 'mkdocs.yml' is already inheriting this file "
                                 "(a loop) (hint: remove one INHERIT: of the loop)\n")
    (shared / "base.yml").write_text("site_name: Base\n")
    (shared / "base.yml").chmod(0o000)
    unreadable = run("check", cwd=shared, nobody=True)
    assert unreadable.returncode == 2
    assert unreadable.stderr == ("base.yml:1:1: error: cannot read the configuration: Permission denied "
                                 "(hint: check that it exists and is readable)\n")
    (shared / "mkdocs.yml").write_text("site_name: S\nINHERIT: ../nowhere.yml\n")
    missing = run("check", cwd=shared)
    assert missing.returncode == 2
    assert missing.stderr == ("mkdocs.yml:2:10: error: INHERIT: '../nowhere.yml' does not exist "
                              "(hint: the path is relative to this file)\n")


@needs_graphviz
def test_env_tags_in_the_plugin_settings_work_as_in_mkdocs(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\ntheme: {name: material, font: false}\nplugins:\n  - blueprints:\n"
        "      gate: all\n      fail_on: !ENV [BPG_FAIL_ON, never]\n      dot_timeout: !ENV [BPG_DOT_TIMEOUT, 5]\n")
    assert run("check", cwd=tmp_path).returncode == 0                 # the default: never
    strict = run("check", cwd=tmp_path, env={**os.environ, "BPG_FAIL_ON": "high"})
    assert strict.returncode == 1
    wrong = run("check", cwd=tmp_path, env={**os.environ, "BPG_DOT_TIMEOUT": "soon"})
    assert wrong.returncode == 2
    assert wrong.stderr == ("mkdocs.yml:7:20: error: dot_timeout 'soon' must be a number of seconds above 0 "
                            "and at most 86,400\n")
    # A Graphviz that never finishes: a tiny timeout on the real one races a small diagram.
    never = fake_graphviz(tmp_path, "exec sleep 120\n")
    slow = run("build", "-q", cwd=tmp_path, path_first=never, env={**os.environ, "BPG_DOT_TIMEOUT": "0.3"})
    assert slow.returncode == 1 and "Graphviz timed out after 0.3 s" in slow.stderr


# -- 11. names that could forge a line ------------------------------------------------------------

def test_a_file_name_cannot_forge_a_line_of_output(tmp_path):
    folder = tmp_path / "blueprints"
    folder.mkdir()
    name = "x.yaml\nforged.yaml:1:1: error: all is well\x1b[2J"
    (folder / f"{name}.yaml").write_text("title: T\nsteps: [\n")
    for command in (["validate"], ["check"], ["check", "--format", "github"]):
        result = run(*command, folder, cwd=tmp_path)
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        assert not any(line.startswith("forged") for line in lines), lines
        assert "\x1b" not in result.stdout
    shown = run("validate", folder, cwd=tmp_path).stdout
    assert shown.startswith(f"{folder}/x.yaml\\x0aforged.yaml:1:1: error: all is well\\x1b[2J.yaml:3:1: error: ")


# -- 12. tag anchors -----------------------------------------------------------------------------

def test_tags_that_differ_by_case_or_punctuation_get_their_own_pages():
    from blueprintgen.analysis import analyse
    from blueprintgen.loader import load_bytes
    from blueprintgen.site.pages import Layout, blueprint_page, tags_pages

    text = ('title: T\ntags: [Retail, retail, "a b", "a-b", "a.b"]\n'
            "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    blueprint, = load_bytes(text.encode(), "t.yaml", "t").blueprints
    layout = Layout(source_links=True)
    pages = tags_pages([analyse(blueprint)], layout)
    tag_pages = sorted(path for path in pages if path.startswith("blueprints/tags/") and path.endswith(".md"))
    assert len(tag_pages) == 5                                  # one page each, none shared
    page = blueprint_page(analyse(blueprint), False, layout, {}, {}).full()
    links = re.findall(r'href="(tags/[^"]+\.md)"', page)
    assert sorted(f"blueprints/{link}" for link in links) == tag_pages   # every tag links to its own page


# -- 13. smaller ones ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"])
def test_ids_windows_keeps_for_devices_are_refused(name, tmp_path):
    (tmp_path / f"{name}.yaml").write_text("title: T\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    (tmp_path / "other.yaml").write_text(f"id: {name}\ntitle: T\n"
                                         "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    hint = "(hint: set another `id:` or rename the file, e.g. `con-support`)"
    message = f"error: the id '{name}' names a device on Windows, where the site could not be checked out {hint}"
    assert result.stdout.splitlines() == sorted([f"{tmp_path}/{name}.yaml:1:1: {message}",
                                                 f"{tmp_path}/other.yaml:1:5: {message}"])


def test_the_redesigns_hint_never_suggests_the_blueprint_itself(tmp_path):
    (tmp_path / "refund-new.yaml").write_text(
        "title: T\nstatus: to-be\nredesigns: refund-nex\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == (f"{tmp_path}/refund-new.yaml:3:12: error: redesigns unknown blueprint 'refund-nex' "
                             "(hint: check the id of the as-is blueprint, and check it together with this one)\n")


def test_a_title_of_only_zero_width_spaces_is_refused(tmp_path):
    (tmp_path / "z.yaml").write_text("title: \u200b\u200b\u200d\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n",
                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path}/z.yaml:1:8: error: title must not be empty (hint: write the text, or remove the key)\n"


def test_serve_outside_a_project_is_a_usage_error_like_the_other_commands(tmp_path):
    result = run("serve", "-a", "127.0.0.1:0", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert result.stderr.endswith("Error: there is no blueprints/ folder; give the blueprint folder with --blueprints\n")


SETTINGS_LINES = {
    "dot_timeout: 1e400": "mkdocs.yml:5:20: error: dot_timeout '1e400' must be a number of seconds above 0 and at most 86,400",
    "chain_limit: 3.5": "mkdocs.yml:5:20: error: chain_limit '3.5' must be a whole number from 1 to 1,000",
    'chain_limit: "3"': None,
    "dot_timeout: 5": None,
}


@needs_graphviz
@pytest.mark.parametrize("setting", sorted(SETTINGS_LINES))
def test_settings_are_checked_once_the_same_way_for_every_command(setting, tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false}\nplugins:\n"
                                         f"  - blueprints:\n      {setting}\n")
    expected = SETTINGS_LINES[setting]
    for command in (["validate"], ["check", "--fail-on", "never"], ["render", "-o", "out"], ["build", "-q"]):
        completed = run(*command, cwd=tmp_path)
        if expected is None:
            assert completed.returncode == 0, (command, completed.stderr)
        else:
            assert completed.returncode == 2, (command, completed.stderr)
            assert completed.stderr == expected + "\n", command


# -- 11. positions as an editor counts them ------------------------------------------------------

LANE_LINE = "  - {id: a, lane: nowhere, action: x, end: resolved}\n"
LANE_ERROR = "steps[0].lane 'nowhere' is not one of: customer, frontstage, backstage, support"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"], ids=["U+2028", "U+2029", "U+0085"])
def test_yaml_only_line_breaks_inside_a_value_do_not_shift_later_positions(separator):
    from blueprintgen.loader import load_bytes

    text = f'title: "a{separator}b"\nsummary: "c{separator}{separator}d"\nsteps:\n{LANE_LINE}title: again\n'
    problems = [str(p) for p in load_bytes(text.encode(), "f.yaml", "f").problems]
    assert problems == ["f.yaml:4:19: error: " + LANE_ERROR,
                        "f.yaml:5:1: error: duplicate key 'title' (first at line 1, column 1) "
                        "(hint: remove one of them; YAML would silently keep only the last)"]


@pytest.mark.parametrize("data, expected", [
    (b"title: T\rsteps:\r  - id: a\r    lane: customer\r  x\x00\r", "5:4: error: the file is binary"),
    (b"title: T\r\nsteps:\r\n  x\x00", "3:4: error: the file is binary"),
    ("title: \u00e9\u00e9\u00e9\x00\n".encode(), "1:11: error: the file is binary"),
    ("title: \u6f22\u5b57".encode() + b"\xff\n", "1:10: error: the file is not valid UTF-8"),
    ("title: T\rsteps: [\u00e9\x07]\r".encode(), "2:10: error: the file contains the control character U+0007"),
], ids=["lone-cr", "crlf", "nul-after-accents", "bad-byte-after-cjk", "control-after-cr"])
def test_lines_count_every_line_ending_and_columns_count_characters(data, expected):
    from blueprintgen.loader import load_bytes

    problem, = load_bytes(data, "f.yaml", "f").problems
    assert str(problem).startswith(f"f.yaml:{expected}")


# -- 5. serve keeps watching a blueprint folder that goes away and comes back --------------------

def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


@needs_graphviz
def test_serve_goes_on_rebuilding_after_the_blueprint_folder_is_removed_and_put_back(tmp_path):
    blueprints = project(tmp_path, "ortho-shoes-prescription", "double-charge-refund")
    port = _free_port()
    home = f"http://127.0.0.1:{port}/"
    watch_folders = set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*"))
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until(lambda: "Double charge" in _page(home), what="the first build being served")
        blueprints.rename(tmp_path / "elsewhere")                          # mv blueprints elsewhere
        _wait_until(lambda: "the blueprint folder does not exist" in _page(home), what="the folder's absence shown")
        assert "Double charge" not in _page(home)                          # nothing deleted is served
        (tmp_path / "elsewhere").rename(blueprints)                         # and back
        _wait_until(lambda: "Double charge" in _page(home), what="the folder's return")
        shutil.rmtree(blueprints)                                           # git checkout: a new folder
        _wait_until(lambda: "Double charge" not in _page(home), what="the deletion shown")
        project(tmp_path, "ortho-shoes-prescription")
        shoes = blueprints / "ortho-shoes-prescription.yaml"
        _wait_until(lambda: "does not exist" not in _page(home), what="the new folder's build")
        shoes.write_text(shoes.read_text().replace("title: ", "title: Watched ", 1))
        _wait_until(lambda: "Watched" in _page(home), what="an edit in the new folder rebuilding")
        assert server.poll() is None
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"the blueprint folder {blueprints} is gone; the preview shows no blueprints until it is back" in output
    assert f"the blueprint folder {blueprints} is there again; watching it" in output
    assert set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*")) <= watch_folders   # ours is removed
