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
  "$venv/bin/python" -m pip install --quiet --require-hashes -r "$here/requirements-run.lock"
  "$venv/bin/python" -m pip install --quiet --no-deps "$here"
  echo "$venv/bin" >> "${GITHUB_PATH:-/dev/null}"
  "$venv/bin/blueprintgen" --version
  ;;
check)
  # INPUT_PATHS: one path a line, so a name may contain spaces; empty lines and spaces around a
  # path are left out. Every path is given after `--`, so none is read as an option.
  paths=()
  while IFS= read -r line; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && paths+=("$line")
  done <<< "${INPUT_PATHS:-}"
  gate=()
  [ -n "${INPUT_FAIL_ON:-}" ] && gate+=(--fail-on "$INPUT_FAIL_ON")
  [ -n "${INPUT_GATE:-}" ] && gate+=(--gate "$INPUT_GATE")
  diffgate=("${gate[@]}")   # diff judges what a change introduces; a baseline is check's business
  [ -n "${INPUT_BASELINE:-}" ] && gate+=(--baseline "$INPUT_BASELINE")
  sarif="${INPUT_SARIF_FILE:-blueprintgen.sarif}"
  summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
  # The summary is written last, so its first line can say whether the step passes or fails.
  body="$(mktemp "${RUNNER_TEMP:-/tmp}/blueprintgen-summary.XXXXXX")"
  trap 'rm -f "$body"' EXIT
  base="${INPUT_BASE_REF:-}"
  if [ -z "$base" ] && [ -n "${PR_BASE_REF:-}" ]; then
    base="origin/$PR_BASE_REF"
    git rev-parse --verify --quiet --end-of-options "$base^{commit}" >/dev/null ||
      git fetch --quiet --no-tags origin "+refs/heads/$PR_BASE_REF:refs/remotes/origin/$PR_BASE_REF"
  fi
  annotate=()
  compare=()
  diffstatus=0
  if [ -n "$base" ]; then
    # Names are resolved by git as revisions, never read as options or paths (git 2.30 or later).
    if ! git rev-parse --verify --quiet --end-of-options "HEAD^{commit}" >/dev/null; then
      echo "error: HEAD cannot be resolved: blueprintgen needs a checkout and git 2.30 or later" \
        "($(git --version 2>&1))" >&2
      printf '%s\n\n%s\n' "## ❌ blueprintgen: fail" "git cannot resolve HEAD here; see the job log." >> "$summary"
      exit 2
    fi
    if ! base_commit="$(git rev-parse --verify --quiet --end-of-options "$base^{commit}")"; then
      echo "error: the base revision '$base' is not in this repository (hint: fetch it, e.g. actions/checkout" \
        "with fetch-depth: 0, or give base-ref)" >&2
      printf '%s\n\n%s\n' "## ❌ blueprintgen: fail" \
        "The base revision of the pull request is not in this repository; see the job log." >> "$summary"
      exit 2
    fi
    # Compared with where the branch left the base, not the base's tip: what was merged into the
    # base since is not this change's doing (a shallow history without it falls back to the tip).
    compared=("$base...HEAD")   # named by branch (and short commit) in the summary
    if ! point="$(git merge-base --end-of-options "$base_commit" HEAD 2>/dev/null)"; then
      point="$base_commit" compared=("$base_commit" HEAD)
    fi
    # What the change does to the customer, for the reviewer; then annotations only where the change is.
    # A commit id and HEAD are always revisions to blueprintgen, whatever files are named so.
    blueprintgen diff "${config[@]}" "${diffgate[@]}" --format markdown -- "${compared[@]}" "${paths[@]}" > "$body"
    diffstatus=$?
    changed="${RUNNER_TEMP:-/tmp}/blueprintgen-changed-files"
    # NUL-separated names as they are (never quoted), so a name with an accent or a newline keeps
    # its annotations; `--` so a file named like a revision cannot make the command ambiguous.
    if git diff --name-only -z --no-renames --end-of-options "$point" HEAD -- > "$changed"; then
      annotate=(--annotate-only "$changed")
    else
      echo "warning: the changed files could not be listed; every finding is annotated" >&2
    fi
    compare=(--diff-base "$point")
  else
    blueprintgen check "${config[@]}" "${gate[@]}" --format text -- "${paths[@]}" | tail -n 1 > "$body"
  fi
  # Code scanning treats every upload as the whole state: the SARIF is never filtered.
  blueprintgen check "${config[@]}" "${gate[@]}" "${compare[@]}" --format sarif --output-file "$sarif" \
    -- "${paths[@]}" || true
  echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
  blueprintgen check "${config[@]}" "${gate[@]}" "${annotate[@]}" --format github -- "${paths[@]}"
  status=$?
  verdict="## ❌ blueprintgen: fail"
  case "$status" in
  0) verdict="## ✅ blueprintgen: pass" reason="The gate passes." ;;
  1) reason="The gate fails: a gated finding at or above fail-on, or an invalid blueprint"
     reason="$reason (see the annotations and the job log)." ;;
  *) reason="blueprintgen could not check the blueprints (exit status $status); see the job log." ;;
  esac
  if [ "$diffstatus" = 1 ] && [ "$status" = 0 ]; then
    # The change's own settings pass it, but it introduces what the base's settings fail on (a rule
    # turned off, a folder moved): the gate stays on until the settings change is merged.
    blueprintgen diff "${config[@]}" "${diffgate[@]}" --format github -- "${compared[@]}" "${paths[@]}"
    status=1 verdict="## ❌ blueprintgen: fail"
    reason="The gate fails: the change introduces a finding its base's settings fail on (see the summary)."
  fi
  if [ "$diffstatus" -gt 1 ]; then
    reason="$reason What the change does could not be shown (exit status $diffstatus); see the job log."
  fi
  { printf '%s\n\n%s\n\n' "$verdict" "$reason"; cat "$body"; } >> "$summary"
  exit "$status"
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
