#!/usr/bin/env python3
"""grr_check.py - an independent gauge R&R ANOVA (python3 standard library).

Written apart from rig/study/anova.c, by another route: the model
y = mu + P + O + PO + e is fitted by projecting the data on the part,
operator and cell means with plain lists, the sums of squares come from
statistics.fmean, the interaction test's p-value from a numerical
integral of the F density (Simpson's rule on a substituted variable), and
the variance components from solving the expected-mean-square equations.

Input: CSV with a header containing part,operator,repeat,value (extra
columns ignored), optionally one line "#tolerance=T" anywhere.
Output: key=value lines with every figure rig grr prints.
With --rig-csv FILE: recompute every study in the output of
`rig grr --csv` and compare with the figures rig printed.
"""
import csv
import math
import statistics
import sys


def f_upper(f, d1, d2, steps=20000):
    """P(F(d1,d2) > f) = I_x(d2/2, d1/2), x = d2/(d2+d1 f), by integrating
    the beta density t^(a-1)(1-t)^(b-1)/B(a,b) over [0, x] with t = x*u^k
    to tame the endpoint singularity."""
    if f <= 0:
        return 1.0
    a, b = d2 / 2.0, d1 / 2.0
    x = d2 / (d2 + d1 * f)
    lnB = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    k = max(1.0, 1.0 / a)  # t = x u^k: dt = x k u^(k-1) du
    def g(u):
        if u <= 0.0:
            # the integrand's power of u is a k - 1 >= 0
            return (x ** a) * k / math.exp(lnB) if abs(a * k - 1) < 1e-12 else 0.0
        t = x * u ** k
        return math.exp((a - 1) * math.log(t) + (b - 1) * math.log1p(-t) - lnB) * x * k * u ** (k - 1)
    n = steps
    h = 1.0 / n
    s = g(0.0) + g(1.0)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * g(i * h)
    return min(1.0, max(0.0, s * h / 3.0))


def anova(rows, tol):
    """rows: (part, operator, repeat, value). The figures of one study."""
    out = {}
    parts = sorted({r[0] for r in rows}, key=str)
    ops = sorted({r[1] for r in rows}, key=str)
    cell = {}
    for p, o, _, v in rows:
        cell.setdefault((p, o), []).append(v)
    n, k = len(parts), len(ops)
    reps = {len(v) for v in cell.values()}
    assert len(reps) == 1 and len(cell) == n * k, "unbalanced"
    r = reps.pop()
    allv = [v for _, _, _, v in rows]
    mu = statistics.fmean(allv)
    pmean = {p: statistics.fmean([v for (pp, _), vs in cell.items() if pp == p for v in vs]) for p in parts}
    omean = {o: statistics.fmean([v for (_, oo), vs in cell.items() if oo == o for v in vs]) for o in ops}
    cmean = {c: statistics.fmean(vs) for c, vs in cell.items()}
    ss_p = sum(k * r * (pmean[p] - mu) ** 2 for p in parts)
    ss_o = sum(n * r * (omean[o] - mu) ** 2 for o in ops)
    ss_po = sum(r * (cmean[(p, o)] - pmean[p] - omean[o] + mu) ** 2 for p in parts for o in ops)
    ss_e = sum((v - cmean[(p, o)]) ** 2 for p, o, _, v in rows)
    ss_t = sum((v - mu) ** 2 for v in allv)
    df_p, df_o, df_po, df_e = n - 1, k - 1, (n - 1) * (k - 1), n * k * (r - 1)
    ms_p = ss_p / df_p
    ms_e = ss_e / df_e
    out.update(parts=n, operators=k, repeats=r, grand_mean=mu, ss_part=ss_p, ss_oper=ss_o,
               ss_inter=ss_po, ss_repeat=ss_e, ss_total=ss_t)
    if k > 1:
        ms_o = ss_o / df_o
        ms_po = ss_po / df_po
        f_po = ms_po / ms_e
        p_po = f_upper(f_po, df_po, df_e)
        pooled = p_po > 0.25
        out.update(f_inter=f_po, p_inter=p_po, pooled=int(pooled))
        if pooled:
            ms_err = (ss_po + ss_e) / (df_po + df_e)
            s2e, s2po = ms_err, 0.0
            s2o = max(0.0, (ms_o - ms_err) / (n * r))
            s2p = max(0.0, (ms_p - ms_err) / (k * r))
        else:
            s2e = ms_e
            s2po = max(0.0, (ms_po - ms_e) / r)
            s2o = max(0.0, (ms_o - ms_po) / (n * r))
            s2p = max(0.0, (ms_p - ms_po) / (k * r))
    else:
        s2e, s2po, s2o = ms_e, 0.0, 0.0
        s2p = max(0.0, (ms_p - ms_e) / r)
        out.update(pooled=0)
    grr = math.sqrt(s2e + s2o + s2po)
    pv = math.sqrt(s2p)
    tv = math.hypot(grr, pv)
    out.update(var_repeat=s2e, var_oper=s2o, var_inter=s2po, var_part=s2p,
               ev=math.sqrt(s2e), av=math.sqrt(s2o), interaction=math.sqrt(s2po), grr=grr, pv=pv,
               tv=tv, pct_grr_tv=100 * grr / tv if tv > 0 else float("nan"),
               pct_grr_tol=600 * grr / tol if tol > 0 else float("nan"),
               ndc=1.41 * pv / grr if grr > 0 else float("inf"))
    return out


def compare_rig_csv(path):
    """Recompute every study of `rig grr --csv` from its measurement rows
    and compare with the figures rig printed: exit 1 on a difference above
    1e-6 relative (1e-6 absolute for the p-value)."""
    meas, study = {}, []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["quantity"], row["commanded"])
            if row["record"] == "measurement":
                meas.setdefault(key, []).append(
                    (row["part"], row["operator"], int(row["repeat"]), float(row["value"])))
            elif row["record"] == "study":  # not "zero_target": the zero's move per trial
                study.append((key, row))
    bad = compared = 0
    for key, row in study:
        ref = anova(meas[key], float(row["tolerance"]))
        for col in ("ev", "av", "interaction", "grr", "pv", "tv", "pct_grr_tol", "pct_grr_tv",
                    "ndc", "pooled", "p_interaction"):
            mine = row[col]
            theirs = ref.get("p_inter" if col == "p_interaction" else col)
            if theirs is None or mine == "":
                continue
            mine = float(mine)
            d = abs(mine - theirs) if col == "p_interaction" else \
                (0.0 if mine == theirs else abs(mine - theirs) / max(abs(mine), abs(theirs)))
            compared += 1
            if d > 1e-6:
                bad += 1
                print(f"{key[0]} {key[1]} {col}: rig {mine!r}, python {theirs!r}")
    print(f"grr_check: {compared} figures of {len(study)} studies compared, {bad} differ")
    return 1 if bad or not compared else 0


def main(path):
    tol = float("nan")
    lines = []
    with open(path, newline="") as fh:
        for line in fh:
            if line.startswith("#tolerance="):
                tol = float(line.split("=", 1)[1])
            elif not line.startswith("#"):
                lines.append(line)
    rows = [(r["part"], r["operator"], int(r["repeat"]), float(r["value"]))
            for r in csv.DictReader(lines)]
    for key, val in anova(rows, tol).items():
        print(f"{key}={val!r}" if isinstance(val, float) else f"{key}={val}")


if __name__ == "__main__":
    if sys.argv[1] == "--rig-csv":
        sys.exit(compare_rig_csv(sys.argv[2]))
    main(sys.argv[1])
