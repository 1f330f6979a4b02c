#!/usr/bin/env python3
"""stats_check.py - an independent computation of `rig stats` (standard
library only: csv, statistics), to cross-check the C implementation.

  stats_check.py compare RIG_STATS.csv BY REPORT.csv...
      recompute n, mean, std (statistics.stdev), the limits, Cp, Cpk and
      yield per (phase, step, quantity, commanded[, group]) from the reports
      and compare with rig stats --csv output; exit 1 on any difference.
  stats_check.py make-trend DIR
      write synthetic reports: a rising run of 7 in one characteristic and
      one point far out in another.
Definitions (docs/characterization.md): measurement rows are those with
result PASS, FAIL or MEASURED and a numeric measured value; LSL/USL are the
mean of the rows' finite limits; Cp = (USL-LSL)/6s; Cpk = min(USL-mean,
mean-LSL)/3s (one side when the other is open); yield = PASS/(PASS+FAIL).
"""
import csv
import math
import statistics
import sys


def num(s):
    try:
        v = float(s)
    except ValueError:
        return math.nan
    return v


def groups_from(reports, by):
    g = {}
    for path in reports:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                v = num(row.get("measured_full") or row["measured"])
                if math.isnan(v) or row["result"] not in ("PASS", "FAIL", "MEASURED"):
                    continue
                grp = {"none": "", "station": row["station"], "profile": row["profile"],
                       "day": row["timestamp"][:10]}[by]
                cmd = num(row["commanded"])
                key = (row["phase"], row["step"], row["quantity"],
                       None if math.isnan(cmd) else cmd, grp)
                g.setdefault(key, []).append((v, num(row["low_limit"]), num(row["high_limit"]),
                                              row["result"]))
    return g


def expected(rows):
    vals = [r[0] for r in rows]
    n = len(vals)
    mean = statistics.fmean(vals)
    sd = statistics.stdev(vals) if n > 1 else math.nan
    los = [r[1] for r in rows if math.isfinite(r[1])]
    his = [r[2] for r in rows if math.isfinite(r[2])]
    lsl = statistics.fmean(los) if los else math.nan
    usl = statistics.fmean(his) if his else math.nan
    ok = math.isfinite(sd) and sd > 0
    cp = (usl - lsl) / (6 * sd) if ok and los and his else math.nan
    sides = []
    if ok and his:
        sides.append((usl - mean) / (3 * sd))
    if ok and los:
        sides.append((mean - lsl) / (3 * sd))
    cpk = min(sides) if sides else math.nan
    judged = [r for r in rows if r[3] in ("PASS", "FAIL")]
    yld = sum(r[3] == "PASS" for r in judged) / len(judged) if judged else math.nan
    return {"n": n, "mean": mean, "std": sd, "lsl": lsl, "usl": usl, "cp": cp, "cpk": cpk,
            "yield": yld}


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= 1e-7 * max(1.0, abs(a), abs(b))


def compare(rig_csv, by, reports):
    exp = groups_from(reports, by)
    got = {}
    with open(rig_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cmd = num(row["commanded"])
            key = (row["phase"], row["step"], row["quantity"],
                   None if math.isnan(cmd) else cmd, row["group"])
            got[key] = row
    bad = 0
    if set(exp) != set(got):
        print("groups differ: only in python %s, only in rig %s" %
              (sorted(set(exp) - set(got), key=str)[:5], sorted(set(got) - set(exp), key=str)[:5]))
        return 1
    checked = 0
    for key, rows in exp.items():
        e = expected(rows)
        r = got[key]
        for k in ("n", "mean", "std", "lsl", "usl", "cp", "cpk", "yield"):
            if not close(float(e[k]), num(r[k])):
                print("%s %s: python %r, rig %r" % (key, k, e[k], r[k]))
                bad += 1
            checked += 1
    print("%d groups, %d figures compared, %d differ" % (len(exp), checked, bad))
    return 1 if bad else 0


COLS = ["run_id", "timestamp", "station", "operator", "pen_model", "pen_serial",
        "pen_firmware", "attempt", "profile", "profile_version", "profile_sha256", "rig_version",
        "phase", "step", "quantity", "unit", "commanded", "measured", "std", "n",
        "uncertainty", "low_limit", "high_limit", "result", "note"]


def make_trend(d):
    # 12 runs, one per hour. depth@1000: the 7th rising point in a row is run
    # 10 (998 at run 4 up to 1008).
    # depth@500: quiet values and one far out in run 6.
    rise = [1000, 1001, 999, 1000, 998, 999, 1000, 1002, 1004, 1006, 1008, 1010]
    quiet = [500, 501, 499, 500, 501, 499, 540, 500, 501, 499, 500, 501]
    for i in range(12):
        with open("%s/r%02d.csv" % (d, i), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(COLS)
            ts = "2026-11-21T%02d:00:00Z" % i
            for cmd, v in ((1000, rise[i]), (500, quiet[i])):
                w.writerow(["id%d" % i, ts, "S1", "op", "MN-300", "SN%d" % i, "1.0", 1, "p", "1",
                            "x", "v", "verify", "depth_sweep", "depth", "um", cmd, v, "", 60,
                            2, cmd - 100, cmd + 100, "PASS", ""])
            # the verdict row: what makes a file a run report
            w.writerow(["id%d" % i, ts, "S1", "op", "MN-300", "SN%d" % i, "1.0", 1, "p", "1",
                        "x", "v", "run", "end", "verdict", "", "", "", "", "", "", "", "",
                        "PASS", "every judged measurement passed"])
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4:]))
    if sys.argv[1] == "make-trend":
        sys.exit(make_trend(sys.argv[2]))
    sys.exit(64)
