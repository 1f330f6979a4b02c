#!/bin/sh
# test_build_deps.sh - the dependency files (-MMD) hold whichever way the
# build folder is spelled: make with BUILD=build and with BUILD=/abs/tree/build
# (tests/hwemu/run spells it so) both recompile an object when a header it
# includes changes. Before the Makefile normalised BUILD, a .d written under
# one spelling named an object make did not know under the other, so the
# hwemu objects went stale (a struct grew, test_hwemu smashed its stack).
# make -n -W HEADER: what make would do were HEADER newer; nothing is built.
. "$(dirname "$0")/lib.sh"
needs make
build=$(cd "$(dirname "$RIG")" && pwd)
rel=${build#"$root"/}
[ "$rel" != "$build" ] || { echo "$suite: SKIP: build folder $build is outside the tree"; exit 77; }
obj=obj/tests/hwemu/hx711_probe.o
[ -e "$build/${obj%.o}.d" ] || { echo "$suite: SKIP: no $build/${obj%.o}.d (make hwemu first)"; exit 77; }
header=rig/dev/loadcell/loadcell.h
grep -q "$header" "$build/${obj%.o}.d" || { bad "$obj.d does not list $header"; finish; exit; }
for spelling in "$rel" "$build"; do
  if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$root" BUILD="$spelling" \
      -W "$header" "$rel/hwemu/hx711_probe" 2>&1 | grep -q -- "-o [^ ]*$obj "; then
    ok "BUILD=$spelling: $header newer recompiles $obj"
  else
    bad "BUILD=$spelling: $header newer leaves $obj as it is (stale object)"
  fi
done
finish
