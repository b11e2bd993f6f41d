#!/usr/bin/python3
"""gentree.py DIR PATHS: a tree for bench/scale/run.sh with at least PATHS queue entries at --depth 3.

Three levels of directories under DIR (every directory down to depth 3 is one queue entry of zkrsync, the base too),
with a fanout per level that makes their number reach PATHS; every leaf directory gets one empty file. Names only,
no data: what is measured is the coordination, not the copy. Prints the number of directories made.
"""
import math
import os
import sys


def main():
    root, paths = sys.argv[1], int(sys.argv[2])
    fanout = max(1, math.ceil((paths - 1) ** (1 / 3)))
    a, b, c = fanout, fanout, fanout
    # Trim the last level so the count lands near PATHS: 1 + a + a*b + a*b*c.
    while c > 1 and 1 + a + a * b + a * b * (c - 1) >= paths:
        c -= 1
    made = 1
    os.makedirs(root, exist_ok=True)
    for i in range(a):
        top = os.path.join(root, f"a{i:04d}")
        os.mkdir(top)
        made += 1
        for j in range(b):
            mid = os.path.join(top, f"b{j:04d}")
            os.mkdir(mid)
            made += 1
            for k in range(c):
                leaf = os.path.join(mid, f"c{k:04d}")
                os.mkdir(leaf)
                open(os.path.join(leaf, "f"), "wb").close()
                made += 1
    print(made)


if __name__ == "__main__":
    main()
