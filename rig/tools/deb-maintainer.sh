#!/bin/sh
# deb-maintainer.sh - who answers for a package: prints the changelog's
# distribution and the Maintainer field, tab-separated (mkdeb.sh uses it).
#
# RIG_DEB_MAINTAINER="Name <mail>" is set by whoever builds a package that
# leaves the building: a person or a team address that reads its mail.
# Without it the package says plainly that it is an unreleased build: the
# address is in .invalid (RFC 2606: no one can answer there) and the
# distribution is UNRELEASED; a line on stderr says so. The git author is
# never used: who wrote a commit does not answer for a build (and a
# checkout's identity may be a placeholder). Malformed values and reserved
# example and test domains are refused, exit 78.
set -eu
m="${RIG_DEB_MAINTAINER:-}"
if [ -z "$m" ]; then
  m="Unreleased rig-bench build <unreleased@rig-bench.invalid>"
  echo "mkdeb.sh: RIG_DEB_MAINTAINER not set: Maintainer: $m (set it for a release)" >&2
  printf 'UNRELEASED\t%s\n' "$m"
  exit 0
fi
case "$m" in
  *"
"*|*"	"*) echo "mkdeb.sh: RIG_DEB_MAINTAINER must be one line" >&2; exit 78 ;;
  [!\ \<]*" <"?*@?*.?*">") ;;
  *) echo "mkdeb.sh: RIG_DEB_MAINTAINER must be \"Name <mail>\" (found '$m')" >&2; exit 78 ;;
esac
host=$(printf '%s\n' "$m" | sed 's/.*@\([^>]*\)>$/\1/' | tr 'A-Z' 'a-z')
case "$host" in
  example|*.example|invalid|*.invalid|test|*.test|localhost|*.localhost|localdomain|*.localdomain|\
  example.com|*.example.com|example.org|*.example.org|example.net|*.example.net)
    echo "mkdeb.sh: RIG_DEB_MAINTAINER: $host is a reserved domain (RFC 2606), not an address anyone answers at" >&2
    exit 78 ;;
esac
printf 'unstable\t%s\n' "$m"
