#!/bin/sh
# test_exposure_readback.sh - the ILD1420's shutter time is read back every
# time the bench connects (issue 13): a whole run against the virtual laser
# with laser.exposure_us=200 and a fixture saying 200 measures with it (its
# traces say so, for rig analyze), and so does one whose fixture says
# nothing (read back only when the fixture stated it, before 2026-11-30);
# a fixture that contradicts the sensor is refused naming both, before any
# pen is driven (before: a PASS measured with the wrong exposure).
. "$(dirname "$0")/lib.sh"
export RIG_KEY=/nonexistent/station.key
run() { # run NAME [options]: its exit code in $code
  name=$1; shift
  $RUNNER "$RIG" run --fixture "$fx" --out "$tmp/$name" --sim seed=2 \
    --sim laser.exposure_us=200 --save-trace "$@" >"$tmp/$name.out" 2>&1
  code=$?
}

# The fixture agrees with the sensor.
sed 's/^\[laser\]$/[laser]\nexposure_us = 200/' "$root/fixtures/sim.ini" >"$tmp/agree.ini"
grep -q '^exposure_us = 200' "$tmp/agree.ini" || bad "fixtures/sim.ini has no [laser] section line"
fx="$tmp/agree.ini"
run agree
t=$(find "$tmp/agree" -name '*_verify_*.csv' | head -1)
[ "$code" -eq 0 ] && [ -n "$t" ] && head -1 "$t" | grep -q ' exposure_us=200$' \
  && ok "fixture 200, sensor 200 us: PASS, the traces carry exposure_us=200" \
  || bad "fixture 200, sensor 200 us: exit $code, trace header: $([ -n "$t" ] && head -1 "$t")"
if [ -n "$t" ]; then
  $RUNNER "$RIG" analyze "$t" >"$tmp/an.out" 2>&1 \
    && $RUNNER "$RIG" analyze --exposure-us 0 "$t" >"$tmp/an0.out" 2>&1 \
    && [ "$(grep '^depth:' "$tmp/an.out")" != "$(grep '^depth:' "$tmp/an0.out")" ] \
    && ok "rig analyze on the trace uses the 200 us: $(grep '^depth:' "$tmp/an.out" | cut -c1-40)" \
    || bad "rig analyze on the trace: $(grep '^depth:' "$tmp/an.out" "$tmp/an0.out")"
fi

# The fixture states no exposure: the sensor's is taken.
grep -q '^exposure_us' "$root/fixtures/sim.ini" \
  && bad "fixtures/sim.ini sets exposure_us: this case needs it unset (0)"
fx="$root/fixtures/sim.ini"
run told
t=$(find "$tmp/told" -name '*_verify_*.csv' | head -1)
[ "$code" -eq 0 ] && [ -n "$t" ] && head -1 "$t" | grep -q ' exposure_us=200$' \
  && ok "fixture 0, sensor 200 us: PASS, the traces carry exposure_us=200" \
  || bad "fixture 0, sensor 200 us: exit $code, trace header: $([ -n "$t" ] && head -1 "$t")"

# The fixture contradicts the sensor: refused, naming both.
sed 's/^exposure_us = 200/exposure_us = 250/' "$tmp/agree.ini" >"$tmp/wrong.ini"
fx="$tmp/wrong.ini"
run wrong
grep -q "the fixture's \[laser\] exposure_us is 250 us, the sensor reports a shutter time of 200.0 us" \
  "$tmp/wrong.out" && [ "$code" -eq 78 ] && ! ls "$tmp/wrong"/*_PASS.csv >/dev/null 2>&1 \
  && ok "fixture 250, sensor 200 us: exit 78, both named, no PASS" \
  || bad "fixture 250, sensor 200 us: exit $code: $(tail -3 "$tmp/wrong.out")"
finish
