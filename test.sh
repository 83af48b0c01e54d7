#!/usr/bin/env bash
# Set-up on a fresh Debian machine, then the whole test suite through ctest:
# once with warnings as errors, once more under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh --test
jobs="$(nproc)"

echo "== build (warnings as errors) and test"
cmake -S . -B build -DWERROR=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build with ASan+UBSan and test"
cmake -S . -B build-sanitize -DWERROR=ON -DSANITIZE=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build-sanitize -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs"
