#!/usr/bin/env python3
"""ring_redraw.py - redraws of one blind_hunt.py draw: the same physics
(motor, cam, pad, ring frequency and decay), with the sensor's noise, the
strokes' travel scatter and the ring's per-stroke amplitudes drawn again.
A record's error holds what those draws gave it; over redraws its mean is
what the engine does with that physics (a bias), its spread what U must
cover.

  ring_redraw.py RIG KIND FS SEED N [--from R] [--rate] [KEY=VALUE ...]

Draw r = 0 is the record itself (blind_hunt.py --one KIND FS SEED); r > 0
redraws (the noise and spike streams seeded + 1000 r, the scatter and
ring amplitudes from their own stream). KEY=VALUE overrides a parameter of
the draw (noise_um=0, scatter_um=0, ...). A drift draw is read with
--drift correct (its depth the corrected one), as blind_hunt.py --one
reads it. Prints each draw's depth error
and U (k = 2), then the mean error, its spread and standard error, and
how many are within U and within 1 um. With --rate the same for the mean
rate instead (its error in ppm in the sensor's clock, blind_hunt.py's
rate_err_sensor_ppm, and U in ppm; "within 10 ppm" for "within 1 um"):
what tells a rate's bias from its tail at fixed physics (the motor's
speed, its wander and PWM as drawn).
"""
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_capture as bc  # noqa: E402
import blind_hunt as bh  # noqa: E402


def redraw(p, r):
    """The capture and truth of draw r of the parameters p."""
    if r == 0:
        return bc.make(p)
    base_random, base_init = random.Random, bc.Pen.__init__
    streams = (p["seed"] * 7919 + 1, p["seed"] * 7919 + 2)

    class Shifted(base_random):
        def __init__(self, x=None):
            base_random.__init__(self, x + 1000 * r if x in streams else x)

    def init(pen, pp, rng):
        base_init(pen, pp, rng)
        g = base_random(pp["seed"] * 31 + 17 * r)
        pen.amp = [pp["travel_um"] + g.gauss(0, pp["scatter_um"]) for _ in pen.amp]
        pen.ring_amp = [pp["ring_um"] * (1 + 0.15 * g.gauss(0, 1)) for _ in pen.ring_amp]
        pen._pad_and_impacts(pp)

    bc.random.Random, bc.Pen.__init__ = Shifted, init
    try:
        return bc.make(p)
    finally:
        bc.random.Random, bc.Pen.__init__ = base_random, base_init


def main():
    argv = sys.argv[1:]
    if len(argv) < 5:
        sys.exit(__doc__)
    rig, kind, fs, seed, n = argv[0], argv[1], float(argv[2]), int(argv[3]), int(argv[4])
    r0 = 0
    rate = False
    p = bh.draw(kind, fs, seed)
    i = 5
    while i < len(argv):
        if argv[i] == "--from":
            r0 = int(argv[i + 1])
            i += 2
            continue
        if argv[i] == "--rate":
            rate = True
            i += 1
            continue
        k, v = argv[i].split("=", 1)
        if k not in p and k not in bc.DEFAULTS:
            sys.exit("ring_redraw.py: no parameter %r" % k)
        p[k] = type(p.get(k, bc.DEFAULTS.get(k)))(v)
        i += 1
    errs, twins = [], []
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cap.bin")
        for r in range(r0, r0 + n):
            data, truth = redraw(p, r)
            with open(path, "wb") as f:
                f.write(data)
            # a drift draw as blind_hunt.one reads it: --drift correct,
            # and flagged beside it (judge's drift limits)
            res = bh.rig_analyze(rig, p, path, ["--drift", "correct"] if kind == "drift" else [])
            if kind == "drift":
                res["flag"] = bh.rig_analyze(rig, p, path)
            if kind == "spikes":
                # its spike-free twin, the same draw r (judge's spikes
                # limits, as blind_hunt.one reads it)
                q = dict(p)
                q["spike_p"] = 0.0
                with open(path, "wb") as f:
                    f.write(redraw(q, r)[0])
                res["clean"] = bh.rig_analyze(rig, q, path)
            o = bh.judge(kind, p, truth, res)
            if rate:
                if o.get("rate_err_sensor_ppm") is None:
                    print("r %d: status %s, no rate" % (r, o["status"]))
                    continue
                errs.append((o["rate_err_sensor_ppm"], o["rate_U_ppm"]))
                print("r %d: %+.2f ppm U %.2f %s" % (r, errs[-1][0], errs[-1][1], o["status"]),
                      flush=True)
                continue
            if o.get("depth_err") is None:
                print("r %d: status %s, no depth" % (r, o["status"]))
                continue
            errs.append((o["depth_err"], o["depth_U"]))
            gap = o["limits"].get("spikes: mean within 0.5 um of spike-free")
            print("r %d: %+.3f um U %.3f %s%s" % (r, o["depth_err"], o["depth_U"], o["status"],
                                                 ", spiked - twin %s" % gap[1] if gap else ""),
                  flush=True)
            if gap:
                cm = bh.num(res["clean"], "depth_mean_um")
                twins.append(cm - o["truth_depth"] if cm is not None else None)
    if not errs:
        return 1
    m = sum(e for e, _ in errs) / len(errs)
    sd = (sum((e - m) ** 2 for e, _ in errs) / max(len(errs) - 1, 1)) ** 0.5
    if rate:
        print("%d draws: mean %+.2f ppm, sd %.2f (se %.2f); within U %d, within 10 ppm %d; "
              "mean U %.2f" % (len(errs), m, sd, sd / len(errs) ** 0.5,
                               sum(abs(e) <= u for e, u in errs), sum(abs(e) <= 10 for e, _ in errs),
                               sum(u for _, u in errs) / len(errs)))
        return 0
    print("%d draws: mean %+.3f um, sd %.3f (se %.3f); within U %d, within 1 um %d; mean U %.3f" % (
        len(errs), m, sd, sd / len(errs) ** 0.5, sum(abs(e) <= u for e, u in errs),
        sum(abs(e) <= 1 for e, _ in errs), sum(u for _, u in errs) / len(errs)))
    tw = [t for t in twins if t is not None]
    if tw:
        m = sum(tw) / len(tw)
        sd = (sum((e - m) ** 2 for e in tw) / max(len(tw) - 1, 1)) ** 0.5
        print("%d spike-free twins: mean %+.3f um, sd %.3f (se %.3f)" % (len(tw), m, sd, sd / len(tw) ** 0.5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
