#!/usr/bin/python3
"""Generates a deterministic source tree for bench/sync/run.sh, plus the stale versions of 1% of its
files (the "1% changed" scenario copies them over the destination before each run).

    gentree.py SRC STALE --files N --fanout A,B,C [--large K --large-mb M] [--seed S]

SRC gets fanout[0] top directories, each with fanout[1] subdirectories, each with fanout[2] leaf
directories (three levels); files go mostly into the leaves. Sizes: 70% 0-4 KiB, 25% 4-128 KiB,
4.5% 128 KiB-1 MiB, 0.5% 1-4 MiB (log-uniform within each band), plus K files of M MiB. A few
symlinks, empty directories and non-default modes are mixed in. Everything (names, sizes, content,
modes, mtimes) follows from the seed. STALE gets an older, different version of 1% of the regular
files, at the same relative paths; STALE/../changed.txt lists them.
"""
import argparse
import math
import os
import random

BASE_MTIME = 1_700_000_000
POOL_SIZE = 64 << 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("stale")
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--fanout", default="10,10,10")
    ap.add_argument("--large", type=int, default=0)
    ap.add_argument("--large-mb", type=int, default=50)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--change-percent", type=float, default=1.0)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    pool = random.Random(a.seed + 1).randbytes(POOL_SIZE)

    def content(size):
        out = bytearray()
        while len(out) < size:
            off = rnd.randrange(0, POOL_SIZE - 4096)
            out += pool[off:off + min(size - len(out), POOL_SIZE - off)]
        return bytes(out)

    f0, f1, f2 = (int(x) for x in a.fanout.split(","))
    dirs = []  # (relative path, depth)
    for i in range(f0):
        d1 = f"d{i:02d}"
        dirs.append((d1, 1))
        for j in range(f1):
            d2 = f"{d1}/s{j:02d}"
            dirs.append((d2, 2))
            for k in range(f2):
                dirs.append((f"{d2}/l{k:02d}", 3))
    leaves = [d for d, depth in dirs if depth == 3]
    inner = [d for d, depth in dirs if depth < 3]
    empty = set(rnd.sample(leaves, max(1, len(leaves) // 100)))
    fill = [d for d in leaves if d not in empty]

    os.makedirs(a.src, exist_ok=True)
    for d, _ in dirs:
        os.makedirs(os.path.join(a.src, d), exist_ok=True)

    def size_of():
        r = rnd.random()
        lo, hi = ((0, 4096) if r < 0.70 else (4096, 128 << 10) if r < 0.95
                  else (128 << 10, 1 << 20) if r < 0.995 else (1 << 20, 4 << 20))
        if lo == 0:
            return rnd.randrange(0, hi)
        return int(math.exp(rnd.uniform(math.log(lo), math.log(hi))))

    files = []  # (relative path, size)
    for n in range(a.files - a.large):
        d = rnd.choice(inner) if rnd.random() < 0.03 else rnd.choice(fill)
        files.append((f"{d}/f{n:05d}.dat", size_of()))
    for n in range(a.large):
        files.append((f"{rnd.choice(fill)}/big{n}.bin", a.large_mb << 20))

    total = 0
    for rel, size in files:
        p = os.path.join(a.src, rel)
        with open(p, "wb") as fh:
            fh.write(content(size))
        os.chmod(p, rnd.choice([0o644] * 18 + [0o600, 0o755]))
        t = BASE_MTIME + rnd.randrange(0, 86400 * 365)
        os.utime(p, (t, t))
        total += size

    regular = [rel for rel, _ in files]
    links = rnd.sample(regular, min(50, len(regular)))
    for n, target in enumerate(links):
        link = os.path.join(a.src, os.path.dirname(target), f"link{n:02d}")
        os.symlink(os.path.basename(target), link)
        os.utime(link, (BASE_MTIME, BASE_MTIME), follow_symlinks=False)

    changed = sorted(rnd.sample(regular, max(1, round(len(regular) * a.change_percent / 100))))
    changed_bytes = 0
    for rel in changed:
        src = os.path.join(a.src, rel)
        st = os.stat(src)
        with open(src, "rb") as fh:
            data = bytearray(fh.read())
        if data:  # flip a few bytes, keep the size
            for _ in range(4):
                i = rnd.randrange(len(data))
                data[i] ^= 0xFF
        else:
            data = bytearray(b"x")
        dst = os.path.join(a.stale, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as fh:
            fh.write(data)
        os.chmod(dst, st.st_mode & 0o7777)
        os.utime(dst, (st.st_mtime - 3600, st.st_mtime - 3600))
        changed_bytes += st.st_size
    with open(os.path.join(os.path.dirname(os.path.abspath(a.stale)), os.path.basename(a.stale) + ".list"), "w") as fh:
        fh.write("".join(rel + "\n" for rel in changed))

    # Directory modes and mtimes last (creating files changed them).
    for d, depth in sorted(dirs, key=lambda x: -x[1]):
        p = os.path.join(a.src, d)
        os.chmod(p, 0o750 if rnd.random() < 0.05 else 0o755)
        t = BASE_MTIME + rnd.randrange(0, 86400 * 365)
        os.utime(p, (t, t))
    os.utime(a.src, (BASE_MTIME, BASE_MTIME))
    print(f"{len(files)} files, {len(links)} symlinks, {len(dirs)} directories ({len(empty)} empty), "
          f"{total / (1 << 20):.0f} MiB; {len(changed)} files changed ({changed_bytes / (1 << 20):.1f} MiB)")


if __name__ == "__main__":
    main()
