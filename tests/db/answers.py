#!/usr/bin/env python3
"""answers.py - the questions of `rig history` and `rig impact` answered
from the CSV reports directly (standard library only), written apart from
the rig's SQL so that the two can be compared.

    answers.py history SERIAL REPORT...          CSV as `rig history --csv`
    answers.py impact STATION SINCE REPORT...    CSV as `rig impact --csv`
    answers.py lastgood STATION REPORT...        the last good check (ISO UTC)
    answers.py order REPORT...                   the reports in run order (start, run id)
    answers.py same A.csv B.csv                  exit 0 when the tables agree
"""
import csv
import functools
import re
import sys

COLS = ["n", "started_at", "station", "operator", "pen_serial", "attempt", "verdict",
        "category", "reason", "profile", "report_file", "run_id", "assessment"]


def marked(path):
    """Report files a failed bench check marked in their folder's ledger
    (ledger.txt: TAB-separated, field 3 the kind, field 4 the object)."""
    return marked_in(path.rsplit("/", 1)[0] if "/" in path else ".")


@functools.lru_cache(maxsize=None)
def marked_in(folder):
    try:
        with open(folder + "/ledger.txt", encoding="utf-8") as f:
            return {l.split("\t")[3] for l in f if l.split("\t")[2:3] == ["unit.to-assess"]}
    except FileNotFoundError:
        return set()


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or "run_id" not in rows[0]:
        return None
    first = rows[0]
    verdict = [r for r in rows if (r["phase"], r["step"], r["quantity"]) == ("run", "end", "verdict")]
    if not verdict:
        return None
    v = verdict[-1]
    return {
        "started_at": first["timestamp"], "station": first["station"],
        "operator": first["operator"], "pen_serial": first["pen_serial"],
        "attempt": first.get("attempt", ""), "verdict": v["result"],
        "category": v.get("category", ""), "reason": v["note"], "profile": first["profile"],
        "report_file": path.rsplit("/", 1)[-1], "run_id": first["run_id"],
        "assessment": "to be assessed" if path.rsplit("/", 1)[-1] in marked(path) else "",
        "fixture": [(r["step"], r["quantity"], r["note"] or r["measured"])
                    for r in rows if r["phase"] == "fixture"],
    }


def runs(paths):
    out = [r for r in (load(p) for p in paths) if r]
    out.sort(key=lambda r: (r["started_at"], r["run_id"]))
    return out


def emit(rs):
    w = csv.writer(sys.stdout, lineterminator="\r\n")
    w.writerow(COLS)
    for i, r in enumerate(rs, 1):
        w.writerow([str(i)] + [r[c] for c in COLS[1:]])


def key(serial):
    return serial.strip().upper()


# No serial known ("unknown" or empty) names no unit: its history is every
# run with no serial known (rig history says each is a unit of its own).
NO_SERIAL = {"", "UNKNOWN"}


def of_unit(run_serial, asked):
    if key(asked) in NO_SERIAL:
        return key(run_serial) in NO_SERIAL
    return key(run_serial) == key(asked)


def lastgood(station, paths):
    rs = [r for r in runs(paths) if r["station"] == station]
    dates = [v for (_, item, v) in rs[-1]["fixture"]
             if "due" not in item and re.fullmatch(r"\d{4}-\d\d-\d\d", v)]
    return min(dates) + "T00:00:00Z"


def same(a, b):
    def read(p):
        with open(p, newline="", encoding="utf-8") as f:
            return list(csv.reader(f))
    x, y = read(a), read(b)
    if x == y:
        return 0
    for i, (rx, ry) in enumerate(zip(x, y)):
        if rx != ry:
            print("row %d differs:\n  %s\n  %s" % (i, rx, ry))
            return 1
    print("%d rows against %d" % (len(x), len(y)))
    return 1


def main():
    cmd = sys.argv[1]
    if cmd == "history":
        emit([r for r in runs(sys.argv[3:]) if of_unit(r["pen_serial"], sys.argv[2])])
    elif cmd == "impact":
        station, since = sys.argv[2], sys.argv[3]
        emit([r for r in runs(sys.argv[4:]) if r["station"] == station
              and r["started_at"] >= since and r["verdict"] != "ABORTED"])
    elif cmd == "lastgood":
        print(lastgood(sys.argv[2], sys.argv[3:]))
    elif cmd == "order":
        rs = {r["run_id"]: p for p in sys.argv[2:] for r in [load(p)] if r}
        for r in runs(sys.argv[2:]):
            print(rs[r["run_id"]])
    elif cmd == "same":
        sys.exit(same(sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
