#!/usr/bin/env python3
"""png_ink.py PNG - is a screenshot not blank? Decodes the PNG with the
standard library (zlib; 8-bit RGB/RGBA, all five row filters), counts
pixels that differ from the two most common colours (page and plot
background) and the
distinct colours. Exit 1 when less than 2 % of the pixels are ink or fewer
than 8 colours are used (a blank or one-colour page)."""
import struct
import sys
import zlib
from collections import Counter


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit("unsupported PNG (depth %d, colour type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + ln
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = cur[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                cur[i] = (cur[i] + a) & 255
            elif f == 2:
                cur[i] = (cur[i] + b) & 255
            elif f == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(cur))
        prev = cur
    return w, h, bpp, rows


w, h, bpp, rows = decode(sys.argv[1])
cnt = Counter()
for r in rows:
    for x in range(0, len(r), bpp * 2):  # every other pixel is plenty
        cnt[r[x:x + 3]] += 1
total = sum(cnt.values())
# The two most common colours are the page and the plot area's background.
ink = 1 - sum(n for _, n in cnt.most_common(2)) / total
print("%dx%d, %.1f %% ink, %d colours" % (w, h, 100 * ink, len(cnt)))
sys.exit(0 if ink >= 0.02 and len(cnt) >= 8 else 1)
