#!/usr/bin/env python3
"""genreports.py - run reports for load tests, made from one real report.

    genreports.py TEMPLATE.csv OUTDIR STATION COUNT SEED

Writes COUNT reports into OUTDIR as station STATION: each the template's
rows with a new run id, a start time one minute after the previous one
(from a base that depends on the station), its own serial, measured values
moved a little, and every fifth run a FAIL. The bytes of every report
differ; the columns are the template's (read by name).
"""
import csv
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone


def main():
    template, outdir, station, count, seed = sys.argv[1:6]
    rnd = random.Random(int(seed))
    with open(template, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(head)}
    base = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(hours=int(seed))
    for i in range(int(count)):
        start = base + timedelta(minutes=i)
        run_id = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        serial = "MN3-%s-%05d" % (station[-2:], i)
        verdict = "FAIL" if i % 5 == 4 else "PASS"
        lines = ['"' + '","'.join(head) + '"']
        for r in body:
            r = list(r)
            r[col["run_id"]] = run_id
            r[col["timestamp"]] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
            r[col["station"]] = station
            r[col["pen_serial"]] = serial
            for name in ("measured", "measured_full"):
                c = col.get(name)
                if c is not None and r[c] and r[col["result"]] in ("PASS", "FAIL", "MEASURED"):
                    r[c] = "%.9g" % (float(r[c]) * (1 + rnd.gauss(0, 0.001)))
            if (r[col["phase"]], r[col["step"]], r[col["quantity"]]) == ("run", "end", "verdict"):
                r[col["result"]] = verdict
                if verdict == "FAIL":
                    r[col["note"]] = "generated FAIL %d" % i
            lines.append(",".join(field(head[k], v) for k, v in enumerate(r)))
        name = "%s/%s_%s_%s.csv" % (outdir, start.strftime("%Y%m%dT%H%M%SZ"), serial, verdict)
        with open(name, "w", newline="", encoding="utf-8") as f:
            f.write("\r\n".join(lines) + "\r\n")


NUMBERS = {"commanded", "measured", "std", "n", "uncertainty", "low_limit", "high_limit",
           "accept_low", "accept_high", "conformance_probability", "measured_full",
           "uncertainty_full", "attempt", "bench_time_s"}


def field(name, value):
    if name in NUMBERS:
        return value
    return '"' + value.replace('"', '""') + '"'


if __name__ == "__main__":
    main()
