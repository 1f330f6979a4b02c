#!/usr/bin/env python3
"""gap_overshoot_probe.py N SEED CLASSES RIG [RIG...]

red_capture.py draws whose speed overshoots inside a burst of error values
(50..200 ms) with clean strokes on both sides: the bridged count's
assumption (the speed inside a gap lies between the speeds on either side,
tally.c bridge_check) does not hold there. Each draw is analysed by every
RIG (the first is "before"): the rate within U, outside U (a miss, status
ok) or refused. CLASSES (comma-separated): step (a second-order step,
--step-zeta 0.15..0.7, the burst over its first peak), start (a start-up
from 0.5..0.9 with --start-zeta 0.15..0.5 at 2..5 Hz, the burst over its first peak,
at least 0.1 s in), steady (no speed change: what the rule costs).
Every draw has a steady speed wander (red_capture.py --wander, 0.05..0.3 %
rms at 0.5..10 Hz). Until main 4246a25 that draw was a start-up speed
kick, not a wander (red_capture.py's --kick now); PROBE_KICK=1 passes the
same figure as --kick and makes those captures again, byte for byte.
Prints one line per draw (the burst in nominal periods, the overshoot),
then per class and RIG the first RIG's verdict > this one's with counts.
Used for docs/measurement.md, "An overshoot inside a gap"."""
import math
import atexit
import os
import random
import sys
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rate_probe import judge_draw  # noqa: E402
n, seed = int(sys.argv[1]), int(sys.argv[2])
cls = sys.argv[3].split(",")
rigs = sys.argv[4:]
tmp = os.environ.get("PROBE_TMP")
if not tmp:
    tmp = tempfile.mkdtemp(prefix="gap_overshoot_probe.")
    atexit.register(shutil.rmtree, tmp, True)
rng = random.Random(seed)
SPEED = "--kick" if os.environ.get("PROBE_KICK") == "1" else "--wander"


def peak_after(fn, zeta):
    """Time of a second-order step's first peak after the step."""
    return 1 / (2 * fn * math.sqrt(1 - zeta * zeta))


draws = []
for i in range(n):
    c = rng.choice(cls)
    rate = rng.choice((1000, 4000))
    fmax = 300 if rate >= 4000 else 160
    freq = rng.uniform(50, fmax)
    secs = rng.uniform(1.5, 3)
    args = {"--rate": rate, "--freq": "%.3f" % freq, "--seconds": "%.2f" % secs,
            "--noise-um": "%.2f" % rng.uniform(0.3, 3), SPEED: "%.4f" % rng.uniform(0.0005, 0.003),
            "--noise-hz": "%.2f" % rng.uniform(0.5, 10), "--seed": rng.randint(1, 10**9)}
    blen_s = rng.uniform(0.05, 0.2)
    over = 0.0
    if c == "step":
        zeta, fn = rng.uniform(0.15, 0.7), rng.uniform(5, 30)
        f = rng.choice((0.6, 0.75, 0.9, 1.15, 1.4))
        at = rng.uniform(0.4, secs - 0.6)
        args.update({"--step": "%.2f@%.2f" % (f, at), "--step-hz": "%.1f" % fn, "--step-zeta": "%.2f" % zeta})
        pk = at + peak_after(fn, zeta)
        over = (f - 1) * math.exp(-zeta * math.pi / math.sqrt(1 - zeta * zeta))
    elif c == "start":
        zeta, fn = rng.uniform(0.15, 0.5), rng.uniform(2, 5)
        st = rng.uniform(0.5, 0.9)
        args.update({"--start": "%.2f" % st, "--start-hz": "%.1f" % fn, "--start-zeta": "%.2f" % zeta})
        pk = peak_after(fn, zeta)
        over = (1 - st) * math.exp(-zeta * math.pi / math.sqrt(1 - zeta * zeta))
    else:
        pk = rng.uniform(0.4, secs - 0.4)
    b0 = pk - rng.uniform(0.2, 0.8) * blen_s
    if c == "start":
        b0 = max(b0, 0.1)
    b0 = min(b0, secs - blen_s - 0.3)
    args["--burst"] = "%d@%d" % (int(blen_s * rate), int(b0 * rate))
    draws.append((i, c, rate, args, blen_s * freq, over))


def one(d):
    i, c, rate, args, per, over = d
    return d, judge_draw(os.path.join(tmp, "g%d_%d.bin" % (seed, i)), args, rate, rigs)


with ThreadPoolExecutor(int(os.environ.get("PROBE_JOBS", "2"))) as ex:
    out = list(ex.map(one, draws))
summary = {}
for d, res in out:
    i, c, rate, args, per, over = d
    cells = " | ".join("%s %s %+.1f/U %.1f" % (v, s, e, U) for v, s, e, U in res)
    print("%3d %-6s %4d Hz burst %5.1f periods overshoot %+.3f | %s | %s" % (
        i, c, rate, per, over, cells, " ".join("%s %s" % kv for kv in args.items())))
    for k in range(1, len(rigs)):
        key = (c, k, res[0][0] + ">" + res[k][0])
        summary[key] = summary.get(key, 0) + 1
    key = (c, 0, res[0][0])
    summary[key] = summary.get(key, 0) + 1
print()
for (c, k, v), cnt in sorted(summary.items()):
    print("%-6s %s %-10s %d" % (c, rigs[k], v, cnt))
