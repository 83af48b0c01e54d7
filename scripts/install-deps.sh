#!/usr/bin/env bash
# Installs what cjos needs to build and test, from Debian's packages, when it
# is missing.  Used by ./run.sh and ./test.sh; safe to run again.
set -euo pipefail

build_pkgs=(gcc cmake make pkg-config libglpk-dev libjansson-dev libltdl-dev)
test_pkgs=(libcmocka-dev python3 python3-jsonschema python3-scipy coinor-cbc chromium)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
