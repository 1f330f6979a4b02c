#!/usr/bin/env python3
"""pair_hunt.py - paired regressions: each blind_capture.py draw is made
once and read by every rig given, so a change's effect is seen record by
record, free of the draws' own scatter.

  pair_hunt.py OUT.jsonl KIND FS SEED0 N [SEED0 N ...] --rig TAG=PATH ...
      draw KIND at FS for seeds SEED0 .. SEED0 + N - 1 (each block in
      turn), read each draw with every --rig, one JSON line a record
      appended to OUT.jsonl (a record already in OUT is not drawn again)
  pair_hunt.py --summary OUT.jsonl [OUT.jsonl ...] [--rate-only]
      per rig: figures, status ok, the mean rate within 10 ppm, its rms
      error, within U, mean U, both end rates within their U; then the
      records whose rate, its U or status moved between the first rig
      and each other (depth too unless --rate-only)

The limits and the truth are blind_hunt.py's (judge); rates in the
sensor's clock. Run under nice with one job: every draw runs each rig.
"""
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_hunt as bh  # noqa: E402

KEYS = ("status", "rate_err_sensor_ppm", "rate_U_ppm", "rate_cov", "ends", "ends_cov",
        "limits", "depth_err", "depth_U", "minmax_U", "minmax_cov", "std_U", "std_cov",
        "strokes_cov", "strokes_U", "std_err", "minmax_err")


def analyze(rig, kind, p, path):
    """One rig's reading of a draw, as blind_hunt.one reads it: a drift
    record with --drift correct, and flagged beside it."""
    if kind != "drift":
        return bh.rig_analyze(rig, p, path)
    res = bh.rig_analyze(rig, p, path, ["--drift", "correct"])
    res["flag"] = bh.rig_analyze(rig, p, path)
    return res


def hunt(out, kind, fs, blocks, rigs):
    done = set()
    if os.path.exists(out):
        with open(out) as f:
            for line in f:
                r = json.loads(line)
                done.add((r["kind"], r["fs"], r["seed"]))
    with open(out, "a") as f:
        for s0, n in blocks:
            for s in range(s0, s0 + n):
                if (kind, fs, s) in done:
                    continue
                p = bh.draw(kind, fs, s)
                rec = {"kind": kind, "fs": fs, "seed": s,
                       "pwm": [p.get("pwm_pct"), p.get("pwm_hz")], "freq": p["freq"]}
                with tempfile.TemporaryDirectory() as d:
                    path, truth = bh.write_capture(p, d)
                    res = {tag: analyze(rig, kind, p, path) for tag, rig in rigs}
                    if kind == "spikes":
                        # the spike-free twin (blind_hunt.py's one())
                        q = dict(p)
                        q["spike_p"] = 0.0
                        os.mkdir(os.path.join(d, "clean"))
                        cpath, _ = bh.write_capture(q, os.path.join(d, "clean"))
                        for tag, rig in rigs:
                            res[tag]["clean"] = bh.rig_analyze(rig, q, cpath)
                    for tag, rig in rigs:
                        o = bh.judge(kind, p, truth, res[tag])
                        rec[tag] = {k: o.get(k) for k in KEYS}
                f.write(json.dumps(rec, default=str) + "\n")
                f.flush()


def fmt(x, spec="%+.2f"):
    return "-" if x is None else spec % x


