#!/usr/bin/env bash
# Build the FieldCheck bundle (PyInstaller, one folder) and a Debian package of it:
#
#   packaging/build-linux.sh OUTDIR     → OUTDIR/fieldcheck_<version>_<arch>.deb
#                                          (and the bundle itself in OUTDIR/fieldcheck/)
#
# Python: $PYTHON if set (an environment with FieldCheck and its `packaging` extra installed),
# else a build environment made once under build/packaging-venv from this checkout.
# Needs dpkg-deb (Debian and its derivatives have it) and binutils. DEB_XZ_LEVEL (default 6,
# Debian's own) trades the .deb's size for build time: level 1 is ~6× faster and ~12% larger.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
WORK="$ROOT/build/packaging"

if [ -z "${PYTHON:-}" ]; then
  VENV="$ROOT/build/packaging-venv"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q "$ROOT[packaging]"
  PYTHON="$VENV/bin/python"
fi
"$PYTHON" -c "import PyInstaller" 2>/dev/null || {
  echo "PyInstaller is missing in $PYTHON: pip install '.[packaging]'" >&2
  exit 2
}

VERSION="$("$PYTHON" -c 'import fieldcheck; print(fieldcheck.__version__)')"
ARCH="$(dpkg --print-architecture)"
COMMIT="$(git -C "$ROOT" rev-parse --short=10 HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  COMMIT="$COMMIT+changes"
fi
BUILT="$(date -u '+%Y-%m-%d %H:%M UTC')"

rm -rf "$WORK"
mkdir -p "$WORK"
"$PYTHON" - "$WORK/build.json" "$BUILT" "git $COMMIT" "linux-$ARCH" <<'PY'
import json, sys
path, built, commit, target = sys.argv[1:]
with open(path, "w", encoding="utf-8") as f:
    json.dump({"built": built, "commit": commit, "target": target}, f)
PY

echo "== PyInstaller ($VERSION, $ARCH)"
FIELDCHECK_BUILD_INFO="$WORK/build.json" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$WORK/dist" --workpath "$ROOT/build/packaging-pyi" "$HERE/fieldcheck.spec"
rm -rf "$OUT/fieldcheck"
cp -a "$WORK/dist/fieldcheck" "$OUT/fieldcheck"

echo "== Debian package"
PKG="$WORK/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/scalable/apps" "$PKG/usr/share/icons/hicolor/256x256/apps" \
  "$PKG/usr/share/doc/fieldcheck"
cp -a "$WORK/dist/fieldcheck" "$PKG/opt/fieldcheck"
ln -s /opt/fieldcheck/fieldcheck "$PKG/usr/bin/fieldcheck"
install -m 0644 "$HERE/fieldcheck.desktop" "$PKG/usr/share/applications/fieldcheck.desktop"
install -m 0644 "$HERE/fieldcheck.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/fieldcheck.svg"
QT_QPA_PLATFORM=offscreen "$PYTHON" "$HERE/render_icon.py" "$HERE/fieldcheck.svg" 256 \
  "$PKG/usr/share/icons/hicolor/256x256/apps/fieldcheck.png"
cat > "$PKG/usr/share/doc/fieldcheck/copyright" <<TXT
FieldCheck $VERSION (效能监察现场检查), built $BUILT from $COMMIT.
The bundle in /opt/fieldcheck carries Python, Qt (PySide6, LGPLv3) and the Python libraries
FieldCheck uses, each under its own licence (see the *.dist-info folders inside).
TXT
find "$PKG" -type d -exec chmod 0755 {} +
SIZE_KB="$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)"
# The bundle carries its own Qt and Python; what it takes from the system is the X11/GL/font
# stack Qt's xcb platform plugin and PySide6's wheels expect on a desktop.
cat > "$PKG/DEBIAN/control" <<CTRL
Package: fieldcheck
Version: $VERSION
Architecture: $ARCH
Maintainer: FieldCheck <fieldcheck@localhost>
Installed-Size: $SIZE_KB
Section: misc
Priority: optional
Depends: libc6 (>= 2.28), libglib2.0-0, libgl1, libegl1, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-xkb1, libxcb-randr0, libxcb-render-util0, libxcb-image0
Recommends: fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei, fonts-lxgw-wenkai, libcups2, desktop-file-utils
Description: 效能监察现场检查 — offline inspection workbench
 FieldCheck is the laptop workbench of administrative-efficiency inspectors:
 checklists, timed observations, findings, evidence photos and official notices,
 offline, synced with the bureau's server when back on a network.
 .
 The inspector's data folder (~/.local/share/FieldCheck) is never touched by
 installing, upgrading or removing this package.
CTRL
DEB="$OUT/fieldcheck_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz -z"${DEB_XZ_LEVEL:-6}" --build "$PKG" "$DEB" >/dev/null
echo "== $DEB ($(du -h "$DEB" | cut -f1), installed $((SIZE_KB / 1024)) MB)"
