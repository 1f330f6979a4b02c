#!/usr/bin/env python3
"""red_hunt.py RIG N SEED [--rates 1000,4000] [--kinds K,...] [--table] [--min-pct P] [--as-kick]
red_hunt.py RIG 1 0 --one "GENERATOR ARGS" [--check cover,std,stdU,minmax,count,ends,ends_given] [--told-ppm P] [--drop SLOTS]

Hunts "wrong and sure" results of `rig analyze` on captures of
red_capture.py (a generator the engine was not tuned on): N captures per
kind and sample rate, parameters drawn at random (seeded), each kind a
combination the other suites test one at a time. For each record with
status ok:
  depth   |mean depth error| <= depth_U (k = 2)
  rate    |rate error| <= freq_U (k = 2)
  std     |per-stroke std error| <= 1 um + 10 % of the true std, or
          within the std's own U (depth_std_U_um, k = 2)
  stdU    (--one only) |per-stroke std error| <= its own U alone: the
          std honest, however close
  minmax  |min error|, |max error| <= 3 um + 3 x the sample noise
  minmaxU |min error|, |max error| <= their U (depth_minmax_U_um, k = 2;
          none: 0): coverage, not a limit
  count   strokes measured + rejected ones reported >= true strokes - 2
          (- those inside an error burst)
  ends    the rates at the record's first and last whole stroke
          (rate_start_hz, rate_end_hz, at rate_start_s, rate_end_s) within
          their U (rate_start_U_hz, rate_end_U_hz, k = 2; none: 0) of the
          truth: the crank's mean rate over the stroke they were read over
          (one period of the figure, 1 / rate, centred there), from
          red_capture.py's motor made again (an engine without the times:
          its rate at the record's first and last sample, the truth file's);
          a figure withheld is not judged: coverage, not a limit
  ends_given (--one only) as ends, and neither figure withheld
Every kind's pen has a steady speed wander (red_capture.py --wander:
0.05..0.4 % rms, corner 0.5..10 Hz); kind "kick" adds a start-up speed
kick of 0.05..0.4 % (--kick, decaying with the same corner). Until main
4246a25 every kind drew the kick alone where it meant a wander (the
generator's wander was mis-scaled): --as-kick passes the same figure as
--kick, leaves kind "kick" out and makes those hunts' captures again, byte
for byte.
A record refused (status not ok) is counted apart: refusing is allowed.
Prints a line per miss (every line with --table), then per kind and rate
the counts, and overall coverage per rate; exit 1 when a coverage is
below --min-pct (default 90) or --strict and any figure missed."""
import argparse
import csv
import os
import random
import sys
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spawn  # noqa: E402
SPEED = ["--wander"]    # --as-kick: ["--kick"]


def base(rng, rate, lo=None, hi=None):
    fmax = 300 if rate >= 4000 else 160
    freq = rng.uniform(lo or 50, hi or fmax)
    travel = rng.choice((400, 800, 1000, 1500))
    depth = rng.choice((300, 800, 1500, 2500))
    args = {"--rate": rate, "--freq": "%.3f" % freq, "--travel-um": travel,
            "--depth-um": depth, "--noise-um": "%.2f" % rng.uniform(0.3, 3),
            "--noise-grow": "%.2f" % rng.uniform(0, 1.5),
            "--scatter-um": "%.2f" % rng.uniform(0.3, 4), "--scatter-rho": "%.2f" % rng.uniform(0, 0.7),
            SPEED[0]: "%.4f" % rng.uniform(0.0005, 0.004), "--noise-hz": "%.2f" % rng.uniform(0.5, 10)}
    if rng.random() < 0.5:
        args["--mech"] = "harmonic"
        args["--harm"] = "%.2f" % rng.uniform(0.05, 0.45)
    else:
        args["--rod-ratio"] = "%.2f" % rng.uniform(0.15, 0.45)
    if rng.random() < 0.3:
        args["--cogging"] = "%.3f" % rng.uniform(0.01, 0.06)
    return args


