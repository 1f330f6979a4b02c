#!/usr/bin/env python3
"""check_physics.py TRUTH RESULT_CSV [LIMIT ...]

Compare one `rig analyze --csv` row with a physics_capture.py truth file.
LIMITs, each NAME=VALUE (a missed one fails; the line shows every figure):
  status=S        the row's status must be S (default ok); with another
                  status no figure is compared
  depth=UM        |depth error| <= UM
  freq=PPM        |rate error| <= PPM (parts per million)
  std=UM          |per-stroke std error| <= UM
  minmax=UM       |min error| and |max error| <= UM
  cover=1         |depth error| <= depth_U and |rate error| <= freq_U
  depth_u=UM      depth_U <= UM (a U not inflated by a doubt that is not real)
  refuse_or_cover=1  status not ok, or cover (never wrong and sure)
  ref=FILE        compare depth mean, min and max with another result row
                  (the same capture without spikes) instead of the truth
  strokes=N       at least true strokes - N strokes measured
Prints one line: "ok ..." or "FAIL ...", and the figures as key=value
(err_depth_um, U_depth_um, err_freq_ppm, U_freq_ppm, ...) for
coverage statistics. Exit 1 on a miss."""
import csv
import sys


def main():
    truth = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
    rows = list(csv.DictReader(open(sys.argv[2])))
    lim = dict(a.split("=", 1) for a in sys.argv[3:])
    if len(rows) != 1:
        print("FAIL: expected one result row, found %d" % len(rows))
        return 1
    r = rows[0]
    want = lim.get("status", "ok")
    roc = lim.get("refuse_or_cover") == "1"
    if r["status"] != "ok":
        if roc or r["status"] == want:
            print("ok: status %s (refused)" % r["status"])
            return 0
        print("FAIL: status %s, expected %s" % (r["status"], want))
        return 1
    if want != "ok" and not roc:
        print("FAIL: status ok, expected %s" % want)
        return 1
    f = {}
    f["err_depth_um"] = float(r["depth_mean_um"]) - float(truth["depth_mean_um"])
    f["U_depth_um"] = float(r["depth_U_um"])
    f["err_freq_ppm"] = (float(r["freq_hz"]) / float(truth["freq_hz"]) - 1) * 1e6
    f["U_freq_ppm"] = float(r["freq_U_hz"]) / float(truth["freq_hz"]) * 1e6
    f["err_std_um"] = float(r["depth_std_um"]) - float(truth["depth_std_um"])
    # a withheld extreme (empty) is not judged: nan fails no limit
    fx = lambda k: float(r[k]) if r[k] != "" else float("nan")
    f["err_min_um"] = fx("depth_min_um") - float(truth["depth_min_um"])
    f["err_max_um"] = fx("depth_max_um") - float(truth["depth_max_um"])
    f["strokes"] = int(r["strokes"])
    f["true_strokes"] = int(truth["strokes"])
    if "ref" in lim:
        ref = list(csv.DictReader(open(lim["ref"])))[0]
        f["err_depth_um"] = float(r["depth_mean_um"]) - float(ref["depth_mean_um"])
        f["err_min_um"] = fx("depth_min_um") - float(ref["depth_min_um"] or "nan")
        f["err_max_um"] = fx("depth_max_um") - float(ref["depth_max_um"] or "nan")
    miss = []
    if "strokes" in lim and f["strokes"] < f["true_strokes"] - int(lim["strokes"]):
        miss.append("strokes")
    if "depth" in lim and abs(f["err_depth_um"]) > float(lim["depth"]):
        miss.append("depth")
    if "freq" in lim and abs(f["err_freq_ppm"]) > float(lim["freq"]):
        miss.append("freq")
    if "std" in lim and abs(f["err_std_um"]) > float(lim["std"]):
        miss.append("std")
    if "minmax" in lim and max(abs(f["err_min_um"]), abs(f["err_max_um"])) > float(lim["minmax"]):
        miss.append("minmax")
    if "depth_u" in lim and f["U_depth_um"] > float(lim["depth_u"]):
        miss.append("depth U above %s" % lim["depth_u"])
    if lim.get("cover") == "1" or roc:
        if abs(f["err_depth_um"]) > f["U_depth_um"]:
            miss.append("depth not covered by U")
        if abs(f["err_freq_ppm"]) > f["U_freq_ppm"]:
            miss.append("rate not covered by U")
    figs = " ".join("%s=%.4g" % (k, v) for k, v in f.items())
    print("%s %s%s" % ("FAIL" if miss else "ok", figs, (" (" + ", ".join(miss) + ")") if miss else ""))
    return 1 if miss else 0


if __name__ == "__main__":
    sys.exit(main())
