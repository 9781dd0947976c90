#!/usr/bin/env python3
"""pdf_flat_lib.py — what tests/integ/pdf_flat.sh reads in a book's PDFs.

  transparency FILE.qdf     every trace of live transparency in a PDF that
                            qpdf --qdf --object-streams=disable wrote out
                            (objects and streams in clear): /SMask, a /Group
                            whose /S is /Transparency, /CA or /ca below 1,
                            blend modes other than Normal; one line each.
  ring PAGE.ppm CX CY R     the ground around a round picture: the pixels
                            of the ring R*1.04 .. R*1.09 around (CX, CY)
                            (pixels) that differ from the ground's colour;
                            "" when the ground there is plain.
  backring PAGE.ppm X       finds the round picture on the back cover up
                            the column X (the back's middle), then as ring.
"""
import math
import re
import sys


def transparency(path):
    data = open(path, "rb").read()
    found = []
    for m in re.finditer(rb"/SMask\s*(?!/None)", data):
        found.append("soft mask at byte %d" % m.start())
    # a group dictionary: /Group << ... /S /Transparency ... >>
    for m in re.finditer(rb"/Group\s*<<(.*?)>>", data, re.S):
        if re.search(rb"/S\s*/Transparency", m.group(1)):
            found.append("transparency group at byte %d" % m.start())
    for m in re.finditer(rb"/(CA|ca)\s+([0-9.]+)", data):
        if float(m.group(2)) < 1:
            found.append("/%s %s at byte %d" % (m.group(1).decode(), m.group(2).decode(), m.start()))
    for m in re.finditer(rb"/BM\s*/(\w+)", data):
        if m.group(1) not in (b"Normal", b"Compatible"):
            found.append("blend mode %s" % m.group(1).decode())
    return found


def read_ppm(path):
    data = open(path, "rb").read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6", path
    w, h = int(parts[1]), int(parts[2])
    px = parts[4][: w * h * 3]
    return w, h, px


def at(img, x, y):
    w, h, px = img
    i = (y * w + x) * 3
    return px[i], px[i + 1], px[i + 2]


def far(a, b, tol=10):
    return max(abs(a[i] - b[i]) for i in range(3)) > tol


def ring(img, cx, cy, r):
    """Pixels around the ring that are not the ground; the ground is the
    colour most of the ring's surroundings have."""
    pts = []
    # Samples half a pixel apart on each circle, so a thin line across the
    # ring, at any angle, meets some of them.
    n = max(720, int(4 * math.pi * r * 1.1))
    for k in range(n):
        a = 2 * math.pi * k / n
        for f in (1.04, 1.055, 1.07, 1.085):
            x, y = int(round(cx + f * r * math.cos(a))), int(round(cy + f * r * math.sin(a)))
            pts.append((x, y, at(img, x, y)))
    counts = {}
    for _, _, c in pts:
        counts[c] = counts.get(c, 0) + 1
    ground = max(counts, key=counts.get)
    return ["%d,%d %s" % (x, y, c) for x, y, c in pts if far(c, ground)], ground


def backring(img, x):
    """The round picture under the blurb, found in the column x by its ring:
    from the bottom, only ground up to the ring's bottom, whose colour (the
    book's accent) is taken there; from the top, the first two pixels of
    that colour are the ring's top (the blurb above is white and ink, the
    ground pale).  Colours of the picture inside play no part: a pale
    picture (snow, cloud) can come within a few levels of the ground.
    Returns the centre and the outer radius."""
    w, h, _ = img
    ground = at(img, x, h - 3)
    y = h - 1
    while y > 0 and not far(at(img, x, y), ground, 6):
        y -= 1
    bottom = y
    ring = at(img, x, bottom - 1)
    top = 0
    while top < bottom and (far(at(img, x, top), ring, 24) or far(at(img, x, top + 1), ring, 24)):
        top += 1
    return x, (top + bottom) / 2, (bottom - top) / 2


def main():
    cmd = sys.argv[1]
    if cmd == "transparency":
        for line in transparency(sys.argv[2]):
            print(line)
    elif cmd == "ring":
        img = read_ppm(sys.argv[2])
        bad, _ = ring(img, float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
        print("\n".join(bad[:10]))
    elif cmd == "backring":
        img = read_ppm(sys.argv[2])
        cx, cy, r = backring(img, int(sys.argv[3]))
        if r < 20:
            print("no round picture found in column %d" % cx)
            return
        bad, _ = ring(img, cx, cy, r / 1.02)  # the ring's stroke: 0.04 r wide
        print("\n".join(bad[:10]))
    else:
        sys.exit("usage: see the top of this file")


if __name__ == "__main__":
    main()