def step(rng):
    return {"--step": "%.2f@%.2f" % (rng.choice((0.6, 0.75, 0.9, 1.15, 1.4)), rng.uniform(0.4, 1.5)),
            "--step-hz": "%.1f" % rng.uniform(5, 40)}


KINDS = {
    "plain": lambda rng, r: base(rng, r),
    "noise+step": lambda rng, r: {**base(rng, r), **step(rng), "--noise-um": "%.2f" % rng.uniform(3, 12)},
    "spikes+ringing": lambda rng, r: {**base(rng, r), "--ring-um": "%.1f" % rng.uniform(5, 20),
                                      "--ring-hz": "%.0f" % rng.uniform(2000, 5000),
                                      "--ring-ms": "%.2f" % rng.uniform(0.3, 1.5),
                                      "--spike-frac": "%.4f" % rng.uniform(0.001, 0.01),
                                      "--spike-sign": rng.choice(("both", "near", "far"))},
    "drift+ramp": lambda rng, r: {**base(rng, r), "--drift-um": "%.1f" % rng.uniform(-10, 10),
                                  "--drift-tau": "%.2f" % rng.uniform(0.3, 3),
                                  "--ramp": "%.3f" % rng.uniform(-0.04, 0.04)},
    "drift-correct": lambda rng, r: {**base(rng, r), "--drift-um": "%.1f" % rng.uniform(-10, 10),
                                     "--drift-tau": "%.2f" % rng.uniform(0.3, 3), "_analyze": "--drift correct"},
    "clock": lambda rng, r: {**base(rng, r), "--clock-ppm": "%.1f" % rng.uniform(-45, 45)},
    "quantised": lambda rng, r: {**base(rng, r), "--range-mm": rng.choice((25, 50)),
                                 "--noise-um": "%.2f" % rng.uniform(0.05, 0.5),
                                 "--scatter-um": "%.2f" % rng.uniform(0, 1)},
    "dropouts": lambda rng, r: {**base(rng, r), "--err-frac": "%.4f" % rng.uniform(0.001, 0.02),
                                "--burst": "%d@%d" % (rng.randint(3, 40), rng.randint(int(0.3 * r), int(1.7 * r)))},
    "slow": lambda rng, r: base(rng, r, 12, 40),
    "fast": lambda rng, r: base(rng, r, 250 if r >= 4000 else 120, 450 if r >= 4000 else 250),
    "short": lambda rng, r: {**base(rng, r), "--seconds": "%.2f" % rng.uniform(0.2, 0.6)},
    "start+hunt": lambda rng, r: {**base(rng, r), "--start": "%.2f" % rng.uniform(0.4, 0.9),
                                  "--start-hz": "%.1f" % rng.uniform(3, 10),
                                  "--start-zeta": "%.2f" % rng.uniform(0.3, 1.0),
                                  "--hunt": "%.3f@%.1f" % (rng.uniform(0.005, 0.03), rng.uniform(1, 8))},
    "pad": lambda rng, r: {**base(rng, r), "--pad": "%.2f" % rng.uniform(0.85, 0.97),
                           "--pad-soft": "%.3f" % rng.uniform(0.003, 0.03)},
    "exposure": lambda rng, r: {**base(rng, r), "--exposure-us": "%.0f" % rng.uniform(50, 250)},
    "kick": lambda rng, r: {**base(rng, r), "--kick": "%.4f" % rng.uniform(0.0005, 0.004)},
}


def gen_argv(gen):
    """red_capture.py's arguments for the draw gen (keys starting with _
    are not the generator's)."""
    argv = []
    for k, v in gen.items():
        if not k.startswith("_"):
            argv += [k] + ([str(v)] if v != "" else [])
    return argv


