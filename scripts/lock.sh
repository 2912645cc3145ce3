#!/usr/bin/env bash
# Refreshes the locks: the newest versions that satisfy pyproject.toml, for Python 3.11, every package pinned.
#   requirements.lock      blueprintgen and its test tools: what setup, CI and contributors install
#   requirements-run.lock  blueprintgen alone, the same versions, with hashes: what the GitHub Action installs
#                          (pip --require-hashes: a changed or substituted release fails the install)
# Run scripts/test-latest.sh first, and commit the locks only when it passes.
# Needs uv (`python3 -m pip install uv`).
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--python-version 3.11 --custom-compile-command ./scripts/lock.sh --annotation-style line)
uv pip compile pyproject.toml --extra test "${common[@]}" -o requirements.lock "$@"
uv pip compile pyproject.toml --constraint requirements.lock --generate-hashes "${common[@]}" -o requirements-run.lock
