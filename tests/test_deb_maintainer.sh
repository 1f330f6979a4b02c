#!/bin/sh
# test_deb_maintainer.sh - the package's Maintainer field (rig/tools/
# deb-maintainer.sh, used by make deb): RIG_DEB_MAINTAINER when set, and
# refused when malformed or in a reserved domain; without it, an unreleased
# build that says so, never the git author of the checkout (whose identity
# may be a placeholder, as this repository's was).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/rig/tools/deb-maintainer.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tab=$(printf '\t')

# A checkout whose git identity looks like a real person's.
git -C "$tmp" init -q . && git -C "$tmp" config user.name "Jane Builder" &&
  git -C "$tmp" config user.email "jane@acme-devices.de" || { echo "test_deb_maintainer: git init failed"; exit 1; }

out=$(cd "$tmp" && env -u RIG_DEB_MAINTAINER sh "$tool" 2>"$tmp/err"); rc=$?
if [ $rc -eq 0 ] && [ "$out" = "UNRELEASED${tab}Unreleased rig-bench build <unreleased@rig-bench.invalid>" ] &&
   grep -q 'RIG_DEB_MAINTAINER not set' "$tmp/err"; then
  ok "no RIG_DEB_MAINTAINER: an unreleased build, said so (not the git author)"
else
  bad "no RIG_DEB_MAINTAINER: exit $rc, '$out' $(cat "$tmp/err")"
fi

out=$(cd "$tmp" && RIG_DEB_MAINTAINER="R&D Test Benches <bench-team@acme-devices.de>" sh "$tool" 2>"$tmp/err"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "unstable${tab}R&D Test Benches <bench-team@acme-devices.de>" ] && [ ! -s "$tmp/err" ] &&
  ok "RIG_DEB_MAINTAINER used as given" || bad "RIG_DEB_MAINTAINER: exit $rc, '$out' $(cat "$tmp/err")"

for m in "bench-team@acme-devices.de" "<bench-team@acme-devices.de>" "Bench Team bench-team@acme-devices.de" \
         "Bench Team <bench-team>" "Seed maintainers <maintainers@users.noreply.h-seed-1.example>" \
         "Jane <jane@example.com>" "Jane <jane@mail.example.org>" "Jane <jane@rig.invalid>" \
         "Jane <root@localhost>" "Jane <jane@bench.test>"; do
  out=$(RIG_DEB_MAINTAINER="$m" sh "$tool" 2>"$tmp/err"); rc=$?
  [ $rc -eq 78 ] && [ -z "$out" ] && grep -q 'RIG_DEB_MAINTAINER' "$tmp/err" &&
    ok "refused, exit 78: '$m'" || bad "'$m': exit $rc, '$out'"
done

[ $fail -eq 0 ] && echo "test_deb_maintainer: all passed" || echo "test_deb_maintainer: $fail failed"
[ $fail -eq 0 ]