def truth_rate(gen, truth, at_s, wins=None):
    """The crank's mean rate over one period centred on each time in at_s
    (s from the first sample, the sensor's clock; None: left None), the
    period of wins (seconds; None or 0: the mean period), from
    red_capture.py's motor made again as its main() makes it (the same
    draws). The truth file's rate at the first sample is made again too:
    a motor that does not match it is an error, not a judgement."""
    import red_capture as rc  # HERE is on sys.path (above)
    a = rc.args_parser().parse_args(["x"] + gen_argv(gen))
    if a.kick is None:
        a.kick = 0.002 if a.wander is None else 0.0
    if a.wander is None:
        a.wander = 0.0
    rng = random.Random(a.seed)
    rate_true = a.rate * (1 + a.clock_ppm * 1e-6)
    n = int(round(a.seconds * a.rate))
    t_start = rng.uniform(0, 1 / a.rate)
    motor = rc.Motor(a, rng, -0.002 - a.exposure_us * 1e-6, t_start + (n - 1) / rate_true + 0.01)
    ph = lambda t: motor.uniform_phase(motor.angle(t))
    rs = (ph(t_start + 1e-4) - ph(t_start)) / 1e-4
    if abs(rs / float(truth["rate_start_hz"]) - 1) > 1e-5:
        raise RuntimeError("red_hunt.py: the motor made again reads %.6f Hz at the first sample, the truth %s"
                           % (rs, truth["rate_start_hz"]))
    out = []
    for i, s in enumerate(at_s):
        if s is None:
            out.append(None)
            continue
        w = wins[i] if wins else None
        t, per = t_start + s * a.rate / rate_true, w if w else 1 / float(truth["freq_hz"])
        out.append((ph(t + per / 2) - ph(t - per / 2)) / per)
    return out


def analyze(rig, runner, path, gen, told_ppm):
    cmd = runner + [rig, "analyze", "--format", "ild1420", "--rate", str(gen["--rate"]),
                    "--zero-mm", "5", "--range-mm", str(gen.get("--range-mm", 10)), "--csv"]
    if told_ppm:
        cmd += ["--clock-ppm", str(told_ppm)]
    if "--exposure-us" in gen:
        cmd += ["--exposure-us", str(gen["--exposure-us"])]
    cmd += gen.get("_analyze", "").split()
    cmd.append(path)
    p = spawn.run(cmd)
    rows = list(csv.DictReader(p.stdout.splitlines()))
    return (rows[0] if rows else None), cmd, p.stderr.strip()


def judge(truth, r, gen):
    f = lambda k: float(r[k]) if r[k] != "" else float("nan")  # withheld: not judged
    td, tf = float(truth["depth_mean_um"]), float(truth["freq_hz"])
    e = {"depth": f("depth_mean_um") - td, "U_depth": f("depth_U_um"),
         "rate_ppm": (f("freq_hz") / tf - 1) * 1e6, "U_rate_ppm": f("freq_U_hz") / tf * 1e6,
         "std": f("depth_std_um") - float(truth["depth_std_um"]),
         "min": f("depth_min_um") - float(truth["depth_min_um"]),
         "max": f("depth_max_um") - float(truth["depth_max_um"]),
         "strokes": int(r["strokes"]), "true_strokes": int(truth["strokes"]),
         "rejected": int(r["strokes_rejected"])}
    noise = float(gen["--noise-um"]) * (1 + float(gen.get("--noise-grow", 0)))
    miss = []
    if abs(e["depth"]) > e["U_depth"]:
        miss.append("depth")
    if abs(e["rate_ppm"]) > e["U_rate_ppm"]:
        miss.append("rate")
    # the std is right within 1 um + 10 %, or honest within its own U
    # (depth_std_U_um, k = 2; an engine without it: 0)
    e["U_std"] = float(r.get("depth_std_U_um") or 0)
    if abs(e["std"]) > max(1 + 0.1 * float(truth["depth_std_um"]), e["U_std"]):
        miss.append("std")
    if max(abs(e["min"]), abs(e["max"])) > 3 + 3 * noise:
        miss.append("minmax")
    # the extremes within their own U (k = 2; an engine without it: 0)
    e["U_minmax"] = float(r.get("depth_minmax_U_um") or 0)
    if max(abs(e["min"]), abs(e["max"])) > e["U_minmax"]:
        miss.append("minmaxU")
    # strokes inside an error burst are not seen at all (the rate counts
    # across them): allowed for
    hidden = float(str(gen.get("--burst", "0@0")).split("@")[0]) * float(gen["--freq"]) / float(gen["--rate"])
    if e["strokes"] + e["rejected"] < e["true_strokes"] - 2 - hidden - (1 if hidden else 0):
        miss.append("count")
    # the rates at the record's ends within their own U (k = 2; an engine
    # without it: 0); a figure withheld (empty) is not judged
    g = lambda k: float(r[k]) if r.get(k) else float("nan")
    if "rate_start_s" in r:
        ts = [float(r[k]) if r[k] else None for k in ("rate_start_s", "rate_end_s")]
        ts_ = [x for x in ts if x is not None]
        # over the stroke each was read over: one period of the figure
        ws = [1 / float(r[k]) if r.get(k) and float(r[k]) > 0 else None
              for k in ("rate_start_hz", "rate_end_hz")]
        tr = truth_rate(gen, truth, ts, ws) if ts_ else [None, None]
        tr = [x if x is not None else float("nan") for x in tr]
    else:
        tr = [float(truth["rate_start_hz"]), float(truth["rate_end_hz"])]
    e["start"] = g("rate_start_hz") - tr[0]
    e["end"] = g("rate_end_hz") - tr[1]
    e["U_start"], e["U_end"] = float(r.get("rate_start_U_hz") or 0), float(r.get("rate_end_U_hz") or 0)
    if abs(e["start"]) > e["U_start"] or abs(e["end"]) > e["U_end"]:
        miss.append("ends")
    return e, miss


