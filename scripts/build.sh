#!/usr/bin/env bash
# Installs dependencies (idempotent) and builds switchyard into build/ (Release, warnings as errors).
# Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWITCHYARD_WERROR=ON "$@" >/dev/null
cmake --build build -j "$(nproc)"
