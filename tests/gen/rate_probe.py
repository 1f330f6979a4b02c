"""rate_probe.py - what end_burst_probe.py and gap_overshoot_probe.py share:
one red_capture.py draw analysed by each RIG, its rate judged against the
generator's truth."""
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def analyze(rig, path, rate):
    """rig analyze's CSV row for the capture at path (None: no row)."""
    p = subprocess.run([rig, "analyze", "--format", "ild1420", "--rate", str(rate), "--zero-mm", "5",
                        "--range-mm", "10", "--csv", path], capture_output=True, text=True)
    rows = list(csv.DictReader(p.stdout.splitlines()))
    return rows[0] if rows else None


def judge_draw(path, args, rate, rigs):
    """Draws red_capture.py ARGS (a dict) into path, analyses it with every
    RIG and removes the files. Per RIG (verdict, status, error ppm, U ppm):
    verdict "cov" (|error| <= U, status ok), "miss" (outside U, status ok)
    or "ref" (refused: no rate)."""
    g = [sys.executable, os.path.join(HERE, "red_capture.py"), path]
    for k, v in args.items():
        g += [k, str(v)]
    subprocess.run(g, check=True, capture_output=True)
    truth = dict(l.strip().split("=", 1) for l in open(path + ".truth") if "=" in l)
    tf = float(truth["freq_hz"])
    res = []
    for rig in rigs:
        r = analyze(rig, path, rate)
        if not r or r["status"] != "ok" or r["freq_hz"] == "":
            res.append(("ref", r["status"] if r else "none", 0, 0))
        else:
            e = (float(r["freq_hz"]) / tf - 1) * 1e6
            U = float(r["freq_U_hz"]) / tf * 1e6
            res.append(("miss" if abs(e) > U else "cov", "ok", e, U))
    for f in (path, path + ".truth", path + ".strokes"):
        if os.path.exists(f):
            os.remove(f)
    return res
