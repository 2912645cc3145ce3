"""The Quick start on a fresh machine: the install decision of scripts/system-packages.sh, the lock,
and every contributor script's usage.

The install step runs for real, against a PATH of stubs: `dot` is missing, and `id`, `sudo` and
`apt-get` are small scripts that record how they were called. Nothing is installed.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import ROOT

SCRIPT = ROOT / "scripts" / "system-packages.sh"
# libatomic1 is found on the file system, not on PATH: on this machine it is there or it is not.
_LIBATOMIC = [] if glob.glob("/usr/lib/*/libatomic.so.1") + glob.glob("/lib/*/libatomic.so.1") else ["libatomic1"]
ALL_PACKAGES = " ".join(["graphviz", "chromium", "chromium-driver", "nodejs", "npm", *_LIBATOMIC, "fonts-dejavu-core"])


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _run_install_step(tmp_path: Path, uid: int, sudo_works: bool | None, apt_ok: bool = True):
    """Run system-packages.sh where only bash, coreutils and the stubs are on PATH."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    calls = tmp_path / "calls"
    for tool in ("bash", "env", "grep", "cat"):       # what the script itself needs, nothing more
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        (stubs / tool).symlink_to(found)
    _stub(stubs, "id", f'[ "$1" = -u ] && echo {uid}')
    _stub(stubs, "apt-get", f'echo "apt-get $*" >> {calls}; exit {0 if apt_ok else 100}')
    if sudo_works is not None:
        # Passwordless sudo runs the command; without it, `sudo -n` fails as the real one does.
        _stub(stubs, "sudo", f'echo "sudo $*" >> {calls}\n'
              + ('[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; exec "$@"' if sudo_works
                 else 'echo "sudo: a password is required" >&2; exit 1'))
    completed = subprocess.run(["bash", str(SCRIPT)], env={"PATH": str(stubs), "HOME": str(tmp_path)},
                               capture_output=True, text=True, timeout=60)
    recorded = calls.read_text().splitlines() if calls.exists() else []
    return completed, recorded


def test_as_root_it_installs_the_missing_packages_with_apt_get(tmp_path):
    completed, calls = _run_install_step(tmp_path, uid=0, sudo_works=None)
    assert completed.returncode == 0, completed.stderr
    assert calls == ["apt-get update -qq",
                     f"apt-get install -y -qq --no-install-recommends {ALL_PACKAGES}"]
    assert f"installing {ALL_PACKAGES} with apt-get" in completed.stdout


def test_without_root_it_uses_passwordless_sudo(tmp_path):
    completed, calls = _run_install_step(tmp_path, uid=1000, sudo_works=True)
    assert completed.returncode == 0, completed.stderr
    assert calls == ["sudo -n true",
                     "sudo -n apt-get update -qq",
                     "apt-get update -qq",
                     f"sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                     f"--no-install-recommends {ALL_PACKAGES}",
                     f"apt-get install -y -qq --no-install-recommends {ALL_PACKAGES}"]


def test_without_root_or_sudo_it_stops_with_one_clear_message(tmp_path):
    completed, calls = _run_install_step(tmp_path, uid=1000, sudo_works=False)
    assert completed.returncode == 1
    assert calls == ["sudo -n true"]                       # asked, and never tried to install
    assert completed.stderr.splitlines()[0] == (
        f"setup: missing system packages: {ALL_PACKAGES}. Install them, then run this again:")
    assert f"sudo apt-get install {ALL_PACKAGES}" in completed.stderr


def test_without_sudo_at_all_it_stops_with_the_same_message(tmp_path):
    completed, calls = _run_install_step(tmp_path, uid=1000, sudo_works=None)
    assert (completed.returncode, calls) == (1, [])
    assert "missing system packages: graphviz" in completed.stderr


def test_a_failing_apt_get_is_reported_not_hidden(tmp_path):
    completed, calls = _run_install_step(tmp_path, uid=0, sudo_works=None, apt_ok=False)
    assert completed.returncode == 1
    assert calls == ["apt-get update -qq"]
    assert completed.stderr.strip() == (f"setup: apt-get could not install {ALL_PACKAGES}; "
                                        "install them, then run this again")


def test_nothing_is_installed_when_everything_is_present(tmp_path):
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for tool in ("bash", "grep"):
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        (stubs / tool).symlink_to(found)
    for tool in ("dot", "chromium", "chromedriver", "node", "npm"):
        _stub(stubs, tool, "exit 0")
    _stub(stubs, "fc-list", 'echo "/usr/share/fonts/DejaVuSans.ttf: DejaVu Sans:style=Book"')
    _stub(stubs, "apt-get", f"echo called > {tmp_path / 'calls'}")
    completed = subprocess.run(["bash", str(SCRIPT)], env={"PATH": str(stubs)}, capture_output=True, text=True)
    assert completed.returncode == 0 and not (tmp_path / "calls").exists()