def summary(files, rate_only):
    for fn in files:
        with open(fn) as f:
            R = [json.loads(line) for line in f]
        if not R:
            print("==", fn, "no records")
            continue
        tags = [k for k in R[0] if isinstance(R[0][k], dict)]
        print("==", fn, len(R), "records")
        for tag in tags:
            e = [r[tag]["rate_err_sensor_ppm"] for r in R
                 if r[tag].get("rate_err_sensor_ppm") is not None]
            U = [r[tag]["rate_U_ppm"] for r in R if r[tag].get("rate_U_ppm") is not None]
            print("  %-8s figures %d, ok %d, within 10 ppm %d, rms %.2f ppm, within U %d, "
                  "mean U %.2f ppm, both ends within U %d" % (
                      tag, len(e), sum(r[tag]["status"] == "ok" for r in R),
                      sum(abs(x) <= 10 for x in e),
                      math.sqrt(sum(x * x for x in e) / len(e)) if e else float("nan"),
                      sum(bool(r[tag].get("rate_cov")) for r in R),
                      sum(U) / len(U) if U else float("nan"),
                      sum(r[tag].get("ends_cov") == [2, 2] for r in R)))
            d = [r[tag] for r in R if r[tag].get("depth_err") is not None]
            if d:
                print("  %-8s depth: figures %d, within U %d, rms %.3f um, mean U %.3f um" % (
                    tag, len(d), sum(abs(x["depth_err"]) <= x["depth_U"] for x in d),
                    math.sqrt(sum(x["depth_err"] ** 2 for x in d) / len(d)),
                    sum(x["depth_U"] for x in d) / len(d)))
                print("  %-8s depth within 1 um %d of %d" % (
                    tag, sum(abs(x["depth_err"]) <= 1 for x in d), len(d)))
            # the strokes' figures (records drawn before these keys: none)
            mm = [r[tag] for r in R if r[tag].get("minmax_U") is not None]
            if mm:
                sc = [x["strokes_cov"] for x in mm if x.get("strokes_cov")]
                print("  %-8s strokes: min/max within U %d of %d, mean U %.3f um; "
                      "std within U %d, mean U %.3f um; strokes within U %d of %d" % (
                          tag, sum(bool(x["minmax_cov"]) for x in mm), len(mm),
                          sum(x["minmax_U"] for x in mm) / len(mm),
                          sum(bool(x["std_cov"]) for x in mm),
                          sum(x["std_U"] or 0 for x in mm) / len(mm),
                          sum(c[0] for c in sc), sum(c[1] for c in sc)))
        for tag in tags:
            miss = {}
            for r in R:
                for name, v in (r[tag].get("limits") or {}).items():
                    if not v[0]:
                        miss.setdefault(name, []).append("%d (%s)" % (r["seed"], v[1]))
            for name in sorted(miss):
                print("  %-8s missed %s: %d: %s" % (tag, name, len(miss[name]),
                                                   ", ".join(miss[name])))
        for tag in tags[1:]:
            mv = []
            for r in R:
                b, a = r[tags[0]], r[tag]
                same = b["status"] == a["status"]
                for k in ("rate_err_sensor_ppm", "rate_U_ppm") + (
                        () if rate_only else ("depth_err", "depth_U")):
                    x, y = b.get(k), a.get(k)
                    if (x is None) != (y is None) or (x is not None and abs(x - y) > 0.005):
                        same = False
                if not same:
                    mv.append(r)
            print("  %s -> %s: %d moved" % (tags[0], tag, len(mv)))
            for r in mv:
                b, a = r[tags[0]], r[tag]
                pw = r["pwm"]
                nu = "%.3f" % (pw[1] / r["freq"]) if pw and pw[1] else "-"
                print("    %s %d %d: rate %s -> %s U %s -> %s, depth %s -> %s, %s -> %s, "
                      "pwm %s Hz (%s cycles a stroke at f0)" % (
                          r["kind"], r["fs"], r["seed"],
                          fmt(b.get("rate_err_sensor_ppm")), fmt(a.get("rate_err_sensor_ppm")),
                          fmt(b.get("rate_U_ppm"), "%.2f"), fmt(a.get("rate_U_ppm"), "%.2f"),
                          fmt(b.get("depth_err"), "%+.3f"), fmt(a.get("depth_err"), "%+.3f"),
                          b["status"], a["status"], fmt(pw[1] if pw else None, "%.1f"), nu))


def main(argv):
    if argv and argv[0] == "--summary":
        summary([a for a in argv[1:] if not a.startswith("--")], "--rate-only" in argv)
        return 0
    rigs, rest = [], []
    i = 0
    while i < len(argv):
        if argv[i] == "--rig" and i + 1 < len(argv):
            tag, _, path = argv[i + 1].partition("=")
            rigs.append((tag, path))
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if len(rest) < 5 or len(rest) % 2 == 0 or not rigs:
        sys.stderr.write(__doc__)
        return 2
    out, kind, fs = rest[0], rest[1], float(rest[2])
    blocks = [(int(rest[j]), int(rest[j + 1])) for j in range(3, len(rest), 2)]
    hunt(out, kind, fs, blocks, rigs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
