#!/usr/bin/env python3
"""svg_layout.py - checks on the rig's SVG plots, from the outside:
  inside FILE...            every <text> lies inside the canvas (its width
                            estimated at 0.62 em per character, the width of
                            DejaVu Sans' average glyph, with its anchor)
  count FILE TEXT           how many <text> elements start with TEXT
  points FILE               the centres of the data points (<circle>), one
                            "cx cy" per line
  rings FILE COLOUR         how many unfilled circles of that stroke colour
Standard library only (xml.etree)."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def texts(root):
    for el in root.iter(NS + "text"):
        yield el, "".join(el.itertext())


def size_of(root):
    return float(root.get("width").rstrip("px")), float(root.get("height").rstrip("px"))


def inside(files):
    bad = 0
    for f in files:
        root = ET.parse(f).getroot()
        w, h = size_of(root)
        for el, t in texts(root):
            if el.get("transform"):  # rotated axis titles: checked by their anchor only
                x, y = float(el.get("x")), float(el.get("y"))
                if not (0 <= x <= w and 0 <= y <= h):
                    print(f"{f}: rotated text {t!r} at {x},{y} outside {w}x{h}")
                    bad += 1
                continue
            x, y = float(el.get("x")), float(el.get("y"))
            fs = float(el.get("font-size", "12").rstrip("px"))
            width = 0.62 * fs * len(t)
            anchor = el.get("text-anchor", "start")
            x0 = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
            if x0 < 0 or x0 + width > w or y - fs < 0 or y > h:
                print(f"{f}: text {t!r} ({x0:.0f}..{x0 + width:.0f}, {y - fs:.0f}..{y:.0f}) "
                      f"outside the {w:.0f}x{h:.0f} canvas")
                bad += 1
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "inside":
        sys.exit(1 if inside(sys.argv[2:]) else 0)
    root = ET.parse(sys.argv[2]).getroot()
    if cmd == "count":
        print(sum(1 for _, t in texts(root) if t.startswith(sys.argv[3])))
    elif cmd == "points":
        for c in root.iter(NS + "circle"):
            if c.get("fill", "") not in ("none", ""):
                print(c.get("cx"), c.get("cy"))
    elif cmd == "rings":
        print(sum(1 for c in root.iter(NS + "circle")
                  if c.get("fill") == "none" and c.get("stroke") == sys.argv[3]))


main()
