#!/usr/bin/env bash
# Refreshes requirements.lock: the newest versions that satisfy pyproject.toml, for Python 3.11,
# every package pinned. Run scripts/test-latest.sh first, and commit the lock only when it passes.
# Needs uv (`python3 -m pip install uv`).
set -euo pipefail
cd "$(dirname "$0")/.."
exec uv pip compile pyproject.toml --extra test --python-version 3.11 \
  --custom-compile-command ./scripts/lock.sh --annotation-style line -o requirements.lock "$@"
