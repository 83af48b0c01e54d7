#!/usr/bin/env bash
# Set-up on a fresh Debian machine, build, and solve the bundled Haaglanden
# round: the plan is shown as a table and written to build/haaglanden-plan.json.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
cmake -S . -B build -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

build/cjos validate examples/haaglanden-2026.json
build/cjos solve examples/haaglanden-2026.json -o build/haaglanden-plan.json
build/cjos solve examples/haaglanden-2026.json --format md
echo
echo "plan written to build/haaglanden-plan.json"
