#!/usr/bin/env python3
"""end_burst_probe.py N SEED CLASSES BURST_MIN_S BURST_MAX_S RIG [RIG...]

red_capture.py draws with a burst of error values (BURST_MIN_S..BURST_MAX_S
seconds) at one end of the record, each analysed by every RIG (the first is
"before"): the rate within U, outside U (a miss, status ok) or refused.
CLASSES (comma-separated): start (a start-up, the head unseen), stephead
(a speed step near the head, the head unseen), steptail (a step near the
end, the tail unseen), wander, fastwander (the head unseen), tailwander
(the tail unseen), steadywander (a steady speed wander, 0.1..0.4 % rms at
1..10 Hz, the head unseen). After SETTLE's probe (session 16).
Every class but steadywander draws red_capture.py's --kick (a start-up
speed kick: 0.05..0.4 % at the start, decaying with --noise-hz; fastwander
0.4 % at 5..10 Hz): the "wander" of their names is what --wander drew until
main 4246a25, and their captures are the same byte for byte. Prints one line per
draw ("unseen": the burst in nominal periods), then per class and RIG the
first RIG's verdict > this one's (cov, miss, ref) with counts.
Used for docs/measurement.md, "An unseen end"."""
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
bmin, bmax = float(sys.argv[4]), float(sys.argv[5])
rigs = sys.argv[6:]
tmp = os.environ.get("PROBE_TMP")
if not tmp:
    tmp = tempfile.mkdtemp(prefix="end_burst_probe.")
    atexit.register(shutil.rmtree, tmp, True)
rng = random.Random(seed)
draws = []
for i in range(n):
    c = rng.choice(cls)
    rate = rng.choice((1000, 4000))
    fmax = 300 if rate >= 4000 else 160
    freq = rng.uniform(50, fmax)
    secs = rng.uniform(1, 3)
    args = {"--rate": rate, "--freq": "%.3f" % freq, "--seconds": "%.2f" % secs,
            "--noise-um": "%.2f" % rng.uniform(0.3, 3), "--kick": "%.4f" % rng.uniform(0.0005, 0.004),
            "--noise-hz": "%.2f" % rng.uniform(0.5, 10), "--seed": rng.randint(1, 10**9)}
    blen = int(rng.uniform(bmin, bmax) * rate)
    tot = int(secs * rate)
    end = "head"
    if c == "start":
        args.update({"--start": "%.2f" % rng.uniform(0.4, 0.97), "--start-hz": "%.1f" % rng.uniform(3, 10),
                     "--start-zeta": "%.2f" % rng.uniform(0.3, 1.0)})
    elif c == "fastwander":
        args["--kick"] = "0.004"; args["--noise-hz"] = "%.1f" % rng.uniform(5, 10)
    elif c == "steadywander":
        del args["--kick"]
        args["--wander"] = "%.4f" % rng.uniform(0.001, 0.004); args["--noise-hz"] = "%.2f" % rng.uniform(1, 10)
    elif c == "steptail":
        end = "tail"
        at = secs - rng.uniform(0.1, 0.5)
        args.update({"--step": "%.2f@%.2f" % (rng.choice((0.6, 0.75, 0.9, 1.15, 1.4)), at), "--step-hz": "%.1f" % rng.uniform(5, 40)})
    elif c == "stephead":
        at = rng.uniform(0.0, 0.3)
        args.update({"--step": "%.2f@%.2f" % (rng.choice((0.6, 0.75, 0.9, 1.15, 1.4)), at), "--step-hz": "%.1f" % rng.uniform(5, 40)})
    elif c in ("tailwander",):
        end = "tail"
    if blen > 0:
        args["--burst"] = "%d@%d" % (blen, 0 if end == "head" else tot - blen)
    draws.append((i, c, rate, args, blen))
def one(d):
    i, c, rate, args, blen = d
    return d, judge_draw(os.path.join(tmp, "c%d_%d.bin" % (seed, i)), args, rate, rigs)
summ = {}
with ThreadPoolExecutor(2) as ex:
    for d, res in ex.map(one, draws):
        i, c, rate, args, blen = d
        per = float(rate) / float(args["--freq"])
        cols = []
        for k, (v, st, e, U) in enumerate(res):
            cols.append("%-4s %+9.1f/%-7.1f" % (v, e, U) if v != "ref" else "ref:%-12s" % st)
            key = (c, k); s = summ.setdefault(key, {})
            tag = res[0][0] + ">" + v
            s[tag] = s.get(tag, 0) + 1
        print("%3d %-10s %4d unseen %5.1f per | %s || %s" % (i, c, rate, blen / per, " | ".join(cols),
              " ".join("%s %s" % kv for kv in args.items())), flush=True)
print("summary (first binary's verdict > this binary's)")
for (c, k) in sorted(summ):
    print("%-10s %s %s" % (c, os.path.basename(rigs[k]), " ".join("%s %d" % kv for kv in sorted(summ[(c, k)].items()))))
if not os.environ.get("PROBE_TMP"):
    os.rmdir(tmp)
