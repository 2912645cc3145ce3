#!/usr/bin/env bash
# Runs the whole suite against the newest release of every dependency (not the lock), in
# .venv-latest, and prints the versions it ran with. Use it before refreshing requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
BLUEPRINTGEN_LATEST=1 ./scripts/setup.sh
.venv-latest/bin/python -m pip freeze --exclude-editable | tr '\n' ' '; echo
exec .venv-latest/bin/python -m pytest "$@"
