#!/usr/bin/env bash
# Build the bundle and the .deb, then test them as an inspector's machine would meet them
# (packaging/tests: no Python on PATH, every command, a notice, the GUI under Xvfb, and as root
# `apt install` of the .deb and its removal). Called by .ci/run; about 5–8 minutes on 2 cores.
#
#   packaging/test-linux.sh [OUTDIR]       (default build/package)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="${1:-$ROOT/build/package}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"

start=$(date +%s)
# xz level 1 keeps the CI run within minutes; a release build uses the default level.
DEB_XZ_LEVEL="${DEB_XZ_LEVEL:-1}" PYTHON="$PY" "$HERE/build-linux.sh" "$OUT"
echo "== built in $(( $(date +%s) - start )) s"
du -sh "$OUT"/fieldcheck "$OUT"/fieldcheck_*.deb
FIELDCHECK_PACKAGE_DIR="$OUT" "$PY" -m pytest -q -p no:xdist -p no:cacheprovider \
  --rootdir "$HERE/tests" "$HERE/tests"
