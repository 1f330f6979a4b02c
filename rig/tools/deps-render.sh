#!/bin/sh
# deps-render.sh - headless Chromium for `make check-render` only (it is
# heavy: about 100 MB; `make check` never needs it). Debian's package.
set -eu
command -v chromium >/dev/null 2>&1 && exit 0
echo "deps-render.sh: installing Debian package: chromium" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "deps-render.sh: not root and no sudo; install as root: apt-get install chromium" >&2; exit 69
  fi
fi
$SUDO apt-get install -y --no-install-recommends chromium >&2 || {
  $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends chromium >&2; }
