#!/bin/sh
# version.sh - the rig's version: the same string for `rig --version`, the
# reports' rig_version and the Debian package (mkdeb.sh), so a report names
# the package that wrote it. From `git describe`: a tag v1.2.3[-n-gHASH] is
# 1.2.3[+n.gHASH]; no tag is 0.1.0+gHASH; a changed tree adds .dirty.
gitv=$(git describe --always --dirty --tags 2>/dev/null || echo 0.1.0)
if echo "$gitv" | grep -Eq '^v?[0-9]+\.[0-9]+'; then
  echo "$gitv" | sed 's/^v//; s/-/+/; s/-/./g'
else
  echo "0.1.0+g$(echo "$gitv" | sed 's/-/./g')"
fi
