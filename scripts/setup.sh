#!/usr/bin/env bash
# Sets blueprintgen up on a fresh Debian/Ubuntu machine, then builds the example site.
#   - system packages: Graphviz (diagrams), Chromium + ChromeDriver (browser tests), via apt
#     when missing and we may install them (root, or passwordless sudo); otherwise it says what to install;
#   - a virtual environment in .venv with blueprintgen and its test tools;
#   - the main job: `blueprintgen build` on the bundled blueprints/ into site/.
# Set BLUEPRINTGEN_SETUP_ONLY=1 to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: blueprintgen needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=; fi
  if [ -n "${sudo+set}" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with apt-get"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages, then run this again: ${missing[*]}" >&2
    echo "       e.g. sudo apt-get install ${missing[*]}   (Graphviz is required; Chromium only for browser tests)" >&2
    command -v dot >/dev/null 2>&1 || exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[test]'
echo "setup: ready ($(.venv/bin/blueprintgen --version), $(dot -V 2>&1))"

if [ "${BLUEPRINTGEN_SETUP_ONLY:-}" = 1 ]; then exit 0; fi
.venv/bin/blueprintgen check --fail-on never | tail -n 1
.venv/bin/blueprintgen build