def make_capture(gargs):
    """red_capture.py with the arguments gargs (its output path first), run
    in this process (spawn.run_main): the same bytes and truth, without
    starting another interpreter for each capture (python3's start and
    imports were a third of a --one case). Its main() from the module
    imported once, not the script run afresh (runpy): under tests/lib.sh's
    gen_py pypy3 compiles the loops of the module's code once, where a
    script run afresh is new code each time, compiled again at every case."""
    import red_capture as rc  # HERE is on sys.path (above)
    spawn.run_main(rc.main, os.path.join(HERE, "red_capture.py"), gargs)


def drop_slots(path, slots):
    """The samples at these slots of a raw capture become error values (no
    peak, 262076, as the sensor sends them: the L, M, H bytes): an error
    value exactly where a case needs one (next to a record's first
    crossing, say), where --err-frac places them at random."""
    b = bytearray(open(path, "rb").read())
    code = 262076
    for s in slots:
        b[3 * s:3 * s + 3] = bytes((code & 0x3F, 0x40 | ((code >> 6) & 0x3F), 0x80 | ((code >> 12) & 0x3F)))
    with open(path, "wb") as f:  # closed now (pypy3 collects late)
        f.write(bytes(b))


def one(a, runner):
    """One capture from the generator arguments in a.one; the figures
    named in a.check must hold (cover: depth and rate within U; std,
    minmax, count; refuse_or_cover: a refusal is fine too, and the depth
    it keeps, if any, must be within U)."""
    gen = {"--rate": 4000, "--noise-um": 1.0, "--noise-grow": 0.5}
    toks = a.one.split()
    i = 0
    while i < len(toks):
        if i + 1 < len(toks) and not toks[i + 1].startswith("--"):
            gen[toks[i]] = toks[i + 1]
            i += 2
        else:
            gen[toks[i]] = ""
            i += 1
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        return one_in(a, runner, gen, a.keep)
    tmp = tempfile.mkdtemp(prefix="red_one.")
    try:
        return one_in(a, runner, gen, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def one_in(a, runner, gen, tmp):
    """One capture made and judged in the directory tmp."""
    path = os.path.join(tmp, "c.bin")
    gargs = [path]
    for k, v in gen.items():
        if not k.startswith("_"):
            gargs += [k] + ([str(v)] if v != "" else [])
    make_capture(gargs)
    if a.drop:
        drop_slots(path, [int(x) for x in a.drop.split(",")])
    truth = dict(l.strip().split("=", 1) for l in open(path + ".truth") if "=" in l)
    gen["_analyze"] = a.analyze
    r, cmd, err = analyze(a.rig, runner, path, gen, a.told_ppm)
    want = set(a.check.split(","))
    if "ends_given" in want:
        want.add("ends")
    if r is None or r["status"] != "ok":
        st = r["status"] if r else (err.splitlines()[-1] if err else "no output")
        if "refuse_or_cover" in want:
            # a refusal that keeps the depth (the rate alone withheld):
            # the depth it keeps is judged
            if r is not None and r["depth_mean_um"] != "":
                e, miss = judge(truth, r, gen)
                bad = abs(e["depth"]) > e["U_depth"]
                print("%s refused: %s; depth kept %+.2f um (U %.2f)%s"
                      % ("FAIL" if bad else "ok", st, e["depth"], e["U_depth"], " [depth]" if bad else ""))
                return 1 if bad else 0
            print("ok refused: %s" % st)
            return 0
        print("FAIL status %s" % st)
        return 1
    e, miss = judge(truth, r, gen)
    if "cover" not in want and "refuse_or_cover" not in want:
        miss = [m for m in miss if m not in ("depth", "rate") or m in want]
    miss = [m for m in miss if m in ("depth", "rate") or m in want]
    if "stdU" in want and not abs(e["std"]) <= e["U_std"]:
        miss.append("stdU")
    if "ends_given" in want and (not r.get("rate_start_hz") or not r.get("rate_end_hz")):
        miss.append("ends_given")
    ends = (" ends %+.3f Hz (U %.3f) %+.3f Hz (U %.3f)" % (e["start"], e["U_start"], e["end"], e["U_end"])
            if "ends" in want else "")
    print("%s depth %+.2f um (U %.2f) rate %+.1f ppm (U %.1f) std %+.2f (U %.2f) min %+.2f max %+.2f (U %.2f) strokes %d/%d%s%s"
          % ("FAIL" if miss else "ok", e["depth"], e["U_depth"], e["rate_ppm"], e["U_rate_ppm"], e["std"], e["U_std"],
             e["min"], e["max"], e["U_minmax"], e["strokes"], e["true_strokes"], ends,
             (" [" + ",".join(miss) + "]") if miss else ""))
    return 1 if miss else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rig")
    ap.add_argument("n", type=int)
    ap.add_argument("seed", type=int)
    ap.add_argument("--rates", default="1000,4000")
    ap.add_argument("--kinds", default=None, help="comma-separated (default: all)")
    ap.add_argument("--as-kick", action="store_true",
                    help="draw the speed noise as --kick (every hunt until main 4246a25), without kind kick")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--min-pct", type=float, default=90)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--one", help="one capture: these generator arguments (then N and SEED are ignored)")
    ap.add_argument("--check", default="cover", help="with --one: cover (depth and rate), depth, rate, std, stdU, minmax, minmaxU, count, ends, refuse_or_cover")
    ap.add_argument("--told-ppm", type=float, default=0, help="with --one: rig analyze --clock-ppm")
    ap.add_argument("--analyze", default="", help="with --one: more rig analyze options")
    ap.add_argument("--drop", default="", help="with --one: these slots (comma-separated) become error values")
    ap.add_argument("--keep", default="", help="with --one: make the capture in this directory and keep it (c.bin, .truth, .strokes)")
    a = ap.parse_args()
    runner = os.environ.get("RIG_RUNNER", "").split()
    if a.one:
        return one(a, runner)
    if a.as_kick:
        SPEED[0] = "--kick"
    if a.kinds is None:
        a.kinds = ",".join(k for k in KINDS if not (a.as_kick and k == "kick"))
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="red_hunt.")
    try:
        return hunt(a, runner, rng, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def hunt(a, runner, rng, tmp):
    """The draws of main(), made one after another in the directory tmp."""
    bad = 0
    tot = {}
    summary = []
    for rate in [int(x) for x in a.rates.split(",")]:
        for kind in a.kinds.split(","):
            c = {"n": 0, "ok": 0, "refused": 0, "depth": 0, "rate": 0, "std": 0, "minmax": 0, "minmaxU": 0,
                 "count": 0, "U_minmax": 0.0, "ends": 0}
            for i in range(a.n):
                seed = rng.randrange(1 << 30)
                gen = KINDS[kind](random.Random(seed), rate)
                gen["--seed"] = seed
                path = os.path.join(tmp, "c.bin")
                gargs = [path]
                for k, v in gen.items():
                    if not k.startswith("_"):
                        gargs += [k, str(v)]
                make_capture(gargs)
                truth = dict(l.strip().split("=", 1) for l in open(path + ".truth") if "=" in l)
                told = 50 if "--clock-ppm" in gen else 0
                r, cmd, err = analyze(a.rig, runner, path, gen, told)
                c["n"] += 1
                gtxt = " ".join("%s %s" % (k, v) for k, v in gen.items())
                if r is None or r["status"] != "ok":
                    c["refused"] += 1
                    if a.table:
                        print("%-5d %-14s refused (%s): %s" % (rate, kind, err.splitlines()[-1] if err else "?", gtxt))
                    continue
                c["ok"] += 1
                e, miss = judge(truth, r, gen)
                c["U_minmax"] += e["U_minmax"]
                for m in miss:
                    c[m] += 1
                if miss or a.table:
                    print("%-5d %-14s %s depth %+.2f (U %.2f) rate %+.1f ppm (U %.1f) std %+.2f (U %.2f) min %+.2f max %+.2f "
                          "(U %.2f) strokes %d/%d rej %d ends %+.3f %+.3f Hz (U %.3f %.3f)%s | %s"
                          % (rate, kind, "MISS" if miss else "ok  ", e["depth"], e["U_depth"], e["rate_ppm"],
                             e["U_rate_ppm"], e["std"], e["U_std"], e["min"], e["max"], e["U_minmax"], e["strokes"], e["true_strokes"],
                             e["rejected"], e["start"], e["end"], e["U_start"], e["U_end"],
                             (" [" + ",".join(miss) + "]") if miss else "", gtxt))
            summary.append((rate, kind, c))
            t = tot.setdefault(rate, {"ok": 0, "depth": 0, "rate": 0, "any": 0, "minmaxU": 0, "U_minmax": 0.0, "ends": 0})
            t["ok"] += c["ok"]
            t["depth"] += c["depth"]
            t["rate"] += c["rate"]
            t["minmaxU"] += c["minmaxU"]
            t["U_minmax"] += c["U_minmax"]
            t["ends"] += c["ends"]
            t["any"] += c["std"] + c["minmax"] + c["count"]
    print("rate  kind            n  ok refused depth-miss rate-miss std-miss minmax-miss count-miss minmaxU-miss (mean U) ends-miss")
    for rate, kind, c in summary:
        print("%-5d %-14s %3d %3d %7d %10d %9d %8d %11d %10d %12d (%.2f) %9d" % (
            rate, kind, c["n"], c["ok"], c["refused"], c["depth"], c["rate"], c["std"], c["minmax"], c["count"],
            c["minmaxU"], c["U_minmax"] / max(c["ok"], 1), c["ends"]))
    for rate, t in tot.items():
        if t["ok"] == 0:
            continue
        cd = 100.0 * (t["ok"] - t["depth"]) / t["ok"]
        cr = 100.0 * (t["ok"] - t["rate"]) / t["ok"]
        cm = 100.0 * (t["ok"] - t["minmaxU"]) / t["ok"]
        ce = 100.0 * (t["ok"] - t["ends"]) / t["ok"]
        print("%d Hz: coverage depth %.1f %%, rate %.1f %%, min/max %.1f %% (mean U %.2f um), ends %.1f %% of %d records"
              % (rate, cd, cr, cm, t["U_minmax"] / t["ok"], ce, t["ok"]))
        if cd < a.min_pct or cr < a.min_pct or (a.strict and (t["depth"] or t["rate"] or t["any"])):
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
