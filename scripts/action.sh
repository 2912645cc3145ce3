#!/usr/bin/env bash
# The steps of action.yml (kept here so they can be read, linted and tested as one script).
#   action.sh install   blueprintgen into $RUNNER_TEMP/blueprintgen from the action's requirements-run.lock
#   action.sh check     on a pull request: the diff summary, annotations for changed files only, full SARIF
#   action.sh build     the site into $INPUT_OUTPUT
# Inputs come as INPUT_* environment variables (see action.yml).
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${RUNNER_TEMP:-/tmp}/blueprintgen"

config=()
[ -n "${INPUT_CONFIG:-}" ] && config=(--config "$INPUT_CONFIG")

case "${1:-}" in
install)
  set -e
  python -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet -r "$here/requirements-run.lock"
  "$venv/bin/python" -m pip install --quiet --no-deps "$here"
  echo "$venv/bin" >> "${GITHUB_PATH:-/dev/null}"
  "$venv/bin/blueprintgen" --version
  ;;
check)
  read -r -a paths <<< "${INPUT_PATHS:-}"
  gate=()
  [ -n "${INPUT_FAIL_ON:-}" ] && gate+=(--fail-on "$INPUT_FAIL_ON")
  [ -n "${INPUT_GATE:-}" ] && gate+=(--gate "$INPUT_GATE")
  diffgate=("${gate[@]}")   # diff judges what a change introduces; a baseline is check's business
  [ -n "${INPUT_BASELINE:-}" ] && gate+=(--baseline "$INPUT_BASELINE")
  sarif="${INPUT_SARIF_FILE:-blueprintgen.sarif}"
  summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
  base="${INPUT_BASE_REF:-}"
  if [ -z "$base" ] && [ -n "${PR_BASE_REF:-}" ]; then
    base="origin/$PR_BASE_REF"
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
      git fetch --quiet --no-tags origin "+refs/heads/$PR_BASE_REF:refs/remotes/origin/$PR_BASE_REF"
  fi
  annotate=()
  compare=()
  if [ -n "$base" ]; then
    # Compared with where the branch left the base, not the base's tip: what was merged into the
    # base since is not this change's doing (a shallow history without it falls back to the tip).
    point="$(git merge-base "$base" HEAD 2>/dev/null || echo "$base")"
    # What the change does to the customer, for the reviewer; then annotations only where the change is.
    blueprintgen diff "$point" HEAD "${paths[@]}" "${config[@]}" "${diffgate[@]}" --format markdown >> "$summary"
    changed="${RUNNER_TEMP:-/tmp}/blueprintgen-changed-files"
    # Names as they are (not quoted with octal escapes), so a file with accents keeps its annotations.
    git -c core.quotepath=off diff --name-only --no-renames "$point" HEAD > "$changed"
    annotate=(--annotate-only "$changed")
    compare=(--diff-base "$point")
  else
    blueprintgen check "${paths[@]}" "${config[@]}" "${gate[@]}" --format text | tail -n 1 >> "$summary"
  fi
  # Code scanning treats every upload as the whole state: the SARIF is never filtered.
  blueprintgen check "${paths[@]}" "${config[@]}" "${gate[@]}" "${compare[@]}" --format sarif \
    --output-file "$sarif" || true
  echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
  blueprintgen check "${paths[@]}" "${config[@]}" "${gate[@]}" "${annotate[@]}" --format github
  ;;
build)
  set -e
  blueprintgen build "${config[@]}" -o "${INPUT_OUTPUT:-site}"
  echo "site=${INPUT_OUTPUT:-site}" >> "${GITHUB_OUTPUT:-/dev/null}"
  ;;
*)
  echo "usage: action.sh install|check|build" >&2
  exit 2
  ;;
esac
