#!/usr/bin/env python3
"""lot_check.py - an independent computation of a lot as `rig stats` sees
it (standard library only: csv, statistics), written apart from the rig.

  lot_check.py compare RIG_STATS.txt RIG_STATS.csv REPORT.csv...
      from the reports: per characteristic (phase, step, quantity,
      commanded) n, mean, std (statistics.stdev), Cp and Cpk against the
      specification (low_limit/high_limit); units by serial (upper case,
      surrounding spaces dropped; a run whose serial is "unknown" or empty
      is a unit of its own), first-pass and final yield; compared
      with `rig stats --csv` (RIG_STATS.csv) and the yields `rig stats`
      prints (RIG_STATS.txt). Prints what it compared; exit 1 on any
      difference.

Definitions (docs/characterization.md): a unit is judged when one of its
runs is PASS, FAIL or INDETERMINATE; its first verdict is its first judged
run's (by attempt), its final verdict its last judged run's. First-pass
yield = units whose first verdict is PASS / judged units; final yield =
units whose final verdict is PASS / judged units.
"""
import csv
import math
import re
import statistics
import sys

JUDGED = ("PASS", "FAIL", "INDETERMINATE")


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return math.nan


def read(reports):
    runs, chars = [], {}
    for path in reports:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        v = rows[-1]
        runs.append({"serial": v["pen_serial"].strip().upper(), "attempt": int(v["attempt"] or 0),
                     "verdict": v["result"], "ts": v["timestamp"]})
        for r in rows:
            x = num(r["measured_full"])
            if math.isnan(x) or r["result"] not in ("PASS", "FAIL", "INDETERMINATE", "MEASURED"):
                continue
            if r["phase"] == "run" and r["quantity"] == "verdict":
                continue
            key = (r["phase"], r["step"], r["quantity"], num(r["commanded"]))
            chars.setdefault(key, []).append((x, num(r["low_limit"]), num(r["high_limit"])))
    return runs, chars


def capability(vals):
    xs = [v[0] for v in vals]
    n = len(xs)
    mean = statistics.fmean(xs)
    std = statistics.stdev(xs) if n > 1 else math.nan
    los = [v[1] for v in vals if not math.isnan(v[1])]
    his = [v[2] for v in vals if not math.isnan(v[2])]
    lsl = statistics.fmean(los) if los else math.nan
    usl = statistics.fmean(his) if his else math.nan
    cp = (usl - lsl) / (6 * std) if std > 0 and los and his else math.nan
    sides = []
    if std > 0 and his:
        sides.append((usl - mean) / (3 * std))
    if std > 0 and los:
        sides.append((mean - lsl) / (3 * std))
    cpk = min(sides) if sides else math.nan
    return n, mean, std, cp, cpk


def yields(runs):
    units = {}
    for r in sorted(runs, key=lambda r: (r["serial"], r["attempt"], r["ts"])):
        # no serial known: a pen of its own, never another's retest
        key = r["serial"] if r["serial"] not in ("", "UNKNOWN") else ("?", id(r))
        units.setdefault(key, []).append(r["verdict"])
    judged = {s: [v for v in vs if v in JUDGED] for s, vs in units.items()}
    judged = {s: vs for s, vs in judged.items() if vs}
    first = sum(1 for vs in judged.values() if vs[0] == "PASS")
    final = sum(1 for vs in judged.values() if vs[-1] == "PASS")
    return len(judged), first, final


def close(a, b, rel=1e-6):
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def compare(txt_path, csv_path, reports):
    runs, chars = read(reports)
    errs, said = [], []
    with open(csv_path, newline="", encoding="utf-8") as f:
        rig = {(r["phase"], r["step"], r["quantity"], num(r["commanded"])): r
               for r in csv.DictReader(f)}
    def same_key(a, b):
        return a[:3] == b[:3] and (a[3] == b[3] or (math.isnan(a[3]) and math.isnan(b[3])))
    for key, vals in chars.items():
        n, mean, std, cp, cpk = capability(vals)
        got = [r for k, r in rig.items() if same_key(k, key)]
        if len(got) != 1:
            errs.append("%s: %d rows in rig stats --csv" % (key, len(got)))
            continue
        g = got[0]
        for name, want in (("n", n), ("mean", mean), ("std", std), ("cp", cp), ("cpk", cpk)):
            if not close(num(g[name]), float(want)):
                errs.append("%s %s: rig %s, Python %.9g" % (key, name, g[name], want))
    said.append("%d characteristics: n, mean, std, Cp, Cpk" % len(chars))
    nunits, first, final = yields(runs)
    text = open(txt_path, encoding="utf-8").read()
    for what, want in (("first-pass yield", first), ("final yield", final)):
        m = re.search(r"^%s:\s+(\d+) of (\d+) units = ([\d.]+) %%$" % what, text, re.M)
        if not m:
            errs.append("rig stats prints no '%s' line" % what)
            continue
        if (int(m.group(1)), int(m.group(2))) != (want, nunits):
            errs.append("%s: rig %s of %s, Python %d of %d" %
                        (what, m.group(1), m.group(2), want, nunits))
        if abs(float(m.group(3)) - 100.0 * want / nunits) > 0.051:
            errs.append("%s: rig %s %%, Python %.2f %%" % (what, m.group(3), 100.0 * want / nunits))
    said.append("%d runs, %d units, first-pass %d, final %d" % (len(runs), nunits, first, final))
    for e in errs:
        print("FAIL " + e)
    print("; ".join(said))
    return 1 if errs else 0


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4:]))
    sys.stderr.write(__doc__)
    sys.exit(64)
