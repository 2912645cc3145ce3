"""What the test modules share that is not a fixture (the fixtures are in conftest.py).

    ROOT, EXAMPLES, BROKEN, CLI, NEATO    the repository, its examples, broken files, the command line, Graphviz
    needs_graphviz, posix_only           marks for tests that need Graphviz, or file modes and signals
    project(folder, *names)              a project folder with (some of) the example blueprints
    blueprintgen(*args, cwd=...)         the real command line in a fresh process (clirun.invoke: in-process)
    run(*args, cwd=...), start(...)      the same with HOME in the project, as the fault tests run it
    git(repo, *args)                     git with an identity and no signing
    snapshot, work_folders               what a folder holds; the work folders a build makes beside site/
    fake_graphviz, unprivileged, ...     faults: a misbehaving Graphviz, a user that file modes stop
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "blueprints"
BROKEN = ROOT / "tests" / "broken"   # broken blueprints, one error each
CLI = [sys.executable, "-m", "blueprintgen"]
NEATO = shutil.which("neato")
NOBODY = 65534

needs_graphviz = pytest.mark.skipif(NEATO is None, reason="Graphviz (neato) is not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and signals are POSIX")


# -- projects ------------------------------------------------------------------------------------

def project(folder: Path, *names: str, blueprints: str = "blueprints") -> Path:
    """`folder/blueprints` (made with its parents) holding the named examples, all of them when
    none are named; returns that blueprint folder."""
    made = folder / blueprints
    made.mkdir(parents=True)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if not names or path.stem in names:
            shutil.copy2(path, made / path.name)
    return made


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its content."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def work_folders(folder: Path) -> list[str]:
    """What a build makes next to its output: `.site.building-*`, `.site.old-*`, `.site.docs-*`."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site."))


# -- running the command line and git --------------------------------------------------------------

def blueprintgen(*args, cwd: Path, stdin: str | None = None, env: dict | None = None, home: Path | None = None,
                 path_first: Path | None = None, nobody: bool = False, timeout: float = 180, errors: str = "strict",
                 **popen) -> subprocess.CompletedProcess:
    """`python -m blueprintgen ARGS` in a fresh process in folder `cwd`; its output as UTF-8 text.

    `home` sets HOME, `path_first` puts a folder first on PATH (a fake program), `nobody` runs it
    as an unprivileged user when the suite runs as root; output that is not UTF-8 fails the test
    unless `errors` says how to decode it ("surrogateescape" keeps the bytes)."""
    env = dict(os.environ if env is None else env)
    if home is not None:
        env["HOME"] = str(home)
    if path_first:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    prefix = unprivileged() if nobody else []
    if prefix and nobody_pythonpath():
        env["PYTHONPATH"] = nobody_pythonpath()
    return subprocess.run([*prefix, *CLI, *map(str, args)], cwd=cwd, input=stdin, env=env, capture_output=True,
                          text=True, encoding="utf-8", errors=errors, timeout=timeout, **popen)


def run(*args, cwd: Path, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    """`blueprintgen(...)` with HOME in the project folder: nothing of the real home is read or written."""
    return blueprintgen(*args, cwd=cwd, home=cwd, timeout=timeout, **options)


def start(*args, cwd: Path, path_first: Path | None = None) -> subprocess.Popen:
    """`run(...)` started, not waited for: stop it, signal it, read its output."""
    env = {**os.environ, "HOME": str(cwd)}
    if path_first:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    return subprocess.Popen([*CLI, *map(str, args)], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def git(repo: Path, *args: str) -> str:
    """git in `repo` as a fixed user, without signing; its output."""
    completed = subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=T",
                                "-c", "commit.gpgsign=false", *args], capture_output=True, text=True,
                               encoding="utf-8", errors="surrogateescape", check=True)
    return completed.stdout


# -- faults: file modes, processes, a misbehaving Graphviz ---------------------------------------------

def unprivileged() -> list[str]:
    """A command prefix that drops root, whose power to ignore file modes would hide the fault."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


# What the unprivileged user's Python does not need, and is large: left out of its copy.
_NOT_FOR_NOBODY = {"playwright", "zensical", "pip", "setuptools", "hypothesis", "_pytest", "pytest", "__pycache__"}


@functools.lru_cache(maxsize=None)
def nobody_pythonpath() -> str:
    """"" when the unprivileged user can import blueprintgen and its dependencies where they are; else
    the PYTHONPATH of a world-readable copy of them, made once per session.

    A clone in a folder only root may enter (mkdtemp's 0700, /root/...) is closed to that user, so the
    tests that run the tool as that user would fail with `No module named blueprintgen`.
    """
    if not unprivileged():
        return ""
    probe = subprocess.run([*unprivileged(), *CLI[:1], "-c", "import blueprintgen.cli, mkdocs, material"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode == 0:
        return ""
    import site
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="bpg-nobody-"))
    packages = next(Path(p) for p in site.getsitepackages() if Path(p, "mkdocs").is_dir())
    for entry in packages.iterdir():
        if entry.name.split("-")[0] in _NOT_FOR_NOBODY or entry.suffix == ".pth":
            continue
        target = copy / "site" / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(entry, target)
    shutil.copytree(ROOT / "src" / "blueprintgen", copy / "src" / "blueprintgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder, dirs, files in os.walk(copy):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), os.stat(os.path.join(folder, name)).st_mode | 0o444)
    atexit.register(shutil.rmtree, copy, True)
    return f"{copy / 'src'}{os.pathsep}{copy / 'site'}"


def make_removable(folder: Path) -> None:
    os.chmod(folder, 0o777)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            make_removable(Path(entry.path))


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


def wait_until(condition, seconds: float = 60.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie has ended; only its exit status is left for its parent
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def pids(folder: Path) -> list[int]:
    """The process ids a fake program noted in `folder`, one `<pid>.pid` file each."""
    return [int(p.stem) for p in folder.glob("*.pid")]
