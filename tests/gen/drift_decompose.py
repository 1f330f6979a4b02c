#!/usr/bin/env python3
"""drift_decompose.py RIG FS:SEED ... - split a blind drift draw's error
under --drift correct into its parts (issue 13, "drift corrected within
1 um"; blind_hunt.py draw('drift', FS, SEED)).

For each draw, four runs of the same capture (the generator's noise comes
from its own random streams, so the capture without drift holds the same
noise), and one quiet twin:
  total  correct(drift) - truth: what blind_hunt.py judges
  own    flag(no drift) - truth: the engine's own error, no drift at all
  ownc   correct(no drift) - truth: own, plus the correction of a drift
         that is not there (the correction's noise alone)
  A      flag(drift) - flag(no drift): what the drift added, as read
  At     the true mean drift at the strokes' deepest points less the
         drift at the record's first sample (the depth's sign)
  C      flag(drift) - correct(drift): the correction applied
  A-C    the correction's error (total = own + (A - C) up to the
         correction mode's own change of the shape)
  form   At - C on the quiet twin (noise 0.05 um gauss, no scatter,
         jitter or wander): the drift model's form alone
A miss whose |own| is near 1 um is the engine's error, not the drift's;
A-C well beyond form is the troughs' noise.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_capture as bc  # noqa: E402
import blind_hunt as bh  # noqa: E402


def run(rig, p, extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.bin")
        data, truth = bc.make(p)
        with open(path, "wb") as f:
            f.write(data)
        res = bh.rig_analyze(rig, p, path, extra)
    # judged as "mixed": the depth's figures, no drift limits
    return bh.judge("mixed", p, truth, res), truth


def drift_added(p, truth):
    """The true mean drift at the strokes' deepest points, depth sign."""
    s = truth["strokes"]
    t0 = s[0]["t_true"] - s[0]["t_sensor"]
    d0 = bc.drift_at(p, t0)
    return -sum(bc.drift_at(p, x["t_true"]) - d0 for x in s) / len(s)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    rig = argv[1]
    cor = ["--drift", "correct"]
    print("fs seed kind drift_um: total own ownc | A At C A-C | form | U")
    for a in argv[2:]:
        fs, seed = a.split(":")
        p = bh.draw("drift", float(fs), int(seed))
        q = dict(p, drift_um=0.0)
        z = dict(p, noise_um=0.05, noise_kind="gauss", scatter_um=0.0, jitter_us=0.0,
                 wander_pct=0.0)
        fd, tr = run(rig, p, [])
        cd, _ = run(rig, p, cor)
        fn, _ = run(rig, q, [])
        cn, _ = run(rig, q, cor)
        fz, trz = run(rig, z, [])
        cz, _ = run(rig, z, cor)
        if any(o.get("depth") is None for o in (fd, cd, fn, cn, fz, cz)):
            print("%s %s: a run gave no depth (%s)" % (fs, seed, [o["status"] for o in (fd, cd, fn, cn, fz, cz)]))
            continue
        at = drift_added(p, tr)
        A, C = fd["depth"] - fn["depth"], fd["depth"] - cd["depth"]
        print("%s %s %s %+.2f: %+.2f %+.2f %+.2f | %+.2f %+.2f %+.2f %+.2f | %+.2f | %.2f" % (
            fs, seed, p["drift_kind"], p["drift_um"], cd["depth_err"], fn["depth_err"], cn["depth_err"],
            A, at, C, A - C, drift_added(z, trz) - (fz["depth"] - cz["depth"]), cd["depth_U"]), flush=True)


if __name__ == "__main__":
    main(sys.argv)