# -- the lock --------------------------------------------------------------------------------------

def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    return pins


def test_the_lock_pins_every_direct_dependency_within_pyprojects_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = _lock()
    for requirement in wanted:
        name, bound = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[.*\])?>=([0-9.]+)(?:,<[0-9.]+)?", requirement).groups()
        pinned = pins[re.sub(r"[-_.]+", "-", name.lower())]
        as_tuple = lambda v: tuple(int(x) for x in re.findall(r"\d+", v)[:3])  # noqa: E731
        assert as_tuple(pinned) >= as_tuple(bound), f"{name}: lock {pinned} below pyproject's >={bound}"


def test_setup_and_ci_install_from_the_lock():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "pip install --quiet -r requirements.lock" in setup
    assert "--no-deps -e ." in setup
    assert (ROOT / ".ci" / "run").read_text().count("./scripts/setup.sh") == 1


@pytest.mark.slow
def test_the_actions_lock_has_the_same_versions_with_hashes_and_pip_verifies_them(tmp_path):
    """The Action installs with --require-hashes: every release it names has its sha256 beside it, and a
    real `pip download --require-hashes` of the lock accepts them (and refuses a changed hash)."""
    text = (ROOT / "requirements-run.lock").read_text()
    entries = re.findall(r"^([a-z0-9][a-z0-9_.-]*)==(\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)", text, re.M)
    pins = _lock()
    assert entries and len(entries) == len(re.findall(r"^[a-z0-9]", text, re.M)), "a line without hashes"
    for name, version, _ in entries:
        assert pins[re.sub(r"[-_.]+", "-", name)] == version, f"{name}: run lock {version}, lock {pins[name]}"
    assert "--require-hashes -r \"$here/requirements-run.lock\"" in (ROOT / "scripts" / "action.sh").read_text()
    fetched = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                              "-r", str(ROOT / "requirements-run.lock"), "-d", str(tmp_path / "ok")],
                             capture_output=True, text=True, timeout=600)
    assert fetched.returncode == 0, fetched.stderr
    changed = tmp_path / "changed.lock"   # click's hashes replaced by one that no release has
    only = re.sub(r"(^click==\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)",
                  lambda m: m.group(1) + " \\\n    --hash=sha256:" + "0" * 64, text, flags=re.M)
    changed.write_text(only)
    refused = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                              "-r", str(changed), "-d", str(tmp_path / "refused")],
                             capture_output=True, text=True, timeout=600)
    assert refused.returncode != 0 and "click" in refused.stderr.lower() and "hash" in refused.stderr.lower()


def test_the_environment_under_test_is_the_locked_one_unless_asked_for_the_newest():
    if os.environ.get("VIRTUAL_ENV", "").endswith(".venv-latest") or ".venv-latest" in sys.prefix:
        pytest.skip("scripts/test-latest.sh runs the suite against the newest versions on purpose")
    from importlib.metadata import version
    pins = _lock()
    for name in ("pyyaml", "mkdocs", "mkdocs-material", "click", "jinja2"):
        assert version(name) == pins[name], f"{name} {version(name)} is installed, the lock says {pins[name]}"


# -- every script a contributor runs prints its usage ------------------------------------------------

@pytest.mark.parametrize("script", ["benchmarks/generate.py", "benchmarks/run.py"])
def test_python_scripts_print_their_usage(script):
    completed = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0 and completed.stdout.startswith("usage:"), completed.stderr
    bare = subprocess.run([sys.executable, script, "--no-such-option"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert bare.returncode == 2 and "Traceback" not in bare.stderr and "usage:" in bare.stderr


def test_generate_without_arguments_says_what_it_needs():
    completed = subprocess.run([sys.executable, "benchmarks/generate.py"], cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert "the following arguments are required: folder, count" in completed.stderr


@pytest.mark.slow
def test_the_suite_runs_from_a_clone_in_a_folder_only_root_may_enter(tmp_path):
    """Issue 27: in a mode-0700 folder (as mkdtemp or /root makes it), the tests that run the tool as
    another user get a world-readable copy of what it imports, instead of `No module named blueprintgen`."""
    if os.geteuid() != 0:
        pytest.skip("only root can run the tool as another user")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    clone = private / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shutil.copy2(ROOT / "tests" / "helpers.py", clone / "tests" / "helpers.py")   # as in the working tree
    # The clone's own environment, made by setup.sh inside the private folder (as the Quick start does).
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    made = subprocess.run(["./scripts/setup.sh"], cwd=clone, env={**env, "BLUEPRINTGEN_SETUP_ONLY": "1"},
                          capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stderr[-2000:]
    result = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/test_config.py", "-k", "inherit_loop"], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
