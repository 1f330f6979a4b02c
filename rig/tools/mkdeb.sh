#!/bin/sh
# mkdeb.sh - build the Debian package of one build with dpkg-deb, and
# check it with lintian (errors fail the build, warnings are shown).
#
# The package is rig-bench: Debian already has a package "rig" (a random
# identity generator, also /usr/bin/rig), which apt would otherwise take
# for a newer version of this one and install over it. rig-bench conflicts
# with and replaces it.
#
# Usage: mkdeb.sh BUILD_DIR DEB_ARCH VERSION [CROSS_PREFIX]
# Installs with `make install` into a staging tree (PREFIX=/usr,
# SYSCONFDIR=/etc, units where the build machine's systemd keeps them),
# strips the binary, adds the Debian metadata from rig/dist/debian/ and writes
# BUILD_DIR/rig-bench_VERSION_ARCH.deb.
set -eu

build="$1"; arch="$2"; gitv="$3"; cross="${4:-}"
[ -n "$arch" ] || { echo "mkdeb.sh: no Debian architecture" >&2; exit 64; }

# The Makefile's VERSION (rig/tools/version.sh) is already a Debian
# version, the same string `rig --version` prints and reports carry.
version="$gitv"

# Who answers for the package (RIG_DEB_MAINTAINER, else an unreleased
# build said to be one): deb-maintainer.sh.
who=$(sh "$(dirname "$0")/deb-maintainer.sh")
distribution=$(printf '%s\n' "$who" | cut -f1)
maintainer=$(printf '%s\n' "$who" | cut -f2-)

# Debian 13 keeps every file under /usr (DEP 17; lintian: aliased-location):
# units go where systemd.pc says on the build machine (bookworm's systemd
# says /lib/systemd/system), else to /usr/lib/systemd/system.
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
[ -n "$unitdir" ] || unitdir=/usr/lib/systemd/system

stage="$build/deb/rig-bench_${version}_$arch"
rm -rf "$build/deb"
mkdir -p "$stage"
make --no-print-directory -s install BUILD="$build" CROSS="$cross" DESTDIR="$(pwd)/$stage" \
  PREFIX=/usr SYSCONFDIR=/etc UNITDIR="$unitdir" >/dev/null
"${cross}strip" --strip-unneeded --remove-section=.comment --remove-section=.note \
  "$stage/usr/bin/rig"
gzip -9n "$stage/usr/share/man/man1/rig.1"
# Debian keeps udev rules out of /etc (lintian: udev-rule-in-etc): the
# package ships the template and postinst copies it to /etc/udev/rules.d
# once, where the bench's USB serial numbers are filled in.
mkdir -p "$stage/usr/share/rig"
mv "$stage/etc/udev/rules.d/60-rig.rules" "$stage/usr/share/rig/60-rig.rules"
rmdir "$stage/etc/udev/rules.d" "$stage/etc/udev"

doc="$stage/usr/share/doc/rig-bench"
mkdir -p "$doc"
install -m 644 rig/dist/debian/copyright "$doc/copyright"
# The documents rig(1) points to (SEE ALSO and the commands' sections),
# and the README; gzip -9n above 4 kB, as Debian policy 12.3 asks.
install -m 644 README.md docs/*.md "$doc/"
find "$doc" -name '*.md' -size +4k -exec gzip -9n {} +
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
{
  echo "rig-bench ($version) $distribution; urgency=medium"
  echo
  echo "  * Built from $gitv."
  echo
  echo " -- $maintainer  $date"
} | gzip -9n > "$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
install -m 755 rig/dist/debian/postinst rig/dist/debian/prerm rig/dist/debian/postrm "$stage/DEBIAN/"
(cd "$stage" && find etc -type f | sed 's|^|/|' | sort) > "$stage/DEBIAN/conffiles"

# Shared-library dependencies as dpkg-shlibdeps finds them (it wants a
# debian/control beside it; the cross libraries' symbols files come with
# the :arm64 / :armhf -dev packages the cross build installed).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debian"
printf 'Source: rig-bench\n\nPackage: rig-bench\nArchitecture: any\n' > "$tmp/debian/control"
bin="$(pwd)/$stage/usr/bin/rig"
# The libraries rig loads at run time (rig/core/dynlib.c: libpq, libsqlite3,
# libhogweed) are not in the binary's NEEDED list: a stub program linked
# against each of them gives dpkg-shlibdeps their packages.
sonames=$(sed -n 's/^[[:space:]]*\.soname = "\(lib[^"]*\)",.*/\1/p' rig/core/dynlib.c)
[ -n "$sonames" ] || { echo "mkdeb.sh: no sonames in rig/core/dynlib.c" >&2; exit 70; }
printf 'int main(void) { return 0; }\n' > "$tmp/stub.c"
"${cross}gcc" -o "$tmp/dlopened" "$tmp/stub.c" -Wl,--no-as-needed \
  $(for s in $sonames; do printf -- '-l:%s ' "$s"; done) ||
  { echo "mkdeb.sh: cannot link against $sonames (rig/core/dynlib.c)" >&2; exit 70; }
libs=$(cd "$tmp" && DEB_HOST_ARCH="$arch" dpkg-shlibdeps -O -e"$bin" -e"$tmp/dlopened" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$libs" ] || { echo "mkdeb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 70; }
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
    -e "s|@DEPENDS@|$libs, adduser|" -e "s|@MAINTAINER@|$(printf '%s' "$maintainer" | sed 's/[&|\\]/\\&/g')|" rig/dist/debian/control.in > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
  xargs md5sum) > "$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

deb="$build/rig-bench_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "mkdeb.sh: $deb"
dpkg-deb --info "$deb" | sed -n 's/^ *\(Version\|Architecture\|Depends\|Installed-Size\):/  &/p'

# lintian: errors fail, the rest is shown. Checked as an installable
# package of this architecture, whatever machine builds it.
out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
[ -n "$out" ] && echo "$out" | grep -v 'running with root privileges' | sed 's/^/  lintian: /'
if echo "$out" | grep -q '^E:'; then
  echo "mkdeb.sh: lintian found errors" >&2
  exit 1
fi
echo "mkdeb.sh: lintian: no errors"
