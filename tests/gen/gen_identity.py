#!/usr/bin/env python3
"""gen_identity.py GENERATOR SEED N - one line per draw: the draw and the
SHA-256 of the capture's bytes and its truth, made by the interpreter that
runs this script (python3 standard library only).

The suites run the capture generators under pypy3 where it is installed
(tests/lib.sh: GEN_PY), python3 otherwise; this is how the two are shown
to make the same captures: run it under each and compare the lines
(tests/test_gen_identity.sh). GENERATOR is one of
  blind    blind_hunt.py's draws of blind_capture.py: every kind, 1 and 4 kHz
  red      red_hunt.py's draws of red_capture.py: every kind, 1 and 4 kHz
  physics  coverage.py's draws of physics_capture.py: 1 and 4 kHz
  make     make_capture.py: each shape and format, 1 and 4 kHz (its raw
           bytes with bytes lost, stray bytes and error values)
N draws in all, round the kinds and rates, the seed SEED in the first
round, one up in each next."""
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def digest(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()[:20]


def made(argv, path):
    """The file a generator wrote at path and its .truth, hashed."""
    subprocess.run([sys.executable] + argv, check=True, stdout=subprocess.DEVNULL)
    with open(path, "rb") as f, open(path + ".truth", "rb") as t:
        return digest(f.read(), t.read())


def blind(seed, n, tmp):
    import blind_capture as bc
    import blind_hunt as bh
    for i, (kind, fs), s in draws(kinds_rates(bh.KINDS), seed, n):
        data, truth = bc.make(bh.draw(kind, fs, s))
        print("blind", kind, fs, s, digest(data, json.dumps(truth, sort_keys=True).encode()))


def red(seed, n, tmp):
    import red_hunt as rh
    path = os.path.join(tmp, "c.bin")
    for i, (kind, fs), s in draws(kinds_rates(rh.KINDS), seed, n):
        gen = rh.KINDS[kind](random.Random(s), fs)
        gen["--seed"] = s
        print("red", kind, fs, s, made([os.path.join(HERE, "red_capture.py"), path] + rh.gen_argv(gen), path))


def physics(seed, n, tmp):
    import coverage as cov
    path = os.path.join(tmp, "c.csv")
    for i, fs, s in draws([1000, 4000], seed, n):
        kind, args = cov.draw(random.Random(s), fs)
        print("physics", kind, fs, s, made([os.path.join(HERE, "physics_capture.py"), path,
                                            "--seed", str(s)] + args, path))


def make(seed, n, tmp):
    faults = ["--lost-bytes", "3", "--stray-bytes", "2", "--error-run", "500:7:65531"]
    shapes = [(shape, ("ild1420", "csv")[(j + k) % 2]) for k in (0, 1)
              for j, shape in enumerate(("fourier", "spline-cam", "spline-dwell"))]
    for i, ((shape, fmt), fs), s in draws(kinds_rates(shapes), seed, n):
        path = os.path.join(tmp, "c." + fmt)
        argv = [os.path.join(HERE, "make_capture.py"), path, "--format", fmt, "--shape", shape,
                "--rate", str(fs), "--seed", str(s), "--seconds", "1"] + (faults if fmt == "ild1420" else [])
        print("make", shape, fmt, fs, s, made(argv, path))


def kinds_rates(kinds):
    """Every kind at 1 and 4 kHz, in an order that has every kind in its
    first len(kinds): the rates alternate, then the other way round."""
    return ([(k, (1000, 4000)[j % 2]) for j, k in enumerate(kinds)]
            + [(k, (4000, 1000)[j % 2]) for j, k in enumerate(kinds)])


def draws(combos, seed, n):
    """n draws that go round combos (kind and rate), the seed one up each
    round: (i, combo, seed)."""
    for i in range(n):
        yield i, combos[i % len(combos)], seed + i // len(combos)


def main():
    gens = {"blind": blind, "red": red, "physics": physics, "make": make}
    if len(sys.argv) != 4 or sys.argv[1] not in gens:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        gens[sys.argv[1]](int(sys.argv[2]), int(sys.argv[3]), tmp)


if __name__ == "__main__":
    main()
