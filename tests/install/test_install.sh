#!/usr/bin/env bash
# Installs the build into a fresh prefix, checks the layout a desktop and a packager expect,
# validates the desktop entry and AppStream metadata, then builds and runs a consumer project
# against the installed package with find_package(LossLens).
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$1"
SOURCE="$2"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PREFIX="$WORK/prefix"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
for f in bin/losslens-cli share/man/man1/losslens-cli.1 include/losslens/loss/LossComputer.h \
         lib/liblosslens_core.a lib/cmake/LossLens/LossLensConfig.cmake \
         lib/cmake/LossLens/LossLensTargets.cmake; do
  [[ -f "$PREFIX/$f" ]] || { echo "missing after install: $f"; exit 1; }
done
if [[ -f "$BUILD/bin/losslens" ]]; then
  for f in bin/losslens share/applications/io.github.losslens.LossLens.desktop \
           share/metainfo/io.github.losslens.LossLens.metainfo.xml \
           share/icons/hicolor/256x256/apps/losslens.png \
           share/icons/hicolor/scalable/apps/losslens.svg share/man/man1/losslens.1; do
    [[ -f "$PREFIX/$f" ]] || { echo "missing after install: $f"; exit 1; }
  done
  desktop-file-validate "$PREFIX/share/applications/io.github.losslens.LossLens.desktop"
  appstreamcli validate --no-net --pedantic \
    "$PREFIX/share/metainfo/io.github.losslens.LossLens.metainfo.xml"
fi
# The installed CLI runs from the prefix on its own.
"$PREFIX/bin/losslens-cli" demo "$WORK/demo" --count 1 --size 32 2>/dev/null
"$PREFIX/bin/losslens-cli" stats "$WORK/demo" --json >/dev/null
# A consumer of the installed package.
cmake -S "$SOURCE/tests/install/consumer" -B "$WORK/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$WORK/consumer" >/dev/null
"$WORK/consumer/consumer"
echo "install: prefix layout, validators and a find_package consumer all fine"
