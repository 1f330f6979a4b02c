#!/usr/bin/env python3
"""coverage.py RIG N SEED [--rates 1000,4000] [--min-pct 90] [--kinds K,...] [--table]

Coverage of the stroke engine's expanded uncertainty (k = 2) on captures
it has not seen: N captures per sample rate from physics_capture.py with
parameters drawn at random (seeded): stroke rate, depth, travel, cam shape,
noise, speed wander, start-up transients, speed steps, chirps, drift,
spikes, exposure smoothing, impact ringing (--kinds: only these). For each, `rig analyze --csv` against the
truth: |depth error| <= depth_U and |rate error| <= freq_U. A refused
record (any status but ok) is counted apart and not as covered. The
per-stroke min and max within depth_minmax_U_um are counted and printed
(not judged).

Prints one line per capture with --table, then per rate the coverage of
depth and rate; exit 1 when a coverage is below --min-pct (default 90) or
a record was refused that should not have been (none of these captures
is beyond the default quality gates)."""
import csv
import os
import random
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spawn  # noqa: E402


def make_capture(args):
    """physics_capture.py with the arguments args (its output path first),
    run in this process (spawn.run_main): no interpreter started for each
    of the 24 captures of the physics suite."""
    import physics_capture as pc  # HERE is on sys.path (above)
    spawn.run_main(pc.main, os.path.join(HERE, "physics_capture.py"), args)


KINDS = ("plain", "dwell", "start", "step", "chirp", "drift", "spikes", "exposure", "ringing")


def draw(rng, rate, kinds=KINDS):
    """Generator arguments of one capture."""
    freq = rng.uniform(60, 300 if rate >= 4000 else 160)
    depth = rng.choice((250, 800, 1500, 2500))
    stroke = rng.choice((800, 1000, 1500))
    args = ["--rate", str(rate), "--freq", "%.3f" % freq, "--depth-um", str(depth),
            "--stroke-um", str(stroke), "--advance", "%.2f" % rng.uniform(0.25, 0.5),
            "--noise-um", "%.2f" % rng.uniform(0.5, 4), "--scatter-um", "%.2f" % rng.uniform(0.5, 4),
            "--wander", "%.4f" % rng.uniform(0, 0.004)]
    kind = rng.choice(kinds)
    if kind == "dwell":
        args += ["--dwell", "%.2f" % rng.uniform(0.1, 0.3)]
    elif kind == "start":
        args += ["--start-frac", "%.2f" % rng.uniform(0.4, 0.9), "--start-tau", "%.3f" % rng.uniform(0.05, 0.15)]
    elif kind == "step":
        args += ["--step-factor", "%.2f" % rng.choice((0.6, 0.7, 0.85, 1.2, 1.4)),
                 "--step-at", "%.2f" % rng.uniform(0.5, 1.5), "--step-tau", "%.3f" % rng.uniform(0.005, 0.05)]
    elif kind == "chirp":
        args += ["--chirp", "%.3f" % rng.uniform(-0.04, 0.04)]
    elif kind == "drift":
        args += ["--drift-um", "%.1f" % rng.uniform(-10, 10)]
    elif kind == "spikes":
        args += ["--spike-frac", "%.4f" % rng.uniform(0.001, 0.01),
                 "--spike-sign", rng.choice(("both", "up", "down"))]
    elif kind == "exposure":
        args += ["--exposure-us", "%.0f" % rng.uniform(50, 250)]
    elif kind == "ringing":
        args += ["--ring-um", "%.1f" % rng.uniform(5, 20), "--ring-hz", "%.0f" % rng.uniform(2000, 5000),
                 "--ring-tau-ms", "%.2f" % rng.uniform(0.3, 2)]
    return kind, args


def main():
    rig, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    opts = sys.argv[4:]
    rates = [1000, 4000]
    min_pct = 90.0
    table = "--table" in opts
    if "--rates" in opts:
        rates = [int(r) for r in opts[opts.index("--rates") + 1].split(",")]
    kinds = KINDS
    if "--kinds" in opts:
        kinds = tuple(opts[opts.index("--kinds") + 1].split(","))
    if "--min-pct" in opts:
        min_pct = float(opts[opts.index("--min-pct") + 1])
    runner = os.environ.get("RIG_RUNNER", "").split()
    rng = random.Random(seed)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rate in rates:
            cov_d = cov_f = cov_m = ok = refused = 0
            sum_um = 0.0
            for i in range(n):
                kind, args = draw(rng, rate, kinds)
                cap = os.path.join(tmp, "c.csv")
                s = rng.randrange(1, 10 ** 6)
                make_capture([cap, "--seed", str(s)] + args)
                res = spawn.run(runner + [rig, "analyze", "--format", "csv", "--rate", str(rate),
                                          "--zero-mm", "5", "--csv", cap])
                truth = dict(l.strip().split("=", 1) for l in open(cap + ".truth") if "=" in l)
                row = list(csv.DictReader(res.stdout.splitlines()))
                if not row or row[0]["status"] != "ok":
                    refused += 1
                    if table:
                        print("%5d %-8s seed %7d refused: %s" % (rate, kind, s, res.stderr.strip()))
                    continue
                r = row[0]
                ok += 1
                ed = float(r["depth_mean_um"]) - float(truth["depth_mean_um"])
                ef = (float(r["freq_hz"]) / float(truth["freq_hz"]) - 1) * 1e6
                ud = float(r["depth_U_um"])
                uf = float(r["freq_U_hz"]) / float(truth["freq_hz"]) * 1e6
                cov_d += abs(ed) <= ud
                cov_f += abs(ef) <= uf
                # the per-stroke extremes within their U (none: 0)
                # (a withheld extreme, empty, is not judged)
                em = max([abs(float(r[k]) - float(truth[k])) for k in ("depth_min_um", "depth_max_um")
                          if r[k] != ""] or [0.0])
                um = float(r.get("depth_minmax_U_um") or 0)
                cov_m += em <= um
                sum_um += um
                if table:
                    print("%5d %-8s seed %7d depth %+7.3f U %6.3f %s  rate %+8.2f ppm U %7.2f %s  "
                          "minmax %6.2f U %6.2f %s  %s"
                          % (rate, kind, s, ed, ud, "ok " if abs(ed) <= ud else "OUT", ef, uf,
                             "ok " if abs(ef) <= uf else "OUT", em, um, "ok " if em <= um else "OUT",
                             " ".join(args[2:])))
            pd = 100.0 * cov_d / ok if ok else 0
            pf = 100.0 * cov_f / ok if ok else 0
            print("coverage at %d Hz: depth %d/%d (%.0f %%), rate %d/%d (%.0f %%), refused %d; "
                  "per-stroke min/max %d/%d (mean U %.2f um)"
                  % (rate, cov_d, ok, pd, cov_f, ok, pf, refused, cov_m, ok, sum_um / ok if ok else 0))
            if pd < min_pct or pf < min_pct or refused:
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
